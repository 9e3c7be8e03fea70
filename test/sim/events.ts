// core/v1 Events as the control plane and kubelet record them (kubectl describe lists them by involvedObject).
import { randomBytes } from 'node:crypto';
import { resources } from './resources';
import type { KubeObject, Store } from './store';

export interface EventInput {
  involvedObject:
    | KubeObject
    | {
        apiVersion: string;
        kind: string;
        metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string };
      };
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  /** Component that reports it: `default-scheduler`, `kubelet`, `statefulset-controller`, ... */
  source: string;
  /** Node name for kubelet events. */
  host?: string;
}

// Dedupe index per store (a list scan per event would be quadratic with thousands of pods).
const indexes = new WeakMap<Store, Map<string, string>>();

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * Records an Event; a repeat of the same reason+message on the same object bumps `count` and `lastTimestamp`,
 * as the real event recorder does. Never throws (events are best effort, as in Kubernetes).
 */
export function recordEvent(store: Store, e: EventInput): KubeObject | undefined {
  const o = e.involvedObject;
  const ns = o.metadata.namespace || 'default';
  try {
    let index = indexes.get(store);
    if (!index) indexes.set(store, (index = new Map()));
    const key = `${o.metadata.uid ?? o.metadata.name}|${e.reason}|${e.message}`;
    const known = index.get(key);
    const existing = known ? store.get(resources.events, ns, known) : undefined;
    const ts = now();
    if (existing) {
      existing.count = ((existing.count as number) ?? 1) + 1;
      existing.lastTimestamp = ts;
      return store.update(resources.events, existing, { checkResourceVersion: false });
    }
    const created = store.create(resources.events, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${o.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: ns },
      involvedObject: {
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.metadata.name,
        namespace: o.metadata.namespace,
        uid: o.metadata.uid,
        resourceVersion: o.metadata.resourceVersion,
      },
      reason: e.reason,
      message: e.message,
      type: e.type,
      source: { component: e.source, ...(e.host ? { host: e.host } : {}) },
      reportingComponent: e.source,
      reportingInstance: e.host ?? '',
      firstTimestamp: ts,
      lastTimestamp: ts,
      eventTime: null,
      count: 1,
    });
    index.set(key, created.metadata.name);
    return created;
  } catch {
    return undefined;
  }
}
