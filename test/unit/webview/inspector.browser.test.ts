// The inspector webview bundle in real Chromium, fed by the real host-side code (parser → model → rows).
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DropModel } from '../../../src/core/cilium/model';
import { parseFlowLine } from '../../../src/core/cilium/parse';
import { parseSidecarLine } from '../../../src/core/cilium/dnsLog';
import { parseHostMessage, parseWebviewMessage, type HostMessage } from '../../../src/protocol/inspector';
import { buildTimeoutsView, toFlowRow, toStatusView, toSummaryRow } from '../../../src/core/inspector/rows';
import { HUBBLE_DIR, sampleFiles, sampleLines } from '../cilium/fixtures';
import { ROOT, buildWebview, play, posted, setFilter, settle, startHarness, type Harness, type Theme } from './harness';

const RESULTS = join(ROOT, 'test-results');

function checked(m: HostMessage): HostMessage {
  const p = parseHostMessage(m);
  assert.ok(p.ok, p.ok ? '' : p.error);
  return m;
}

/** Every shared sample line through the real model; FORWARDED ones are ignored by it. */
function sampleModel(): DropModel {
  const model = new DropModel();
  for (const f of sampleFiles()) {
    for (const line of sampleLines(f)) {
      const r = parseFlowLine(line);
      if (r.kind === 'flow') model.add(r.flow, line);
    }
  }
  return model;
}

function snapshot(model: DropModel): HostMessage {
  return checked({
    type: 'network/snapshot',
    rows: model.groups().map(toFlowRow),
    summary: model.summary().map(toSummaryRow),
    counters: { total: model.size, evicted: model.evicted, capacity: model.capacity, skipped: 0 },
    status: toStatusView({
      kind: 'streaming',
      message: 'Watching drops on kind-worker, kind-worker2.',
      agents: [{ node: 'kind-worker', pod: 'cilium-abcde', state: 'streaming' }],
    }),
  });
}

function timeoutsMessage(): HostMessage {
  const pod = (name: string, grace: number, ann: Record<string, string>) => ({
    metadata: { name, annotations: ann },
    spec: {
      nodeName: 'kind-worker',
      terminationGracePeriodSeconds: grace,
      containers: [{ name: 'default' }, { name: 'coredns' }],
    },
    status: { phase: 'Running' },
  });
  const view = buildTimeoutsView(
    [
      pod('sbx-default-0', 5, {
        'k8s-sandbox.dev/app-timeout-seconds': '90',
        'k8s-sandbox.dev/deadline-seconds': '120',
      }),
      pod('sbx-web-0', 30, { 'k8s-sandbox.dev/app-timeout-seconds': '600', 'k8s-sandbox.dev/deadline-seconds': '900' }),
    ],
    { timeouts: { riskLevel: 'high' } },
    '/work/sandbox/values.yaml',
  );
  return checked({ type: 'timeouts', view });
}

/** Rows the user sees: inside the scroller's box (with a handful of flows every one is in view). */
async function rowCount(page: Page): Promise<number> {
  return page.evaluate(() => {
    const vp = (document.getElementById('rows') as HTMLElement).getBoundingClientRect();
    return [...document.querySelectorAll('#rows .drop-row')].filter((r) => {
      const b = r.getBoundingClientRect();
      return b.height > 0 && b.bottom > vp.top + 1 && b.top < vp.bottom - 1;
    }).length;
  });
}

async function violations(page: Page): Promise<unknown[]> {
  return page.evaluate(() => (window as unknown as { __violations: unknown[] }).__violations);
}

describe('webview: the inspector bundle in real Chromium', function () {
  this.timeout(120_000);
  let h: Harness;

  before(async () => {
    await buildWebview();
    mkdirSync(RESULTS, { recursive: true });
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });

  async function open(theme: Theme = 'light'): Promise<Page> {
    const page = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
    await page.goto(`${h.url}?theme=${theme}`);
    await page.waitForFunction(() =>
      (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'),
    );
    return page;
  }

  it('the CSP from the panel has a nonce and no unsafe-*; nothing violates it', async () => {
    const page = await open();
    const csp = h.lastCsp();
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=]{20,}'/);
    assert.match(csp, new RegExp(`style-src ${h.origin.replace(/[.]/g, '\\.')}(;|$)`));
    assert.doesNotMatch(csp, /unsafe-/);
    await play(page, { type: 'init', namespace: 'ns1', release: 'sbx' });
    await play(page, snapshot(sampleModel()));
    await play(page, timeoutsMessage());
    await page.click('[data-tab=timeouts]');
    await settle(page);
    await page.click('[data-tab=network]');
    await settle(page);
    assert.deepEqual(await violations(page), []);
    // The listener really sees violations: an inline style is refused.
    await page.evaluate(() => {
      const s = document.createElement('style');
      s.textContent = 'body { color: red }';
      document.head.append(s);
    });
    await page.waitForFunction(() => (window as unknown as { __violations: unknown[] }).__violations.length > 0);
    const v = (await violations(page)) as { directive: string }[];
    assert.match(v[0].directive, /^style-src/);
    await page.close();
  });

  it('renders a row per group for the shared samples, with reason names and texts', async () => {
    const page = await open();
    const model = sampleModel();
    await play(page, snapshot(model));
    await settle(page);
    assert.equal(await rowCount(page), model.groups().length);
    assert.equal(model.groups().length, 7, 'seven drops; 03b (the legacy copy of 03) joins its row');
    const text = await page.locator('#rows').innerText();
    for (const s of [
      'POLICY_DENIED',
      'Policy denied',
      'INVALID_SOURCE_IP',
      'POLICY_DENY',
      'Policy denied by denylist',
      'one.one.one.one (1.1.1.1):80',
      'default/xwing:44916',
      'kind-worker2',
    ]) {
      assert.ok(text.includes(s), `rows show ${s}`);
    }
    assert.match(
      await page.locator('[data-row-id]').filter({ hasText: '1.1.1.1 (health):31793' }).innerText(),
      /×2/,
      '03 and 03b grouped with a count',
    );
    const summary = await page.locator('#summary').innerText();
    assert.match(summary, /hangs until its own timeout/);
    assert.match(summary, /allowDomains:\n\s*- one\.one\.one\.one/);
    // "Add to values" posts the suggestion id the host can look up.
    await page.locator('.add-values[data-suggestion-id="allowDomains:one.one.one.one"]').click();
    const sent = (await posted(page)).filter((m) => m.type === 'addToValues');
    assert.deepEqual(sent, [{ type: 'addToValues', suggestionId: 'allowDomains:one.one.one.one' }]);
    for (const m of await posted(page)) assert.ok(parseWebviewMessage(m).ok, JSON.stringify(m));
    assert.ok(model.suggestions().has('allowDomains:one.one.one.one'));
    await page.close();
  });

  it('header names the flow source (Hubble Relay with its ServerStatus); DNS refusals of both kinds are rows with the allowDomains edit', async () => {
    const page = await open();
    const model = new DropModel();
    // agent-env on Cilium: the DNS proxy refused the name (an L7 DNS flow, DROPPED).
    const l7 = JSON.stringify({
      flow: {
        time: '2026-12-04T15:00:00.5Z',
        verdict: 'DROPPED',
        Type: 'L7',
        IP: { source: '10.0.0.5', destination: '10.96.0.10' },
        l4: { UDP: { source_port: 40000, destination_port: 53 } },
        source: { namespace: 'ns1', pod_name: 'agent-0', labels: ['k8s:inspect/service=agent'] },
        destination: { namespace: 'kube-system', pod_name: 'coredns-1' },
        l7: { type: 'REQUEST', dns: { query: 'pypi.org.', qtypes: ['A'], rcode: 5 } },
        traffic_direction: 'EGRESS',
      },
    });
    const r = parseFlowLine(l7);
    assert.equal(r.kind, 'flow');
    if (r.kind === 'flow') model.add(r.flow, l7);
    // Our chart: the CoreDNS sidecar answered NXDOMAIN (its query log).
    const side = parseSidecarLine(
      '2026-12-04T15:00:01Z [INFO] 127.0.0.1:5353 - 7 "A IN api.openai.com. udp 32 false 512" NXDOMAIN qr,aa,rd 107 0.0001s',
      { namespace: 'ns1', pod: 'sbx-default-0', service: 'default' },
    );
    assert.ok(side);
    model.add(side);
    await play(page, { type: 'init', namespace: 'ns1', release: 'sbx' });
    await play(
      page,
      checked({
        type: 'network/snapshot',
        rows: model.groups().map(toFlowRow),
        summary: model.summary().map(toSummaryRow),
        counters: { total: model.size, evicted: 0, capacity: model.capacity, skipped: 0 },
        status: toStatusView({
          kind: 'streaming',
          message: 'Watching drops and refused DNS lookups of sbx through Hubble Relay.',
          source: {
            kind: 'relay',
            detail:
              'Hubble Relay kube-system/hubble-relay-7d9f 1.18.3: 2 nodes connected, 0 unavailable, 5120 flows seen',
          },
        }),
      }),
    );
    await settle(page);
    assert.match(
      await page.locator('#net-source').innerText(),
      /^Source: Hubble Relay kube-system\/hubble-relay-7d9f 1\.18\.3: 2 nodes connected, 0 unavailable, 5120 flows seen$/,
    );
    assert.equal(await rowCount(page), 2);
    const rows = await page.locator('#rows').innerText();
    for (const t of [
      'ns1/agent-0 → pypi.org',
      'DNS_REFUSED',
      "Cilium's DNS proxy answered REFUSED",
      'ns1/sbx-default-0 → api.openai.com',
      'DNS_NXDOMAIN',
      'DNS sidecar answered NXDOMAIN',
    ])
      assert.ok(rows.includes(t), `rows show ${t}`);
    assert.equal(await page.locator('.drop-row.kind-dns-refused').count(), 2);
    const summary = await page.locator('#summary').innerText();
    assert.match(summary, /allowDomains:\n\s*- api\.openai\.com/);
    assert.match(summary, /Service default asked/);
    await page.locator('.add-values[data-suggestion-id="allowDomains:pypi.org"]').click();
    assert.deepEqual(
      (await posted(page)).filter((m) => m.type === 'addToValues'),
      [{ type: 'addToValues', suggestionId: 'allowDomains:pypi.org' }],
    );
    await page.screenshot({ path: join(RESULTS, 'inspector-relay-dns.png'), fullPage: true });
    // No access: the state names the permission and shows the grant commands.
    await play(
      page,
      checked({
        type: 'network/status',
        status: toStatusView({
          kind: 'no-access',
          message:
            'No access to flows: you may not create pods/portforward in kube-system (to read flows from hubble-relay).',
          source: {
            kind: 'none',
            detail: 'no permission to read flows',
            grant:
              'kubectl create role k8s-sandbox-hubble-relay --namespace kube-system --verb=create --resource=pods/portforward && kubectl create rolebinding k8s-sandbox-hubble-relay --namespace kube-system --role=k8s-sandbox-hubble-relay --user=alice',
          },
        }),
      }),
    );
    await settle(page);
    assert.match(
      await page.locator('#net-status').innerText(),
      /No access to flows[\s\S]*create pods\/portforward in kube-system/,
    );
    assert.match(
      await page.locator('#net-grant').innerText(),
      /kubectl create role k8s-sandbox-hubble-relay --namespace kube-system --verb=create --resource=pods\/portforward && kubectl create rolebinding/,
    );
    await page.close();
  });

  it('the text filter narrows rows and the summary; clearing restores them', async () => {
    const page = await open();
    const model = sampleModel();
    await play(page, snapshot(model));
    await settle(page);
    await setFilter(page, 'deathstar');
    assert.equal(await rowCount(page), 1);
    assert.match(await page.locator('#rows').innerText(), /deathstar/);
    assert.equal(await page.locator('#summary .dest').count(), 1);
    await setFilter(page, 'no-such-thing');
    assert.equal(await rowCount(page), 0);
    assert.match(await page.locator('#rows-empty').innerText(), /No drops match the filter/);
    await setFilter(page, '');
    assert.equal(await rowCount(page), model.groups().length);
    await page.close();
  });

  it('pause holds updates back; resume applies them; state survives a reload (hide/show)', async () => {
    const page = await open();
    const model = new DropModel();
    const lines = readFileSync(join(HUBBLE_DIR, 'all-drops.jsonl'), 'utf8').trim().split('\n');
    const add = (line: string) => {
      const r = parseFlowLine(line);
      if (r.kind === 'flow') model.add(r.flow, line);
    };
    lines.slice(0, 3).forEach(add);
    await play(page, snapshot(model));
    model.takeChanges();
    await settle(page);
    assert.equal(await rowCount(page), 3);
    await page.click('#pause');
    await settle(page);
    assert.equal(await page.locator('#pause').innerText(), 'Resume');
    lines.slice(3).forEach(add);
    const ch = model.takeChanges();
    await play(
      page,
      checked({
        type: 'network/update',
        rows: ch.upserted.map(toFlowRow),
        removed: [...ch.removed],
        summary: model.summary().map(toSummaryRow),
        counters: { total: model.size, evicted: 0, capacity: model.capacity, skipped: 0 },
      }),
    );
    await settle(page);
    assert.equal(await rowCount(page), 3, 'paused: nothing new shown');
    assert.match(await page.locator('#counts').innerText(), /1 updates held/);
    await setFilter(page, 'kind-worker2');
    await page.click('#pause');
    await settle(page);
    assert.equal(await rowCount(page), 2, 'resumed and filtered: the two kind-worker2 rows');
    // Hide/show with retainContextWhenHidden off reloads the page: filter and tab come back from setState.
    await page.click('[data-tab=timeouts]');
    await page.reload();
    await page.waitForFunction(() =>
      (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'),
    );
    assert.equal(
      await page.evaluate(() => (document.getElementById('filter') as HTMLElement & { value: string }).value),
      'kind-worker2',
    );
    assert.equal(await page.evaluate(() => document.getElementById('tabs')?.getAttribute('selected-index')), '1');
    await page.close();
  });

  it('drops malformed and forged host messages (logged), keeps working', async () => {
    const page = await open();
    await play(page, snapshot(sampleModel()));
    await settle(page);
    const before = await rowCount(page);
    await play(page, { type: 'network/update', rows: 'x' });
    await play(page, { type: 'notice', level: 'info', text: 'hi', html: '<img src=x onerror=alert(1)>' });
    await play(page, { type: 'exec', command: 'rm -rf /' });
    await play(page, {
      type: 'network/snapshot',
      rows: [{ id: '<script>', count: 1 }],
      summary: [],
      counters: { total: 1, evicted: 0, capacity: 1, skipped: 0 },
      status: { kind: 'streaming', agents: [] },
    });
    await settle(page);
    assert.equal(await rowCount(page), before);
    const warnings = await page.evaluate(() => (window as unknown as { __warnings: string[] }).__warnings);
    assert.equal(warnings.filter((w) => w.includes('dropped a malformed host message')).length, 4);
    assert.equal(await page.locator('#notice').innerText(), '');
    await page.close();
  });

  it('explaining states instead of a spinner', async () => {
    const page = await open();
    for (const [kind, title] of [
      ['no-cilium', 'Cilium is not installed'],
      ['hubble-disabled', 'Hubble is disabled'],
      ['forbidden', 'Not allowed'],
      ['agent-not-ready', 'Cilium agent not ready'],
    ] as const) {
      await play(page, checked({ type: 'network/status', status: { kind, message: `because ${kind}`, agents: [] } }));
      await settle(page);
      const text = await page.locator('#net-status').innerText();
      assert.match(text, new RegExp(title));
      assert.match(text, new RegExp(`because ${kind}`));
    }
    // A lost stream says which attempt is under way instead of a spinner.
    await play(
      page,
      checked({
        type: 'network/status',
        status: {
          kind: 'reconnecting',
          message: 'The connection to cilium-abcde on kind-worker was lost. Reconnecting (attempt 2 of 5)…',
          agents: [{ node: 'kind-worker', pod: 'cilium-abcde', state: 'reconnecting', attempt: 2 }],
        },
      }),
    );
    await settle(page);
    const text = await page.locator('#net-status').innerText();
    assert.match(text, /^Reconnecting \(attempt 2\)…/);
    assert.match(text, /was lost/);
    await page.close();
  });

  it('timeouts tab: values, sources and findings; force kill names the pod', async () => {
    const page = await open();
    await play(page, timeoutsMessage());
    await page.click('[data-tab=timeouts]');
    await settle(page);
    assert.equal(await page.locator('#risk-level').innerText(), 'high');
    const web = await page.locator('tr[data-pod="sbx-web-0"]').innerText();
    assert.match(web, /600 s/);
    assert.match(web, /too long/);
    assert.match(web, /attack window/);
    const def = await page.locator('tr[data-pod="sbx-default-0"]').innerText();
    assert.match(def, /5 s \(pod\)/);
    assert.doesNotMatch(def, /too long|too short/);
    await page.locator('.force-kill[data-pod="sbx-web-0"]').click();
    await page.locator('#risk-helm').click();
    const sent = (await posted(page)).filter((m) => m.type !== 'ready');
    assert.deepEqual(sent, [
      { type: 'forceKill', pod: 'sbx-web-0' },
      { type: 'setRiskLevel', level: 'high', via: 'helm' },
    ]);
    await page.close();
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    it(`screenshots in the ${theme} theme use the theme's colours`, async () => {
      const page = await open(theme);
      await play(page, { type: 'init', namespace: 'evals', release: 'sbx' });
      await play(page, snapshot(sampleModel()));
      await settle(page);
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const expected = { light: 'rgb(255, 255, 255)', dark: 'rgb(31, 31, 31)', 'high-contrast': 'rgb(0, 0, 0)' }[theme];
      assert.equal(bg, expected);
      const fg = await page.evaluate(
        () => getComputedStyle(document.querySelector('.drop-row .path') as Element).color,
      );
      assert.notEqual(fg, bg);
      await page.screenshot({ path: join(RESULTS, `inspector-network-${theme}.png`), fullPage: true });
      await play(page, timeoutsMessage());
      await page.click('[data-tab=timeouts]');
      await settle(page);
      await page.screenshot({ path: join(RESULTS, `inspector-timeouts-${theme}.png`), fullPage: true });
      assert.deepEqual(await violations(page), []);
      // The README's copies: written when missing or when asked (UPDATE_SCREENSHOTS=1), so test runs keep the tree clean.
      const readmeShot = join(ROOT, `media/screenshots/inspector-${theme}.png`);
      if (theme !== 'high-contrast' && (!existsSync(readmeShot) || process.env.UPDATE_SCREENSHOTS === '1')) {
        mkdirSync(join(ROOT, 'media/screenshots'), { recursive: true });
        copyFileSync(join(RESULTS, `inspector-network-${theme}.png`), readmeShot);
      }
      await page.close();
    });
  }
});
