// What the Sandboxes view watches: only the objects a sandbox is made of, narrowed by labels or fields so a
// busy cluster does not flood the cache.
import { AppsV1Api, CoreV1Api, NodeV1Api, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';

export type WatchKind = 'secrets' | 'pods' | 'statefulsets' | 'events' | 'runtimeclasses';

export interface ListQuery {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface WatchSpec {
  kind: WatchKind;
  namespaced: boolean;
  /** Without it the view cannot show sandboxes; optional kinds only add detail (and may be forbidden). */
  required: boolean;
  labelSelector?: string;
  fieldSelector?: string;
  /** API path of the collection (namespace undefined: all namespaces). */
  path(namespace?: string): string;
  list(kc: KubeConfig, q: ListQuery): Promise<KubernetesListObject<KubernetesObject>>;
}

const nsPath = (prefix: string, resource: string) => (namespace?: string): string =>
  namespace ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${resource}` : `${prefix}/${resource}`;

export const watchSpecs: readonly WatchSpec[] = [
  {
    kind: 'secrets',
    namespaced: true,
    required: true,
    // Helm's storage driver labels every release record owner=helm.
    labelSelector: 'owner=helm',
    path: nsPath('/api/v1', 'secrets'),
    list: (kc, q) => {
      const api = kc.makeApiClient(CoreV1Api);
      return q.namespace ? api.listNamespacedSecret({ namespace: q.namespace, labelSelector: q.labelSelector }) : api.listSecretForAllNamespaces({ labelSelector: q.labelSelector });
    },
  },
  {
    kind: 'pods',
    namespaced: true,
    required: true,
    // Only pods that belong to some release (the instance label), not every pod of the cluster.
    labelSelector: 'app.kubernetes.io/instance',
    path: nsPath('/api/v1', 'pods'),
    list: (kc, q) => {
      const api = kc.makeApiClient(CoreV1Api);
      return q.namespace ? api.listNamespacedPod({ namespace: q.namespace, labelSelector: q.labelSelector }) : api.listPodForAllNamespaces({ labelSelector: q.labelSelector });
    },
  },
  {
    kind: 'statefulsets',
    namespaced: true,
    required: true,
    labelSelector: 'app.kubernetes.io/instance',
    path: nsPath('/apis/apps/v1', 'statefulsets'),
    list: (kc, q) => {
      const api = kc.makeApiClient(AppsV1Api);
      return q.namespace
        ? api.listNamespacedStatefulSet({ namespace: q.namespace, labelSelector: q.labelSelector })
        : api.listStatefulSetForAllNamespaces({ labelSelector: q.labelSelector });
    },
  },
  {
    kind: 'events',
    namespaced: true,
    required: false,
    // Pods a controller could not create (e.g. RuntimeClass not found) exist only as these events.
    fieldSelector: 'type=Warning,reason=FailedCreate',
    path: nsPath('/api/v1', 'events'),
    list: (kc, q) => {
      const api = kc.makeApiClient(CoreV1Api);
      return q.namespace
        ? api.listNamespacedEvent({ namespace: q.namespace, fieldSelector: q.fieldSelector })
        : api.listEventForAllNamespaces({ fieldSelector: q.fieldSelector });
    },
  },
  {
    kind: 'runtimeclasses',
    namespaced: false,
    required: false,
    path: () => '/apis/node.k8s.io/v1/runtimeclasses',
    list: (kc) => kc.makeApiClient(NodeV1Api).listRuntimeClass(),
  },
];
