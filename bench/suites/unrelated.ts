// Cost follows sandboxes: the same initial load (fresh process until every release and pod is in the model)
// without and with 200 other Helm releases whose records are ~1 MB each. Bytes received and heap after load must
// stay within 10 % (the view watches only sandbox release records).
import type { Context } from '../lib/context';
import { result, type Result } from '../lib/results';
import { Worker } from '../lib/rpc';
import { MB } from '../lib/stats';
import type { Meter } from '../sim/protocol';

const UNRELATED = 200;
const RECORD_BYTES = MB;

async function loadOnce(
  ctx: Context,
  want: { releases: number; pods: number },
): Promise<{ bytes: number; heap: number; requests: number }> {
  const w = new Worker('bench/workers/tree.ts');
  try {
    const m0 = await ctx.sim.call<Meter>('meter');
    await w.call('load', { kubeconfig: ctx.started.proxiedKubeconfig, ...want });
    const m1 = await ctx.sim.call<Meter>('meter');
    const mem = await w.call<{ heapUsed: number }>('memory');
    return { bytes: m1.bytesDown - m0.bytesDown, heap: mem.heapUsed, requests: m1.requests - m0.requests };
  } finally {
    await w.stop();
  }
}

export async function unrelatedBench(ctx: Context): Promise<Result[]> {
  // The cluster's size when suites start (the tree suite grows it later).
  const want = { releases: ctx.sizes[0], pods: ctx.sizes[0] * ctx.podsPerRelease };
  const without = await loadOnce(ctx, want);
  const seeded = await ctx.sim.call<{ bytes: number }>('unrelated', { count: UNRELATED, bytes: RECORD_BYTES });
  let withThem: { bytes: number; heap: number; requests: number };
  try {
    withThem = await loadOnce(ctx, want);
  } finally {
    await ctx.sim.call('removeUnrelated');
  }
  const bytesRatio = withThem.bytes / without.bytes;
  const heapRatio = withThem.heap / without.heap;
  const mb = (n: number) => (n / MB).toFixed(1);
  ctx.log(
    `unrelated releases (${UNRELATED} × ${mb(seeded.bytes / UNRELATED)} MB records, ${mb(seeded.bytes)} MB): received ${mb(without.bytes)} → ${mb(withThem.bytes)} MB (${without.requests} → ${withThem.requests} requests), heap after load ${mb(without.heap)} → ${mb(withThem.heap)} MB`,
  );
  const detail = { without, with: withThem, unrelatedRecords: UNRELATED, unrelatedBytes: seeded.bytes };
  return [
    result({
      benchmark: 4,
      name: `Initial load with ${UNRELATED} unrelated 1 MB releases: bytes received vs without`,
      unit: '×',
      better: 'lower',
      ours: bytesRatio,
      target: '≤ 1.10',
      meets: (v) => v <= 1.1,
      detail,
    }),
    result({
      benchmark: 4,
      name: `Initial load with ${UNRELATED} unrelated 1 MB releases: heap vs without`,
      unit: '×',
      better: 'lower',
      ours: heapRatio,
      target: '≤ 1.10',
      meets: (v) => v <= 1.1,
      detail,
    }),
  ];
}
