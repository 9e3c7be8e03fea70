// The Sandboxes view's data path (ClusterAccess → WatchHub → SandboxModel, built as src/services.ts builds it,
// with the product's defaults) in a fresh process: time to a populated model, freshness after injected pod
// changes, idle CPU, and memory across a flood of watch events.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { ClusterAccess } from '../../src/core/kube/clusterAccess';
import { WatchHub } from '../../src/core/kube/watchHub';
import { watchSpecs } from '../../src/core/sandbox/watchSpecs';
import { SandboxModel } from '../../src/core/sandbox/liveModel';
import { serviceDescription } from '../../src/core/sandbox/evalDisplay';
import { nodeId } from '../../src/core/sandbox/nodes';
import type { PodVM, ReleaseVM } from '../../src/core/sandbox/viewModels';
import { ReleaseRecords } from '../../src/core/sandbox/releaseRecords';
import { serve } from '../lib/rpc';

let access: ClusterAccess | undefined;
let hub: WatchHub | undefined;
let model: SandboxModel | undefined;
let podEvents = 0;
let armed: { pod: string; restarts: number; resolve(t: number): void; done: Promise<number> } | undefined;

/** Wall-clock ms with sub-ms resolution, comparable across processes on this machine. */
const wall = (): number => performance.timeOrigin + performance.now();

function podRestarts(pod: string): number | undefined {
  for (const r of model?.releases ?? []) {
    const p = r.pods.find((x) => x.name === pod);
    if (p) return p.restarts;
  }
  return undefined;
}

function podVMOf(pod: string): { pod: PodVM; release: ReleaseVM } | undefined {
  for (const r of model?.releases ?? []) {
    const p = r.pods.find((x) => x.name === pod);
    if (p) return { pod: p, release: r };
  }
  return undefined;
}

function countPods(): number {
  let n = 0;
  for (const r of model?.releases ?? []) n += r.pods.length;
  return n;
}

function gcNow(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with --expose-gc');
  g();
  g();
}

serve({
  /** Builds the stack and resolves when the model holds every release and pod. */
  load(a: {
    kubeconfig: string;
    releases: number;
    pods: number;
    timeoutMs?: number;
  }): Promise<{ ms: number; releases: number; pods: number; state: string }> {
    const t0 = performance.now();
    access = new ClusterAccess({ source: () => ({ setting: a.kubeconfig }) });
    hub = new WatchHub({ specs: watchSpecs, access });
    const a0 = access;
    model = new SandboxModel({ hub, records: new ReleaseRecords(() => a0.current?.kubeConfig) });
    hub.onDidChangeObjects(({ kind: k }) => {
      if (k === 'pods') podEvents++;
    });
    const m = model;
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (m.state.phase !== 'ready' || m.releases.length < a.releases || countPods() < a.pods) return false;
        clearTimeout(timer);
        sub.dispose();
        resolve({ ms: performance.now() - t0, releases: m.releases.length, pods: countPods(), state: m.state.phase });
        return true;
      };
      const timer = setTimeout(() => {
        sub.dispose();
        reject(
          new Error(
            `model not populated after ${a.timeoutMs ?? 300_000} ms: ${m.state.phase} ${m.state.message ?? ''}, ${m.releases.length} releases, ${countPods()} pods`,
          ),
        );
      }, a.timeoutMs ?? 300_000);
      const sub = m.onDidChange(() => check());
      m.start();
    });
  },

  restarts(a: { pod: string }): number | undefined {
    return podRestarts(a.pod);
  },

  /**
   * Arms a watch for `pod` reaching `restarts`; `fired` then resolves with the wall time the tree saw it: the
   * change event (what the TreeDataProvider forwards as onDidChangeTreeData) names the pod's row or an ancestor,
   * and that row, rendered as the tree renders it, shows the restart.
   */
  arm(a: { pod: string; restarts: number }): void {
    let resolve!: (t: number) => void;
    const done = new Promise<number>((r) => (resolve = r));
    armed = { pod: a.pod, restarts: a.restarts, resolve, done };
    const sub = model!.onDidChange((c) => {
      if (!armed) return;
      const vm = podVMOf(armed.pod);
      if (!vm || vm.pod.restarts < armed.restarts) return;
      const ids = new Set([nodeId(vm.pod.node), nodeId(vm.release.node)]);
      const task = model!.parent(vm.release.node);
      if (task) ids.add(nodeId(task));
      // undefined: the whole tree refreshes (also shows it, but is not the targeted refresh measured here).
      if (c.nodes && !c.nodes.some((n) => ids.has(nodeId(n)))) return;
      if (!serviceDescription(vm.pod, vm.release.runtimeClass, Date.now()).startsWith(`↻${armed.restarts}`)) return;
      armed.resolve(wall());
      sub.dispose();
    });
  },

  fired(a: { timeoutMs: number }): Promise<number> {
    const cur = armed;
    if (!cur) throw new Error('nothing armed');
    return Promise.race([
      cur.done,
      new Promise<number>((_, rej) =>
        setTimeout(() => rej(new Error(`no model change for ${cur.pod} within ${a.timeoutMs} ms`)), a.timeoutMs),
      ),
    ]);
  },

  /** CPU used (ms) while doing nothing for `ms`. */
  async idle(a: { ms: number }): Promise<{ cpuMs: number; podEvents: number }> {
    const before = process.cpuUsage();
    const ev = podEvents;
    await new Promise((r) => setTimeout(r, a.ms));
    const d = process.cpuUsage(before);
    return { cpuMs: (d.user + d.system) / 1000, podEvents: podEvents - ev };
  },

  /** Diagnosis: how long one full model rebuild takes at this scale (what every coalesced change costs). */
  rebuildMs(a: { rounds: number }): number[] {
    const m = model as unknown as { rebuild(emit: boolean): void };
    const out: number[] = [];
    for (let i = 0; i < a.rounds; i++) {
      const t = performance.now();
      m.rebuild(false);
      out.push(performance.now() - t);
    }
    return out;
  },

  podEvents(): number {
    return podEvents;
  },

  /** Memory after a full collection. */
  memory(): { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number; pods: number } {
    gcNow();
    const m = process.memoryUsage();
    return {
      rss: m.rss,
      heapTotal: m.heapTotal,
      heapUsed: m.heapUsed,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      pods: countPods(),
    };
  },

  /** Diagnosis: where the RSS is (after a full GC): V8 spaces (committed/used), the kernel's anon/file split. */
  memoryDetail(a: { snapshot?: string }): Record<string, number> {
    gcNow();
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(process.memoryUsage())) out[k] = v;
    for (const s of getHeapSpaceStatistics()) {
      out[`${s.space_name}.size`] = s.space_size;
      out[`${s.space_name}.used`] = s.space_used_size;
    }
    for (const line of readFileSync('/proc/self/status', 'utf8').split('\n')) {
      const m = /^(RssAnon|RssFile|VmRSS|VmData):\s+(\d+) kB/.exec(line);
      if (m) out[m[1]] = Number(m[2]) * 1024;
    }
    // The brk heap is glibc's main malloc arena; other anonymous mappings are V8 pages, thread arenas, stacks.
    let name = '';
    for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
      const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
      if (head) name = head[1] || 'anon';
      const anon = /^Anonymous:\s+(\d+) kB/.exec(line);
      const key = name === '[heap]' || name === 'anon' ? name : name.startsWith('/') ? 'files' : name;
      if (anon) out[`smaps.${key}`] = (out[`smaps.${key}`] ?? 0) + Number(anon[1]) * 1024;
    }
    if (a.snapshot) writeHeapSnapshot(a.snapshot);
    return out;
  },

  stop(): void {
    model?.dispose();
    hub?.dispose();
    access?.dispose();
  },
});
