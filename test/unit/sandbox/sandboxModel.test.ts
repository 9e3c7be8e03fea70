// The model's refresh contract at scale: 1,000 releases with 3,000 pods; a change names only what changed,
// node objects keep their identity, bursts coalesce into one event.
import { strict as assert } from 'node:assert';
import type { KubernetesObject } from '@kubernetes/client-node';
import { nodeId, type TaskNode, type TreeNode } from '../../../src/core/sandbox/nodes';
import { groupCounts } from '../../../src/core/sandbox/evalDisplay';
import { SandboxModel, type ModelChange } from '../../../src/core/sandbox/liveModel';
import { releaseDescription } from '../../../src/core/sandbox/display';
import { rowContext, rowFace } from '../../../src/core/sandbox/rowFace';
import type { PodVM, ReleaseVM } from '../../../src/core/sandbox/viewModels';
import { pod, releaseSecret } from './fixtures';
import { MemoryHub } from './memoryHub';

const nextChange = (model: SandboxModel): Promise<ModelChange> =>
  new Promise((resolve) => {
    const sub = model.onDidChange((c) => {
      sub.dispose();
      resolve(c);
    });
  });

type PodObj = KubernetesObject & {
  status: { containerStatuses: Array<{ restartCount: number; state: unknown; image?: string }> };
};
let rv = 1000;
/** A copy of a cached pod with `edit` applied and a new resourceVersion (as an informer hands it over). */
const editedPod = (hub: MemoryHub, name: string, edit: (p: PodObj) => void): PodObj => {
  const p = structuredClone(hub.objects.pods.find((o) => o.metadata?.name === name)) as PodObj;
  edit(p);
  p.metadata!.resourceVersion = String(++rv);
  return p;
};

describe('sandbox model refreshes', () => {
  const hub = new MemoryHub();
  let model: SandboxModel;

  before(() => {
    for (let i = 0; i < 1000; i++) {
      const name = `r${String(i).padStart(4, '0')}`;
      hub.objects.secrets.push(releaseSecret({ name }) as unknown as KubernetesObject);
      for (const svc of ['default', 'web', 'db'])
        hub.objects.pods.push(
          pod({ name: `${name}-${svc}-0`, release: name, service: svc }) as unknown as KubernetesObject,
        );
    }
    model = new SandboxModel({ hub });
  });
  after(() => model.dispose());

  it('builds 1,000 releases with 3,000 pods', () => {
    assert.equal(model.releases.length, 1000);
    assert.equal(
      model.releases.reduce((n, r) => n + r.pods.length, 0),
      3000,
    );
    const [group] = model.children();
    assert.equal(model.children().length, 1, 'one "Installed here" group (no inspect task names)');
    assert.equal(group.kind === 'task' && group.chart, 'k8s-sandbox');
    assert.equal(model.children(group).length, 1000, 'its samples, listed when it is expanded');
    model.setGrouping('namespaces');
    assert.equal(model.children().length, 1000, 'the flat list');
    model.setGrouping('tasks');
  });

  it('names only the changed pod, keeps node identity, and coalesces a burst into one event', async () => {
    const rootBefore = model.children();
    const target = hub.objects.pods[1500] as unknown as {
      metadata: { name: string; resourceVersion?: string };
      status: { containerStatuses: Array<{ restartCount: number; state: unknown }> };
    };
    const release = model.releases.find((r) => r.pods.some((p) => p.name === target.metadata.name))!;
    const podNode = release.pods.find((p) => p.name === target.metadata.name)!.node;
    // A container state change that does not move the release's counts: only the pod refreshes.
    target.status.containerStatuses[1].state = { running: { startedAt: '2025-01-01T11:00:00Z' } };
    target.metadata.resourceVersion = '2'; // as the server bumps it on every write
    const events: ModelChange[] = [];
    const sub = model.onDidChange((c) => events.push(c));
    const first = nextChange(model);
    for (let i = 0; i < 100; i++) hub.changed('pods');
    const change = await first;
    await new Promise((r) => setTimeout(r, 60));
    sub.dispose();
    assert.equal(events.length, 1, 'one event for the burst');
    assert.deepEqual(change.nodes?.map(nodeId), [nodeId(podNode)]);
    assert.equal(change.nodes?.[0], podNode, 'the same node object the tree holds');
    const rootAfter = model.children();
    assert.ok(
      rootAfter.every((n, i) => n === rootBefore[i]),
      'root nodes keep their identity',
    );
  });

  it('rebuilds only the changed pod of a release: its other pods keep their view-models', async () => {
    const before = model.release('default', 'r0007')!;
    const change = nextChange(model);
    hub.replaced(
      'pods',
      editedPod(hub, 'r0007-web-0', (p) => (p.status.containerStatuses[0].restartCount += 1)),
    );
    assert.deepEqual((await change).nodes?.map(nodeId), ['rel/default/r0007']);
    const after = model.release('default', 'r0007')!;
    const pod = (r: ReleaseVM, name: string): PodVM => r.pods.find((p) => p.name === name)!;
    assert.equal(pod(after, 'r0007-web-0').restarts, pod(before, 'r0007-web-0').restarts + 1);
    assert.notEqual(pod(after, 'r0007-web-0'), pod(before, 'r0007-web-0'));
    for (const name of ['r0007-db-0', 'r0007-default-0'])
      assert.equal(pod(after, name), pod(before, name), `${name} reused, not rebuilt`);
    // A pod object changed in place with a new resourceVersion is rebuilt all the same.
    const db = hub.objects.pods.find((o) => o.metadata?.name === 'r0007-db-0') as PodObj;
    db.status.containerStatuses[0].restartCount += 2;
    db.metadata!.resourceVersion = String(++rv);
    const again = nextChange(model);
    hub.changed('pods');
    await again;
    assert.equal(pod(model.release('default', 'r0007')!, 'r0007-db-0').restarts, 2);
  });

  it('refreshes the release when its counts change, and its group when releases come or go', async () => {
    const target = hub.objects.pods[3] as unknown as {
      metadata: { name: string; resourceVersion: string };
      status: { containerStatuses: Array<{ restartCount: number }> };
    };
    target.status.containerStatuses[0].restartCount = 4;
    target.metadata.resourceVersion = '2';
    let change = nextChange(model);
    hub.changed('pods');
    const c1 = await change;
    assert.deepEqual(
      c1.nodes?.map((n: TreeNode) => nodeId(n)),
      ['rel/default/r0001'],
    );
    hub.objects.secrets.push(releaseSecret({ name: 'zz-new' }) as unknown as KubernetesObject);
    change = nextChange(model);
    hub.changed('secrets');
    assert.deepEqual((await change).nodes?.map(nodeId), ['here/k8s-sandbox'], 'only the group that gained a sample');
    assert.equal(model.releases.length, 1001);
  });

  it('replaces the tree with a state item when the cluster becomes unreachable', async () => {
    const change = nextChange(model);
    hub.setState({ phase: 'unreachable', context: 'c', namespace: 'default', message: 'ECONNREFUSED' });
    assert.equal((await change).nodes, undefined);
    const [first] = model.children();
    assert.equal(first.kind, 'message');
    assert.equal(first.kind === 'message' && first.action, 'retry');
    assert.equal(model.children().length, 2, 'cached releases stay listed under the message');
  });

  it('while loading, lists the releases known so far under the loading item, flat, saying their pods are loading', async () => {
    const change = nextChange(model);
    hub.loading.add('pods');
    hub.setState({ phase: 'loading', context: 'c', namespace: 'default' });
    await change;
    const [first, ...rows] = model.children();
    assert.equal(first.kind === 'message' && first.id, 'loading');
    assert.equal(rows.length, 1001);
    assert.ok(rows.every((n) => n.kind === 'release'));
    const r = model.lookup(rows[0]) as ReleaseVM;
    assert.equal(r.podsLoading, true);
    assert.equal(model.parent(rows[0]), undefined, 'no group above it yet');
    const face = rowFace(rows[0], r, Date.now(), rowContext(model, rows[0]));
    assert.match(face.description ?? '', /^deployed r1 · pods loading…/);
    assert.equal(face.icon?.id, 'loading~spin');
    // Loaded: grouped again, with the counts.
    const done = nextChange(model);
    hub.loading.delete('pods');
    hub.setState({ phase: 'ready', context: 'c', namespace: 'default' });
    assert.equal((await done).nodes, undefined, 'the whole tree refreshes');
    const [group] = model.children();
    assert.equal(group.kind, 'task');
    assert.equal(model.release('default', 'r0001')?.podsLoading, undefined);
    assert.match(releaseDescription(model.release('default', 'r0001')!, Date.now()), /^deployed r1 · \d\/3 ready/);
  });
});

describe('sandbox model: one object changed, one release rebuilt', () => {
  const hub = new MemoryHub();
  let model: SandboxModel;
  const edited = (name: string, edit: (p: PodObj) => void): PodObj => editedPod(hub, name, edit);
  /** What a model built from scratch over the same caches shows. */
  const fresh = (): SandboxModel => new SandboxModel({ hub });

  before(() => {
    for (let i = 0; i < 200; i++) {
      const name = `r${String(i).padStart(4, '0')}`;
      hub.objects.secrets.push(releaseSecret({ name }) as unknown as KubernetesObject);
      for (const svc of ['default', 'web', 'db'])
        hub.objects.pods.push(
          pod({ name: `${name}-${svc}-0`, release: name, service: svc }) as unknown as KubernetesObject,
        );
    }
    model = new SandboxModel({ hub });
  });
  after(() => model.dispose());

  it('names only the changed pod for a container state change, keeping node identity', async () => {
    const node = model.release('default', 'r0050')!.pods.find((p) => p.name === 'r0050-web-0')!.node;
    const change = nextChange(model);
    hub.replaced(
      'pods',
      edited(
        'r0050-web-0',
        (p) => (p.status.containerStatuses[1].state = { running: { startedAt: '2025-01-01T11:00:00Z' } }),
      ),
    );
    const c = await change;
    assert.deepEqual(c.nodes?.map(nodeId), [nodeId(node)]);
    assert.equal(c.nodes?.[0], node);
    assert.deepEqual(model.lookup(node), fresh().lookup(node));
  });

  it('a new pod version that shows nothing new refreshes nothing; the next real change names only its pod', async () => {
    const events: ModelChange[] = [];
    const sub = model.onDidChange((c) => events.push(c));
    // The pod's view-model is rebuilt (new object, new resourceVersion) but holds the same values.
    hub.replaced(
      'pods',
      edited('r0061-db-0', (p) => (p.metadata!.labels!['unrelated'] = 'x')),
    );
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(events.length, 0, 'nothing shown changed');
    hub.replaced(
      'pods',
      edited('r0061-db-0', (p) => (p.status.containerStatuses[0].image = 'python:3.13')),
    );
    await new Promise((r) => setTimeout(r, 20));
    sub.dispose();
    assert.deepEqual(
      events.map((c) => c.nodes?.map(nodeId)),
      [['pod/default/r0061/r0061-db-0']],
    );
  });

  it('a crash loop refreshes the task row (counts and worst icon) with the release, and ends equal to a fresh model', async () => {
    const [group] = model.children();
    const before = groupCounts(model.taskReleases(group as TaskNode), Date.now());
    const change = nextChange(model);
    hub.replaced(
      'pods',
      edited('r0060-web-0', (p) => {
        p.status.containerStatuses[0].state = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } };
      }),
    );
    const c = await change;
    assert.ok(
      c.nodes?.some((n) => n === group),
      `the task row refreshes: ${JSON.stringify(c.nodes?.map(nodeId))}`,
    );
    const after = groupCounts(model.taskReleases(group as TaskNode), Date.now());
    assert.equal(after.failing, before.failing + 1);
    assert.equal(after.worst, 'failing');
    const scratch = fresh();
    assert.deepEqual(groupCounts(scratch.taskReleases(scratch.children()[0] as TaskNode), Date.now()), after);
  });

  it('after switching to the flat list and back, a pod change still names only that pod', async () => {
    model.setGrouping('namespaces');
    model.setGrouping('tasks');
    const node = model.release('default', 'r0070')!.pods.find((p) => p.name === 'r0070-web-0')!.node;
    const change = nextChange(model);
    hub.replaced(
      'pods',
      edited(
        'r0070-web-0',
        (p) => (p.status.containerStatuses[1].state = { running: { startedAt: '2025-01-01T12:00:00Z' } }),
      ),
    );
    assert.deepEqual((await change).nodes?.map(nodeId), [nodeId(node)]);
  });

  it('coalesces events on several releases into one change naming each', async () => {
    const events: ModelChange[] = [];
    const sub = model.onDidChange((c) => events.push(c));
    const first = nextChange(model);
    for (const r of ['r0001', 'r0100', 'r0199'])
      hub.replaced(
        'pods',
        edited(`${r}-db-0`, (p) => (p.status.containerStatuses[0].restartCount += 2)),
      );
    const c = await first;
    await new Promise((r) => setTimeout(r, 60));
    sub.dispose();
    assert.equal(events.length, 1);
    assert.deepEqual(c.nodes?.map(nodeId), ['rel/default/r0001', 'rel/default/r0100', 'rel/default/r0199']);
    assert.equal(model.release('default', 'r0100')?.restarts, fresh().release('default', 'r0100')?.restarts);
    assert.ok((model.release('default', 'r0100')?.restarts ?? 0) >= 2);
  });

  it('a pod Warning event alone refreshes that pod with its reason; its deletion clears it', async () => {
    const node = model.release('default', 'r0080')!.pods.find((p) => p.name === 'r0080-db-0')!.node;
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'r0080-db-0.17a', namespace: 'default', resourceVersion: String(++rv) },
      involvedObject: { kind: 'Pod', name: 'r0080-db-0', namespace: 'default' },
      type: 'Warning',
      reason: 'FailedScheduling',
      message: '0/3 nodes are available: 3 Insufficient memory.',
      count: 1,
      lastTimestamp: new Date().toISOString(),
    } as KubernetesObject;
    let change = nextChange(model);
    hub.replaced('podevents', event);
    const c = await change;
    assert.ok(
      c.nodes?.some((n) => n === node || nodeId(n) === 'rel/default/r0080'),
      `the pod's row refreshes: ${JSON.stringify(c.nodes?.map(nodeId))}`,
    );
    assert.equal((model.lookup(node) as PodVM).warning?.reason, 'FailedScheduling');
    assert.deepEqual(model.lookup(node), fresh().lookup(node));
    change = nextChange(model);
    hub.replaced('podevents', event, true);
    await change;
    assert.equal((model.lookup(node) as PodVM).warning, undefined);
  });

  it('drops a deleted pod from its release and from lookups', async () => {
    const gone = model.release('default', 'r0007')!.pods.find((p) => p.name === 'r0007-web-0')!.node;
    const change = nextChange(model);
    const obj = hub.objects.pods.find((o) => o.metadata?.name === 'r0007-web-0')!;
    hub.replaced('pods', obj, true);
    assert.deepEqual((await change).nodes?.map(nodeId), ['rel/default/r0007']);
    assert.deepEqual(model.children(model.release('default', 'r0007')!.node).map(nodeId), [
      'pod/default/r0007/r0007-db-0',
      'pod/default/r0007/r0007-default-0',
    ]);
    assert.equal(model.lookup(gone), undefined);
  });

  it('ignores pods of releases that are not sandboxes, and refreshes the root for a new release', async () => {
    const events: ModelChange[] = [];
    const sub = model.onDidChange((c) => events.push(c));
    hub.replaced(
      'pods',
      pod({ name: 'other-0', release: 'not-a-sandbox', service: 'x' }) as unknown as KubernetesObject,
    );
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(events.length, 0, 'no change for a pod outside every sandbox');
    const change = nextChange(model);
    hub.replaced('secrets', releaseSecret({ name: 'zz-new' }) as unknown as KubernetesObject);
    assert.deepEqual(
      (await change).nodes?.map(nodeId),
      ['here/k8s-sandbox'],
      'a new release refreshes only the group that gained it',
    );
    sub.dispose();
    assert.equal(model.releases.length, 201);
  });

  it('ends equal to a model built from scratch after a run of changes', async () => {
    for (let i = 0; i < 50; i++) {
      const r = `r${String((i * 37) % 200).padStart(4, '0')}`;
      const name = `${r}-${['default', 'web', 'db'][i % 3]}-0`;
      if (!hub.objects.pods.some((o) => o.metadata?.name === name)) continue;
      hub.replaced(
        'pods',
        edited(name, (p) => (p.status.containerStatuses[0].restartCount += 1)),
      );
      if (i % 7 === 0) await new Promise((res) => setTimeout(res, 25));
    }
    await new Promise((r) => setTimeout(r, 80));
    const scratch = fresh();
    assert.deepEqual(model.releases, scratch.releases);
    assert.deepEqual(model.children().map(nodeId), scratch.children().map(nodeId));
    scratch.dispose();
  });
});

describe('task row counts kept per change', () => {
  const created = Date.parse('2025-01-01T10:00:00Z');
  let t = created + 1_000;
  const hub = new MemoryHub();
  let model: SandboxModel;

  before(() => {
    for (const name of ['a', 'b', 'c']) {
      hub.objects.secrets.push(releaseSecret({ name }) as unknown as KubernetesObject);
      hub.objects.pods.push(
        pod({
          name: `${name}-default-0`,
          release: name,
          ready: name !== 'a',
          phase: name === 'a' ? 'Pending' : undefined,
        }) as unknown as KubernetesObject,
      );
    }
    model = new SandboxModel({ hub, now: () => t });
  });
  after(() => model.dispose());

  const restart = (name: string): PodObj =>
    editedPod(hub, name, (p) => (p.status.containerStatuses[0].restartCount += 1));

  it('recounts when the clock passed a state boundary of a sample that did not change', async () => {
    const [group] = model.children() as TaskNode[];
    assert.deepEqual(groupCounts(model.taskReleases(group), t), {
      ready: 2,
      failing: 0,
      pending: 1,
      worst: 'starting',
    });
    // Past 60 s pending, "a" turns warning by time alone; a change of "b" must not reuse a stale count.
    t = created + 61_000;
    const change = nextChange(model);
    hub.replaced('pods', restart('b-default-0'));
    const c = await change;
    assert.ok(
      c.nodes?.includes(group),
      `the task row refreshes (worst state starting → warning): ${JSON.stringify(c.nodes?.map(nodeId))}`,
    );
    // Inside the same span, a change that moves no count leaves the task row alone.
    const next = nextChange(model);
    hub.replaced('pods', restart('c-default-0'));
    assert.ok(!(await next).nodes?.includes(group), 'the task row is not refreshed when its counts hold');
  });
});
