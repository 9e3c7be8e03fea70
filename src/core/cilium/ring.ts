// Fixed-capacity ring buffer: the oldest item goes when a new one arrives at capacity.
export class RingBuffer<T> {
  private readonly buf: (T | undefined)[];
  private start = 0;
  private count = 0;
  private evictedTotal = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.buf = new Array<T | undefined>(capacity);
  }

  /** Adds an item; returns the evicted one, if any. */
  push(item: T): T | undefined {
    if (this.count < this.capacity) {
      this.buf[(this.start + this.count) % this.capacity] = item;
      this.count++;
      return undefined;
    }
    const evicted = this.buf[this.start];
    this.buf[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    this.evictedTotal++;
    return evicted;
  }

  get size(): number {
    return this.count;
  }

  /** How many items were pushed out since creation (or the last clear). */
  get evicted(): number {
    return this.evictedTotal;
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.buf[(this.start + i) % this.capacity] as T);
    return out;
  }

  clear(): void {
    this.buf.fill(undefined);
    this.start = 0;
    this.count = 0;
    this.evictedTotal = 0;
  }
}
