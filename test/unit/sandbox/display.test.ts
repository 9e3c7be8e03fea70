import { strict as assert } from 'node:assert';
import {
  containerDescription,
  containerIcon,
  formatAge,
  formatLatency,
  md,
  podDescription,
  podIcon,
  podStatus,
  podTooltip,
  releaseDescription,
  releaseIcon,
  releaseTooltip,
} from '../../../src/core/sandbox/display';
import { decodeReleaseSecret, type SecretLike } from '../../../src/core/sandbox/helmRelease';
import { buildReleases, podVM } from '../../../src/core/sandbox/viewModels';
import type { PodLike } from '../../../src/core/kube/objects';
import { stateMessages, groupingNamespaces } from '../../../src/core/sandbox/view';
import { pod, releaseSecret, statefulSet } from './fixtures';

const NOW = Date.parse('2025-01-01T10:10:00Z');
const vm = (o: Parameters<typeof pod>[0]) => podVM(pod(o) as PodLike, o.release);

describe('display helpers', () => {
  it('formats ages and latencies compactly', () => {
    assert.equal(formatAge(45_000), '<1m');
    assert.equal(formatAge(3 * 60_000 + 5_000), '3m');
    assert.equal(formatAge(5 * 3600_000), '5h');
    assert.equal(formatAge(3 * 86400_000), '3d');
    assert.equal(formatAge(-5), '<1m');
    assert.equal(formatLatency(850), '850 ms');
    assert.equal(formatLatency(2400), '2.4 s');
    assert.equal(formatLatency(65_000), '1m 5s');
  });

  it('describes a pod like the issue example', () => {
    const p = vm({
      name: 'a-0',
      release: 'a',
      restarts: 2,
      lastReason: 'OOMKilled',
      lastFinished: '2025-01-01T10:07:00Z',
      runtimeClass: 'gvisor',
    });
    assert.equal(podDescription(p, NOW), 'Running · 2 restarts (OOMKilled 3m ago) · Guaranteed · gvisor');
    assert.deepEqual(podIcon(p), { id: 'pass-filled', color: 'testing.iconPassed' });
  });

  it('shows the waiting reason, not-ready, terminating and pending states', () => {
    const crash = vm({
      name: 'b-0',
      release: 'b',
      ready: false,
      waiting: 'CrashLoopBackOff',
      restarts: 1,
      lastReason: 'Error',
      lastExit: 2,
    });
    assert.equal(podStatus(crash), 'CrashLoopBackOff');
    assert.equal(podDescription(crash, NOW), 'CrashLoopBackOff · 1 restart (Error 3m ago) · Guaranteed');
    assert.equal(podIcon(crash).id, 'error');
    const notReady = vm({ name: 'c-0', release: 'c', ready: false });
    assert.equal(podDescription(notReady, NOW), 'Running (not ready) · Guaranteed');
    assert.equal(podIcon(notReady).id, 'warning');
    assert.equal(podStatus(vm({ name: 'd-0', release: 'd', deleting: true })), 'Terminating');
    assert.equal(podIcon(vm({ name: 'e-0', release: 'e', phase: 'Pending', ready: false })).id, 'clock');
  });

  it('describes containers: ready, restarts with the last reason, state', () => {
    const p = vm({
      name: 'a-0',
      release: 'a',
      restarts: 1,
      lastReason: 'OOMKilled',
      lastExit: 137,
      lastFinished: '2025-01-01T10:09:00Z',
    });
    assert.equal(containerDescription(p.containers[0], NOW), 'ready · 1 restart (OOMKilled 1m ago) · running');
    assert.equal(containerDescription(p.containers[1], NOW), 'ready · running');
    const crash = vm({ name: 'b-0', release: 'b', ready: false, waiting: 'CrashLoopBackOff' });
    assert.equal(containerDescription(crash.containers[0], NOW), 'not ready · CrashLoopBackOff');
    assert.equal(containerIcon(crash.containers[0]).id, 'error');
  });

  it('describes a release with ready count and badges, and a tooltip with chart, values file and timeouts', () => {
    const secret = releaseSecret({ name: 'r1', revision: 2 });
    const [built] = buildReleases({
      releases: [decodeReleaseSecret(secret as SecretLike)!],
      pods: [
        pod({
          name: 'r1-a-0',
          release: 'r1',
          restarts: 1,
          lastReason: 'OOMKilled',
          qos: 'Burstable',
          annotations: {
            'k8s-sandbox.dev/risk-level': 'high',
            'k8s-sandbox.dev/app-timeout-seconds': '90',
            'k8s-sandbox.dev/deadline-seconds': '120',
          },
        }),
      ] as PodLike[],
      statefulSets: [
        statefulSet({ name: 'r1-a', release: 'r1' }),
        statefulSet({ name: 'r1-b', release: 'r1', runtimeClass: 'gvisor' }),
      ] as never,
      events: [],
      runtimeClasses: ['runc'],
    });
    const r = { ...built, valuesFile: '/w/values_1.yaml' }; // from the editor's records
    assert.equal(
      releaseDescription(r, NOW),
      'deployed r2 · 1/2 ready · 5m · RuntimeClass gvisor missing · 1 restart (OOMKilled 3m ago) · Burstable QoS',
    );
    assert.equal(releaseIcon(r).id, 'error');
    const tip = releaseTooltip(r, NOW);
    assert.match(tip, /\*\*Chart:\*\* k8s\\-sandbox 0\\\.1\\\.0/);
    assert.match(tip, /\*\*Values file:\*\* \/w\/values\\_1\\\.yaml/);
    assert.match(tip, /\*\*Timeouts:\*\* risk high, app 90 s, deadline 120 s, grace 10 s/);
    assert.match(tip, /\*\*Missing RuntimeClass:\*\* gvisor/);
    assert.match(tip, /r1\\-a\\-0 is Burstable/);
  });

  it('pod tooltip carries node, IP, start time, startup latency, grace, images and conditions', () => {
    const tip = podTooltip(vm({ name: 'a-0', release: 'a', runtimeClass: 'gvisor' }), NOW);
    for (const s of [
      '**Node:** node\\-1',
      '**IP:** 10\\.0\\.0\\.7',
      '**Started:** 2025\\-01\\-01T10:00:01Z',
      '**Startup latency:** 3\\.5 s \\(created → Ready, gvisor\\)',
      '**Grace period:** 10 s',
      'python:3\\.12',
      'Ready=True',
    ]) {
      assert.ok(tip.includes(s), `${s} in\n${tip}`);
    }
  });

  it('escapes Markdown in names and messages', () => {
    assert.equal(md('a_b*[x](y)'), 'a\\_b\\*\\[x\\]\\(y\\)');
  });
});

describe('state items', () => {
  const rel = buildReleases({
    releases: [decodeReleaseSecret(releaseSecret({ name: 'x' }) as SecretLike)!],
    pods: [],
    statefulSets: [],
    events: [],
  });
  it('loading, empty, unreachable, unauthorized, forbidden and fallback each have a message and an action', () => {
    assert.deepEqual(
      stateMessages({ phase: 'loading', context: 'c' }, []).map((m) => [m.id, m.severity, m.action]),
      [['loading', 'loading', undefined]],
    );
    assert.deepEqual(
      stateMessages({ phase: 'ready' }, []).map((m) => [m.id, m.action]),
      [['empty', 'installSandbox']],
    );
    assert.deepEqual(stateMessages({ phase: 'ready' }, rel), []);
    const down = stateMessages({ phase: 'unreachable', context: 'c', message: 'connect ECONNREFUSED' }, rel);
    assert.deepEqual(
      down.map((m) => [m.id, m.action, m.detail]),
      [['unreachable', 'retry', 'connect ECONNREFUSED']],
    );
    assert.match(stateMessages({ phase: 'unauthorized' }, [])[0].message, /sign in again/);
    assert.equal(stateMessages({ phase: 'forbidden', namespace: 'n' }, [])[0].action, 'selectNamespace');
    const fb = stateMessages({ phase: 'ready', fallback: { namespace: 'team', message: 'forbidden' } }, []);
    assert.deepEqual(
      fb.map((m) => m.id),
      ['fallback', 'empty'],
    );
    assert.match(fb[1].message, /namespace team/);
    assert.equal(
      stateMessages({ phase: 'noConfig', configReason: 'unknownContext', message: 'x' }, [])[0].action,
      'selectContext',
    );
    assert.equal(stateMessages({ phase: 'noConfig', configReason: 'notFound', message: 'x' }, [])[0].action, 'retry');
  });

  it('groups by namespace only when several are shown', () => {
    assert.equal(groupingNamespaces(rel), undefined);
    const two = buildReleases({
      releases: ['a', 'b'].map((ns) => decodeReleaseSecret(releaseSecret({ name: 'x', namespace: ns }) as SecretLike)!),
      pods: [],
      statefulSets: [],
      events: [],
    });
    assert.deepEqual(groupingNamespaces(two), ['a', 'b']);
  });
});
