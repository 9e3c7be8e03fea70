// @kubernetes/client-node 1.x against the sim: typed list/create, raw watch, and an informer that recovers after
// dropped watches and after 410 Expired.
import * as k8s from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { startCluster, type SimCluster } from './cluster';
import { kubectlBinary } from '../support/tools';
import { eventually, run, ToolHome } from './testing/run';

const pod = (name: string, labels: Record<string, string> = { app: 'cn' }): k8s.V1Pod => ({
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', 'infinity'] }] },
});

describe('sim: client-node', function () {
  this.timeout(30_000);
  let cluster: SimCluster;
  let home: ToolHome;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  const ns = 'cn';
  const stops: Array<() => void> = [];

  before(async () => {
    cluster = await startCluster();
    home = new ToolHome();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.writeKubeconfig(home.path('kubeconfig')));
    core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
  });
  after(async () => {
    for (const s of stops) s();
    await cluster?.stop();
    home?.cleanup();
  });

  it('creates and lists pods with label and field selectors, paging with limit/continue', async () => {
    for (const n of ['a', 'b', 'c'])
      await core.createNamespacedPod({ namespace: ns, body: pod(`list-${n}`, { app: 'list', tier: n }) });
    const sel = await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=list,tier in (a,c)' });
    assert.deepEqual(
      sel.items.map((p) => p.metadata!.name),
      ['list-a', 'list-c'],
    );
    const notB = await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=list,tier notin (b),!missing' });
    assert.equal(notB.items.length, 2);
    const byName = await core.listPodForAllNamespaces({ fieldSelector: 'metadata.name=list-b' });
    assert.deepEqual(
      byName.items.map((p) => p.metadata!.namespace),
      [ns],
    );
    const page1 = await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=list', limit: 2 });
    assert.equal(page1.items.length, 2);
    assert.ok(page1.metadata!._continue);
    const page2 = await core.listNamespacedPod({
      namespace: ns,
      labelSelector: 'app=list',
      limit: 2,
      _continue: page1.metadata!._continue,
    });
    assert.deepEqual(
      page2.items.map((p) => p.metadata!.name),
      ['list-c'],
    );
    await assert.rejects(
      core.createNamespacedPod({ namespace: ns, body: pod('list-a') }),
      (e: k8s.ApiException<string>) => {
        assert.equal(e.code, 409);
        assert.equal(JSON.parse(e.body).reason, 'AlreadyExists');
        return true;
      },
    );
  });

  it('watch streams ADDED and MODIFIED events in order', async () => {
    const seen: string[] = [];
    const w = new k8s.Watch(kc);
    const rv = (await core.listNamespacedPod({ namespace: ns })).metadata!.resourceVersion;
    const req = await w.watch(
      `/api/v1/namespaces/${ns}/pods`,
      { resourceVersion: rv },
      (type, obj: k8s.V1Pod) => seen.push(`${type} ${obj.metadata!.name} ${obj.status?.phase ?? ''}`),
      () => undefined,
    );
    stops.push(() => req.abort());
    await core.createNamespacedPod({ namespace: ns, body: pod('watched') });
    await eventually(() => seen.some((s) => s === 'MODIFIED watched Running'), `Running event (${seen.join('; ')})`);
    assert.equal(seen.filter((s) => s.includes(' watched '))[0], 'ADDED watched Pending');
    req.abort();
  });

  it('an informer recovers after dropped watches and after 410 Expired', async () => {
    let lists = 0;
    const informer = k8s.makeInformer(
      kc,
      `/api/v1/namespaces/${ns}/pods`,
      () => (lists++, core.listNamespacedPod({ namespace: ns, labelSelector: 'app=inf' })),
      'app=inf',
    );
    const added = new Set<string>();
    const errors: unknown[] = [];
    informer.on('add', (p) => added.add(p.metadata!.name!));
    informer.on('error', (e) => errors.push(e));
    await informer.start();
    stops.push(() => void informer.stop());
    await core.createNamespacedPod({ namespace: ns, body: pod('inf-1', { app: 'inf' }) });
    await eventually(() => added.has('inf-1'), 'inf-1 added');

    cluster.faults.dropWatches();
    await core.createNamespacedPod({ namespace: ns, body: pod('inf-2', { app: 'inf' }) });
    await eventually(() => added.has('inf-2'), 'inf-2 after a dropped watch');
    assert.equal(lists, 1, 'a clean drop re-watches without a re-list');

    // The watch drops, a change the client has not seen lands, then history is compacted, all in one tick (the
    // client cannot reconnect in between, and its resourceVersion is not the current one): 410, and it re-lists.
    cluster.faults.dropWatches();
    cluster.store.create(cluster.resources.configmaps, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'unseen', namespace: ns },
    });
    cluster.faults.expireResourceVersions();
    await core.createNamespacedPod({ namespace: ns, body: pod('inf-3', { app: 'inf' }) });
    await eventually(() => added.has('inf-3'), 'inf-3 after 410');
    assert.ok(lists >= 2, 'the 410 made the informer re-list');
    assert.deepEqual(
      informer
        .list()
        .map((p) => p.metadata!.name)
        .sort(),
      ['inf-1', 'inf-2', 'inf-3'],
    );
    assert.deepEqual(errors, []);
    await informer.stop();
  });
});

describe('sim: plain HTTP mode', function () {
  this.timeout(30_000);
  let cluster: SimCluster;
  let home: ToolHome;

  before(async () => {
    cluster = await startCluster({ tls: false });
    home = new ToolHome();
  });
  after(async () => {
    await cluster?.stop();
    home?.cleanup();
  });

  it('client-node and kubectl work against http:// with the generated kubeconfig', async () => {
    assert.match(cluster.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const file = cluster.writeKubeconfig(home.path('kubeconfig'));
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(file);
    const pods = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: 'kube-system' });
    assert.ok(pods.items.some((p) => p.metadata!.labels?.['k8s-app'] === 'cilium'));
    const r = await run(kubectlBinary('1.35.2'), ['get', 'nodes', '-o', 'name'], home.env(file));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['node/sim-node-1', 'node/sim-node-2']);
  });
});
