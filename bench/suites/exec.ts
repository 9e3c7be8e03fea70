// Benchmarks 1 and 2: exec time to first byte and steady throughput, and keystroke round trips, ours against
// the real kubectl on the same pod and command.
import { spawn } from 'node:child_process';
import { KubeConfig } from '@kubernetes/client-node';
import { startExec } from '../../src/core/exec/startExec';
import { sleep, type Context } from '../lib/context';
import { result, type Result } from '../lib/results';
import { MB, median, nowMs, percentile, summarize } from '../lib/stats';
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
      const timer = setTimeout(
        () => reject(new Error(`no echo of ${JSON.stringify(text)} within ${timeoutMs} ms`)),
        timeoutMs,
      );
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

/** One transfer: time to the first stdout byte from `t0`, then the steady rate after that byte. */
interface Transfer {
  ttfbMs: number;
  /** MB/s over the bytes after the first chunk, from its arrival to the end. */
  steadyMBps: number;
  totalMs: number;
}

function transfer(t0: number, first: number, end: number, firstChunk: number, bytes: number): Transfer {
  return { ttfbMs: first - t0, steadyMBps: (bytes - firstChunk) / MB / ((end - first) / 1000), totalMs: end - t0 };
}

/** Ours from the call: startExec (client-node WebSocket) in this process. */
async function oursThroughput(kc: KubeConfig, t: Target, bytes: number): Promise<Transfer> {
  const t0 = nowMs();
  const s = startExec(kc, { ...t, command: ['head', '-c', String(bytes), '/dev/zero'] });
  let got = 0;
  let first = 0;
  let firstChunk = 0;
  s.stdout.on('data', (d: Buffer) => {
    if (got === 0) {
      first = nowMs();
      firstChunk = d.length;
    }
    got += d.length;
  });
  s.stderr.resume();
  const r = await s.done;
  const end = nowMs();
  if (r.reason !== 'Success' || got !== bytes)
    throw new Error(`our exec: ${r.reason} ${r.message ?? ''}, ${got}/${bytes} bytes`);
  return transfer(t0, first, end, firstChunk, bytes);
}

function kubectlArgs(t: Target, stdin: boolean, command: string[]): string[] {
  return ['exec', ...(stdin ? ['-i'] : []), '-n', t.namespace, t.pod, '-c', t.container, '--', ...command];
}

/** kubectl from its process start (what the user waits for when typing the command). */
function peerThroughput(env: NodeJS.ProcessEnv, t: Target, bytes: number): Promise<Transfer> {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child = spawn(kubectl(), kubectlArgs(t, false, ['head', '-c', String(bytes), '/dev/zero']), {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let got = 0;
    let first = 0;
    let firstChunk = 0;
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      if (got === 0) {
        first = nowMs();
        firstChunk = d.length;
      }
      got += d.length;
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const end = nowMs();
      if (code !== 0 || got !== bytes)
        reject(new Error(`kubectl exec: exit ${code}, ${got}/${bytes} bytes: ${err.trim()}`));
      else resolve(transfer(t0, first, end, firstChunk, bytes));
    });
  });
}

export async function execThroughputBench(ctx: Context): Promise<Result[]> {
  const bytes = ctx.quick ? 20 * MB : 100 * MB;
  const rounds = ctx.quick ? 10 : 15;
  const t = await pickTarget(ctx);
  const kc = kubeConfig(ctx);
  const env = toolEnv(ctx.dir, ctx.started.kubeconfig);
  const ours: Transfer[] = [];
  const peer: Transfer[] = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate, and swap who goes first, so drift on a shared machine hits both alike.
    if (i % 2 === 0) {
      ours.push(await oursThroughput(kc, t, bytes));
      peer.push(await peerThroughput(env, t, bytes));
    } else {
      peer.push(await peerThroughput(env, t, bytes));
      ours.push(await oursThroughput(kc, t, bytes));
    }
  }
  const rate = { ours: ours.map((o) => o.steadyMBps), peer: peer.map((o) => o.steadyMBps) };
  const ttfb = { ours: ours.map((o) => o.ttfbMs), peer: peer.map((o) => o.ttfbMs) };
  const wins = ours.filter((o, i) => o.steadyMBps >= peer[i].steadyMBps).length;
  ctx.log(
    `exec: steady MB/s ours ${rate.ours.map((v) => v.toFixed(0)).join(', ')}; kubectl ${rate.peer.map((v) => v.toFixed(0)).join(', ')} (ours ≥ kubectl in ${wins}/${rounds} rounds); ` +
      `first byte ms ours ${ttfb.ours.map((v) => v.toFixed(0)).join(', ')}; kubectl ${ttfb.peer.map((v) => v.toFixed(0)).join(', ')}`,
  );
  const peerName = `kubectl ${KUBECTL_VERSION} exec (from process start)`;
  const size = `${bytes / MB} MB stdout, ${rounds} rounds`;
  const common = { benchmark: 1, peerName };
  return [
    result({
      ...common,
      name: `Exec steady throughput after the first byte (${size}), median`,
      unit: 'MB/s',
      better: 'higher',
      ours: median(rate.ours),
      peer: median(rate.peer),
      target: '≥ 1.0×',
      meets: (_v, r) => r !== null && r >= 1,
      detail: { bytes, rounds, ours, peer, oursWinsRounds: wins, command: ['head', '-c', String(bytes), '/dev/zero'] },
    }),
    result({
      ...common,
      name: 'Exec steady throughput, p25 (the slower quarter)',
      unit: 'MB/s',
      better: 'higher',
      ours: percentile(rate.ours, 25),
      peer: percentile(rate.peer, 25),
      target: '≥ 1.0×',
      meets: (_v, r) => r !== null && r >= 1,
    }),
    result({
      ...common,
      name: 'Exec time to first byte (ours from the call in the running extension; kubectl from process start), median',
      unit: 'ms',
      better: 'lower',
      ours: median(ttfb.ours),
      spread: summarize(ttfb.ours),
      peer: median(ttfb.peer),
      target: 'report',
      detail: {
        ours: summarize(ttfb.ours),
        peer: summarize(ttfb.peer),
        p25: { ours: percentile(ttfb.ours, 25), peer: percentile(ttfb.peer, 25) },
      },
    }),
  ];
}

const KEYS = 'abcdefghijklmnopqrstuvwxyz';

/** Round trips of single keys: send, wait for the echo, next (with a short typing gap). */
async function roundTrips(
  n: number,
  send: (k: string) => void,
  screen: { length: number; waitFor(t: string, from: number): Promise<void> },
  every?: (i: number) => Promise<void>,
): Promise<number[]> {
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
    const view = {
      get length() {
        return screen.text.length;
      },
      waitFor: (s: string, f: number) => screen.waitFor(s, f),
    };
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
    const view = {
      get length() {
        return screen.text.length;
      },
      waitFor: (x: string, f: number) => screen.waitFor(x, f),
    };
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
    return await roundTrips(
      n,
      (k) => term.shell.input(k),
      term,
      async (i) => {
        // Clear the line now and then (Ctrl-U), so the shell never wraps.
        if (i % 40 === 39) {
          term.shell.input('\x15');
          await sleep(50);
        }
      },
    );
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
  ctx.log(
    `keystroke echo p50/p99: terminal ${term.median.toFixed(2)}/${term.p99.toFixed(2)} ms, exec+cat ${cat.median.toFixed(2)}/${cat.p99.toFixed(2)} ms, kubectl -i cat ${peer.median.toFixed(2)}/${peer.p99.toFixed(2)} ms`,
  );
  const peerName = `${PEER} exec -i … cat`;
  const common = { benchmark: 2, unit: 'ms', better: 'lower' as const, peerName };
  return [
    result({
      ...common,
      name: 'Keystroke → echo, terminal (tty, bash), p50',
      ours: term.median,
      spread: term,
      peer: peer.median,
      target: 'report',
      detail: { terminal: term, peer },
    }),
    result({
      ...common,
      name: 'Keystroke → echo, terminal (tty, bash), p99',
      ours: term.p99,
      peer: peer.p99,
      target: 'p99 < 20 ms',
      meets: (v) => v < 20,
    }),
    result({
      ...common,
      name: 'Keystroke → echo, exec layer (no tty, cat), p50',
      ours: cat.median,
      spread: cat,
      peer: peer.median,
      target: 'report',
      detail: { cat },
    }),
    result({
      ...common,
      name: 'Keystroke → echo, exec layer (no tty, cat), p99',
      ours: cat.p99,
      peer: peer.p99,
      target: 'report',
    }),
  ];
}
