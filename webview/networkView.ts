// The Network tab: explaining status, toolbar (pause, filter, export), summary by destination with the
// values suggestion, and the drop rows in a virtual list. Renders at most once per frame and only what changed;
// work that does not fit a frame's budget (new summary cards) continues in the next frame.
import type { StreamStatusView } from '../src/protocol/inspector';
import { clear, h } from './dom';
import { post } from './host';
import { NetworkStore } from './networkStore';
import { RowList } from './rowList';
import { SummaryCards } from './summaryView';

/** Main-thread time one frame may spend building new elements (ms); the rest waits for the next frame. */
const FRAME_BUDGET_MS = 8;

const STATE_TITLES: Record<StreamStatusView['kind'], string> = {
  starting: 'Connecting to Hubble…',
  streaming: 'Watching drops',
  reconnecting: 'Reconnecting…',
  'no-pods': 'No pods yet',
  'no-cilium': 'Cilium is not installed',
  'hubble-disabled': 'Hubble is disabled',
  forbidden: 'Not allowed',
  'no-access': 'No access to flows',
  'agent-not-ready': 'Cilium agent not ready',
  ended: 'Stream ended',
  error: 'Cannot watch drops',
  stopped: 'Stopped',
};

export class NetworkView {
  readonly root: HTMLElement;
  private readonly statusEl = h('section', { class: 'status', id: 'net-status', attrs: { role: 'status' } });
  private readonly countsEl = h('span', { class: 'counts', id: 'counts', attrs: { 'aria-live': 'off' } });
  private readonly summary: SummaryCards;
  private readonly list: RowList;
  private readonly emptyEl = h('p', { class: 'empty', id: 'rows-empty' });
  private readonly pauseBtn: HTMLElement;
  private readonly filterEl: HTMLElement & { value: string };
  private scheduled = false;
  private shownStatus = '';
  private shownCounts = '';

  constructor(
    private readonly store: NetworkStore,
    private readonly onStateChange: () => void,
  ) {
    this.pauseBtn = h('vscode-button', {
      id: 'pause',
      attrs: { secondary: '' },
      on: { click: () => this.togglePause() },
    });
    this.filterEl = h('vscode-textfield', {
      id: 'filter',
      attrs: { placeholder: 'Filter (source, destination, reason, node…)', 'aria-label': 'Filter drops' },
    }) as HTMLElement & { value: string };
    this.filterEl.addEventListener('input', () => {
      this.store.setFilter(this.filterEl.value ?? '');
      this.list.viewport.scrollTop = 0;
      this.onStateChange();
      this.schedule();
    });
    const toolbar = h(
      'div',
      { class: 'toolbar' },
      this.pauseBtn,
      this.filterEl,
      h('vscode-button', {
        id: 'export',
        attrs: { secondary: '' },
        text: 'Export JSONL',
        on: { click: () => post({ type: 'export' }) },
      }),
      h('vscode-button', {
        id: 'clear',
        attrs: { secondary: '' },
        text: 'Clear',
        on: { click: () => post({ type: 'clear' }) },
      }),
      h('vscode-button', {
        id: 'reconnect',
        attrs: { secondary: '' },
        text: 'Reconnect',
        on: { click: () => post({ type: 'reconnect' }) },
      }),
      this.countsEl,
    );
    this.summary = new SummaryCards(() => this.schedule());
    this.list = new RowList(() => this.schedule());
    this.root = h(
      'div',
      { class: 'network' },
      this.statusEl,
      toolbar,
      h('h2', { text: 'By destination' }),
      this.summary.root,
      h('h2', { text: 'Drops' }),
      this.emptyEl,
      this.list.root,
    );
  }

  restore(filter: string, paused: boolean): void {
    this.filterEl.value = filter;
    this.store.setFilter(filter);
    this.store.setPaused(paused);
    this.render();
  }

  private togglePause(): void {
    this.store.setPaused(!this.store.isPaused);
    this.onStateChange();
    this.render();
  }

  /** Coalesces renders to one per frame. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render();
    });
  }

  render(): void {
    const deadline = performance.now() + FRAME_BUDGET_MS;
    this.renderStatus(this.store.status);
    this.renderCounts();
    const rows = this.store.visible();
    this.emptyEl.textContent =
      rows.length > 0
        ? ''
        : this.store.size === 0
          ? 'No drops yet: dropped packets of this release appear here as they happen.'
          : 'No drops match the filter.';
    // A frame that built row elements leaves new summary cards to the next one (each costs its first layout).
    const built = this.list.update(rows);
    if (!this.summary.update(this.store.visibleSummary(), built > 0 ? 0 : deadline)) this.schedule();
  }

  private renderCounts(): void {
    const c = this.store.counters;
    const shown = this.store.visible().length;
    const held = this.store.heldCount > 0 ? ` · ${this.store.heldCount} updates held` : '';
    const match = this.store.filter ? ` · ${shown} rows match` : '';
    const text = `${c.total} flows (max ${c.capacity})${c.evicted ? ` · ${c.evicted} dropped from the buffer` : ''}${match}${held}`;
    if (text !== this.shownCounts) {
      this.shownCounts = text;
      this.countsEl.textContent = text;
    }
    const label = this.store.isPaused ? 'Resume' : 'Pause';
    if (this.pauseBtn.textContent !== label) {
      this.pauseBtn.textContent = label;
      this.pauseBtn.setAttribute('aria-pressed', String(this.store.isPaused));
    }
  }

  private renderStatus(s: StreamStatusView): void {
    const key = JSON.stringify(s);
    if (key === this.shownStatus) return;
    this.shownStatus = key;
    clear(this.statusEl);
    this.statusEl.dataset.kind = s.kind;
    const attempt = Math.max(0, ...s.agents.map((a) => (a.state === 'reconnecting' ? (a.attempt ?? 0) : 0)));
    this.statusEl.append(
      h('strong', {
        text: s.kind === 'reconnecting' && attempt > 0 ? `Reconnecting (attempt ${attempt})…` : STATE_TITLES[s.kind],
      }),
    );
    if (s.source) {
      const label =
        s.source.kind === 'relay'
          ? 'Source: '
          : s.source.kind === 'exec'
            ? 'Source (exec into agents): '
            : 'Source: none · ';
      this.statusEl.append(
        h('p', {
          class: 'source',
          id: 'net-source',
          attrs: { 'data-source': s.source.kind },
          text: `${label}${s.source.detail}`,
        }),
      );
    }
    if (s.message) this.statusEl.append(h('p', { text: s.message }));
    if (s.source?.grant) this.statusEl.append(h('pre', { class: 'grant', id: 'net-grant', text: s.source.grant }));
    const problems = s.agents.filter((a) => a.state !== 'streaming');
    if (s.kind === 'streaming' && problems.length > 0) {
      this.statusEl.append(
        h('ul', {}, ...problems.map((a) => h('li', { text: `${a.node}: ${a.message ?? a.state}` }))),
      );
    }
  }
}
