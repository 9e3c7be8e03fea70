// The inspector's cluster access over client-node and the shared exec layer (no VS Code here).
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { DropStreamPorts } from '../cilium/stream';
import type { PodLike } from '../kube/objects';
import { startExec } from '../exec/startExec';
import { forceDeletePod } from '../kube/forceDeletePod';
import { validateNamespace, validateReleaseName } from '../names/validate';
import { decodeReleaseSecret, latestRevisions, type HelmRelease } from '../sandbox/helmRelease';
import { INSTANCE_LABEL } from '../names/labels';
import type { TimeoutPodLike } from '../timeouts/inspect';

export interface InspectorPorts extends DropStreamPorts {
  releasePods(namespace: string, release: string): Promise<TimeoutPodLike[]>;
  /** The latest Helm record of the release (values = helm's stored user values), if readable. */
  helmRelease(namespace: string, release: string): Promise<HelmRelease | undefined>;
  /** Deletes a pod with grace 0 (the controller recreates it). */
  forceDeletePod(namespace: string, pod: string): Promise<void>;
}

export function kubePorts(kc: KubeConfig): InspectorPorts {
  const api = kc.makeApiClient(CoreV1Api);
  return {
    async listPods(namespace, labelSelector) {
      const list = await api.listNamespacedPod({ namespace: validateNamespace(namespace), labelSelector });
      return list.items as PodLike[];
    },
    exec(target) {
      // Read-only stream: no stdin, no tty (so stderr stays separate for the error states).
      return startExec(kc, { ...target, command: [...target.command] }, {});
    },
    async releasePods(namespace, release) {
      const list = await api.listNamespacedPod({ namespace: validateNamespace(namespace), labelSelector: `${INSTANCE_LABEL}=${validateReleaseName(release)}` });
      return list.items as TimeoutPodLike[];
    },
    async helmRelease(namespace, release) {
      const list = await api.listNamespacedSecret({ namespace: validateNamespace(namespace), labelSelector: `owner=helm,name=${validateReleaseName(release)}` });
      const decoded = list.items.map((s) => decodeReleaseSecret(s)).filter((r): r is HelmRelease => !!r);
      return latestRevisions(decoded)[0];
    },
    forceDeletePod: (namespace, pod) => forceDeletePod(kc, namespace, pod),
  };
}
