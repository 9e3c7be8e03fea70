// What the Sandboxes view watches: only the objects a sandbox is made of, narrowed by labels or fields so a
// busy cluster does not flood the cache.
import type { WatchSpec } from '../kube/watchKinds';
import { INSTANCE_LABEL } from '../names/labels';
import { compactEvent, compactPod, compactStatefulSet } from './compact';
import { compactReleaseSecret, previewReleaseSecret } from './helmRelease';

const nsPath =
  (prefix: string, resource: string) =>
  (namespace?: string): string =>
    namespace ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${resource}` : `${prefix}/${resource}`;

export const watchSpecs: readonly WatchSpec[] = [
  {
    kind: 'secrets',
    namespaced: true,
    required: true,
    // Helm's storage driver labels every release record owner=helm; sandbox installs (ours, inspect_k8s_sandbox's)
    // add inspectSandbox=true. Other releases' records (often ~1 MB each) are never fetched; unlabelled sandboxes
    // are found from their pods (sandbox/releaseRecords.ts).
    labelSelector: 'owner=helm,inspectSandbox=true',
    // A release record is ~60 KB (gzipped chart + manifest): 100 a page is ~6 MB (smaller pages cost more
    // round trips than they save).
    pageSize: 100,
    path: nsPath('/api/v1', 'secrets'),
    compact: (o) => compactReleaseSecret(o),
    // The view lists releases from their records' labels first (~1 KB each), then reads the records themselves.
    preview: (o) => previewReleaseSecret(o),
  },
  {
    kind: 'pods',
    namespaced: true,
    required: true,
    // Only pods that belong to some release (the instance label), not every pod of the cluster.
    labelSelector: INSTANCE_LABEL,
    pageSize: 500, // kubectl's chunk size
    path: nsPath('/api/v1', 'pods'),
    compact: compactPod,
  },
  {
    kind: 'statefulsets',
    namespaced: true,
    required: true,
    labelSelector: INSTANCE_LABEL,
    pageSize: 500,
    path: nsPath('/apis/apps/v1', 'statefulsets'),
    compact: compactStatefulSet,
  },
  {
    kind: 'events',
    namespaced: true,
    required: false,
    // Pods a controller could not create (e.g. RuntimeClass not found) exist only as these events.
    fieldSelector: 'type=Warning,reason=FailedCreate',
    pageSize: 500,
    path: nsPath('/api/v1', 'events'),
    compact: compactEvent,
  },
  {
    kind: 'podevents',
    namespaced: true,
    required: false,
    // "Why not ready": what the scheduler and kubelet said about pods (FailedScheduling, image pull back-off,
    // FailedCreatePodSandBox). Field-selected on the server, so Normal events never reach us.
    fieldSelector: 'involvedObject.kind=Pod,type=Warning',
    pageSize: 500,
    path: nsPath('/api/v1', 'events'),
    compact: compactEvent,
  },
  {
    kind: 'runtimeclasses',
    namespaced: false,
    required: false,
    pageSize: 500,
    path: () => '/apis/node.k8s.io/v1/runtimeclasses',
  },
];
