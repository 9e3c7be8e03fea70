// Benchmarks 1 and 2: exec throughput (200 MB of stdout) and keystroke round trips, ours against the real
// kubectl on the same pod and command.
import { spawn } from 'node:child_process';
import { KubeConfig } from '@kubernetes/client-node';
import { startExec } from '../../src/core/exec/startExec';
import { sleep, type Context } from '../lib/context';
import { result, type Result } from '../lib/results';
import { MB, median, nowMs, summarize } from '../lib/stats';
import { BenchTerminal, type Target } from '../lib/terminal';
import { KUBECTL_VERSION, kubectl, toolEnv } from '../lib/tools';
import { NAMESPACE } from '../sim/protocol';

const PEER = `kubectl ${KUBECTL_VERSION}`;

/** Text that arrives in chunks, with a wait for a string after an offset. */
class Screen {
  text = '';
  private waiter: { text: string; from: number; resolve(): void } | undefined;

  push(chunk: Buffer | string): void {
    this.text += chunk.toString();
    const w = this.waiter;
    if (w && this.text.indexOf(w.text, w.from) >= 0) {
      this.waiter = undefined;
      w.resolve();
    }
  }

  waitFor(text: string, from: number, timeoutMs = 10_000): Promise<void> {
    if (this.text.indexOf(text, from) >= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no echo of ${JSON.stringify(text)} within ${timeoutMs} ms`)), timeoutMs);
      this.waiter = { text, from, resolve: () => (clearTimeout(timer), resolve()) };
    });
  }
}

export async function pickTarget(ctx: Context): Promise<Target> {
  const pods = await ctx.sim.call<Array<{ name: string; container: string }>>('pods', { max: 1 });
  return { namespace: NAMESPACE, pod: pods[0].name, container: pods[0].container };
}

function kubeConfig(ctx: Context): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(ctx.started.kubeconfig);
  return kc;
}

async function oursThroughput(kc: KubeConfig, t: Target, bytes: number): Promise<number> {
  const t0 = nowMs();
  const s = startExec(kc, { ...t, command: ['head', '-c', String(bytes), '/dev/zero'] });
  let got = 0;
  s.stdout.on('data', (d: Buffer) => (got += d.length));
  s.stderr.resume();
  const r = await s.done;
  const ms = nowMs() - t0;
  if (r.reason !== 'Success' || got !== bytes) throw new Error(`our exec: ${r.reason} ${r.message ?? ''}, ${got}/${bytes} bytes`);
  return ms;
}

function kubectlArgs(t: Target, stdin: boolean, command: string[]): string[] {
  return ['exec', ...(stdin ? ['-i'] : []), '-n', t.namespace, t.pod, '-c', t.container, '--', ...command];
}

function peerThroughput(env: NodeJS.ProcessEnv, t: Target, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child = spawn(kubectl(), kubectlArgs(t, false, ['head', '-c', String(bytes), '/dev/zero']), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let got = 0;
    let err = '';
    child.stdout.on('data', (d: Buffer) => (got += d.length));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = nowMs() - t0;
      if (code !== 0 || got !== bytes) reject(new Error(`kubectl exec: exit ${code}, ${got}/${bytes} bytes: ${err.trim()}`));
      else resolve(ms);
    });
  });
}

export async function execThroughputBench(ctx: Context): Promise<Result[]> {
  const bytes = ctx.quick ? 20 * MB : 200 * MB;
  const rounds = ctx.quick ? 1 : 5;
  const t = await pickTarget(ctx);
  const kc = kubeConfig(ctx);
  const env = toolEnv(ctx.dir, ctx.started.kubeconfig);
  const ours: number[] = [];
  const peer: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate, so drift on a shared machine hits both alike.
    ours.push(await oursThroughput(kc, t, bytes));
    peer.push(await peerThroughput(env, t, bytes));
  }
  const mbps = (ms: number): number => bytes / MB / (ms / 1000);
  ctx.log(`exec throughput: ours ${ours.map((v) => mbps(v).toFixed(0)).join(', ')} MB/s; kubectl ${peer.map((v) => mbps(v).toFixed(0)).join(', ')} MB/s`);
  return [
    result({
      benchmark: 1,
      name: `Exec throughput (${bytes / MB} MB stdout), median`,
      unit: 'MB/s',
      better: 'higher',
      ours: mbps(median(ours)),
      peer: mbps(median(peer)),
      peerName: `${PEER} exec`,
      target: 'ratio ≥ 1.0',
      meets: (_v, r) => r !== null && r >= 1,
      detail: { bytes, oursMs: ours, peerMs: peer, command: ['head', '-c', String(bytes), '/dev/zero'] },
    }),
  ];
}

const KEYS = 'abcdefghijklmnopqrstuvwxyz';

/** Round trips of single keys: send, wait for the echo, next (with a short typing gap). */
async function roundTrips(n: number, send: (k: string) => void, screen: { length: number; waitFor(t: string, from: number): Promise<void> }, every?: (i: number) => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = KEYS[i % KEYS.length];
    const from = screen.length;
    const t0 = nowMs();
    send(k);
    await screen.waitFor(k, from);
    out.push(nowMs() - t0);
    await every?.(i);
    await sleep(5);
  }
  return out;
}

async function peerRoundTrips(env: NodeJS.ProcessEnv, t: Target, n: number): Promise<number[]> {
  const child = spawn(kubectl(), kubectlArgs(t, true, ['cat']), { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const screen = new Screen();
  child.stdout.on('data', (d: Buffer) => screen.push(d));
  child.stderr.resume();
  try {
    // Connected once the first key comes back.
    child.stdin.write('.');
    await screen.waitFor('.', 0, 15_000);
    const view = { get length() { return screen.text.length; }, waitFor: (s: string, f: number) => screen.waitFor(s, f) };
    return await roundTrips(n, (k) => child.stdin.write(k), view);
  } finally {
    child.stdin.end();
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.on('close', r)));
  }
}

async function oursCatRoundTrips(kc: KubeConfig, t: Target, n: number): Promise<number[]> {
  const s = startExec(kc, { ...t, command: ['cat'] }, { stdin: true });
  const screen = new Screen();
  s.stdout.on('data', (d: Buffer) => screen.push(d));
  s.stderr.resume();
  try {
    s.write('.');
    await screen.waitFor('.', 0, 15_000);
    const view = { get length() { return screen.text.length; }, waitFor: (x: string, f: number) => screen.waitFor(x, f) };
    return await roundTrips(n, (k) => s.write(k), view);
  } finally {
    s.endInput();
    await s.done;
  }
}

async function oursTerminalRoundTrips(kc: KubeConfig, t: Target, n: number): Promise<number[]> {
  const term = new BenchTerminal(kc, t);
  try {
    await term.open();
    await sleep(300); // the prompt is complete
    return await roundTrips(n, (k) => term.shell.input(k), term, async (i) => {
      // Clear the line now and then (Ctrl-U), so the shell never wraps.
      if (i % 40 === 39) {
        term.shell.input('\x15');
        await sleep(50);
      }
    });
  } finally {
    term.shell.dispose();
  }
}

export async function execInteractivityBench(ctx: Context): Promise<Result[]> {
  const n = ctx.quick ? 60 : 400;
  const t = await pickTarget(ctx);
  const kc = kubeConfig(ctx);
  const env = toolEnv(ctx.dir, ctx.started.kubeconfig);
  const term = summarize(await oursTerminalRoundTrips(kc, t, n));
  const cat = summarize(await oursCatRoundTrips(kc, t, n));
  const peer = summarize(await peerRoundTrips(env, t, n));
  ctx.log(`keystroke echo p50/p99: terminal ${term.median.toFixed(2)}/${term.p99.toFixed(2)} ms, exec+cat ${cat.median.toFixed(2)}/${cat.p99.toFixed(2)} ms, kubectl -i cat ${peer.median.toFixed(2)}/${peer.p99.toFixed(2)} ms`);
  const peerName = `${PEER} exec -i … cat`;
  const common = { benchmark: 2, unit: 'ms', better: 'lower' as const, peerName };
  return [
    result({ ...common, name: 'Keystroke → echo, terminal (tty, bash), p50', ours: term.median, spread: term, peer: peer.median, target: 'report', detail: { terminal: term, peer } }),
    result({ ...common, name: 'Keystroke → echo, terminal (tty, bash), p99', ours: term.p99, peer: peer.p99, target: 'p99 < 20 ms', meets: (v) => v < 20 }),
    result({ ...common, name: 'Keystroke → echo, exec layer (no tty, cat), p50', ours: cat.median, spread: cat, peer: peer.median, target: 'report', detail: { cat } }),
    result({ ...common, name: 'Keystroke → echo, exec layer (no tty, cat), p99', ours: cat.p99, peer: peer.p99, target: 'report' }),
  ];
}
