/**
 * Comparing record lists for `cep test`: records are equal as JSON values (key order
 * does not matter, `1.0` equals `1`), lists are compared in order, and a difference is
 * shown as the records missing from the output and the ones it has unexpectedly.
 *
 * ```ts
 * diffRecords([a, b, c], [a, c, d]); // missing: b (#2); unexpected: d (#3)
 * ```
 */

/** JSON text with object keys sorted: equal JSON values give equal strings. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

/** A record out of place: its 1-based position in its list and its JSON. */
export interface DiffEntry {
  readonly index: number;
  readonly json: string;
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
  const e = expected.map(canonicalJson);
  const a = actual.map(canonicalJson);
  let lo = 0;
  while (lo < e.length && lo < a.length && e[lo] === a[lo]) lo++;
  let eHi = e.length;
  let aHi = a.length;
  while (eHi > lo && aHi > lo && e[eHi - 1] === a[aHi - 1]) {
    eHi--;
    aHi--;
  }
  const keepE = new Array<boolean>(e.length).fill(true);
  const keepA = new Array<boolean>(a.length).fill(true);
  const n = eHi - lo;
  const m = aHi - lo;
  if (n * m <= LCS_LIMIT) {
    // lengths[i][j]: LCS of e[lo+i..eHi) and a[lo+j..aHi).
    const lengths = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lengths[i][j] =
          e[lo + i] === a[lo + j]
            ? lengths[i + 1][j + 1] + 1
            : Math.max(lengths[i + 1][j], lengths[i][j + 1]);
      }
    }
    for (let i = 0; i < n; i++) keepE[lo + i] = false;
    for (let j = 0; j < m; j++) keepA[lo + j] = false;
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (e[lo + i] === a[lo + j]) {
        keepE[lo + i] = true;
        keepA[lo + j] = true;
        i++;
        j++;
      } else if (lengths[i + 1][j] >= lengths[i][j + 1]) i++;
      else j++;
    }
  } else {
    for (let k = lo; k < Math.max(eHi, aHi); k++) {
      if (k < eHi && k < aHi && e[k] === a[k]) continue;
      if (k < eHi) keepE[k] = false;
      if (k < aHi) keepA[k] = false;
    }
  }
  const missing: DiffEntry[] = [];
  const unexpected: DiffEntry[] = [];
  keepE.forEach((keep, i) => {
    if (!keep) missing.push({ index: i + 1, json: expectedText[i] });
  });
  keepA.forEach((keep, i) => {
    if (!keep) unexpected.push({ index: i + 1, json: actualText[i] });
  });
  const reordered =
    missing.length > 0 && e.length === a.length && [...e].sort().join("\n") === [...a].sort().join("\n");
  return { missing, unexpected, reordered };
}

/** Lines shown per kind of difference before "… and N more". */
const SHOWN = 10;
/** Characters of a record shown. */
const WIDTH = 300;

/** The diff as indented lines for the terminal. */
export function formatDiff(diff: RecordDiff, indent = "    "): string[] {
  const out: string[] = [];
  if (diff.reordered) out.push(`${indent}same records, different order`);
  const cut = (s: string) => (s.length > WIDTH ? `${s.slice(0, WIDTH)}…` : s);
  const list = (label: string, entries: DiffEntry[]) => {
    for (const d of entries.slice(0, SHOWN)) out.push(`${indent}${label} #${d.index} ${cut(d.json)}`);
    if (entries.length > SHOWN) out.push(`${indent}${label} … and ${entries.length - SHOWN} more`);
  };
  list("missing   ", diff.missing);
  list("unexpected", diff.unexpected);
  return out;
}
