// The drop list at scale in real Chromium: 10,000 flows from the real host side (parser → model → chunked
// snapshot), shown as a virtual list. Asserts what the user sees: the rows in view, the total shown (counts and
// aria-rowcount), scrolling (mouse or keyboard) to the end shows the oldest flow, the filter narrows the total,
// and a long summary shows its top destinations with "Show more".
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DropModel } from '../../../src/core/cilium/model';
import { parseFlowLine } from '../../../src/core/cilium/parse';
import { parseHostMessage, type HostMessage } from '../../../src/protocol/inspector';
import { snapshotMessages } from '../../../src/core/inspector/inspectorSession';
import { sampleFiles, sampleLines } from '../cilium/fixtures';
import { buildWebview, play, setFilter, settle, startHarness, type Harness } from './harness';

const N = 10_000;

/** N drops to the world from sample 06: source ports 10000.., one per 10 ms; `dests` destinations (IP and name). */
function bigModel(n: number, dests = 1): DropModel {
  const model = new DropModel({ capacity: 10_000 });
  const base = JSON.parse(sampleLines(sampleFiles().find((f) => f.startsWith('06')) as string)[0]);
  for (let i = 0; i < n; i++) {
    base.flow.l4.TCP.source_port = 10_000 + i;
    base.flow.IP.destination = `203.0.113.${i % dests}`;
    // Summaries group by name: one name per destination IP.
    base.flow.destination_names = [`d${i % dests}.example.org`];
    base.flow.time = new Date(Date.UTC(2025, 0, 1) + i * 10).toISOString();
    const line = JSON.stringify(base);
    const r = parseFlowLine(line);
    if (r.kind === 'flow') model.add(r.flow, line);
  }
  return model;
}

function messages(model: DropModel): HostMessage[] {
  const out = snapshotMessages(
    model,
    { kind: 'streaming', agents: [] },
    { total: model.size, evicted: model.evicted, capacity: model.capacity, skipped: 0 },
  );
  for (const m of out) {
    const p = parseHostMessage(JSON.parse(JSON.stringify(m)));
    assert.ok(p.ok, p.ok ? '' : p.error);
  }
  return out;
}

/** What the list says it holds (aria-rowcount counts the header row). */
async function total(page: Page): Promise<number> {
  return Number(await page.locator('#drops-table').getAttribute('aria-rowcount')) - 1;
}

/** Rows actually visible inside the scroller, with their ARIA position and source. */
async function inView(page: Page): Promise<{ index: number; source: string }[]> {
  return page.evaluate(() => {
    const vp = (document.getElementById('rows') as HTMLElement).getBoundingClientRect();
    return [...document.querySelectorAll<HTMLElement>('#rows .drop-row')]
      .filter((r) => {
        const b = r.getBoundingClientRect();
        return b.bottom > vp.top + 1 && b.top < vp.bottom - 1;
      })
      .map((r) => ({
        index: Number(r.getAttribute('aria-rowindex')),
        source: r.querySelector('.path')?.textContent ?? '',
      }));
  });
}

describe('webview: 10,000 flows as a virtual list in real Chromium', function () {
  this.timeout(120_000);
  let h: Harness;

  before(async () => {
    await buildWebview();
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });

  async function open(): Promise<Page> {
    const page = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
    await page.goto(`${h.url}?theme=dark`);
    await page.waitForFunction(() =>
      (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'),
    );
    return page;
  }

  it('shows the total, the newest flows in view, and the oldest after scrolling to the end (mouse and keyboard)', async () => {
    const page = await open();
    const model = bigModel(N);
    assert.equal(model.groups().length, N);
    const ms = messages(model);
    assert.ok(ms.length > 1, 'the snapshot comes in chunks');
    for (const m of ms) await play(page, m);
    await settle(page);
    assert.match(await page.locator('#counts').innerText(), /^10000 flows \(max 10000\)/);
    assert.equal(await total(page), N);
    // Only the rows in view (plus a margin) exist; each says where it is in the whole list.
    const dom = await page.locator('#rows .drop-row').count();
    assert.ok(dom > 5 && dom < 80, `${dom} row elements for ${N} flows`);
    let rows = await inView(page);
    assert.ok(rows.length >= 5, `${rows.length} rows in view`);
    assert.equal(rows[0].index, 2, 'the first row after the header');
    assert.match(rows[0].source, /:19999 →/, 'newest first');
    rows.forEach((r, i) => assert.equal(r.index, rows[0].index + i, 'consecutive positions'));
    // Scrolling to the end shows the oldest flow as the last row.
    await page.locator('#rows').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await settle(page);
    rows = await inView(page);
    assert.equal(rows[rows.length - 1].index, N + 1);
    assert.match(rows[rows.length - 1].source, /:10000 →/);
    // The keyboard reaches the list and scrolls it too.
    await page.locator('#rows').evaluate((el) => el.scrollTo({ top: 0 }));
    await page.focus('#rows');
    await page.keyboard.press('End');
    await page.waitForFunction(() => {
      const el = document.getElementById('rows') as HTMLElement;
      return el.scrollTop + el.clientHeight >= el.scrollHeight - 2;
    });
    await settle(page);
    rows = await inView(page);
    assert.match(rows[rows.length - 1].source, /:10000 →/);
    await page.keyboard.press('Home');
    await page.waitForFunction(() => (document.getElementById('rows') as HTMLElement).scrollTop === 0);
    await settle(page);
    assert.match((await inView(page))[0].source, /:19999 →/);
    await page.close();
  });

  it('the filter narrows the total; clearing it restores all 10,000', async () => {
    const page = await open();
    for (const m of messages(bigModel(N))) await play(page, m);
    await settle(page);
    await setFilter(page, 'client-645b68dcf7-2jmrw:19999 ');
    assert.equal(await total(page), 1);
    assert.match(await page.locator('#counts').innerText(), /^10000 flows .* · 1 rows match/);
    // Source ports 10000–10009 are the only ones containing ":1000" followed by a digit and a space.
    await setFilter(page, ':1000');
    const expected = Array.from({ length: N }, (_, i) => `:${10_000 + i}`).filter((p) => p.includes(':1000')).length;
    assert.equal(await total(page), expected);
    const rows = await inView(page);
    assert.equal(rows.length, expected, 'all matches fit in view');
    assert.ok(rows.every((r) => /:1000\d →/.test(r.source)));
    await setFilter(page, 'no-such-flow');
    assert.equal(await total(page), 0);
    assert.match(await page.locator('#rows-empty').innerText(), /No drops match the filter/);
    await setFilter(page, '');
    assert.equal(await total(page), N);
    assert.match((await inView(page))[0].source, /:19999 →/);
    await page.close();
  });

  it('new flows arrive on top and evicted ones leave (live updates), with the total following', async () => {
    const page = await open();
    const model = bigModel(20);
    for (const m of messages(model)) await play(page, m);
    model.takeChanges();
    await settle(page);
    assert.equal(await total(page), 20);
    const first = model.groups()[0].id;
    await play(page, {
      type: 'network/update',
      rows: [],
      removed: [first],
      counters: { total: 19, evicted: 1, capacity: 10_000, skipped: 0 },
    });
    await settle(page);
    assert.equal(await total(page), 19);
    assert.equal(await page.locator(`[data-row-id="${first}"]`).count(), 0);
    assert.match(await page.locator('#counts').innerText(), /1 dropped from the buffer/);
    await page.close();
  });

  it('many destinations: the top ones as cards, "Show more" adds the next, the filter finds any', async () => {
    const page = await open();
    const model = bigModel(600, 60);
    const ms = messages(model);
    const summary = ms[0].type === 'network/snapshot' ? ms[0].summary : [];
    assert.equal(summary.length, 60);
    for (const m of ms) await play(page, m);
    // Cards are built over a few frames.
    await page.waitForFunction(() => document.querySelectorAll('#summary .dest').length === 24);
    const more = page.locator('#summary-more');
    assert.equal(await more.innerText(), 'Show 24 more of 36 destinations');
    const names = await page.locator('#summary .dest .dest-name').allInnerTexts();
    assert.deepEqual(
      names,
      summary.slice(0, 24).map((s) => s.destination),
      'by count, as the host sorted them',
    );
    await more.click();
    await page.waitForFunction(() => document.querySelectorAll('#summary .dest').length === 48);
    assert.equal(await more.innerText(), 'Show 12 more of 12 destinations');
    const last = summary[59].destination;
    assert.equal(await page.locator(`#summary .dest[data-destination="${last}"]`).count(), 0);
    await setFilter(page, last);
    await page.waitForFunction((d) => !!document.querySelector(`#summary .dest[data-destination="${d}"]`), last);
    assert.ok(await more.isHidden());
    assert.equal(
      await page.locator(`#summary .dest[data-destination="${last}"] .add-values`).count(),
      1,
      'its suggestion button',
    );
    await page.close();
  });
});
