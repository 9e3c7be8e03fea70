// Text edits for quick fixes: small, style-preserving changes to YAML source.
import { isSeq, stringify, type Node as YNode, type YAMLSeq } from 'yaml';
import { rangeOf, type ValuesDoc } from '../lint/document';
import type { TextEdit } from '../lint/types';

/** Applies non-overlapping edits (offsets into the original text). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Infinity;
  for (const e of sorted) {
    if (e.end > limit) throw new Error('overlapping edits');
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
    limit = e.start;
  }
  return out;
}

/** A scalar as YAML source text (quoted only when needed). */
export function scalarText(value: string | number | boolean): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function afterLineEnd(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

/** Replaces a node with `value` rendered in place: block style for block collections, flow style otherwise. */
export function replaceNode(vd: ValuesDoc, node: YNode, value: unknown): TextEdit | undefined {
  const r = rangeOf(node);
  if (!r) return undefined;
  const isBlock = (isSeq(node) || 'items' in node) && !(node as { flow?: boolean }).flow;
  if (isBlock && value !== null && typeof value === 'object') {
    const indent = ' '.repeat(r[0] - lineStart(vd.text, r[0]));
    const lines = stringify(value, { lineWidth: 0, indent: 2 }).trimEnd().split('\n');
    const newText = lines.map((l, i) => (i === 0 ? l : indent + l)).join('\n');
    // A block node's range can end after its last newline; keep that newline.
    const end = vd.text[r[1] - 1] === '\n' ? r[1] - 1 : r[1];
    return { start: r[0], end, newText };
  }
  const space = vd.text[r[0] - 1] === ':' ? ' ' : '';
  return { start: r[0], end: r[1], newText: space + flowText(value) };
}

/** JSON is YAML flow syntax; scalars keep plain style when safe. */
function flowText(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return scalarText(value);
  return JSON.stringify(value);
}

/** Removes item `index` of a sequence (the whole line(s) for block style). */
export function removeSeqItem(vd: ValuesDoc, seq: YAMLSeq, index: number): TextEdit | undefined {
  const items = seq.items as YNode[];
  const item = items[index];
  const r = rangeOf(item);
  if (!r) return undefined;
  if (items.length === 1) return replaceNode(vd, seq as unknown as YNode, []);
  if (seq.flow) {
    const next = rangeOf(items[index + 1]);
    if (next) return { start: r[0], end: next[0], newText: '' };
    const prev = rangeOf(items[index - 1]);
    return prev ? { start: prev[1], end: r[1], newText: '' } : undefined;
  }
  const start = lineStart(vd.text, r[0]);
  const next = rangeOf(items[index + 1]);
  const end = next ? lineStart(vd.text, next[0]) : afterLineEnd(vd.text, r[1]);
  return { start, end, newText: '' };
}

/** Appends a scalar item to a sequence, matching its style. */
export function appendSeqItem(vd: ValuesDoc, seq: YAMLSeq, value: string): TextEdit | undefined {
  const items = seq.items as YNode[];
  const r = rangeOf(seq as unknown as YNode);
  if (!r) return undefined;
  const text = scalarText(value);
  if (seq.flow || items.length === 0) {
    const last = rangeOf(items[items.length - 1]);
    if (last) return { start: last[1], end: last[1], newText: `, ${text}` };
    const open = vd.text.indexOf('[', r[0]);
    return open >= 0 && open < r[1] ? { start: open + 1, end: open + 1, newText: text } : undefined;
  }
  const lastR = rangeOf(items[items.length - 1]);
  if (!lastR) return undefined;
  const ls = lineStart(vd.text, lastR[0]);
  const dash = vd.text.indexOf('-', ls);
  const indent = ' '.repeat(Math.max(0, dash - ls));
  const at = afterLineEnd(vd.text, lastR[1]);
  const nl = at > 0 && vd.text[at - 1] !== '\n' ? '\n' : '';
  return { start: at, end: at, newText: `${nl}${indent}- ${text}\n` };
}

/** Adds `key: value` at the end of the document's top level. */
export function appendTopLevel(vd: ValuesDoc, key: string, value: unknown): TextEdit {
  const at = vd.text.length;
  const nl = at > 0 && vd.text[at - 1] !== '\n' ? '\n' : '';
  return { start: at, end: at, newText: nl + stringify({ [key]: value }, { lineWidth: 0, indent: 2 }) };
}

/** Adds `key: value` as the last entry of a block or flow map given by its node. */
export function appendMapEntry(vd: ValuesDoc, map: YNode, key: string, value: unknown): TextEdit | undefined {
  const r = rangeOf(map);
  if (!r) return undefined;
  const items = (map as unknown as { items: { key: unknown; value: unknown }[]; flow?: boolean }).items;
  const entry = `${scalarText(key)}: ${flowText(value)}`;
  const flow = (map as unknown as { flow?: boolean }).flow;
  if (flow || items.length === 0) {
    const last = items.length ? rangeOf(items[items.length - 1].value ?? items[items.length - 1].key) : undefined;
    if (last) return { start: last[1], end: last[1], newText: `, ${entry}` };
    const open = vd.text.indexOf('{', r[0]);
    return open >= 0 && open < r[1] ? { start: open + 1, end: open + 1, newText: entry } : undefined;
  }
  const firstKey = rangeOf(items[0].key);
  const last = items[items.length - 1];
  const lastR = rangeOf(last.value) ?? rangeOf(last.key);
  if (!firstKey || !lastR) return undefined;
  const indent = ' '.repeat(firstKey[0] - lineStart(vd.text, firstKey[0]));
  const at = afterLineEnd(vd.text, lastR[1]);
  const nl = at > 0 && vd.text[at - 1] !== '\n' ? '\n' : '';
  const block = stringify({ [key]: value }, { lineWidth: 0, indent: 2 })
    .trimEnd()
    .split('\n');
  return { start: at, end: at, newText: `${nl}${block.map((l) => indent + l).join('\n')}\n` };
}
