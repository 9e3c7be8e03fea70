// Creating and deleting pods on behalf of workload controllers, with the events real controllers record.
import { deleteObject } from '../deletion';
import { recordEvent } from '../events';
import { resources } from '../resources';
import { ApiError, type KubeObject, type ResourceType } from '../store';
import { controllerRef, type ControlPlaneContext } from './base';

/* eslint-disable @typescript-eslint/no-explicit-any -- templates are loosely typed JSON */

export interface PodCreate {
  ctx: ControlPlaneContext;
  ownerType: ResourceType;
  owner: KubeObject;
  /** Fixed name (StatefulSet) or generateName prefix (ReplicaSet, DaemonSet). */
  name?: string;
  generateName?: string;
  labels: Record<string, string>;
  mutate?: (pod: any) => void;
  component: string;
  /** Event messages in the style of the owning controller. */
  ok: (podName: string) => string;
  failed: (podName: string, err: string) => string;
}

export function createPod(p: PodCreate): KubeObject | undefined {
  const tmpl = structuredClone((p.owner as any).spec?.template ?? {});
  const pod: any = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(p.name ? { name: p.name } : { generateName: p.generateName }),
      namespace: p.owner.metadata.namespace,
      labels: { ...(tmpl.metadata?.labels ?? {}), ...p.labels },
      ...(tmpl.metadata?.annotations ? { annotations: tmpl.metadata.annotations } : {}),
      ownerReferences: [controllerRef(p.ownerType, p.owner)],
    },
    spec: tmpl.spec ?? {},
  };
  p.mutate?.(pod);
  try {
    p.ctx.admission.checkNamespace(resources.pods, pod.metadata.namespace, pod.metadata.name ?? '');
    p.ctx.admission.onCreate(resources.pods, pod);
    const created = p.ctx.store.create(resources.pods, pod);
    recordEvent(p.ctx.store, {
      involvedObject: p.owner,
      reason: 'SuccessfulCreate',
      message: p.ok(created.metadata.name),
      type: 'Normal',
      source: p.component,
    });
    return created;
  } catch (e) {
    const msg = e instanceof ApiError ? e.message : String(e);
    recordEvent(p.ctx.store, {
      involvedObject: p.owner,
      reason: 'FailedCreate',
      message: p.failed(pod.metadata.name ?? pod.metadata.generateName ?? '', msg),
      type: 'Warning',
      source: p.component,
    });
    return undefined;
  }
}

export function deletePod(
  ctx: ControlPlaneContext,
  owner: KubeObject,
  pod: KubeObject,
  component: string,
  message: string,
): void {
  try {
    deleteObject(ctx.store, ctx.owners, resources.pods, pod.metadata.namespace, pod.metadata.name);
    recordEvent(ctx.store, {
      involvedObject: owner,
      reason: 'SuccessfulDelete',
      message,
      type: 'Normal',
      source: component,
    });
  } catch {
    // Already gone.
  }
}

/** Pods controlled by `owner` (through the owner index, not a namespace scan). */
export function ownedPods(ctx: ControlPlaneContext, owner: KubeObject): KubeObject[] {
  const out: KubeObject[] = [];
  for (const d of ctx.owners.dependents(owner.metadata.uid!)) {
    if (d.type !== resources.pods) continue;
    const p = ctx.store.get(resources.pods, d.ns, d.name);
    if (p && (p.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid && r.controller)) out.push(p);
  }
  return out;
}
