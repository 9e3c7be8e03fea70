// Discovery (/api, /apis, per group-version lists, aggregated v2 when asked) and the minimal OpenAPI v3 that lets
// kubectl and helm validate server-side (fieldValidation=Strict) instead of failing without openapi.
import { createHash } from 'node:crypto';
import { apiVersionOf, groupVersions, verbsOf, type SimResourceType } from '../resources';

export const VERSION_INFO = {
  major: '1',
  minor: '34',
  gitVersion: 'v1.34.1',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-09-09T00:00:00Z',
  goVersion: 'go1.24.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const AGG_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const AGG_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

/** The aggregated content type the client accepts, if any (first match in its order). */
export function aggregatedType(accept: string | undefined): string | undefined {
  for (const part of (accept ?? '').split(',')) {
    const p = part.replace(/\s+/g, '');
    if (p.includes('g=apidiscovery.k8s.io') && p.includes('as=APIGroupDiscoveryList')) {
      if (p.includes('v=v2beta1')) return AGG_V2BETA1;
      if (p.includes('v=v2')) return AGG_V2;
    }
  }
  return undefined;
}

const mainResources = (rs: SimResourceType[]): SimResourceType[] => rs;

function legacyEntries(rs: SimResourceType[]): unknown[] {
  const out: unknown[] = [];
  for (const r of mainResources(rs)) {
    out.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: verbsOf(r),
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
      storageVersionHash: createHash('sha256')
        .update(`${apiVersionOf(r)}/${r.kind}`)
        .digest('base64')
        .slice(0, 11),
    });
    // Main entry first: client-node picks the first entry whose kind matches.
    for (const s of r.subresources ?? []) out.push(subEntry(r, s));
  }
  return out;
}

function subKind(r: SimResourceType, sub: string): { group: string; version: string; kind: string } {
  if (sub === 'exec') return { group: '', version: 'v1', kind: 'PodExecOptions' };
  if (sub === 'attach') return { group: '', version: 'v1', kind: 'PodAttachOptions' };
  if (sub === 'portforward') return { group: '', version: 'v1', kind: 'PodPortForwardOptions' };
  if (sub === 'eviction') return { group: 'policy', version: 'v1', kind: 'Eviction' };
  if (sub === 'binding') return { group: '', version: 'v1', kind: 'Binding' };
  if (sub === 'scale') return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  return { group: r.group, version: r.version, kind: r.kind };
}

function subVerbs(sub: string): string[] {
  if (sub === 'exec' || sub === 'attach' || sub === 'portforward') return ['create', 'get'];
  if (sub === 'log') return ['get'];
  if (sub === 'eviction' || sub === 'binding') return ['create'];
  if (sub === 'finalize') return ['update'];
  return ['get', 'patch', 'update'];
}

function subEntry(r: SimResourceType, sub: string): unknown {
  const k = subKind(r, sub);
  return {
    name: `${r.resource}/${sub}`,
    singularName: '',
    namespaced: r.namespaced,
    ...(k.group !== r.group ? { group: k.group, version: k.version } : {}),
    kind: k.kind,
    verbs: subVerbs(sub),
  };
}

export function apiVersions(host: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }],
  };
}

export function apiGroupList(): unknown {
  const groups = groupVersions().filter((gv) => gv.group !== '');
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((gv) => {
      const v = { groupVersion: `${gv.group}/${gv.version}`, version: gv.version };
      return { name: gv.group, versions: [v], preferredVersion: v };
    }),
  };
}

export function resourceList(group: string, version: string): unknown | undefined {
  const gv = groupVersions().find((g) => g.group === group && g.version === version);
  if (!gv) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: legacyEntries(gv.resources),
  };
}

function aggregatedResource(r: SimResourceType): unknown {
  return {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: verbsOf(r),
    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
    ...(r.subresources
      ? {
          subresources: r.subresources.map((s) => ({
            subresource: s,
            responseKind: subKind(r, s),
            verbs: subVerbs(s),
          })),
        }
      : {}),
  };
}

/** Aggregated discovery for /api (core only) or /apis (every named group). */
export function aggregated(core: boolean, contentType: string): unknown {
  const gvs = groupVersions().filter((gv) => (gv.group === '') === core);
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: contentType === AGG_V2BETA1 ? 'apidiscovery.k8s.io/v2beta1' : 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: gvs.map((gv) => ({
      metadata: { name: gv.group, creationTimestamp: null },
      versions: [{ version: gv.version, freshness: 'Current', resources: gv.resources.map(aggregatedResource) }],
    })),
  };
}

// --- OpenAPI v3: one document per group-version, each kind with a patch operation carrying its GVK and the
// fieldValidation parameter, and no requestBody (so kubectl apply keeps its built-in strategic merge). ---
function openapiDoc(group: string, version: string): unknown | undefined {
  const gv = groupVersions().find((g) => g.group === group && g.version === version);
  if (!gv) return undefined;
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const paths: Record<string, unknown> = {};
  for (const r of gv.resources) {
    if (!verbsOf(r).includes('patch')) continue;
    const path = r.namespaced
      ? `${prefix}/namespaces/{namespace}/${r.resource}/{name}`
      : `${prefix}/${r.resource}/{name}`;
    paths[path] = {
      patch: {
        operationId: `patch${r.kind}`,
        'x-kubernetes-group-version-kind': { group, version, kind: r.kind },
        'x-kubernetes-action': 'patch',
        parameters: [
          { name: 'dryRun', in: 'query', schema: { type: 'string' } },
          { name: 'fieldManager', in: 'query', schema: { type: 'string' } },
          { name: 'fieldValidation', in: 'query', schema: { type: 'string' } },
          { name: 'force', in: 'query', schema: { type: 'boolean' } },
        ],
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: VERSION_INFO.gitVersion },
    paths,
    components: { schemas: {} },
  };
}

const docCache = new Map<string, { body: string; hash: string }>();

export function openapiDocFor(path: string): { body: string; hash: string } | undefined {
  // path: "api/v1" or "apis/apps/v1"
  const cached = docCache.get(path);
  if (cached) return cached;
  const parts = path.split('/');
  const doc =
    parts[0] === 'api' && parts.length === 2
      ? openapiDoc('', parts[1])
      : parts[0] === 'apis' && parts.length === 3
        ? openapiDoc(parts[1], parts[2])
        : undefined;
  if (!doc) return undefined;
  const body = JSON.stringify(doc);
  const entry = { body, hash: createHash('sha512').update(body).digest('hex').slice(0, 64).toUpperCase() };
  docCache.set(path, entry);
  return entry;
}

export function openapiRoot(): unknown {
  const paths: Record<string, unknown> = {};
  for (const gv of groupVersions()) {
    const p = gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${openapiDocFor(p)!.hash}` };
  }
  return { paths };
}
