// Shared plumbing of the simulated control plane: a keyed work queue fed by store events, and the internal
// client that creates objects through the same admission as the API.
import type { Admission } from '../admission';
import type { OwnerIndex } from '../deletion';
import { apiVersionOf } from '../resources';
import type { KubeObject, ResourceType, Store } from '../store';

export interface ControlPlaneContext {
  store: Store;
  admission: Admission;
  owners: OwnerIndex;
  nodes: () => string[];
}

/** Coalesces reconcile requests per key and runs them on a later tick (never inside a store callback). */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private scheduled = false;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly work: (key: string) => void) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.add(key);
    }, ms);
    this.timers.add(t);
  }

  private drain(): void {
    this.scheduled = false;
    const keys = [...this.pending];
    this.pending.clear();
    for (const k of keys) {
      if (this.stopped) return;
      try {
        this.work(k);
      } catch (e) {
        // A controller error must not stop the control plane; retry later as a real controller would.
        if (process.env.SIM_DEBUG) console.error(`reconcile ${k}:`, e);
        this.addAfter(k, 1000);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

export const nsKey = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
export const splitKey = (k: string): [string, string] => {
  const i = k.indexOf('/');
  return [k.slice(0, i), k.slice(i + 1)];
};

export function controllerRef(
  type: ResourceType,
  owner: KubeObject,
): NonNullable<KubeObject['metadata']['ownerReferences']>[number] {
  return {
    apiVersion: apiVersionOf(type),
    kind: type.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The controlling owner of an object, if any. */
export const controllerOf = (o: KubeObject): { kind: string; name: string; uid: string } | undefined =>
  (o.metadata.ownerReferences ?? []).find((r) => r.controller);

/** Writes a new status only when it differs (status churn would flood watches). */
export function setStatus(store: Store, type: ResourceType, obj: KubeObject, status: unknown): void {
  if (JSON.stringify(obj.status) === JSON.stringify(status)) return;
  obj.status = status;
  store.update(type, obj, { checkResourceVersion: false });
}

/** Pod readiness as controllers count it. */
export function podReady(p: KubeObject): boolean {
  const st = p.status as { phase?: string; conditions?: Array<{ type: string; status: string }> } | undefined;
  return (
    st?.phase === 'Running' &&
    !!st.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') &&
    !p.metadata.deletionTimestamp
  );
}

export const podFinished = (p: KubeObject): boolean => {
  const phase = (p.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
};
