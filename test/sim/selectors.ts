// Label and field selectors as the API server parses them (`a=b,c!=d,e in (f,g),!h`), plus LabelSelector objects.
import { ApiError, type KubeObject } from './store';

export type Matcher = (obj: KubeObject) => boolean;

interface Requirement {
  key: string;
  op: 'eq' | 'neq' | 'in' | 'notin' | 'exists' | 'notexists';
  values: string[];
}

const bad = (sel: string, why: string): ApiError =>
  new ApiError(400, 'BadRequest', `unable to parse requirement: ${why} (selector: "${sel}")`);

/** Splits on commas outside parentheses. */
function terms(sel: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of sel) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

function parseLabel(sel: string): Requirement[] {
  return terms(sel).map((term): Requirement => {
    let m = /^!\s*([\w./-]+)$/.exec(term);
    if (m) return { key: m[1], op: 'notexists', values: [] };
    m = /^([\w./-]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (m)
      return {
        key: m[1],
        op: m[2] as 'in' | 'notin',
        values: m[3]
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== ''),
      };
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term);
    if (m) return { key: m[1], op: m[2] === '!=' ? 'neq' : 'eq', values: [m[3]] };
    m = /^([\w./-]+)$/.exec(term);
    if (m) return { key: m[1], op: 'exists', values: [] };
    throw bad(sel, `invalid term "${term}"`);
  });
}

function test(r: Requirement, value: string | undefined): boolean {
  switch (r.op) {
    case 'eq':
      return value === r.values[0];
    case 'neq':
      return value !== r.values[0];
    case 'in':
      return value !== undefined && r.values.includes(value);
    case 'notin':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return value !== undefined;
    case 'notexists':
      return value === undefined;
  }
}

export function labelMatcher(sel: string | undefined | null): Matcher | undefined {
  if (!sel) return undefined;
  const reqs = parseLabel(sel);
  return (o) => reqs.every((r) => test(r, o.metadata.labels?.[r.key]));
}

/** Field selectors read dotted paths of the object (`status.phase`, `involvedObject.uid`, `spec.nodeName`). */
export function fieldMatcher(sel: string | undefined | null): Matcher | undefined {
  if (!sel) return undefined;
  const reqs = terms(sel).map((term) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new ApiError(400, 'BadRequest', `invalid selector: '${sel}'; can't understand '${term}'`);
    return { path: m[1].split('.'), neq: m[2] === '!=', value: m[3] };
  });
  return (o) =>
    reqs.every((r) => {
      let v: unknown = o;
      for (const p of r.path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
      const s = v === undefined || v === null ? '' : String(v);
      return r.neq ? s !== r.value : s === r.value;
    });
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

/** A metav1.LabelSelector as a matcher on a label map; an empty selector matches everything, null nothing. */
export function selectorMatches(
  sel: LabelSelector | undefined | null,
  labels: Record<string, string> | undefined,
): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const v = l[e.key];
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: 'notexists' } as const)[e.operator];
    if (!test({ key: e.key, op, values: e.values ?? [] }, v)) return false;
  }
  return true;
}

/** The query-string form of a LabelSelector (what kubectl and kstatus send). */
export function selectorString(sel: LabelSelector): string {
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(',');
}
