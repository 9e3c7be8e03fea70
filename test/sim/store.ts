// In-memory object store of the simulated cluster: one global resourceVersion counter, as etcd gives a real
// API server, and an event log that watches resume from (and that answers 410 once an RV falls out of it).
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }>;
  finalizers?: string[];
  generateName?: string;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** One served resource: `pods` in group "" version v1, `statefulsets` in apps/v1, ... */
export interface ResourceType {
  group: string;
  version: string;
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface StoreEvent {
  type: EventType;
  resource: ResourceType;
  object: KubeObject;
  rv: number;
}

/** An error carrying what the HTTP layer turns into a metav1.Status. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; kind?: string; group?: string; causes?: unknown[] },
  ) {
    super(message);
  }
}

export const gvr = (t: ResourceType): string => `${t.group || 'core'}/${t.version}/${t.resource}`;
const keyOf = (t: ResourceType, namespace: string | undefined, name: string): string =>
  `${t.namespaced ? (namespace ?? '') : ''}/${name}`;

// generateName suffixes use apimachinery's alphabet (no vowels, no confusable digits).
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const suffix = (): string => Array.from(randomBytes(5), (b) => SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length]).join('');

// Byte order, as etcd keys sort (localeCompare is slow and locale dependent).
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const clone = <T>(v: T): T => structuredClone(v);

export class Store {
  // Per type, then `namespace/name`: a list touches only its own type.
  private objects = new Map<string, Map<string, { type: ResourceType; object: KubeObject }>>();
  private log: StoreEvent[] = [];
  private oldestRv = 1;
  private rv = 1;
  private readonly emitter = new EventEmitter();
  /** How many events watches can resume from. */
  logLimit = 20_000;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** RVs older than this are expired (410 Gone on watch). */
  get oldestResourceVersion(): number {
    return this.oldestRv;
  }

  /**
   * Expire every RV older than now (fault injection: the next watch from any of them gets 410). The current RV
   * stays watchable, as on a real API server (it never compacts its current revision: a list's RV is valid).
   */
  expireHistory(): void {
    this.log = [];
    this.oldestRv = this.rv;
  }

  /** Etcd compaction: history up to `rv` is gone (a watch from an RV before it gets 410), later events stay. */
  compact(rv: number): void {
    const target = Math.min(rv, this.rv);
    if (target <= this.oldestRv) return;
    const keep = this.log.findIndex((e) => e.rv > target);
    this.log = keep < 0 ? [] : this.log.slice(keep);
    this.oldestRv = target;
  }

  /**
   * Compacts every `intervalMs` to the resourceVersion seen one interval earlier, as kube-apiserver compacts
   * etcd (--etcd-compaction-interval, 5 min): a client that saw nothing newer for a while must re-list.
   * Returns the stop function.
   */
  startCompaction(intervalMs: number): () => void {
    let previous = this.rv;
    const timer = setInterval(() => {
      this.compact(previous);
      previous = this.rv;
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private bucket(type: ResourceType): Map<string, { type: ResourceType; object: KubeObject }> {
    let b = this.objects.get(gvr(type));
    if (!b) this.objects.set(gvr(type), (b = new Map()));
    return b;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const e = this.bucket(type).get(keyOf(type, namespace, name));
    return e ? clone(e.object) : undefined;
  }

  mustGet(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const o = this.get(type, namespace, name);
    if (!o) throw notFound(type, name);
    return o;
  }

  /** Objects of a type, in one namespace or (namespace undefined) all. Sorted by namespace/name as etcd is. */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    return this.scan(type, namespace).map(clone);
  }

  /**
   * Like list, without copies: the caller must not modify the objects (the API server serializes them at once;
   * cloning thousands of pods per request would dominate a full list).
   */
  scan(type: ResourceType, namespace?: string): readonly KubeObject[] {
    const prefix = type.namespaced && namespace !== undefined ? `${namespace}/` : '';
    const out: KubeObject[] = [];
    for (const [k, e] of this.bucket(type)) if (!prefix || k.startsWith(prefix)) out.push(e.object);
    out.sort(
      (a, b) => cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || cmp(a.metadata.name, b.metadata.name),
    );
    return out;
  }

  /** Every stored object of every type (for garbage collection and dumps). */
  all(): Array<{ type: ResourceType; object: KubeObject }> {
    const out: Array<{ type: ResourceType; object: KubeObject }> = [];
    for (const b of this.objects.values())
      for (const e of b.values()) out.push({ type: e.type, object: clone(e.object) });
    return out;
  }

  create(type: ResourceType, input: KubeObject): KubeObject {
    const obj = clone(input);
    const meta = obj.metadata ?? ({} as ObjectMeta);
    obj.metadata = meta;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + suffix();
    if (!meta.name)
      throw new ApiError(
        422,
        'Invalid',
        `${type.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
        { kind: type.kind },
      );
    if (!type.namespaced) delete meta.namespace;
    const key = keyOf(type, meta.namespace, meta.name);
    if (this.bucket(type).has(key)) {
      throw new ApiError(
        409,
        'AlreadyExists',
        `${type.resource}${type.group ? '.' + type.group : ''} "${meta.name}" already exists`,
        { name: meta.name, kind: type.resource, group: type.group },
      );
    }
    obj.apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
    obj.kind = type.kind;
    meta.uid = randomUUID();
    meta.creationTimestamp = now();
    meta.generation = 1;
    meta.resourceVersion = String(++this.rv);
    this.bucket(type).set(key, { type, object: obj });
    this.record('ADDED', type, obj);
    return clone(obj);
  }

  /**
   * Replace an object. With `checkResourceVersion`, a stale metadata.resourceVersion is a 409 Conflict; an update
   * without one is unconditional (Helm PUTs its release Secrets that way). generation rises only when spec changes.
   */
  update(type: ResourceType, input: KubeObject, opts: { checkResourceVersion?: boolean } = {}): KubeObject {
    const key = keyOf(type, input.metadata.namespace, input.metadata.name);
    const current = this.bucket(type).get(key);
    if (!current) throw notFound(type, input.metadata.name);
    const prev = current.object;
    if (
      opts.checkResourceVersion !== false &&
      input.metadata.resourceVersion &&
      input.metadata.resourceVersion !== prev.metadata.resourceVersion
    ) {
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${type.resource}${type.group ? '.' + type.group : ''} "${input.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name: input.metadata.name, kind: type.resource, group: type.group },
      );
    }
    const obj = clone(input);
    obj.apiVersion = prev.apiVersion;
    obj.kind = prev.kind;
    obj.metadata = {
      ...obj.metadata,
      uid: prev.metadata.uid,
      creationTimestamp: prev.metadata.creationTimestamp,
      namespace: prev.metadata.namespace,
    };
    if (prev.metadata.deletionTimestamp) obj.metadata.deletionTimestamp = prev.metadata.deletionTimestamp;
    const specChanged = JSON.stringify(obj.spec) !== JSON.stringify(prev.spec);
    obj.metadata.generation = (prev.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    obj.metadata.resourceVersion = String(++this.rv);
    this.bucket(type).set(key, { type, object: obj });
    this.record('MODIFIED', type, obj);
    return clone(obj);
  }

  /** Remove an object now (graceful deletion and finalizers are the caller's policy). */
  delete(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const key = keyOf(type, namespace, name);
    const current = this.bucket(type).get(key);
    if (!current) throw notFound(type, name);
    this.bucket(type).delete(key);
    const obj = clone(current.object);
    obj.metadata.resourceVersion = String(++this.rv);
    this.record('DELETED', type, obj);
    return clone(obj);
  }

  /** Events after `rv`, or undefined when `rv` is older than the log holds (the caller answers 410). */
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv < this.oldestRv) return undefined;
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.log[mid].rv > rv) hi = mid;
      else lo = mid + 1;
    }
    return this.log.slice(lo);
  }

  /** Live events; returns the unsubscribe function. */
  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  private record(type: EventType, resource: ResourceType, object: KubeObject): void {
    const ev: StoreEvent = { type, resource, object: clone(object), rv: this.rv };
    this.log.push(ev);
    if (this.log.length > this.logLimit) {
      const dropped = this.log.splice(0, this.log.length - this.logLimit);
      this.oldestRv = dropped[dropped.length - 1].rv;
    }
    this.emitter.emit('event', ev);
  }
}

export function notFound(type: ResourceType, name: string): ApiError {
  const res = `${type.resource}${type.group ? '.' + type.group : ''}`;
  return new ApiError(404, 'NotFound', `${res} "${name}" not found`, { name, kind: type.resource, group: type.group });
}
