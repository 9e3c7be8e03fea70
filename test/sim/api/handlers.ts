// The verbs on a resource: list/watch, get, create, update, patch (merge, strategic, JSON, apply), delete,
// deletecollection, and the status/scale/finalize subresources.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Admission } from '../admission';
import { deleteObject, finishIfFinalized, type DeleteOptions, type OwnerIndex } from '../deletion';
import { apiVersionOf, resources, type SimResourceType } from '../resources';
import { fieldMatcher, labelMatcher, type Matcher } from '../selectors';
import { ApiError, notFound, type KubeObject, type Store } from '../store';
import { decodeBody } from './body';
import { applyMerge, jsonPatch, mergePatch, patchTypeOf, strategicMerge } from './patch';
import { isWatch, queryBool, queryInt } from './query';
import { badRequest, methodNotAllowed, sendJson, sendJsonParts, successStatus } from './status';
import { toTable, wantsTable } from './table';
import { checkPartial, PARTIAL_CONTENT_TYPE, partialOf, wantsPartial } from './partial';
import type { Watches } from './watch';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are loosely typed JSON */

export interface Target {
  type: SimResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export interface HandlerContext {
  store: Store;
  admission: Admission;
  owners: OwnerIndex;
  watches: Watches;
}

// Serialized objects by identity, as UTF-8 bytes: stored objects are immutable (the store replaces them on
// every write), so a list reuses each object's bytes instead of re-encoding thousands of pods per request, and
// the body is streamed from them without a large intermediate string (no re-encoding, little heap garbage).
// Cached bytes are never written to, so what a client receives never changes afterwards.
const jsonCache = new WeakMap<object, Buffer>();
const toJson = (o: KubeObject): Buffer => {
  let b = jsonCache.get(o);
  if (b === undefined) jsonCache.set(o, (b = Buffer.from(JSON.stringify(o))));
  return b;
};
const COMMA = Buffer.from(',');
const LIST_END = Buffer.from(']}');

const CUSTOM_GROUPS = new Set(['cilium.io']);

export class Handlers {
  /** Last configuration each field manager applied, by object uid (server-side apply removes what it dropped). */
  private readonly applied = new Map<string, unknown>();

  constructor(private readonly ctx: HandlerContext) {}

  async handle(req: IncomingMessage, res: ServerResponse, t: Target, q: URLSearchParams, body: Buffer): Promise<void> {
    const m = req.method ?? 'GET';
    if (t.subresource === 'scale') return this.scale(req, res, t, body);
    if (t.subresource && !['status', 'finalize', 'ephemeralcontainers'].includes(t.subresource))
      throw methodNotAllowed();
    if (m === 'GET' && !t.name) return isWatch(q) ? this.watch(req, res, t, q) : this.list(req, res, t, q);
    if (m === 'GET') return this.get(req, res, t, q);
    if (m === 'POST' && !t.name) return this.create(req, res, t, q, body);
    if (m === 'PUT' && t.name) return this.replace(req, res, t, q, body);
    if (m === 'PATCH' && t.name) return this.patch(req, res, t, q, body);
    if (m === 'DELETE' && t.name) return this.delete(req, res, t, q, body);
    if (m === 'DELETE') return this.deleteCollection(req, res, t, q, body);
    throw methodNotAllowed();
  }

  private matchers(t: Target, q: URLSearchParams): Matcher[] {
    const out: Matcher[] = [];
    const l = labelMatcher(q.get('labelSelector'));
    const f = fieldMatcher(q.get('fieldSelector'));
    if (l) out.push(l);
    if (f) out.push(f);
    return out;
  }

  private list(req: IncomingMessage, res: ServerResponse, t: Target, q: URLSearchParams): void {
    const match = this.matchers(t, q);
    let items = this.ctx.store.scan(t.type, t.namespace).filter((o) => match.every((m) => m(o)));
    const meta: Record<string, unknown> = { resourceVersion: String(this.ctx.store.resourceVersion) };
    const cont = q.get('continue');
    if (cont) {
      let start: string;
      try {
        start = JSON.parse(Buffer.from(cont, 'base64url').toString('utf8')).start;
      } catch {
        throw badRequest('continue key is not valid');
      }
      items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > start);
    }
    const limit = queryInt(q, 'limit') ?? 0;
    if (limit > 0 && items.length > limit) {
      const last = items[limit - 1];
      meta.continue = Buffer.from(
        JSON.stringify({ start: `${last.metadata.namespace ?? ''}/${last.metadata.name}` }),
      ).toString('base64url');
      meta.remainingItemCount = items.length - limit;
      items = items.slice(0, limit);
    }
    if (wantsTable(req.headers.accept)) {
      sendJson(
        res,
        200,
        toTable(t.type, items, meta, q.get('includeObject')),
        'application/json;as=Table;v=v1;g=meta.k8s.io',
      );
      return;
    }
    const partial = wantsPartial(req.headers.accept);
    if (partial) {
      checkPartial(partial, true, t.type.kind);
      sendJson(
        res,
        200,
        {
          kind: 'PartialObjectMetadataList',
          apiVersion: 'meta.k8s.io/v1',
          metadata: meta,
          items: items.map(partialOf),
        },
        PARTIAL_CONTENT_TYPE(partial),
      );
      return;
    }
    const head = JSON.stringify({ kind: `${t.type.kind}List`, apiVersion: apiVersionOf(t.type), metadata: meta });
    const parts: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"items":[`)];
    for (let i = 0; i < items.length; i++) {
      if (i > 0) parts.push(COMMA);
      parts.push(toJson(items[i]));
    }
    parts.push(LIST_END);
    sendJsonParts(res, 200, parts);
  }

  private watch(req: IncomingMessage, res: ServerResponse, t: Target, q: URLSearchParams): void {
    const include = q.get('includeObject');
    const partial = wantsPartial(req.headers.accept);
    if (partial) checkPartial(partial, false, t.type.kind);
    const table = partial
      ? (o: KubeObject): unknown => partialOf(o)
      : wantsTable(req.headers.accept)
        ? (o: KubeObject, first: boolean): unknown => {
            const tbl = toTable(t.type, [o], { resourceVersion: o.metadata.resourceVersion }, include) as {
              columnDefinitions?: unknown[];
            };
            if (!first) tbl.columnDefinitions = [];
            return tbl;
          }
        : undefined;
    this.ctx.watches.serve(res, {
      table,
      type: t.type,
      namespace: t.namespace,
      matches: this.matchers(t, q),
      resourceVersion: q.get('resourceVersion') ?? undefined,
      sendInitialEvents: queryBool(q, 'sendInitialEvents'),
      allowBookmarks: queryBool(q, 'allowWatchBookmarks'),
      timeoutSeconds: queryInt(q, 'timeoutSeconds'),
    });
  }

  private get(req: IncomingMessage, res: ServerResponse, t: Target, q: URLSearchParams): void {
    const o = this.ctx.store.get(t.type, t.namespace, t.name!);
    if (!o) throw notFound(t.type, t.name!);
    if (wantsTable(req.headers.accept) && !t.subresource) {
      sendJson(
        res,
        200,
        toTable(t.type, [o], { resourceVersion: o.metadata.resourceVersion }, q.get('includeObject')),
        'application/json;as=Table;v=v1;g=meta.k8s.io',
      );
      return;
    }
    const partial = wantsPartial(req.headers.accept);
    if (partial && !t.subresource) {
      checkPartial(partial, false, t.type.kind);
      return void sendJson(res, 200, partialOf(o), PARTIAL_CONTENT_TYPE(partial));
    }
    sendJson(res, 200, o);
  }

  /** Checks a body's kind/namespace/name against the URL and fills them in. */
  private accept(t: Target, raw: unknown, name?: string): KubeObject {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      throw badRequest('the request body must be a JSON object');
    const o = raw as KubeObject;
    const av = apiVersionOf(t.type);
    if (o.kind && o.kind !== t.type.kind)
      throw badRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (${av})`);
    if (o.apiVersion && o.apiVersion !== av)
      throw badRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (${av})`);
    o.metadata ??= { name: '' };
    if (t.type.namespaced) {
      if (o.metadata.namespace && o.metadata.namespace !== t.namespace)
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      o.metadata.namespace = t.namespace;
    }
    if (name !== undefined) {
      if (o.metadata.name && o.metadata.name !== name)
        throw badRequest(`the name of the object (${o.metadata.name}) does not match the name on the URL (${name})`);
      o.metadata.name = name;
    }
    delete o.metadata.managedFields;
    o.apiVersion = av;
    o.kind = t.type.kind;
    return o;
  }

  private doCreate(t: Target, o: KubeObject, dryRun: boolean): KubeObject {
    this.ctx.admission.checkNamespace(t.type, t.namespace, o.metadata.name);
    delete o.metadata.resourceVersion;
    delete o.metadata.uid;
    delete o.metadata.deletionTimestamp;
    if (t.type.subresources?.includes('status') && t.type !== resources.namespaces) delete o.status;
    this.ctx.admission.onCreate(t.type, o);
    if (dryRun)
      return {
        ...o,
        metadata: {
          ...o.metadata,
          uid: '00000000-0000-0000-0000-000000000000',
          creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        },
      };
    return this.ctx.store.create(t.type, o);
  }

  private create(req: IncomingMessage, res: ServerResponse, t: Target, q: URLSearchParams, body: Buffer): void {
    if (['selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'selfsubjectreviews'].includes(t.type.resource))
      throw methodNotAllowed();
    const o = this.accept(t, decodeBody(body, req.headers['content-type']));
    const created = this.doCreate(t, o, q.has('dryRun'));
    sendJson(res, 201, created);
  }

  /** Writes `next` over `prev` (both the whole object), honouring the subresource split of status. */
  private write(t: Target, prev: KubeObject, next: KubeObject, dryRun: boolean, checkRv: boolean): KubeObject {
    const hasStatus = t.type.subresources?.includes('status');
    let out: KubeObject;
    if (t.subresource === 'status')
      out = {
        ...prev,
        status: next.status,
        metadata: { ...prev.metadata, resourceVersion: next.metadata.resourceVersion },
      };
    else if (t.subresource === 'ephemeralcontainers') {
      out = {
        ...prev,
        spec: { ...(prev.spec as object), ephemeralContainers: (next.spec as any)?.ephemeralContainers ?? [] },
      };
    } else if (t.subresource === 'finalize')
      out = { ...prev, spec: { ...(prev.spec as object), finalizers: (next.spec as any)?.finalizers ?? [] } };
    else {
      out = next;
      if (hasStatus && t.type !== resources.namespaces) out.status = prev.status;
      this.ctx.admission.onUpdate(t.type, out, prev);
      // Spec fields the server owns survive client writes.
      if (prev.metadata.deletionTimestamp) {
        out.metadata.deletionTimestamp = prev.metadata.deletionTimestamp;
        out.metadata.deletionGracePeriodSeconds = prev.metadata.deletionGracePeriodSeconds;
      }
    }
    if (dryRun) return out;
    const saved = this.ctx.store.update(t.type, out, { checkResourceVersion: checkRv });
    finishIfFinalized(this.ctx.store, t.type, saved);
    return saved;
  }

  private replace(req: IncomingMessage, res: ServerResponse, t: Target, q: URLSearchParams, body: Buffer): void {
    const o = this.accept(t, decodeBody(body, req.headers['content-type']), t.name);
    const prev = this.ctx.store.get(t.type, t.namespace, t.name!);
    if (!prev) throw notFound(t.type, t.name!);
    sendJson(res, 200, this.write(t, prev, o, q.has('dryRun'), true));
  }

  private patch(req: IncomingMessage, res: ServerResponse, t: Target, q: URLSearchParams, body: Buffer): void {
    const kind = patchTypeOf(req.headers['content-type']);
    if (!kind)
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
      );
    if (kind === 'strategic' && CUSTOM_GROUPS.has(t.type.group)) {
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
      );
    }
    const patch = decodeBody(body, kind === 'apply' ? 'application/yaml' : 'application/json');
    const dryRun = q.has('dryRun');
    const prev = this.ctx.store.get(t.type, t.namespace, t.name!);
    if (kind === 'apply') {
      const manager = q.get('fieldManager');
      if (!manager) throw badRequest('PATCH request for server-side apply requires a fieldManager');
      const applied = this.accept(t, structuredClone(patch), t.name);
      if (!prev) {
        if (t.subresource) throw notFound(t.type, t.name!);
        const created = this.doCreate(t, structuredClone(applied), dryRun);
        if (!dryRun) this.applied.set(`${created.metadata.uid}|${manager}`, applied);
        sendJson(res, 201, created);
        return;
      }
      const key = `${prev.metadata.uid}|${manager}`;
      const merged = applyMerge(prev as any, applied as any, this.applied.get(key) as any) as unknown as KubeObject;
      const saved = this.write(t, prev, merged, dryRun, true);
      if (!dryRun) this.applied.set(key, applied);
      sendJson(res, 200, saved);
      return;
    }
    if (!prev) throw notFound(t.type, t.name!);
    const base = structuredClone(prev) as any;
    const next = (kind === 'merge'
      ? mergePatch(base, patch as any)
      : kind === 'strategic'
        ? strategicMerge(base, patch as any)
        : jsonPatch(base, patch)) as unknown as KubeObject;
    if (!next || typeof next !== 'object' || !next.metadata)
      throw new ApiError(422, 'Invalid', 'the patch removed the object metadata');
    if (next.metadata.name !== prev.metadata.name)
      throw badRequest('the name of the object cannot be changed by a patch');
    sendJson(res, 200, this.write(t, prev, next, dryRun, true));
  }

  private deleteOptions(req: IncomingMessage, q: URLSearchParams, body: Buffer): DeleteOptions {
    const b = (decodeBody(body, req.headers['content-type']) ?? {}) as DeleteOptions & { kind?: string };
    const opts: DeleteOptions = { ...b };
    if (q.has('gracePeriodSeconds')) opts.gracePeriodSeconds = queryInt(q, 'gracePeriodSeconds');
    if (q.has('propagationPolicy'))
      opts.propagationPolicy = q.get('propagationPolicy') as DeleteOptions['propagationPolicy'];
    if (q.has('orphanDependents')) opts.orphanDependents = queryBool(q, 'orphanDependents');
    if (q.has('dryRun')) opts.dryRun = q.getAll('dryRun');
    return opts;
  }

  private delete(req: IncomingMessage, res: ServerResponse, t: Target, q: URLSearchParams, body: Buffer): void {
    if (t.subresource) throw methodNotAllowed();
    const r = deleteObject(
      this.ctx.store,
      this.ctx.owners,
      t.type,
      t.namespace,
      t.name!,
      this.deleteOptions(req, q, body),
    );
    // Pods (and objects still being finalized) come back as the object; the rest as a Success Status.
    if (!r.gone || t.type === resources.pods) sendJson(res, 200, r.object);
    else sendJson(res, 200, successStatus(t.type, t.name!, r.object.metadata.uid));
  }

  private deleteCollection(
    req: IncomingMessage,
    res: ServerResponse,
    t: Target,
    q: URLSearchParams,
    body: Buffer,
  ): void {
    const match = this.matchers(t, q);
    const opts = this.deleteOptions(req, q, body);
    const out: KubeObject[] = [];
    for (const o of this.ctx.store.scan(t.type, t.namespace).filter((x) => match.every((m) => m(x)))) {
      try {
        out.push(
          deleteObject(this.ctx.store, this.ctx.owners, t.type, o.metadata.namespace, o.metadata.name, opts).object,
        );
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }
    }
    sendJson(res, 200, {
      kind: `${t.type.kind}List`,
      apiVersion: apiVersionOf(t.type),
      metadata: { resourceVersion: String(this.ctx.store.resourceVersion) },
      items: out,
    });
  }

  /** autoscaling/v1 Scale for deployments, statefulsets, replicasets. */
  private scale(req: IncomingMessage, res: ServerResponse, t: Target, body: Buffer): void {
    const prev = this.ctx.store.get(t.type, t.namespace, t.name!);
    if (!prev) throw notFound(t.type, t.name!);
    const p = prev as any;
    const toScale = (o: any): unknown => ({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: o.metadata.name,
        namespace: o.metadata.namespace,
        uid: o.metadata.uid,
        resourceVersion: o.metadata.resourceVersion,
        creationTimestamp: o.metadata.creationTimestamp,
      },
      spec: { replicas: o.spec?.replicas ?? 1 },
      status: {
        replicas: o.status?.replicas ?? 0,
        selector: Object.entries(o.spec?.selector?.matchLabels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      },
    });
    const m = req.method ?? 'GET';
    if (m === 'GET') return sendJson(res, 200, toScale(p));
    let next: any;
    if (m === 'PUT') next = decodeBody(body, req.headers['content-type']);
    else if (m === 'PATCH') {
      const kind = patchTypeOf(req.headers['content-type']);
      const patch = decodeBody(body, 'application/json') as any;
      const cur = toScale(p) as any;
      next =
        kind === 'json'
          ? jsonPatch(cur, patch)
          : kind === 'merge' || kind === 'strategic' || kind === 'apply'
            ? mergePatch(cur, patch)
            : undefined;
      if (!next) throw new ApiError(415, 'UnsupportedMediaType', 'unsupported patch type');
    } else throw methodNotAllowed();
    const replicas = Number(next?.spec?.replicas);
    if (!Number.isInteger(replicas) || replicas < 0)
      throw new ApiError(
        422,
        'Invalid',
        `Scale.autoscaling "${t.name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`,
      );
    p.spec.replicas = replicas;
    sendJson(res, 200, toScale(this.ctx.store.update(t.type, p, { checkResourceVersion: false })));
  }
}
