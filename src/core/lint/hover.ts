// Hover documentation for a key in a values file: the chart schema's description of that value path.
import { isMap, isPair, isSeq } from 'yaml';
import { InputRejected, ValuesDoc, keyText, rangeOf, type Path } from './document';
import { schemaAt, showPath } from './schema';

export interface HoverInfo {
  /** [start, end) offsets of the key. */
  range: [number, number];
  path: Path;
  markdown: string;
}

/** The key under `offset` and its value path, if any. */
export function keyAt(vd: ValuesDoc, offset: number): { range: [number, number]; path: Path } | undefined {
  let node: unknown = vd.doc.contents;
  const path: (string | number)[] = [];
  for (let depth = 0; depth < 64; depth++) {
    if (isMap(node)) {
      let next: unknown;
      for (const p of node.items) {
        if (!isPair(p)) continue;
        const kr = rangeOf(p.key);
        const k = keyText(p);
        if (kr && k !== undefined && offset >= kr[0] && offset <= kr[1]) return { range: kr, path: [...path, k] };
        const vr = rangeOf(p.value);
        if (vr && k !== undefined && offset >= vr[0] && offset < vr[1]) {
          path.push(k);
          next = p.value;
          break;
        }
      }
      if (next === undefined) return undefined;
      node = next;
    } else if (isSeq(node)) {
      const i = node.items.findIndex((it) => {
        const r = rangeOf(it);
        return r !== undefined && offset >= r[0] && offset < r[1];
      });
      if (i < 0) return undefined;
      path.push(i);
      node = node.items[i];
    } else return undefined;
  }
  return undefined;
}

/** Markdown for the key at `offset` (type, allowed values, description), or undefined off a known key. */
export function hoverAt(text: string, offset: number): HoverInfo | undefined {
  let vd: ValuesDoc;
  try {
    vd = new ValuesDoc(text);
  } catch (e) {
    if (e instanceof InputRejected) return undefined;
    throw e;
  }
  const hit = keyAt(vd, offset);
  if (!hit) return undefined;
  const s = schemaAt(hit.path);
  const description = typeof s?.description === 'string' ? s.description : undefined;
  if (!s || !description) return undefined;
  const lines = [`**${showPath(hit.path)}**`, '', description];
  const type = s.type;
  const types = (Array.isArray(type) ? type : type ? [type] : []).filter((t) => t !== 'null');
  if (types.length) lines.push('', `Type: ${types.map((t) => `\`${String(t)}\``).join(' or ')}`);
  if (Array.isArray(s.enum))
    lines.push(
      '',
      `One of: ${s.enum
        .filter((v) => v !== null)
        .map((v) => `\`${String(v)}\``)
        .join(', ')}`,
    );
  else if (Array.isArray(s.examples)) lines.push('', `Values: ${s.examples.map((v) => `\`${String(v)}\``).join(', ')}`);
  return { range: hit.range, path: hit.path, markdown: lines.join('\n') };
}
