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
 *
 * ## Alternation and `permute` (language §3.3a; beyond Flink)
 *
 * A pattern is a sequence of *items*: terms and alternations; an alternation holds two or
 * more alternatives, each a sequence of items (nested alternations allowed). `permute op
 * (e1, …, en)` is built by its definition: the alternation of the n! sequences
 * `ei op ej op …` in element-position order ({@link naivePermute}); its elements are
 * sequences (a term, a non-looped group, an alternation). An alternation may be optional
 * (`( … )?`, passed as a whole without choosing, as an optional group); looped
 * alternations are not covered (the reference has no groups).
 *
 * The terms of the pattern tree are its *leaves*, numbered depth-first (`NaiveStep.term`);
 * a permute's element appears once per order, as distinct leaves with the same variable.
 * A candidate is a labelled subsequence whose leaves lie on one *path* through the tree
 * (one alternative of every alternation it passes), every item the path passes without an
 * event being optional (a term) or passed through an alternative that took nothing:
 * - each item's *governing contiguity* is its own operator, except that the first item of
 *   an alternative has the operator before its alternation (recursively) — "the operator
 *   before an alternation joins the previous term to the first term of each alternative";
 *   "the operator after it follows each alternative's last term" is the next item's own;
 * - the gap rule above applies unchanged with the governing contiguity of `b`'s leaf;
 * - **first-start rule**: when `b` is the first event a candidate takes inside an
 *   alternation X (the previous taken event `a` being outside X) and X's governing
 *   contiguity is `followed by`, no event strictly between `a` and `b` may *start* X. An
 *   event `k` starts X when some leaf `u` that can take X's first event (the first term
 *   of an alternative, or a later one when only optional terms / alternatives that can
 *   take nothing precede it inside that alternative) has `u`'s condition true of `k`, and
 *   `k = a + 1` if `u`'s governing contiguity is strict. (`next` and `followed by any`
 *   before X add nothing: the expanded patterns' rules are the rule.)
 * - a candidate that passes X without taking anything in it (an alternative that can take
 *   nothing, or an optional X) is governed by the rules of the items it does take, as an
 *   optional term is: X's first-start rule does not apply to it.
 * - paths are counted with multiplicity: the same events and labels reached through two
 *   alternatives (say two alternatives that both took nothing, or two orders of a permute
 *   whose optional element is absent) are two candidates, two matches (two branches).
 *
 * ## Liveness of partial matches (only needed for the skip strategies' hold-back)
 *
 * A valid prefix ending with event `a` in term `s` (count `c`) is a live partial match
 * after event `x ≥ a` iff:
 * - x = a: the take did not lead straight into the final state, i.e. not
 *   (c = max and no term can follow s);
 * - x > a: the events (a, x] can all be ignored in one waiting place (see above):
 *   in term s itself if c < max (its inner contiguity, against s's condition), or in a
 *   later term t if c ≥ min and only optional items lie between s and t (t's governing
 *   contiguity, against t's condition; and, for every `followed by` alternation entered
 *   on the way to t, no event of (a, x] starts it). Strict → impossible; relaxed → none of
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
 * queue's first match in (start, lexicographic event-index list, lexicographic list
 * of the variables' positions in the source) order; stop if a live, un-pruned partial started strictly earlier; otherwise
 * emit it and prune — every partial and queued match whose start event is
 *   skipToNext:        ≤ the match's first event,
 *   skipPastLastEvent: ≤ the match's last event,
 *   skipToFirst x:     < the first event of x (no pruning when x took nothing — also when
 *                      x is in an alternative the match did not take),
 *   skipToLast x:      < the last event of x (idem).
 * Pruning is by start event, and every later partial starts after the current event,
 * so "all starts ≤ threshold are dead" is kept as a single number.
 *
 * NB: the result is NOT "sort all matches by (start, lex) and pick greedily": a match
 * that completes first is emitted before a same-start match that completes later and
 * would sort earlier (see the oracle's own tests).
 */

import { type Alt, buildTree, entered, type Leaf, type NaiveItem, type Tree } from "./naive-tree.js";

export {
  isAlternation,
  type NaiveAlternation,
  type NaiveItem,
  naivePermute,
  permutations,
} from "./naive-tree.js";

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
  /** The pattern's sequence: terms and alternations (naive-tree.ts). */
  readonly terms: readonly NaiveItem<E>[];
  /** Pattern-level window in ms (first to last, half-open), or null. */
  readonly within: number | null;
  readonly skip: NaiveSkip;
}

/** One taken event: its index in the key's stream and the term that took it (its leaf: depth-first number, see {@link naiveLeaves}). */
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

/** The terms of the pattern in depth-first order: `NaiveStep.term` indexes this (the terms themselves when there is no alternation). */
export function naiveLeaves<E>(pattern: NaivePattern<E>): NaiveTerm<E>[] {
  return buildTree(pattern.terms).leaves.map((l) => l.term);
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
  const tree = buildTree(pattern.terms);
  const all = enumerate(pattern, tree, events, timeOf, options.budget ?? 200_000);
  if (pattern.skip.kind === "noSkip") return all.matches;
  return applySkip(pattern, tree, timeOf, events, all);
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
  tree: Tree<E>,
  events: readonly E[],
  timeOf: (event: E) => number,
  budget: number,
): Enumeration {
  const { leaves, follows } = tree;
  const n = events.length;
  const time = events.map(timeOf);
  const matches: NaiveMatch[] = [];
  const aliveAfter: boolean[][] = events.map(() => events.map(() => false));
  let prefixes = 0;

  /** May the events strictly between a and b be ignored while waiting for `leaf` under `kind`? */
  const gapOk = (kind: Contiguity, leaf: Leaf<E>, a: number, b: number): boolean => {
    if (kind === "strict") return b === a + 1;
    if (kind === "relaxed") {
      for (let k = a + 1; k < b; k++) if (leaf.term.test(events[k])) return false;
    }
    return true;
  };

  /** Does event k start alternation X for a branch whose last taken event is a? */
  const starts = (x: Alt<E>, a: number, k: number): boolean =>
    x.firsts.some((u) => u.term.test(events[k]) && (u.gov !== "strict" || k === a + 1));

  /**
   * First-start rule: going from leaf s (last event a) to leaf t, may the events strictly
   * between a and b be skipped by every `followed by` alternation the branch enters?
   */
  const firstStartOk = (s: Leaf<E>, t: Leaf<E>, a: number, b: number): boolean => {
    for (const x of entered(s, t)) {
      if (x.gov !== "relaxed") continue;
      for (let k = a + 1; k < b; k++) if (starts(x, a, k)) return false;
    }
    return true;
  };

  /** May a branch go from leaf s (last event a) to take event b in leaf t? */
  const enterOk = (s: Leaf<E>, t: Leaf<E>, a: number, b: number): boolean =>
    t.gov !== null && gapOk(t.gov, t, a, b) && firstStartOk(s, t, a, b);

  const inWindow = (first: number, x: number): boolean =>
    pattern.within === null || time[x] - time[first] < pattern.within;

  /** Is the valid prefix `steps` (last term's count `count`) a live partial after event x? */
  const liveAfter = (steps: NaiveStep[], count: number, x: number): boolean => {
    const first = steps[0].index;
    const last = steps[steps.length - 1];
    const a = last.index;
    const s = leaves[last.term];
    if (!inWindow(first, x)) return false;
    if (x === a) return count < s.term.max || follows[s.index].leaves.length > 0;
    // x > a: the events (a, x] are ignored in one waiting place.
    if (count < s.term.max && gapOk(s.term.inner, s, a, x + 1)) return true;
    if (count >= s.term.min) {
      for (const t of follows[s.index].leaves) if (enterOk(s, t, a, x + 1)) return true;
    }
    return false;
  };

  const visit = (steps: NaiveStep[], count: number): void => {
    if (++prefixes > budget) throw new NaiveBudgetExceeded(budget);
    const first = steps[0].index;
    const last = steps[steps.length - 1];
    const a = last.index;
    const s = leaves[last.term];
    const done = count >= s.term.min;

    // Complete? Once per path to the end (alternatives that took nothing are paths).
    if (done) for (let e = 0; e < follows[s.index].ends; e++) matches.push(steps.slice());

    // Live partial: mark every x where it is.
    for (let x = a; x < n; x++) if (liveAfter(steps, count, x)) aliveAfter[first][x] = true;

    // Extend by one more event of the same term, or of a following one.
    for (let j = a + 1; j < n; j++) {
      if (!inWindow(first, j)) break;
      if (count < s.term.max && s.term.test(events[j]) && gapOk(s.term.inner, s, a, j)) {
        steps.push({ index: j, term: s.index });
        visit(steps, count + 1);
        steps.pop();
      }
      if (done) {
        for (const t of follows[s.index].leaves) {
          if (t.term.test(events[j]) && enterOk(s, t, a, j)) {
            steps.push({ index: j, term: t.index });
            visit(steps, 1);
            steps.pop();
          }
        }
      }
    }
  };

  // Every event may start a match, in any term that only optional items precede.
  for (let i = 0; i < n; i++) {
    for (const t of tree.starts.leaves) if (t.term.test(events[i])) visit([{ index: i, term: t.index }], 1);
  }
  return { matches, aliveAfter };
}

// ---------------------------------------------------------------------------
// Skip strategies with Flink's hold-back

/**
 * Order of completed matches: start, then event indices lexicographically (a proper prefix
 * first), then the terms: `rank` maps a step's term to its position (default: the term
 * itself; naiveMatches ranks by the variable's position in the source).
 */
export function compareMatches(
  x: NaiveMatch,
  y: NaiveMatch,
  rank: (term: number) => number = (t) => t,
): number {
  const len = Math.min(x.length, y.length);
  for (let i = 0; i < len; i++) if (x[i].index !== y[i].index) return x[i].index - y[i].index;
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < len; i++) {
    const d = rank(x[i].term) - rank(y[i].term);
    if (d !== 0) return d;
  }
  return 0;
}

function applySkip<E>(
  pattern: NaivePattern<E>,
  tree: Tree<E>,
  timeOf: (event: E) => number,
  events: readonly E[],
  all: Enumeration,
): NaiveMatch[] {
  const skip = pattern.skip;
  const n = events.length;
  const time = events.map(timeOf);
  const rank = (term: number): number => tree.leaves[term].rank;
  const byLast: NaiveMatch[][] = Array.from({ length: n }, () => []);
  for (const m of all.matches) byLast[m[m.length - 1].index].push(m);

  const emitted: NaiveMatch[] = [];
  let threshold = -1; // every partial / queued match starting at or before this index is pruned
  let queue: NaiveMatch[] = [];

  const release = (live: (start: number) => boolean): void => {
    for (;;) {
      queue.sort((x, y) => compareMatches(x, y, rank));
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
          const own = m.filter((st) => tree.leaves[st.term].term.variable === skip.variable);
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
