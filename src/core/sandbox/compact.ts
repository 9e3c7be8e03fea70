// What the watch caches keep of pods and StatefulSets: the fields the Sandboxes view reads (objects.ts PodLike,
// StatefulSetLike), so the rest (env, volumes, mounts, security contexts, commands, most of a pod's status, a
// StatefulSet's whole pod template, every object's managedFields) is garbage at once instead of living in the
// cache, and each watch event leaves less behind for the garbage collector to move and mark.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { PodLike, StatefulSetLike } from '../kube/objects';

type Loose = Record<string, unknown>;

/** The named properties that are present (absent stays absent, so a compact object reads like the original). */
function pick(o: Loose, keys: readonly string[]): Loose {
  const out: Loose = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

const CONTAINER_KEYS = ['name', 'image', 'restartPolicy', 'resources'] as const;
const SPEC_KEYS = [
  'nodeName',
  'runtimeClassName',
  'terminationGracePeriodSeconds',
  'activeDeadlineSeconds',
  'resources',
] as const;

/** Metadata without managedFields (server-side apply bookkeeping, often the largest part of it). */
export function compactMeta<T extends { metadata?: object }>(o: T): T['metadata'] {
  const m = o.metadata as Loose | undefined;
  if (!m || m.managedFields === undefined) return m as T['metadata'];
  const { managedFields: _dropped, ...rest } = m;
  return rest as T['metadata'];
}

const META_KEYS = [
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'deletionTimestamp',
  'labels',
  'annotations',
] as const;
const STATUS_KEYS = ['phase', 'reason', 'message', 'qosClass', 'podIP', 'hostIP', 'startTime'] as const;
const CONDITION_KEYS = ['type', 'status', 'reason', 'message', 'lastTransitionTime'] as const;
const CONTAINER_STATUS_KEYS = ['name', 'image', 'ready', 'started', 'restartCount', 'state', 'lastState'] as const;
const STATUS_LISTS = ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses'] as const;

/**
 * A pod's status as the view reads it: on a real cluster the rest (imageID, containerID, volumeMounts, user,
 * allocatedResources, podIPs, hostIPs, observedGeneration) is several objects a container.
 */
function compactPodStatus(st: Loose): Loose {
  const out = pick(st, STATUS_KEYS);
  if (Array.isArray(st.conditions)) out.conditions = st.conditions.map((c: Loose) => pick(c, CONDITION_KEYS));
  for (const list of STATUS_LISTS) {
    const cs = st[list];
    if (Array.isArray(cs)) out[list] = cs.map((c: Loose) => pick(c, CONTAINER_STATUS_KEYS));
  }
  return out;
}

export function compactPod(o: KubernetesObject): KubernetesObject {
  const pod = o as KubernetesObject & PodLike & Loose;
  const out = pick(pod, ['apiVersion', 'kind']);
  if (pod.metadata) out.metadata = pick(pod.metadata as Loose, META_KEYS);
  if (pod.status) out.status = compactPodStatus(pod.status as Loose);
  const spec = pod.spec as Loose | undefined;
  if (spec) {
    const s = pick(spec, SPEC_KEYS);
    for (const list of ['containers', 'initContainers'] as const) {
      const cs = spec[list];
      if (Array.isArray(cs)) s[list] = cs.map((c: Loose) => pick(c, CONTAINER_KEYS));
    }
    out.spec = s;
  }
  return out as KubernetesObject;
}

export function compactStatefulSet(o: KubernetesObject): KubernetesObject {
  const set = o as KubernetesObject & StatefulSetLike;
  const runtimeClassName = set.spec?.template?.spec?.runtimeClassName;
  const spec: Loose = {};
  if (set.spec?.replicas !== undefined) spec.replicas = set.spec.replicas;
  if (runtimeClassName !== undefined) spec.template = { spec: { runtimeClassName } };
  const out = pick(set as unknown as Loose, ['apiVersion', 'kind', 'status']);
  out.metadata = compactMeta(set);
  if (set.spec) out.spec = spec;
  return out as KubernetesObject;
}

/** Events: all the view reads is small; only managedFields go. */
export function compactEvent(o: KubernetesObject): KubernetesObject {
  return o.metadata?.managedFields === undefined ? o : { ...o, metadata: compactMeta(o) };
}
