// What the Sandboxes view watches: only the objects a sandbox is made of, narrowed by labels or fields so a
// busy cluster does not flood the cache.
import { AppsV1Api, CoreV1Api, NodeV1Api } from '@kubernetes/client-node';
import type { WatchSpec } from '../kube/watchKinds';
import { INSTANCE_LABEL } from '../names/labels';
import { compactPod } from './compact';
import { compactReleaseSecret } from './helmRelease';

const nsPath =
  (prefix: string, resource: string) =>
  (namespace?: string): string =>
    namespace ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${resource}` : `${prefix}/${resource}`;

/** Events, field-selected on the server (both event watches differ only in their selector). */
const listEvents: WatchSpec['list'] = (kc, q) => {
  const api = kc.makeApiClient(CoreV1Api);
  const page = { fieldSelector: q.fieldSelector, limit: q.limit, _continue: q.continue };
  return q.namespace
    ? api.listNamespacedEvent({ namespace: q.namespace, ...page })
    : api.listEventForAllNamespaces(page);
};

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
    list: (kc, q) => {
      const api = kc.makeApiClient(CoreV1Api);
      const page = { labelSelector: q.labelSelector, limit: q.limit, _continue: q.continue };
      return q.namespace
        ? api.listNamespacedSecret({ namespace: q.namespace, ...page })
        : api.listSecretForAllNamespaces(page);
    },
    compact: (o) => compactReleaseSecret(o),
  },
  {
    kind: 'pods',
    namespaced: true,
    required: true,
    // Only pods that belong to some release (the instance label), not every pod of the cluster.
    labelSelector: INSTANCE_LABEL,
    pageSize: 500, // kubectl's chunk size
    path: nsPath('/api/v1', 'pods'),
    list: (kc, q) => {
      const api = kc.makeApiClient(CoreV1Api);
      const page = { labelSelector: q.labelSelector, limit: q.limit, _continue: q.continue };
      return q.namespace
        ? api.listNamespacedPod({ namespace: q.namespace, ...page })
        : api.listPodForAllNamespaces(page);
    },
    compact: compactPod,
  },
  {
    kind: 'statefulsets',
    namespaced: true,
    required: true,
    labelSelector: INSTANCE_LABEL,
    pageSize: 500,
    path: nsPath('/apis/apps/v1', 'statefulsets'),
    list: (kc, q) => {
      const api = kc.makeApiClient(AppsV1Api);
      const page = { labelSelector: q.labelSelector, limit: q.limit, _continue: q.continue };
      return q.namespace
        ? api.listNamespacedStatefulSet({ namespace: q.namespace, ...page })
        : api.listStatefulSetForAllNamespaces(page);
    },
  },
  {
    kind: 'events',
    namespaced: true,
    required: false,
    // Pods a controller could not create (e.g. RuntimeClass not found) exist only as these events.
    fieldSelector: 'type=Warning,reason=FailedCreate',
    pageSize: 500,
    path: nsPath('/api/v1', 'events'),
    list: listEvents,
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
    list: listEvents,
  },
  {
    kind: 'runtimeclasses',
    namespaced: false,
    required: false,
    pageSize: 500,
    path: () => '/apis/node.k8s.io/v1/runtimeclasses',
    list: (kc, q) => kc.makeApiClient(NodeV1Api).listRuntimeClass({ limit: q.limit, _continue: q.continue }),
  },
];
