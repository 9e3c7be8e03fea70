// `npm run bench` (full) and `npm run bench -- --quick` (smoke, for CI): every benchmark in one run, ours
// against the tool a user would otherwise run, on the simulated cluster. Prints a table, writes
// bench/results.json (with the machine and its load). Not a test: nothing here asserts; a missed goal shows as
// "NO" in the table. The simulator's own figures are printed apart ("test tool").
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import type { Context } from './lib/context';
import { failed, table, type Result } from './lib/results';
import { ROOT, Worker } from './lib/rpc';
import type { Started } from './sim/protocol';
import { execInteractivityBench, execThroughputBench } from './suites/exec';
import { dropsBench } from './suites/drops';
import { footprintBench } from './suites/footprint';
import { lintBench } from './suites/lint';
import { simListBench, treeBench } from './suites/tree';
import { unrelatedBench } from './suites/unrelated';

interface Suite {
  id: string;
  needsSim: boolean;
  run(ctx: Context): Promise<Result[]>;
  /** The row recorded when the suite cannot run. */
  onError: { benchmark: number; name: string; unit: string; target: string };
}

const suites: Suite[] = [
  {
    id: 'sim',
    needsSim: true,
    run: simListBench,
    onError: { benchmark: 0, name: 'Sim: full pod list', unit: 'ms', target: '< 200 ms' },
  },
  {
    id: 'exec',
    needsSim: true,
    run: execThroughputBench,
    onError: { benchmark: 1, name: 'Exec throughput', unit: 'MB/s', target: 'ratio ≥ 1.0' },
  },
  {
    id: 'interactive',
    needsSim: true,
    run: execInteractivityBench,
    onError: { benchmark: 2, name: 'Keystroke → echo', unit: 'ms', target: 'p99 < 20 ms' },
  },
  // Starts its own cluster of `releases` sandboxes (the shared one is smaller and grows in the tree suite).
  {
    id: 'unrelated',
    needsSim: false,
    run: unrelatedBench,
    onError: { benchmark: 4, name: 'Initial load with unrelated 1 MB releases', unit: '×', target: '≤ 1.10' },
  },
  {
    id: 'drops',
    needsSim: false,
    run: dropsBench,
    onError: { benchmark: 6, name: 'Drop stream', unit: 'flows/s', target: '≥ 10,000/s; longest task < 50 ms' },
  },
  {
    id: 'footprint',
    needsSim: true,
    run: footprintBench,
    onError: { benchmark: 7, name: 'Footprint', unit: 'MB', target: '≤ 2 MB' },
  },
  // Last of the suites on the cluster: it grows the cluster through the sizes.
  {
    id: 'tree',
    needsSim: true,
    run: treeBench,
    onError: { benchmark: 3, name: 'Tree: load, freshness, idle, memory', unit: 'ms', target: 'p95 ≤ kubectl p95' },
  },
  {
    id: 'lint',
    needsSim: false,
    run: lintBench,
    onError: { benchmark: 5, name: 'Lint 1,000-service values file', unit: 'ms', target: '< 50 ms and ≥ 20×' },
  },
];

function parseArgs(argv: string[]): {
  quick: boolean;
  only?: Set<string>;
  out: string;
  releases?: number;
  cpuProf?: string;
} {
  const quick = argv.includes('--quick');
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  // For working on the bench itself: another cluster size (the table says which).
  const releases = Number(argv.find((a) => a.startsWith('--releases='))?.slice('--releases='.length)) || undefined;
  // Quick and partial runs go to the git-ignored bench/out/: only a full run replaces the committed results.
  const partial = quick || only !== undefined || releases !== undefined;
  const fallback = partial
    ? join(ROOT, 'bench', 'out', quick ? 'results-quick.json' : 'results-partial.json')
    : join(ROOT, 'bench', 'results.json');
  const out = argv.find((a) => a.startsWith('--out='))?.slice('--out='.length) ?? fallback;
  // For optimising: the main-size extension process writes a V8 CPU profile here (bench/profile-top.ts reads it).
  const cpuProf = argv.find((a) => a.startsWith('--cpu-prof='))?.slice('--cpu-prof='.length);
  return { quick, only: only ? new Set(only.split(',')) : undefined, out, releases, cpuProf };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const selected = suites.filter((s) => !args.only || args.only.has(s.id));
  // Full: 300 / 1,800 (600 sandboxes, the tree issue's scale) / 3,000 / 10,000 pods (main: 1,000 releases / 3,000 pods).
  // Quick: a third of that, smaller last.
  const releases = args.releases ?? (args.quick ? 100 : 1000);
  const sizes = args.releases ? [args.releases] : args.quick ? [34, 100, 200] : [100, 600, 1000, 3334];
  const podsPerRelease = 3;
  const load0 = loadavg();
  const t0 = Date.now();
  const log = (m: string): void =>
    void process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${m}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'k8s-sandbox-bench-'));
  let sim: Worker | undefined;
  const results: Result[] = [];
  try {
    let started: Started | undefined;
    if (selected.some((s) => s.needsSim)) {
      sim = new Worker('bench/sim/host.ts');
      started = await sim.call<Started>('start', { dir });
      await sim.call('installTemplate');
      const seed = await sim.call<{ seedMs: number; pods: number; releaseSecretBytes: number }>('seed', {
        releases: sizes[0],
        podsPerRelease,
      });
      log(
        `seeded ${sizes[0]} releases / ${seed.pods} pods in ${(seed.seedMs / 1000).toFixed(1)} s (release Secrets ${(seed.releaseSecretBytes / 1024).toFixed(0)} KB each)`,
      );
    }
    const ctx: Context = {
      quick: args.quick,
      dir,
      sim: sim as Worker,
      started: started as Started,
      releases,
      sizes,
      podsPerRelease,
      log,
      cpuProf: args.cpuProf,
    };
    for (const s of selected) {
      log(`${s.id}…`);
      try {
        results.push(...(await s.run(ctx)));
      } catch (e) {
        log(`${s.id} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        const f = s.onError;
        results.push(failed(f.benchmark, f.name, f.unit, f.target, e));
      }
    }
  } finally {
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  results.sort((a, b) => a.benchmark - b.benchmark);
  const mode = args.quick ? 'quick (smoke: smaller sizes, fewer samples)' : 'full';
  const took = Math.round((Date.now() - t0) / 1000);
  const load1 = loadavg();
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
  const load = {
    atStart: load0.map((v) => Math.round(v * 100) / 100),
    atEnd: load1.map((v) => Math.round(v * 100) / 100),
  };
  const product = results.filter((r) => r.benchmark !== 0);
  const tool = results.filter((r) => r.benchmark === 0);
  process.stdout.write(
    `\nK8s Sandbox benchmarks, ${mode}, ${new Date().toISOString()}, ${took} s\n` +
      `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGB} GB, node ${machine.node}; load average (1/5/15 min) ${load.atStart.join(' ')} at start, ${load.atEnd.join(' ')} at end\n\n${table(product)}\n\n`,
  );
  process.stdout.write(
    'Ours vs peer: how many times better ours is (throughput ours/peer, times and costs peer/ours).\n',
  );
  if (tool.length)
    process.stdout.write(`\nTest tool (the simulated cluster itself, not the product):\n\n${table(tool)}\n`);
  mkdirSync(dirname(args.out), { recursive: true });
  const doc = {
    mode: args.quick ? 'quick' : 'full',
    date: new Date().toISOString(),
    seconds: took,
    machine,
    loadAverage: load,
    results: product,
    testTool: tool,
  };
  writeFileSync(args.out, `${JSON.stringify(doc, null, 2)}\n`);
  log(`wrote ${args.out}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
