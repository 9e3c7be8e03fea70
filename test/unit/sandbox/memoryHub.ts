// An in-memory stand-in for the WatchHub's port, for pure model tests: the caches as arrays, events fired by the test.
import type { KubernetesObject } from '@kubernetes/client-node';
import { Emitter } from '../../../src/core/kube/emitter';
import type { ConnectionState, ObjectsChange } from '../../../src/core/kube/watchHub';
import type { WatchKind } from '../../../src/core/kube/watchKinds';
import type { HubPort } from '../../../src/core/sandbox/liveModel';

/** An in-memory stand-in for the WatchHub's port: the caches as arrays, events fired by the test. */
export class MemoryHub implements HubPort {
  state: ConnectionState = { phase: 'ready', context: 'c', namespace: 'default' };
  readonly objects: Record<WatchKind, KubernetesObject[]> = {
    secrets: [],
    pods: [],
    statefulsets: [],
    events: [],
    podevents: [],
    runtimeclasses: [],
  };
  private readonly stateE = new Emitter<ConnectionState>();
  private readonly objE = new Emitter<ObjectsChange>();
  readonly onDidChangeState = this.stateE.event;
  readonly onDidChangeObjects = this.objE.event;
  list<T extends KubernetesObject>(kind: WatchKind): readonly T[] {
    return this.objects[kind] as T[];
  }
  /** Kinds still being listed. */
  readonly loading = new Set<WatchKind>();
  isReady(kind: WatchKind): boolean {
    return !this.loading.has(kind);
  }
  start(): void {}
  retry(): void {}
  refresh(): void {}
  changed(kind: WatchKind): void {
    this.objE.fire({ kind });
  }
  /** One object replaced (or removed) in its cache, as the hub reports an informer event. */
  replaced(kind: WatchKind, object: KubernetesObject, deleted = false): void {
    const list = this.objects[kind];
    const at = list.findIndex(
      (o) => o.metadata?.name === object.metadata?.name && o.metadata?.namespace === object.metadata?.namespace,
    );
    if (deleted) list.splice(at, 1);
    else if (at >= 0) list[at] = object;
    else list.push(object);
    this.objE.fire({ kind, object, deleted });
  }
  setState(s: ConnectionState): void {
    this.state = s;
    this.stateE.fire(s);
  }
}
