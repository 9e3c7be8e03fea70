// The watch caches' Secrets, pods and StatefulSets by release, and pods' Warning events by pod, kept current
// from single-object changes, with the releases touched since the model last rebuilt (so it rebuilds only those).
import type { KubernetesObject } from '@kubernetes/client-node';
import type { WatchKind } from '../kube/watchKinds';
import { INSTANCE_LABEL } from '../names/labels';
import type { SecretLike } from './helmRelease';
import type { EventLike, PodLike, StatefulSetLike } from '../kube/objects';

/** One release's objects as the caches hold them now. */
export interface ReleaseGroup {
  secrets: Map<string, SecretLike & KubernetesObject>;
  pods: Map<string, PodLike>;
  sets: Map<string, StatefulSetLike>;
  /** FailedCreate events of its StatefulSets, as of the last full rebuild (a change there rebuilds fully). */
  events: EventLike[];
}

/** The key of a namespaced name (a release, a pod, a StatefulSet): `namespace/name`, default namespace when unset. */
export const namespacedKey = (ns: string | undefined, name: string): string => `${ns ?? 'default'}/${name}`;

/** The release an object belongs to (Secrets: helm's `name` label), or undefined. */
function releaseOf(kind: WatchKind, o: KubernetesObject): string | undefined {
  const labels = o.metadata?.labels;
  const rel = kind === 'secrets' ? labels?.name : labels?.[INSTANCE_LABEL];
  return rel ? namespacedKey(o.metadata?.namespace, rel) : undefined;
}

type Indexed = 'secrets' | 'pods' | 'statefulsets' | 'podevents';

export class ReleaseIndex {
  private groups = new Map<string, ReleaseGroup>();
  /** Release of each indexed object by kind/namespace/name (an update may move it; a delete is found here). */
  private objectRelease = new Map<string, string>();
  /** Warning events by pod (namespace/name) and event name: they may come before or after their pod. */
  private podEvents = new Map<string, Map<string, EventLike>>();
  /** Releases whose objects changed since the model last took them. */
  readonly dirty = new Set<string>();

  get(key: string): ReleaseGroup | undefined {
    return this.groups.get(key);
  }

  /** The Warning events of a release's pods. */
  podEventsOf(g: ReleaseGroup): EventLike[] {
    const out: EventLike[] = [];
    for (const p of g.pods.values()) {
      const events = this.podEvents.get(namespacedKey(p.metadata?.namespace, p.metadata?.name ?? ''));
      if (events) out.push(...events.values());
    }
    return out;
  }

  /** Everything again from the caches (nothing dirty after). */
  rebuild(hub: { list(kind: WatchKind): readonly KubernetesObject[] }): void {
    this.groups = new Map();
    this.objectRelease = new Map();
    this.podEvents = new Map();
    for (const kind of ['secrets', 'pods', 'statefulsets', 'podevents'] as const)
      for (const o of hub.list(kind)) this.track(kind, o, false);
    this.dirty.clear();
  }

  /** One object added, updated or deleted: files it under its release and marks the releases it left or joined. */
  track(kind: Indexed | WatchKind, o: KubernetesObject, deleted: boolean): void {
    if (kind === 'podevents') return this.trackPodEvent(o as EventLike & KubernetesObject, deleted);
    if (kind !== 'secrets' && kind !== 'pods' && kind !== 'statefulsets') return;
    const name = o.metadata?.name ?? '';
    const id = `${kind}/${o.metadata?.namespace ?? ''}/${name}`;
    const before = this.objectRelease.get(id);
    const after = deleted ? undefined : releaseOf(kind, o);
    const map = (key: string): Map<string, object> => {
      let g = this.groups.get(key);
      if (!g) this.groups.set(key, (g = { secrets: new Map(), pods: new Map(), sets: new Map(), events: [] }));
      return kind === 'secrets' ? g.secrets : kind === 'pods' ? g.pods : g.sets;
    };
    if (before !== undefined && before !== after) {
      map(before).delete(name);
      this.objectRelease.delete(id);
      this.dirty.add(before);
    }
    if (after !== undefined) {
      map(after).set(name, o); // an update keeps its place
      this.objectRelease.set(id, after);
      this.dirty.add(after);
    }
  }

  private trackPodEvent(e: EventLike & KubernetesObject, deleted: boolean): void {
    const io = e.involvedObject;
    if (io?.kind !== 'Pod' || !io.name) return;
    const ns = io.namespace ?? e.metadata?.namespace;
    const k = namespacedKey(ns, io.name);
    const name = e.metadata?.name ?? '';
    let events = this.podEvents.get(k);
    if (deleted || e.type !== 'Warning') {
      if (!events?.delete(name)) return;
      if (!events.size) this.podEvents.delete(k);
    } else {
      if (!events) this.podEvents.set(k, (events = new Map()));
      events.set(name, e);
    }
    const release = this.objectRelease.get(`pods/${ns ?? ''}/${io.name}`);
    if (release !== undefined) this.dirty.add(release);
  }
}
