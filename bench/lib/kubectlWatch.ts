// The live peer: `kubectl get pods -A -w` as a user runs it (default table output). Resolves a wait when the
// pod's row shows the awaited restart count, timed when its bytes reach this process's pipe.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { kubectl } from './tools';

const wall = (): number => performance.timeOrigin + performance.now();

export class KubectlWatch {
  private readonly child: ChildProcess;
  private partial = '';
  private lines = 0;
  private waiter: { pod: string; restarts: number; resolve(t: number): void } | undefined;

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(kubectl(), ['get', 'pods', '-A', '-w'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (d: Buffer) => this.onData(d.toString()));
    this.child.stderr?.resume();
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Rows printed so far (the initial list first). */
  get printed(): number {
    return this.lines;
  }

  private onData(text: string): void {
    const t = wall();
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines += parts.length;
    const w = this.waiter;
    if (!w) return;
    for (const line of parts) {
      // NAMESPACE NAME READY STATUS RESTARTS [(Ns ago)] AGE
      const cols = line.trim().split(/\s+/);
      if (cols[1] === w.pod && Number(cols[4]) >= w.restarts) {
        this.waiter = undefined;
        w.resolve(t);
        return;
      }
    }
  }

  /** The wall time the row of `pod` with at least `restarts` restarts is printed. */
  waitFor(pod: string, restarts: number, timeoutMs: number): Promise<number> {
    const p = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `kubectl get pods -A -w printed no row for ${pod} with ${restarts} restarts within ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
      this.waiter = { pod, restarts, resolve: (t) => (clearTimeout(timer), resolve(t)) };
    });
    p.catch(() => undefined); // awaited by the caller; never an unhandled rejection if ours fails first
    return p;
  }

  /** CPU (ms) the running kubectl has used so far (/proc/<pid>/stat utime + stime). */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // fields 14 and 15 of proc(5); USER_HZ 100
  }

  stop(): void {
    this.child.kill();
  }
}
