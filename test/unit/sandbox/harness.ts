// Test harness: the simulated cluster with our ClusterAccess → WatchHub → SandboxModel chain on top, helm
// installs with the real binaries, and waiting on the model with a deadline (never a sleep-and-assert).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ClusterAccess } from '../../../src/core/kube/clusterAccess';
import { WatchHub } from '../../../src/core/kube/watchHub';
import { watchSpecs } from '../../../src/core/sandbox/watchSpecs';
import { SandboxModel, type ModelChange } from '../../../src/core/sandbox/liveModel';
import { ReleaseRecords } from '../../../src/core/sandbox/releaseRecords';
import { startCluster, type SimCluster, type StartOptions } from '../../sim/cluster';
import { helmBinary, type HelmVersion } from '../../support/tools';

export const FIXTURES = join(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'agent-env-values');
export const CHART = join(__dirname, '..', '..', '..', 'chart');

export interface Stack {
  access: ClusterAccess;
  hub: WatchHub;
  model: SandboxModel;
  changes: ModelChange[];
  dispose(): void;
}

/** The model chain on a kubeconfig file, with short backoff so recovery tests finish quickly. */
export function openStack(kubeconfig: string): Stack {
  const access = new ClusterAccess({ source: () => ({ setting: kubeconfig }) });
  const hub = new WatchHub({ specs: watchSpecs, access, backoff: { initialMs: 100, maxMs: 1000, jitter: 0.2 } });
  const model = new SandboxModel({
    hub,
    records: new ReleaseRecords(() => access.current?.kubeConfig),
  });
  const changes: ModelChange[] = [];
  const sub = model.onDidChange((c) => changes.push(c));
  return {
    access,
    hub,
    model,
    changes,
    dispose() {
      sub.dispose();
      model.dispose();
      hub.dispose();
      access.dispose();
    },
  };
}

/** Resolves once `check` returns a value (re-checked on every model change); rejects with `what` at the deadline. */
export function waitFor<T>(
  model: SandboxModel,
  what: string,
  check: () => T | undefined | false,
  deadlineMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const attempt = (): boolean => {
      const v = check();
      if (v === undefined || v === false) return false;
      clearTimeout(timer);
      sub.dispose();
      resolve(v);
      return true;
    };
    const timer = setTimeout(() => {
      sub.dispose();
      const summary = JSON.stringify({
        state: model.state,
        releases: model.releases.map(
          (r) => `${r.namespace}/${r.name} ${r.readyPods}/${r.expectedPods} restarts=${r.restarts}`,
        ),
      });
      reject(new Error(`timed out after ${deadlineMs} ms waiting for ${what}; model: ${summary}`));
    }, deadlineMs);
    const sub = model.onDidChange(() => attempt());
    attempt();
  });
}

export class SimEnv {
  cluster!: SimCluster;
  dir!: string;

  async start(opts?: StartOptions): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'sandbox-model-'));
    this.cluster = await startCluster(opts);
  }

  kubeconfig(user: 'admin' | 'restricted' = 'admin', namespace?: string): string {
    return this.cluster.writeKubeconfig(join(this.dir, `kc-${user}-${namespace ?? 'x'}.yaml`), { user, namespace });
  }

  /** helm with isolated caches (async: the sim serves from this same process). */
  async helm(version: HelmVersion, args: string[], kubeconfig = this.kubeconfig()): Promise<string> {
    const env = {
      ...process.env,
      KUBECONFIG: kubeconfig,
      KUBECACHEDIR: join(this.dir, 'kube-cache'),
      HELM_CACHE_HOME: join(this.dir, 'helm-cache'),
      HELM_CONFIG_HOME: join(this.dir, 'helm-config'),
      HELM_DATA_HOME: join(this.dir, 'helm-data'),
    };
    const { stdout } = await promisify(execFile)(helmBinary(version), args, { env, timeout: 120_000 });
    return stdout;
  }

  /** `helm install` of our chart with a shared fixture, waiting for readiness. */
  install(
    version: HelmVersion,
    release: string,
    fixture: string,
    opts: { namespace?: string; wait?: boolean; extra?: string[] } = {},
  ): Promise<string> {
    const wait = opts.wait === false ? [] : [version.startsWith('4') ? '--wait=legacy' : '--wait', '--timeout', '90s'];
    const ns = opts.namespace ? ['--namespace', opts.namespace, '--create-namespace'] : [];
    return this.helm(version, [
      'install',
      release,
      CHART,
      '-f',
      join(FIXTURES, fixture),
      ...ns,
      ...wait,
      ...(opts.extra ?? []),
    ]);
  }

  async stop(): Promise<void> {
    await this.cluster?.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
