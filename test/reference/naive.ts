/**
 * A deliberately naive reference matcher: the test oracle for the engine.
 *
 * It is written straight from the spec (`language.md` §3, `flink-semantics.md` §1–§3,
 * §6, §8), and it is NOT an NFA. A candidate match is a *labelled subsequence* of one
 * key's stream: events `i1 < i2 < … < iL`, each assigned to a term `s1 ≤ s2 ≤ … ≤ sL`.
 * The rules below decide, for a candidate, whether it is a valid partial match
 * ("prefix") and whether it is a complete match. Candidates are enumerated by extending
 * valid prefixes one event at a time (validity is prefix-closed: whether a prefix is
 * valid depends only on the events up to its last one), so nothing exponential is
 * enumerated that the engine would not also have to hold.
 *
 * ## Rules (for a pattern of terms T0..T(K-1))
 *
 * Each term has a condition (a pure predicate of the event), a repetition count
 * `min..max` (`max` may be Infinity), `optional` (may be absent entirely), an *outer*
 * contiguity (how its first event relates to the previous taken event) and an *inner*
 * contiguity (how its 2nd, 3rd… events relate to the previous one of the same term).
 *
 * - every taken event satisfies its term's condition;
 * - every term that took no event is optional; a term that took events took
 *   between min and max of them; at least one event is taken;
 * - the first event may be any event (every event may start a match: the Start state
 *   never ignores, flink-semantics §1 / §14.2);
 * - the *gap* between two consecutive taken events `a < b` (the events strictly
 *   between them) is governed by ONE contiguity: the inner contiguity of the term when
 *   both belong to the same term, else the outer contiguity of `b`'s term — also when
 *   optional terms were skipped in between (strictness is relative to the last taken
 *   event, flink-semantics §2). The gap must be:
 *     strict  → empty;
 *     relaxed → free of events satisfying the condition of `b`'s term (the first
 *               matching event must be taken: skip till next; inside a relaxed loop this
 *               makes a run "every matching event from its first one on");
 *     any     → anything.
 *   Why one contiguity per gap: a branch that ignores an event while it could still take
 *   more of a loop / an optional term moves to that term's separate *ignore state*,
 *   which has no PROCEED edge (flink-semantics §3.1), so it can no longer leave the
 *   term without taking another event of it. Hence the events of a gap are all ignored
 *   in the same place: in the term of `b`.
 * - window (`within d`): time(last) − time(first) < d;
 * - a prefix is a complete match as soon as its last term reached `min` and every
 *   later term is optional: trailing optional/looping terms emit one match per prefix
 *   (flink-semantics §1.1 step 2, §14.6).
 *
 * Two candidates with the same events but different term labels are different matches
 * (two branches, two records).
 *
 * ## Liveness of partial matches (only needed for the skip strategies' hold-back)
 *
 * A valid prefix ending with event `a` in term `s` (count `c`) is a live partial match
 * after event `x ≥ a` iff:
 * - x = a: the take did not lead straight into the final state, i.e. not
 *   (s is the last term and c = max);
 * - x > a: the events (a, x] can all be ignored in one waiting place (see above):
 *   in term s itself if c < max (its inner contiguity, against s's condition), or in a
 *   later term t if c ≥ min and every term strictly between s and t is optional (t's
 *   outer contiguity, against t's condition). Strict → impossible; relaxed → none of
 *   (a, x] satisfies the condition; any → always. Branches that can never complete
 *   (e.g. waiting forever in a loop's ignore state) ARE live: Flink keeps them.
 * - and the window has not expired: time(x) − time(first) < d.
 *
 * ## Skip strategies (flink-semantics §8, language.md §3.7, §4)
 *
 * Simulated per event `x` of the key, exactly as Flink orders things: advance time to
 * time(x) (windowed partials expire) and release; feed `x` (the matches whose last
 * event is `x` join the queue of completed matches) and release; at the end of input
 * every partial is dropped and the queue is released. Release: repeatedly take the
 * queue's first match in (start, lexicographic event-index list, lexicographic term
 * list) order; stop if a live, un-pruned partial started strictly earlier; otherwise
 * emit it and prune — every partial and queued match whose start event is
 *   skipToNext:        ≤ the match's first event,
 *   skipPastLastEvent: ≤ the match's last event,
 *   skipToFirst x:     < the first event of x (no pruning when x took nothing),
 *   skipToLast x:      < the last event of x (idem).
 * Pruning is by start event, and every later partial starts after the current event,
 * so "all starts ≤ threshold are dead" is kept as a single number.
 *
 * NB: the result is NOT "sort all matches by (start, lex) and pick greedily": a match
 * that completes first is emitted before a same-start match that completes later and
 * would sort earlier (see the oracle's own tests).
 */

/** How an event relates to the previous taken one. */
export type Contiguity = "strict" | "relaxed" | "any";

export interface NaiveTerm<E> {
  /** The variable name (used for skip-to-first/last and in results). */
  readonly variable: string;
  /** The term's condition: type test and `where`, as a pure predicate. */
  readonly test: (event: E) => boolean;
  /** At least 1 (`{0,m}` is `{1,m}` optional, `*` is `+` optional). */
  readonly min: number;
  /** At least `min`; `Infinity` for unbounded loops. */
  readonly max: number;
  /** The whole term may be absent. */
  readonly optional: boolean;
  /** Between repetitions: relaxed by default, strict for `consecutive`, any for `combinations`. */
  readonly inner: Contiguity;
  /** Before the term's first event: `next` strict, `followed by` relaxed, `followed by any` any. Ignored on the first term. */
  readonly outer: Contiguity;
}

export type NaiveSkip =
  | { readonly kind: "noSkip" }
  | { readonly kind: "skipToNext" }
  | { readonly kind: "skipPastLastEvent" }
  | { readonly kind: "skipToFirst"; readonly variable: string }
  | { readonly kind: "skipToLast"; readonly variable: string };

export interface NaivePattern<E> {
  readonly terms: readonly NaiveTerm<E>[];
  /** Pattern-level window in ms (first to last, half-open), or null. */
  readonly within: number | null;
  readonly skip: NaiveSkip;
}

/** One taken event: its index in the key's stream and the term that took it. */
export interface NaiveStep {
  readonly index: number;
  readonly term: number;
}

/** A match: the taken events in stream order. */
export type NaiveMatch = readonly NaiveStep[];

export class NaiveBudgetExceeded extends Error {
  constructor(budget: number) {
    super(`naive matcher: more than ${budget} candidate prefixes`);
  }
}

export interface NaiveOptions {
  /** Give up (throw NaiveBudgetExceeded) after this many valid prefixes. Default: 200000. */
  readonly budget?: number;
}

/**
 * All matches of one key's stream (events in feed order, `timeOf` their times), after
 * the skip strategy, in emission order for skip strategies (unspecified for no skip).
 */
export function naiveMatches<E>(
  pattern: NaivePattern<E>,
  events: readonly E[],
  timeOf: (event: E) => number,
  options: NaiveOptions = {},
): NaiveMatch[] {
  const all = enumerate(pattern, events, timeOf, options.budget ?? 200_000);
  if (pattern.skip.kind === "noSkip") return all.matches;
  return applySkip(pattern, events.length, timeOf, events, all);
}

// ---------------------------------------------------------------------------
// Candidate enumeration

interface Enumeration {
  /** Every complete match (no skip strategy applied). */
  readonly matches: NaiveMatch[];
  /** aliveAfter[start][x]: some partial match that started at `start` is live after event x. */
  readonly aliveAfter: boolean[][];
}

function enumerate<E>(
  pattern: NaivePattern<E>,
  events: readonly E[],
  timeOf: (event: E) => number,
  budget: number,
): Enumeration {
  const terms = pattern.terms;
  const K = terms.length;
  const n = events.length;
  const time = events.map(timeOf);
  const matches: NaiveMatch[] = [];
  const aliveAfter: boolean[][] = events.map(() => events.map(() => false));
  let prefixes = 0;

  const allOptional = (from: number, to: number): boolean => {
    for (let t = from; t < to; t++) if (!terms[t].optional) return false;
    return true;
  };

  /** May the events strictly between a and b be ignored while waiting for `term` under `kind`? */
  const gapOk = (kind: Contiguity, term: number, a: number, b: number): boolean => {
    if (kind === "strict") return b === a + 1;
    if (kind === "relaxed") {
      for (let k = a + 1; k < b; k++) if (terms[term].test(events[k])) return false;
    }
    return true;
  };

  const inWindow = (first: number, x: number): boolean =>
    pattern.within === null || time[x] - time[first] < pattern.within;

  /** Is the valid prefix `steps` (last term's count `count`) a live partial after event x? */
  const liveAfter = (steps: NaiveStep[], count: number, x: number): boolean => {
    const first = steps[0].index;
    const { index: a, term: s } = steps[steps.length - 1];
    if (!inWindow(first, x)) return false;
    if (x === a) return !(s === K - 1 && count === terms[s].max);
    // x > a: the events (a, x] are ignored in one waiting place.
    if (count < terms[s].max && gapOk(terms[s].inner, s, a, x + 1)) return true;
    if (count >= terms[s].min) {
      for (let t = s + 1; t < K; t++) {
        if (!allOptional(s + 1, t)) break;
        if (gapOk(terms[t].outer, t, a, x + 1)) return true;
      }
    }
    return false;
  };

  const visit = (steps: NaiveStep[], count: number): void => {
    if (++prefixes > budget) throw new NaiveBudgetExceeded(budget);
    const first = steps[0].index;
    const { index: a, term: s } = steps[steps.length - 1];

    // Complete?
    if (count >= terms[s].min && allOptional(s + 1, K)) matches.push(steps.slice());

    // Live partial: mark every x where it is.
    for (let x = a; x < n; x++) if (liveAfter(steps, count, x)) aliveAfter[first][x] = true;

    // Extend by one more event of the same term, or of a later one.
    for (let j = a + 1; j < n; j++) {
      if (!inWindow(first, j)) break;
      if (count < terms[s].max && terms[s].test(events[j]) && gapOk(terms[s].inner, s, a, j)) {
        steps.push({ index: j, term: s });
        visit(steps, count + 1);
        steps.pop();
      }
      if (count >= terms[s].min) {
        for (let t = s + 1; t < K; t++) {
          if (!allOptional(s + 1, t)) break;
          if (terms[t].test(events[j]) && gapOk(terms[t].outer, t, a, j)) {
            steps.push({ index: j, term: t });
            visit(steps, 1);
            steps.pop();
          }
        }
      }
    }
  };

  // Every event may start a match, in any term that only optional terms precede.
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < K; t++) {
      if (!allOptional(0, t)) break;
      if (terms[t].test(events[i])) visit([{ index: i, term: t }], 1);
    }
  }
  return { matches, aliveAfter };
}

// ---------------------------------------------------------------------------
// Skip strategies with Flink's hold-back

/** Order of completed matches: start, then event indices lexicographically (a proper prefix first), then terms. */
export function compareMatches(x: NaiveMatch, y: NaiveMatch): number {
  for (const key of ["index", "term"] as const) {
    const len = Math.min(x.length, y.length);
    for (let i = 0; i < len; i++) if (x[i][key] !== y[i][key]) return x[i][key] - y[i][key];
    if (x.length !== y.length) return x.length - y.length;
  }
  return 0;
}

function applySkip<E>(
  pattern: NaivePattern<E>,
  n: number,
  timeOf: (event: E) => number,
  events: readonly E[],
  all: Enumeration,
): NaiveMatch[] {
  const skip = pattern.skip;
  const time = events.map(timeOf);
  const byLast: NaiveMatch[][] = Array.from({ length: n }, () => []);
  for (const m of all.matches) byLast[m[m.length - 1].index].push(m);

  const emitted: NaiveMatch[] = [];
  let threshold = -1; // every partial / queued match starting at or before this index is pruned
  let queue: NaiveMatch[] = [];

  const release = (live: (start: number) => boolean): void => {
    for (;;) {
      queue.sort(compareMatches);
      const m = queue[0];
      if (m === undefined) return;
      const start = m[0].index;
      for (let p = threshold + 1; p < start; p++) if (live(p)) return; // held back
      emitted.push(m);
      queue.shift();
      let id: number | null = null;
      switch (skip.kind) {
        case "skipToNext":
          id = start;
          break;
        case "skipPastLastEvent":
          id = m[m.length - 1].index;
          break;
        case "skipToFirst":
        case "skipToLast": {
          const term = pattern.terms.findIndex((t) => t.variable === skip.variable);
          const own = m.filter((st) => st.term === term);
          if (own.length > 0) id = (skip.kind === "skipToFirst" ? own[0] : own[own.length - 1]).index - 1;
          break;
        }
        case "noSkip":
          break;
      }
      if (id !== null && id > threshold) threshold = id;
      queue = queue.filter((q) => q[0].index > threshold);
    }
  };

  for (let x = 0; x < n; x++) {
    // Advance time to time(x): partials whose window passed expire, then release.
    if (x > 0) {
      release(
        (p) => all.aliveAfter[p][x - 1] && (pattern.within === null || time[x] - time[p] < pattern.within),
      );
    }
    // Feed event x.
    for (const m of byLast[x]) if (m[0].index > threshold) queue.push(m);
    release((p) => all.aliveAfter[p][x]);
  }
  // End of input: windows close, every remaining partial is dropped, held matches are released.
  release(() => false);
  return emitted;
}
