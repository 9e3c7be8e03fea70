// Runs incremental linters' warm-up in short slices while the host is idle: one pending slice per document at
// most, each calling warm() with a small budget and scheduling the next only if work remains.
import type { IncrementalLinter } from './incremental';

/** Where slices are scheduled (setImmediate by default: I/O and other callbacks run between two slices). */
export interface SliceTimer {
  set(run: () => void): unknown;
  clear(handle: unknown): void;
}

export const immediateTimer: SliceTimer = {
  set: (run) => setImmediate(run),
  clear: (handle) => clearImmediate(handle as NodeJS.Immediate),
};

export interface WarmUpOptions {
  timer?: SliceTimer;
  /** Work per slice, in ms (a single step may take longer; see IncrementalLinter.warm). Default 5. */
  sliceMs?: number;
  /** Told when a linter's warm-up stopped on an internal error (results stay right). */
  onFailure?: (key: string, message: string) => void;
}

export class WarmUps {
  private readonly pending = new Map<string, unknown>();
  private readonly timer: SliceTimer;
  private readonly sliceMs: number;
  private disposed = false;

  constructor(private readonly opts: WarmUpOptions = {}) {
    this.timer = opts.timer ?? immediateTimer;
    this.sliceMs = opts.sliceMs ?? 5;
  }

  /** Warms `linter` in slices from the next idle turn on (after any earlier warm-up of `key` is cancelled). */
  start(key: string, linter: IncrementalLinter): void {
    this.stop(key);
    if (this.disposed || !linter.warming) return;
    const slice = (): void => {
      this.pending.delete(key);
      const more = linter.warm(this.sliceMs);
      if (linter.warmFailure !== undefined) {
        this.opts.onFailure?.(key, linter.warmFailure);
        linter.warmFailure = undefined;
      }
      if (more && !this.disposed) this.pending.set(key, this.timer.set(slice));
    };
    this.pending.set(key, this.timer.set(slice));
  }

  /** Cancels the pending slice of `key` (an edit, a close). */
  stop(key: string): void {
    if (!this.pending.has(key)) return;
    this.timer.clear(this.pending.get(key));
    this.pending.delete(key);
  }

  /** Documents with a slice pending. */
  get active(): number {
    return this.pending.size;
  }

  dispose(): void {
    this.disposed = true;
    for (const key of [...this.pending.keys()]) this.stop(key);
  }
}
