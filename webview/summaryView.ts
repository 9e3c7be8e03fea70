// "By destination": one card per destination, keyed, so a new count changes one badge instead of rebuilding
// every card (and its web components). The top destinations show first, more on request; new cards are built
// within a time budget per frame, the rest in the next frames.
import type { SummaryRow } from '../src/protocol/inspector';
import { clock, h } from './dom';
import { post } from './host';

/** Cards shown before "Show more". */
export const SUMMARY_PAGE = 24;
/** New cards per frame: each brings web components whose first style and layout cost more than building them. */
const NEW_CARDS_PER_FRAME = 3;

interface Card {
  readonly el: HTMLElement;
  readonly badge: HTMLElement;
  readonly meta: HTMLElement;
  readonly explanation: HTMLElement;
  readonly warning: HTMLElement;
  readonly suggestionId: string | undefined;
  row: SummaryRow;
}

export class SummaryCards {
  readonly root = h('div', { class: 'summary', id: 'summary' });
  private readonly list = h('div', { class: 'summary-cards' });
  private readonly empty = h('p', { class: 'empty', text: 'No drops so far.' });
  private readonly more: HTMLElement;
  private readonly cards = new Map<string, Card>();
  private limit = SUMMARY_PAGE;
  private rows: SummaryRow[] = [];

  constructor(private readonly onMore: () => void) {
    this.more = h('vscode-button', {
      id: 'summary-more',
      class: 'summary-more',
      attrs: { secondary: '' },
      on: {
        click: () => {
          this.limit += SUMMARY_PAGE;
          this.onMore();
        },
      },
    });
    this.root.append(this.empty, this.list, this.more);
  }

  /** Brings the cards up to `rows` (sorted by count); returns false when the budget ran out before the end. */
  update(rows: SummaryRow[], deadline: number): boolean {
    this.rows = rows;
    const shown = rows.slice(0, this.limit);
    this.empty.hidden = rows.length > 0;
    const rest = rows.length - shown.length;
    this.more.hidden = rest <= 0;
    if (rest > 0) this.more.textContent = `Show ${Math.min(rest, SUMMARY_PAGE)} more of ${rest} destinations`;
    const keep = new Set(shown.map((s) => s.destination));
    for (const [key, c] of this.cards) {
      if (!keep.has(key)) {
        c.el.remove();
        this.cards.delete(key);
      }
    }
    let at: ChildNode | null = this.list.firstChild;
    let built = 0;
    for (const s of shown) {
      let c = this.cards.get(s.destination);
      if (c && c.suggestionId !== s.suggestionId) {
        c.el.remove();
        this.cards.delete(s.destination);
        c = undefined;
      }
      if (!c) {
        if (built >= NEW_CARDS_PER_FRAME || performance.now() > deadline) return false;
        built++;
        c = card(s);
        this.cards.set(s.destination, c);
      } else if (c.row !== s) {
        refresh(c, s);
      }
      // Move only what is out of place: moving web components costs a re-render.
      if (c.el !== at) this.list.insertBefore(c.el, at);
      else at = at.nextSibling;
    }
    return true;
  }

  get total(): number {
    return this.rows.length;
  }
}

function meta(s: SummaryRow): string {
  return `${s.reasons.join(', ')} · from ${s.sources.join(', ')} · last ${clock(s.lastTime)}`;
}

function card(s: SummaryRow): Card {
  const id = s.suggestionId;
  const badge = h('vscode-badge', { text: String(s.count), title: `${s.count} drops in ${s.rows} rows` });
  const metaEl = h('p', { class: 'meta', text: meta(s) });
  const explanation = h('p', { class: 'explanation', text: s.explanation });
  const warning = h('p', { class: 'warning', text: s.warning ?? '' });
  const el = h(
    'article',
    { class: `dest kind-${s.kind}`, attrs: { 'data-destination': s.destination } },
    h('header', {}, h('span', { class: 'dest-name', text: s.destination }), badge),
    metaEl,
    explanation,
    warning,
    id
      ? h('vscode-button', {
          class: 'add-values',
          attrs: { 'data-suggestion-id': id },
          text: 'Add to values…',
          on: { click: () => post({ type: 'addToValues', suggestionId: id }) },
        })
      : undefined,
  );
  return { el, badge, meta: metaEl, explanation, warning, suggestionId: id, row: s };
}

function refresh(c: Card, s: SummaryRow): void {
  const old = c.row;
  c.row = s;
  if (old.count !== s.count || old.rows !== s.rows) {
    c.badge.textContent = String(s.count);
    c.badge.title = `${s.count} drops in ${s.rows} rows`;
  }
  const m = meta(s);
  if (c.meta.textContent !== m) c.meta.textContent = m;
  if (old.explanation !== s.explanation) c.explanation.textContent = s.explanation;
  if ((old.warning ?? '') !== (s.warning ?? '')) c.warning.textContent = s.warning ?? '';
  if (old.kind !== s.kind) c.el.className = `dest kind-${s.kind}`;
}
