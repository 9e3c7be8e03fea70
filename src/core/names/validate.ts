// Validation of every name that reaches the API or a process. Patterns are Kubernetes' own (DNS-1123/1035),
// which also rules out shell metacharacters, whitespace, a leading '-' (option injection) and path separators.
import { randomInt } from 'node:crypto';
import { SandboxError } from '../errors';

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const POSIX_USER = /^[A-Za-z_][A-Za-z0-9_.-]*\$?$/;

function invalid(what: string, value: string, rule: string): SandboxError {
  const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  return new SandboxError('InvalidInput', `Invalid ${what} ${shown}: ${rule}`);
}

function check(what: string, value: unknown, re: RegExp, max: number, rule: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(what, String(value ?? ''), 'must not be empty');
  if (value.length > max) throw invalid(what, value, `at most ${max} characters`);
  if (!re.test(value)) throw invalid(what, value, rule);
  return value;
}

const LABEL_RULE = 'lower-case letters, digits and "-", starting and ending with a letter or digit';

/** Helm release: helm allows 53 characters; a leading letter because the chart names Services after it. */
export const validateReleaseName = (v: unknown): string =>
  check(
    'release name',
    v,
    DNS1035_LABEL,
    53,
    'lower-case letters, digits and "-", starting with a letter and ending with a letter or digit',
  );

export const validateNamespace = (v: unknown): string => check('namespace', v, DNS1123_LABEL, 63, LABEL_RULE);
export const validateServiceName = (v: unknown): string => check('service name', v, DNS1123_LABEL, 63, LABEL_RULE);
export const validateContainerName = (v: unknown): string => check('container name', v, DNS1123_LABEL, 63, LABEL_RULE);
export const validatePodName = (v: unknown): string =>
  check('pod name', v, DNS1123_SUBDOMAIN, 253, 'lower-case letters, digits, "-" and "."');
export const validateRuntimeClassName = (v: unknown): string =>
  check('RuntimeClass name', v, DNS1123_SUBDOMAIN, 253, 'lower-case letters, digits, "-" and "."');

/** A user name for runuser/su inside a container (POSIX portable names; no numeric ids: su needs a name). */
export function validateUserName(v: unknown): string {
  const name = check(
    'user name',
    v,
    POSIX_USER,
    32,
    'letters, digits, "_", "." and "-", not starting with "-" or a digit',
  );
  return name;
}

/** A fresh release name: 8 lower-case alphanumerics, the first a letter. */
export function generateReleaseName(): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const alnum = `${letters}0123456789`;
  let s = letters[randomInt(letters.length)];
  for (let i = 1; i < 8; i++) s += alnum[randomInt(alnum.length)];
  return s;
}
