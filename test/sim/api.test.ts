// API-level behaviour of the sim over real HTTPS: auth, discovery, OpenAPI, verbs and their errors, patches,
// server-side apply, watch semantics, fault injection.
import assert from 'node:assert/strict';
import { startCluster, type SimCluster } from './cluster';
import { request, watchEvents } from './testing/http';
import { eventually } from './testing/run';

const cm = (name: string, data: Record<string, string> = {}, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data,
});

describe('sim: API server', function () {
  this.timeout(20_000);
  let c: SimCluster;
  const base = '/api/v1/namespaces/default';

  before(async () => (c = await startCluster({ restrictedNamespace: 'team' })));
  after(async () => c?.stop());

  it('authenticates: 401 for a wrong token, 403 Status for the restricted user, anonymous only /version', async () => {
    const bad = await request(c, 'GET', '/api/v1/pods', { token: 'nope' });
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
    const forbidden = await request(c, 'GET', '/api/v1/pods', { token: c.tokens.restricted });
    assert.equal(forbidden.status, 403);
    assert.deepEqual(forbidden.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'pods is forbidden: User "sim-restricted" cannot list resource "pods" in API group "" at the cluster scope',
      reason: 'Forbidden',
      details: { group: '', kind: 'pods' },
      code: 403,
    });
    assert.equal((await request(c, 'GET', '/api/v1/namespaces/team/pods', { token: c.tokens.restricted })).status, 200);
    assert.equal((await request(c, 'GET', '/version', { token: null })).status, 200);
    assert.equal((await request(c, 'GET', '/api/v1/pods', { token: null })).status, 403);
  });

  it('serves aggregated discovery when asked, legacy lists otherwise, and OpenAPI v3 per group-version', async () => {
    const agg = await request(c, 'GET', '/apis', {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
    });
    assert.equal(agg.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const apps = agg.json().items.find((g: { metadata: { name: string } }) => g.metadata.name === 'apps');
    assert.ok(
      apps.versions[0].resources.some(
        (r: { resource: string; responseKind: { kind: string } }) =>
          r.resource === 'statefulsets' && r.responseKind.kind === 'StatefulSet',
      ),
    );
    const legacy = await request(c, 'GET', '/api/v1');
    const names = legacy.json().resources.map((r: { name: string }) => r.name);
    assert.ok(names.indexOf('pods') < names.indexOf('pods/status') && names.includes('pods/exec'));
    const root = (await request(c, 'GET', '/openapi/v3')).json();
    const cilium = root.paths['apis/cilium.io/v2'].serverRelativeURL as string;
    const doc = (await request(c, 'GET', cilium)).json();
    const op = Object.values(
      doc.paths as Record<
        string,
        { patch: { 'x-kubernetes-group-version-kind': { kind: string }; parameters: Array<{ name: string }> } }
      >,
    ).find((p) => p.patch['x-kubernetes-group-version-kind'].kind === 'CiliumNetworkPolicy');
    assert.ok(op?.patch.parameters.some((p) => p.name === 'fieldValidation'));
  });

  it('create 409 AlreadyExists, update 409 Conflict on a stale resourceVersion, 404 NotFound bodies', async () => {
    const created = (await request(c, 'POST', `${base}/configmaps`, { body: cm('a', { x: '1' }) })).json();
    const dup = await request(c, 'POST', `${base}/configmaps`, { body: cm('a') });
    assert.equal(dup.status, 409);
    assert.equal(dup.json().reason, 'AlreadyExists');
    assert.equal(dup.json().message, 'configmaps "a" already exists');
    const ok = await request(c, 'PUT', `${base}/configmaps/a`, { body: { ...created, data: { x: '2' } } });
    assert.equal(ok.status, 200);
    const stale = await request(c, 'PUT', `${base}/configmaps/a`, { body: { ...created, data: { x: '3' } } });
    assert.equal(stale.status, 409);
    assert.equal(stale.json().reason, 'Conflict');
    const missing = await request(c, 'GET', '/apis/apps/v1/namespaces/default/statefulsets/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.json().message, 'statefulsets.apps "nope" not found');
  });

  it('patches: strategic merge by list key, JSON patch, merge patch', async () => {
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'p' },
      spec: {
        selector: { matchLabels: { a: 'p' } },
        template: {
          metadata: { labels: { a: 'p' } },
          spec: {
            containers: [
              { name: 'one', image: 'x:1' },
              { name: 'two', image: 'y:1', env: [{ name: 'A', value: '1' }] },
            ],
          },
        },
      },
    };
    assert.equal((await request(c, 'POST', '/apis/apps/v1/namespaces/default/deployments', { body: dep })).status, 201);
    const smp = await request(c, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/p', {
      contentType: 'application/strategic-merge-patch+json',
      body: {
        spec: {
          template: {
            spec: {
              containers: [
                { name: 'two', env: [{ name: 'B', value: '2' }] },
                { name: 'one', $patch: 'delete' },
              ],
            },
          },
        },
      },
    });
    assert.equal(smp.status, 200, smp.text);
    const containers = smp.json().spec.template.spec.containers;
    assert.deepEqual(
      containers.map((x: { name: string; image: string; env: unknown[] }) => [x.name, x.image, x.env.length]),
      [['two', 'y:1', 2]],
    );
    assert.equal(smp.json().metadata.generation, 2);
    const jp = await request(c, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/p', {
      contentType: 'application/json-patch+json',
      body: [
        { op: 'replace', path: '/spec/replicas', value: 3 },
        { op: 'add', path: '/metadata/labels', value: { k: 'v' } },
      ],
    });
    assert.equal(jp.json().spec.replicas, 3);
    const mp = await request(c, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/p', {
      contentType: 'application/merge-patch+json',
      body: { metadata: { labels: { k: null, m: 'n' } } },
    });
    assert.deepEqual(mp.json().metadata.labels, { m: 'n' });
    const cnp = await request(c, 'PATCH', '/apis/cilium.io/v2/namespaces/default/ciliumnetworkpolicies/x', {
      contentType: 'application/strategic-merge-patch+json',
      body: {},
    });
    assert.equal(cnp.status, 415);
  });

  it('server-side apply creates, updates, and drops the fields a manager stopped applying', async () => {
    const url = `${base}/configmaps/ssa?fieldManager=helm&fieldValidation=Strict&force=false`;
    const first = await request(c, 'PATCH', url, {
      contentType: 'application/apply-patch+yaml',
      body: cm('ssa', { a: '1', b: '2' }, { keep: 'y' }),
    });
    assert.equal(first.status, 201);
    const second = await request(c, 'PATCH', url, {
      contentType: 'application/apply-patch+yaml',
      body: cm('ssa', { a: '9' }, { keep: 'y' }),
    });
    assert.equal(second.status, 200);
    assert.deepEqual(second.json().data, { a: '9' });
    assert.equal(second.json().metadata.uid, first.json().metadata.uid);
  });

  it('lists with set-based selectors, field selectors and limit/continue', async () => {
    for (const [n, tier] of [
      ['l1', 'a'],
      ['l2', 'b'],
      ['l3', 'c'],
    ])
      await request(c, 'POST', `${base}/configmaps`, { body: cm(n, {}, { grp: 'l', tier }) });
    const sel = (
      await request(c, 'GET', `${base}/configmaps?labelSelector=${encodeURIComponent('grp=l,tier notin (b)')}`)
    ).json();
    assert.deepEqual(
      sel.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ['l1', 'l3'],
    );
    const field = (
      await request(
        c,
        'GET',
        `/api/v1/configmaps?fieldSelector=${encodeURIComponent('metadata.name=l2,metadata.namespace=default')}`,
      )
    ).json();
    assert.deepEqual(
      field.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ['l2'],
    );
    const p1 = (await request(c, 'GET', `${base}/configmaps?labelSelector=grp%3Dl&limit=2`)).json();
    assert.equal(p1.metadata.remainingItemCount, 1);
    const p2 = (
      await request(c, 'GET', `${base}/configmaps?labelSelector=grp%3Dl&limit=2&continue=${p1.metadata.continue}`)
    ).json();
    assert.deepEqual(
      p2.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ['l3'],
    );
    const gone = await request(
      c,
      'DELETE',
      `${base}/configmaps?labelSelector=${encodeURIComponent('grp=l,tier in (a,b)')}`,
    );
    assert.deepEqual(
      gone.json().items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ['l1', 'l2'],
    );
    assert.deepEqual(
      (await request(c, 'GET', `${base}/configmaps?labelSelector=grp%3Dl`))
        .json()
        .items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ['l3'],
    );
  });

  it('lists each object as stored now: a write shows in the next list, and what a client got never changes', async () => {
    await request(c, 'POST', `${base}/configmaps`, { body: cm('iso', { v: '1' }, { grp: 'iso' }) });
    const list = async () => (await request(c, 'GET', `${base}/configmaps?labelSelector=grp%3Diso`)).json();
    const first = await list();
    assert.equal(first.items[0].data.v, '1');
    first.items[0].data.v = 'changed by the client';
    assert.equal((await list()).items[0].data.v, '1', 'a client changing its copy changes nothing on the server');
    const stored = c.store.get(c.resources.configmaps, 'default', 'iso')!;
    (stored.data as Record<string, string>).v = 'changed on a copy from get';
    assert.equal((await list()).items[0].data.v, '1', 'store.get hands out copies');
    await request(c, 'PATCH', `${base}/configmaps/iso`, {
      body: { data: { v: '2' } },
      contentType: 'application/merge-patch+json',
    });
    const before = c.store.resourceVersion;
    const after = await list();
    const latest = c.store.resourceVersion;
    assert.equal(after.items[0].data.v, '2');
    assert.notEqual(after.items[0].metadata.resourceVersion, first.items[0].metadata.resourceVersion);
    // The list is as of its read: the cluster's controllers (node leases, events) may write while it is answered.
    const listRV = Number(after.metadata.resourceVersion);
    assert.ok(listRV >= before && listRV <= latest, `list RV ${listRV} outside [${before}, ${latest}]`);
  });

  it('watch: initial events end with the initial-events-end bookmark; an expired resourceVersion gets 410', async () => {
    for (const n of ['w1', 'w2']) await request(c, 'POST', `${base}/configmaps`, { body: cm(n, {}, { grp: 'w' }) });
    const ev = await watchEvents(
      c,
      `${base}/configmaps?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&labelSelector=grp%3Dw`,
      (e) => e.some((x) => x.type === 'BOOKMARK'),
    );
    assert.deepEqual(
      ev.map((e) => e.type),
      ['ADDED', 'ADDED', 'BOOKMARK'],
    );
    assert.equal(ev[2].object.metadata.annotations['k8s.io/initial-events-end'], 'true');
    assert.equal(ev[2].object.kind, 'ConfigMap');
    const rv = (await request(c, 'GET', `${base}/configmaps`)).json().metadata.resourceVersion;
    await request(c, 'POST', `${base}/configmaps`, { body: cm('w3', {}, { grp: 'w' }) });
    c.faults.expireResourceVersions();
    const gone = await watchEvents(c, `${base}/configmaps?watch=true&resourceVersion=${rv}`, (e) => e.length > 0);
    assert.equal(gone[0].type, 'ERROR');
    assert.equal(gone[0].object.code, 410);
    assert.equal(gone[0].object.reason, 'Expired');
    // The current RV (a fresh list's) stays watchable: the next write arrives (from the log if it came first), no 410.
    const now = (await request(c, 'GET', `${base}/configmaps`)).json().metadata.resourceVersion;
    const live = watchEvents(c, `${base}/configmaps?watch=true&resourceVersion=${now}`, (e) => e.length > 0);
    await request(c, 'POST', `${base}/configmaps`, { body: cm('w4', {}, { grp: 'w' }) });
    const after = await live;
    assert.equal(after[0].type, 'ADDED');
    assert.equal(after[0].object.metadata.name, 'w4');
  });

  it('admission: RuntimeClass not found is 403; QoS, defaults, ClusterIP and PVC binding are applied', async () => {
    const bad = await request(c, 'POST', `${base}/pods`, {
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'rc' },
        spec: { runtimeClassName: 'kata', containers: [{ name: 'c', image: 'x' }] },
      },
    });
    assert.equal(bad.status, 403);
    assert.equal(bad.json().message, 'pods "rc" is forbidden: pod rejected: RuntimeClass "kata" not found');
    const burst = await request(c, 'POST', `${base}/pods`, {
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'q' },
        spec: { containers: [{ name: 'c', image: 'x:1', resources: { limits: { memory: '64Mi' } } }] },
      },
    });
    const p = burst.json();
    assert.equal(p.status.qosClass, 'Burstable');
    assert.equal(p.spec.terminationGracePeriodSeconds, 30);
    assert.deepEqual(p.spec.containers[0].resources.requests, { memory: '64Mi' });
    assert.equal(p.spec.activeDeadlineSeconds, undefined);
    const svc = (
      await request(c, 'POST', `${base}/services`, {
        body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } },
      })
    ).json();
    assert.match(svc.spec.clusterIP, /^10\.96\./);
    await request(c, 'POST', `${base}/persistentvolumeclaims`, {
      body: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'v' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    });
    await eventually(
      async () => (await request(c, 'GET', `${base}/persistentvolumeclaims/v`)).json().status.phase === 'Bound',
      'PVC Bound',
    );
  });

  it('deletion: graceful pods, foreground propagation, ownerReference garbage collection, namespaces', async () => {
    await request(c, 'POST', '/api/v1/namespaces', {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gc' } },
    });
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        replicas: 2,
        serviceName: 'db',
        selector: { matchLabels: { a: 'db' } },
        template: { metadata: { labels: { a: 'db' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } },
      },
    };
    await request(c, 'POST', '/apis/apps/v1/namespaces/gc/statefulsets', { body: sts });
    await eventually(
      async () =>
        (await request(c, 'GET', '/apis/apps/v1/namespaces/gc/statefulsets/db')).json().status?.readyReplicas === 2,
      'StatefulSet ready',
    );
    const pod = (await request(c, 'GET', '/api/v1/namespaces/gc/pods/db-0')).json();
    assert.equal(pod.metadata.ownerReferences[0].kind, 'StatefulSet');
    const del = await request(c, 'DELETE', '/apis/apps/v1/namespaces/gc/statefulsets/db', {
      body: { propagationPolicy: 'Foreground' },
    });
    assert.equal(del.status, 200);
    assert.ok(del.json().metadata.deletionTimestamp);
    assert.deepEqual(del.json().metadata.finalizers, ['foregroundDeletion']);
    await eventually(
      async () => (await request(c, 'GET', '/apis/apps/v1/namespaces/gc/statefulsets/db')).status === 404,
      'owner gone after its pods',
    );
    assert.equal((await request(c, 'GET', '/api/v1/namespaces/gc/pods')).json().items.length, 0);
    const ns = await request(c, 'DELETE', '/api/v1/namespaces/gc');
    assert.equal(ns.json().status.phase, 'Terminating');
    await eventually(
      async () => (await request(c, 'GET', '/api/v1/namespaces/gc')).status === 404,
      'namespace removed',
    );
  });

  it('controllers replace evicted and deleted pods; Deployments report what helm --wait reads', async () => {
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web' },
      spec: {
        serviceName: 'web',
        selector: { matchLabels: { a: 'web' } },
        template: {
          metadata: { labels: { a: 'web' } },
          spec: { containers: [{ name: 'c', image: 'x:1', command: ['sleep', 'infinity'] }] },
        },
      },
    };
    await request(c, 'POST', '/apis/apps/v1/namespaces/default/statefulsets', { body: sts });
    const ready = async (): Promise<string> =>
      eventually(async () => {
        const p = (await request(c, 'GET', `${base}/pods/web-0`)).json();
        return p.status?.conditions?.some(
          (x: { type: string; status: string }) => x.type === 'Ready' && x.status === 'True',
        ) && !p.metadata.deletionTimestamp
          ? (p.metadata.uid as string)
          : '';
      }, 'web-0 ready');
    const first = await ready();
    (c.kubelet.faults as { evict(ns: string, pod: string): void }).evict('default', 'web-0');
    const second = await eventually(async () => {
      const uid = await ready();
      return uid !== first ? uid : '';
    }, 'a new web-0 after eviction');
    await request(c, 'DELETE', `${base}/pods/web-0`);
    await eventually(async () => {
      const uid = await ready();
      return uid !== second;
    }, 'a new web-0 after delete');
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { a: 'd' } },
        template: {
          metadata: { labels: { a: 'd' } },
          spec: { containers: [{ name: 'c', image: 'x:1', command: ['sleep', 'infinity'] }] },
        },
      },
    };
    await request(c, 'POST', '/apis/apps/v1/namespaces/default/deployments', { body: dep });
    const d = await eventually(async () => {
      const o = (await request(c, 'GET', '/apis/apps/v1/namespaces/default/deployments/d')).json();
      return o.status?.readyReplicas === 2 ? o : undefined;
    }, 'deployment ready');
    assert.equal(d.status.observedGeneration, d.metadata.generation);
    assert.deepEqual(
      d.status.conditions.map((x: { type: string; reason: string }) => [x.type, x.reason]),
      [
        ['Available', 'MinimumReplicasAvailable'],
        ['Progressing', 'NewReplicaSetAvailable'],
      ],
    );
    const rs = (await request(c, 'GET', '/apis/apps/v1/namespaces/default/replicasets?labelSelector=a%3Dd')).json()
      .items;
    assert.equal(rs.length, 1);
    assert.equal(rs[0].metadata.ownerReferences[0].uid, d.metadata.uid);
    assert.deepEqual(
      { ...rs[0].spec.template.metadata.labels, 'pod-template-hash': undefined },
      { a: 'd', 'pod-template-hash': undefined },
    );
  });

  it('faults: failNext answers 5xx Status, addLatency delays, stop/startListening reuses the port', async () => {
    c.faults.failNext(2, 503);
    assert.equal((await request(c, 'GET', '/version')).status, 503);
    const second = await request(c, 'GET', '/api/v1/namespaces');
    assert.equal(second.json().reason, 'ServiceUnavailable');
    assert.equal((await request(c, 'GET', '/api/v1/namespaces')).status, 200);
    c.faults.addLatency(1, 300);
    const t0 = Date.now();
    await request(c, 'GET', '/version');
    assert.ok(Date.now() - t0 >= 250);
    await c.faults.stopListening();
    await assert.rejects(request(c, 'GET', '/version'), /ECONNREFUSED/);
    await c.faults.startListening();
    assert.equal((await request(c, 'GET', '/version')).status, 200);
  });
});
