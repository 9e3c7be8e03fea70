// A full list in bounded pages (limit/continue, as kubectl lists in chunks of 500): no response body of a whole
// cluster's release Secrets is ever held at once, and the process's malloc high-water mark stays low.
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import type { ListQuery, WatchSpec } from './watchKinds';

/**
 * Every page of `spec`'s collection as one list: items compacted as the spec says, and the first page's
 * resourceVersion (the snapshot every page belongs to on a real API server; a watch from it replays whatever
 * changed while later pages were read). An expired continue token (410) starts over once.
 */
export async function listAllPages(
  spec: WatchSpec,
  kc: KubeConfig,
  q: ListQuery,
): Promise<KubernetesListObject<KubernetesObject>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await listOnce(spec, kc, q);
    } catch (e) {
      if (attempt > 0 || (e as { code?: unknown } | undefined)?.code !== 410) throw e; // ApiException's HTTP status
    }
  }
}

async function listOnce(
  spec: WatchSpec,
  kc: KubeConfig,
  q: ListQuery,
): Promise<KubernetesListObject<KubernetesObject>> {
  const items: KubernetesObject[] = [];
  let first: KubernetesListObject<KubernetesObject> | undefined;
  let token: string | undefined;
  do {
    const page = await spec.list(kc, { ...q, limit: spec.pageSize, continue: token });
    first ??= page;
    for (const o of page.items) items.push(spec.compact ? spec.compact(o) : o);
    token = page.metadata?._continue || undefined;
  } while (token);
  return {
    apiVersion: first.apiVersion,
    kind: first.kind,
    metadata: { resourceVersion: first.metadata?.resourceVersion },
    items,
  };
}
