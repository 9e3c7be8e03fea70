// Task → Sample → Service rows: grouping, counts, the ~30-character description budget, icons, "why not ready"
// event selection, and releases with missing or odd labels rendering without throwing.
import assert from 'node:assert/strict';
import { describeEvents } from '../../../src/core/helm/diagnostics';
import { decodeReleaseSecret, type SecretLike } from '../../../src/core/sandbox/helmRelease';
import {
  countsText,
  DESCRIPTION_BUDGET,
  groupCounts,
  sampleLabel,
  sampleState,
  sampleTooltip,
  serviceDescription,
  serviceLabel,
  serviceState,
  serviceTooltip,
  stateIcon,
} from '../../../src/core/sandbox/evalDisplay';
import { findEntries, ownerText } from '../../../src/core/sandbox/find';
import type { EventLike, PodLike } from '../../../src/core/kube/objects';
import { groupByTask, taskLabel } from '../../../src/core/sandbox/taskGroups';
import { buildReleases, type ReleaseVM } from '../../../src/core/sandbox/viewModels';
import { latestWarning, warningSummary } from '../../../src/core/sandbox/warnings';
import { pod, releaseSecret } from './fixtures';

const NOW = Date.parse('2025-01-01T10:09:00Z');

function inspectRelease(
  name: string,
  task: string | undefined,
  uuid: string | undefined,
  pods: Array<Record<string, unknown>> = [],
  events: EventLike[] = [],
): ReleaseVM {
  const config: Record<string, unknown> = {};
  if (task !== undefined) config.annotations = { inspectTaskName: task };
  if (uuid !== undefined) config.labels = { inspectSampleUUID: uuid };
  const secret = releaseSecret({ name, chart: 'agent-env', labels: { inspectSandbox: 'true' }, config });
  const [r] = buildReleases({
    releases: [decodeReleaseSecret(secret as SecretLike)!],
    pods: pods as PodLike[],
    statefulSets: [],
    events: [],
    podEvents: events,
  });
  return r;
}

const warning = (podName: string, reason: string, message: string, at: string, uid = `pod-${podName}`): EventLike => ({
  type: 'Warning',
  reason,
  message,
  involvedObject: { kind: 'Pod', name: podName, namespace: 'default', uid },
  lastTimestamp: at,
  count: 1,
});

describe('eval tree: tasks, samples, services', () => {
  it('groups by task (sorted), then releases without a task under "Installed here" per chart', () => {
    const a = inspectRelease('rel00001', 'swe_bench', 'b-uuid');
    const b = inspectRelease('rel00002', 'swe_bench', 'a-uuid');
    const c = inspectRelease('rel00003', 'cybench', 'c-uuid');
    const d = inspectRelease('rel00004', undefined, undefined);
    const groups = groupByTask([a, b, c, d]);
    assert.deepEqual(
      groups.map((g) => taskLabel(g.node)),
      ['cybench', 'swe_bench', 'Installed here (agent-env)'],
    );
    assert.deepEqual(
      groups[1].releases.map((r) => r.name),
      ['rel00002', 'rel00001'],
      'samples by UUID',
    );
    assert.equal(a.task, 'swe_bench');
    assert.equal(a.sampleUuid, 'b-uuid');
  });

  it('reads task and sample from the pods when the release values do not carry them', () => {
    const p = pod({ name: 'rel5-default-0', release: 'rel5', annotations: { inspectTaskName: 'from-pod' } });
    (p.metadata as { labels: Record<string, string> }).labels.inspectSampleUUID = 'pod-uuid';
    const r = inspectRelease('rel5', undefined, undefined, [p]);
    assert.equal(r.task, 'from-pod');
    assert.equal(r.sampleUuid, 'pod-uuid');
  });

  it('renders odd labels without throwing: no task, empty UUID, a 1,000-character task, non-ASCII', () => {
    const long = 't'.repeat(1000);
    const odd = [
      inspectRelease('noTask01', undefined, 'u1'),
      inspectRelease('emptyuid', 'task', ''),
      inspectRelease('longtask', long, 'u2'),
      inspectRelease('unicode1', 'tâche-数学-🧪', '🧪éü-数学-sample'),
      inspectRelease('blank001', '   ', '  '),
    ];
    const groups = groupByTask(odd);
    assert.ok(groups.some((g) => g.node.task === long));
    assert.ok(
      groups.some((g) => g.node.task === undefined),
      'no task and a blank task: Installed here',
    );
    for (const r of odd) {
      assert.ok(sampleLabel(r).length > 0);
      assert.ok(sampleTooltip(r, NOW).length > 0);
    }
    assert.equal(sampleLabel(odd[1]), 'emptyuid', 'empty UUID: the release name');
    assert.equal(sampleLabel(odd[3]), '🧪éü', 'short UUID cut on code points');
    const entries = findEntries(groups);
    assert.ok(entries.some((e) => e.kind === 'task' && e.label === long));
    assert.equal(countsText(groupCounts(odd, NOW)), '5 ready', 'no pods expected, none missing');
  });

  it('counts ready / failing / pending per group, and the icon is the worst state', () => {
    const ok = inspectRelease('ok000001', 't', 'u1', [pod({ name: 'ok000001-default-0', release: 'ok000001' })]);
    const crash = inspectRelease('cr000001', 't', 'u2', [
      pod({
        name: 'cr000001-default-0',
        release: 'cr000001',
        ready: false,
        waiting: 'CrashLoopBackOff',
        restarts: 3,
        lastReason: 'OOMKilled',
      }),
    ]);
    const pending = inspectRelease('pe000001', 't', 'u3', [
      pod({
        name: 'pe000001-default-0',
        release: 'pe000001',
        ready: false,
        phase: 'Pending',
        created: '2025-01-01T10:08:50Z',
      }),
    ]);
    const c = groupCounts([ok, crash, pending], NOW);
    assert.equal(countsText(c), '1 ready · 1 failing · 1 pending');
    assert.equal(c.worst, 'failing');
    assert.deepEqual(stateIcon(c.worst), { id: 'error', color: 'testing.iconFailed' });
  });

  it("a sample's state, remembered per view-model, follows the clock across its pods' instants both ways", () => {
    const at = (t: string): number => Date.parse(`2025-01-01T${t}Z`);
    // Pending since 10:08:50: starting, then a warning once pending longer than 60 s.
    const pending = inspectRelease('sp000001', 't', 'u8', [
      pod({
        name: 'sp000001-db-0',
        release: 'sp000001',
        ready: false,
        phase: 'Pending',
        created: '2025-01-01T10:08:50Z',
      }),
    ]);
    // Restarted at 10:05: a warning for 10 minutes, then ready.
    const restarted = inspectRelease('sp000002', 't', 'u9', [
      pod({
        name: 'sp000002-web-0',
        release: 'sp000002',
        restarts: 1,
        lastReason: 'Error',
        lastFinished: '2025-01-01T10:05:00Z',
      }),
    ]);
    const walk: Array<[ReleaseVM, string, string]> = [
      [pending, '10:09:00', 'starting'],
      [pending, '10:09:50', 'starting'],
      [pending, '10:09:50.001', 'warning'],
      [pending, '10:09:10', 'starting'],
      [pending, '11:00:00', 'warning'],
      [restarted, '10:09:00', 'warning'],
      [restarted, '10:14:59.999', 'warning'],
      [restarted, '10:15:00', 'ready'],
      [restarted, '10:06:00', 'warning'],
      [restarted, '10:20:00', 'ready'],
    ];
    for (const [r, t, want] of walk) {
      assert.equal(sampleState(r, at(t)), want, `${r.name} at ${t}`);
      assert.equal(sampleState({ ...r }, at(t)), want, `${r.name} at ${t}, nothing remembered`);
    }
  });

  it('icons: error for crash loops and failures, warning for recent restarts / not Guaranteed / pending > 60 s, spinner while starting', () => {
    const vm = (o: Parameters<typeof pod>[0]) => inspectRelease(o.release, 't', 'u', [pod(o)]).pods[0];
    assert.equal(
      serviceState(
        vm({
          name: 'a-default-0',
          release: 'a',
          ready: false,
          waiting: 'CrashLoopBackOff',
          restarts: 1,
          lastReason: 'Error',
        }),
        NOW,
      ),
      'failing',
    );
    assert.equal(
      serviceState(vm({ name: 'b-default-0', release: 'b', ready: false, phase: 'Failed' }), NOW),
      'failing',
    );
    assert.equal(
      serviceState(
        vm({
          name: 'c-default-0',
          release: 'c',
          restarts: 1,
          lastReason: 'OOMKilled',
          lastFinished: '2025-01-01T10:05:00Z',
        }),
        NOW,
      ),
      'warning',
    );
    assert.equal(
      serviceState(
        vm({
          name: 'c2-default-0',
          release: 'c2',
          restarts: 1,
          lastReason: 'OOMKilled',
          lastFinished: '2024-12-31T10:05:00Z',
        }),
        NOW,
      ),
      'ready',
      'an old restart',
    );
    assert.equal(serviceState(vm({ name: 'd-default-0', release: 'd', qos: 'Burstable' }), NOW), 'warning');
    assert.equal(
      serviceState(
        vm({ name: 'e-default-0', release: 'e', ready: false, phase: 'Pending', created: '2025-01-01T10:00:00Z' }),
        NOW,
      ),
      'warning',
    );
    assert.equal(
      serviceState(
        vm({ name: 'f-default-0', release: 'f', ready: false, phase: 'Pending', created: '2025-01-01T10:08:40Z' }),
        NOW,
      ),
      'starting',
    );
    assert.equal(stateIcon('starting').id, 'loading~spin');
    assert.equal(serviceState(vm({ name: 'g-default-0', release: 'g' }), NOW), 'ready');
  });

  it('service rows: labelled by inspect/service, descriptions lead with what is wrong and fit ~30 characters', () => {
    const oom = inspectRelease('oom00001', 't', 'u', [
      pod({
        name: 'oom00001-default-0',
        release: 'oom00001',
        restarts: 3,
        lastReason: 'OOMKilled',
        lastFinished: '2025-01-01T10:07:00Z',
        runtimeClass: 'gvisor',
      }),
    ]);
    assert.equal(serviceLabel(oom.pods[0]), 'default');
    assert.equal(serviceDescription(oom.pods[0], 'gvisor', NOW), '↻3 OOMKilled 2m');
    const sched = warning(
      'pend0001-default-0',
      'FailedScheduling',
      "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
      '2025-01-01T10:08:00Z',
    );
    const pend = inspectRelease(
      'pend0001',
      't',
      'u',
      [
        pod({
          name: 'pend0001-default-0',
          release: 'pend0001',
          ready: false,
          phase: 'Pending',
          runtimeClass: 'gvisor',
        }),
      ],
      [sched],
    );
    assert.equal(serviceDescription(pend.pods[0], 'gvisor', NOW), 'Pending: no gvisor node');
    const pull = inspectRelease(
      'pull0001',
      't',
      'u',
      [
        pod({
          name: 'pull0001-default-0',
          release: 'pull0001',
          ready: false,
          phase: 'Pending',
          waiting: 'ImagePullBackOff',
        }),
      ],
      [warning('pull0001-default-0', 'Failed', 'Error: ImagePullBackOff', '2025-01-01T10:08:30Z')],
    );
    assert.equal(serviceDescription(pull.pods[0], undefined, NOW), 'ImagePullBackOff');
    const burst = inspectRelease('bur00001', 't', 'u', [
      pod({ name: 'bur00001-default-0', release: 'bur00001', qos: 'Burstable', runtimeClass: 'runc' }),
    ]);
    assert.equal(
      serviceDescription(burst.pods[0], 'gvisor', NOW),
      'Burstable · runc',
      'QoS and runtime only when they deviate',
    );
    assert.equal(serviceDescription(burst.pods[0], 'runc', NOW), 'Burstable');
    const worst = inspectRelease('wor00001', 't', 'u', [
      pod({
        name: 'wor00001-default-0',
        release: 'wor00001',
        ready: false,
        waiting: 'CrashLoopBackOff',
        restarts: 12345,
        lastReason: 'ContainerStatusUnknown',
        qos: 'BestEffort',
        runtimeClass: 'kata-very-long-runtime-name',
      }),
    ]);
    const d = serviceDescription(worst.pods[0], 'gvisor', NOW);
    assert.ok([...d].length <= DESCRIPTION_BUDGET, d);
    assert.ok(d.startsWith('↻12345'), d);
    const tip = serviceTooltip(pend.pods[0], NOW);
    assert.match(tip, /^\*\*default\*\*\n\n\| \| \|\n\|---\|---\|/, 'a Markdown table');
    assert.match(tip, /\| Warning \| FailedScheduling/);
    assert.match(tip, /didn't match Pod's node affinity/);
  });

  it('event selection: the latest Warning of this pod (not an earlier pod of the same name, not Normal)', () => {
    const events: EventLike[] = [
      warning('p-0', 'BackOff', 'old', '2025-01-01T10:01:00Z'),
      warning('p-0', 'FailedScheduling', 'newest', '2025-01-01T10:05:00Z'),
      warning('p-0', 'Failed', 'from the previous pod', '2025-01-01T10:06:00Z', 'other-uid'),
      { ...warning('p-0', 'Pulled', 'normal', '2025-01-01T10:07:00Z'), type: 'Normal' },
      warning('q-0', 'Failed', 'another pod', '2025-01-01T10:08:00Z'),
    ];
    const w = latestWarning(events, { uid: 'pod-p-0', name: 'p-0' });
    assert.equal(w?.message, 'newest');
    assert.equal(latestWarning(events, { uid: 'pod-z', name: 'z-0' }), undefined);
    assert.equal(
      warningSummary({
        reason: 'FailedCreatePodSandBox',
        message: 'failed to get sandbox runtime: no runtime for "kata-qemu" is configured',
        count: 1,
      }),
      'No runtime handler kata-qemu',
    );
    assert.equal(
      warningSummary({
        reason: 'FailedScheduling',
        message: '0/2 nodes are available: 2 Insufficient memory.',
        count: 1,
      }),
      'Pending: no memory',
    );
  });

  it('owners for Tear Down Task: the creator label, else the release record labels', () => {
    const r = inspectRelease('own00001', 't', 'u');
    assert.equal(ownerText(r), 'inspectSandbox=true');
    assert.equal(ownerText({ ...r, creator: 'alice' }), 'alice');
  });
});

describe('install failure diagnostics: recent Warning events', () => {
  it("newest first, only the release's objects, at most the limit", () => {
    const ev = (name: string, reason: string, at: string) => ({
      metadata: {},
      type: 'Warning',
      reason,
      message: reason,
      involvedObject: { kind: 'Pod', name },
      lastTimestamp: new Date(at),
    });
    const lines = describeEvents(
      [
        ev('abc-default-0', 'FailedScheduling', '2025-01-01T10:00:00Z'),
        ev('abc-default-0', 'BackOff', '2025-01-01T10:05:00Z'),
        ev('other-0', 'Failed', '2025-01-01T10:06:00Z'),
      ],
      (n) => n.startsWith('abc-'),
      1,
    );
    assert.deepEqual(lines, ['Warning BackOff Pod/abc-default-0: BackOff']);
  });
});
