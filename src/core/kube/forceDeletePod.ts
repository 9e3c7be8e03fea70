// A pod deleted with grace period 0 (its controller recreates it): Force Delete Pod and the inspector's force kill.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { validateNamespace, validatePodName } from '../names/validate';

export async function forceDeletePod(kc: KubeConfig, namespace: string, pod: string): Promise<void> {
  await kc.makeApiClient(CoreV1Api).deleteNamespacedPod({
    namespace: validateNamespace(namespace),
    name: validatePodName(pod),
    gracePeriodSeconds: 0,
    body: { gracePeriodSeconds: 0 },
  });
}
