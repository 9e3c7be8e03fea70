// The watch owner against the simulated cluster's faults: dropped watches, 410, a stopped server, 5xx, 401, 403.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { KubeObject } from '../../sim/store';
import type { MessageNode } from '../../../src/core/sandbox/nodes';
import { releaseSecret } from '../sandbox/fixtures';
import { SimEnv, openStack, waitFor, type Stack } from '../sandbox/harness';

/** A sandbox made directly in the store (helm is not the point here): its release record and a StatefulSet. */
function seed(env: SimEnv, name: string, namespace = 'default'): void {
  const { store, resources } = env.cluster;
  if (!store.get(resources.namespaces, undefined, namespace)) {
    store.create(resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  }
  store.create(
    resources.secrets,
    releaseSecret({ name, namespace, labels: { inspectSandbox: 'true' } }) as unknown as KubeObject,
  );
  const labels = { 'app.kubernetes.io/instance': name, 'inspect/service': 'default' };
  store.create(resources.statefulsets, {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: `${name}-default`, namespace, labels },
    spec: {
      replicas: 1,
      serviceName: `${name}-default`,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: 'default', image: 'busybox', resources: { limits: { cpu: '100m', memory: '64Mi' } } }],
        },
      },
    },
  });
}

/** A StatefulSet whose pods name a RuntimeClass the cluster lacks: admission rejects them (FailedCreate). */
function seedMissingRuntimeClass(env: SimEnv, name: string, runtimeClassName: string): void {
  seed(env, name);
  const { store, resources } = env.cluster;
  const sts = store.get(resources.statefulsets, 'default', `${name}-default`)!;
  (sts.spec as { template: { spec: Record<string, unknown> } }).template.spec.runtimeClassName = runtimeClassName;
  store.update(resources.statefulsets, sts);
}

function unseed(env: SimEnv, name: string, namespace = 'default'): void {
  const { store, resources } = env.cluster;
  store.delete(resources.secrets, namespace, `sh.helm.release.v1.${name}.v1`);
}

const messages = (s: Stack): MessageNode[] => s.model.children().filter((n): n is MessageNode => n.kind === 'message');
const names = (s: Stack): string[] => s.model.releases.map((r) => `${r.namespace}/${r.name}`);

describe('watch owner on the simulated cluster', function () {
  this.timeout(60_000);
  const env = new SimEnv();
  const stacks: Stack[] = [];
  const open = (kubeconfig: string): Stack => {
    const s = openStack(kubeconfig);
    stacks.push(s);
    s.model.start();
    return s;
  };

  before(async () => {
    await env.start();
    seed(env, 'alpha');
    seed(env, 'beta', 'other');
  });
  afterEach(() => {
    for (const s of stacks.splice(0)) s.dispose();
  });
  after(() => env.stop());

  it('starts lazily, then lists cluster-wide; groups by task, or by namespace in the flat list', async () => {
    const s = openStack(env.kubeconfig());
    stacks.push(s);
    assert.equal(s.hub.state.phase, 'idle');
    assert.equal(s.hub.isStarted, false);
    s.model.start();
    await waitFor(s.model, 'both releases', () => s.model.state.phase === 'ready' && s.model.releases.length === 2);
    assert.deepEqual(names(s), ['default/alpha', 'other/beta']);
    // No inspectTaskName: both under one "Installed here" group of their chart.
    const [here, ...rest] = s.model.children();
    assert.deepEqual([here.kind, rest.length], ['task', 0]);
    assert.deepEqual(
      s.model.children(here).map((n) => n.kind === 'release' && n.release),
      ['alpha', 'beta'],
    );
    s.model.setGrouping('namespaces');
    assert.deepEqual(
      s.model.children().map((n) => n.kind),
      ['namespace', 'namespace'],
    );
    const [ns] = s.model.children();
    assert.deepEqual(
      s.model.children(ns).map((n) => n.kind === 'release' && n.release),
      ['alpha'],
    );
  });

  it('lists in pages and keeps release Secrets compact (metadata and decoded release, no payload)', async () => {
    const many = Array.from({ length: 120 }, (_, i) => `page${String(i).padStart(3, '0')}`);
    for (const n of many) seed(env, n, 'paged');
    try {
      const s = open(env.kubeconfig());
      const want = ['default/alpha', 'other/beta', ...many.map((n) => `paged/${n}`)].sort();
      await waitFor(
        s.model,
        'every release across several secret pages',
        () => s.model.state.phase === 'ready' && s.model.releases.length === want.length,
      );
      assert.deepEqual(names(s).sort(), want);
      const secrets = s.hub.list('secrets');
      assert.equal(secrets.length, want.length);
      assert.ok(
        secrets.every((x) => (x as { data?: unknown }).data === undefined && x.metadata?.resourceVersion),
        'cached without data, with metadata',
      );
      // A watched change arrives compacted too, and the model still reads it.
      const { store, resources } = env.cluster;
      const sec = store.get(resources.secrets, 'paged', 'sh.helm.release.v1.page007.v1')!;
      sec.metadata.labels = { ...sec.metadata.labels, status: 'failed' };
      const fresh = releaseSecret({ name: 'page007', namespace: 'paged', status: 'failed' }) as {
        data: Record<string, string>;
      };
      sec.data = fresh.data;
      store.update(resources.secrets, sec);
      await waitFor(
        s.model,
        'the failed status from a watch event',
        () => s.model.release('paged', 'page007')?.status === 'failed',
      );
      assert.ok(s.hub.list('secrets').every((x) => (x as { data?: unknown }).data === undefined));
    } finally {
      for (const n of many) unseed(env, n, 'paged');
    }
  });

  it('recovers after dropped watches (clean and abrupt)', async () => {
    const s = open(env.kubeconfig());
    await waitFor(s.model, 'ready', () => s.model.state.phase === 'ready' && s.model.releases.length === 2);
    env.cluster.faults.dropWatches();
    seed(env, 'gamma');
    await waitFor(s.model, 'gamma after a clean drop', () => names(s).includes('default/gamma'));
    env.cluster.faults.dropWatches({ abrupt: true });
    unseed(env, 'gamma');
    await waitFor(
      s.model,
      'gamma gone after an abrupt drop',
      () => s.model.state.phase === 'ready' && !names(s).includes('default/gamma'),
    );
  });

  it('re-lists after 410 Expired and shows changes made while the server was down; unreachable in between', async () => {
    const s = open(env.kubeconfig());
    await waitFor(s.model, 'ready', () => s.model.state.phase === 'ready' && s.model.releases.length === 2);
    await env.cluster.faults.stopListening();
    const down = await waitFor(s.model, 'unreachable', () => messages(s).find((m) => m.id === 'unreachable'));
    assert.equal(down.action, 'retry');
    assert.equal(down.severity, 'error');
    assert.ok(down.detail, 'says why');
    // Changes the client cannot see, and history it cannot resume from: only a re-list shows them.
    unseed(env, 'beta', 'other');
    seed(env, 'delta');
    env.cluster.faults.expireResourceVersions();
    await env.cluster.faults.startListening();
    await waitFor(
      s.model,
      'recovered with the new state',
      () => s.model.state.phase === 'ready' && names(s).join() === 'default/alpha,default/delta',
    );
    assert.deepEqual(messages(s), []);
  });

  it('keeps retrying with backoff through server errors', async () => {
    env.cluster.faults.failNext(6, 503);
    const s = open(env.kubeconfig());
    await waitFor(s.model, 'ready after 503s', () => s.model.state.phase === 'ready' && s.model.releases.length === 2);
  });

  it('falls back to the selected namespace when listing across namespaces is forbidden, and says so', async () => {
    const s = open(env.kubeconfig('restricted'));
    await waitFor(
      s.model,
      'namespace view',
      () => s.model.state.phase === 'ready' && s.model.state.fallback !== undefined,
    );
    assert.deepEqual(names(s), ['default/alpha', 'default/delta']);
    const note = messages(s).find((m) => m.id === 'fallback');
    assert.ok(note, 'a fallback item');
    assert.match(note.message, /namespace default only/);
    assert.equal(note.action, 'selectNamespace');
    assert.match(note.detail ?? '', /forbidden/);
  });

  it('without RuntimeClass access, still flags a missing RuntimeClass from FailedCreate events', async () => {
    seedMissingRuntimeClass(env, 'nokata', 'kata');
    const s = open(env.kubeconfig('restricted'));
    const r = await waitFor(s.model, 'missing kata', () =>
      s.model.releases.find((x) => x.name === 'nokata' && x.missingRuntimeClasses.includes('kata')),
    );
    assert.deepEqual(
      s.model.state.unavailable,
      ['runtimeclasses'],
      'cluster-scoped RuntimeClasses are forbidden for this user',
    );
    assert.match(r.failedCreates[0] ?? '', /RuntimeClass "kata" not found/);
    assert.equal(r.readyPods, 0);
    unseed(env, 'nokata');
  });

  it('reports forbidden for a namespace the user cannot read, and recovers on Select Namespace', async () => {
    const s = open(env.kubeconfig('restricted', 'other'));
    const item = await waitFor(s.model, 'forbidden', () => messages(s).find((m) => m.id === 'forbidden'));
    assert.equal(s.model.state.phase, 'forbidden');
    assert.equal(item.action, 'selectNamespace');
    s.access.useNamespace('default');
    await waitFor(
      s.model,
      'default namespace',
      () => s.model.state.phase === 'ready' && names(s).includes('default/alpha'),
    );
  });

  it('reports rejected credentials (401) with a hint to sign in again', async () => {
    const file = env.kubeconfig();
    const bad = join(env.dir, 'kc-bad-token.yaml');
    writeFileSync(bad, readFileSync(file, 'utf8').replace(env.cluster.tokens.admin, 'not-a-valid-token'));
    const s = open(bad);
    const item = await waitFor(s.model, 'unauthorized', () => messages(s).find((m) => m.id === 'unauthorized'));
    assert.equal(s.model.state.phase, 'unauthorized');
    assert.match(item.message, /sign in again/);
    assert.equal(item.action, 'retry');
    assert.ok(!JSON.stringify(s.model.state).includes(env.cluster.tokens.admin));
  });

  /** The admin kubeconfig with its token replaced by an exec credential plugin (node printing an ExecCredential). */
  function execKubeconfig(file: string, script: string): string {
    const kc = parse(readFileSync(env.kubeconfig(), 'utf8')) as {
      users: Array<{ name: string; user: Record<string, unknown> }>;
    };
    kc.users[0].user = {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: process.execPath,
        args: ['-e', script],
        interactiveMode: 'Never',
      },
    };
    writeFileSync(join(env.dir, file), stringify(kc));
    return join(env.dir, file);
  }

  it('gets credentials from an exec plugin', async () => {
    const cred = {
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: env.cluster.tokens.admin },
    };
    const s = open(execKubeconfig('kc-exec.yaml', `console.log(${JSON.stringify(JSON.stringify(cred))})`));
    await waitFor(
      s.model,
      'ready through the plugin',
      () => s.model.state.phase === 'ready' && s.model.releases.length > 0,
      // client-node starts the plugin (a node process) for each kind's list and watch: seconds on a loaded machine.
      30_000,
    );
  });

  it('reports a failing credential plugin as a sign-in problem, not an unreachable cluster', async () => {
    const s = open(
      execKubeconfig('kc-exec-fail.yaml', 'console.error("token expired: run my-login"); process.exit(1)'),
    );
    const item = await waitFor(s.model, 'unauthorized', () => messages(s).find((m) => m.id === 'unauthorized'));
    assert.match(item.detail ?? '', /Getting credentials for user "sim-admin" failed: token expired: run my-login/);
  });

  it('shows a missing kubeconfig as one item, and Retry loads it once it exists', async () => {
    const file = join(env.dir, 'later.yaml');
    const s = open(file);
    const item = await waitFor(s.model, 'the kubeconfig error', () => messages(s).find((m) => m.id === 'noConfig'));
    assert.ok(item.message.includes(file), item.message);
    assert.equal(item.action, 'retry');
    env.cluster.writeKubeconfig(file);
    s.model.retry();
    await waitFor(s.model, 'ready after retry', () => s.model.state.phase === 'ready' && s.model.releases.length > 0);
  });
});
