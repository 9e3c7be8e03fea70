// Shared by the kubelet tests: a simulated cluster with a kubeconfig, the real kubectl runner, client-node, and
// a bounded poll (no timing asserts: waits only fail after a generous limit).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { startCluster, type SimCluster } from '../cluster';
import { kubectlBinary, type KubectlVersion } from '../../support/tools';
import type { Kubelet } from './index';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface TestEnv {
  cluster: SimCluster;
  kubelet: Kubelet;
  kubeconfig: string;
  kc: KubeConfig;
  core: CoreV1Api;
  dir: string;
  kubectl(
    version: KubectlVersion,
    args: string[],
    opts?: { input?: string; env?: Record<string, string> },
  ): Promise<Run>;
  stop(): Promise<void>;
}

export async function startEnv(): Promise<TestEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'kubelet-test-'));
  const cluster = await startCluster({ tls: true });
  const kubeconfig = cluster.writeKubeconfig(join(dir, 'kubeconfig'));
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const kubectl = (
    version: KubectlVersion,
    args: string[],
    opts: { input?: string; env?: Record<string, string> } = {},
  ): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(kubectlBinary(version), args, {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          KUBECONFIG: kubeconfig,
          KUBECACHEDIR: join(dir, `cache-${version}`),
          ...opts.env,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(opts.input ?? '');
    });
  return {
    cluster,
    kubelet: cluster.kubelet as unknown as Kubelet,
    kubeconfig,
    kc,
    core: kc.makeApiClient(CoreV1Api),
    dir,
    kubectl,
    async stop() {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `fn` returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type Status = {
  phase?: string;
  containerStatuses?: Array<{
    name: string;
    ready: boolean;
    restartCount: number;
    state: Record<string, unknown>;
    lastState: Record<string, unknown>;
  }>;
};

export const statusOf = (env: TestEnv, ns: string, name: string): Status | undefined =>
  env.cluster.store.get(env.cluster.resources.pods, ns, name)?.status as Status | undefined;

/** Creates a pod through the API (admission, defaults, scheduling) and waits until every container is ready. */
export async function runningPod(env: TestEnv, ns: string, pod: V1Pod): Promise<void> {
  if (!env.cluster.store.get(env.cluster.resources.namespaces, undefined, ns)) {
    await env.core.createNamespace({ body: { metadata: { name: ns } } }).catch(() => undefined);
  }
  await env.core.createNamespacedPod({ namespace: ns, body: pod });
  await waitFor(`pod ${ns}/${pod.metadata!.name} ready`, () => {
    const s = statusOf(env, ns, pod.metadata!.name!);
    return s?.phase === 'Running' && s.containerStatuses?.every((c) => c.ready);
  });
}

/** Pod `name` with containers app and side (restartPolicy Never), its side container crashed and terminated. */
export async function podWithStoppedSide(env: TestEnv, ns: string, name: string): Promise<void> {
  const pod = simplePod(name, { containers: ['app', 'side'] });
  pod.spec!.restartPolicy = 'Never';
  await runningPod(env, ns, pod);
  env.kubelet.faults.crash(ns, name, 'side', { reason: 'Error', exitCode: 1 });
  await waitFor('side terminated', () => 'terminated' in (statusOf(env, ns, name)?.containerStatuses?.[1].state ?? {}));
}

export const simplePod = (
  name: string,
  extra: {
    image?: string;
    env?: Array<{ name: string; value: string }>;
    nodeName?: string;
    labels?: Record<string, string>;
    containers?: string[];
  } = {},
): V1Pod => ({
  metadata: { name, labels: extra.labels ?? { app: name } },
  spec: {
    ...(extra.nodeName ? { nodeName: extra.nodeName } : {}),
    containers: (extra.containers ?? ['app']).map((c) => ({
      name: c,
      image: extra.image ?? 'busybox:1.36',
      command: ['sleep', 'infinity'],
      ...(extra.env ? { env: extra.env } : {}),
      resources: { limits: { cpu: '100m', memory: '64Mi' } },
    })),
  },
});
