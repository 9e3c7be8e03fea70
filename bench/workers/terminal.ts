// Terminals opened and closed over and over in a fresh process (our terminal path, as the Pseudoterminal drives
// it): memory after a full collection every few cycles, to show whether anything accumulates.
import { KubeConfig } from '@kubernetes/client-node';
import { BenchTerminal, type Target } from '../lib/terminal';
import { serve } from '../lib/rpc';

interface Sample {
  cycle: number;
  rss: number;
  heapUsed: number;
}

function memory(cycle: number): Sample {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with --expose-gc');
  g();
  g();
  const m = process.memoryUsage();
  return { cycle, rss: m.rss, heapUsed: m.heapUsed };
}

async function cycle(kc: KubeConfig, t: Target): Promise<void> {
  const term = new BenchTerminal(kc, t);
  const ended = new Promise<void>((r) => term.shell.onEnd(() => r()));
  await term.open();
  term.shell.input('exit 0\r');
  await Promise.race([
    ended,
    new Promise((_, rej) => setTimeout(() => rej(new Error('shell did not end within 10 s')), 10_000)),
  ]);
  // Any key after the end closes the terminal (as a user would).
  term.shell.input('q');
  if (!term.closed) throw new Error('terminal did not close');
}

serve({
  async cycles(a: {
    kubeconfig: string;
    target: Target;
    n: number;
    every: number;
  }): Promise<{ samples: Sample[]; ms: number }> {
    const kc = new KubeConfig();
    kc.loadFromFile(a.kubeconfig);
    const samples: Sample[] = [memory(0)];
    const t0 = Date.now();
    for (let i = 1; i <= a.n; i++) {
      await cycle(kc, a.target);
      if (i % a.every === 0) samples.push(memory(i));
    }
    return { samples, ms: Date.now() - t0 };
  },
  stop(): void {},
});
