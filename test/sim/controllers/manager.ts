// The controller manager: routes store events to per-controller work queues.
import { resources } from '../resources';
import type { KubeObject, StoreEvent } from '../store';
import { controllerOf, nsKey, splitKey, WorkQueue, type ControlPlaneContext } from './base';
import { reconcileDaemonSet } from './daemonsets';
import { reconcileDeployment, reconcileReplicaSet } from './deployments';
import { bindClaim, GarbageCollector, reconcileNamespace, releaseVolume } from './lifecycle';
import { Scheduler } from './scheduler';
import { reconcileStatefulSet } from './statefulsets';
import { deleteObject } from '../deletion';

const RETRY_MS = 2000;

export class ControllerManager {
  private readonly queues: WorkQueue[] = [];
  private unsubscribe?: () => void;
  private readonly unschedulable = new Set<string>();
  readonly gc: GarbageCollector;

  constructor(private readonly ctx: ControlPlaneContext) {
    this.gc = new GarbageCollector(ctx);
  }

  private queue(work: (ns: string, name: string) => boolean | void, retryMs = RETRY_MS): WorkQueue {
    const q: WorkQueue = new WorkQueue((key) => {
      const [ns, name] = splitKey(key);
      if (work(ns, name)) q.addAfter(key, retryMs);
    });
    this.queues.push(q);
    return q;
  }

  start(): void {
    const { ctx } = this;
    const sts = this.queue((ns, n) => reconcileStatefulSet(ctx, ns, n));
    const deploy = this.queue((ns, n) => reconcileDeployment(ctx, ns, n));
    const rs = this.queue((ns, n) => reconcileReplicaSet(ctx, ns, n));
    const ds = this.queue((ns, n) => reconcileDaemonSet(ctx, ns, n));
    const scheduler = new Scheduler(ctx);
    const sched = this.queue((ns, n) => {
      const stuck = scheduler.schedule(ns, n);
      if (stuck) this.unschedulable.add(`${ns}/${n}`);
      else this.unschedulable.delete(`${ns}/${n}`);
      return stuck;
    }, 5000);
    const namespaces = this.queue((_ns, n) => reconcileNamespace(ctx, n), 200);
    const claims = this.queue((ns, n) => bindClaim(ctx, ns, n));
    const gc = new WorkQueue((uid) => this.gc.collect(uid));
    this.queues.push(gc);
    const foreground = new WorkQueue((key) => {
      const [g, r, ns, name] = key.split('|');
      const type = resources.byResource(g, r);
      if (type && this.gc.finishForeground(type, ns || undefined, name)) foreground.addAfter(key, 200);
    });
    this.queues.push(foreground);

    const byOwnerKind: Record<string, WorkQueue> = {
      StatefulSet: sts,
      ReplicaSet: rs,
      DaemonSet: ds,
      Deployment: deploy,
    };
    const owner = (o: KubeObject): void => {
      const ref = controllerOf(o);
      const q = ref && byOwnerKind[ref.kind];
      if (q) q.add(`${o.metadata.namespace ?? ''}/${ref.name}`);
    };

    const onEvent = (e: StoreEvent): void => {
      const o = e.object;
      this.gc.noteEvent(e.type, o);
      if (e.type === 'DELETED') gc.add(o.metadata.uid!);
      else if (e.type === 'ADDED' && this.gc.dangling(e.resource, o)) {
        setImmediate(() => {
          try {
            deleteObject(ctx.store, ctx.owners, e.resource, o.metadata.namespace, o.metadata.name, {});
          } catch {
            // Gone already.
          }
        });
      }
      if (
        e.type !== 'DELETED' &&
        o.metadata.deletionTimestamp &&
        (o.metadata.finalizers ?? []).includes('foregroundDeletion')
      ) {
        foreground.add(`${e.resource.group}|${e.resource.resource}|${o.metadata.namespace ?? ''}|${o.metadata.name}`);
      }
      switch (e.resource) {
        case resources.statefulsets:
          sts.add(nsKey(o));
          break;
        case resources.deployments:
          deploy.add(nsKey(o));
          break;
        case resources.replicasets:
          rs.add(nsKey(o));
          owner(o);
          break;
        case resources.daemonsets:
          ds.add(nsKey(o));
          break;
        case resources.pods:
          owner(o);
          if (
            e.type !== 'DELETED' &&
            !(o.spec as { nodeName?: string } | undefined)?.nodeName &&
            !o.metadata.deletionTimestamp
          )
            sched.add(nsKey(o));
          break;
        case resources.nodes:
          for (const k of this.unschedulable) sched.add(k);
          for (const d of ctx.store.scan(resources.daemonsets)) ds.add(nsKey(d));
          break;
        case resources.namespaces:
          if (e.type === 'ADDED') this.namespaceDefaults(o.metadata.name);
          if (e.type !== 'DELETED' && o.metadata.deletionTimestamp) namespaces.add(`/${o.metadata.name}`);
          break;
        case resources.persistentvolumeclaims:
          if (e.type === 'ADDED') claims.add(nsKey(o));
          if (e.type === 'DELETED') releaseVolume(ctx, o);
          break;
        case resources.runtimeclasses:
          for (const k of this.unschedulable) sched.add(k);
          break;
        default:
          break;
      }
    };
    this.unsubscribe = ctx.store.subscribe(onEvent);
    // Objects that existed before start (seeded) get reconciled too.
    for (const { type, object } of ctx.store.all()) onEvent({ type: 'ADDED', resource: type, object, rv: 0 });
  }

  /** What the service-account and root-CA controllers put into every new namespace. */
  private namespaceDefaults(ns: string): void {
    setImmediate(() => {
      try {
        if (!this.ctx.store.get(resources.serviceaccounts, ns, 'default')) {
          this.ctx.store.create(resources.serviceaccounts, {
            apiVersion: 'v1',
            kind: 'ServiceAccount',
            metadata: { name: 'default', namespace: ns },
          });
        }
      } catch {
        // The namespace went away again.
      }
    });
  }

  stop(): void {
    this.unsubscribe?.();
    for (const q of this.queues) q.stop();
  }
}
