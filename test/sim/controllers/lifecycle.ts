// Garbage collection through ownerReferences (Background and Foreground), the namespace controller (empties a
// Terminating namespace, then removes it) and the PVC binder (dynamic provisioning, Immediate binding).
import { deleteObject } from '../deletion';
import { recordEvent } from '../events';
import { resources } from '../resources';
import { ApiError, type KubeObject, type ResourceType } from '../store';
import type { ControlPlaneContext } from './base';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are loosely typed JSON */

const ignoreNotFound = (f: () => void): void => {
  try {
    f();
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 404)) throw e;
  }
};

export class GarbageCollector {
  /** uids of live objects: an ownerReference to anything else dangles. */
  private readonly live = new Set<string>();

  constructor(private readonly ctx: ControlPlaneContext) {
    for (const { object } of ctx.store.all()) this.live.add(object.metadata.uid!);
  }

  noteEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', o: KubeObject): void {
    if (type === 'DELETED') this.live.delete(o.metadata.uid!);
    else this.live.add(o.metadata.uid!);
  }

  /** Deletes dependents of a deleted owner (or of one being deleted in the foreground). */
  collect(ownerUid: string): void {
    for (const d of this.ctx.owners.dependents(ownerUid)) {
      const dep = this.ctx.store.get(d.type, d.ns, d.name);
      if (!dep || dep.metadata.deletionTimestamp) continue;
      const others = (dep.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid && this.live.has(r.uid));
      if (others.length > 0 && this.live.has(ownerUid) === false) {
        dep.metadata.ownerReferences = dep.metadata.ownerReferences!.filter((r) => r.uid !== ownerUid);
        ignoreNotFound(() => this.ctx.store.update(d.type, dep, { checkResourceVersion: false }));
        continue;
      }
      ignoreNotFound(() =>
        deleteObject(this.ctx.store, this.ctx.owners, d.type, d.ns, d.name, { propagationPolicy: 'Background' }),
      );
    }
  }

  /** Objects whose every owner is gone are deleted (e.g. created after the owner's deletion). */
  dangling(type: ResourceType, o: KubeObject): boolean {
    const refs = o.metadata.ownerReferences ?? [];
    return refs.length > 0 && refs.every((r) => !this.live.has(r.uid));
  }

  /** Foreground deletion: once the dependents are gone, drop the finalizer so the owner goes too. */
  finishForeground(type: ResourceType, ns: string | undefined, name: string): boolean {
    const o = this.ctx.store.get(type, ns, name);
    if (!o || !o.metadata.deletionTimestamp || !(o.metadata.finalizers ?? []).includes('foregroundDeletion'))
      return false;
    this.collect(o.metadata.uid!);
    if (this.ctx.owners.dependents(o.metadata.uid!).length > 0) return true;
    o.metadata.finalizers = o.metadata.finalizers!.filter((f) => f !== 'foregroundDeletion');
    const saved = this.ctx.store.update(type, o, { checkResourceVersion: false });
    if ((saved.metadata.finalizers ?? []).length === 0) ignoreNotFound(() => this.ctx.store.delete(type, ns, name));
    return false;
  }
}

/** Empties a Terminating namespace; returns true while content remains (the caller requeues). */
export function reconcileNamespace(ctx: ControlPlaneContext, name: string): boolean {
  const ns = ctx.store.get(resources.namespaces, undefined, name);
  if (!ns || !ns.metadata.deletionTimestamp) return false;
  let remaining = 0;
  for (const type of resources.all()) {
    if (!type.namespaced || type === resources.events) continue;
    for (const o of ctx.store.scan(type, name)) {
      remaining++;
      if (!o.metadata.deletionTimestamp)
        ignoreNotFound(() => deleteObject(ctx.store, ctx.owners, type, name, o.metadata.name, {}));
    }
  }
  if (remaining > 0) return true;
  for (const e of ctx.store.scan(resources.events, name))
    ignoreNotFound(() => ctx.store.delete(resources.events, name, e.metadata.name));
  ignoreNotFound(() => ctx.store.delete(resources.namespaces, undefined, name));
  return false;
}

export function bindClaim(ctx: ControlPlaneContext, ns: string, name: string): void {
  const pvc = ctx.store.get(resources.persistentvolumeclaims, ns, name) as any;
  if (!pvc || pvc.metadata.deletionTimestamp || pvc.status?.phase === 'Bound') return;
  const pvName = `pvc-${pvc.metadata.uid}`;
  const size = pvc.spec?.resources?.requests?.storage ?? '1Gi';
  const modes = pvc.spec?.accessModes ?? ['ReadWriteOnce'];
  if (!ctx.store.get(resources.persistentvolumes, undefined, pvName)) {
    ctx.store.create(resources.persistentvolumes, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: pvName, annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' } },
      spec: {
        capacity: { storage: size },
        accessModes: modes,
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: pvc.spec?.storageClassName ?? 'standard',
        volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
        hostPath: { path: `/var/local-path-provisioner/${pvName}_${ns}_${name}`, type: 'DirectoryOrCreate' },
        claimRef: {
          kind: 'PersistentVolumeClaim',
          namespace: ns,
          name,
          uid: pvc.metadata.uid,
          apiVersion: 'v1',
          resourceVersion: pvc.metadata.resourceVersion,
        },
      },
      status: { phase: 'Bound' },
    });
  }
  recordEvent(ctx.store, {
    involvedObject: pvc,
    reason: 'ProvisioningSucceeded',
    message: `Successfully provisioned volume ${pvName}`,
    type: 'Normal',
    source: 'rancher.io/local-path_local-path-provisioner',
  });
  pvc.spec.volumeName = pvName;
  pvc.metadata.annotations = {
    ...(pvc.metadata.annotations ?? {}),
    'pv.kubernetes.io/bind-completed': 'yes',
    'pv.kubernetes.io/bound-by-controller': 'yes',
  };
  pvc.status = { phase: 'Bound', accessModes: modes, capacity: { storage: size } };
  ctx.store.update(resources.persistentvolumeclaims, pvc, { checkResourceVersion: false });
}

/** Reclaim policy Delete: a released dynamic volume goes with its claim. */
export function releaseVolume(ctx: ControlPlaneContext, pvc: KubeObject): void {
  const pvName = (pvc.spec as any)?.volumeName;
  if (pvName) ignoreNotFound(() => ctx.store.delete(resources.persistentvolumes, undefined, pvName));
}
