// Tiny runtime schemas for the inspector's messages. Both sides check every message with them: the webview
// bundle cannot use ajv (it compiles with `new Function`, which the CSP forbids) and needs no more than this.
// Objects are strict (unknown keys are errors), strings and arrays are bounded.

export interface Schema<T> {
  /** Returns the first problem as "path: what", or undefined when `v` is a T. */
  check(v: unknown, path: string): string | undefined;
  /** Phantom field for type inference. */
  readonly _t?: T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

const MAX_STRING = 64 * 1024;
const MAX_ITEMS = 20_000;

export function str(opts: { max?: number; pattern?: RegExp } = {}): Schema<string> {
  const max = opts.max ?? MAX_STRING;
  return {
    check: (v, p) => {
      if (typeof v !== 'string') return `${p}: expected a string`;
      if (v.length > max) return `${p}: longer than ${max}`;
      if (opts.pattern && !opts.pattern.test(v)) return `${p}: does not match ${opts.pattern}`;
      return undefined;
    },
  };
}

export function int(min = 0, max = Number.MAX_SAFE_INTEGER): Schema<number> {
  return {
    check: (v, p) =>
      typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
        ? undefined
        : `${p}: expected an integer in ${min}..${max}`,
  };
}

export function bool(): Schema<boolean> {
  return { check: (v, p) => (typeof v === 'boolean' ? undefined : `${p}: expected a boolean`) };
}

export function literal<const L extends string>(...values: L[]): Schema<L> {
  return {
    check: (v, p) =>
      typeof v === 'string' && (values as string[]).includes(v)
        ? undefined
        : `${p}: expected one of ${values.join(', ')}`,
  };
}

export function arr<T>(item: Schema<T>, max = MAX_ITEMS): Schema<T[]> {
  return {
    check: (v, p) => {
      if (!Array.isArray(v)) return `${p}: expected an array`;
      if (v.length > max) return `${p}: more than ${max} items`;
      for (let i = 0; i < v.length; i++) {
        const e = item.check(v[i], `${p}[${i}]`);
        if (e) return e;
      }
      return undefined;
    },
  };
}

export function optional<T>(s: Schema<T>): Schema<T | undefined> & { readonly optional: true } {
  return { optional: true, check: (v, p) => (v === undefined ? undefined : s.check(v, p)) };
}

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
export type ObjOf<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> };

export function obj<S extends Shape>(shape: S): Schema<ObjOf<S>> {
  const keys = Object.keys(shape);
  return {
    check: (v, p) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${p}: expected an object`;
      for (const k of Object.keys(v))
        if (!Object.prototype.hasOwnProperty.call(shape, k)) return `${p}.${k}: unknown field`;
      for (const k of keys) {
        const e = shape[k].check((v as Record<string, unknown>)[k], `${p}.${k}`);
        if (e) return e;
      }
      return undefined;
    },
  };
}

/** A discriminated union on `type`: each variant is an obj() whose shape has `type: literal(...)`. */
export function union<V extends Record<string, Schema<{ type: string }>>>(variants: V): Schema<Infer<V[keyof V]>> {
  return {
    check: (v, p) => {
      if (typeof v !== 'object' || v === null) return `${p}: expected a message object`;
      const t = (v as { type?: unknown }).type;
      if (typeof t !== 'string' || !Object.prototype.hasOwnProperty.call(variants, t))
        return `${p}.type: unknown message type ${JSON.stringify(t)}`;
      return variants[t].check(v, p);
    },
  };
}
