// The shape of one watched kind (list, path, selectors, compaction); what is watched is core/sandbox/watchSpecs.ts.
import type { KubernetesObject } from '@kubernetes/client-node';

export type WatchKind = 'secrets' | 'pods' | 'statefulsets' | 'events' | 'podevents' | 'runtimeclasses';

export interface ListQuery {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface WatchSpec {
  kind: WatchKind;
  namespaced: boolean;
  /** Without it the view cannot show sandboxes; optional kinds only add detail (and may be forbidden). */
  required: boolean;
  labelSelector?: string;
  fieldSelector?: string;
  /** Items per list page (a bounded page keeps one huge response body from ever being held at once). */
  pageSize: number;
  /** API path of the collection (namespace undefined: all namespaces). */
  path(namespace?: string): string;
  /** What the cache keeps of an object (listed or watched): only what the view reads, when that is much less. */
  compact?(o: KubernetesObject): KubernetesObject;
  /**
   * What to show while the first full list loads, made from a metadata-only list of the same objects (labels,
   * names, times: a few hundred bytes an object where the full one may be ~60 KB). Dropped once the list is in.
   */
  preview?(o: KubernetesObject): KubernetesObject;
}
