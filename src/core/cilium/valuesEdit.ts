// Adds a suggested entry to a values.yaml text. Pure: text in, text out, the rest of the file untouched.
// The yaml Document API locates the list and checks what is there; the change itself is a text insertion
// so comments, quoting and indentation elsewhere stay exactly as the user wrote them.
import { Document, isMap, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import { isDeepStrictEqual } from 'node:util';
import { inputProblem, loadedValues as loaded } from '../lint/document';
import { ValuesEntry } from './suggest';

export type ValuesEditResult =
  | { readonly ok: true; readonly text: string; readonly changed: boolean }
  | { readonly ok: false; readonly error: string };

type Item = string | { port: number; protocol: string; domain: string };

function parse(text: string): Document.Parsed | string {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) return `the values file has a YAML error: ${doc.errors[0].message.split('\n')[0]}`;
  if (doc.contents !== null && !isMap(doc.contents)) return 'the values file is not a YAML mapping at the top level';
  return doc;
}

function sameItem(node: unknown, item: Item): boolean {
  if (typeof item === 'string') return isScalar(node) && String(node.value) === item;
  if (!isMap(node)) return false;
  let js: Record<string, unknown>;
  try {
    js = node.toJSON() as Record<string, unknown>; // follows merge keys; throws on unresolved or excessive aliases
  } catch {
    return false;
  }
  const protocol = typeof js.protocol === 'string' ? js.protocol.toUpperCase() : 'ANY';
  const protocolCovers = protocol === 'ANY' || protocol === item.protocol;
  return Number(js.port) === item.port && protocolCovers && (js.domain === undefined || js.domain === item.domain);
}

/** Plain when safe (`*.x` would start an alias), else double-quoted. */
function scalar(s: string): string {
  return /^[a-z0-9][-a-z0-9.:/]*$/i.test(s) ? s : JSON.stringify(s);
}

function flowText(item: Item): string {
  if (typeof item === 'string') return scalar(item);
  return `{domain: ${scalar(item.domain)}, port: ${item.port}, protocol: ${item.protocol}}`;
}

function blockLines(item: Item, indent: string): string {
  if (typeof item === 'string') return `${indent}- ${scalar(item)}`;
  const pad = `${indent}  `;
  return `${indent}- domain: ${scalar(item.domain)}\n${pad}port: ${item.port}\n${pad}protocol: ${item.protocol}`;
}

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

function lineEnd(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl === -1 ? text.length : nl;
}

/**
 * Adds one item to the top-level list `key`, creating the list if needed. Never throws; a change is checked by
 * loading the result, and falls back to yaml's own writer when the text insertion did not hold.
 */
function addToList(text: string, key: string, item: Item): ValuesEditResult {
  const cannot = `cannot add to ${key} in this values file automatically; add the entry by hand`;
  try {
    const r = insertText(text, key, item);
    if (!r.ok || !r.changed) return r;
    const want = expected(text, key, item);
    if (isDeepStrictEqual(want, loaded(r.text))) return r;
    const viaDoc = documentEdit(text, key, item);
    return viaDoc !== undefined && isDeepStrictEqual(want, loaded(viaDoc)) ? { ok: true, text: viaDoc, changed: true } : { ok: false, error: cannot };
  } catch (e) {
    return { ok: false, error: `${cannot} (${(e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 200)})` };
  }
}

/** What the text must load as after the edit: the list grown by the item, everything else (aliases of it too) as it was. */
function expected(text: string, key: string, item: Item): Record<string, unknown> {
  const before = loaded(text);
  if (!before) throw new Error('the values file does not load');
  const list = before[key] ?? [];
  if (!Array.isArray(list)) throw new Error(`${key} is not a list`);
  return { ...before, [key]: [...(list as unknown[]), item] };
}

/** The same change through yaml's Document API (layout of the file may change; content does not). */
function documentEdit(text: string, key: string, item: Item): string | undefined {
  const doc = parse(text);
  if (typeof doc === 'string') return undefined;
  const value = doc.get(key, true);
  if (isSeq(value)) value.add(doc.createNode(item));
  else if (value === undefined || (isScalar(value) && value.value === null)) doc.set(key, doc.createNode([item]));
  else return undefined;
  return doc.toString();
}

function insertText(text: string, key: string, item: Item): ValuesEditResult {
  const doc = parse(text);
  if (typeof doc === 'string') return { ok: false, error: doc };
  const root = doc.contents as YAMLMap | null;
  const value = root?.get(key, true);
  if (value === undefined || (isScalar(value) && value.value === null)) {
    if (value !== undefined) {
      // `key:` or `key: null`: replace the pair's value with the list.
      doc.setIn([key], doc.createNode([item]));
      return { ok: true, text: doc.toString(), changed: true };
    }
    const sep = text === '' || text.endsWith('\n') ? '' : '\n';
    return { ok: true, text: `${text}${sep}${key}:\n${blockLines(item, '  ')}\n`, changed: true };
  }
  if (!isSeq(value)) return { ok: false, error: `${key} in the values file is not a list` };
  const seq = value as YAMLSeq;
  if (seq.items.some((n) => sameItem(n, item))) return { ok: true, text, changed: false };
  const range = seq.range;
  if (!range) return { ok: false, error: `cannot locate ${key} in the values file` };
  if (seq.flow || seq.items.length === 0) {
    const src = text.slice(range[0], range[1]);
    const inner = src.replace(/^\s*\[/, '').replace(/\]\s*$/, '').trim();
    const next = `[${inner === '' ? '' : `${inner}, `}${flowText(item)}]`;
    return { ok: true, text: text.slice(0, range[0]) + next + text.slice(range[1]), changed: true };
  }
  const first = seq.items[0] as { range?: [number, number, number] };
  const last = seq.items[seq.items.length - 1] as { range?: [number, number, number] };
  if (!first.range || !last.range) return { ok: false, error: `cannot locate ${key} in the values file` };
  const dash = text.lastIndexOf('-', first.range[0] - 1);
  const indent = ' '.repeat(dash - lineStart(text, dash));
  const at = lineEnd(text, Math.max(last.range[1] - 1, last.range[0]));
  return { ok: true, text: `${text.slice(0, at)}\n${blockLines(item, indent)}${text.slice(at)}`, changed: true };
}

/** Returns the values text with the entry added; `changed: false` when it is already there. */
export function addValuesEntry(text: string, entry: ValuesEntry): ValuesEditResult {
  const problem = inputProblem(text);
  if (problem) return { ok: false, error: problem };
  switch (entry.key) {
    case 'allowDomains':
      return addToList(text, 'allowDomains', entry.domain);
    case 'allowCIDR':
      return addToList(text, 'allowCIDR', entry.cidr);
    case 'allowEntities':
      return addToList(text, 'allowEntities', entry.entity);
    case 'allowDomainsPorts': {
      const first = addToList(text, 'allowDomains', entry.domain);
      if (!first.ok) return first;
      const item = { domain: entry.domain, port: entry.port, protocol: entry.protocol };
      const second = addToList(first.text, 'allowDomainsPorts', item);
      if (!second.ok) return second;
      return { ok: true, text: second.text, changed: first.changed || second.changed };
    }
  }
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
