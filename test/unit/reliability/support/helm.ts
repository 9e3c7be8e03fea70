// Our install/tear-down code (src/core/helm) driven with the real helm binaries against the simulated
// cluster, and the checks that nothing of a release is left behind.
import { join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { HelmTarget } from '../../../../src/core/helm/commands';
import type { InstallRequest } from '../../../../src/core/helm/install';
import { detectHelm } from '../../../../src/core/helm/locate';
import type { SimCluster } from '../../../sim/cluster';
import type { KubeObject } from '../../../sim/store';
import { ToolHome } from '../../../sim/testing/run';
import { helmBinary, type HelmVersion } from '../../../support/tools';
import { children } from './processes';
import { INSTANCE } from './stack';
import { agentEnvValuesDir } from '../../../support/shared';

export const CHART = resolve(__dirname, '..', '..', '..', '..', 'chart');
export const FIXTURES = agentEnvValuesDir;
export const fixture = (name: string): string => join(FIXTURES, name);

export interface HelmSetup {
  home: ToolHome;
  kubeconfig: string;
  kc: KubeConfig;
  env: NodeJS.ProcessEnv;
  helm: HelmTarget;
  request(release: string, values: string, extra?: Partial<InstallRequest>): InstallRequest;
}

export async function helmSetup(
  c: SimCluster,
  version: HelmVersion,
  creator: string | undefined = 'alice',
  user: 'admin' | 'restricted' = 'admin',
): Promise<HelmSetup> {
  const home = new ToolHome();
  const kubeconfig = c.writeKubeconfig(home.path(`kubeconfig-${user}`), { user });
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const env = home.env(kubeconfig);
  const helm: HelmTarget = { helm: await detectHelm(helmBinary(version)), kubeconfig };
  return {
    home,
    kubeconfig,
    kc,
    env,
    helm,
    request: (release, values, extra = {}) => ({
      helm,
      env,
      kc,
      release,
      namespace: 'default',
      chart: CHART,
      valuesFiles: [values],
      creator,
      timeoutSeconds: 60,
      cleanupTimeoutSeconds: 60,
      ...extra,
    }),
  };
}

/** Everything on the server that belongs to a release (Events excepted: they expire on their own). */
export function leftovers(c: SimCluster, release: string): string[] {
  return c.store
    .all()
    .filter(({ type, object: o }) => {
      if (type.kind === 'Event') return false;
      const l = o.metadata.labels ?? {};
      const a = o.metadata.annotations ?? {};
      return (
        l[INSTANCE] === release ||
        (l.owner === 'helm' && l.name === release) ||
        a['meta.helm.sh/release-name'] === release ||
        o.metadata.name.startsWith(`${release}-`) ||
        o.metadata.name.startsWith(`sh.helm.release.v1.${release}.`)
      );
    })
    .map(({ type, object }) => `${type.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`);
}

export const podsOf = (c: SimCluster, release: string, namespace = 'default'): KubeObject[] =>
  c.store.list(c.resources.pods, namespace).filter((p) => p.metadata.labels?.[INSTANCE] === release);

export const isReady = (p: KubeObject): boolean =>
  ((p.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []).some(
    (x) => x.type === 'Ready' && x.status === 'True',
  );

/** helm processes of this test process (for `release`, with the verb `verb` when given). */
export const helmProcesses = (release?: string, verb?: string): number[] =>
  children()
    .filter(
      (p) =>
        p.argv[0]?.endsWith('/helm') &&
        (release === undefined || p.argv.includes(release)) &&
        (verb === undefined || p.argv[1] === verb),
    )
    .map((p) => p.pid);

/** Runs `f` once, on the first store event for which `when` holds; returns the unsubscribe function. */
export function onceWhen(
  c: SimCluster,
  when: (o: KubeObject, kind: string, type: string) => boolean,
  f: () => void,
): () => void {
  let done = false;
  const off = c.store.subscribe((e) => {
    if (done || !when(e.object, e.resource.kind, e.type)) return;
    done = true;
    f();
  });
  return off;
}

/** SIGKILLs the `helm install` of a release (as a crash or the OOM killer would); returns how many it killed. */
export function killHelm(release: string): number {
  let n = 0;
  for (const pid of helmProcesses(release, 'install')) {
    try {
      process.kill(pid, 'SIGKILL');
      n++;
    } catch {
      // ended meanwhile
    }
  }
  return n;
}
