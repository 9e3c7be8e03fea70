// The simulated cluster in its own process, driven by the bench over IPC: start, seed, inject pod changes and
// event floods, and report the requests and bytes it saw.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { startCluster, type SimCluster } from '../../test/sim/cluster';
import type { KubeletFaults } from '../../test/sim/kubelet/faults';
import { serve, ROOT } from '../lib/rpc';
import { helm, toolEnv } from '../lib/tools';
import { CountingProxy, RequestMeter } from './meters';
import { NAMESPACE, type Meter, type Started } from './protocol';
import { cloneReleases, releaseName, seedUnrelated, UNRELATED_NAMESPACE } from './seed';

const INSTANCE = 'app.kubernetes.io/instance';

let cluster: SimCluster | undefined;
let proxy: CountingProxy | undefined;
let meter: RequestMeter | undefined;
let dir = '';
let kubeconfig = '';
let podNames: string[] = [];
let seeded = 1;
const wall = (): number => performance.timeOrigin + performance.now();

const c = (): SimCluster => {
  if (!cluster) throw new Error('cluster not started');
  return cluster;
};

serve({
  async start(a: { dir: string }): Promise<Started> {
    dir = a.dir;
    cluster = await startCluster();
    meter = new RequestMeter(cluster.port);
    proxy = new CountingProxy(cluster.port);
    const proxyPort = await proxy.listen();
    kubeconfig = cluster.writeKubeconfig(join(dir, 'kubeconfig-direct.yaml'));
    const proxiedKubeconfig = join(dir, 'kubeconfig-proxied.yaml');
    // The same user and CA, through the byte-counting proxy (the certificate names 127.0.0.1, not a port).
    const cfg = parse(readFileSync(cluster.writeKubeconfig(proxiedKubeconfig), 'utf8')) as {
      clusters: Array<{ cluster: { server: string } }>;
    };
    cfg.clusters[0].cluster.server = `https://127.0.0.1:${proxyPort}`;
    writeFileSync(proxiedKubeconfig, stringify(cfg), { mode: 0o600 });
    return { url: cluster.url, kubeconfig, proxiedKubeconfig };
  },

  /** The template release, installed by the real helm (its objects and Secret are what gets cloned). */
  async installTemplate(): Promise<{ ms: number }> {
    const t0 = Date.now();
    const values = join(ROOT, 'bench', 'fixtures', 'template-values.yaml');
    // Labelled as Install Sandbox and inspect_k8s_sandbox label their release records.
    const args = [
      'install',
      releaseName(0),
      join(ROOT, 'chart'),
      '-f',
      values,
      '--namespace',
      NAMESPACE,
      '--create-namespace',
      '--labels=inspectSandbox=true',
    ];
    await promisify(execFile)(helm(), args, { env: toolEnv(dir, kubeconfig), timeout: 120_000 });
    return { ms: Date.now() - t0 };
  },

  /** Grows the cluster to `releases` (the template counts as the first). */
  async seed(a: { releases: number; podsPerRelease: number }) {
    const r = await cloneReleases(c(), NAMESPACE, seeded, a.releases, a.podsPerRelease);
    seeded = Math.max(seeded, a.releases);
    podNames = c()
      .store.scan(c().resources.pods, NAMESPACE)
      .filter((p) => p.metadata.labels?.[INSTANCE]?.startsWith('sbx-r'))
      .map((p) => p.metadata.name);
    return { ...r, totalPods: c().store.scan(c().resources.pods).length };
  },

  /** Other tools' Helm releases (a monitoring stack): `count` release records of ~`bytes` each in their own namespace. */
  unrelated(a: { count: number; bytes: number }): { bytes: number } {
    return { bytes: seedUnrelated(c(), a.count, a.bytes) };
  },

  removeUnrelated(): void {
    for (const type of [c().resources.secrets, c().resources.pods])
      for (const o of [...c().store.scan(type, UNRELATED_NAMESPACE)])
        c().store.delete(type, UNRELATED_NAMESPACE, o.metadata.name);
  },

  /** Seeded pods: name, release and the main container. */
  pods(a: { max?: number }) {
    return c()
      .store.scan(c().resources.pods, NAMESPACE)
      .filter((p) => p.metadata.labels?.[INSTANCE]?.startsWith('sbx-r'))
      .slice(0, a.max ?? Infinity)
      .map((p) => ({
        name: p.metadata.name,
        release: p.metadata.labels?.[INSTANCE] as string,
        container: ((p.spec as { containers: Array<{ name: string }> }).containers[0] ?? { name: '' }).name,
        restarts:
          ((p.status as { containerStatuses?: Array<{ restartCount: number }> }).containerStatuses ?? [])[0]
            ?.restartCount ?? 0,
      }));
  },

  /**
   * Crashes a container; resolves with the wall time the API server committed the pod with `restarts` (the
   * moment its watch event goes out to every watcher: the "API event" both observers are timed from).
   */
  crash(a: { pod: string; container: string; restarts: number }): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => (off(), reject(new Error(`the kubelet did not restart ${a.pod} within 10 s`))),
        10_000,
      );
      const off = c().store.subscribe((e) => {
        if (
          e.resource.resource !== 'pods' ||
          e.object.metadata.name !== a.pod ||
          e.object.metadata.namespace !== NAMESPACE
        )
          return;
        const st =
          (e.object.status as { containerStatuses?: Array<{ name: string; restartCount: number }> })
            .containerStatuses ?? [];
        if ((st.find((x) => x.name === a.container)?.restartCount ?? 0) < a.restarts) return;
        clearTimeout(timer);
        off();
        resolve(wall());
      });
      (c().kubelet.faults as KubeletFaults).crash(NAMESPACE, a.pod, a.container, { reason: 'Error', exitCode: 1 });
    });
  },

  /** `count` pod updates (an annotation), cycling over the seeded pods; returns the last resourceVersion. */
  flood(a: { count: number; offset: number }): { rv: string } {
    const { store, resources } = c();
    let rv = '';
    for (let i = 0; i < a.count; i++) {
      const n = a.offset + i;
      const obj = store.get(resources.pods, NAMESPACE, podNames[n % podNames.length]);
      if (!obj) continue;
      obj.metadata.annotations = { ...obj.metadata.annotations, 'bench.k8s-sandbox.dev/tick': String(n) };
      rv = store.update(resources.pods, obj).metadata.resourceVersion ?? '';
    }
    return { rv };
  },

  meter(): Meter {
    const seen = meter?.seen ?? [];
    return {
      requests: seen.length,
      watchRequests: seen.filter((s) => s.watch).length,
      bytesUp: proxy?.bytesUp ?? 0,
      bytesDown: proxy?.bytesDown ?? 0,
      connections: proxy?.connections ?? 0,
    };
  },

  requestsSince(a: { from: number }) {
    return (meter?.seen ?? []).slice(a.from);
  },

  liveExecs(a: { pod: string }): number {
    const k = c().kubelet as unknown as { liveExecs(ns: string, pod: string): number };
    return k.liveExecs(NAMESPACE, a.pod);
  },

  async stop(): Promise<void> {
    meter?.dispose();
    await proxy?.close();
    await cluster?.stop();
    cluster = undefined;
    if (dir) rmSync(join(dir, 'helm-cache'), { recursive: true, force: true });
  },
});
