// Cheap text split of a values file into the head (everything outside the top-level `services:` block's entries)
// and one chunk per service, for the incremental linter. Line-based; whatever it cannot place safely is a reason
// to lint the whole file instead.
import { Document, LineCounter, YAMLMap, isAlias, isMap, isPair, isScalar, isSeq, type Pair } from 'yaml';
import {
  InputRejected,
  ValuesDoc,
  flowDepth,
  keyText,
  limits,
  serviceEntry,
  toPlain,
  type ServiceEntry,
} from './document';

export interface ServicesSplit {
  /** Offset of the `services:` line. */
  readonly servicesLine: number;
  /** Where the first service entry starts (the services line and comment lines before it end here). */
  readonly cut: number;
  /** Where the text after the services block starts (the file's end if nothing follows). */
  readonly blockEnd: number;
  /** Start offset of each service entry; entry i ends where i + 1 starts (the last at blockEnd). */
  readonly starts: readonly number[];
  /** Indentation of the entries' keys. */
  readonly indent: number;
}

const servicesLine = /^services:[ \t]*(?:#.*)?$/m;

/**
 * Service entries are the lines at the indentation of the first key under a column-0 `services:` line; each runs
 * until the next line at that indentation (blank and comment lines belong to the entry before them). The block
 * ends at the first column-0 line. A string says why the text cannot be split.
 */
export function splitServices(text: string): ServicesSplit | string {
  const m = servicesLine.exec(text);
  if (!m) return 'no block "services:" line at column 0';
  const nl = text.indexOf('\n', m.index);
  if (nl < 0) return 'nothing under services:';
  const n = text.length;
  const starts: number[] = [];
  let indent = -1;
  let blockEnd = n;
  for (let pos = nl + 1; pos < n;) {
    const next = text.indexOf('\n', pos);
    const end = next < 0 ? n : next + 1;
    let i = pos;
    while (i < end && text.charCodeAt(i) === 32) i++;
    // A tab where indentation is read is an error or not depending on the lines around it, even on a blank line.
    if (text[i] === '\t') return 'a tab in the indentation';
    let j = i;
    while (j < end && (text[j] === ' ' || text[j] === '\r')) j++;
    const blank = j >= end || text[j] === '\n';
    if (!blank) {
      if (text[i] !== '#') {
        const col = i - pos;
        if (col === 0) {
          blockEnd = pos;
          break;
        }
        if (indent < 0) indent = col;
        if (col < indent) return 'a line indented less than the service entries';
        if (col === indent) starts.push(pos);
      }
    }
    pos = end;
  }
  if (starts.length === 0) return 'no service entries under services:';
  return { servicesLine: m.index, cut: starts[0], blockEnd, starts, indent };
}

/** One service entry parsed on its own, with every node range (shifted in place as the entry moves). */
export interface Piece {
  readonly text: string;
  readonly name: string;
  readonly pair: Pair;
  /** The entry's one-key map when parsed alone: its range gives the services map's. */
  readonly map: YAMLMap;
  /** The service's value as Helm sees it. */
  readonly plain: unknown;
  /** Line breaks in the text. */
  readonly newlines: number;
  /** What ValuesDoc.services() gives for it (kept with its memo while the text is unchanged). */
  readonly service: ServiceEntry;
  readonly ranges: readonly [number, number, number][];
  /** The offset currently added to every range. */
  base: number;
  /** See parsePiece. */
  readonly tail: number;
}

interface Walk {
  ranges: [number, number, number][];
  depth: number;
  problem?: string;
}

/** Collects node ranges and the nesting depth (counted as toPlain counts); notes what the split cannot carry. */
function walk(node: unknown, depth: number, w: Walk): void {
  if (w.problem) return;
  if (isAlias(node)) {
    w.problem = 'an alias';
    return;
  }
  const r = (node as { range?: [number, number, number] } | null)?.range;
  if (r) w.ranges.push(r);
  if ((node as { anchor?: string } | null)?.anchor) {
    w.problem = 'an anchor';
    return;
  }
  if (depth > w.depth) w.depth = depth;
  if (isMap(node)) {
    for (const p of node.items) {
      // An empty key is placed where the item before it ends, which differs between the parts and the whole.
      const kr = isPair(p) && isScalar(p.key) ? p.key.range : undefined;
      if (!isPair(p) || !isScalar(p.key) || typeof p.key.value === 'symbol' || p.key.anchor || !kr || kr[1] <= kr[0]) {
        w.problem = 'a merge key, an empty key, or a key that is not plain text';
        return;
      }
      w.ranges.push(p.key.range as [number, number, number]);
      walk(p.value, depth + 1, w);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) walk(item, depth + 1, w);
  }
}

/**
 * Parses one service entry alone; a string says why it cannot be used. `tail`: the indentation of the next
 * entry's key line, parsed with this one as in the whole file (a trailing comment's end reaches past it), or 0.
 */
export function parsePiece(text: string, tail = 0): Piece | string {
  const source = tail > 0 ? text + ' '.repeat(tail) : text;
  const fd = flowDepth(source);
  if (!fd.clean || fd.depth > limits.maxFlowDepth) return 'brackets or quotes open across entries';
  let vd: ValuesDoc;
  try {
    vd = new ValuesDoc(source);
  } catch (e) {
    if (e instanceof InputRejected) return e.message;
    throw e;
  }
  if (vd.doc.errors.length || vd.doc.warnings.length) return 'a YAML error or warning in a service entry';
  const map = vd.doc.contents;
  if (!isMap(map) || map.flow || map.items.length !== 1 || !map.range) return 'a service entry that is not one key';
  const w: Walk = { ranges: [], depth: 0 };
  walk(map, 0, w);
  if (w.problem) return w.problem;
  // A node that ends in the padding (e.g. an empty value with a less indented comment after it) ends elsewhere in
  // the whole file, where the next entry follows.
  if (w.ranges.some((r) => r[2] > text.length)) return 'a node that reaches past its entry';
  // Inside the whole file the entry sits one level deeper (under services:).
  if (w.depth + 1 >= limits.maxDepth) return 'nested too deep';
  if (vd.duplicateKeys().length) return 'a repeated key';
  const pair = map.items[0];
  const name = keyText(pair);
  const kr = (pair.key as { range?: number[] } | null)?.range;
  // The key must be written where the entry starts (an empty or explicit `?` key is placed by what precedes it).
  if (name === undefined || !kr || kr[1] <= kr[0] || kr[0] !== text.length - text.trimStart().length)
    return 'a service key that is not plain text at the entry start';
  let plain: unknown;
  try {
    plain = (toPlain(vd) as Record<string, unknown>)[name];
  } catch (e) {
    if (e instanceof InputRejected) return e.message;
    throw e;
  }
  return {
    text,
    name,
    pair,
    map,
    plain,
    service: serviceEntry(vd, name, pair),
    newlines: newlines(text, 0, text.length),
    ranges: w.ranges,
    base: 0,
    tail,
  };
}

function newlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export function movePiece(p: Piece, to: number): void {
  const d = to - p.base;
  if (d === 0) return;
  for (const r of p.ranges) {
    r[0] += d;
    r[1] += d;
    r[2] += d;
  }
  p.base = to;
}

/** The head parsed alone and put together with the entries into the document a full parse gives. */
export interface Assembled {
  readonly vd: ValuesDoc;
  readonly values: Record<string, unknown>;
}

/**
 * Parses the head (the text without the entries), moves its nodes after the block to their place in the full
 * text, and hangs the entries' pairs under its `services:` key. A string says why not.
 */
export function assemble(
  text: string,
  split: ServicesSplit,
  pieces: readonly Piece[],
  head: string,
): Assembled | string {
  const { cut, blockEnd } = split;
  const before = flowDepth(text.slice(0, cut));
  if (!before.clean) return 'brackets or quotes open before services:';
  // Directives (%YAML, %TAG) change how the entries parse, and they are not in the entries' text.
  if (/^%/m.test(head)) return 'a directive';
  let hvd: ValuesDoc;
  try {
    hvd = new ValuesDoc(head);
  } catch (e) {
    if (e instanceof InputRejected) return e.message;
    throw e;
  }
  const doc = hvd.doc;
  if (doc.errors.length || doc.warnings.length) return 'a YAML error or warning outside the services';
  const root = doc.contents;
  if (!isMap(root) || root.flow || !root.range) return 'the top level is not a block map';
  const w: Walk = { ranges: [], depth: 0 };
  walk(root, 0, w);
  if (w.problem) return w.problem;
  if (hvd.duplicateKeys().length) return 'a repeated key outside the services';
  const idx = root.items.findIndex((p) => isScalar(p.key) && p.key.range?.[0] === split.servicesLine);
  const svcPair = root.items[idx];
  if (!svcPair || keyText(svcPair) !== 'services' || !isScalar(svcPair.value) || svcPair.value.value !== null)
    return 'services: is not an empty key in the head';
  let values: Record<string, unknown>;
  try {
    values = toPlain(hvd) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof InputRejected) return e.message;
    throw e;
  }

  // Nodes after the block move by its length (the root map spans both sides).
  const shift = blockEnd - cut;
  for (const r of w.ranges) {
    if (r[0] >= cut) {
      r[0] += shift;
      r[1] += shift;
      r[2] += shift;
    }
  }
  const first = pieces[0].map.range!;
  const last = pieces[pieces.length - 1].map.range!;
  const services = new YAMLMap(doc.schema);
  services.items = pieces.map((p) => p.pair);
  services.range = [first[0], last[1], last[2]];
  (svcPair as Pair).value = services;
  if (idx === root.items.length - 1) root.range = [root.range[0], services.range[2], services.range[2]];
  else root.range = [root.range[0], root.range[1] + shift, root.range[2] + shift];

  const plain: Record<string, unknown> = {};
  for (const p of pieces)
    Object.defineProperty(plain, p.name, { value: p.plain, enumerable: true, writable: true, configurable: true });
  values.services = plain;

  // Line starts as the parser records them (one per "\n"), in an array sized once (the file may have 20,000 lines).
  let lines = 1 + newlines(text, 0, cut) + newlines(text, blockEnd, text.length);
  for (const p of pieces) lines += p.newlines;
  const starts = new Array<number>(lines);
  starts[0] = 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts[n++] = i + 1;
  if (n !== lines) return 'internal: line count';
  const lineCounter = new LineCounter();
  lineCounter.lineStarts = starts;
  const full = doc as Document.Parsed;
  return { vd: new ValuesDoc(text, { doc: full, lineCounter, services: pieces.map((p) => p.service) }), values };
}
