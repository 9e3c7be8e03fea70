// The extension as the bench measures it: a fresh plain-node process that loads the PRODUCTION bundle
// (dist/extension.js, path in BENCH_EXTENSION), runs activate() with a stand-in `vscode` module, and watches the
// Sandboxes view through the TreeDataProvider the extension registered (the object VS Code would call).
// This file is bundled by esbuild (bench/lib/build.ts) and started with `node`, so nothing but node, this
// small harness and the bundle is loaded. Timestamps are wall-clock ms (comparable with the parent's).
import { constants, performance, PerformanceObserver } from 'node:perf_hooks';
import { serve } from '../lib/rpc';
import { fakeContext, installVscodeShim } from './vscodeShim';

const wall = (): number => performance.timeOrigin + performance.now();
/** Garbage collections (wall start, ms, kind), so a freshness sample can say whether one paused it. */
const gcs: Array<{ at: number; ms: number; kind: string }> = [];
const gcKinds: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as { detail?: { kind?: number } }).detail?.kind ?? -1;
    gcs.push({ at: performance.timeOrigin + e.startTime, ms: e.duration, kind: gcKinds[kind] ?? `kind ${kind}` });
  }
  if (gcs.length > 10_000) gcs.splice(0, gcs.length - 1000);
}).observe({ entryTypes: ['gc'] });

interface Node {
  kind: string;
  namespace?: string;
  release?: string;
  pod?: string;
}
interface PodVM {
  restarts: number;
}
interface Provider {
  onDidChangeTreeData(l: (e: Node | Node[] | undefined) => void): unknown;
  getChildren(n?: Node): Node[];
  getTreeItem(n: Node): { description?: string };
  // Internals read for checks outside the timed path (never to decide when a change event fired).
  model: { lookup(n: Node): PodVM | undefined; state: { phase: string; message?: string; unavailable?: string[] } };
  services: { watches: { onDidChangeObjects(l: (c: { kind: string; object?: unknown }) => void): unknown } };
}

const want = { releases: Number(process.env.BENCH_RELEASES), pods: Number(process.env.BENCH_PODS) };
const { capture } = installVscodeShim(
  { 'k8sSandbox.kubeconfig': process.env.BENCH_KUBECONFIG },
  JSON.parse(process.env.BENCH_VSCODE_NAMES as string) as string[],
);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ext = require(process.env.BENCH_EXTENSION as string) as { activate(ctx: unknown): void };
const moduleLoaded = wall();
ext.activate(fakeContext(process.env.BENCH_SCRATCH ?? '/tmp'));
const activated = wall();
const provider = capture.provider as unknown as Provider;
if (!provider) throw new Error('activate() registered no TreeDataProvider');

/** What the view shows: release rows under any grouping (task, chart, namespace), and each release's pods. */
function walk(): { releases: Node[]; pods: number } {
  const releases: Node[] = [];
  const visit = (nodes: Node[]): void => {
    for (const n of nodes) {
      if (n.kind === 'release') releases.push(n);
      else if (n.kind === 'namespace' || n.kind === 'task') visit(provider.getChildren(n));
    }
  };
  visit(provider.getChildren());
  let pods = 0;
  for (const r of releases) pods += provider.getChildren(r).filter((p) => p.kind === 'pod').length;
  return { releases, pods };
}

let firstRows: number | undefined;
let complete: number | undefined;
let onComplete: (() => void) | undefined;
let armed: { node: Node; restarts: number; resolve(t: number): void } | undefined;
let changeEvents = 0;
let fired: Promise<number> = Promise.reject(new Error('nothing armed'));
fired.catch(() => undefined);
let podEvents = 0;

function affects(e: Node | Node[] | undefined, pod: Node): boolean {
  if (e === undefined) return true;
  const hit = (n: Node): boolean =>
    (n.kind === 'pod' && n.pod === pod.pod && n.release === pod.release) ||
    (n.kind === 'release' && n.release === pod.release && n.namespace === pod.namespace) ||
    (n.kind === 'namespace' && n.namespace === pod.namespace);
  return Array.isArray(e) ? e.some(hit) : hit(e);
}

provider.onDidChangeTreeData((e) => {
  const t = wall();
  changeEvents++;
  if (armed && affects(e, armed.node) && (provider.model.lookup(armed.node)?.restarts ?? -1) >= armed.restarts) {
    const a = armed;
    armed = undefined;
    a.resolve(t);
  }
  if (complete === undefined) {
    const w = walk();
    if (firstRows === undefined && w.releases.length > 0) {
      for (const r of provider.getChildren()) provider.getTreeItem(r); // the rows VS Code renders
      firstRows = wall();
    }
    // Complete: every row, and loaded (release rows show from the records' metadata before the records are in).
    if (w.releases.length >= want.releases && w.pods >= want.pods && provider.model.state.phase === 'ready') {
      complete = wall();
      onComplete?.();
    }
  }
});
let arrived: number | undefined;
provider.services.watches.onDidChangeObjects((c) => {
  if (c.kind !== 'pods') return;
  podEvents++;
  // When the armed change reached the watch cache (splits freshness into transport and model + view).
  const o = c.object as {
    metadata?: { name?: string };
    status?: { containerStatuses?: Array<{ restartCount?: number }> };
  };
  if (armed && arrived === undefined && o?.metadata?.name === armed.node.pod) {
    const restarts = (o.status?.containerStatuses ?? []).reduce((n, x) => n + (x.restartCount ?? 0), 0);
    if (restarts >= armed.restarts) arrived = wall();
  }
});

function gcNow(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with --expose-gc');
  g();
  g();
}

serve({
  /** Resolves when the view shows every release and pod: wall times from this process's start. */
  loaded(a: {
    timeoutMs: number;
  }): Promise<{ processStart: number; moduleLoaded: number; activated: number; firstRows: number; complete: number }> {
    const answer = () => ({
      processStart: performance.timeOrigin,
      moduleLoaded,
      activated,
      firstRows: firstRows as number,
      complete: complete as number,
    });
    if (complete !== undefined) return Promise.resolve(answer());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const w = walk();
        const top = provider.getChildren().map((n) => (n.kind === 'message' ? JSON.stringify(n) : n.kind));
        reject(
          new Error(
            `view not complete after ${a.timeoutMs} ms: ${w.releases.length}/${want.releases} releases, ${w.pods}/${want.pods} pods; state ${JSON.stringify(provider.model.state)}; top rows ${top.slice(0, 5).join(', ')}`,
          ),
        );
      }, a.timeoutMs);
      onComplete = () => {
        clearTimeout(timer);
        resolve(answer());
      };
    });
  },

  restarts(a: { node: Node }): number | undefined {
    return provider.model.lookup(a.node)?.restarts;
  },

  /** The next change event that names `node` (or its release/namespace, or the whole tree) once it shows `restarts`. */
  arm(a: { node: Node; restarts: number; timeoutMs: number }): void {
    const node = a.node;
    let resolve!: (t: number) => void;
    fired = new Promise<number>((r, rej) => {
      resolve = r;
      setTimeout(() => rej(new Error(`no change event for ${node.pod} within ${a.timeoutMs} ms`)), a.timeoutMs);
    });
    fired.catch(() => undefined);
    armed = { node, restarts: a.restarts, resolve };
    arrived = undefined;
  },

  /** When the armed change reached the extension's watch cache (undefined: not seen there). */
  arrived(): number | undefined {
    return arrived;
  },

  fired(): Promise<number> {
    return fired;
  },

  /** CPU used (ms) while doing nothing for `ms`. */
  async idle(a: { ms: number }): Promise<{ cpuMs: number; podEvents: number; changeEvents: number }> {
    const before = process.cpuUsage();
    const ev = podEvents;
    const ch = changeEvents;
    await new Promise((r) => setTimeout(r, a.ms));
    const d = process.cpuUsage(before);
    return { cpuMs: (d.user + d.system) / 1000, podEvents: podEvents - ev, changeEvents: changeEvents - ch };
  },

  /** Time this process spent in garbage collection between two wall times, and the kinds of those GCs. */
  gc(a: { from: number; to: number }): { ms: number; kinds: string[] } {
    let ms = 0;
    const kinds = new Set<string>();
    for (const g of gcs) {
      if (g.at > a.to || g.at + g.ms < a.from) continue;
      ms += g.ms;
      kinds.add(g.kind);
    }
    return { ms, kinds: [...kinds] };
  },

  podEvents(): number {
    return podEvents;
  },

  /** Memory after a full collection, and what the view holds. */
  memory(): {
    rss: number;
    heapTotal: number;
    heapUsed: number;
    external: number;
    arrayBuffers: number;
    releases: number;
    pods: number;
  } {
    gcNow();
    const m = process.memoryUsage();
    const w = walk();
    return {
      rss: m.rss,
      heapTotal: m.heapTotal,
      heapUsed: m.heapUsed,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      releases: w.releases.length,
      pods: w.pods,
    };
  },

  stop(): void {
    setImmediate(() => process.exit(0)); // after the reply
  },
});
