// scripts/shims/js-yaml.cjs stands in for js-yaml in the shipped bundle (client-node parses kubeconfigs with it).
// Unit tests run on the real js-yaml, so here the shim is compared with js-yaml directly, and a bundle built with
// the shipped aliases reads a kubeconfig end to end.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import aliases from '../../../scripts/shims/aliases.json';

const ROOT = resolve(__dirname, '..', '..', '..');
const load = createRequire(__filename);

interface JsYaml {
  load(input: string, opts?: object): unknown;
  loadAll(input: string, iterator?: unknown, opts?: object): unknown[];
  dump(value: unknown, opts?: object): string;
}
const shim = load(join(ROOT, 'scripts', 'shims', 'js-yaml.cjs')) as JsYaml;
const real = load('js-yaml') as JsYaml;

const kubeconfig = `apiVersion: v1
kind: Config
preferences: {}
clusters:
- name: c1
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: LS0tLS1CRUdJTi==
    insecure-skip-tls-verify: true
    proxy-url: socks5://localhost:1080
users:
- name: alice
  user:
    token: "s3cr3t"
- name: exec-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, "prod"]
      env:
      - {name: AWS_PROFILE, value: dev}
      - name: NUM
        value: "0755"
      interactiveMode: IfAvailable
      provideClusterInfo: false
- name: oidc
  user:
    auth-provider:
      name: oidc
      config:
        expiry: 2024-01-02T03:04:05Z
        idp-issuer-url: https://issuer
contexts:
- name: ctx1
  context: {cluster: c1, user: alice, namespace: team-a}
- &base
  name: ctx2
  context:
    cluster: c1
    user: exec-user
- <<: *base
  name: ctx3
current-context: ctx1
`;

const scalars = `a: yes
b: no
c: on
d: true
e: True
f: ~
g: null
h: NULL
i:
j: 0x1F
k: 0o17
l: 017
m: 1.5e3
n: .inf
o: -.Inf
q: 12:30
r: 2002-12-14
s: "2002-12-14"
t: 1_000
u: '#x'
v: !!str 123
x: [1, 2.0, "3"]
y: |
  multi
  line
z: >-
  folded
  text
`;

describe('js-yaml shim (scripts/shims/js-yaml.cjs)', () => {
  it('load: the same values as js-yaml for a kubeconfig and for YAML 1.2 core scalars, timestamps, merge keys', () => {
    for (const doc of [kubeconfig, scalars, '[]', '{}', 'plain', '---\nk: v\n', '# only a comment\n', '---\n', '']) {
      assert.deepEqual(shim.load(doc), real.load(doc), JSON.stringify(doc));
    }
    // !!binary: the same bytes (a Buffer here, a Uint8Array from js-yaml).
    const bin = (y: JsYaml): unknown => [...(y.load('w: !!binary aGVsbG8=') as { w: Uint8Array }).w];
    assert.deepEqual(bin(shim), bin(real));
    const oidc = (shim.load(kubeconfig) as { users: { user: { 'auth-provider'?: { config: { expiry: unknown } } } }[] })
      .users[2].user['auth-provider']?.config.expiry;
    assert.ok(oidc instanceof Date, 'an unquoted timestamp is a Date, as with js-yaml');
  });

  it('loadAll: every document, with or without an iterator', () => {
    const stream = 'a: 1\n---\nb: [x]\n---\n---\nc: 2002-12-14\n';
    assert.deepEqual(shim.loadAll(stream), real.loadAll(stream));
    for (const s of ['', '\n', '# c\n', '---\n# c\n', 'a: 1\n# c\n---\n# d\n'])
      assert.deepEqual(shim.loadAll(s), real.loadAll(s), JSON.stringify(s));
    const seen: unknown[] = [];
    shim.loadAll(stream, (d: unknown) => seen.push(d));
    assert.deepEqual(seen, real.loadAll(stream));
  });

  it('throws where js-yaml throws: bad syntax, duplicate keys, unknown tags, several documents for load', () => {
    for (const bad of [
      'clusters: [\n  - name: x\n',
      'a: 1\na: 2\n',
      'a: !!nosuchtag x\n',
      'a: 1\n---\nb: 2\n',
      'a: *nope\n',
      'a: "unterminated\n',
    ]) {
      assert.throws(() => real.load(bad), `js-yaml accepts ${JSON.stringify(bad)}`);
      assert.throws(() => shim.load(bad), `the shim accepts ${JSON.stringify(bad)}`);
    }
    try {
      shim.load('a: 1\nb: [\n');
    } catch (e) {
      assert.match((e as Error).message.split('\n')[0], /line \d+/, 'the first line of the message names the line');
    }
  });

  it('dump: YAML that js-yaml reads back to the same value', () => {
    const value = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { a: 'yes', b: '0755' } },
      n: [1, 'x'],
    };
    const text = shim.dump(value);
    assert.deepEqual(real.load(text), value);
    assert.deepEqual(real.load(shim.dump(value, { sortKeys: true, indent: 4, noRefs: true, lineWidth: -1 })), value);
  });

  it('the bundle as shipped (aliases of scripts/build.mjs) reads and resolves a kubeconfig', async function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'yaml-shim-'));
    try {
      const out = join(dir, 'kc.js');
      await build({
        stdin: {
          contents: `export { readKubeconfig, resolveContext } from './src/core/kube/kubeconfig';`,
          resolveDir: ROOT,
          loader: 'ts',
        },
        outfile: out,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        alias: aliases,
        absWorkingDir: ROOT,
        metafile: true,
        logLevel: 'silent',
      }).then((r) => {
        const inputs = Object.keys(r.metafile.inputs);
        assert.ok(
          inputs.some((f) => f.endsWith('scripts/shims/js-yaml.cjs')),
          'the shim is bundled',
        );
        assert.ok(!inputs.some((f) => f.includes('node_modules/js-yaml/')), 'js-yaml is not');
      });
      const kc = load(out) as typeof import('../../../src/core/kube/kubeconfig');
      const file = join(dir, 'config');
      writeFileSync(file, kubeconfig.replace('    proxy-url: socks5://localhost:1080\n', ''));
      const loaded = kc.readKubeconfig({ setting: file });
      assert.equal(loaded.merged.getCluster('c1')?.server, 'https://127.0.0.1:6443');
      assert.deepEqual(
        loaded.merged.contexts.map((c) => [c.name, c.user]),
        [
          ['ctx1', 'alice'],
          ['ctx2', 'exec-user'],
          ['ctx3', 'exec-user'],
        ],
      );
      assert.equal(loaded.merged.getUser('exec-user')?.exec?.env?.[1]?.value, '0755');
      const r = kc.resolveContext(loaded);
      assert.equal(r.context, 'ctx1');
      assert.equal(r.namespace, 'team-a');
      writeFileSync(file, 'clusters: [\n  - name: x\n');
      assert.throws(() => kc.readKubeconfig({ setting: file }), /is not valid: .*line/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
