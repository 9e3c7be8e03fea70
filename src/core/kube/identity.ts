// "Mine": a stable identity for the creator label, derived from the kubeconfig user (never from a token).
import { createHash } from 'node:crypto';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * A label-safe (≤ 63 chars, [A-Za-z0-9._-], alphanumeric ends) identity. Names that are already label-safe
 * are kept as they are; others (e.g. `arn:aws:iam::1:user/me`, `me@example.com`) are sanitised and get a
 * short hash of the original, so two different users never collapse to the same value.
 */
export function identityFromName(name: string): string {
  const raw = name.trim();
  if (!raw) return 'unknown';
  if (raw.length <= 63 && LABEL_VALUE.test(raw)) return raw;
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 8);
  const cleaned = raw
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, 63 - hash.length - 1)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return cleaned ? `${cleaned}-${hash}` : `u-${hash}`;
}

/** Identity of a context: its user name, else the context name. */
export function identityOf(ctx: { user: string; context: string }): string {
  return identityFromName(ctx.user || ctx.context);
}

export const isLabelValue = (v: string): boolean => v.length <= 63 && LABEL_VALUE.test(v);
