// The one way the extension changes a values file (the Timeouts write, the Inspector's "Add to values…"):
//   1. edit the text in place, so comments, quoting and layout stay as the user wrote them;
//   2. reload the result the way Helm reads it and accept it only if it loads as exactly the intended values;
//   3. otherwise let the yaml library write the change (layout may move, content may not), checked the same way;
//   4. otherwise refuse with a message.
// Every change is also checked against the release's chart: it never adds a key that chart rejects.
// Quick fixes of the linter use the text-edit primitives in ./textEdits.
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { inputProblem, loadedValues } from '../lint/document';
import { addedRejectedKeys, ourChart, type ValuesChart } from './charts';

export type EditResult =
  | { readonly ok: true; readonly text: string; readonly changed: boolean }
  | { readonly ok: false; readonly error: string };

type Values = Record<string, unknown>;

/** One change: how to write it in the text, how to write it through yaml's Document, what it loads as. */
export interface Change {
  /** For messages: "set timeouts.riskLevel", "add to allowDomains". */
  readonly what: string;
  text(text: string, doc: Document.Parsed): EditResult;
  document(doc: Document.Parsed): string | undefined;
  expected(before: Values): Values;
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 200);

function parse(text: string): Document.Parsed | string {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) return `the values file has a YAML error: ${doc.errors[0].message.split('\n')[0]}`;
  if (doc.contents !== null && !isMap(doc.contents)) return 'the values file is not a YAML mapping at the top level';
  return doc;
}

/** Applies one change with the steps above. Never throws. */
export function applyChange(text: string, change: Change, chart: ValuesChart = ourChart): EditResult {
  const cannot = `cannot ${change.what} in this values file automatically; edit it by hand`;
  const problem = inputProblem(text);
  if (problem) return { ok: false, error: problem };
  try {
    const doc = parse(text);
    if (typeof doc === 'string') return { ok: false, error: doc };
    const before = loadedValues(text);
    if (!before) return { ok: false, error: 'the values file does not load the way Helm reads it' };
    const r = change.text(text, doc);
    if (!r.ok) return r;
    const want = change.expected(before);
    const rejected = addedRejectedKeys(chart, before, want);
    if (rejected.length)
      return { ok: false, error: `the release's chart (${chart.name}) has no ${rejected.join(', ')} key` };
    if (!r.changed) return r;
    if (isDeepStrictEqual(want, loadedValues(r.text))) return r;
    const again = parse(text);
    const viaDoc = typeof again === 'string' ? undefined : change.document(again);
    return viaDoc !== undefined && isDeepStrictEqual(want, loadedValues(viaDoc))
      ? { ok: true, text: viaDoc, changed: true }
      : { ok: false, error: cannot };
  } catch (e) {
    return { ok: false, error: `${cannot} (${firstLine(e)})` };
  }
}

/** Several changes in order; `changed` when any changed the text. Stops at the first refusal. */
export function applyChanges(text: string, changes: readonly Change[], chart: ValuesChart = ourChart): EditResult {
  let out = text;
  let changed = false;
  for (const c of changes) {
    const r = applyChange(out, c, chart);
    if (!r.ok) return r;
    out = r.text;
    changed ||= r.changed;
  }
  return { ok: true, text: out, changed };
}

/** Sets the scalar at `[block, key]` (e.g. timeouts.riskLevel), creating the block when missing. */
export function setInBlock(block: string, key: string, value: string): Change {
  return {
    what: `set ${block}.${key}`,
    text(text, doc) {
      const node = doc.getIn([block], true);
      if (node === undefined) {
        const sep = text === '' || text.endsWith('\n') ? '' : '\n';
        return { ok: true, text: `${text}${sep}${block}:\n  ${key}: ${value}\n`, changed: true };
      }
      if (!isMap(node) && !(isScalar(node) && node.value === null))
        return { ok: false, error: `${block} in the values file is not a mapping` };
      const current = doc.getIn([block, key], true);
      if (isScalar(current) && current.range) {
        if (current.value === value) return { ok: true, text, changed: false };
        // Replace just the scalar so comments and layout around it stay.
        const [start, end] = current.range;
        return { ok: true, text: text.slice(0, start) + value + text.slice(end), changed: true };
      }
      return { ok: true, text: this.document(doc) ?? text, changed: true };
    },
    document(doc) {
      // `block:` (an empty block) is a null scalar: replace it with a map rather than set a key inside it.
      if (isMap(doc.getIn([block], true))) doc.setIn([block, key], value);
      else doc.setIn([block], doc.createNode({ [key]: value }));
      return doc.toString();
    },
    expected: (before) => ({ ...before, [block]: { ...(before[block] as object | null), [key]: value } }),
  };
}

/** An item for a top-level list: a scalar, or a flat map of scalars (rendered in the list's own style). */
export type ListItem = string | Readonly<Record<string, string | number>>;

/**
 * Appends `item` to the top-level list `key` (creating it), unless an existing entry `covers` it (then nothing
 * changes).
 */
export function appendToList(key: string, item: ListItem, covers: (existing: unknown) => boolean): Change {
  return {
    what: `add to ${key}`,
    text(text, doc) {
      const value = doc.get(key, true);
      if (value === undefined) {
        const sep = text === '' || text.endsWith('\n') ? '' : '\n';
        return { ok: true, text: `${text}${sep}${key}:\n${blockItem(item, '  ')}\n`, changed: true };
      }
      // `key:` or `key: null`: the pair's value becomes a flow list, written just after the colon.
      if (isScalar(value) && value.value === null)
        return fillNull(text, doc, key, item) ?? { ok: true, text: this.document(doc) ?? text, changed: true };
      if (!isSeq(value)) return { ok: false, error: `${key} in the values file is not a list` };
      const seq = value as YAMLSeq;
      if (seq.items.some((n) => covers(plain(n)))) return { ok: true, text, changed: false };
      return insertIntoSeq(text, seq, item) ?? { ok: false, error: `cannot locate ${key} in the values file` };
    },
    document(doc) {
      const value = doc.get(key, true);
      if (isSeq(value)) value.add(doc.createNode(item));
      else if (value === undefined || (isScalar(value) && value.value === null)) doc.set(key, doc.createNode([item]));
      else return undefined;
      return doc.toString();
    },
    expected(before) {
      const list = before[key] ?? [];
      if (!Array.isArray(list)) throw new Error(`${key} is not a list`);
      return list.some(covers) ? before : { ...before, [key]: [...(list as unknown[]), item] };
    },
  };
}

function fillNull(text: string, doc: Document.Parsed, key: string, item: ListItem): EditResult | undefined {
  const pair = (doc.contents as YAMLMap | null)?.items.find((p) => isScalar(p.key) && p.key.value === key);
  const keyRange = isScalar(pair?.key) ? pair.key.range : undefined;
  const valueRange = isScalar(pair?.value) ? pair.value.range : undefined;
  if (!keyRange) return undefined;
  const colon = text.indexOf(':', keyRange[1]);
  if (colon < 0) return undefined;
  const list = `[${flowItem(item)}]`;
  if (
    valueRange &&
    valueRange[1] > valueRange[0] &&
    /^(null|Null|NULL|~)$/.test(text.slice(valueRange[0], valueRange[1]))
  ) {
    return { ok: true, text: text.slice(0, valueRange[0]) + list + text.slice(valueRange[1]), changed: true };
  }
  return { ok: true, text: `${text.slice(0, colon + 1)} ${list}${text.slice(colon + 1)}`, changed: true };
}

/** A node as plain data (merge keys followed); undefined when its aliases do not resolve. */
function plain(node: unknown): unknown {
  try {
    return isScalar(node) ? node.value : (node as { toJSON(): unknown }).toJSON();
  } catch {
    return undefined;
  }
}

/** Plain when safe (`*.x` would start an alias), else double-quoted. */
function scalar(s: string | number): string {
  return typeof s === 'number' || /^[a-z0-9][-a-z0-9.:/]*$/i.test(s) ? String(s) : JSON.stringify(s);
}

function flowItem(item: ListItem): string {
  if (typeof item === 'string') return scalar(item);
  return `{${Object.entries(item)
    .map(([k, v]) => `${k}: ${scalar(v)}`)
    .join(', ')}}`;
}

function blockItem(item: ListItem, indent: string): string {
  if (typeof item === 'string') return `${indent}- ${scalar(item)}`;
  return Object.entries(item)
    .map(([k, v], i) => `${i === 0 ? `${indent}- ` : `${indent}  `}${k}: ${scalar(v)}`)
    .join('\n');
}

const lineStart = (text: string, pos: number): number => text.lastIndexOf('\n', pos - 1) + 1;
function lineEnd(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl === -1 ? text.length : nl;
}

function insertIntoSeq(text: string, seq: YAMLSeq, item: ListItem): EditResult | undefined {
  const range = seq.range;
  if (!range) return undefined;
  if (seq.flow || seq.items.length === 0) {
    const src = text.slice(range[0], range[1]);
    const inner = src
      .replace(/^\s*\[/, '')
      .replace(/\]\s*$/, '')
      .trim();
    const next = `[${inner === '' ? '' : `${inner}, `}${flowItem(item)}]`;
    return { ok: true, text: text.slice(0, range[0]) + next + text.slice(range[1]), changed: true };
  }
  const first = seq.items[0] as { range?: [number, number, number] };
  const last = seq.items[seq.items.length - 1] as { range?: [number, number, number] };
  if (!first.range || !last.range) return undefined;
  const dash = text.lastIndexOf('-', first.range[0] - 1);
  const indent = ' '.repeat(dash - lineStart(text, dash));
  const at = lineEnd(text, Math.max(last.range[1] - 1, last.range[0]));
  return { ok: true, text: `${text.slice(0, at)}\n${blockItem(item, indent)}${text.slice(at)}`, changed: true };
}

/** The smallest single replacement turning `before` into `after` (what a WorkspaceEdit shows). */
export function minimalEdit(before: string, after: string): { offset: number; length: number; text: string } {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  let end = 0;
  while (end < max - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { offset: start, length: before.length - start - end, text: after.slice(start, after.length - end) };
}
