// Issue 10, webview: the inspector's page has a strict CSP (no unsafe-*, scripts only with a fresh nonce); every
// message from the webview is checked against the protocol schema and a forged one reaches no action; a
// well-formed but forged request (force kill a pod of another release) is refused by the host and deletes nothing.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import fc from 'fast-check';
import { contentSecurityPolicy, inspectorHtml, makeNonce } from '../../../src/core/inspector/html';
import { parseWebviewMessage } from '../../../src/protocol/inspector';
import { InspectorSession, type InspectorActions } from '../../../src/core/inspector/inspectorSession';
import { SandboxError } from '../../../src/core/errors';
import { ServerProbe } from '../reliability/support/probe';
import { SimEnv } from '../reliability/support/stack';
import { installVscodeStub } from './support/vscodeStub';
import { MemoryState } from '../../support/memoryState';
import { ValuesFileRecords } from '../../../src/valuesFiles';

const ROOT = resolve(__dirname, '..', '..', '..');

/** The CSP of a rendered page, as directive → sources. */
function csp(html: string): Map<string, string[]> {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  assert.ok(m, 'a CSP meta tag');
  const text = m[1]
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
  return new Map(
    text
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((p) => p[0])
      .map(([k, ...v]) => [k, v]),
  );
}

describe('security: the inspector webview', function () {
  this.timeout(60_000);

  it('1,000 renders: CSP without unsafe-*, default none, scripts only by a fresh 128-bit nonce; every script carries it', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const nonce = makeNonce();
      assert.equal(Buffer.from(nonce, 'base64').length, 16, 'a 128-bit nonce');
      assert.ok(!seen.has(nonce), 'nonces are not reused');
      seen.add(nonce);
      const html = inspectorHtml({
        cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
        scriptUri: 'https://x/dist/webview.js',
        styleUri: 'https://x/dist/webview.css',
        nonce,
        title: `<script>alert(${i})</script>`,
      });
      assert.ok(!/unsafe-/i.test(html), 'no unsafe-* anywhere');
      const policy = csp(html);
      assert.deepEqual(policy.get('default-src'), ["'none'"]);
      assert.deepEqual(policy.get('script-src'), [`'nonce-${nonce}'`], 'scripts only by nonce');
      assert.ok(!(policy.get('style-src') ?? []).some((s) => s.startsWith("'")), 'no inline styles');
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      assert.ok(scripts.length >= 1);
      for (const [, attrs, body] of scripts) {
        assert.ok(attrs.includes(`nonce="${nonce}"`), `script without the nonce: ${attrs}`);
        assert.equal(body.trim(), '', 'no inline script body');
      }
      assert.ok(!/\son\w+\s*=/i.test(html), 'no inline event handlers');
      assert.ok(!/<script>alert/.test(html), 'the title is escaped');
    }
    assert.equal(contentSecurityPolicy('x', 'n').includes('unsafe'), false);
  });

  it('the built webview script needs no eval (the CSP would block it): no eval, new Function or document.write', () => {
    const js = readFileSync(join(ROOT, 'dist', 'webview.js'), 'utf8');
    assert.ok(js.length > 1000, 'the bundle is built');
    for (const re of [/\beval\s*\(/, /\bnew Function\s*\(/, /document\.write\s*\(/])
      assert.ok(!re.test(js), `${re} in dist/webview.js`);
  });

  it('10,000 forged messages: only schema-valid ones reach an action; the rest are dropped and logged, never thrown', async () => {
    const calls: string[] = [];
    const warned: string[] = [];
    const actions: InspectorActions = {
      addToValues: async () => (calls.push('addToValues'), undefined),
      exportJsonl: async () => (calls.push('exportJsonl'), undefined),
      pickValuesFile: async () => (calls.push('pickValuesFile'), undefined),
      setRiskLevel: async () => (calls.push('setRiskLevel'), undefined),
      forceKill: async () => (calls.push('forceKill'), undefined),
    };
    const session = new InspectorSession({
      namespace: 'default',
      release: 'r1',
      ports: {
        listPods: async () => [],
        exec: () => {
          throw new Error('no exec in this test');
        },
        canI: async () => false,
        forward: () => async () => {
          throw new Error('no port-forward in this test');
        },
        followLog: async () => {
          throw new Error('no logs in this test');
        },
      },
      loadTimeouts: async () => {
        throw new Error('no timeouts in this test');
      },
      post: () => undefined,
      log: { info: () => undefined, warn: (m) => void warned.push(m), error: () => undefined },
      actions,
    });
    const valid = [
      'ready',
      'addToValues',
      'export',
      'reconnect',
      'clear',
      'refreshTimeouts',
      'pickValuesFile',
      'setRiskLevel',
      'forceKill',
    ];
    const forged = fc.oneof(
      fc.anything(),
      fc.record(
        {
          type: fc.constantFrom(...valid, 'eval', '__proto__', 'constructor', 'forceKill '),
          pod: fc.oneof(fc.string(), fc.constantFrom('x; rm -rf /', '../../etc', 'A', '-n')),
          level: fc.oneof(fc.string(), fc.constantFrom('evil', 'low ')),
          via: fc.string(),
          suggestionId: fc.string(),
          extra: fc.anything(),
        },
        { requiredKeys: ['type'] },
      ),
      fc
        .constantFrom(
          '{"__proto__":{"type":"forceKill","pod":"p"}}',
          '{"type":"forceKill","pod":"p","__proto__":{"x":1}}',
          '{"constructor":{"prototype":{"type":"clear"}}}',
        )
        .map((s) => JSON.parse(s) as unknown),
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(forged, async (m) => {
        const before = { calls: calls.length, warned: warned.length };
        const ok = parseWebviewMessage(m).ok;
        await session.handle(m);
        if (!ok) {
          assert.equal(calls.length, before.calls, `a forged message reached an action: ${JSON.stringify(m)}`);
          assert.equal(warned.length, before.warned + 1, 'dropped and logged once');
        } else accepted++;
      }),
      { numRuns: 10_000 },
    );
    session.dispose();
    // Only exact protocol messages got through (a handful, by chance), none with extra fields.
    assert.ok(accepted < 2000, `${accepted} accepted`);
    assert.equal(({} as Record<string, unknown>).type, undefined, 'no prototype pollution');
  });

  describe('a well-formed but forged force kill', () => {
    const env = new SimEnv();
    let stub: ReturnType<typeof installVscodeStub>;
    let probe: ServerProbe;
    before(async () => {
      const c = await env.start();
      probe = new ServerProbe(c.port);
      stub = installVscodeStub({});
    });
    after(async () => {
      stub?.uninstall();
      probe?.dispose();
      await env.stop();
    });

    it('for a pod of another release is refused by the host; for its own pod it asks first; nothing is deleted', async () => {
      /* eslint-disable @typescript-eslint/no-require-imports -- loaded after the vscode stub */
      const { PanelActions } =
        require('../../../src/features/inspector/actions') as typeof import('../../../src/features/inspector/actions');
      const { kubePorts } =
        require('../../../src/core/inspector/kubePorts') as typeof import('../../../src/core/inspector/kubePorts');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const kc = new KubeConfig();
      kc.loadFromFile(env.kubeconfig());
      const api = kc.makeApiClient(CoreV1Api);
      for (const [pod, release] of [
        ['mine-0', 'mine'],
        ['theirs-0', 'theirs'],
      ]) {
        await api.createNamespacedPod({
          namespace: 'default',
          body: {
            metadata: { name: pod, labels: { 'app.kubernetes.io/instance': release } },
            spec: { containers: [{ name: 'c', image: 'busybox' }] },
          },
        });
      }
      const log = {
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
        line: () => undefined,
        show: () => undefined,
      };
      const ext = {
        workspaceState: { get: () => undefined, update: async () => undefined },
        extensionPath: ROOT,
      } as never;
      const actions = new PanelActions(
        ext,
        {
          cluster: { kubeConfig: kc, current: undefined } as never,
          log,
          valuesFiles: new ValuesFileRecords(new MemoryState()),
        },
        { namespace: 'default', release: 'mine' },
        () => kubePorts(kc),
      );
      const session = new InspectorSession({
        namespace: 'default',
        release: 'mine',
        ports: kubePorts(kc),
        loadTimeouts: async () => {
          throw new Error('none');
        },
        post: () => undefined,
        log,
        actions,
      });
      await assert.rejects(
        actions.forceKill('theirs-0'),
        (e: unknown) => SandboxError.is(e, 'InvalidInput') && /not a pod of mine/.test((e as Error).message),
      );
      await session.handle({ type: 'forceKill', pod: 'theirs-0' });
      // Its own pod: the confirmation comes first (the stub dismisses it), so nothing happens.
      await assert.rejects(actions.forceKill('mine-0'), (e: unknown) => SandboxError.is(e, 'Cancelled'));
      session.dispose();
      assert.deepEqual(
        probe.requests.filter((r) => r.method === 'DELETE'),
        [],
        'no DELETE was sent',
      );
      assert.ok(
        env.cluster.store.get(env.cluster.resources.pods, 'default', 'theirs-0') &&
          env.cluster.store.get(env.cluster.resources.pods, 'default', 'mine-0'),
      );
      assert.ok(
        stub.recorded.shown.some((m) => /Force kill pod mine-0/.test(m)),
        'the user was asked',
      );
    });
  });
});
