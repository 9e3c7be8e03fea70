// The drop rows as a virtual list: a fixed-height scroller with a spacer for the full height and only the rows in
// view (plus a margin) in the DOM. Row elements are recycled and refilled only when their row changed, so a
// frame costs the same for 10 or 10,000 flows. ARIA: one table, aria-rowcount = every matching flow + header,
// aria-rowindex on each rendered row, so screen readers announce the real position.
import type { FlowRow } from '../src/protocol/inspector';
import { clock, h } from './dom';

/** Must match `.drop-row` height in styles.css. */
export const ROW_H = 26;
const OVERSCAN = 5;
const COLUMNS: [string, string][] = [
  ['time', 'Time'],
  ['dir', 'Dir'],
  ['path', 'Source → Destination'],
  ['proto', 'Proto / flags'],
  ['reason', 'Reason'],
  ['node', 'Node'],
  ['count', 'Count'],
];

interface Slot {
  readonly el: HTMLElement;
  readonly time: HTMLElement;
  readonly dir: HTMLElement;
  readonly path: HTMLElement;
  readonly proto: HTMLElement;
  readonly reason: HTMLElement;
  readonly code: HTMLElement;
  readonly reasonText: Text;
  readonly node: HTMLElement;
  readonly count: HTMLElement;
  row?: FlowRow;
  index: number;
}

export class RowList {
  /** The table: header row plus the scroller. */
  readonly root: HTMLElement;
  /** The scroller (#rows): keyboard-focusable so arrows and Page Up/Down scroll it. */
  readonly viewport: HTMLElement;
  private readonly spacer = h('div', { class: 'rows-spacer' });
  private readonly windowEl = h('div', { class: 'rows-window', attrs: { role: 'presentation' } });
  private readonly slots: Slot[] = [];
  private rows: FlowRow[] = [];
  private height = 0;
  private shownStart = -1;
  private shownEnd = -1;

  constructor(onScroll: () => void) {
    const cells = COLUMNS.map(([cls, t]) => h('span', { class: cls, text: t, attrs: { role: 'columnheader' } }));
    const head = h('div', { class: 'drop-row head', attrs: { role: 'row', 'aria-rowindex': '1' } }, ...cells);
    this.viewport = h(
      'div',
      {
        class: 'rows-viewport',
        id: 'rows',
        attrs: { role: 'rowgroup', tabindex: '0', 'aria-label': 'Dropped flows, newest first' },
      },
      this.spacer,
      this.windowEl,
    );
    this.root = h(
      'div',
      {
        class: 'drops-table',
        id: 'drops-table',
        attrs: { role: 'table', 'aria-label': 'Dropped flows', 'aria-rowcount': '1' },
      },
      h('div', { attrs: { role: 'rowgroup' } }, head),
      this.viewport,
    );
    this.viewport.addEventListener('scroll', onScroll, { passive: true });
    // The viewport's height is read from the observer, not from layout in every frame.
    new ResizeObserver((entries) => {
      const hgt = entries[entries.length - 1]?.contentRect.height ?? 0;
      if (hgt !== this.height) {
        this.height = hgt;
        onScroll();
      }
    }).observe(this.viewport);
  }

  /** How many flows the list holds (not how many are in the DOM). */
  get total(): number {
    return this.rows.length;
  }

  /** Shows `rows` (newest first); cost is the rows in view, not rows.length. Returns how many row elements it built. */
  update(rows: FlowRow[]): number {
    if (rows !== this.rows) {
      this.rows = rows;
      this.spacer.style.height = `${rows.length * ROW_H}px`;
      this.root.setAttribute('aria-rowcount', String(rows.length + 1));
      this.shownStart = -1;
    }
    const top = this.viewport.scrollTop;
    const height = this.height || this.viewport.clientHeight || 400;
    const start = Math.max(0, Math.min(rows.length, Math.floor(top / ROW_H) - OVERSCAN));
    const end = Math.min(rows.length, Math.ceil((top + height) / ROW_H) + OVERSCAN);
    if (start === this.shownStart && end === this.shownEnd) return 0;
    this.shownStart = start;
    this.shownEnd = end;
    this.windowEl.style.transform = `translateY(${start * ROW_H}px)`;
    const n = end - start;
    const built = Math.max(0, n - this.slots.length);
    while (this.slots.length < n) this.windowEl.append(this.newSlot().el);
    while (this.slots.length > n) this.slots.pop()?.el.remove();
    for (let k = 0; k < n; k++) fill(this.slots[k], rows[start + k], start + k);
    return built;
  }

  private newSlot(): Slot {
    const span = (cls: string) => h('span', { class: cls, attrs: { role: 'cell' } });
    // Few nodes per row: layout cost is per node, and every frame re-lays the rows that changed.
    const code = h('code');
    const reasonText = document.createTextNode('');
    const reason = h('span', { class: 'reason', attrs: { role: 'cell' } }, code, reasonText);
    const s: Slot = {
      el: h('div', { attrs: { role: 'row' } }),
      time: span('time'),
      dir: span('dir'),
      path: span('path'),
      proto: span('proto'),
      reason,
      code,
      reasonText,
      node: span('node'),
      count: span('count'),
      index: -1,
    };
    s.el.append(s.time, s.dir, s.path, s.proto, s.reason, s.node, s.count);
    this.slots.push(s);
    return s;
  }
}

function fill(s: Slot, r: FlowRow, index: number): void {
  if (s.index !== index) {
    s.index = index;
    s.el.setAttribute('aria-rowindex', String(index + 2));
  }
  if (s.row === r) return;
  s.row = r;
  s.el.className = `drop-row kind-${r.kind}`;
  s.el.dataset.rowId = r.id;
  s.time.textContent = clock(r.lastTime);
  s.time.title = r.count > 1 ? `${r.firstTime} … ${r.lastTime}` : r.lastTime;
  s.dir.textContent = r.direction === 'EGRESS' ? 'out' : r.direction === 'INGRESS' ? 'in' : '?';
  s.dir.title = r.direction;
  s.path.textContent = `${r.source} → ${r.destination}`;
  s.proto.textContent = r.flags ? `${r.protocol} ${r.flags}` : r.protocol;
  s.reason.title = `${r.reasonName}: ${r.reasonText}`;
  s.code.textContent = r.reasonName;
  s.reasonText.data = ` ${r.reasonText}`;
  s.node.textContent = r.nodes.join(', ');
  s.count.textContent = r.count > 1 ? `×${r.count}` : '';
}
