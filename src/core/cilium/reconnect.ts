// What the drop stream needs to reconnect a lost agent stream: capped exponential backoff with jitter, the
// `--since` time to resume from, and a bounded memory of recent flows so a replayed one is shown once.
import type { Flow } from './flow';

export interface ReconnectPolicy {
  /** Attempts after a loss; then the explaining state stays (with the Reconnect button). */
  readonly attempts: number;
  /** Delay before the first attempt (ms); doubles per attempt up to `maxMs`. */
  readonly baseMs: number;
  readonly maxMs: number;
  /** A stream that ran at least this long before it was lost counts its attempts afresh. */
  readonly stableMs: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { attempts: 5, baseMs: 500, maxMs: 8_000, stableMs: 30_000 };

/**
 * Delay before attempt `n` (1-based): "equal jitter", half of the capped exponential step fixed and half random,
 * so panels that lost the same agent do not all come back at the same instant, and no attempt fires at once.
 */
export function backoffDelay(n: number, p: ReconnectPolicy, random: () => number = Math.random): number {
  const step = Math.min(p.maxMs, p.baseMs * 2 ** Math.max(0, n - 1));
  return Math.round(step / 2 + (Math.min(Math.max(random(), 0), 1) * step) / 2);
}

/** RFC 3339 as Hubble prints it (UTC, up to nanoseconds): the only shape passed on as `--since`. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

const SKEW_MARGIN_MS = 2_000;

/** The newest flow time seen on one agent's stream, so a reconnect asks Hubble for what it missed. */
export class ResumePoint {
  private ms = -Infinity;
  /** Nanoseconds below the millisecond (Date keeps only milliseconds). */
  private sub = 0;
  private text: string | undefined;

  see(time: string): void {
    const m = RFC3339.exec(time);
    if (!m) return;
    const ms = Date.parse(time);
    const sub = Number((m[1] ?? '.').slice(1).padEnd(9, '0').slice(3));
    if (ms > this.ms || (ms === this.ms && sub > this.sub)) {
      this.ms = ms;
      this.sub = sub;
      this.text = time;
    }
  }

  /**
   * Where to resume when no flow was seen yet: when the stream started (local clock, less a margin for clock
   * skew). Hubble then returns what it recorded during the outage; a flow seen twice is dropped by key.
   */
  seed(localMs: number): void {
    if (this.text === undefined) this.see(new Date(localMs - SKEW_MARGIN_MS).toISOString());
  }

  /** `--since` for the next `hubble observe`, or undefined when nothing was seen yet. */
  get since(): string | undefined {
    return this.text;
  }
}

/** A stable key per flow: Hubble's uuid, else the time, node and a hash of the raw line. */
export function flowKey(flow: Flow, raw: string): string {
  return flow.uuid ? `u:${flow.uuid}` : `t:${flow.time}|${flow.node}|${fnv1a(raw)}`;
}

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36) + s.length.toString(36);
}

/** The last `capacity` keys: `add` returns false for a key it holds already (a replayed flow). */
export class RecentKeys {
  private readonly set = new Set<string>();
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(readonly capacity = 16_384) {
    this.ring = new Array<string | undefined>(capacity);
  }

  add(key: string): boolean {
    if (this.set.has(key)) return false;
    const old = this.ring[this.next];
    if (old !== undefined) this.set.delete(old);
    this.ring[this.next] = key;
    this.next = (this.next + 1) % this.capacity;
    this.set.add(key);
    return true;
  }

  get size(): number {
    return this.set.size;
  }
}
