// The inspector's cluster access over client-node and the shared exec layer (no VS Code here).
import { PassThrough } from 'node:stream';
import {
  Log,
  type KubeConfig,
  type V1Pod,
  type V1Secret,
  type V1SelfSubjectAccessReview,
} from '@kubernetes/client-node';
import type { NetworkSourcePorts } from '../cilium/networkSource';
import { kubeForward } from '../cilium/relay/kubeForward';
import type { PodLike } from '../kube/objects';
import { startExec } from '../exec/startExec';
import { forceDeletePod } from '../kube/forceDeletePod';
import { createObject, listObjects } from '../kube/objectApi';
import { validateNamespace, validatePodName, validateReleaseName } from '../names/validate';
import { decodeReleaseSecret, latestRevisions, type HelmRelease } from '../sandbox/helmRelease';
import { INSTANCE_LABEL } from '../names/labels';
import type { TimeoutPodLike } from '../timeouts/inspect';

export interface InspectorPorts extends NetworkSourcePorts {
  releasePods(namespace: string, release: string): Promise<TimeoutPodLike[]>;
  /** The latest Helm record of the release (values = helm's stored user values), if readable. */
  helmRelease(namespace: string, release: string): Promise<HelmRelease | undefined>;
  /** Deletes a pod with grace 0 (the controller recreates it). */
  forceDeletePod(namespace: string, pod: string): Promise<void>;
}

export function kubePorts(kc: KubeConfig, opts: { keepaliveSeconds?: number } = {}): InspectorPorts {
  return {
    forward: (namespace, pod, port) => kubeForward(kc, namespace, pod, port),
    async canI({ namespace, verb, resource, subresource }) {
      const review = await createObject<V1SelfSubjectAccessReview>(kc, {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: {
          resourceAttributes: {
            namespace: validateNamespace(namespace),
            verb,
            resource,
            ...(subresource ? { subresource } : {}),
          },
        },
      });
      return review.status?.allowed === true;
    },
    async followLog(namespace, pod, container, sinceTime) {
      const out = new PassThrough();
      const ctl = await new Log(kc).log(validateNamespace(namespace), validatePodName(pod), container, out, {
        follow: true,
        timestamps: true,
        ...(sinceTime ? { sinceTime } : {}),
      });
      return { stream: out, close: () => (ctl.abort(), out.destroy()) };
    },
    async listPods(namespace, labelSelector) {
      const list = await listObjects<V1Pod>(kc, 'v1', 'Pod', validateNamespace(namespace), { labelSelector });
      return list.items as PodLike[];
    },
    exec(target) {
      // Read-only stream: no stdin, no tty (so stderr stays separate for the error states).
      return startExec(kc, { ...target, command: [...target.command] }, { keepaliveSeconds: opts.keepaliveSeconds });
    },
    async releasePods(namespace, release) {
      const list = await listObjects<V1Pod>(kc, 'v1', 'Pod', validateNamespace(namespace), {
        labelSelector: `${INSTANCE_LABEL}=${validateReleaseName(release)}`,
      });
      return list.items as TimeoutPodLike[];
    },
    async helmRelease(namespace, release) {
      const list = await listObjects<V1Secret>(kc, 'v1', 'Secret', validateNamespace(namespace), {
        labelSelector: `owner=helm,name=${validateReleaseName(release)}`,
      });
      const decoded = list.items.map((s) => decodeReleaseSecret(s)).filter((r): r is HelmRelease => !!r);
      return latestRevisions(decoded)[0];
    },
    forceDeletePod: (namespace, pod) => forceDeletePod(kc, namespace, pod),
  };
}
