/**
 * "Did you mean …?" suggestions: the nearest candidate by edit distance.
 */

/**
 * Optimal-string-alignment distance: Levenshtein (insert, delete, substitute) plus
 * adjacent transpositions, each costing 1, so `fial` is one edit from `fail`.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const cols = b.length + 1;
  // Three rows of the DP table are enough (a transposition looks two rows back).
  let before = new Array<number>(cols).fill(0);
  let row = Array.from({ length: cols }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = new Array<number>(cols);
    next[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + cost);
      if (
        i > 1 &&
        j > 1 &&
        a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      ) {
        d = Math.min(d, before[j - 2] + 1);
      }
      next[j] = d;
    }
    before = row;
    row = next;
  }
  return row[b.length];
}

/**
 * The candidate nearest to `name`, or null when none is close enough.
 *
 * "Close enough" is `maxDistance` when given, else a third of the longer name (at
 * least 1, at most 3), so `fial` suggests `fail` but `x` does not suggest `ok`.
 * A candidate differing only in case always qualifies; one that shares nothing with the
 * name (`b` for `a`) never does. Ties go to the earlier candidate.
 */
export function nearest(name: string, candidates: Iterable<string>, maxDistance?: number): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const d = candidate.toLowerCase() === lower ? 0.5 : editDistance(name, candidate);
    const limit =
      maxDistance ?? Math.min(3, Math.max(1, Math.floor(Math.max(name.length, candidate.length) / 3)));
    if (d <= limit && d < name.length && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
