// Finding, loading and checking the kubeconfig: setting, else $KUBECONFIG (several paths), else ~/.kube/config.
// Every failure is one KubeconfigError naming the path(s) tried; nothing here logs credentials.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { KubeconfigError } from './errors';

export interface KubeconfigSource {
  /** The `k8sSandbox.kubeconfig` setting (empty: not set). */
  setting?: string;
  /** Environment to read KUBECONFIG from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Home directory (default os.homedir()). */
  home?: string;
}

export interface KubeconfigPaths {
  paths: string[];
  /** Where the paths came from, for messages. */
  origin: 'setting' | 'KUBECONFIG' | 'default';
}

function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return join(home, p.slice(2));
  return p;
}

/** Which files to read, in precedence order (kubectl's rules, plus our setting first). */
export function resolveKubeconfigPaths(src: KubeconfigSource = {}): KubeconfigPaths {
  const home = src.home ?? homedir();
  const env = src.env ?? process.env;
  const split = (v: string): string[] =>
    v
      .split(delimiter)
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => resolve(expandHome(p, home)));
  const setting = src.setting?.trim();
  if (setting) return { paths: split(setting), origin: 'setting' };
  const fromEnv = env.KUBECONFIG?.trim();
  if (fromEnv) {
    const paths = split(fromEnv);
    if (paths.length) return { paths, origin: 'KUBECONFIG' };
  }
  return { paths: [join(home, '.kube', 'config')], origin: 'default' };
}

function describeOrigin(k: KubeconfigPaths): string {
  if (k.origin === 'setting') return 'the k8sSandbox.kubeconfig setting';
  if (k.origin === 'KUBECONFIG') return '$KUBECONFIG';
  return 'the default location';
}

function loadOne(file: string, all: readonly string[]): KubeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new KubeconfigError('unreadable', `Cannot read kubeconfig ${file} (${code}).`, all);
  }
  const kc = new KubeConfig();
  try {
    if (!text.trim()) throw new Error('the file is empty');
    kc.loadFromString(text);
  } catch (e) {
    // js-yaml and client-node messages name the line or the missing field; they never echo secrets.
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new KubeconfigError('malformed', `Kubeconfig ${file} is not valid: ${why}`, all);
  }
  kc.makePathsAbsolute(dirname(file));
  return kc;
}

/** Merge as kubectl does: the first file defining a name wins; current-context from the first file that sets it. */
function merge(configs: KubeConfig[]): KubeConfig {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let current = '';
  for (const kc of configs) {
    for (const c of kc.clusters) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of kc.users) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of kc.contexts) if (!contexts.has(c.name)) contexts.set(c.name, c);
    if (!current && kc.currentContext) current = kc.currentContext;
  }
  const out = new KubeConfig();
  out.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext: current,
  });
  return out;
}

export interface LoadedKubeconfig {
  /** All contexts of the merged files, current-context as the files say. */
  merged: KubeConfig;
  paths: string[];
}

/** Reads and merges the kubeconfig files. Missing files in a $KUBECONFIG list are skipped, as kubectl does. */
export function readKubeconfig(src: KubeconfigSource = {}): LoadedKubeconfig {
  const resolved = resolveKubeconfigPaths(src);
  const present = resolved.origin === 'KUBECONFIG' ? resolved.paths.filter((p) => existsSync(p)) : resolved.paths;
  const missing = resolved.paths.filter((p) => !existsSync(p));
  if (present.length === 0 || (resolved.origin !== 'KUBECONFIG' && missing.length)) {
    const list = (resolved.origin === 'KUBECONFIG' ? resolved.paths : missing).join(', ');
    throw new KubeconfigError(
      'notFound',
      `No kubeconfig found at ${list} (from ${describeOrigin(resolved)}). Set k8sSandbox.kubeconfig or KUBECONFIG to a kubeconfig file.`,
      resolved.paths,
    );
  }
  return { merged: merge(present.map((p) => loadOne(p, resolved.paths))), paths: present };
}

function checkFile(kind: string, owner: string, file: string | undefined, paths: readonly string[]): void {
  if (file && !existsSync(file)) {
    throw new KubeconfigError(
      'missingFile',
      `The ${kind} file ${file} of ${owner} does not exist (kubeconfig ${paths.join(', ')}).`,
      paths,
    );
  }
}

export interface Selection {
  /** Context to use instead of current-context. */
  context?: string;
  /** Namespace to use instead of the context's. */
  namespace?: string;
}

export interface ResolvedContext {
  /** A KubeConfig whose current context (and its namespace) is the selection: hand this to client-node. */
  kubeConfig: KubeConfig;
  context: string;
  cluster: string;
  server: string;
  user: string;
  /** Selected namespace, else the context's, else "default". */
  namespace: string;
  paths: string[];
}

/** Picks the context, checks it names a cluster and user that exist, and that referenced files exist. */
export function resolveContext(loaded: LoadedKubeconfig, sel: Selection = {}): ResolvedContext {
  const { merged, paths } = loaded;
  const where = paths.join(', ');
  const name = sel.context || merged.currentContext;
  if (!name) {
    throw new KubeconfigError('noContext', `Kubeconfig ${where} has no current-context. Select a context.`, paths);
  }
  const ctx = merged.getContextObject(name);
  if (!ctx) {
    const known = merged.contexts.map((c) => c.name);
    throw new KubeconfigError(
      'unknownContext',
      `Context "${name}" is not defined in kubeconfig ${where}${known.length ? ` (contexts: ${known.join(', ')})` : ''}.`,
      paths,
    );
  }
  const cluster = merged.getCluster(ctx.cluster);
  if (!cluster)
    throw new KubeconfigError(
      'unknownCluster',
      `Context "${name}" names cluster "${ctx.cluster}", which is not defined in kubeconfig ${where}.`,
      paths,
    );
  const user = ctx.user ? merged.getUser(ctx.user) : null;
  if (ctx.user && !user)
    throw new KubeconfigError(
      'unknownUser',
      `Context "${name}" names user "${ctx.user}", which is not defined in kubeconfig ${where}.`,
      paths,
    );
  const provider = user?.authProvider?.name;
  if (provider === 'gcp' || provider === 'azure') {
    throw new KubeconfigError(
      'legacyAuthProvider',
      `User "${user?.name}" uses the ${provider} auth-provider, which Kubernetes removed in 1.26; use its exec credential plugin instead (gke-gcloud-auth-plugin or kubelogin), kubeconfig ${where}.`,
      paths,
    );
  }
  checkFile('certificate-authority', `cluster "${cluster.name}"`, cluster.caFile, paths);
  checkFile('client-certificate', `user "${user?.name}"`, user?.certFile, paths);
  checkFile('client-key', `user "${user?.name}"`, user?.keyFile, paths);
  if (/^http:/i.test(cluster.server) && !cluster.skipTLSVerify) {
    throw new KubeconfigError(
      'insecureHttp',
      `Cluster "${cluster.name}" uses ${cluster.server} (plain http) without insecure-skip-tls-verify: true, which the Kubernetes client refuses (kubeconfig ${where}).`,
      paths,
    );
  }
  const namespace = sel.namespace || ctx.namespace || 'default';
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: merged.clusters,
    users: merged.users,
    contexts: merged.contexts.map((c) => (c.name === name ? { ...c, namespace } : c)),
    currentContext: name,
  });
  return {
    kubeConfig,
    context: name,
    cluster: cluster.name,
    server: cluster.server,
    user: ctx.user ?? '',
    namespace,
    paths,
  };
}
