// The tree's data path on the simulated cluster (ClusterAccess → WatchHub → SandboxModel), and the one check
// every fault test ends with: the caches and the tree's rows equal the server's store (rows by ./oracle).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { ClusterAccess } from '../../../../src/core/kube/clusterAccess';
import type { BackoffPolicy } from '../../../../src/core/kube/backoff';
import { WatchHub, type Timers } from '../../../../src/core/kube/watchHub';
import { watchSpecs } from '../../../../src/core/sandbox/watchSpecs';
import type { WatchKind } from '../../../../src/core/kube/watchKinds';
import type { MessageNode } from '../../../../src/core/sandbox/nodes';
import { stateMessages } from '../../../../src/core/sandbox/view';
import { SandboxModel } from '../../../../src/core/sandbox/liveModel';
import { ReleaseRecords } from '../../../../src/core/sandbox/releaseRecords';
import { startCluster, type SimCluster, type StartOptions } from '../../../sim/cluster';
import type { KubeObject } from '../../../sim/store';
import { expectedReleases, shownReleases } from './oracle';

export const INSTANCE = 'app.kubernetes.io/instance';

export interface Stack {
  access: ClusterAccess;
  hub: WatchHub;
  model: SandboxModel;
  /** Backoff delays the hub asked for, in order, with the kind that failed. */
  backoffDelays: Array<{ kind: string; ms: number }>;
  /** The hub's diagnostics lines. */
  logs: string[];
  messages(): MessageNode[];
  dispose(): void;
}

export interface StackOptions {
  backoff?: BackoffPolicy;
  answerTimeoutMs?: number;
  namespace?: string;
}

/** A fast backoff for tests that wait for recovery; the policy's shape (exponential, capped, jittered) is the product's. */
export const TEST_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 1000, jitter: 0.2 };

export function openStack(kubeconfig: string, o: StackOptions = {}): Stack {
  const access = new ClusterAccess({ source: () => ({ setting: kubeconfig, namespace: o.namespace }) });
  const backoffDelays: Array<{ kind: string; ms: number }> = [];
  const logs: string[] = [];
  // The hub logs "watch <kind>: ..." right before it arms the restart timer for that kind.
  let lastKind = '?';
  const log = (m: string): void => {
    logs.push(m);
    lastKind = /^watch (\w+)/.exec(m)?.[1] ?? '?';
  };
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      // Only the restarts after an error (the answer timer is armed elsewhere).
      if (new Error().stack?.includes('onSlotError')) backoffDelays.push({ kind: lastKind, ms });
      return setTimeout(fn, ms);
    },
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  };
  const hub = new WatchHub({
    specs: watchSpecs,
    access,
    backoff: o.backoff ?? TEST_BACKOFF,
    timers,
    answerTimeoutMs: o.answerTimeoutMs,
    log,
  });
  const model = new SandboxModel({
    hub,
    records: new ReleaseRecords(() => access.current?.kubeConfig),
  });
  return {
    access,
    hub,
    model,
    backoffDelays,
    logs,
    messages: () => model.children().filter((n): n is MessageNode => n.kind === 'message'),
    dispose() {
      model.dispose();
      hub.dispose();
      access.dispose();
    },
  };
}

/** Polls `check` until it returns a value; rejects at the deadline with `what` and the last diagnosis. */
export async function waitUntil<T>(
  what: string,
  check: () => T | undefined | false,
  deadlineMs = 10_000,
  diagnose?: () => string,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end)
      throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}${diagnose ? `: ${diagnose()}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }): string =>
  `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** What each watched kind holds on the server (the hub's selectors, applied to the store). */
function serverObjects(c: SimCluster, kind: 'secrets' | 'pods' | 'statefulsets', namespace?: string): KubeObject[] {
  const r = c.resources;
  switch (kind) {
    case 'secrets':
      return c.store.list(r.secrets, namespace).filter((s) => s.metadata.labels?.owner === 'helm');
    case 'pods':
      return c.store.list(r.pods, namespace).filter((p) => p.metadata.labels?.[INSTANCE] !== undefined);
    case 'statefulsets':
      return c.store.list(r.statefulsets, namespace).filter((s) => s.metadata.labels?.[INSTANCE] !== undefined);
  }
}

/**
 * Differences between the hub's caches and the server, by object key and resourceVersion: missing (lost),
 * extra (a deleted object still shown), stale (an old version) and duplicated entries. Empty when equal.
 */
export function cacheDiff(c: SimCluster, hub: WatchHub, namespace?: string): string[] {
  const out: string[] = [];
  for (const kind of ['secrets', 'pods', 'statefulsets'] as const) {
    const server = new Map(serverObjects(c, kind, namespace).map((o) => [keyOf(o), o.metadata.resourceVersion]));
    const cache = new Map<string, string | undefined>();
    for (const o of hub.list(kind)) {
      const k = keyOf(o);
      if (cache.has(k)) out.push(`${kind} duplicated ${k}`);
      cache.set(k, o.metadata?.resourceVersion);
    }
    for (const [k, rv] of server) {
      if (!cache.has(k)) out.push(`${kind} missing ${k}`);
      else if (cache.get(k) !== rv) out.push(`${kind} stale ${k} (cache rv ${cache.get(k)}, server ${rv})`);
    }
    for (const k of cache.keys()) if (!server.has(k)) out.push(`${kind} extra ${k}`);
  }
  return out;
}

/** Undefined when the hub's caches and the tree model equal the server's state; else what differs. */
export function modelDiff(c: SimCluster, s: Stack, namespace?: string): string | undefined {
  const caches = cacheDiff(c, s.hub, namespace);
  if (caches.length) return caches.slice(0, 8).join('; ') + (caches.length > 8 ? ` (+${caches.length - 8})` : '');
  // The rows against the oracle's own reading of the store (not the builders under test).
  const want = JSON.stringify(expectedReleases(c, namespace));
  const got = JSON.stringify(shownReleases(s.model.releases));
  if (want !== got) return `rows differ:\n  tree   ${got.slice(0, 600)}\n  server ${want.slice(0, 600)}`;
  return undefined;
}

/** Waits until the model equals the server (the tree debounces, so equality is reached, not instant). */
export function converged(
  c: SimCluster,
  s: Stack,
  what: string,
  deadlineMs = 10_000,
  namespace?: string,
): Promise<true> {
  let last: string | undefined;
  return waitUntil(
    what,
    () => {
      if (s.model.state.phase !== 'ready') {
        last = `phase ${s.model.state.phase} ${s.model.state.message ?? ''}`;
        return false;
      }
      last = modelDiff(c, s, namespace);
      if (last !== undefined) return false;
      // The state items too: the tree's messages are those of the current state (the model rebuilds debounced).
      const items = JSON.stringify(stateMessages(s.hub.state, s.model.releases));
      if (JSON.stringify(s.messages()) !== items) {
        last = `tree items not current: ${JSON.stringify(s.messages())} vs ${items}`;
        return false;
      }
      return true;
    },
    deadlineMs,
    () => last ?? '',
  );
}

/** A simulated cluster plus a scratch dir for kubeconfigs; `stop` removes both. */
export class SimEnv {
  cluster!: SimCluster;
  dir!: string;

  async start(opts?: StartOptions): Promise<SimCluster> {
    this.dir = mkdtempSync(join(tmpdir(), 'reliability-'));
    this.cluster = await startCluster(opts);
    return this.cluster;
  }

  kubeconfig(user: 'admin' | 'restricted' = 'admin', namespace?: string): string {
    return this.cluster.writeKubeconfig(join(this.dir, `kc-${user}-${namespace ?? 'x'}.yaml`), { user, namespace });
  }

  async stop(): Promise<void> {
    await this.cluster?.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

export type { KubernetesObject, WatchKind };
