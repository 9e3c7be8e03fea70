// Metadata-only responses (apiserver endpoints/handlers/response.go): a client that asks
// `Accept: application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1` on a list (or
// `as=PartialObjectMetadata` on a get or watch) gets only kind/apiVersion/metadata of each object, never the
// data. Asking for the single form on a list, or the list form on a get, is 406 as on a real server.
import type { KubeObject } from '../store';
import { ApiError } from '../store';

export type PartialKind = 'PartialObjectMetadata' | 'PartialObjectMetadataList';

/** The first Accept clause that asks for a meta.k8s.io metadata form, when it comes before any plain JSON clause. */
export function wantsPartial(accept: string | undefined): PartialKind | undefined {
  for (const clause of (accept ?? '').split(',')) {
    const params = new Map(
      clause
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    const as = params.get('as');
    if (!as) return undefined; // a plain clause first: the full object
    if (
      (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') &&
      params.get('g') === 'meta.k8s.io' &&
      ['v1', 'v1beta1'].includes(params.get('v') ?? '')
    )
      return as;
  }
  return undefined;
}

export const PARTIAL_CONTENT_TYPE = (kind: PartialKind): string => `application/json;as=${kind};g=meta.k8s.io;v=v1`;

export function partialOf(o: KubeObject): unknown {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/** 406 for a form that does not fit the request (the apiserver's "you requested ..." message). */
export function checkPartial(kind: PartialKind, isList: boolean, objectKind: string): void {
  if ((kind === 'PartialObjectMetadataList') === isList) return;
  const what = isList ? `a list (*v1.${objectKind}List)` : `a single object (*v1.${objectKind})`;
  throw new ApiError(
    406,
    'NotAcceptable',
    `only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf (you requested ${kind}, but the requested object is ${what})`,
  );
}
