// Request/response over a forked process's IPC channel: the bench drives the simulated cluster and the measured
// client stacks in their own processes, so neither one's CPU or memory shows up in the other's figures.
import { fork, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { isAbsolute, join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

type Handler = (args: never) => unknown;
interface Request {
  id: number;
  method: string;
  args: unknown;
}
interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** Child side: answers requests with the handlers; a handler may be async. */
export function serve(handlers: Record<string, Handler>): void {
  process.on('message', (m: Request) => {
    const send = (r: Reply): void => void process.send?.(r);
    const h = handlers[m.method];
    if (!h) return send({ id: m.id, ok: false, error: `no method ${m.method}` });
    Promise.resolve()
      .then(() => h(m.args as never))
      .then(
        (value) => send({ id: m.id, ok: true, value }),
        (e: unknown) => send({ id: m.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
      );
  });
  // The parent going away ends us too (no orphan cluster or stack).
  process.on('disconnect', () => process.exit(0));
}

/**
 * Parent side: a TypeScript file run in a fresh node (tsx loader, gc exposed) with an IPC channel; `plain`: a
 * JavaScript file (absolute path) in a plain node, nothing preloaded.
 */
export class Worker {
  private readonly child: ChildProcess;
  private next = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private exited: Promise<void>;
  stderr = '';

  /** Wall-clock ms when the process was spawned. */
  readonly spawnedAt: number;

  constructor(file: string, opts: { env?: NodeJS.ProcessEnv; nodeArgs?: string[]; plain?: boolean } = {}) {
    this.spawnedAt = performance.timeOrigin + performance.now();
    this.child = fork(isAbsolute(file) ? file : join(ROOT, file), [], {
      cwd: ROOT,
      execArgv: [...(opts.plain ? [] : ['--import', 'tsx']), '--expose-gc', ...(opts.nodeArgs ?? [])],
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-8192);
    });
    this.child.on('message', (r: Reply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.ok) p.resolve(r.value);
      else p.reject(new Error(`${file}: ${r.error}`));
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        for (const p of this.pending.values())
          p.reject(new Error(`${file} exited (${signal ?? code}): ${this.stderr.trim().slice(-2000)}`));
        this.pending.clear();
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  call<T>(method: string, args: unknown = {}): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, method, args } satisfies Request);
    });
  }

  /** Asks the child to finish (method `stop` when it has one), then makes sure it is gone. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await this.call('stop').catch(() => undefined);
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}
