// A parsed values file: the yaml AST with source ranges, plus the lookups the rules need.
import {
  Document,
  LineCounter,
  Pair,
  Scalar,
  YAMLMap,
  YAMLSeq,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Node as YNode,
} from 'yaml';

export type Path = readonly (string | number)[];

/** Input limits: far above any real values file, low enough that parsing stays fast and bounded. */
export const limits = {
  maxBytes: 2 * 1024 * 1024,
  maxFlowDepth: 100,
  maxDepth: 100,
  /** Values that aliases may add beyond the file's own (guards against "billion laughs"). */
  maxValues: 100_000,
} as const;

export class InputRejected extends Error {
  constructor(
    message: string,
    readonly start = 0,
    readonly end = 0,
  ) {
    super(message);
  }
}

export interface ServiceEntry {
  readonly name: string;
  readonly pair: Pair;
  readonly key: YNode;
  readonly value: YAMLMap | undefined;
  /**
   * Data rules derive from this service alone (see serviceMemo); the incremental linter keeps it while the
   * service's text is unchanged.
   */
  readonly memo: Map<string, unknown>;
}

/** `compute()` once per service entry; it must depend on that service's own nodes only (no head, no other service). */
export function serviceMemo<T>(s: ServiceEntry, key: string, compute: () => T): T {
  if (s.memo.has(key)) return s.memo.get(key) as T;
  const v = compute();
  s.memo.set(key, v);
  return v;
}

/**
 * Depth of `[`/`{` nesting outside quotes and comments; cheap guard before handing text to the parser. `clean`:
 * the scan ends outside any bracket or quote (then texts joined at line starts scan as their parts did).
 */
export function flowDepth(text: string): { depth: number; at: number; clean: boolean } {
  let depth = 0;
  let max = 0;
  let at = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\n' && quote === '"') continue;
      continue;
    }
    if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\n' || text[i - 1] === '\t')) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
      continue;
    }
    // Quoted scalars start a token (after a space, a line start or a flow indicator); a quote inside a plain
    // scalar (`a: 5"`) opens nothing.
    if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:-]/.test(text[i - 1]))) quote = c;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth > max) {
        max = depth;
        at = i;
      }
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return { depth: max, at, clean: depth === 0 && quote === '' };
}

/** Why a text is not even parsed (too large, brackets too deep: the yaml parser takes seconds on those), or undefined. */
export function inputProblem(text: string): string | undefined {
  if (text.length > limits.maxBytes)
    return `the values file is too large (${text.length} characters, limit ${limits.maxBytes})`;
  const fd = flowDepth(text);
  return fd.depth > limits.maxFlowDepth
    ? `the values file nests brackets ${fd.depth} deep (limit ${limits.maxFlowDepth})`
    : undefined;
}

/**
 * The values a text loads as: valid YAML (1.2, as editors read it) whose values load the way Helm reads them
 * (YAML 1.1, merge keys, aliases bounded). Undefined when it does not load. For checking edits.
 */
export function loadedValues(text: string): Record<string, unknown> | undefined {
  if (inputProblem(text) !== undefined || parseDocument(text, { logLevel: 'error' }).errors.length > 0)
    return undefined;
  try {
    const vd = new ValuesDoc(text);
    const v = vd.doc.errors.length > 0 || !aliasesResolve(vd.doc) ? undefined : (toPlain(vd) ?? {});
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Every alias has its anchor earlier in the file (Helm refuses the file otherwise; yaml only fails on toJS). */
function aliasesResolve(doc: Document): boolean {
  const anchors = new Set<string>();
  let ok = true;
  visit(doc, {
    Node(_, node) {
      if (isAlias(node)) {
        if (anchors.has(node.source)) return undefined;
        ok = false;
        return visit.BREAK;
      }
      if (node.anchor) anchors.add(node.anchor);
      return undefined;
    },
  });
  return ok;
}

/** A document parsed elsewhere (the incremental linter assembles one from parts) with its line starts. */
export interface Parsed {
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** The entries of `services:` when known (what services() would find). */
  readonly services?: ServiceEntry[];
}

export class ValuesDoc {
  readonly lineCounter: LineCounter;
  readonly doc: Document.Parsed;

  constructor(
    readonly text: string,
    parsed?: Parsed,
  ) {
    if (parsed) {
      this.doc = parsed.doc;
      this.lineCounter = parsed.lineCounter;
      this.servicesCache = parsed.services;
      return;
    }
    this.lineCounter = new LineCounter();
    if (text.length > limits.maxBytes) {
      throw new InputRejected(`file too large to lint (${text.length} characters, limit ${limits.maxBytes})`);
    }
    const fd = flowDepth(text);
    if (fd.depth > limits.maxFlowDepth) {
      throw new InputRejected(`brackets nested ${fd.depth} deep (limit ${limits.maxFlowDepth})`, fd.at, fd.at + 1);
    }
    this.doc = parseDocument(text, {
      lineCounter: this.lineCounter,
      prettyErrors: false,
      // Helm reads values with YAML 1.1 rules (yes/no booleans, merge keys).
      version: '1.1',
      // yaml's own check compares every key with every other (quadratic on 1,000 services): see duplicateKeys().
      uniqueKeys: false,
    });
  }

  /** Keys repeated in a map (offsets of the repeat), found with one Set per map. */
  duplicateKeys(): { range: [number, number]; key: string }[] {
    const out: { range: [number, number]; key: string }[] = [];
    const stack: { node: unknown; depth: number }[] = [{ node: this.doc.contents, depth: 0 }];
    while (stack.length) {
      const { node, depth } = stack.pop()!;
      if (depth > limits.maxDepth) continue;
      if (isMap(node)) {
        const seen = new Set<string>();
        for (const p of node.items) {
          const k = keyText(p);
          if (k !== undefined && k !== '<<') {
            if (seen.has(k)) {
              const r = rangeOf(p.key);
              if (r) out.push({ range: r, key: k });
            }
            seen.add(k);
          }
          stack.push({ node: p.value, depth: depth + 1 });
        }
      } else if (isSeq(node)) {
        for (const i of node.items) stack.push({ node: i, depth: depth + 1 });
      }
    }
    return out;
  }

  /** 1-based line and column of an offset. */
  pos(offset: number): { line: number; col: number } {
    const p = this.lineCounter.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { line: p.line, col: p.col };
  }

  get root(): YAMLMap | undefined {
    return asMap(this.doc.contents);
  }

  /** Follows an alias to its anchor's node. */
  deref(node: unknown): YNode | undefined {
    let n = node;
    for (let i = 0; i < 16 && isAlias(n); i++) n = n.resolve(this.doc);
    return isAlias(n) ? undefined : ((n as YNode | undefined) ?? undefined);
  }

  map(node: unknown): YAMLMap | undefined {
    return asMap(this.deref(node));
  }

  seq(node: unknown): YAMLSeq | undefined {
    const n = this.deref(node);
    return isSeq(n) ? n : undefined;
  }

  scalar(node: unknown): unknown {
    const n = this.deref(node);
    return isScalar(n) ? n.value : undefined;
  }

  /** Key index of large maps, built once: one lookup per finding keeps wide documents linear. */
  private readonly keyIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

  /** The pair whose key is `key` in a map (plain-text key comparison; the first one if repeated). */
  pair(map: YAMLMap | undefined, key: string): Pair | undefined {
    if (!map) return undefined;
    if (map.items.length <= 16) {
      for (const p of map.items) if (isPair(p) && keyText(p) === key) return p;
      return undefined;
    }
    let index = this.keyIndex.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) {
        const k = isPair(p) ? keyText(p) : undefined;
        if (k !== undefined && !index.has(k)) index.set(k, p);
      }
      this.keyIndex.set(map, index);
    }
    return index.get(key);
  }

  value(map: YAMLMap | undefined, key: string): YNode | undefined {
    return this.deref(this.pair(map, key)?.value);
  }

  /** Node (and the pair holding it) at a path of keys and indices, following aliases. */
  at(path: Path): { node?: YNode; pair?: Pair } {
    let node: YNode | undefined = this.deref(this.doc.contents);
    let pair: Pair | undefined;
    for (const seg of path) {
      if (typeof seg === 'number') {
        const s = this.seq(node);
        const item = s?.items[seg];
        if (item === undefined) return { pair };
        node = this.deref(item);
        pair = undefined;
      } else {
        const m = this.map(node);
        const p = this.pair(m, seg);
        if (!p) return {};
        pair = p;
        node = this.deref(p.value);
      }
    }
    return { node, pair };
  }

  private servicesCache: ServiceEntry[] | undefined;

  services(): ServiceEntry[] {
    this.servicesCache ??= this.findServices();
    return this.servicesCache;
  }

  private findServices(): ServiceEntry[] {
    const m = this.map(this.root && this.value(this.root, 'services'));
    if (!m) return [];
    const out: ServiceEntry[] = [];
    for (const p of m.items) {
      if (!isPair(p) || !p.key) continue;
      const name = keyText(p);
      if (name === undefined) continue;
      out.push(serviceEntry(this, name, p));
    }
    return out;
  }
}

export function serviceEntry(vd: ValuesDoc, name: string, p: Pair): ServiceEntry {
  return { name, pair: p, key: p.key as YNode, value: vd.map(p.value), memo: new Map() };
}

export function asMap(n: unknown): YAMLMap | undefined {
  return isMap(n) ? n : undefined;
}

/** Plain text of a pair's key, or undefined for collection keys. */
export function keyText(p: Pair): string | undefined {
  const k = p.key;
  if (isScalar(k)) {
    if (typeof k.value === 'symbol') return '<<';
    return k.value === null ? '' : String(k.value);
  }
  return undefined;
}

/** [start, end) offsets of a node, a pair (key through value) or a pair's key. */
export function rangeOf(n: unknown): [number, number] | undefined {
  if (isPair(n)) {
    const k = rangeOf(n.key);
    const v = rangeOf(n.value);
    if (k && v) return [k[0], Math.max(k[1], v[1])];
    return k ?? v;
  }
  const r = (n as { range?: [number, number, number] } | null | undefined)?.range;
  return r ? [r[0], r[1]] : undefined;
}

/**
 * Plain JS value of the document, like Helm sees it. Our own walk instead of `toJS()`: it bounds depth and alias
 * expansion and refuses collection keys (which `toJS()` stringifies, exponentially for nested ones).
 */
export function toPlain(vd: ValuesDoc): unknown {
  const max = ownSize(vd.doc.contents) + limits.maxValues;
  if (expandedSize(vd, vd.doc.contents, new Map(), 0, max) > max)
    throw new InputRejected('aliases expand to too many values');
  let budget = max;
  const walk = (raw: unknown, depth: number): unknown => {
    if (--budget < 0) throw new InputRejected('aliases expand to too many values');
    if (depth > limits.maxDepth) {
      const r = rangeOf(raw);
      throw new InputRejected(`nested more than ${limits.maxDepth} levels deep`, r?.[0], r?.[1]);
    }
    const node = vd.deref(raw);
    if (node === undefined || node === null) return null;
    if (isScalar(node)) return plainScalar(node);
    if (isSeq(node)) return node.items.map((i) => walk(i, depth + 1));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const merges: unknown[] = [];
      for (const p of node.items) {
        if (!isPair(p)) continue;
        const k = keyText(p);
        if (k === undefined) {
          const r = rangeOf(p.key);
          throw new InputRejected('a map key must be plain text, not a list or map', r?.[0], r?.[1]);
        }
        if (isScalar(p.key) && typeof p.key.value === 'symbol') {
          merges.push(p.value);
          continue;
        }
        Object.defineProperty(out, k, {
          value: walk(p.value, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      for (const m of merges) {
        const targets = isSeq(vd.deref(m)) ? (vd.deref(m) as YAMLSeq).items : [m];
        for (const t of targets) {
          const v = walk(t, depth + 1);
          if (v && typeof v === 'object' && !Array.isArray(v)) {
            for (const [mk, mv] of Object.entries(v))
              if (!Object.prototype.hasOwnProperty.call(out, mk)) {
                Object.defineProperty(out, mk, { value: mv, enumerable: true, writable: true, configurable: true });
              }
          }
        }
      }
      return out;
    }
    return null;
  };
  return walk(vd.doc.contents, 0);
}

/** Nodes written in the file (aliases not followed). */
function ownSize(root: unknown): number {
  let n = 0;
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    n++;
    if (isSeq(node) || isMap(node)) for (const item of node.items) stack.push(isPair(item) ? item.value : item);
  }
  return n;
}

/** Values the node expands to with aliases followed (memoized per node, so an alias bomb costs its AST size). */
function expandedSize(vd: ValuesDoc, raw: unknown, memo: Map<unknown, number>, depth: number, max: number): number {
  if (depth > limits.maxDepth) return 1; // toPlain reports the depth with its position
  const node = vd.deref(raw);
  if (node === undefined || node === null || isScalar(node)) return 1;
  const known = memo.get(node);
  if (known !== undefined) return known;
  let n = 1;
  if (isSeq(node) || isMap(node)) {
    for (const item of node.items) {
      n += expandedSize(vd, isPair(item) ? item.value : item, memo, depth + 1, max);
      if (n > max) break;
    }
  }
  memo.set(node, n);
  return n;
}

function plainScalar(s: Scalar): unknown {
  const v = s.value;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof Date) return v.toISOString();
  if (v === undefined) return null;
  return v;
}
