// Issue 10, bad input: broken kubeconfigs. Each gives one clear error naming the problem (file, context, missing
// file) through every layer the user sees it in (ClusterAccess, the tree's state item, the error gate's text),
// never a crash, never a credential in the message. A legacy auth-provider must not run a shell command.
import { strict as assert } from 'node:assert';
import childProcess from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { ClusterAccess } from '../../../src/core/kube/clusterAccess';
import { KubeconfigError } from '../../../src/core/kube/errors';
import { WatchHub } from '../../../src/core/kube/watchHub';
import { watchSpecs } from '../../../src/core/sandbox/watchSpecs';
import type { MessageNode } from '../../../src/core/sandbox/nodes';
import { SandboxModel } from '../../../src/core/sandbox/liveModel';
import { errorView } from '../../../src/platform/errorText';
import { SimEnv, waitUntil } from '../reliability/support/stack';
import { hostile } from './support/gen';

const TOKEN = 'sekret-token-0123456789abcdef0123456789abcdef';
const KEY_DATA = Buffer.from(
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n',
).toString('base64');

function kubeconfig(
  o: {
    server?: string;
    ca?: string;
    user?: Record<string, unknown>;
    current?: string;
    cluster?: string;
    userName?: string;
  } = {},
): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'c1',
        cluster: {
          server: o.server ?? 'https://127.0.0.1:6443',
          ...(o.ca ? { 'certificate-authority': o.ca } : { 'insecure-skip-tls-verify': true }),
        },
      },
    ],
    users: [{ name: 'u1', user: o.user ?? { token: TOKEN } }],
    contexts: [
      { name: 'ctx1', context: { cluster: o.cluster ?? 'c1', user: o.userName ?? 'u1', namespace: 'team-a' } },
    ],
    'current-context': o.current ?? 'ctx1',
  });
}

describe('security: broken kubeconfigs give clear errors, never a crash or a leaked credential', function () {
  this.timeout(30_000);
  let dir: string;
  const file = (name: string, text: string | Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  before(() => (dir = mkdtempSync(join(tmpdir(), 'kc-security-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** What the user sees for a kubeconfig: the access error, the tree's state item, the error gate's message. */
  async function seen(
    path: string,
  ): Promise<{ error: KubeconfigError; item: MessageNode; gate: string; actions: string[] }> {
    const access = new ClusterAccess({ source: () => ({ setting: path }) });
    const hub = new WatchHub({ specs: watchSpecs, access });
    const model = new SandboxModel({ hub });
    try {
      model.start();
      const item = await waitUntil(
        'a state item',
        () => model.children().find((n): n is MessageNode => n.kind === 'message' && n.id === 'noConfig'),
        2000,
      );
      const error = access.error!;
      assert.ok(error instanceof KubeconfigError, 'a typed error');
      assert.throws(() => access.require(), KubeconfigError);
      const view = errorView(error, 'Install Sandbox');
      return { error, item, gate: view.message, actions: view.actions };
    } finally {
      model.dispose();
      hub.dispose();
      access.dispose();
    }
  }

  const cases: Array<{
    name: string;
    make: () => string;
    reason: string;
    mentions: (p: string) => string[];
    action: string;
  }> = [
    {
      name: 'malformed YAML (the broken line holds the token)',
      make: () => file('bad.yaml', `users:\n- name: u1\n  user:\n    token: ${TOKEN}\n   bad: [\n`),
      reason: 'malformed',
      mentions: (p) => [p],
      action: 'retry',
    },
    {
      name: 'not a kubeconfig (a list)',
      make: () => file('list.yaml', '- a\n- b\n'),
      reason: 'noContext',
      mentions: (p) => [p, 'no current-context'],
      action: 'selectContext',
    },
    {
      name: 'empty file',
      make: () => file('empty.yaml', ''),
      reason: 'malformed',
      mentions: (p) => [p, 'empty'],
      action: 'retry',
    },
    {
      name: 'binary garbage',
      make: () => file('bin.yaml', Buffer.from([0, 159, 146, 150, 255, 0, 10, 58, 58])),
      reason: 'malformed',
      mentions: (p) => [p],
      action: 'retry',
    },
    {
      name: 'missing file',
      make: () => join(dir, 'nope.yaml'),
      reason: 'notFound',
      mentions: (p) => [p],
      action: 'retry',
    },
    {
      name: 'unknown current context',
      make: () => file('ctx.yaml', kubeconfig({ current: 'prod-eu' })),
      reason: 'unknownContext',
      mentions: () => ['"prod-eu"', 'ctx1'],
      action: 'selectContext',
    },
    {
      name: 'context naming an unknown cluster',
      make: () => file('cl.yaml', kubeconfig({ cluster: 'gone' })),
      reason: 'unknownCluster',
      mentions: () => ['"gone"'],
      action: 'retry',
    },
    {
      name: 'context naming an unknown user',
      make: () => file('us.yaml', kubeconfig({ userName: 'ghost' })),
      reason: 'unknownUser',
      mentions: () => ['"ghost"'],
      action: 'retry',
    },
    {
      name: 'missing CA file',
      make: () => file('ca.yaml', kubeconfig({ ca: join(dir, 'missing-ca.crt') })),
      reason: 'missingFile',
      mentions: () => [join(dir, 'missing-ca.crt'), 'certificate-authority'],
      action: 'retry',
    },
    {
      name: 'missing client key file',
      make: () =>
        file(
          'key.yaml',
          kubeconfig({ user: { 'client-certificate-data': KEY_DATA, 'client-key': join(dir, 'missing.key') } }),
        ),
      reason: 'missingFile',
      mentions: () => [join(dir, 'missing.key'), 'client-key'],
      action: 'retry',
    },
    {
      name: 'plain http without insecure-skip-tls-verify',
      make: () =>
        file(
          'http.yaml',
          kubeconfig({ server: 'http://127.0.0.1:8080', ca: undefined }).replace(
            'insecure-skip-tls-verify: true',
            'x-skip: false',
          ),
        ),
      reason: 'insecureHttp',
      mentions: () => ['http://127.0.0.1:8080'],
      action: 'retry',
    },
  ];

  for (const c of cases) {
    it(`${c.name}: "${c.reason}", named in the tree item and the error message, no credential shown`, async () => {
      const path = c.make();
      const { error, item, gate, actions } = await seen(path);
      assert.equal(error.reason, c.reason, error.message);
      for (const m of c.mentions(path)) {
        assert.ok(error.message.includes(m), `"${error.message}" names ${m}`);
        assert.ok(item.message.includes(m), `the tree item names ${m}`);
        assert.ok(gate.includes(m), `the error message names ${m}`);
      }
      assert.equal(item.severity, 'error');
      assert.equal(item.action, c.action);
      assert.ok(actions.includes('selectContext') && actions.includes('openSettings'), `actions ${actions.join(', ')}`);
      for (const text of [error.message, item.message, item.detail ?? '', gate]) {
        assert.ok(!text.includes(TOKEN) && !text.includes(KEY_DATA), `no credential in: ${text}`);
      }
    });
  }

  it('2,000 hostile kubeconfig texts (and mutations of a real one): only KubeconfigError, short, never a credential', () => {
    const good = kubeconfig();
    const text = fc.oneof(
      hostile.map((c) => c.text),
      fc
        .tuple(
          fc.nat(),
          fc.nat({ max: 40 }),
          fc.constantFrom('', ':', '\n', '- ', '{', '"', '  ', 'token: ', '\t', '\0'),
        )
        .map(([at, len, ins]) => {
          const i = at % (good.length + 1);
          return good.slice(0, i) + ins + good.slice(i + len);
        }),
    );
    fc.assert(
      fc.property(text, (t) => {
        const p = file('fuzz.yaml', t);
        let access: ClusterAccess | undefined;
        assert.doesNotThrow(() => (access = new ClusterAccess({ source: () => ({ setting: p }) })));
        const e = access!.error;
        if (e) {
          assert.ok(e instanceof KubeconfigError);
          assert.ok(e.message.length < 2000, `message of ${e.message.length} characters`);
          assert.ok(!e.message.includes(TOKEN), `the token is in: ${e.message}`);
        }
        access!.dispose();
      }),
      { numRuns: 2000 },
    );
  });

  describe('a legacy auth-provider (gcp/azure) with cmd-path', () => {
    const env = new SimEnv();
    before(() => env.start());
    after(() => env.stop());

    it('is refused with a clear error; no shell command runs', async () => {
      const marker = join(dir, 'pwned');
      const kc = parse(readFileSync(env.kubeconfig(), 'utf8')) as { users: Array<{ user: Record<string, unknown> }> };
      // client-node runs `cmd-path + ' ' + cmd-args` through a shell (execSync) to refresh the token.
      kc.users[0].user = {
        'auth-provider': {
          name: 'gcp',
          config: { 'cmd-path': 'touch', 'cmd-args': `${marker}; echo {}`, 'token-key': '{.access_token}' },
        },
      };
      const path = file('gcp.yaml', stringify(kc));
      const calls: string[] = [];
      const real = { exec: childProcess.exec, execSync: childProcess.execSync };
      const cp = childProcess as { exec: unknown; execSync: unknown };
      cp.execSync = (cmd: string, ...rest: unknown[]) => (
        calls.push(String(cmd)),
        (real.execSync as (...a: unknown[]) => unknown)(cmd, ...rest)
      );
      cp.exec = (cmd: string, ...rest: unknown[]) => (
        calls.push(String(cmd)),
        (real.exec as (...a: unknown[]) => unknown)(cmd, ...rest)
      );
      const access = new ClusterAccess({ source: () => ({ setting: path }) });
      const hub = new WatchHub({ specs: watchSpecs, access });
      const model = new SandboxModel({ hub });
      try {
        model.start();
        await waitUntil('a state other than loading', () => !['idle', 'loading'].includes(model.state.phase), 5000);
      } finally {
        model.dispose();
        hub.dispose();
        access.dispose();
        cp.exec = real.exec;
        cp.execSync = real.execSync;
      }
      assert.deepEqual(calls, [], 'no shell command');
      assert.equal(existsSync(marker), false, 'the command in cmd-path did not run');
      assert.equal(model.state.phase, 'noConfig', `refused up front: ${JSON.stringify(model.state)}`);
      assert.match(model.state.message ?? '', /auth-provider|gcp/);
    });
  });
});
