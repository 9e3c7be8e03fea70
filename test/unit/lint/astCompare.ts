// Structural comparison of two yaml ASTs: node kinds, ranges, scalar values and styles, tags, flow flags.
// Comments and blank-line flags are left out (no lint step reads them).
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';

/** The first difference between two nodes (a path and what differs), or undefined when they match. */
export function astDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  const kind = (n: unknown): string =>
    isMap(n)
      ? 'map'
      : isSeq(n)
        ? 'seq'
        : isScalar(n)
          ? 'scalar'
          : isAlias(n)
            ? 'alias'
            : isPair(n)
              ? 'pair'
              : n === null
                ? 'null'
                : typeof n;
  if (kind(a) !== kind(b)) return `${path}: ${kind(a)} vs ${kind(b)}`;
  if (isPair(a) && isPair(b))
    return astDifference(a.key, b.key, `${path}.key`) ?? astDifference(a.value, b.value, `${path}.value`);
  const na = a as { range?: number[]; tag?: string; anchor?: string; flow?: boolean };
  const nb = b as typeof na;
  if (JSON.stringify(na?.range) !== JSON.stringify(nb?.range))
    return `${path}: range ${JSON.stringify(na?.range)} vs ${JSON.stringify(nb?.range)}`;
  if (na?.tag !== nb?.tag || na?.anchor !== nb?.anchor) return `${path}: tag/anchor`;
  if (isScalar(a) && isScalar(b)) {
    const same =
      Object.is(a.value, b.value) ||
      JSON.stringify(a.value) === JSON.stringify(b.value) ||
      String(a.value) === String(b.value);
    if (!same || typeof a.value !== typeof b.value || a.type !== b.type)
      return `${path}: scalar ${String(a.value)} vs ${String(b.value)}`;
    return undefined;
  }
  if ((isMap(a) && isMap(b)) || (isSeq(a) && isSeq(b))) {
    if (Boolean(a.flow) !== Boolean(b.flow)) return `${path}: flow`;
    if (a.items.length !== b.items.length) return `${path}: ${a.items.length} vs ${b.items.length} items`;
    for (let i = 0; i < a.items.length; i++) {
      const d = astDifference(a.items[i], b.items[i], `${path}[${i}]`);
      if (d) return d;
    }
  }
  return undefined;
}
