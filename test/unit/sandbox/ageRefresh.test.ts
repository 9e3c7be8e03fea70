// Rows whose text the clock changes refresh when it does, and only they: the real model and row rendering, every
// row rendered as an expanded view would, and a fake clock driving the one timer.
import { strict as assert } from 'node:assert';
import type { KubernetesObject } from '@kubernetes/client-node';
import { AgeRefresh } from '../../../src/core/sandbox/ageRefresh';
import { SandboxModel, type ModelChange } from '../../../src/core/sandbox/liveModel';
import { nodeId, type TreeNode } from '../../../src/core/sandbox/nodes';
import { nextAgeTick, nextRowChange, rowContext, rowFace, type RowFace } from '../../../src/core/sandbox/rowFace';
import type { PodVM } from '../../../src/core/sandbox/viewModels';
import { FakeClock } from './fakeClock';
import { pod, releaseSecret } from './fixtures';
import { MemoryHub } from './memoryHub';

// The model and the view read the same fake clock (the suite may run minutes after this file loads).
const T0 = Math.floor(Date.now() / 60_000) * 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const S = 1000;
const M = 60 * S;

const sample = (name: string, uuid: string): KubernetesObject =>
  releaseSecret({
    name,
    config: { annotations: { inspectTaskName: 'swe' }, labels: { inspectSampleUUID: uuid } },
  }) as unknown as KubernetesObject;
const podOf = (name: string, release: string, extra: Parameters<typeof pod>[0] | object = {}): KubernetesObject =>
  pod({ name, release, service: name.split('-')[1], ...extra }) as unknown as KubernetesObject;

const nextChange = (model: SandboxModel): Promise<ModelChange> =>
  new Promise((resolve) => {
    const sub = model.onDidChange((c) => {
      sub.dispose();
      resolve(c);
    });
  });

/**
 * What VS Code does with the provider, every row expanded: renders them all; a change event re-renders the rows it
 * names and their children.
 */
class View {
  readonly faces = new Map<string, RowFace>();
  readonly fired: string[][] = [];
  readonly ages: AgeRefresh<TreeNode>;
  constructor(
    private readonly model: SandboxModel,
    private readonly clock: FakeClock,
  ) {
    this.ages = new AgeRefresh<TreeNode>(
      (nodes) => {
        this.fired.push(nodes.map(nodeId).sort());
        this.renderAll(nodes);
      },
      nodeId,
      clock,
    );
  }
  render(n: TreeNode): void {
    const vm = this.model.lookup(n);
    const ctx = rowContext(this.model, n);
    const now = this.clock.now();
    this.faces.set(nodeId(n), rowFace(n, vm, now, ctx));
    this.ages.rendered(n, nextRowChange(n, vm, now, ctx));
  }
  renderAll(nodes: readonly TreeNode[] = this.model.children()): void {
    for (const n of nodes) {
      this.render(n);
      this.renderAll(this.model.children(n));
    }
  }
  /** The fires while the clock moves to `to`, emptied. */
  advanceTo(to: number): string[][] {
    this.fired.length = 0;
    this.clock.advanceTo(to);
    return [...this.fired];
  }
}

describe('age refresh: rows whose text the clock changes, at the moment it does', () => {
  let hub: MemoryHub;
  let model: SandboxModel;
  let clock: FakeClock;
  let view: View;

  beforeEach(() => {
    hub = new MemoryHub();
    for (const [name, uuid] of [
      ['s1', 'aaaa1111-0000'],
      ['s2', 'bbbb2222-0000'],
    ]) {
      hub.objects.secrets.push(sample(name, uuid));
      for (const svc of ['default', 'web']) hub.objects.pods.push(podOf(`${name}-${svc}-0`, name));
    }
    clock = new FakeClock(T0);
    model = new SandboxModel({ hub, now: () => clock.now() });
    view = new View(model, clock);
    view.renderAll();
  });
  afterEach(() => {
    view.ages.dispose();
    model.dispose();
  });

  it('a quiet healthy tree schedules nothing, and nothing fires over a day', () => {
    assert.ok(view.faces.size >= 1 + 2 + 4 + 8, `task, samples, pods and containers rendered (${view.faces.size})`);
    assert.equal(view.ages.nextAt, undefined);
    assert.equal(clock.pending, 0, 'no timer');
    assert.deepEqual(view.advanceTo(T0 + 24 * 60 * M), []);
  });

  it("refreshes a restarted pod's row when its minute label changes and its ancestors when it leaves the warning window", async () => {
    const restartedAt = T0 - 90 * S;
    const change = nextChange(model);
    hub.replaced(
      'pods',
      podOf('s2-web-0', 's2', { restarts: 1, lastReason: 'OOMKilled', lastFinished: iso(restartedAt) }),
    );
    view.renderAll((await change).nodes);
    const rel = model.releases.find((r) => r.name === 's2')!;
    const p = rel.pods.find((x) => x.name === 's2-web-0') as PodVM;
    const podId = nodeId(p.node);
    const ctrId = `ctr/default/s2/s2-web-0/web`;
    const relId = 'rel/default/s2';
    const taskId = 'task/swe';
    assert.match(view.faces.get(podId)!.description!, /^↻1 OOMKilled 1m/);
    assert.equal(view.faces.get(podId)!.icon!.id, 'warning');
    assert.equal(view.faces.get(relId)!.icon!.id, 'warning');
    assert.equal(view.faces.get(taskId)!.icon!.id, 'warning');
    assert.equal(view.ages.nextAt, restartedAt + 2 * M, 'the next label change: 1m → 2m');

    // 1m → 2m: the pod row and its container's "1 restart (OOMKilled 1m ago)", nothing else.
    assert.deepEqual(view.advanceTo(restartedAt + 2 * M - 1), []);
    assert.deepEqual(view.advanceTo(restartedAt + 2 * M), [[ctrId, podId]]);
    assert.match(view.faces.get(podId)!.description!, /^↻1 OOMKilled 2m/);

    // Each minute after: the same two rows, one timer each time.
    const perMinute = view.advanceTo(restartedAt + 10 * M - 1);
    assert.equal(perMinute.length, 7, '3m … 9m');
    for (const f of perMinute) assert.deepEqual(f, [ctrId, podId]);
    assert.equal(clock.pending, 1, 'one timer');

    // Out of the 10-minute window: the sample and task icons depend on it, the other sample does not.
    assert.deepEqual(view.advanceTo(restartedAt + 10 * M), [[ctrId, podId, relId, taskId].sort()]);
    assert.equal(view.faces.get(podId)!.icon!.id, 'pass-filled');
    assert.equal(view.faces.get(relId)!.icon!.id, 'pass-filled');
    assert.equal(view.faces.get(taskId)!.icon!.id, 'beaker');
    assert.match(view.faces.get(podId)!.description!, /10m$/);

    // Later the label ticks by the minute, then the hour, then the day: never more than the two rows.
    const later = view.advanceTo(restartedAt + 3 * 24 * 60 * M - 1);
    assert.ok(later.every((f) => f.join() === [ctrId, podId].join()));
    assert.equal(later.length, 49 + 47 + 1, '11m … 59m, 1h … 47h, 2d');
    assert.match(view.faces.get(podId)!.description!, / 2d$/);
  });

  it('a pod pending past 60 s turns its row (and its sample and task) to a warning at that moment', async () => {
    const change = nextChange(model);
    hub.replaced('pods', podOf('s1-web-0', 's1', { ready: false, phase: 'Pending', created: iso(T0 - 30 * S) }));
    view.renderAll((await change).nodes);
    const podId = 'pod/default/s1/s1-web-0';
    assert.notEqual(view.faces.get(podId)!.icon!.id, 'warning');
    assert.equal(view.ages.nextAt, T0 + 30 * S + 1, 'pending "longer than" 60 s');
    const fired = view.advanceTo(T0 + 31 * S);
    assert.deepEqual(fired, [[podId, 'rel/default/s1', 'task/swe'].sort()]);
    assert.equal(view.faces.get(podId)!.icon!.id, 'warning');
    assert.equal(view.ages.nextAt, undefined, 'nothing more changes by time');
  });

  it('a hidden view fires nothing; shown again, the rows that came due refresh at once', async () => {
    const change = nextChange(model);
    hub.replaced('pods', podOf('s1-default-0', 's1', { restarts: 2, lastReason: 'Error', lastFinished: iso(T0 - M) }));
    view.renderAll((await change).nodes);
    view.ages.setActive(false);
    assert.equal(clock.pending, 0);
    assert.deepEqual(view.advanceTo(T0 + 5 * M), []);
    view.ages.setActive(true);
    const fired = view.advanceTo(T0 + 5 * M);
    assert.deepEqual(fired, [['ctr/default/s1/s1-default-0/default', 'pod/default/s1/s1-default-0']]);
    assert.match(view.faces.get('pod/default/s1/s1-default-0')!.description!, /^↻2 Error 6m/);
  });

  it('age labels change at minute, hour and day boundaries (never every second)', () => {
    const at = T0;
    assert.equal(nextAgeTick(at, at), at + M);
    assert.equal(nextAgeTick(at, at + 5 * S), at + M);
    assert.equal(nextAgeTick(at, at + 59 * S + 500), at + M);
    assert.equal(nextAgeTick(at, at + M), at + 2 * M);
    assert.equal(nextAgeTick(at, at + 59 * M), at + 60 * M);
    assert.equal(nextAgeTick(at, at + 47 * 60 * M + 1), at + 48 * 60 * M);
    assert.equal(nextAgeTick(at, at + 3 * 24 * 60 * M), at + 4 * 24 * 60 * M);
    assert.equal(nextAgeTick(at, at - 5 * S), at + M, 'a clock behind the server reads <1m until then');
  });
});
