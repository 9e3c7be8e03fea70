// Where a per-service finding was made, and how to move it to another text with the same entry (the incremental
// linter reuses findings while a service's text is unchanged).
import { rangeOf, type ValuesDoc } from './document';
import type { Finding } from './rule';

/** Offsets of the parts of one text, to move cached findings to another text with the same head and entry. */
export interface Frame {
  /** The entry's start and end. */
  readonly cs: number;
  readonly ce: number;
  /** Where the services block starts and ends. */
  readonly bs: number;
  readonly be: number;
  readonly n: number;
}

/** One rule's findings for one service, as made. */
export interface Stored {
  readonly frame: Frame;
  readonly findings: readonly Finding[];
  /** The head generation they were made under, and the values of the head keys the rule reads (if it says). */
  readonly gen: number;
  readonly headKey?: string;
}

/**
 * An offset in `from` moved to `to`: inside the entry it moves with the entry, before the block it stays, after
 * the block it keeps its distance to the end. Undefined when it points elsewhere or its readings disagree. The
 * block's own edges count as elsewhere: what a rule makes there can depend on a neighbouring entry's text (e.g.
 * whether the file ends with a newline when the services come last).
 */
function moveOffset(x: number, from: Frame, to: Frame): number | undefined {
  let out: number | undefined;
  const take = (v: number): boolean => {
    if (out !== undefined && out !== v) return false;
    out = v;
    return true;
  };
  if (x >= from.cs && x <= from.ce && !take(x - from.cs + to.cs)) return undefined;
  if (x < from.bs && !take(x)) return undefined;
  if (x > from.be && !take(x - from.n + to.n)) return undefined;
  return out;
}

export function moveFinding(f: Finding, from: Frame, to: Frame): Finding | undefined {
  const a = moveOffset(f.range[0], from, to);
  const b = moveOffset(f.range[1], from, to);
  if (a === undefined || b === undefined) return undefined;
  if (!f.fix) return { ...f, range: [a, b] };
  const edits = [];
  for (const e of f.fix.edits) {
    const s = moveOffset(e.start, from, to);
    const t = moveOffset(e.end, from, to);
    if (s === undefined || t === undefined) return undefined;
    edits.push({ ...e, start: s, end: t });
  }
  return { ...f, range: [a, b], fix: { ...f.fix, edits } };
}

export function movable(findings: readonly Finding[], frame: Frame): boolean {
  return findings.every((f) => moveFinding(f, frame, frame) !== undefined);
}

/** A frame in which only offsets inside the entry can move (the head changed: nothing else is known to hold). */
export function entryOnly(f: Frame): Frame {
  return { cs: f.cs, ce: f.ce - 1, bs: -1, be: Infinity, n: f.n };
}

/** The source of some top-level entries (key through value; "-" when absent): a cache key for what they say. */
export function headSource(vd: ValuesDoc, keys: readonly string[]): string {
  return JSON.stringify(
    keys.map((k) => {
      const r = rangeOf(vd.pair(vd.root, k));
      return r ? vd.text.slice(r[0], r[1]) : '-';
    }),
  );
}
