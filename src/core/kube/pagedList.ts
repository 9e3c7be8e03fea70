// A full list in bounded pages (limit/continue, as kubectl lists in chunks of 500): no response body of a whole
// cluster's release Secrets is ever held at once, and the process's malloc high-water mark stays low.
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { PARTIAL_LIST_ACCEPT, requestJson } from './rawRequest';
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
  form: ListForm = { compact: spec.compact },
): Promise<KubernetesListObject<KubernetesObject>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await listOnce(spec, kc, q, form);
    } catch (e) {
      if (attempt > 0 || (e as { statusCode?: unknown } | undefined)?.statusCode !== 410) throw e;
    }
  }
}

/** Full objects (compacted as the spec says), or metadata only (made into what the spec's preview shows). */
export interface ListForm {
  accept?: string;
  pageSize?: number;
  compact?(o: KubernetesObject): KubernetesObject;
}

/** The metadata-only form of a spec's list, for specs with a preview. */
export const previewForm = (spec: WatchSpec): ListForm => ({
  accept: PARTIAL_LIST_ACCEPT,
  pageSize: 1000, // metadata is ~1 KB an object: one round trip for most clusters, ~1 MB a page
  compact: spec.preview,
});

async function listOnce(
  spec: WatchSpec,
  kc: KubeConfig,
  q: ListQuery,
  form: ListForm,
): Promise<KubernetesListObject<KubernetesObject>> {
  type Page = Awaited<ReturnType<typeof listPage>>;
  const items: KubernetesObject[] = [];
  const page = (token?: string): Promise<Page> =>
    listPage(kc, spec.path(q.namespace), { ...q, limit: form.pageSize ?? spec.pageSize, continue: token }, form.accept);
  const first: Page = await page();
  let current: Page | undefined = first;
  while (current) {
    const token: string | undefined = current.metadata?.continue || undefined;
    // The next page downloads while this one is compacted (release records: decoding is the CPU-heavy part).
    const next: Promise<Page> | undefined = token ? page(token) : undefined;
    next?.catch(() => undefined); // awaited below; no unhandled rejection if compacting throws first
    for (const o of current.items) items.push(form.compact ? form.compact(o) : o);
    current = next && (await next);
  }
  return {
    apiVersion: first.apiVersion,
    kind: first.kind,
    metadata: { resourceVersion: first.metadata?.resourceVersion },
    items,
  };
}

/**
 * One page as the API server sends it: plain JSON, as watch events arrive. (client-node's typed list calls
 * convert every object into model classes first, ~15% of the CPU of an initial load for nothing the view reads.)
 */
function listPage(
  kc: KubeConfig,
  path: string,
  q: ListQuery,
  accept: string | undefined,
): Promise<KubernetesListObject<KubernetesObject> & { metadata?: { continue?: string } }> {
  const params = new URLSearchParams();
  if (q.labelSelector) params.set('labelSelector', q.labelSelector);
  if (q.fieldSelector) params.set('fieldSelector', q.fieldSelector);
  if (q.limit) params.set('limit', String(q.limit));
  if (q.continue) params.set('continue', q.continue);
  const query = params.toString();
  return requestJson(kc, { method: 'GET', path: query ? `${path}?${query}` : path, accept });
}
