// What the watch cache keeps of a pod: the fields the Sandboxes view reads (objects.ts PodLike), so the rest of
// each pod (env, volumes, mounts, security contexts, commands) is garbage at once instead of living in the
// cache, and each watch event leaves less behind for the garbage collector to move.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { PodLike } from '../kube/objects';

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

export function compactPod(o: KubernetesObject): KubernetesObject {
  const pod = o as KubernetesObject & PodLike & Loose;
  const out = pick(pod, ['apiVersion', 'kind', 'metadata', 'status']);
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
