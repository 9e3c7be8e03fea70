// Pure helm command descriptions: what to run and how to read its stdout. Nothing here spawns a process, so
// arguments and parsers are tested without helm. Values are passed as `--flag=value` (never as a separate
// argument that could be read as an option) and positionals come after `--`.
import { isRiskLevel, type RiskLevel } from '../timeouts/riskTable';
import { validateNamespace, validateReleaseName } from '../names/validate';
import { SandboxError } from '../errors';

export interface ProcessCommand<T> {
  command: string;
  args: string[];
  parse(stdout: string): T;
}

export interface HelmBinary {
  path: string;
  /** e.g. "3.18.0" */
  version: string;
  major: number;
  minor: number;
}

/** Where helm talks to: kubeconfig file and context (both optional: helm's own defaults apply). */
export interface HelmTarget {
  helm: HelmBinary;
  kubeconfig?: string;
  kubeContext?: string;
}

export interface HelmRelease {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  chart: string;
  appVersion: string;
  updated: string;
}

export interface HelmStatus {
  name: string;
  namespace: string;
  version: number;
  status: string;
  description: string;
}

function globalFlags(t: HelmTarget, namespace?: string): string[] {
  const a: string[] = [];
  if (t.kubeconfig) a.push(`--kubeconfig=${t.kubeconfig}`);
  if (t.kubeContext) a.push(`--kube-context=${t.kubeContext}`);
  if (namespace !== undefined) a.push(`--namespace=${validateNamespace(namespace)}`);
  return a;
}

/** helm 3 waits with `--wait`; helm 4's bare `--wait` means the watcher, `legacy` is helm 3's behaviour. */
export const waitFlag = (h: HelmBinary): string => (h.major >= 4 ? '--wait=legacy' : '--wait');

const seconds = (s: number): string => {
  if (!Number.isInteger(s) || s <= 0)
    throw new SandboxError('InvalidInput', `Invalid timeout ${s}: a positive number of seconds`);
  return `${s}s`;
};

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
/** `--set` paths and values we build ourselves; anything else (commas, '=', backslashes) would change meaning. */
const SET_PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const SET_VALUE = /^[A-Za-z0-9_.-]*$/;

function labelsFlag(labels: Record<string, string>): string[] {
  const parts = Object.entries(labels).map(([k, v]) => {
    if (!LABEL_KEY.test(k) || !LABEL_VALUE.test(v))
      throw new SandboxError('InvalidInput', `Invalid release label ${k}=${v}`);
    return `${k}=${v}`;
  });
  return parts.length ? [`--labels=${parts.join(',')}`] : [];
}

function setFlags(sets: Record<string, string>): string[] {
  return Object.entries(sets).map(([k, v]) => {
    if (!SET_PATH.test(k) || !SET_VALUE.test(v))
      throw new SandboxError('InvalidInput', `Invalid value override ${k}=${v}`);
    return `--set=${k}=${v}`;
  });
}

export interface InstallOptions {
  release: string;
  /** Absolute path of a chart directory. */
  chart: string;
  namespace: string;
  /** Absolute paths of values files. */
  valuesFiles: string[];
  sets?: Record<string, string>;
  labels?: Record<string, string>;
  timeoutSeconds: number;
  createNamespace?: boolean;
  /** Progress lines on stderr (resources created, readiness); no values are printed. */
  debug?: boolean;
}

export function installCommand(t: HelmTarget, o: InstallOptions): ProcessCommand<HelmStatus> {
  const args = ['install', ...globalFlags(t, o.namespace), waitFlag(t.helm), `--timeout=${seconds(o.timeoutSeconds)}`];
  if (o.createNamespace) args.push('--create-namespace');
  if (o.debug) args.push('--debug');
  for (const f of o.valuesFiles) args.push(`--values=${absolute(f)}`);
  args.push(...setFlags(o.sets ?? {}), ...labelsFlag(o.labels ?? {}), '--output=json');
  args.push('--', validateReleaseName(o.release), absolute(o.chart));
  return { command: t.helm.path, args, parse: parseStatus };
}

export function uninstallCommand(
  t: HelmTarget,
  o: { release: string; namespace: string; timeoutSeconds: number },
): ProcessCommand<void> {
  const args = [
    'uninstall',
    ...globalFlags(t, o.namespace),
    waitFlag(t.helm),
    `--timeout=${seconds(o.timeoutSeconds)}`,
  ];
  args.push('--ignore-not-found', '--', validateReleaseName(o.release));
  return { command: t.helm.path, args, parse: () => undefined };
}

/** All states (helm 3 needs `--all`; helm 4 lists everything and dropped the flag). */
export function listCommand(
  t: HelmTarget,
  o: { namespace?: string; selector?: Record<string, string> },
): ProcessCommand<HelmRelease[]> {
  const args = ['list', ...globalFlags(t, o.namespace), '--output=json', '--max=0'];
  if (o.namespace === undefined) args.push('--all-namespaces');
  if (t.helm.major < 4) args.push('--all');
  const sel = Object.entries(o.selector ?? {}).map(([k, v]) => {
    if (!LABEL_KEY.test(k) || !LABEL_VALUE.test(v))
      throw new SandboxError('InvalidInput', `Invalid label selector ${k}=${v}`);
    return `${k}=${v}`;
  });
  if (sel.length) args.push(`--selector=${sel.join(',')}`);
  return { command: t.helm.path, args, parse: parseList };
}

export function statusCommand(t: HelmTarget, o: { release: string; namespace: string }): ProcessCommand<HelmStatus> {
  const args = ['status', ...globalFlags(t, o.namespace), '--output=json', '--', validateReleaseName(o.release)];
  return { command: t.helm.path, args, parse: parseStatus };
}

export function upgradeRiskLevelCommand(
  t: HelmTarget,
  o: { release: string; namespace: string; chart: string; riskLevel: RiskLevel; timeoutSeconds: number },
): ProcessCommand<HelmStatus> {
  if (!isRiskLevel(o.riskLevel)) throw new SandboxError('InvalidInput', `Invalid risk level ${String(o.riskLevel)}`);
  const args = ['upgrade', ...globalFlags(t, o.namespace), '--reuse-values', `--set=timeouts.riskLevel=${o.riskLevel}`];
  args.push(
    waitFlag(t.helm),
    `--timeout=${seconds(o.timeoutSeconds)}`,
    '--output=json',
    '--',
    validateReleaseName(o.release),
    absolute(o.chart),
  );
  return { command: t.helm.path, args, parse: parseStatus };
}

export function templateCommand(
  t: HelmTarget,
  o: { release: string; namespace: string; chart: string; valuesFiles: string[]; sets?: Record<string, string> },
): ProcessCommand<string> {
  const args = ['template', ...globalFlags({ helm: t.helm }, o.namespace)];
  for (const f of o.valuesFiles) args.push(`--values=${absolute(f)}`);
  args.push(...setFlags(o.sets ?? {}), '--', validateReleaseName(o.release), absolute(o.chart));
  return { command: t.helm.path, args, parse: (s) => s };
}

export const versionCommand = (path: string): ProcessCommand<{ version: string; major: number; minor: number }> => ({
  command: path,
  args: ['version', '--short'],
  parse: parseVersion,
});

function absolute(p: string): string {
  // Both POSIX and Windows absolute forms; a relative path could start with '-' and read as an option.
  if (!(p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p)))
    throw new SandboxError('InvalidInput', `Expected an absolute path: ${p}`);
  return p;
}

// ---- parsers ----

export function parseVersion(stdout: string): { version: string; major: number; minor: number } {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(stdout.trim());
  if (!m) throw new SandboxError('HelmFailed', `Unrecognised helm version output: ${stdout.trim().slice(0, 100)}`);
  return { version: `${m[1]}.${m[2]}.${m[3]}`, major: Number(m[1]), minor: Number(m[2]) };
}

function parseJson(stdout: string, what: string): unknown {
  try {
    return JSON.parse(stdout.trim() === '' ? 'null' : stdout);
  } catch {
    throw new SandboxError('HelmFailed', `Unreadable ${what} output from helm`, { detail: stdout.slice(0, 2000) });
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function parseList(stdout: string): HelmRelease[] {
  const data = parseJson(stdout, 'list');
  if (data === null) return [];
  if (!Array.isArray(data)) throw new SandboxError('HelmFailed', 'helm list did not return a JSON array');
  return data.map((r: Record<string, unknown>) => ({
    name: str(r.name),
    namespace: str(r.namespace),
    // helm prints the revision as a string ("1").
    revision: Number(r.revision) || 0,
    status: str(r.status),
    chart: str(r.chart),
    appVersion: str(r.app_version),
    updated: str(r.updated),
  }));
}

export function parseStatus(stdout: string): HelmStatus {
  const data = parseJson(stdout, 'status') as Record<string, unknown> | null;
  if (!data || typeof data !== 'object') throw new SandboxError('HelmFailed', 'helm returned no release');
  const info = (data.info ?? {}) as Record<string, unknown>;
  return {
    name: str(data.name),
    namespace: str(data.namespace),
    version: Number(data.version) || 0,
    status: str(info.status),
    description: str(info.description),
  };
}
