// The Network tab's data: rows by id, the summary, counters and the stream status; pause holds updates back.
// Applying a message costs O(rows in it); the filtered, newest-first view is rebuilt at most once per frame.
import type { Counters, FlowRow, HostMessage, StreamStatusView, SummaryRow } from '../src/protocol/inspector';

type NetworkMessage = Extract<HostMessage, { type: 'network/snapshot' | 'network/update' }>;

export class NetworkStore {
  private rows = new Map<string, FlowRow>();
  private texts = new Map<string, string>();
  summary: SummaryRow[] = [];
  counters: Counters = { total: 0, evicted: 0, capacity: 10_000, skipped: 0 };
  status: StreamStatusView = { kind: 'starting', agents: [] };
  private paused = false;
  /** Updates received while paused, applied in order on resume. */
  private held: NetworkMessage[] = [];
  private filterText = '';
  private view: FlowRow[] | undefined;
  private summaryView: SummaryRow[] | undefined;

  get isPaused(): boolean {
    return this.paused;
  }

  get heldCount(): number {
    return this.held.length;
  }

  get size(): number {
    return this.rows.size;
  }

  get filter(): string {
    return this.filterText;
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) {
      for (const m of this.held) this.apply(m);
      this.held = [];
    }
  }

  setFilter(text: string): void {
    const next = text.trim().toLowerCase();
    if (next === this.filterText) return;
    this.filterText = next;
    this.view = undefined;
    this.summaryView = undefined;
  }

  /** Returns true when the visible data changed. */
  receive(m: NetworkMessage): boolean {
    if (this.paused) {
      // A snapshot replaces everything held before it.
      if (m.type === 'network/snapshot') this.held = [];
      this.held.push(m);
      return false;
    }
    this.apply(m);
    return true;
  }

  private apply(m: NetworkMessage): void {
    if (m.type === 'network/snapshot') {
      this.rows.clear();
      this.texts.clear();
      this.status = m.status;
    }
    if (m.type === 'network/update') for (const id of m.removed) this.delete(id);
    for (const r of m.rows) {
      this.rows.set(r.id, r);
      this.texts.set(r.id, rowText(r));
    }
    // Chunks after the first of a batch carry no summary: the batch's first one describes it.
    if (m.summary) {
      this.summary = m.summary;
      this.summaryView = undefined;
    }
    this.counters = m.counters;
    if (m.rows.length > 0 || m.type === 'network/snapshot' || m.removed.length > 0) this.view = undefined;
  }

  private delete(id: string): void {
    this.rows.delete(id);
    this.texts.delete(id);
  }

  /** Rows that match the filter, newest first (the same array until something changes). */
  visible(): FlowRow[] {
    if (!this.view) {
      const out: FlowRow[] = [];
      const f = this.filterText;
      if (f) {
        for (const [id, r] of this.rows) if ((this.texts.get(id) ?? '').includes(f)) out.push(r);
      } else {
        for (const r of this.rows.values()) out.push(r);
      }
      out.reverse();
      this.view = out;
    }
    return this.view;
  }

  /** Summary rows that match the filter (the same array until something changes). */
  visibleSummary(): SummaryRow[] {
    if (!this.summaryView)
      this.summaryView = this.filterText
        ? this.summary.filter((s) => summaryText(s).includes(this.filterText))
        : this.summary;
    return this.summaryView;
  }
}

export function rowText(r: FlowRow): string {
  return [
    r.direction,
    r.source,
    r.destination,
    r.protocol,
    r.flags,
    r.reasonName,
    r.reasonText,
    r.nodes.join(' '),
    r.firstTime,
  ]
    .join(' ')
    .toLowerCase();
}

function summaryText(s: SummaryRow): string {
  return [s.destination, s.reasons.join(' '), s.sources.join(' '), s.explanation].join(' ').toLowerCase();
}
