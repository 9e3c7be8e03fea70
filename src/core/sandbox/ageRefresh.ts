// Refreshes rows whose text or icon the clock changes, at the moment it does: each rendered row reports its next
// change (rowFace.nextRowChange); one timer waits for the earliest; when it fires, only the rows due are named.
// Nothing is scheduled while no shown row depends on time, so a quiet tree costs no CPU.
import type { Timers } from '../kube/watchHub';

export interface Clock extends Timers {
  now(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(), // a label refresh never keeps a process alive
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** setTimeout's longest delay; a later deadline waits in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class AgeRefresh<N> {
  private readonly due = new Map<string, { node: N; at: number }>();
  private timer: { handle: unknown; at: number } | undefined;
  private active = true;

  constructor(
    private readonly fire: (nodes: N[]) => void,
    private readonly key: (node: N) => string,
    private readonly clock: Clock = systemClock,
  ) {}

  /** A row was just rendered; `at` is when it next looks different by time alone (undefined: never). */
  rendered(node: N, at: number | undefined): void {
    const k = this.key(node);
    if (at === undefined) {
      // A timer armed for it alone fires once, finds nothing due and re-arms for the rest (or not at all).
      this.due.delete(k);
      return;
    }
    this.due.set(k, { node, at });
    if (this.active && (!this.timer || at < this.timer.at)) this.arm(at);
  }

  /** While the view is hidden nothing fires; rows that came due meanwhile refresh when it is shown again. */
  setActive(active: boolean): void {
    this.active = active;
    if (!active) this.disarm();
    else this.armEarliest();
  }

  /** When the timer fires next (undefined: no timer). */
  get nextAt(): number | undefined {
    return this.timer?.at;
  }

  dispose(): void {
    this.disarm();
    this.due.clear();
  }

  private onTimer(): void {
    this.timer = undefined;
    const now = this.clock.now();
    const nodes: N[] = [];
    for (const [k, d] of this.due) {
      if (d.at > now) continue;
      nodes.push(d.node);
      this.due.delete(k); // its re-render reports its next change
    }
    this.armEarliest();
    if (nodes.length) this.fire(nodes);
  }

  private armEarliest(): void {
    let at: number | undefined;
    for (const d of this.due.values()) if (at === undefined || d.at < at) at = d.at;
    if (at === undefined || !this.active) this.disarm();
    else this.arm(at);
  }

  private arm(at: number): void {
    this.disarm();
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, at - this.clock.now()));
    this.timer = { at, handle: this.clock.setTimeout(() => this.onTimer(), delay) };
  }

  private disarm(): void {
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = undefined;
  }
}
