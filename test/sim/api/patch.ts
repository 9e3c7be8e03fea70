// PATCH bodies: JSON merge patch (RFC 7386), strategic merge patch (built-in kinds: lists merged by their
// patchMergeKey, `$patch`/`$retainKeys`/`$deleteFromPrimitiveList` directives), JSON patch (RFC 6902), and the
// merge used for server-side apply.
import { ApiError } from '../store';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return patch;
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

// patchMergeKey of the list fields in the built-in types (k8s.io/api struct tags). `ports` depends on the parent.
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  secrets: 'name',
  taints: 'key',
  addresses: 'type',
  containerStatuses: 'name',
};
// Lists of scalars merged as sets.
const SET_LISTS = new Set(['finalizers']);

function mergeKeyOf(field: string, items: Json[]): string | undefined {
  if (field === 'ports') return items.some((i) => isObj(i) && 'containerPort' in i) ? 'containerPort' : 'port';
  return MERGE_KEYS[field];
}

export function strategicMerge(target: Json, patch: Json): Json {
  if (!isObj(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (patch.$patch === 'delete') return null;
  const out: Obj = isObj(target) ? { ...target } : {};
  const retain = Array.isArray(patch.$retainKeys) ? (patch.$retainKeys as string[]) : undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$retainKeys' || k === '$patch' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter((x) => !v.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    if (Array.isArray(v)) {
      out[k] = mergeList(k, out[k], v);
      continue;
    }
    out[k] = strategicMerge(out[k] ?? null, v);
  }
  if (retain) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  return out;
}

function mergeList(field: string, target: Json | undefined, patch: Json[]): Json {
  const cur = Array.isArray(target) ? target : [];
  if (SET_LISTS.has(field)) return [...cur, ...patch.filter((x) => !cur.includes(x))];
  const key = mergeKeyOf(field, [...cur, ...patch]);
  if (!key) return patch.filter((i) => !(isObj(i) && i.$patch)).map(stripDirectives);
  if (patch.some((i) => isObj(i) && i.$patch === 'replace'))
    return patch.filter((i) => !(isObj(i) && i.$patch)).map(stripDirectives);
  const out = [...cur];
  for (const item of patch) {
    if (!isObj(item)) continue;
    const idx = out.findIndex((x) => isObj(x) && x[key] === item[key]);
    if (item.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
    } else if (idx >= 0) out[idx] = strategicMerge(out[idx], item);
    else out.push(stripDirectives(item));
  }
  return out;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}

interface Op {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new ApiError(422, 'Invalid', `invalid JSON pointer: ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, parts: string[], path: string): { parent: Obj | Json[]; key: string } {
  let cur: Json = doc;
  for (const p of parts.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(p)] : isObj(cur) ? cur[p] : undefined;
    if (next === undefined || next === null || typeof next !== 'object')
      throw new ApiError(422, 'Invalid', `jsonpatch: missing path ${path}`);
    cur = next;
  }
  if (!cur || typeof cur !== 'object') throw new ApiError(422, 'Invalid', `jsonpatch: missing path ${path}`);
  return { parent: cur as Obj | Json[], key: parts[parts.length - 1] };
}

function getAt(doc: Json, path: string): Json {
  let cur: Json = doc;
  for (const p of pointer(path)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(p)] : isObj(cur) ? cur[p] : undefined;
    if (next === undefined) throw new ApiError(422, 'Invalid', `jsonpatch: missing value at ${path}`);
    cur = next;
  }
  return cur;
}

export function jsonPatch(doc: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new ApiError(400, 'BadRequest', 'json patch must be an array of operations');
  let out: Json = structuredClone(doc);
  for (const o of ops as Op[]) {
    const parts = pointer(o.path);
    if (o.op === 'test') {
      if (JSON.stringify(getAt(out, o.path)) !== JSON.stringify(o.value))
        throw new ApiError(422, 'Invalid', `jsonpatch test operation does not apply: ${o.path}`);
      continue;
    }
    if (parts.length === 0) {
      if (o.op === 'add' || o.op === 'replace') out = structuredClone(o.value ?? null);
      continue;
    }
    const value =
      o.op === 'move' || o.op === 'copy' ? structuredClone(getAt(out, o.from ?? '')) : structuredClone(o.value ?? null);
    if (o.op === 'move') remove(out, pointer(o.from ?? ''), o.from ?? '');
    const { parent, key } = parentOf(out, parts, o.path);
    if (o.op === 'remove') remove(out, parts, o.path);
    else if (o.op === 'add' || o.op === 'move' || o.op === 'copy') {
      if (Array.isArray(parent)) parent.splice(key === '-' ? parent.length : Number(key), 0, value);
      else parent[key] = value;
    } else if (o.op === 'replace') {
      getAt(out, o.path);
      if (Array.isArray(parent)) parent[Number(key)] = value;
      else parent[key] = value;
    } else throw new ApiError(422, 'Invalid', `jsonpatch: unknown operation ${o.op}`);
  }
  return out;
}

function remove(doc: Json, parts: string[], path: string): void {
  getAt(doc, path);
  const { parent, key } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
}

/**
 * Server-side apply, simplified: the applied configuration merges into the live object (keyed lists by their
 * merge key), and fields this manager applied last time but no longer sets are removed.
 */
export function applyMerge(live: Json, applied: Json, lastApplied: Json | undefined, field = ''): Json {
  if (Array.isArray(applied)) {
    const key = mergeKeyOf(field, applied);
    if (!key || !Array.isArray(live)) return applied;
    const prev = Array.isArray(lastApplied) ? lastApplied : [];
    const out: Json[] = [];
    for (const item of live) {
      if (!isObj(item)) continue;
      const mine = applied.find((a) => isObj(a) && a[key] === item[key]);
      const wasMine = prev.some((a) => isObj(a) && a[key] === item[key]);
      if (mine)
        out.push(
          applyMerge(
            item,
            mine,
            prev.find((a) => isObj(a) && a[key] === item[key]),
            '',
          ),
        );
      else if (!wasMine) out.push(item);
    }
    for (const a of applied) if (isObj(a) && !live.some((i) => isObj(i) && i[key] === a[key])) out.push(a);
    return out;
  }
  if (!isObj(applied)) return applied;
  const out: Obj = isObj(live) ? { ...live } : {};
  const prev = isObj(lastApplied) ? lastApplied : {};
  for (const k of Object.keys(prev)) if (!(k in applied)) delete out[k];
  for (const [k, v] of Object.entries(applied)) {
    if (v === null) delete out[k];
    else out[k] = applyMerge(out[k] ?? null, v, prev[k], k);
  }
  return out;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const ct = (contentType ?? '').split(';')[0].trim();
  return (
    {
      'application/merge-patch+json': 'merge',
      'application/strategic-merge-patch+json': 'strategic',
      'application/json-patch+json': 'json',
      'application/apply-patch+yaml': 'apply',
      'application/apply-patch+cbor': undefined,
    } as Record<string, PatchType | undefined>
  )[ct];
}
