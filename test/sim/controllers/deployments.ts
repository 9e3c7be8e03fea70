// Deployment -> ReplicaSet (pod-template-hash, revision annotation, old sets scaled to 0) and ReplicaSet -> pods,
// with the status and conditions Helm's legacy wait and kstatus read.
import { templateHash } from '../admission';
import { recordEvent } from '../events';
import { resources } from '../resources';
import { selectorMatches } from '../selectors';
import type { KubeObject } from '../store';
import { controllerRef, podFinished, podReady, setStatus, type ControlPlaneContext } from './base';
import { createPod, deletePod, ownedPods } from './pods';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are loosely typed JSON */

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

function condition(prev: any[] | undefined, type: string, status: string, reason: string, message: string): any {
  const old = (prev ?? []).find((c) => c.type === type);
  const ts = old && old.status === status ? old.lastTransitionTime : now();
  return {
    type,
    status,
    lastUpdateTime: old && old.status === status && old.reason === reason ? old.lastUpdateTime : now(),
    lastTransitionTime: ts,
    reason,
    message,
  };
}

export function reconcileDeployment(ctx: ControlPlaneContext, ns: string, name: string): boolean {
  const d = ctx.store.get(resources.deployments, ns, name) as any;
  if (!d || d.metadata.deletionTimestamp) return false;
  const hash = templateHash(d.spec.template);
  const owned = ctx.owners
    .dependents(d.metadata.uid)
    .filter((x) => x.type === resources.replicasets)
    .map((x) => ctx.store.get(resources.replicasets, x.ns, x.name) as any)
    .filter((rs) => rs && !rs.metadata.deletionTimestamp);
  let current = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  const maxRevision = Math.max(
    0,
    ...owned.map((rs) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0)),
  );
  const replicas: number = d.spec.paused ? (current?.spec.replicas ?? 0) : (d.spec.replicas ?? 1);
  if (!current && !d.spec.paused) {
    const template = structuredClone(d.spec.template);
    template.metadata = {
      ...(template.metadata ?? {}),
      labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash },
    };
    const rs: any = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${name}-${hash}`,
        namespace: ns,
        labels: { ...(d.spec.template?.metadata?.labels ?? {}), 'pod-template-hash': hash },
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(replicas),
          'deployment.kubernetes.io/max-replicas': String(replicas + 1),
          'deployment.kubernetes.io/revision': String(maxRevision + 1),
        },
        ownerReferences: [controllerRef(resources.deployments, d)],
      },
      spec: {
        replicas,
        minReadySeconds: d.spec.minReadySeconds ?? 0,
        selector: {
          ...d.spec.selector,
          matchLabels: { ...(d.spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash },
        },
        template,
      },
    };
    ctx.admission.onCreate(resources.replicasets, rs);
    current = ctx.store.create(resources.replicasets, rs);
    recordEvent(ctx.store, {
      involvedObject: d,
      reason: 'ScalingReplicaSet',
      message: `Scaled up replica set ${rs.metadata.name} from 0 to ${replicas}`,
      type: 'Normal',
      source: 'deployment-controller',
    });
  } else if (current && current.spec.replicas !== replicas) {
    const from = current.spec.replicas;
    current.spec.replicas = replicas;
    current = ctx.store.update(resources.replicasets, current, { checkResourceVersion: false });
    recordEvent(ctx.store, {
      involvedObject: d,
      reason: 'ScalingReplicaSet',
      message: `Scaled ${replicas > from ? 'up' : 'down'} replica set ${current!.metadata.name} from ${from} to ${replicas}`,
      type: 'Normal',
      source: 'deployment-controller',
    });
  }
  // Old sets go to zero once the new one is available (a compressed rolling update).
  const newReady = current?.status?.readyReplicas ?? 0;
  for (const rs of owned) {
    if (rs === current || rs.metadata.uid === current?.metadata.uid || rs.spec.replicas === 0) continue;
    if (newReady >= replicas) {
      const from = rs.spec.replicas;
      rs.spec.replicas = 0;
      ctx.store.update(resources.replicasets, rs, { checkResourceVersion: false });
      recordEvent(ctx.store, {
        involvedObject: d,
        reason: 'ScalingReplicaSet',
        message: `Scaled down replica set ${rs.metadata.name} from ${from} to 0`,
        type: 'Normal',
        source: 'deployment-controller',
      });
    }
  }
  const all = [...owned.filter((rs) => rs.metadata.uid !== current?.metadata.uid), ...(current ? [current] : [])];
  const sum = (f: (rs: any) => number): number => all.reduce((a, rs) => a + f(rs), 0);
  const ready = sum((rs) => rs.status?.readyReplicas ?? 0);
  const total = sum((rs) => rs.status?.replicas ?? 0);
  const updated = current?.status?.replicas ?? 0;
  const available = sum((rs) => rs.status?.availableReplicas ?? 0);
  const complete =
    updated === replicas &&
    total === replicas &&
    available === replicas &&
    (current?.status?.observedGeneration ?? 0) === current?.metadata.generation;
  const failure = (current?.status?.conditions ?? []).find((c: any) => c.type === 'ReplicaFailure');
  const conds = [
    condition(
      d.status?.conditions,
      'Available',
      available >= replicas - maxUnavailable(d, replicas) ? 'True' : 'False',
      available >= replicas - maxUnavailable(d, replicas) ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
      available >= replicas - maxUnavailable(d, replicas)
        ? 'Deployment has minimum availability.'
        : 'Deployment does not have minimum availability.',
    ),
    condition(
      d.status?.conditions,
      'Progressing',
      'True',
      complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
      complete
        ? `ReplicaSet "${current?.metadata.name}" has successfully progressed.`
        : `ReplicaSet "${current?.metadata.name}" is progressing.`,
    ),
    ...(failure ? [condition(d.status?.conditions, 'ReplicaFailure', 'True', 'FailedCreate', failure.message)] : []),
  ];
  setStatus(ctx.store, resources.deployments, d, {
    observedGeneration: d.metadata.generation,
    replicas: total,
    updatedReplicas: updated,
    readyReplicas: ready,
    availableReplicas: available,
    ...(total - available > 0 ? { unavailableReplicas: total - available } : {}),
    conditions: conds,
  });
  return false;
}

function maxUnavailable(d: any, replicas: number): number {
  const v = d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%';
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(String(v));
  return m ? Math.floor((replicas * Number(m[1])) / 100) : Number(v) || 0;
}

export function reconcileReplicaSet(ctx: ControlPlaneContext, ns: string, name: string): boolean {
  const rs = ctx.store.get(resources.replicasets, ns, name) as any;
  if (!rs || rs.metadata.deletionTimestamp) return false;
  const want: number = rs.spec.replicas ?? 1;
  let pods: KubeObject[] = ownedPods(ctx, rs).filter((p) => !p.metadata.deletionTimestamp);
  for (const p of pods.filter(podFinished))
    deletePod(ctx, rs, p, 'replicaset-controller', `Deleted pod: ${p.metadata.name}`);
  pods = pods.filter((p) => !podFinished(p));
  let failedMsg: string | undefined;
  for (let i = pods.length; i < want; i++) {
    const created = createPod({
      ctx,
      ownerType: resources.replicasets,
      owner: rs,
      generateName: `${name}-`,
      labels: {},
      component: 'replicaset-controller',
      ok: (n) => `Created pod: ${n}`,
      failed: (_n, err) => `Error creating: ${err}`,
    });
    if (!created) {
      failedMsg = 'FailedCreate';
      break;
    }
    pods.push(created);
  }
  if (pods.length > want) {
    const extra = [...pods].sort((a, b) => Number(podReady(a)) - Number(podReady(b))).slice(0, pods.length - want);
    for (const p of extra) deletePod(ctx, rs, p, 'replicaset-controller', `Deleted pod: ${p.metadata.name}`);
    pods = pods.filter((p) => !extra.includes(p));
  }
  const ready = pods.filter(podReady).length;
  const failure = failedMsg
    ? ((rs.status?.conditions ?? []).find((c: any) => c.type === 'ReplicaFailure') ?? {
        type: 'ReplicaFailure',
        status: 'True',
        lastTransitionTime: now(),
        reason: 'FailedCreate',
        message: lastFailure(ctx, rs),
      })
    : undefined;
  setStatus(ctx.store, resources.replicasets, rs, {
    replicas: pods.length,
    fullyLabeledReplicas: pods.filter((p) => selectorMatches(rs.spec.selector, p.metadata.labels)).length,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: rs.metadata.generation,
    ...(failure ? { conditions: [failure] } : {}),
  });
  // The owning Deployment reads our status.
  return !!failedMsg;
}

function lastFailure(ctx: ControlPlaneContext, rs: any): string {
  const ev = ctx.store
    .scan(resources.events, rs.metadata.namespace)
    .find((e: any) => e.involvedObject?.uid === rs.metadata.uid && e.reason === 'FailedCreate') as any;
  return ev?.message?.replace(/^Error creating: /, '') ?? 'pod creation failed';
}
