import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ClusterAccess } from '../../../src/core/kube/clusterAccess';
import { KubeconfigError } from '../../../src/core/kube/errors';
import { creatorIdOf, isLabelValue } from '../../../src/core/kube/identity';
import { readKubeconfig, resolveContext, resolveKubeconfigPaths } from '../../../src/core/kube/kubeconfig';

const cfg = (o: { clusters?: string; users?: string; contexts?: string; current?: string }): string => `apiVersion: v1
kind: Config
clusters:
${
  o.clusters ??
  `- name: c1
  cluster:
    server: https://127.0.0.1:6443
    insecure-skip-tls-verify: true`
}
users:
${
  o.users ??
  `- name: alice
  user:
    token: s3cr3t-token-value`
}
contexts:
${
  o.contexts ??
  `- name: ctx1
  context: {cluster: c1, user: alice, namespace: team-a}`
}
${o.current === undefined ? 'current-context: ctx1' : o.current}
`;

function expectError(fn: () => unknown, reason: KubeconfigError['reason'], includes: string[]): KubeconfigError {
  try {
    fn();
  } catch (e) {
    assert.ok(KubeconfigError.is(e), `expected KubeconfigError, got ${String(e)}`);
    assert.equal(e.reason, reason, e.message);
    for (const s of includes) assert.ok(e.message.includes(s), `"${e.message}" should include "${s}"`);
    assert.ok(!e.message.includes('s3cr3t'), 'message must not leak the token');
    return e;
  }
  assert.fail('expected an error');
}

describe('kubeconfig loading', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kc-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers the setting, then KUBECONFIG (several paths), then ~/.kube/config', () => {
    const home = join(dir, 'home');
    assert.deepEqual(resolveKubeconfigPaths({ setting: '~/k.yaml', env: { KUBECONFIG: '/a' }, home }), {
      paths: [join(home, 'k.yaml')],
      origin: 'setting',
    });
    assert.deepEqual(resolveKubeconfigPaths({ env: { KUBECONFIG: `/a${delimiter}${delimiter}/b` }, home }), {
      paths: ['/a', '/b'],
      origin: 'KUBECONFIG',
    });
    assert.deepEqual(resolveKubeconfigPaths({ env: {}, home }), {
      paths: [join(home, '.kube', 'config')],
      origin: 'default',
    });
  });

  it('loads ~/.kube/config and resolves context, namespace and user', () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.kube'), { recursive: true });
    writeFileSync(join(home, '.kube', 'config'), cfg({}));
    const access = new ClusterAccess({ source: () => ({ env: {}, home }) });
    const cur = access.require();
    assert.equal(cur.context, 'ctx1');
    assert.equal(cur.namespace, 'team-a');
    assert.equal(cur.user, 'alice');
    assert.equal(cur.kubeConfig.getCurrentContext(), 'ctx1');
    assert.deepEqual(cur.paths, [join(home, '.kube', 'config')]);
  });

  it('merges KUBECONFIG files first-wins, skipping missing ones, like kubectl', () => {
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    writeFileSync(a, cfg({ current: '' }));
    writeFileSync(
      b,
      cfg({
        clusters:
          '- name: c1\n  cluster: {server: "https://other:1", insecure-skip-tls-verify: true}\n- name: c2\n  cluster: {server: "https://two:2", insecure-skip-tls-verify: true}',
        users: '- name: bob\n  user: {token: t}',
        contexts: '- name: ctx2\n  context: {cluster: c2, user: bob}',
        current: 'current-context: ctx2',
      }),
    );
    const loaded = readKubeconfig({
      env: { KUBECONFIG: [join(dir, 'missing.yaml'), a, b].join(delimiter) },
      home: dir,
    });
    assert.deepEqual(loaded.paths, [a, b]);
    assert.equal(loaded.merged.getCluster('c1')?.server, 'https://127.0.0.1:6443');
    const r = resolveContext(loaded);
    assert.equal(r.context, 'ctx2');
    assert.equal(r.namespace, 'default');
    assert.equal(resolveContext(loaded, { context: 'ctx1', namespace: 'x' }).namespace, 'x');
  });

  it('names the path tried when no kubeconfig exists', () => {
    const setting = join(dir, 'nope.yaml');
    expectError(() => readKubeconfig({ setting }), 'notFound', [setting, 'k8sSandbox.kubeconfig']);
    expectError(() => readKubeconfig({ env: { KUBECONFIG: `${dir}/x${delimiter}${dir}/y` } }), 'notFound', [
      `${dir}/x`,
      `${dir}/y`,
      '$KUBECONFIG',
    ]);
    expectError(() => readKubeconfig({ env: {}, home: dir }), 'notFound', [join(dir, '.kube', 'config')]);
  });

  it('reports malformed YAML and missing fields precisely', () => {
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'clusters: [\n  - name: x\n');
    expectError(() => readKubeconfig({ setting: f }), 'malformed', [f]);
    writeFileSync(f, cfg({ clusters: '- name: c1\n  cluster: {}' }));
    expectError(() => readKubeconfig({ setting: f }), 'malformed', [f, 'clusters[0].cluster.server is missing']);
    writeFileSync(f, '');
    expectError(() => readKubeconfig({ setting: f }), 'malformed', [f, 'empty']);
  });

  it('reports an unknown context, cluster or user and a missing CA file', () => {
    const f = join(dir, 'k.yaml');
    writeFileSync(f, cfg({ current: 'current-context: nope' }));
    expectError(() => resolveContext(readKubeconfig({ setting: f })), 'unknownContext', ['"nope"', 'ctx1', f]);
    writeFileSync(f, cfg({ current: '' }));
    expectError(() => resolveContext(readKubeconfig({ setting: f })), 'noContext', [f]);
    writeFileSync(f, cfg({ contexts: '- name: ctx1\n  context: {cluster: gone, user: alice}' }));
    expectError(() => resolveContext(readKubeconfig({ setting: f })), 'unknownCluster', ['"gone"']);
    writeFileSync(f, cfg({ contexts: '- name: ctx1\n  context: {cluster: c1, user: ghost}' }));
    expectError(() => resolveContext(readKubeconfig({ setting: f })), 'unknownUser', ['"ghost"']);
    writeFileSync(
      f,
      cfg({ clusters: '- name: c1\n  cluster: {server: "https://h:1", certificate-authority: ca/missing.crt}' }),
    );
    expectError(() => resolveContext(readKubeconfig({ setting: f })), 'missingFile', [
      join(dir, 'ca', 'missing.crt'),
      'certificate-authority',
    ]);
    writeFileSync(f, cfg({ clusters: '- name: c1\n  cluster: {server: "http://h:1"}' }));
    expectError(() => resolveContext(readKubeconfig({ setting: f })), 'insecureHttp', ['http://h:1']);
  });

  it('ClusterAccess keeps the error instead of throwing, and recovers on reload; selections fire one change', () => {
    const f = join(dir, 'k.yaml');
    let setting = join(dir, 'missing.yaml');
    const access = new ClusterAccess({ source: () => ({ setting }) });
    const cur = () => access.current; // read afresh (no narrowing across calls)
    assert.equal(cur(), undefined);
    assert.equal(access.error?.reason, 'notFound');
    assert.throws(
      () => access.require(),
      (e: unknown) => KubeconfigError.is(e) && e.reason === 'notFound',
    );
    writeFileSync(
      f,
      cfg({
        contexts:
          '- name: ctx1\n  context: {cluster: c1, user: alice}\n- name: ctx2\n  context: {cluster: c1, user: alice, namespace: n2}',
      }),
    );
    setting = f;
    let fired = 0;
    access.onDidChange(() => fired++);
    access.reload();
    assert.equal(fired, 1);
    assert.equal(cur()?.context, 'ctx1');
    assert.deepEqual(access.contexts(), ['ctx1', 'ctx2']);
    access.useContext('ctx2');
    assert.equal(cur()?.namespace, 'n2');
    access.useNamespace('other');
    assert.equal(cur()?.namespace, 'other');
    assert.equal(access.kubeConfig.getContextObject('ctx2')?.namespace, 'other');
    assert.equal(fired, 3);
    access.useContext('missing');
    assert.equal(access.error?.reason, 'unknownContext');
  });
});

describe('creator id', () => {
  it('is label-safe, stable and distinct for distinct user names', () => {
    const arn = creatorIdOf('arn:aws:iam::123456789012:user/alice');
    assert.ok(isLabelValue(arn), arn);
    assert.match(arn, /^arn-aws-iam-123456789012-user-alice-[0-9a-f]{8}$/);
    assert.match(creatorIdOf('alice@example.com'), /^alice-example.com-[0-9a-f]{8}$/);
    // Names that sanitise alike still differ (the hash is of the original name), label-safe or not.
    const alike = ['a-b', 'a@b', 'a/b', 'a b', 'A-b'].map(creatorIdOf);
    assert.equal(new Set(alike).size, alike.length, alike.join());
    const long = creatorIdOf('x'.repeat(100));
    assert.ok(isLabelValue(long) && long.length <= 63, long);
    assert.equal(creatorIdOf('x'.repeat(100)), long, 'stable');
    assert.notEqual(creatorIdOf('x'.repeat(100)), creatorIdOf('x'.repeat(101)));
    assert.match(creatorIdOf('@@@'), /^u-[0-9a-f]{8}$/);
    assert.ok(isLabelValue(creatorIdOf('system:serviceaccount:evals:runner')));
  });
});
