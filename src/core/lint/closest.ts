// "Did you mean …": the option nearest to a misspelt word, if it is near enough to be a typo.

/** The closest option within `maxDistance` edits (case-insensitive), or undefined. */
export function closest(
  word: string,
  options: readonly string[],
  maxDistance = Math.min(3, Math.floor(word.length / 2)),
): string | undefined {
  let best: string | undefined;
  let bestD = maxDistance + 1;
  const w = word.toLowerCase();
  for (const o of options) {
    if (Math.abs(w.length - o.length) >= bestD) continue; // needs at least that many edits
    const d = editDistance(w, o.toLowerCase());
    if (d < bestD) [best, bestD] = [o, d];
  }
  return best;
}

/** Levenshtein distance; 99 for words too far apart in length (or too long) to be worth comparing. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3 || a.length > 64 || b.length > 64) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
