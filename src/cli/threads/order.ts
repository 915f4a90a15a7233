/**
 * The order of records across the worker threads of `cep run --threads`: a single
 * watermarks-only engine emits, at each watermark, one step per buffered event it feeds
 * (in (time, arrival) order: the event's own keys advanced, then the event) and then one
 * step that advances every key; at the end, the same, then one step that ends every key.
 * Each step's outcomes are sorted by language.md §5 (matches, then timeouts by stamp; by
 * the events' feed numbers, then term indices, then pattern).
 *
 * A worker's engine makes the same steps for its own keys, in the same relative order, so
 * every record gets a key saying which step made it, and the reading thread merges the
 * workers' lists by it. Feed numbers are engine-wide, so across engines an event is
 * named by (feed, time, input line) instead — the order in which a single engine feeds
 * them: `feed` is 2L + 1 for an event fed at the watermark of input line L (buffered
 * events are fed at a watermark in (time, arrival) order), 2L for one fed at its own push
 * on line L (with `--watermarks-only`, an event not after the watermark).
 *
 * Keys are flat number arrays:
 * - `[STEP_EVENT, time, line]`: a step of the event at that time and line;
 * - `[phase, timeout, stamp, n, f1, t1, l1, … fn, tn, ln, v1, … vn, pattern]` for the
 *   steps of every key (`phase` {@link STEP_ADVANCE} or {@link STEP_END}): timeout 0 or 1
 *   (matches first), stamp (0 for matches), the record's n events as (feed, time, line),
 *   their term indices, and the pattern's order in the program.
 */

/** A step feeding one event. */
export const STEP_EVENT = 0;
/** The step advancing every key to a watermark (or +∞ at the end). */
export const STEP_ADVANCE = 1;
/** The end-of-input step that ends every key (held-back matches released). */
export const STEP_END = 2;

/** Compares two record keys (see the module comment): the order a single engine emits them in. */
export function compareKeys(a: readonly number[], b: readonly number[]): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  if (a[0] === STEP_EVENT) return a[1] - b[1] || a[2] - b[2];
  // Matches before timeouts; timeouts by stamp.
  const d = a[1] - b[1] || a[2] - b[2];
  if (d !== 0) return d;
  const na = a[3];
  const nb = b[3];
  const n = Math.min(na, nb);
  // Feed order, lexicographic: a proper prefix first.
  for (let i = 4; i < 4 + 3 * n; i++) {
    const c = a[i] - b[i];
    if (c !== 0) return c;
  }
  if (na !== nb) return na - nb;
  const va = 4 + 3 * na;
  const vb = 4 + 3 * nb;
  for (let i = 0; i < n; i++) {
    const c = a[va + i] - b[vb + i];
    if (c !== 0) return c;
  }
  return a[va + na] - b[vb + nb];
}

/** One event of a record: where it was fed (see the module comment), its time, input line and term index. */
export interface KeyedEvent {
  feed: number;
  time: number;
  line: number;
  variable: number;
}

/** The key of a record made by a step of every key (see the module comment). */
export function stepKey(
  phase: number,
  timeout: boolean,
  stamp: number,
  events: KeyedEvent[],
  patternOrder: number,
): number[] {
  events.sort((x, y) => x.feed - y.feed || x.time - y.time || x.line - y.line);
  const key = [phase, timeout ? 1 : 0, timeout ? stamp : 0, events.length];
  for (const e of events) key.push(e.feed, e.time, e.line);
  for (const e of events) key.push(e.variable);
  key.push(patternOrder);
  return key;
}

/**
 * Merges per-worker lists, each already in its engine's order, into one list in the
 * single engine's order (a stable k-way merge: equal keys keep the lower worker first,
 * which cannot happen between two workers, as no event is in two of them).
 */
export function mergeByKey<T>(lists: readonly (readonly T[])[], keyOf: (item: T) => readonly number[]): T[] {
  const out: T[] = [];
  const at = new Array<number>(lists.length).fill(0);
  for (;;) {
    let best = -1;
    for (let w = 0; w < lists.length; w++) {
      if (at[w] >= lists[w].length) continue;
      if (best < 0 || compareKeys(keyOf(lists[w][at[w]]), keyOf(lists[best][at[best]])) < 0) best = w;
    }
    if (best < 0) return out;
    out.push(lists[best][at[best]++]);
  }
}
