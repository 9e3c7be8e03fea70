// Benchmark 7: bundle size (production build, as `npm run package` makes it), module load time in a fresh node,
// and memory across 100 terminal open/close cycles. (RSS after 100,000 watch events is measured by the tree suite,
// on the same stack process the tree benchmarks use.)
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pickTarget } from './exec';
import { productionBuild } from '../lib/build';
import { vscodeNames } from '../ext/vscodeShim';
import type { Context } from '../lib/context';
import { result, type Result } from '../lib/results';
import { ROOT, Worker } from '../lib/rpc';
import { MB, median, slope } from '../lib/stats';

// Loads the bundle in a fresh node with a stand-in for the `vscode` module (only the host provides the real one).
const LOAD_SCRIPT = `
const Module = require('module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (req, ...rest) { return req === 'vscode' ? 'vscode' : resolve.call(this, req, ...rest); };
const stub = () => new Proxy(function () {}, { get: (t, k) => (k === 'prototype' ? {} : typeof k === 'symbol' ? undefined : stub()), construct: () => stub(), apply: () => stub() });
const api = {};
for (const name of JSON.parse(process.argv[2])) api[name] = stub();
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: api };
const t0 = process.hrtime.bigint();
const ext = require(process.argv[1]);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
if (typeof ext.activate !== 'function') throw new Error('no activate export');
process.stdout.write(JSON.stringify({ ms, rss: process.memoryUsage().rss }));
`;

const vscodeNamesOfTypes = (): string[] => vscodeNames(join(ROOT, 'node_modules', '@types', 'vscode', 'index.d.ts'));

function loadOnce(bundle: string): Promise<{ ms: number; rss: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', LOAD_SCRIPT, bundle, JSON.stringify(vscodeNamesOfTypes())], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as { ms: number; rss: number })
        : reject(new Error(`loading the bundle failed: ${err.slice(-1500)}`)),
    );
  });
}

export async function footprintBench(ctx: Context): Promise<Result[]> {
  const out: Result[] = [];
  const scratch = (await productionBuild(ctx)).dir;
  const bundle = join(scratch, 'dist', 'extension.js');
  const size = statSync(bundle).size;
  const others = {
    'lint-cli.js': statSync(join(scratch, 'dist', 'lint-cli.js')).size,
    // Required when a drop stream starts (gRPC), not at activation.
    'relay-client.js': statSync(join(scratch, 'dist', 'relay-client.js')).size,
    'webview.js': statSync(join(scratch, 'dist', 'webview.js')).size,
  };
  ctx.log(
    `bundle: extension.js ${(size / MB).toFixed(2)} MB (relay-client.js ${(others['relay-client.js'] / MB).toFixed(2)} MB, lint-cli.js ${(others['lint-cli.js'] / MB).toFixed(2)} MB, webview.js ${(others['webview.js'] / MB).toFixed(2)} MB)`,
  );
  out.push(
    result({
      benchmark: 7,
      name: 'Bundle size, dist/extension.js (production)',
      unit: 'MB',
      better: 'lower',
      ours: size / MB,
      target: '≤ 2 MB',
      meets: (v) => v <= 2,
      detail: { bytes: size, others },
    }),
  );
  const loads: Array<{ ms: number; rss: number }> = [];
  for (let i = 0; i < (ctx.quick ? 3 : 7); i++) loads.push(await loadOnce(bundle));
  const ms = median(loads.map((l) => l.ms));
  ctx.log(`module load: ${loads.map((l) => l.ms.toFixed(0)).join(', ')} ms`);
  out.push(
    result({
      benchmark: 7,
      name: 'Module load time (require of the bundle, fresh node), median',
      unit: 'ms',
      better: 'lower',
      ours: ms,
      target: 'report',
      detail: { runs: loads },
    }),
  );
  out.push(...(await terminalCycles(ctx)));
  return out;
}

async function terminalCycles(ctx: Context): Promise<Result[]> {
  const n = ctx.quick ? 20 : 100;
  const every = ctx.quick ? 5 : 10;
  const target = await pickTarget(ctx);
  const w = new Worker('bench/workers/terminal.ts');
  let r: { samples: Array<{ cycle: number; rss: number; heapUsed: number }>; ms: number };
  try {
    r = await w.call('cycles', { kubeconfig: ctx.started.kubeconfig, target, n, every });
  } finally {
    await w.stop();
  }
  const live = await ctx.sim.call<number>('liveExecs', { pod: target.pod });
  // Growth after the first sample taken with terminals (the first cycles load code and warm caches), and over
  // the second half alone: a trend still rising there is a leak, a plateau is warm-up.
  const at = (c: number) => r.samples.find((s) => s.cycle === c) ?? r.samples[r.samples.length - 1];
  const first = at(every);
  const mid = at(Math.round(n / 2 / every) * every);
  const last = r.samples[r.samples.length - 1];
  const growth = (last.rss - first.rss) / MB;
  const lateRss = (last.rss - mid.rss) / MB;
  const lateHeap = (last.heapUsed - mid.heapUsed) / MB;
  const heapSlope = slope(
    r.samples.filter((s) => s.cycle >= every).map((s) => s.cycle),
    r.samples.filter((s) => s.cycle >= every).map((s) => s.heapUsed),
  );
  ctx.log(
    `terminal cycles: ${n} in ${r.ms} ms; RSS ${r.samples.map((s) => (s.rss / MB).toFixed(1)).join(' ')} MB; heap ${r.samples.map((s) => (s.heapUsed / MB).toFixed(2)).join(' ')} MB; live execs after: ${live}`,
  );
  return [
    result({
      benchmark: 7,
      name: `RSS growth over ${n} terminal open/close cycles (from cycle ${every})`,
      unit: 'MB',
      better: 'lower',
      ours: growth,
      target: `no growth trend: cycles ${mid.cycle}→${last.cycle} < 1 MB RSS, < 0.5 MB heap`,
      meets: () => lateRss < 1 && lateHeap < 0.5 && live === 0,
      detail: {
        samples: r.samples,
        lateRssMB: lateRss,
        lateHeapMB: lateHeap,
        heapKBPerCycle: heapSlope / 1024,
        liveExecsAfter: live,
        ms: r.ms,
      },
    }),
  ];
}
