// One container instance's log: bounded lines, each with the time the runtime wrote it (as CRI log files record
// it), followers that get new lines, and an end when the instance stops.
/** A line and when it was written (ns since the epoch). */
export interface LogLine {
  text: string;
  ns: bigint;
}

type Follower = { line(l: LogLine): void; end(): void };

let lastNs = 0n;
/** Wall-clock ns (Date.now's ms, the monotonic clock's sub-ms), strictly increasing: stamps order the lines. */
function stampNs(): bigint {
  const ns = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  lastNs = ns > lastNs ? ns : lastNs + 1n;
  return lastNs;
}

/** The kubelet's `timestamps=true` prefix format: RFC 3339 with nanoseconds, always 9 digits (RFC3339NanoFixed). */
export function rfc3339NanoFixed(ns: bigint): string {
  const iso = new Date(Number(ns / 1_000_000n)).toISOString();
  return `${iso.slice(0, 19)}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

export class LogBuffer {
  private lines: LogLine[] = [];
  private followers = new Set<Follower>();
  private ended = false;

  constructor(readonly limit = 10_000) {}

  get isEnded(): boolean {
    return this.ended;
  }

  append(text: string): void {
    if (this.ended) return;
    for (const part of text.split('\n')) {
      const line = { text: part, ns: stampNs() };
      this.lines.push(line);
      for (const f of this.followers) f.line(line);
    }
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit);
  }

  /** The last `tail` lines (all when undefined; none for 0, as the kubelet does). */
  snapshot(tail?: number): LogLine[] {
    if (tail === undefined || tail < 0) return [...this.lines];
    return tail === 0 ? [] : this.lines.slice(-tail);
  }

  /** Follow new lines; returns the unsubscribe function. `end` fires at once if the instance already stopped. */
  follow(f: Follower): () => void {
    if (this.ended) {
      f.end();
      return () => undefined;
    }
    this.followers.add(f);
    return () => this.followers.delete(f);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const f of this.followers) f.end();
    this.followers.clear();
  }
}
