// StatefulSet controller: ordinal pods (OrderedReady or Parallel), volumeClaimTemplates, rolling updates from
// the highest ordinal, and the status fields Helm's --wait (legacy and kstatus) read.
import { templateHash } from '../admission';
import { recordEvent } from '../events';
import { resources } from '../resources';
import type { KubeObject } from '../store';
import { podFinished, podReady, setStatus, type ControlPlaneContext } from './base';
import { createPod, deletePod, ownedPods } from './pods';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are loosely typed JSON */

const COMPONENT = 'statefulset-controller';
const ordinalOf = (sts: string, pod: string): number =>
  pod.startsWith(`${sts}-`) && /^\d+$/.test(pod.slice(sts.length + 1)) ? Number(pod.slice(sts.length + 1)) : -1;

/** Returns true when a pod could not be created (the caller retries later). */
export function reconcileStatefulSet(ctx: ControlPlaneContext, ns: string, name: string): boolean {
  const sts = ctx.store.get(resources.statefulsets, ns, name) as any;
  if (!sts || sts.metadata.deletionTimestamp) return false;
  let failed = false;
  const spec = sts.spec ?? {};
  const replicas: number = spec.replicas ?? 1;
  const revision = `${name}-${templateHash(spec.template)}`;
  const parallel = spec.podManagementPolicy === 'Parallel';
  const pods = new Map<number, KubeObject>();
  for (const p of ownedPods(ctx, sts)) pods.set(ordinalOf(name, p.metadata.name), p);

  const revOf = (p: KubeObject): string | undefined => p.metadata.labels?.['controller-revision-hash'];
  const claims: any[] = spec.volumeClaimTemplates ?? [];

  // Scale down and replace finished pods.
  for (const [i, p] of pods) {
    if (p.metadata.deletionTimestamp) continue;
    if (i >= replicas || i < 0)
      deletePod(ctx, sts, p, COMPONENT, `delete Pod ${p.metadata.name} in StatefulSet ${name} successful`);
    else if (podFinished(p))
      deletePod(ctx, sts, p, COMPONENT, `delete Pod ${p.metadata.name} in StatefulSet ${name} successful`);
  }

  let blocked = false;
  for (let i = 0; i < replicas && !blocked; i++) {
    const existing = pods.get(i);
    if (existing) {
      if (!parallel && !podReady(existing)) blocked = true;
      continue;
    }
    const podName = `${name}-${i}`;
    for (const c of claims) ensureClaim(ctx, sts, c, podName);
    const created = createPod({
      ctx,
      ownerType: resources.statefulsets,
      owner: sts,
      name: podName,
      labels: {
        'controller-revision-hash': revision,
        'statefulset.kubernetes.io/pod-name': podName,
        'apps.kubernetes.io/pod-index': String(i),
      },
      mutate: (pod) => {
        pod.spec.hostname = podName;
        if (spec.serviceName) pod.spec.subdomain = spec.serviceName;
        const vols = (pod.spec.volumes ??= []);
        for (const c of claims) {
          if (!vols.some((v: any) => v.name === c.metadata?.name))
            vols.push({
              name: c.metadata?.name,
              persistentVolumeClaim: { claimName: `${c.metadata?.name}-${podName}` },
            });
        }
      },
      component: COMPONENT,
      ok: (n) => `create Pod ${n} in StatefulSet ${name} successful`,
      failed: (n, err) => `create Pod ${n} in StatefulSet ${name} failed error: ${err}`,
    });
    if (created) pods.set(i, created);
    else failed = true;
    if (!parallel) blocked = true;
  }

  // Rolling update: once every pod is ready, replace the highest out-of-date ordinal at or above the partition.
  const partition: number =
    spec.updateStrategy?.type === 'RollingUpdate' ? (spec.updateStrategy.rollingUpdate?.partition ?? 0) : Infinity;
  const live = [...pods.entries()].filter(([i]) => i >= 0 && i < replicas);
  if (live.length === replicas && live.every(([, p]) => podReady(p))) {
    const stale = live.filter(([i, p]) => i >= partition && revOf(p) !== revision).sort((a, b) => b[0] - a[0]);
    if (stale.length)
      deletePod(
        ctx,
        sts,
        stale[0][1],
        COMPONENT,
        `delete Pod ${stale[0][1].metadata.name} in StatefulSet ${name} successful`,
      );
  }

  const current = [...pods.values()].filter((p) => !p.metadata.deletionTimestamp);
  const updated = current.filter((p) => revOf(p) === revision).length;
  const ready = current.filter(podReady).length;
  const prevCurrent: string | undefined = sts.status?.currentRevision;
  const currentRevision =
    !prevCurrent || (updated === replicas && current.length === replicas) ? revision : prevCurrent;
  const status = {
    observedGeneration: sts.metadata.generation,
    replicas: current.length,
    readyReplicas: ready,
    currentReplicas: current.filter((p) => revOf(p) === currentRevision).length,
    updatedReplicas: updated,
    currentRevision,
    updateRevision: revision,
    collisionCount: 0,
    availableReplicas: ready,
  };
  setStatus(ctx.store, resources.statefulsets, sts, status);
  return failed;
}

function ensureClaim(ctx: ControlPlaneContext, sts: any, tmpl: any, podName: string): void {
  const claimName = `${tmpl.metadata?.name}-${podName}`;
  if (ctx.store.get(resources.persistentvolumeclaims, sts.metadata.namespace, claimName)) return;
  const pvc: any = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName,
      namespace: sts.metadata.namespace,
      labels: { ...(sts.spec.selector?.matchLabels ?? {}), ...(tmpl.metadata?.labels ?? {}) },
    },
    spec: structuredClone(tmpl.spec ?? {}),
  };
  try {
    ctx.admission.onCreate(resources.persistentvolumeclaims, pvc);
    ctx.store.create(resources.persistentvolumeclaims, pvc);
    recordEvent(ctx.store, {
      involvedObject: sts,
      reason: 'SuccessfulCreate',
      message: `create Claim ${claimName} Pod ${podName} in StatefulSet ${sts.metadata.name} success`,
      type: 'Normal',
      source: COMPONENT,
    });
  } catch {
    // Exists already (a retained claim from an earlier pod): reuse it.
  }
}
