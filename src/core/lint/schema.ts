// The chart's own values.schema.json (the file Helm enforces), run with ajv; errors mapped to source ranges.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import schemaJson from '../../../chart/values.schema.json';
import { rangeOf, type Path, type ValuesDoc } from './document';
import { scalarText } from '../values/textEdits';
import type { Finding } from './rule';
import { closest } from './closest';

export const valuesSchema: Record<string, unknown> = schemaJson as Record<string, unknown>;

let validator: ValidateFunction | undefined;

function validate(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, verbose: true }).compile(valuesSchema);
  return validator;
}

// Per-service schema checks (incremental linter): only when the schema checks each key of `services` on its own.
const rootKeywords = new Set([
  '$schema',
  'title',
  'description',
  'type',
  'additionalProperties',
  'required',
  'properties',
  'definitions',
]);
const servicesKeywords = new Set([
  'title',
  'description',
  'type',
  'required',
  'properties',
  'propertyNames',
  'additionalProperties',
]);
let entryValidator: ValidateFunction | null | undefined;

function servicesSchema(): Record<string, unknown> | undefined {
  const s = (valuesSchema.properties as Record<string, Record<string, unknown>> | undefined)?.services;
  const independent =
    s &&
    Object.keys(valuesSchema).every((k) => rootKeywords.has(k)) &&
    Object.keys(s).every((k) => servicesKeywords.has(k));
  return independent ? s : undefined;
}

/**
 * Validates `{ name: service }` the way the schema checks one key of `services` (its name and its value), or
 * undefined when the schema makes keys of `services` depend on each other (then only whole files are checked).
 */
export function serviceEntryValidator(): ValidateFunction | undefined {
  if (entryValidator === undefined) {
    const s = servicesSchema();
    entryValidator = s
      ? new Ajv({ allErrors: false, strict: false, allowUnionTypes: true }).compile({
          definitions: valuesSchema.definitions,
          type: 'object',
          properties: s.properties ?? {},
          propertyNames: s.propertyNames ?? true,
          additionalProperties: s.additionalProperties ?? true,
        })
      : null;
  }
  return entryValidator ?? undefined;
}

/** Keys of `services` the schema names itself (required or listed): always validated in place. */
export function namedServices(): Set<string> {
  const s = servicesSchema();
  return new Set([
    ...(Array.isArray(s?.required) ? (s.required as string[]) : []),
    ...Object.keys((s?.properties as object | undefined) ?? {}),
  ]);
}

export interface SchemaFinding extends Finding {
  readonly rule: string;
  readonly path: Path;
}

function decodePointer(p: string): (string | number)[] {
  if (!p) return [];
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** `services.default.volumes[0]` */
export function showPath(path: Path): string {
  let out = '';
  for (const s of path) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += (out ? '.' : '') + (/^[A-Za-z0-9_-]+$/.test(s) ? s : JSON.stringify(s));
  }
  return out || 'the file';
}

function typeName(v: unknown): string {
  if (v === null) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return 'text';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  return `a ${typeof v}`;
}

const typeWords: Record<string, string> = {
  object: 'a map',
  array: 'a list',
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'empty',
};

function ruleOf(keyword: string): string {
  switch (keyword) {
    case 'additionalProperties':
      return 'schema/unknown-key';
    case 'required':
      return 'schema/required';
    case 'type':
      return 'schema/type';
    case 'enum':
    case 'const':
      return 'schema/enum';
    case 'pattern':
    case 'propertyNames':
    case 'format':
      return 'schema/format';
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'multipleOf':
      return 'schema/range';
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties':
    case 'uniqueItems':
      return 'schema/length';
    case 'oneOf':
    case 'anyOf':
      return 'schema/shape';
    default:
      return 'schema/invalid';
  }
}

function describe(e: ErrorObject, where: string, key?: string): string {
  const p = e.params as Record<string, unknown>;
  const desc = (e.parentSchema as { description?: string } | undefined)?.description;
  const value = e.data;
  switch (e.keyword) {
    case 'additionalProperties': {
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const guess = key ? closest(key, known) : undefined;
      const allowed = known.length > 8 ? `${known.slice(0, 8).join(', ')}, …` : known.join(', ');
      return `unknown key ${JSON.stringify(key)} in ${where}${guess ? ` (did you mean "${guess}"?)` : known.length ? ` (allowed: ${allowed})` : ''}`;
    }
    case 'required':
      return `${where} needs "${String(p.missingProperty)}"`;
    case 'type': {
      const types = (Array.isArray(p.type) ? p.type : String(p.type).split(',')).filter((t: string) => t !== 'null');
      return `${where} must be ${types.map((t: string) => typeWords[t] ?? t).join(' or ')}, not ${typeName(value)}`;
    }
    case 'enum':
      return `${where} must be one of ${(p.allowedValues as unknown[])
        .filter((v) => v !== null)
        .map((v) => JSON.stringify(v))
        .join(', ')}, not ${JSON.stringify(value)}`;
    case 'const':
      return `${where} must be ${JSON.stringify(p.allowedValue)}`;
    case 'pattern':
    case 'format': {
      // Prefer the schema's words when they describe the form; the raw pattern only when they do not.
      const words = desc && /letters|digits|characters|e\.g\.|quantity|address|DNS|domain|form/i.test(desc);
      const form = words
        ? `: ${desc}`
        : typeof p.pattern === 'string'
          ? ` (must match ${p.pattern})`
          : typeof p.format === 'string'
            ? ` (must be a ${p.format})`
            : '';
      if (key !== undefined) return `key ${JSON.stringify(key)} in ${where} is not valid${form}`;
      return `${where} ${JSON.stringify(value)} is not valid${form}`;
    }
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum':
      return `${where} is ${JSON.stringify(value)} but ${e.message ?? 'out of range'}`;
    case 'minLength':
      return p.limit === 1 ? `${where} must not be empty` : `${where} must have at least ${String(p.limit)} characters`;
    case 'maxLength':
      return key !== undefined
        ? `key ${JSON.stringify(key)} in ${where} is longer than ${String(p.limit)} characters`
        : `${where} must have at most ${String(p.limit)} characters`;
    default:
      return `${where} ${e.message ?? 'is not valid'}${desc ? ` (${desc})` : ''}`;
  }
}

/** Drops the noise ajv adds around the errors that matter (if/then wrappers, branches of a failed oneOf). */
function prune(errors: ErrorObject[]): ErrorObject[] {
  let out = errors.filter((e) => e.keyword !== 'if');
  for (const alt of out.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')) {
    const branchPrefix = alt.schemaPath + '/';
    const inside = out.filter(
      (e) => e.schemaPath.startsWith(branchPrefix) && e.instancePath.startsWith(alt.instancePath),
    );
    // Prefer the branch whose type matched: its errors say what is wrong; otherwise keep the summary.
    const branches = new Map<string, ErrorObject[]>();
    for (const e of inside) {
      const b = e.schemaPath.slice(branchPrefix.length).split('/')[0];
      branches.set(b, [...(branches.get(b) ?? []), e]);
    }
    const typed = [...branches.values()].filter(
      (es) => !es.some((e) => e.keyword === 'type' && e.instancePath === alt.instancePath),
    );
    const keep = typed.length === 1 ? typed[0] : [];
    out = out.filter((e) => (e === alt ? keep.length === 0 : !inside.includes(e) || keep.includes(e)));
  }
  // propertyNames reports the inner failure (with the name) and a summary: keep the inner one.
  const named = new Set(
    out.filter((e) => e.propertyName !== undefined).map((e) => `${e.instancePath}\0${e.propertyName}`),
  );
  return out.filter(
    (e) =>
      !(
        e.keyword === 'propertyNames' &&
        named.has(`${e.instancePath}\0${String((e.params as { propertyName?: string }).propertyName)}`)
      ),
  );
}

/**
 * The source range for an error: the offending key, else the value (or, for "required", the key owning the
 * object); falls back to the nearest ancestor present in the file (the error may come from chart defaults).
 */
function locate(vd: ValuesDoc, base: Path, key: string | undefined, preferKey: boolean): [number, number] {
  const { node, pair } = vd.at(base);
  if (key !== undefined) {
    const r = rangeOf(vd.pair(vd.map(node), key)?.key);
    if (r) return r;
  }
  const here =
    base.length === 0
      ? undefined
      : preferKey
        ? (rangeOf(pair?.key) ?? rangeOf(node))
        : (rangeOf(node) ?? rangeOf(pair?.key));
  if (here && here[1] > here[0]) return here;
  const k = rangeOf(pair?.key); // an empty value (`key:`): point at the key
  if (k) return k;
  for (let n = base.length - 1; n > 0; n--) {
    const up = vd.at(base.slice(0, n));
    const r = rangeOf(up.pair?.key) ?? rangeOf(up.node);
    if (r) return r;
  }
  const nl = vd.text.indexOf('\n');
  return [0, nl < 0 ? vd.text.length : nl];
}

/** Validates the (defaults-merged) values; each error becomes a finding located in the user's file. */
export function schemaFindings(vd: ValuesDoc, merged: unknown): SchemaFinding[] {
  const v = validate();
  if (v(merged)) return [];
  const out: SchemaFinding[] = [];
  const seen = new Set<string>();
  for (const e of prune(v.errors ?? [])) {
    const base = decodePointer(e.instancePath);
    const p = e.params as Record<string, unknown>;
    const key =
      e.keyword === 'additionalProperties'
        ? String(p.additionalProperty)
        : e.propertyName !== undefined
          ? e.propertyName
          : e.keyword === 'propertyNames'
            ? String(p.propertyName)
            : undefined;
    const path = key !== undefined ? [...base, key] : base;
    const dedupe = `${e.keyword}\0${path.join('\0')}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    const range = locate(vd, base, key, e.keyword === 'required');
    const message = describe(e, showPath(base), key);
    let fix: Finding['fix'];
    if (e.keyword === 'additionalProperties' && key) {
      const guess = /did you mean "([^"]+)"/.exec(message)?.[1];
      const taken = guess !== undefined && vd.pair(vd.map(vd.at(base).node), guess) !== undefined;
      if (guess && !taken)
        fix = {
          title: `Rename to "${guess}"`,
          edits: [{ start: range[0], end: range[1], newText: scalarText(guess) }],
        };
    }
    out.push({ rule: ruleOf(e.keyword), range, message, path, fix });
  }
  return out;
}

/** The schema node describing a value path (follows $ref, properties, additionalProperties, items). */
export function schemaAt(path: Path): Record<string, unknown> | undefined {
  const defs = (valuesSchema.definitions ?? {}) as Record<string, Record<string, unknown>>;
  const resolve = (s: Record<string, unknown> | undefined): Record<string, unknown> | undefined => {
    for (let i = 0; i < 8 && s && typeof s.$ref === 'string'; i++) {
      const ref = s.$ref.replace(/^#\/definitions\//, '');
      s = { ...defs[ref], ...(s.description ? { description: s.description } : {}) };
    }
    return s;
  };
  let s: Record<string, unknown> | undefined = valuesSchema;
  for (const seg of path) {
    s = resolve(s);
    if (!s) return undefined;
    if (typeof seg === 'number') {
      s = s.items as Record<string, unknown> | undefined;
      continue;
    }
    const props = s.properties as Record<string, Record<string, unknown>> | undefined;
    const add = s.additionalProperties;
    s = props?.[seg] ?? (typeof add === 'object' && add !== null ? (add as Record<string, unknown>) : undefined);
  }
  return resolve(s);
}
