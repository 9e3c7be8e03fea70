// The environment a container's processes see: PATH/HOME/HOSTNAME, the kubernetes service variables, then the
// container's envFrom and env (name/value, fieldRef, configMapKeyRef, secretKeyRef) with $(VAR) expansion.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { SimResources } from '../../resources';
import type { KubeObject, Store } from '../../store';
import type { PodRuntime } from '../model';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    configMapKeyRef?: { name: string; key: string };
    secretKeyRef?: { name: string; key: string };
  };
}

interface EnvFrom {
  prefix?: string;
  configMapRef?: { name: string };
  secretRef?: { name: string };
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** `$(VAR)` expands to an earlier variable, `$$(VAR)` escapes, unknown references stay as written. */
function expand(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) => {
    if (m === '$$') return '$';
    return name !== undefined && name in env ? env[name] : m;
  });
}

function field(pod: KubeObject, p: PodRuntime, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (pod.metadata[m[1] as 'labels' | 'annotations'] ?? {})[m[2]] ?? '';
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  const known: Record<string, string | undefined> = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': pod.metadata.uid,
    'spec.nodeName': p.node,
    'spec.serviceAccountName': (spec.serviceAccountName as string | undefined) ?? 'default',
    'status.podIP': p.podIP,
    'status.podIPs': p.podIP,
    'status.hostIP': p.hostIP,
    'status.hostIPs': p.hostIP,
  };
  return known[path] ?? '';
}

export function containerEnv(opts: {
  store: Store;
  resources: SimResources;
  pod: KubeObject;
  runtime: PodRuntime;
  container: string;
  home: string;
  tty: boolean;
}): Record<string, string> {
  const { store, resources, pod, runtime, container } = opts;
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  const all = [
    ...((spec.containers as unknown[]) ?? []),
    ...((spec.initContainers as unknown[]) ?? []),
    ...((spec.ephemeralContainers as unknown[]) ?? []),
  ] as Array<{ name: string; env?: EnvVar[]; envFrom?: EnvFrom[] }>;
  const c = all.find((x) => x.name === container);
  const ns = runtime.namespace;
  const data = (kind: 'configmaps' | 'secrets', name: string): Record<string, string> => {
    const o = store.get(resources[kind], ns, name);
    if (!o) return {};
    if (kind === 'configmaps') return (o.data as Record<string, string>) ?? {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries((o.data as Record<string, string>) ?? {}))
      out[k] = Buffer.from(v, 'base64').toString('utf8');
    return out;
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH || DEFAULT_PATH,
    HOSTNAME: runtime.name,
    HOME: opts.home,
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
    KUBERNETES_PORT_443_TCP_PORT: '443',
    KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
  };
  if (opts.tty) env.TERM = 'xterm';
  for (const from of c?.envFrom ?? []) {
    const src = from.configMapRef
      ? data('configmaps', from.configMapRef.name)
      : from.secretRef
        ? data('secrets', from.secretRef.name)
        : {};
    for (const [k, v] of Object.entries(src)) env[(from.prefix ?? '') + k] = v;
  }
  for (const v of c?.env ?? []) {
    if (!v?.name) continue;
    if (v.valueFrom?.fieldRef) env[v.name] = field(pod, runtime, v.valueFrom.fieldRef.fieldPath);
    else if (v.valueFrom?.configMapKeyRef)
      env[v.name] = data('configmaps', v.valueFrom.configMapKeyRef.name)[v.valueFrom.configMapKeyRef.key] ?? '';
    else if (v.valueFrom?.secretKeyRef)
      env[v.name] = data('secrets', v.valueFrom.secretKeyRef.name)[v.valueFrom.secretKeyRef.key] ?? '';
    else env[v.name] = expand(String(v.value ?? ''), env);
  }
  return env;
}

const executable = (file: string): boolean => {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Finds the executable as the runtime's exec would (PATH lookup unless the name has a slash). Returns the path, or
 * the runc error text for a command that cannot start.
 */
export function resolveCommand(cmd: string, path: string, cwd: string): { file: string } | { error: string } {
  if (cmd.includes('/')) {
    const file = isAbsolute(cmd) ? cmd : resolve(cwd, cmd);
    try {
      statSync(file);
    } catch {
      return { error: `exec: "${cmd}": stat ${cmd}: no such file or directory` };
    }
    return executable(file) ? { file } : { error: `exec: "${cmd}": permission denied` };
  }
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, cmd);
    if (executable(file)) return { file };
  }
  return { error: `exec: "${cmd}": executable file not found in $PATH` };
}
