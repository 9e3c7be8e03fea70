import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseHostMessage, parseWebviewMessage, webviewStateSchema } from '../../../src/protocol/inspector';
import { contentSecurityPolicy, inspectorHtml, makeNonce } from '../../../src/core/inspector/html';

describe('inspector: message protocol validation', () => {
  it('accepts every well-formed webview message', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'addToValues', suggestionId: 'allowDomainsPorts:github.com:22/TCP' },
      { type: 'addToValues', suggestionId: 'allowCIDR:2606:4700::1111/128' },
      { type: 'export' },
      { type: 'reconnect' },
      { type: 'clear' },
      { type: 'refreshTimeouts' },
      { type: 'pickValuesFile' },
      { type: 'setRiskLevel', level: 'critical', via: 'values' },
      { type: 'forceKill', pod: 'sbx-default-0' },
    ]) {
      const r = parseWebviewMessage(m);
      assert.ok(r.ok, JSON.stringify(m) + (r.ok ? '' : r.error));
    }
  });

  it('rejects forged and malformed webview messages with the reason', () => {
    const cases: [unknown, RegExp][] = [
      [null, /expected a message object/],
      ['ready', /expected a message object/],
      [{}, /unknown message type undefined/],
      [{ type: 'runShell', command: 'rm -rf /' }, /unknown message type "runShell"/],
      [{ type: '__proto__' }, /unknown message type/],
      [{ type: 'toString' }, /unknown message type/],
      [{ type: 'ready', extra: 1 }, /message\.extra: unknown field/],
      [{ type: 'ready', constructor: 1 }, /message\.constructor: unknown field/],
      [JSON.parse('{"type":"ready","__proto__":{"x":1}}'), /message\.__proto__: unknown field/],
      [{ type: 'forceKill' }, /message\.pod: expected a string/],
      [{ type: 'forceKill', pod: '../../etc/passwd' }, /message\.pod: does not match/],
      [{ type: 'forceKill', pod: '-rf' }, /does not match/],
      [{ type: 'forceKill', pod: 'a'.repeat(300) }, /longer than 253/],
      [{ type: 'setRiskLevel', level: 'extreme', via: 'values' }, /level: expected one of low, medium, high, critical/],
      [{ type: 'setRiskLevel', level: 'low', via: 'kubectl' }, /via: expected one of values, helm/],
      [{ type: 'addToValues', suggestionId: 'allowDomains:x.io"; rm' }, /does not match/],
      [{ type: 'addToValues', suggestionId: 7 }, /expected a string/],
    ];
    for (const [m, re] of cases) {
      const r = parseWebviewMessage(m);
      assert.equal(r.ok, false, JSON.stringify(m));
      assert.match(r.ok ? '' : r.error, re);
    }
  });

  it('rejects malformed host messages (the webview checks them too)', () => {
    const status = { kind: 'streaming', agents: [] };
    const counters = { total: 0, evicted: 0, capacity: 10, skipped: 0 };
    assert.ok(parseHostMessage({ type: 'network/snapshot', rows: [], summary: [], counters, status }).ok);
    const bad: unknown[] = [
      { type: 'network/snapshot', rows: [], summary: [], counters, status: { kind: 'spinning', agents: [] } },
      { type: 'network/snapshot', rows: {}, summary: [], counters, status },
      { type: 'network/update', rows: [], removed: [], summary: [], counters: { ...counters, capacity: 0 } },
      { type: 'network/update', rows: [{ id: 'g1' }], removed: [], summary: [], counters },
      { type: 'notice', level: 'info', text: 'x', html: '<b>' },
      { type: 'notice', level: 'debug', text: 'x' },
      { type: 'init', namespace: 'a'.repeat(300), release: 'r' },
      { type: 'timeouts', view: { riskLevel: 'medium' } },
    ];
    for (const m of bad) assert.equal(parseHostMessage(m).ok, false, JSON.stringify(m));
  });

  it('never throws on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true, maxDepth: 4 }), (v) => {
        parseWebviewMessage(v);
        parseHostMessage(v);
        webviewStateSchema.check(v, 'state');
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            type: fc.constantFrom('ready', 'forceKill', 'setRiskLevel', 'addToValues'),
            pod: fc.string(),
            level: fc.string(),
            via: fc.string(),
            suggestionId: fc.string(),
          },
          { requiredKeys: ['type'] },
        ),
        (v) => {
          const r = parseWebviewMessage(v);
          if (r.ok && r.message.type === 'forceKill') assert.match(r.message.pod, /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('inspector: HTML shell and CSP', () => {
  it('has a crypto nonce per render and no unsafe-* source', () => {
    const a = makeNonce();
    const b = makeNonce();
    assert.notEqual(a, b);
    assert.equal(Buffer.from(a, 'base64').length, 16);
    const csp = contentSecurityPolicy('https://x.vscode-cdn.net', a);
    assert.equal(
      csp,
      `default-src 'none'; script-src 'nonce-${a}'; style-src https://x.vscode-cdn.net; font-src https://x.vscode-cdn.net; img-src https://x.vscode-cdn.net; base-uri 'none'; form-action 'none'`,
    );
    assert.doesNotMatch(csp, /unsafe/);
  });

  it('has no inline script or style; the one script carries the nonce', () => {
    const html = inspectorHtml({
      cspSource: 'https://c',
      scriptUri: 'https://c/dist/webview.js',
      styleUri: 'https://c/dist/webview.css',
      nonce: 'abc',
      title: 'T "<x>"',
    });
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /<script nonce="abc" src="https:\/\/c\/dist\/webview.js"><\/script>/);
    assert.doesNotMatch(html, /<style|style="/);
    assert.match(html, /<title>T &quot;&lt;x&gt;&quot;<\/title>/);
  });
});
