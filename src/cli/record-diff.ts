/**
 * Comparing record lists for `cep test`: an expected record gives the fields it cares
 * about and the output record must agree on those (record-match.ts; a full record is
 * compared as a JSON value: key order does not matter, `1.0` equals `1`), lists are
 * compared in order, and a difference is shown as the records missing from the output
 * and the ones it has unexpectedly, each missing record with the fields in which the
 * nearest unexpected one differs.
 *
 * ```ts
 * diffRecords([a, b, c], [a, c, d]); // missing: b (#2, nearest: d); unexpected: d (#3)
 * ```
 */
import { canonicalJson, fieldDifferences, type RecordMatcher, recordMatcher } from "./record-match.js";

export { canonicalJson };

/** A record out of place: its 1-based position in its list and its JSON. */
export interface DiffEntry {
  readonly index: number;
  readonly json: string;
  /** A missing record: the unexpected output record nearest to it and how they differ. */
  readonly nearest?: { readonly index: number; readonly differences: readonly string[] };
}

export interface RecordDiff {
  /** Expected records the output lacks. */
  readonly missing: DiffEntry[];
  /** Output records not expected. */
  readonly unexpected: DiffEntry[];
  /** Both lists hold the same records, only in another order. */
  readonly reordered: boolean;
}

/** Past this many cells the middle is compared position by position instead of by LCS. */
const LCS_LIMIT = 4_000_000;

/**
 * In-order difference of two record lists (longest common subsequence). `json` in the
 * entries is the given text (`expectedText[i]`, `actualText[i]`) so the user sees the
 * lines as written.
 */
export function diffRecords(
  expected: readonly unknown[],
  actual: readonly unknown[],
  expectedText: readonly string[] = expected.map((r) => JSON.stringify(r)),
  actualText: readonly string[] = actual.map((r) => JSON.stringify(r)),
): RecordDiff {
  const matchers = expected.map(recordMatcher);
  // Output records as each expected record sees them, computed once per shape of record.
  const byShape = new Map<string, string[]>();
  const views = matchers.map((m) => {
    let list = byShape.get(m.shape);
    if (list === undefined) byShape.set(m.shape, (list = []));
    return list;
  });
  const seen = (i: number, j: number): string => {
    views[i][j] ??= matchers[i].project(actual[j]);
    return views[i][j];
  };
  const same = (i: number, j: number) => matchers[i].key === seen(i, j);
  let lo = 0;
  while (lo < expected.length && lo < actual.length && same(lo, lo)) lo++;
  let eHi = expected.length;
  let aHi = actual.length;
  while (eHi > lo && aHi > lo && same(eHi - 1, aHi - 1)) {
    eHi--;
    aHi--;
  }
  const keepE = new Array<boolean>(expected.length).fill(true);
  const keepA = new Array<boolean>(actual.length).fill(true);
  const n = eHi - lo;
  const m = aHi - lo;
  if (n * m <= LCS_LIMIT) {
    // lengths[i][j]: LCS of e[lo+i..eHi) and a[lo+j..aHi).
    const lengths = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lengths[i][j] = same(lo + i, lo + j)
          ? lengths[i + 1][j + 1] + 1
          : Math.max(lengths[i + 1][j], lengths[i][j + 1]);
      }
    }
    for (let i = 0; i < n; i++) keepE[lo + i] = false;
    for (let j = 0; j < m; j++) keepA[lo + j] = false;
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (same(lo + i, lo + j)) {
        keepE[lo + i] = true;
        keepA[lo + j] = true;
        i++;
        j++;
      } else if (lengths[i + 1][j] >= lengths[i][j + 1]) i++;
      else j++;
    }
  } else {
    for (let k = lo; k < Math.max(eHi, aHi); k++) {
      if (k < eHi && k < aHi && same(k, k)) continue;
      if (k < eHi) keepE[k] = false;
      if (k < aHi) keepA[k] = false;
    }
  }
  const unexpected: DiffEntry[] = [];
  keepA.forEach((keep, j) => {
    if (!keep) unexpected.push({ index: j + 1, json: actualText[j] });
  });
  const missing: DiffEntry[] = [];
  keepE.forEach((keep, i) => {
    if (keep) return;
    const entry = { index: i + 1, json: expectedText[i] };
    const near = missing.length < SHOWN ? nearest(expected[i], i, actual, unexpected) : null;
    missing.push(near === null ? entry : { ...entry, nearest: near });
  });
  return {
    missing,
    unexpected,
    reordered: missing.length > 0 && sameMultiset(matchers, actual.length, seen),
  };
}

/** Unexpected records compared field by field with one missing record, at most. */
const CANDIDATES = 1000;

/**
 * The unexpected record with the most fields equal to the missing `expected` (then the
 * fewest differing, then the nearest position), and its differences.
 */
function nearest(
  expected: unknown,
  i: number,
  actual: readonly unknown[],
  unexpected: readonly DiffEntry[],
): DiffEntry["nearest"] | null {
  let best: { index: number; equal: number; lines: string[] } | null = null;
  for (const u of unexpected.slice(0, CANDIDATES)) {
    const d = fieldDifferences(expected, actual[u.index - 1]);
    const better =
      best === null ||
      d.equal > best.equal ||
      (d.equal === best.equal &&
        (d.lines.length < best.lines.length ||
          (d.lines.length === best.lines.length &&
            Math.abs(u.index - 1 - i) < Math.abs(best.index - 1 - i))));
    if (better) best = { index: u.index, ...d };
  }
  return best === null ? null : { index: best.index, differences: best.lines };
}

/** Every expected record satisfied by a different output record, in any order. */
function sameMultiset(
  matchers: readonly RecordMatcher[],
  actualCount: number,
  seen: (i: number, j: number) => string,
): boolean {
  if (matchers.length !== actualCount) return false;
  const used = new Array<boolean>(actualCount).fill(false);
  return matchers.every((m, i) => {
    for (let j = 0; j < actualCount; j++) {
      if (!used[j] && seen(i, j) === m.key) {
        used[j] = true;
        return true;
      }
    }
    return false;
  });
}

/** Lines shown per kind of difference before "… and N more". */
const SHOWN = 10;
/** Field differences shown per missing record. */
const FIELDS = 8;
/** Characters of a record shown. */
const WIDTH = 300;

/** The diff as indented lines for the terminal. */
export function formatDiff(
  diff: RecordDiff,
  indent = "    ",
  explain: ReadonlyMap<number, readonly string[]> = new Map(),
): string[] {
  const out: string[] = [];
  if (diff.reordered) out.push(`${indent}same records, different order`);
  const cut = (s: string) => (s.length > WIDTH ? `${s.slice(0, WIDTH)}…` : s);
  const list = (label: string, entries: DiffEntry[]) => {
    for (const d of entries.slice(0, SHOWN)) out.push(`${indent}${label} #${d.index} ${cut(d.json)}`);
    if (entries.length > SHOWN) out.push(`${indent}${label} … and ${entries.length - SHOWN} more`);
  };
  for (const d of diff.missing.slice(0, SHOWN)) {
    out.push(`${indent}missing    #${d.index} ${cut(d.json)}`);
    // `cep test`: why it is missing (test-why.ts), under the record.
    for (const line of explain.get(d.index) ?? []) out.push(line === "" ? "" : `${indent}  ${line}`);
    if (d.nearest === undefined) continue;
    out.push(`${indent}  nearest output record #${d.nearest.index} differs in:`);
    for (const line of d.nearest.differences.slice(0, FIELDS)) out.push(`${indent}    ${line}`);
    const more = d.nearest.differences.length - FIELDS;
    if (more > 0) out.push(`${indent}    … and ${more} more`);
  }
  if (diff.missing.length > SHOWN) out.push(`${indent}missing    … and ${diff.missing.length - SHOWN} more`);
  list("unexpected", diff.unexpected);
  return out;
}
