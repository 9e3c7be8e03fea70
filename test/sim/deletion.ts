// Deletion as the API server decides it: graceful pods (the kubelet finishes them), finalizers, propagation
// (Foreground finalizer, Orphan strips ownerReferences, Background leaves dependents to the garbage collector),
// namespaces go Terminating and the namespace controller empties them.
import { resources } from './resources';
import { ApiError, type KubeObject, type ResourceType, type Store } from './store';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

export interface DeleteResult {
  object: KubeObject;
  /** True when the object is gone now; false when it only got a deletionTimestamp. */
  gone: boolean;
}

const now = (ms = 0): string => new Date(Date.now() + ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** Owner uid -> dependents index, kept current from store events (GC and Orphan need it). */
export class OwnerIndex {
  private readonly byOwner = new Map<string, Map<string, { type: ResourceType; ns?: string; name: string }>>();
  private readonly ownersOf = new Map<string, string[]>();

  constructor(store: Store) {
    for (const { type, object } of store.all()) this.add(type, object);
    store.subscribe((e) =>
      e.type === 'DELETED'
        ? this.remove(e.resource, e.object)
        : (this.remove(e.resource, e.object), this.add(e.resource, e.object)),
    );
  }

  private key = (t: ResourceType, o: KubeObject): string =>
    `${t.group}/${t.resource}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

  private add(type: ResourceType, o: KubeObject): void {
    const refs = o.metadata.ownerReferences ?? [];
    if (refs.length)
      this.ownersOf.set(
        this.key(type, o),
        refs.map((r) => r.uid),
      );
    for (const ref of refs) {
      let m = this.byOwner.get(ref.uid);
      if (!m) this.byOwner.set(ref.uid, (m = new Map()));
      m.set(this.key(type, o), { type, ns: o.metadata.namespace, name: o.metadata.name });
    }
  }

  private remove(type: ResourceType, o: KubeObject): void {
    const k = this.key(type, o);
    for (const uid of this.ownersOf.get(k) ?? []) {
      const m = this.byOwner.get(uid);
      if (m?.delete(k) && m.size === 0) this.byOwner.delete(uid);
    }
    this.ownersOf.delete(k);
  }

  dependents(uid: string): Array<{ type: ResourceType; ns?: string; name: string }> {
    return [...(this.byOwner.get(uid)?.values() ?? [])];
  }
}

export function deleteObject(
  store: Store,
  owners: OwnerIndex,
  type: ResourceType,
  ns: string | undefined,
  name: string,
  opts: DeleteOptions = {},
): DeleteResult {
  const obj = store.mustGet(type, ns, name);
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== obj.metadata.uid) {
    throw new ApiError(
      409,
      'Conflict',
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`,
      { name, kind: type.resource, group: type.group },
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw new ApiError(
      409,
      'Conflict',
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`,
      { name, kind: type.resource, group: type.group },
    );
  }
  if (opts.dryRun?.length) return { object: obj, gone: false };
  const policy = opts.propagationPolicy ?? (opts.orphanDependents ? 'Orphan' : undefined);

  if (policy === 'Orphan') {
    for (const d of owners.dependents(obj.metadata.uid!)) {
      const dep = store.get(d.type, d.ns, d.name);
      if (!dep) continue;
      dep.metadata.ownerReferences = (dep.metadata.ownerReferences ?? []).filter((r) => r.uid !== obj.metadata.uid);
      if (dep.metadata.ownerReferences.length === 0) delete dep.metadata.ownerReferences;
      store.update(d.type, dep, { checkResourceVersion: false });
    }
  }

  if (type === resources.namespaces) {
    if (!obj.metadata.deletionTimestamp) {
      obj.metadata.deletionTimestamp = now();
      obj.status = { ...((obj.status as object) ?? {}), phase: 'Terminating' };
      return { object: store.update(type, obj, { checkResourceVersion: false }), gone: false };
    }
    return { object: obj, gone: false };
  }

  if (policy === 'Foreground' && owners.dependents(obj.metadata.uid!).length > 0) {
    const f = obj.metadata.finalizers ?? [];
    if (!f.includes('foregroundDeletion')) obj.metadata.finalizers = [...f, 'foregroundDeletion'];
    obj.metadata.deletionTimestamp ??= now();
    obj.metadata.deletionGracePeriodSeconds ??= 0;
    return { object: store.update(type, obj, { checkResourceVersion: false }), gone: false };
  }

  if ((obj.metadata.finalizers ?? []).length > 0) {
    if (!obj.metadata.deletionTimestamp) {
      obj.metadata.deletionTimestamp = now();
      obj.metadata.deletionGracePeriodSeconds = 0;
      return { object: store.update(type, obj, { checkResourceVersion: false }), gone: false };
    }
    return { object: obj, gone: false };
  }

  if (type === resources.pods) {
    const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
    const phase = (obj.status as { phase?: string } | undefined)?.phase;
    const grace = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
    const finished = phase === 'Succeeded' || phase === 'Failed';
    if (grace > 0 && spec.nodeName && !finished) {
      const cur = obj.metadata.deletionGracePeriodSeconds;
      if (obj.metadata.deletionTimestamp && cur !== undefined && cur <= grace) return { object: obj, gone: false };
      obj.metadata.deletionTimestamp = now(grace * 1000);
      obj.metadata.deletionGracePeriodSeconds = grace;
      return { object: store.update(type, obj, { checkResourceVersion: false }), gone: false };
    }
  }
  return { object: store.delete(type, ns, name), gone: true };
}

/** An update that clears the last finalizer of an object being deleted completes the deletion. */
export function finishIfFinalized(store: Store, type: ResourceType, obj: KubeObject): boolean {
  if (!obj.metadata.deletionTimestamp || (obj.metadata.finalizers ?? []).length > 0) return false;
  if (type === resources.pods || type === resources.namespaces) return false;
  store.delete(type, obj.metadata.namespace, obj.metadata.name);
  return true;
}
