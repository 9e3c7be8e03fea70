// Read, list, create and delete any kind through client-node's generic KubernetesObjectApi rather than its generated
// typed clients (CoreV1Api and friends are ~600 KB of the bundle). Responses go through the same ObjectSerializer
// (a typed model, times as Date, where client-node has one for the kind) and failures are the same ApiException
// (numeric `code`, Status `body`) as from the typed clients.
// One instance per KubeConfig: it caches the API-resource discovery (GET /api/v1, /apis/<group>/<version>) it builds
// paths from, so each group version is asked once. resolveContext makes a fresh KubeConfig per selection and
// nothing changes one afterwards, so a client made from it stays right for its lifetime.
import {
  KubernetesObjectApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1DeleteOptions,
  type V1Status,
} from '@kubernetes/client-node';

const clients = new WeakMap<KubeConfig, KubernetesObjectApi>();

export function objectApi(kc: KubeConfig): KubernetesObjectApi {
  let api = clients.get(kc);
  if (!api) {
    api = KubernetesObjectApi.makeApiClient(kc);
    clients.set(kc, api);
  }
  return api;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

/** Objects of a kind in `namespace`; without one, in every namespace (or the cluster-scoped kind's all). */
export function listObjects<T extends KubernetesObject>(
  kc: KubeConfig,
  apiVersion: string,
  kind: string,
  namespace?: string,
  o: ListOptions = {},
): Promise<KubernetesListObject<T>> {
  return objectApi(kc).list<T>(
    apiVersion,
    kind,
    namespace,
    undefined,
    undefined,
    undefined,
    o.fieldSelector,
    o.labelSelector,
  );
}

/** One object by name (`namespace` undefined for cluster-scoped kinds). */
export function readObject<T extends KubernetesObject>(
  kc: KubeConfig,
  apiVersion: string,
  kind: string,
  namespace: string | undefined,
  name: string,
): Promise<T> {
  return objectApi(kc).read<T>({ apiVersion, kind, metadata: { name, namespace } });
}

export function createObject<T extends KubernetesObject>(kc: KubeConfig, object: T): Promise<T> {
  return objectApi(kc).create<T>(object);
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  body?: V1DeleteOptions;
}

export function deleteObject(
  kc: KubeConfig,
  apiVersion: string,
  kind: string,
  namespace: string | undefined,
  name: string,
  o: DeleteOptions = {},
): Promise<V1Status> {
  return objectApi(kc).delete(
    { apiVersion, kind, metadata: { name, namespace } },
    undefined,
    undefined,
    o.gracePeriodSeconds,
    undefined,
    o.propagationPolicy,
    o.body,
  );
}
