import { strict as assert } from 'node:assert';
import { gzipSync } from 'node:zlib';
import {
  compactReleaseSecret,
  decodeReleasePayload,
  decodeReleaseSecret,
  isSandboxRelease,
  ReleaseDecoder,
  type HelmRelease,
  type SecretLike,
} from '../../../src/core/sandbox/helmRelease';
import { compactPod } from '../../../src/core/sandbox/compact';
import { buildReleases, type SandboxSnapshot } from '../../../src/core/sandbox/viewModels';
import type { PodLike, StatefulSetLike, EventLike } from '../../../src/core/kube/objects';
import { pod, releaseSecret, statefulSet } from './fixtures';

const decode = (s: Record<string, unknown>): HelmRelease => {
  const r = decodeReleaseSecret(s as SecretLike);
  assert.ok(r, 'decodes');
  return r;
};

function snapshot(
  o: Partial<{
    secrets: Record<string, unknown>[];
    pods: Record<string, unknown>[];
    sts: Record<string, unknown>[];
    events: Record<string, unknown>[];
    rcs: string[];
  }>,
): SandboxSnapshot {
  return {
    releases: (o.secrets ?? []).map((s) => decodeReleaseSecret(s as SecretLike)).filter((r): r is HelmRelease => !!r),
    pods: (o.pods ?? []) as PodLike[],
    statefulSets: (o.sts ?? []) as StatefulSetLike[],
    events: (o.events ?? []) as EventLike[],
    runtimeClasses: o.rcs,
  };
}

describe('helm release records', () => {
  it('decodes the double base64 + gzip payload and plain JSON payloads', () => {
    const r = decode(
      releaseSecret({
        name: 'abc',
        namespace: 'ns1',
        revision: 3,
        status: 'deployed',
        config: { timeouts: { riskLevel: 'high' } },
      }),
    );
    assert.equal(r.name, 'abc');
    assert.equal(r.namespace, 'ns1');
    assert.equal(r.revision, 3);
    assert.equal(r.status, 'deployed');
    assert.equal(r.chart.name, 'k8s-sandbox');
    assert.equal(r.chart.version, '0.1.0');
    assert.deepEqual(r.values, { timeouts: { riskLevel: 'high' } });
    assert.equal(decode(releaseSecret({ name: 'plain', gzip: false })).name, 'plain');
    const wire = Buffer.from(gzipSync(Buffer.from('{"name":"x"}')).toString('base64')).toString('base64');
    assert.deepEqual(decodeReleasePayload(wire), { name: 'x' });
  });

  it('ignores non-release Secrets and survives a corrupt payload by falling back to labels', () => {
    const s = releaseSecret({ name: 'abc', revision: 2 });
    assert.equal(decodeReleaseSecret({ ...s, type: 'Opaque' } as SecretLike), undefined);
    const broken = { ...s, data: { release: 'not base64 gzip' } } as SecretLike;
    const r = decodeReleaseSecret(broken);
    assert.equal(r?.name, 'abc');
    assert.equal(r?.revision, 2);
    assert.equal(r?.chart.name, '');
  });

  it('selects our chart, agent-env, or inspectSandbox=true; nothing else', () => {
    assert.ok(isSandboxRelease(decode(releaseSecret({ name: 'a', chart: 'k8s-sandbox' }))));
    assert.ok(isSandboxRelease(decode(releaseSecret({ name: 'b', chart: 'agent-env' }))));
    assert.ok(
      isSandboxRelease(decode(releaseSecret({ name: 'c', chart: 'other', labels: { inspectSandbox: 'true' } }))),
    );
    assert.ok(!isSandboxRelease(decode(releaseSecret({ name: 'd', chart: 'nginx' }))));
  });

  it('compacts a release Secret to its metadata and the decoded release, and keeps non-release Secrets readable', () => {
    const s = releaseSecret({
      name: 'a',
      config: { timeouts: { riskLevel: 'high' } },
      annotations: { note: 'x' },
    }) as unknown as SecretLike & { apiVersion: string; kind: string };
    const compact = compactReleaseSecret(s);
    assert.equal(compact.data, undefined, 'the payload is dropped');
    assert.deepEqual(compact.metadata, s.metadata);
    assert.equal(compact.type, s.type);
    assert.deepEqual(decodeReleaseSecret(compact), decodeReleaseSecret(s));
    assert.equal(
      decodeReleaseSecret(compact)?.values.timeouts &&
        (decodeReleaseSecret(compact)?.values.timeouts as { riskLevel: string }).riskLevel,
      'high',
    );
    assert.equal(compactReleaseSecret(compact), compact, 'compacting twice is a no-op');
    const opaque = { ...s, type: 'Opaque' };
    assert.equal(decodeReleaseSecret(compactReleaseSecret(opaque)), undefined);
    const broken = { ...s, data: { release: 'not base64 gzip' } };
    assert.deepEqual(
      decodeReleaseSecret(compactReleaseSecret(broken)),
      decodeReleaseSecret(broken),
      'a corrupt record still falls back to labels',
    );
  });

  it('caches decoded records per uid and resourceVersion', () => {
    const dec = new ReleaseDecoder();
    const s = releaseSecret({ name: 'a' }) as SecretLike;
    const first = dec.decode(s);
    assert.equal(dec.decode(s), first, 'same object from the cache');
    const changed = { ...s, metadata: { ...s.metadata, resourceVersion: '999' } };
    assert.notEqual(dec.decode(changed), first);
  });
});

describe('sandbox model', () => {
  it('keeps the latest revision, joins pods by instance label, counts ready pods and restarts', () => {
    const releases = buildReleases(
      snapshot({
        secrets: [
          releaseSecret({ name: 'r1', revision: 1, status: 'superseded' }),
          releaseSecret({
            name: 'r1',
            revision: 2,
            status: 'deployed',
            labels: { 'k8s-sandbox.dev/creator': 'alice' },
          }),
          releaseSecret({ name: 'nginx', chart: 'nginx' }),
        ],
        pods: [
          pod({ name: 'r1-default-0', release: 'r1', restarts: 2, lastReason: 'OOMKilled', runtimeClass: 'gvisor' }),
          pod({
            name: 'r1-web-0',
            release: 'r1',
            service: 'web',
            ready: false,
            waiting: 'CrashLoopBackOff',
            restarts: 1,
            lastReason: 'Error',
            lastExit: 1,
            lastFinished: '2025-01-01T10:08:00Z',
          }),
          pod({ name: 'other-0', release: 'other' }),
          pod({ name: 'nginx-0', release: 'nginx' }),
        ],
        sts: [
          statefulSet({ name: 'r1-default', release: 'r1' }),
          statefulSet({ name: 'r1-web', release: 'r1' }),
          statefulSet({ name: 'r1-db', release: 'r1', runtimeClass: 'kata' }),
        ],
        rcs: ['gvisor', 'runc'],
      }),
    );
    assert.deepEqual(
      releases.map((r) => r.name),
      ['r1'],
    );
    const r = releases[0];
    assert.equal(r.revision, 2);
    assert.equal(r.status, 'deployed');
    assert.equal(r.creator, 'alice');
    assert.deepEqual(
      r.pods.map((p) => p.name),
      ['r1-default-0', 'r1-web-0'],
    );
    assert.equal(r.expectedPods, 3);
    assert.equal(r.readyPods, 1);
    assert.equal(r.restarts, 3);
    assert.deepEqual(r.lastRestart, {
      container: 'web',
      reason: 'Error',
      exitCode: 1,
      at: Date.parse('2025-01-01T10:08:00Z'),
      pod: 'r1-web-0',
    });
    assert.deepEqual(r.missingRuntimeClasses, ['kata']);
    const p = r.pods[0];
    assert.equal(p.service, 'default');
    assert.equal(p.qos, 'Guaranteed');
    assert.equal(p.runtimeClass, 'gvisor');
    assert.equal(p.startupMs, undefined, 'no startup latency once a container restarted (Ready moved)');
    assert.equal(r.pods[1].startupMs, undefined);
    assert.equal(p.lastRestart?.reason, 'OOMKilled');
    assert.deepEqual(
      p.containers.map((c) => [c.name, c.ready, c.restarts, c.state]),
      [
        ['default', true, 2, 'running'],
        ['coredns', true, 0, 'running'],
      ],
    );
    assert.equal(r.pods[1].containers[0].reason, 'CrashLoopBackOff');
    assert.deepEqual(r.pods[0].node, { kind: 'pod', namespace: 'default', release: 'r1', pod: 'r1-default-0' });
    assert.deepEqual(r.pods[0].containers[0].node, {
      kind: 'container',
      namespace: 'default',
      release: 'r1',
      pod: 'r1-default-0',
      container: 'default',
    });
  });

  it('flags non-Guaranteed QoS and failed releases, and reads timeouts from pod annotations', () => {
    const [r] = buildReleases(
      snapshot({
        secrets: [releaseSecret({ name: 'r2', status: 'failed' })],
        pods: [
          pod({
            name: 'r2-a-0',
            release: 'r2',
            qos: 'Burstable',
            annotations: {
              'k8s-sandbox.dev/risk-level': 'high',
              'k8s-sandbox.dev/app-timeout-seconds': '90',
              'k8s-sandbox.dev/deadline-seconds': '120',
            },
          }),
        ],
      }),
    );
    assert.ok(r.failed);
    assert.deepEqual(r.nonGuaranteed, [{ pod: 'r2-a-0', qos: 'Burstable' }]);
    assert.deepEqual(r.timeouts, { riskLevel: 'high', appTimeoutSeconds: 90, deadlineSeconds: 120, graceSeconds: 10 });
  });

  it('reports a missing RuntimeClass from FailedCreate events when RuntimeClasses cannot be listed', () => {
    const event = {
      metadata: { name: 'e1', namespace: 'default' },
      involvedObject: { kind: 'StatefulSet', name: 'r3-default', namespace: 'default' },
      type: 'Warning',
      reason: 'FailedCreate',
      message:
        'create Pod r3-default-0 in StatefulSet r3-default failed error: pods "r3-default-0" is forbidden: pod rejected: RuntimeClass "gvisor" not found',
    };
    const snap = snapshot({
      secrets: [releaseSecret({ name: 'r3' })],
      sts: [statefulSet({ name: 'r3-default', release: 'r3', runtimeClass: 'gvisor' })],
      events: [event],
    });
    const [r] = buildReleases(snap);
    assert.deepEqual(r.missingRuntimeClasses, ['gvisor']);
    assert.equal(r.failedCreates.length, 1);
    assert.equal(r.readyPods, 0);
    assert.equal(r.expectedPods, 1);
    // Once the pod exists, the old event no longer counts.
    const [healed] = buildReleases({ ...snap, pods: [pod({ name: 'r3-default-0', release: 'r3' })] as PodLike[] });
    assert.deepEqual(healed.missingRuntimeClasses, []);
    assert.deepEqual(healed.failedCreates, []);
  });

  it('computes QoS by the Kubernetes rules when the server did not set status.qosClass', () => {
    const withSpec = (resources: Record<string, unknown>): PodLike => {
      const p = pod({ name: 'q-0', release: 'q' }) as {
        spec: { containers: Array<Record<string, unknown>> };
        status: Record<string, unknown>;
      };
      delete p.status.qosClass;
      p.spec.containers = [{ name: 'default', resources }];
      return p as unknown as PodLike;
    };
    const qos = (resources: Record<string, unknown>) =>
      buildReleases({ ...snapshot({ secrets: [releaseSecret({ name: 'q' })] }), pods: [withSpec(resources)] })[0]
        .pods[0].qos;
    assert.equal(qos({ limits: { cpu: '1', memory: '1Gi' } }), 'Guaranteed');
    assert.equal(qos({ limits: { memory: '1Gi' } }), 'Burstable');
    assert.equal(qos({}), 'BestEffort');
  });

  it('sorts by namespace then name and handles Date times from typed lists', () => {
    const p = pod({ name: 'x-0', release: 'x', namespace: 'b' }) as { metadata: { creationTimestamp: unknown } };
    p.metadata.creationTimestamp = new Date('2025-01-01T10:00:00Z');
    const rs = buildReleases(
      snapshot({
        secrets: [
          releaseSecret({ name: 'x', namespace: 'b' }),
          releaseSecret({ name: 'y', namespace: 'a' }),
          releaseSecret({ name: 'a', namespace: 'b' }),
        ],
        pods: [p as Record<string, unknown>],
      }),
    );
    assert.deepEqual(
      rs.map((r) => `${r.namespace}/${r.name}`),
      ['a/y', 'b/a', 'b/x'],
    );
    assert.equal(rs[2].pods[0].startupMs, 3500);
  });
});

describe('compact pods in the watch cache', () => {
  it('keep everything the view reads: the view-models equal those of the full pods', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const full = (o: Parameters<typeof pod>[0], extra: (p: Record<string, any>) => void) => {
      const p = pod(o) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      extra(p);
      return p;
    };
    const pods = [
      full(
        {
          name: 'a-0',
          release: 'a',
          restarts: 2,
          lastReason: 'OOMKilled',
          annotations: { 'k8s-sandbox.dev/risk-level': 'high' },
        },
        (p) => {
          p.spec.containers[0].env = [{ name: 'X', value: 'y' }];
          p.spec.containers[0].resources = {
            limits: { cpu: '1', memory: '1Gi' },
            requests: { cpu: '500m', memory: '1Gi' },
          };
          p.spec.volumes = [{ name: 'v', emptyDir: {} }];
          p.spec.activeDeadlineSeconds = 600;
          // What a real kubelet adds to the status (v1.33) that the view never reads.
          p.status.podIPs = [{ ip: '10.0.0.7' }];
          p.status.hostIPs = [{ ip: '10.1.0.2' }];
          p.status.observedGeneration = 1;
          p.metadata.ownerReferences = [{ kind: 'StatefulSet', name: 'a', uid: 'u', controller: true }];
          for (const c of p.status.containerStatuses) {
            c.imageID = `docker.io/library/python@sha256:${'0'.repeat(64)}`;
            c.containerID = 'containerd://abc';
            c.volumeMounts = [{ name: 'kube-api-access', mountPath: '/var/run/secrets', readOnly: true }];
            c.user = { linux: { uid: 0, gid: 0, supplementalGroups: [0] } };
          }
          p.status.conditions = [
            { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-01T10:00:00Z' },
          ];
          delete p.status.qosClass; // computed from the resources
        },
      ),
      full({ name: 'a-1', release: 'a', waiting: 'CrashLoopBackOff', ready: false, deleting: true }, (p) => {
        p.spec.initContainers = [
          {
            name: 'init',
            image: 'busybox',
            restartPolicy: 'Always',
            command: ['sh'],
            resources: { requests: { cpu: '100m' } },
          },
        ];
        p.status.initContainerStatuses = [{ name: 'init', ready: true, restartCount: 1, state: { running: {} } }];
        p.spec.resources = { limits: { cpu: '2', memory: '2Gi' } };
        delete p.status.qosClass;
      }),
    ];
    const secrets = [releaseSecret({ name: 'a' })];
    const compact = pods.map((p) => compactPod(p as never) as unknown as Record<string, unknown>);
    assert.deepEqual(buildReleases(snapshot({ secrets, pods: compact })), buildReleases(snapshot({ secrets, pods })));
    const c0 = compact[0] as { spec: { volumes?: unknown; containers: Array<{ env?: unknown; resources?: unknown }> } };
    assert.equal(c0.spec.volumes, undefined);
    assert.equal(c0.spec.containers[0].env, undefined);
    assert.ok(c0.spec.containers[0].resources, 'resources stay (QoS)');
    const s0 = compact[0] as {
      metadata: Record<string, unknown>;
      status: { podIPs?: unknown; conditions: Array<Record<string, unknown>>; containerStatuses: object[] };
    };
    assert.equal(s0.status.podIPs, undefined);
    assert.equal(s0.metadata.ownerReferences, undefined);
    assert.deepEqual(Object.keys(s0.status.conditions[0]), ['type', 'status', 'lastTransitionTime']);
    for (const c of s0.status.containerStatuses)
      for (const k of ['imageID', 'containerID', 'volumeMounts', 'user']) assert.ok(!(k in c), `${k} is dropped`);
  });
});
