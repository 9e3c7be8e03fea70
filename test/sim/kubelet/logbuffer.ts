// One container instance's log: bounded lines, followers that get new lines, and an end when the instance stops.

type Follower = { line(text: string): void; end(): void };

export class LogBuffer {
  private lines: string[] = [];
  private followers = new Set<Follower>();
  private ended = false;

  constructor(readonly limit = 10_000) {}

  get isEnded(): boolean {
    return this.ended;
  }

  append(text: string): void {
    if (this.ended) return;
    for (const line of text.split('\n')) {
      this.lines.push(line);
      for (const f of this.followers) f.line(line);
    }
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit);
  }

  /** The last `tail` lines (all when undefined; none for 0, as the kubelet does). */
  snapshot(tail?: number): string[] {
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
