// Pods and containers of sandboxes, for pickers when a command runs without a tree node.
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { listObjects, readObject } from '../kube/objectApi';
import { validateNamespace } from '../names/validate';
import { INSTANCE_LABEL } from '../names/labels';

export interface PodChoice {
  namespace: string;
  release: string;
  pod: string;
  phase: string;
  containers: string[];
  defaultContainer: string | undefined;
}

export function podChoice(p: V1Pod): PodChoice {
  const containers = (p.spec?.containers ?? []).map((c) => c.name);
  const annotated = p.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  return {
    namespace: p.metadata?.namespace ?? '',
    release: p.metadata?.labels?.[INSTANCE_LABEL] ?? '',
    pod: p.metadata?.name ?? '',
    phase: p.status?.phase ?? 'Unknown',
    containers,
    // kubectl's rule: the annotation when it names a container, else the first one.
    defaultContainer: annotated && containers.includes(annotated) ? annotated : containers[0],
  };
}

/** Pods that belong to a Helm release (by the instance label), optionally of one release. */
export async function listSandboxPods(kc: KubeConfig, namespace: string, release?: string): Promise<PodChoice[]> {
  const selector = release ? `${INSTANCE_LABEL}=${release}` : INSTANCE_LABEL;
  const pods = await listObjects<V1Pod>(kc, 'v1', 'Pod', validateNamespace(namespace), { labelSelector: selector });
  return pods.items.map(podChoice).sort((a, b) => a.pod.localeCompare(b.pod));
}

export async function readPodChoice(kc: KubeConfig, namespace: string, pod: string): Promise<PodChoice> {
  return podChoice(await readObject<V1Pod>(kc, 'v1', 'Pod', namespace, pod));
}
