// A clock whose timers run only when the test moves it (for code that takes a Clock).
import type { Clock } from '../../../src/core/sandbox/ageRefresh';

export class FakeClock implements Clock {
  private timers: Array<{ id: number; at: number; fn: () => void }> = [];
  private ids = 0;
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.ids;
    this.timers.push({ id, at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== h);
  }
  get pending(): number {
    return this.timers.length;
  }
  /** Runs every timer due up to `to`, in order, with the clock at each one's time. */
  advanceTo(to: number): void {
    while (this.runNext(to));
    this.t = to;
  }
  /** As advanceTo(now + ms), letting the work each timer starts (a fetch) finish before the next. */
  async advance(ms: number): Promise<void> {
    const to = this.t + ms;
    while (this.runNext(to)) await new Promise((resolve) => setImmediate(resolve));
    this.t = to;
  }
  private runNext(to: number): boolean {
    const next = this.timers.reduce<(typeof this.timers)[0] | undefined>(
      (a, x) => (x.at <= to && (!a || x.at < a.at) ? x : a),
      undefined,
    );
    if (!next) return false;
    this.timers = this.timers.filter((x) => x !== next);
    this.t = Math.max(this.t, next.at);
    next.fn();
    return true;
  }
}
