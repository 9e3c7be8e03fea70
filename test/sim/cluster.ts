// Entry point of the simulated cluster: store + API server + control plane + kubelet, startable in-process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Admission } from './admission';
import { ApiServer, type ApiFaults } from './api/server';
import { DEFAULT_WATCH_TIMING, Watches } from './api/watch';
import { Authenticator, type SimUser } from './auth';
import { generateCerts } from './certs';
import { ControllerManager } from './controllers/manager';
import { seedCluster, type RuntimeClassSpec } from './controllers/seed';
import { OwnerIndex } from './deletion';
import { Kubelet } from './kubelet';
import { resources, type SimResources } from './resources';
import { Store } from './store';

export interface StartOptions {
  /** HTTPS with a generated CA (default true); false serves plain HTTP. */
  tls?: boolean;
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
  nodes?: string[];
  /** Extra labels per node name (to pair with RuntimeClass nodeSelectors). */
  nodeLabels?: Record<string, Record<string, string>>;
  runtimeClasses?: RuntimeClassSpec[];
  /** Runtime handlers the nodes' container runtime has (default runc and runsc): others fail FailedCreatePodSandBox. */
  runtimeHandlers?: readonly string[];
  /** Working directory for the kubelet's containers (default: a temp dir removed on stop). */
  workDir?: string;
  /** The namespace the `restricted` user may use (default `default`). */
  restrictedNamespace?: string;
  /**
   * Multiplies the server's own durations: watch lifetimes (--min-request-timeout 1800 s), bookmarks (60 s) and
   * etcd compaction (5 min). 1 (default, or SIM_TIME_SCALE) is real time; 1/600 runs an hour in 6 s.
   */
  timeScale?: number;
  /** Where Cilium (agents, hubble-relay) is installed (default `kube-system`; some installs use `cilium`). */
  ciliumNamespace?: string;
  /** The `relay` user's own namespace (default: restrictedNamespace); it may also port-forward to hubble-relay. */
  relayUserNamespace?: string;
}

export interface SimCluster {
  url: string;
  port: number;
  /** PEM file of the CA (undefined over plain HTTP). */
  caPath?: string;
  store: Store;
  resources: SimResources;
  /** The simulated kubelet (test/sim/kubelet); its `faults` crash containers, stall readiness, ... */
  kubelet: Kubelet;
  faults: ApiFaults;
  tokens: Record<SimUser, string>;
  /** Authentication: add people (their tokens) for exec-plugin kubeconfigs (test/sim/cloudKubeconfig.ts). */
  auth: Authenticator;
  restrictedNamespace: string;
  relayUserNamespace: string;
  ciliumNamespace: string;
  workDir: string;
  /**
   * Writes a kubeconfig for a user and returns its path; `also` adds contexts for other users (the first user's
   * context stays current).
   */
  writeKubeconfig(
    file: string,
    opts?: { user?: SimUser; namespace?: string; also?: Array<{ user: SimUser; namespace?: string }> },
  ): string;
  stop(): Promise<void>;
}

/** kube-apiserver's --etcd-compaction-interval. */
const COMPACTION_INTERVAL_MS = 5 * 60_000;

export const DEFAULT_NODES = ['sim-node-1', 'sim-node-2'];
export const DEFAULT_RUNTIME_CLASSES: RuntimeClassSpec[] = [
  { name: 'gvisor', handler: 'runsc' },
  { name: 'runc', handler: 'runc' },
];

export async function startCluster(opts: StartOptions = {}): Promise<SimCluster> {
  const tls = opts.tls ?? true;
  const nodes = opts.nodes ?? DEFAULT_NODES;
  const ownWorkDir = !opts.workDir;
  const workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'k8s-sim-'));
  const store = new Store();
  const admission = new Admission(store);
  const ciliumNamespace = opts.ciliumNamespace ?? 'kube-system';
  seedCluster(store, admission, {
    nodes,
    runtimeClasses: opts.runtimeClasses ?? DEFAULT_RUNTIME_CLASSES,
    nodeLabels: opts.nodeLabels,
    ciliumNamespace,
  });
  const owners = new OwnerIndex(store);
  const timeScale = opts.timeScale ?? Number(process.env.SIM_TIME_SCALE ?? 1);
  if (!(timeScale > 0)) throw new Error(`timeScale must be a positive number, got ${timeScale}`);
  const watches = new Watches(store, { ...DEFAULT_WATCH_TIMING, timeScale });
  const stopCompaction = store.startCompaction(COMPACTION_INTERVAL_MS * timeScale);
  const restrictedNamespace = opts.restrictedNamespace ?? 'default';
  const relayUserNamespace = opts.relayUserNamespace ?? restrictedNamespace;
  const auth = new Authenticator(restrictedNamespace, { namespace: relayUserNamespace, ciliumNamespace });
  const certs = tls ? generateCerts() : undefined;
  const kubelet = new Kubelet({
    store,
    resources,
    workDir,
    nodes,
    ciliumNamespace,
    runtimeHandlers: opts.runtimeHandlers,
  });
  const controllers = new ControllerManager({ store, admission, owners, nodes: () => nodes });
  const server = new ApiServer({ ctx: { store, admission, owners, watches }, auth, certs, kubelet: () => kubelet });
  controllers.start();
  kubelet.start();
  let port: number;
  try {
    port = await server.listen(opts.port ?? 0);
  } catch (e) {
    stopCompaction();
    controllers.stop();
    await kubelet.stop();
    throw e;
  }
  let caPath: string | undefined;
  if (certs) {
    caPath = join(workDir, 'sim-ca.crt');
    writeFileSync(caPath, certs.caPem);
  }
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  let stopped = false;
  return {
    url,
    port,
    caPath,
    store,
    resources,
    kubelet,
    faults: server.faults,
    tokens: auth.tokens,
    auth,
    restrictedNamespace,
    relayUserNamespace,
    ciliumNamespace,
    workDir,
    writeKubeconfig(file, o = {}) {
      const user = o.user ?? 'admin';
      const home: Record<SimUser, string> = {
        admin: 'default',
        restricted: restrictedNamespace,
        relay: relayUserNamespace,
      };
      const entries = [{ user, namespace: o.namespace }, ...(o.also ?? []).filter((x) => x.user !== user)];
      const config = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'k8s-sandbox-sim',
            cluster: certs
              ? { server: url, 'certificate-authority-data': Buffer.from(certs.caPem).toString('base64') }
              : { server: url, 'insecure-skip-tls-verify': true },
          },
        ],
        users: entries.map((e) => ({ name: `sim-${e.user}`, user: { token: auth.tokens[e.user] } })),
        contexts: entries.map((e) => ({
          name: `sim-${e.user}`,
          context: { cluster: 'k8s-sandbox-sim', user: `sim-${e.user}`, namespace: e.namespace ?? home[e.user] },
        })),
        'current-context': `sim-${user}`,
        preferences: {},
      };
      writeFileSync(file, stringify(config), { mode: 0o600 });
      return file;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      stopCompaction();
      controllers.stop();
      await kubelet.stop();
      await server.close();
      if (ownWorkDir) rmSync(workDir, { recursive: true, force: true });
    },
  };
}
