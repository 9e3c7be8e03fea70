// Debug with Ephemeral Container: add one through the pods/ephemeralcontainers subresource and wait until it
// runs. Ephemeral containers have no resource limits, cannot be removed until the pod is deleted and share
// the pod's namespaces (the command shows these caveats before calling this).
import { randomBytes } from 'node:crypto';
import type { KubeConfig, V1EphemeralContainer, V1Pod } from '@kubernetes/client-node';
import { SandboxError } from '../errors';
import { readObject } from '../kube/objectApi';
import { requestJson } from '../kube/rawRequest';
import { validateContainerName, validateNamespace, validatePodName } from '../names/validate';

// An image reference: registry/path[:tag][@digest]; no whitespace or shell characters.
const IMAGE =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._/-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

export function validateImage(image: unknown): string {
  if (typeof image !== 'string' || !IMAGE.test(image) || image.length > 512) {
    throw new SandboxError(
      'InvalidInput',
      `Invalid image reference ${JSON.stringify(String(image ?? '').slice(0, 80))}`,
    );
  }
  return image;
}

export const ephemeralName = (): string => `debug-${randomBytes(3).toString('hex')}`;

export interface AddEphemeralOptions {
  namespace: string;
  pod: string;
  /** Share this container's process namespace. */
  targetContainer: string;
  image: string;
  name?: string;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Adds the container and resolves with its name once it runs; throws with the waiting reason otherwise. */
export async function addEphemeralContainer(kc: KubeConfig, o: AddEphemeralOptions): Promise<string> {
  const namespace = validateNamespace(o.namespace);
  const name = validateContainerName(o.name ?? ephemeralName());
  validatePodName(o.pod);
  validateContainerName(o.targetContainer);
  validateImage(o.image); // before any request
  const readPod = () => readObject<V1Pod>(kc, 'v1', 'Pod', namespace, o.pod);
  const pod = await readPod();
  const container: V1EphemeralContainer = {
    name,
    image: validateImage(o.image),
    targetContainerName: o.targetContainer,
    // Keeps the container alive with a tty on stdin; our terminal execs a shell into it.
    stdin: true,
    tty: true,
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePolicy: 'File',
  };
  pod.spec = { ...pod.spec!, ephemeralContainers: [...(pod.spec?.ephemeralContainers ?? []), container] };
  // A subresource, which the generic object client cannot address: one PUT with the kubeconfig's credentials.
  await requestJson(kc, {
    method: 'PUT',
    path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(o.pod)}/ephemeralcontainers`,
    body: pod,
  });
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + (o.timeoutMs ?? 120_000);
  let last = 'Pending';
  while (Date.now() < deadline) {
    const p = await readPod();
    const s = p.status?.ephemeralContainerStatuses?.find((c) => c.name === name);
    if (s?.state?.running) return name;
    if (s?.state?.terminated)
      throw new SandboxError(
        'ExecFailed',
        `Ephemeral container ${name} exited (${s.state.terminated.reason ?? ''} exit code ${s.state.terminated.exitCode})`,
      );
    const w = s?.state?.waiting;
    if (w?.reason && /ErrImagePull|ImagePullBackOff|InvalidImageName|CreateContainerError/.test(w.reason)) {
      throw new SandboxError(
        'ExecFailed',
        `Ephemeral container ${name}: ${w.reason}${w.message ? ` (${w.message})` : ''}`,
      );
    }
    last = w?.reason ?? 'Pending';
    await sleep(500);
  }
  throw new SandboxError('ExecFailed', `Ephemeral container ${name} did not start in time (${last})`);
}
