// A pod deleted with grace period 0 (its controller recreates it): Force Delete Pod and the inspector's force kill.
import type { KubeConfig } from '@kubernetes/client-node';
import { validateNamespace, validatePodName } from '../names/validate';
import { deleteObject } from './objectApi';

export async function forceDeletePod(kc: KubeConfig, namespace: string, pod: string): Promise<void> {
  await deleteObject(kc, 'v1', 'Pod', validateNamespace(namespace), validatePodName(pod), {
    gracePeriodSeconds: 0,
    body: { gracePeriodSeconds: 0 },
  });
}
