// URL -> resource target: /api/v1/..., /apis/<group>/<version>/..., namespaced or cluster-scoped, subresources.
import { resources } from '../resources';
import type { Target } from './handlers';
import { notFoundPath } from './status';

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Parses a resource path; undefined when it is not one (discovery and other endpoints handle those). */
export function parseResourcePath(pathname: string): { target: Target; legacyWatch: boolean } | undefined {
  const seg = pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (seg[0] === 'api' && seg.length >= 3) {
    group = '';
    version = seg[1];
    rest = seg.slice(2);
  } else if (seg[0] === 'apis' && seg.length >= 4) {
    group = seg[1];
    version = seg[2];
    rest = seg.slice(3);
  } else return undefined;
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    !(rest.length === 3 && NAMESPACE_SUBRESOURCES.has(rest[2]) && group === '')
  ) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  const type = resources.byResource(group, resource ?? '');
  if (!type || type.version !== version || extra.length > 0) throw notFoundPath();
  if (namespace !== undefined && !type.namespaced) throw notFoundPath();
  if (namespace === undefined && type.namespaced && name !== undefined) throw notFoundPath();
  if (subresource !== undefined && !(type.subresources ?? []).includes(subresource)) throw notFoundPath();
  return { target: { type, namespace, name, subresource }, legacyWatch };
}
