// The Network tab: explaining status, toolbar (pause, filter, export), summary by destination with the
// values suggestion, and the drop rows in a virtual list (only visible rows exist in the DOM).
import type { FlowRow, StreamStatusView, SummaryRow } from '../src/features/inspector/protocol';
import { clear, clock, h } from './dom';
import { post } from './host';
import { NetworkStore } from './networkStore';

/** Must match `.drop-row` height in styles.css. */
const ROW_H = 26;
const OVERSCAN = 10;

const STATE_TITLES: Record<StreamStatusView['kind'], string> = {
  starting: 'Connecting to the Cilium agents…',
  streaming: 'Watching drops',
  'no-pods': 'No pods yet',
  'no-cilium': 'Cilium is not installed',
  'hubble-disabled': 'Hubble is disabled',
  forbidden: 'Not allowed',
  'agent-not-ready': 'Cilium agent not ready',
  ended: 'Stream ended',
  error: 'Cannot watch drops',
  stopped: 'Stopped',
};

export class NetworkView {
  readonly root: HTMLElement;
  private readonly statusEl = h('section', { class: 'status', id: 'net-status', attrs: { role: 'status' } });
  private readonly countsEl = h('span', { class: 'counts', id: 'counts' });
  private readonly summaryEl = h('div', { class: 'summary', id: 'summary' });
  private readonly viewport = h('div', { class: 'rows-viewport', id: 'rows', attrs: { role: 'table', 'aria-label': 'Dropped flows' } });
  private readonly spacer = h('div', { class: 'rows-spacer' });
  private readonly windowEl = h('div', { class: 'rows-window' });
  private readonly emptyEl = h('p', { class: 'empty', id: 'rows-empty' });
  private readonly pauseBtn: HTMLElement;
  private readonly filterEl: HTMLElement & { value: string };
  private scheduled = false;
  /** What the summary and status show now: re-rendering unchanged web components costs a frame. */
  private shownSummary = '';
  private shownStatus = '';

  constructor(
    private readonly store: NetworkStore,
    private readonly onStateChange: () => void,
  ) {
    this.pauseBtn = h('vscode-button', { id: 'pause', attrs: { secondary: '' }, on: { click: () => this.togglePause() } });
    this.filterEl = h('vscode-textfield', { id: 'filter', attrs: { placeholder: 'Filter (source, destination, reason, node…)', 'aria-label': 'Filter drops' } }) as HTMLElement & { value: string };
    this.filterEl.addEventListener('input', () => {
      this.store.setFilter(this.filterEl.value ?? '');
      this.onStateChange();
      this.schedule(true);
    });
    const toolbar = h(
      'div',
      { class: 'toolbar' },
      this.pauseBtn,
      this.filterEl,
      h('vscode-button', { id: 'export', attrs: { secondary: '' }, text: 'Export JSONL', on: { click: () => post({ type: 'export' }) } }),
      h('vscode-button', { id: 'clear', attrs: { secondary: '' }, text: 'Clear', on: { click: () => post({ type: 'clear' }) } }),
      h('vscode-button', { id: 'reconnect', attrs: { secondary: '' }, text: 'Reconnect', on: { click: () => post({ type: 'reconnect' }) } }),
      this.countsEl,
    );
    const head = h('div', { class: 'drop-row head', attrs: { role: 'row' } }, ...['Time', 'Dir', 'Source → Destination', 'Proto / flags', 'Reason', 'Node', 'Count'].map((t) => h('span', { text: t, attrs: { role: 'columnheader' } })));
    this.viewport.append(this.spacer, this.windowEl);
    this.viewport.addEventListener('scroll', () => this.schedule(false));
    this.root = h(
      'div',
      { class: 'network' },
      this.statusEl,
      toolbar,
      h('h2', { text: 'By destination' }),
      this.summaryEl,
      h('h2', { text: 'Drops' }),
      head,
      this.emptyEl,
      this.viewport,
    );
  }

  restore(filter: string, paused: boolean): void {
    this.filterEl.value = filter;
    this.store.setFilter(filter);
    this.store.setPaused(paused);
    this.render(true);
  }

  private togglePause(): void {
    this.store.setPaused(!this.store.isPaused);
    this.onStateChange();
    this.render(true);
  }

  /** Coalesces renders to one per frame. */
  schedule(all: boolean): void {
    if (all) this.dirtyAll = true;
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render(this.dirtyAll);
      this.dirtyAll = false;
    });
  }
  private dirtyAll = false;

  render(all: boolean): void {
    if (all) {
      this.renderStatus(this.store.status);
      this.renderSummary(this.store.visibleSummary());
      const c = this.store.counters;
      const held = this.store.heldCount > 0 ? ` · ${this.store.heldCount} updates held` : '';
      this.countsEl.textContent = `${c.total} flows (max ${c.capacity})${c.evicted ? ` · ${c.evicted} dropped from the buffer` : ''}${held}`;
      this.pauseBtn.textContent = this.store.isPaused ? 'Resume' : 'Pause';
      this.pauseBtn.setAttribute('aria-pressed', String(this.store.isPaused));
    }
    this.renderRows(this.store.visible());
  }

  private renderStatus(s: StreamStatusView): void {
    const key = JSON.stringify(s);
    if (key === this.shownStatus) return;
    this.shownStatus = key;
    clear(this.statusEl);
    this.statusEl.dataset.kind = s.kind;
    this.statusEl.append(h('strong', { text: STATE_TITLES[s.kind] }));
    if (s.message) this.statusEl.append(h('p', { text: s.message }));
    const problems = s.agents.filter((a) => a.state !== 'streaming');
    if (s.kind === 'streaming' && problems.length > 0) {
      this.statusEl.append(h('ul', {}, ...problems.map((a) => h('li', { text: `${a.node}: ${a.message ?? a.state}` }))));
    }
  }

  private renderSummary(rows: SummaryRow[]): void {
    const key = JSON.stringify(rows.slice(0, 200));
    if (key === this.shownSummary) return;
    this.shownSummary = key;
    clear(this.summaryEl);
    if (rows.length === 0) {
      this.summaryEl.append(h('p', { class: 'empty', text: 'No drops so far.' }));
      return;
    }
    for (const s of rows.slice(0, 200)) {
      const id = s.suggestionId;
      this.summaryEl.append(
        h(
          'article',
          { class: `dest kind-${s.kind}`, attrs: { 'data-destination': s.destination } },
          h('header', {}, h('span', { class: 'dest-name', text: s.destination }), h('vscode-badge', { text: String(s.count), title: `${s.count} drops in ${s.rows} rows` })),
          h('p', { class: 'meta', text: `${s.reasons.join(', ')} · from ${s.sources.join(', ')} · last ${clock(s.lastTime)}` }),
          h('p', { class: 'explanation', text: s.explanation }),
          s.warning ? h('p', { class: 'warning', text: s.warning }) : undefined,
          id
            ? h('vscode-button', { class: 'add-values', attrs: { 'data-suggestion-id': id }, text: 'Add to values…', on: { click: () => post({ type: 'addToValues', suggestionId: id }) } })
            : undefined,
        ),
      );
    }
  }

  private renderRows(rows: FlowRow[]): void {
    this.emptyEl.textContent = rows.length === 0 ? (this.store.size === 0 ? 'No drops yet: dropped packets of this release appear here as they happen.' : 'No drops match the filter.') : '';
    this.spacer.style.height = `${rows.length * ROW_H}px`;
    const top = this.viewport.scrollTop;
    const height = this.viewport.clientHeight || 400;
    const start = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    const end = Math.min(rows.length, Math.ceil((top + height) / ROW_H) + OVERSCAN);
    this.windowEl.style.transform = `translateY(${start * ROW_H}px)`;
    clear(this.windowEl);
    for (let i = start; i < end; i++) this.windowEl.append(rowEl(rows[i]));
  }
}

function rowEl(r: FlowRow): HTMLElement {
  const dir = r.direction === 'EGRESS' ? 'out' : r.direction === 'INGRESS' ? 'in' : '?';
  const proto = r.flags ? `${r.protocol} ${r.flags}` : r.protocol;
  return h(
    'div',
    { class: `drop-row kind-${r.kind}`, attrs: { role: 'row', 'data-row-id': r.id } },
    h('span', { class: 'time', text: clock(r.lastTime), title: r.count > 1 ? `${r.firstTime} … ${r.lastTime}` : r.lastTime }),
    h('span', { class: 'dir', text: dir, title: r.direction }),
    h('span', { class: 'path', title: `${r.source} → ${r.destination}` }, h('span', { text: r.source }), h('span', { class: 'arrow', text: ' → ' }), h('span', { class: 'dst', text: r.destination })),
    h('span', { class: 'proto', text: proto }),
    h('span', { class: 'reason', title: `${r.reasonName}: ${r.reasonText}` }, h('code', { text: r.reasonName }), h('span', { class: 'reason-text', text: ` ${r.reasonText}` })),
    h('span', { class: 'node', text: r.nodes.join(', ') }),
    h('span', { class: 'count', text: r.count > 1 ? `×${r.count}` : '' }),
  );
}
