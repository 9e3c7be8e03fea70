// Image pulls that fail as a real kubelet's do: a registry host that cannot exist (RFC 2606 / RFC 6761 reserved
// names: *.invalid, *.example, *.test, *.localhost) or an image marked missing never pulls. The container waits
// in ErrImagePull, then ImagePullBackOff with the kubelet's doubling back-off (10 s .. 300 s), and is never Ready.
import { normalizeImage } from './model';

const RESERVED_TLDS = ['invalid', 'example', 'test', 'localhost'];

/** The registry host of an image reference, after Docker's defaulting (docker.io for bare names). */
export function registryHost(image: string): string {
  return normalizeImage(image).split('/')[0].replace(/:\d+$/, '');
}

/** Why a pull of this image fails, in the container runtime's words; undefined when it pulls. */
export function pullFailure(image: string, missing: ReadonlySet<string>): string | undefined {
  const ref = normalizeImage(image);
  const host = registryHost(image);
  const path = ref.slice(host.length + 1).replace(/[:@][^/]*$/, '');
  if (RESERVED_TLDS.some((tld) => host === tld || host.endsWith(`.${tld}`))) {
    return `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": failed to do request: Head "https://${host}/v2/${path}/manifests/${ref.split(':').pop()}": dial tcp: lookup ${host}: no such host`;
  }
  if (missing.has(image) || missing.has(ref)) {
    return `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
  }
  return undefined;
}

/** The kubelet's image pull back-off: 10 s doubling to 300 s. */
export const pullBackoffSeconds = (attempt: number): number => Math.min(10 * 2 ** Math.max(0, attempt - 1), 300);
