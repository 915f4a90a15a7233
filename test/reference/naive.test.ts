/**
 * The oracle checked against Apache Flink's own test expectations (flink-cep
 * `NFAITCase`, `AfterMatchSkipITCase`), so that the differential test compares the
 * engine with something that is itself right.
 *
 * Events are written as names; an event's type is the first letter of its name
 * (`a1` is an `a`), its time is its position (1-based) unless given.
 */
import { describe, expect, it } from "vitest";
import {
  type Contiguity,
  type NaiveMatch,
  type NaivePattern,
  type NaiveSkip,
  type NaiveTerm,
  naiveLeaves,
  naiveMatches,
} from "./naive.js";

interface Ev {
  name: string;
  type: string;
  time: number;
}

function events(names: string, times?: number[]): Ev[] {
  return names
    .trim()
    .split(/\s+/)
    .map((name, i) => ({ name, type: name[0], time: times ? times[i] : i + 1 }));
}

/** A term spec: `[variable, type or "*", quantifier, options]`. */
interface T {
  v: string;
  type: string; // "*" = any event
  q?: string; // "", "?", "+", "*", "{n}", "{n,m}", "{n,}"
  optional?: boolean;
  inner?: Contiguity;
  outer?: Contiguity;
}

function term(t: T): NaiveTerm<Ev> {
  let min = 1;
  let max = 1;
  let optional = t.optional ?? false;
  const q = t.q ?? "";
  if (q === "?") optional = true;
  else if (q === "+") max = Number.POSITIVE_INFINITY;
  else if (q === "*") {
    max = Number.POSITIVE_INFINITY;
    optional = true;
  } else if (q.startsWith("{")) {
    const [lo, hi] = q.slice(1, -1).split(",");
    min = Number(lo);
    max = hi === undefined ? min : hi === "" ? Number.POSITIVE_INFINITY : Number(hi);
    if (min === 0) {
      min = 1;
      optional = true;
    }
  }
  return {
    variable: t.v,
    test: t.type === "*" ? () => true : (e) => e.type === t.type,
    min,
    max,
    optional,
    inner: t.inner ?? "relaxed",
    outer: t.outer ?? "strict",
  };
}

function pattern(terms: T[], opts: { within?: number; skip?: NaiveSkip } = {}): NaivePattern<Ev> {
  return { terms: terms.map(term), within: opts.within ?? null, skip: opts.skip ?? { kind: "noSkip" } };
}

/** Run and render each match as a space-separated list of event names, sorted. */
function run(p: NaivePattern<Ev>, evs: Ev[]): string[] {
  const ms: NaiveMatch[] = naiveMatches(p, evs, (e) => e.time);
  return ms.map((m) => m.map((s) => evs[s.index].name).join(" ")).sort();
}

function run2(p: NaivePattern<Ev>, evs: Ev[]): string[] {
  const leaves = naiveLeaves(p);
  return naiveMatches(p, evs, (e) => e.time)
    .map((m) => m.map((s) => `${evs[s.index].name}:${leaves[s.term].variable}`).join(" "))
    .sort();
}

const sorted = (xs: string[]) => [...xs].sort();

describe("naive oracle: contiguity (NFAITCase)", () => {
  it("followed by takes the first match only (testBranchingPatternSkipTillNext)", () => {
    const p = pattern([
      { v: "a", type: "a" },
      { v: "b", type: "b", outer: "relaxed" },
    ]);
    expect(run(p, events("a b1 b2"))).toEqual(["a b1"]);
  });

  it("followed by any forks on every match", () => {
    const p = pattern([
      { v: "a", type: "a" },
      { v: "b", type: "b", outer: "any" },
    ]);
    expect(run(p, events("a b1 b2"))).toEqual(["a b1", "a b2"]);
  });

  it("testNoConditionNFA: followed by without a condition behaves like next", () => {
    const p = pattern([
      { v: "start", type: "*" },
      { v: "end", type: "*", outer: "relaxed" },
    ]);
    expect(run(p, events("a b c d e"))).toEqual(sorted(["a b", "b c", "c d", "d e"]));
  });

  it("testAnyWithNoConditionNFA", () => {
    const p = pattern([
      { v: "start", type: "*" },
      { v: "end", type: "*", outer: "any" },
    ]);
    expect(run(p, events("a b c d e"))).toEqual(
      sorted(["a b", "a c", "a d", "a e", "b c", "b d", "b e", "c d", "c e", "d e"]),
    );
  });

  it("testNoConditionLoopingNFA: trailing loop emits one match per prefix", () => {
    const p = pattern([
      { v: "start", type: "*" },
      { v: "end", type: "*", q: "+", outer: "relaxed" },
    ]);
    expect(run(p, events("a b c d e"))).toEqual(
      sorted(["a b c d e", "a b c d", "a b c", "a b", "b c d e", "b c d", "b c", "c d e", "c d", "d e"]),
    );
  });

  it("testStrictContinuityNoResults / WithResults", () => {
    const p = pattern([
      { v: "middle", type: "a" },
      { v: "end", type: "b", outer: "strict" },
    ]);
    expect(run(p, events("a c b"))).toEqual([]);
    expect(run(p, events("a b"))).toEqual(["a b"]);
  });

  it("testBranchingPattern: three followed-by-any stages", () => {
    // middle-first: volume > 5 (the f events); middle-second: name next-one (the n events).
    const p = pattern([
      { v: "start", type: "s" },
      { v: "mf", type: "f", outer: "any" },
      { v: "ms", type: "n", outer: "any" },
      { v: "end", type: "e", outer: "any" },
    ]);
    expect(run(p, events("s f1 f2 f3 n1 n2 e"))).toEqual(
      sorted(["s f1 n1 e", "s f2 n1 e", "s f3 n1 e", "s f1 n2 e", "s f2 n2 e", "s f3 n2 e"]),
    );
  });
});

describe("naive oracle: quantifiers (NFAITCase)", () => {
  it("testEagerZeroOrMore: a relaxed loop must take every matching event of its run", () => {
    const p = pattern([
      { v: "start", type: "c" },
      { v: "middle", type: "a", q: "*", outer: "relaxed" },
      { v: "end1", type: "b", outer: "relaxed" },
    ]);
    expect(run(p, events("c a1 a2 d a3 b"))).toEqual(sorted(["c a1 a2 a3 b", "c a1 a2 b", "c a1 b", "c b"]));
  });

  it("testZeroOrMore: followed by any into a combinations loop", () => {
    const p = pattern([
      { v: "start", type: "c" },
      { v: "middle", type: "a", q: "*", outer: "any", inner: "any" },
      { v: "end1", type: "b", outer: "relaxed" },
    ]);
    expect(run(p, events("c a1 a2 b"))).toEqual(sorted(["c a1 a2 b", "c a1 b", "c a2 b", "c b"]));
  });

  it("testBeginWithZeroOrMore", () => {
    const p = pattern([
      { v: "middle", type: "a", q: "*" },
      { v: "end", type: "b", outer: "relaxed" },
    ]);
    expect(run(p, events("a1 a2 a3 b"))).toEqual(
      sorted(["a1 a2 a3 b", "a1 a2 b", "a2 a3 b", "a1 b", "a2 b", "a3 b", "b"]),
    );
  });

  it("testZeroOrMoreAfterZeroOrMore", () => {
    const p = pattern([
      { v: "start", type: "c" },
      { v: "mf", type: "a", q: "*", outer: "any", inner: "any" },
      { v: "ms", type: "d", q: "*", outer: "relaxed", inner: "any" },
      { v: "end", type: "e", outer: "relaxed" },
    ]);
    expect(run(p, events("c a1 d1 d2 e"))).toEqual(
      sorted(["c a1 d1 d2 e", "c a1 d1 e", "c d1 d2 e", "c d1 e", "c a1 e", "c e"]),
    );
  });

  it("testStrictContinuityNoResultsAfterZeroOrMore / ResultsAfterZeroOrMore: next is relative to the last taken event", () => {
    const p1 = pattern([
      { v: "start", type: "d" },
      { v: "middle", type: "a", q: "*", outer: "relaxed" },
      { v: "end", type: "b", outer: "strict" },
    ]);
    expect(run(p1, events("d a1 a2 c b"))).toEqual([]);
    const p2 = pattern([
      { v: "start", type: "d" },
      { v: "middle", type: "a", q: "*", outer: "any", inner: "any" },
      { v: "end", type: "b", outer: "strict" },
    ]);
    expect(run(p2, events("d a1 a2 b"))).toEqual(sorted(["d a1 a2 b", "d a2 b"]));
  });

  it("testAtLeastOne / testAtLeastOneEager", () => {
    const any = pattern([
      { v: "start", type: "c" },
      { v: "middle", type: "a", q: "+", outer: "any", inner: "any" },
      { v: "end1", type: "b", outer: "any" },
    ]);
    expect(run(any, events("c a1 a2 b"))).toEqual(sorted(["c a1 a2 b", "c a1 b", "c a2 b"]));
    const eager = pattern([
      { v: "start", type: "c" },
      { v: "middle", type: "a", q: "+", outer: "any" },
      { v: "end1", type: "b", outer: "any" },
    ]);
    expect(run(eager, events("c a1 a2 a3 b"))).toEqual(
      sorted(["c a1 a2 a3 b", "c a1 a2 b", "c a2 a3 b", "c a3 b", "c a2 b", "c a1 b"]),
    );
  });

  it("testBeginWithAtLeastOne: combinations loop at the start", () => {
    const p = pattern([
      { v: "start", type: "a", q: "+", inner: "any" },
      { v: "end", type: "b", outer: "relaxed" },
    ]);
    expect(run(p, events("a1 a2 a3 b"))).toEqual(
      sorted(["a1 a2 a3 b", "a1 a2 b", "a1 a3 b", "a2 a3 b", "a1 b", "a2 b", "a3 b"]),
    );
  });

  it("testNextZeroOrMore: consecutive optional loop after next", () => {
    const p = pattern([
      { v: "start", type: "s" },
      { v: "middle", type: "m", q: "*", outer: "strict", inner: "strict" },
      { v: "end", type: "e", outer: "relaxed" },
    ]);
    expect(run(p, events("s x m1 m2 m3 e"))).toEqual(["s e"]);
  });

  it("testOptional / testStartWithOptional / testEndWithOptional", () => {
    const mid = pattern([
      { v: "start", type: "c" },
      { v: "middle", type: "a", q: "?", outer: "relaxed" },
      { v: "end1", type: "b", outer: "relaxed" },
    ]);
    expect(run(mid, events("c a b"))).toEqual(sorted(["c a b", "c b"]));
    const start = pattern([
      { v: "start", type: "c", q: "?" },
      { v: "end1", type: "b", outer: "relaxed" },
    ]);
    expect(run(start, events("c b"))).toEqual(sorted(["c b", "b"]));
    const end = pattern([
      { v: "start", type: "c" },
      { v: "middle", type: "a", q: "?", outer: "relaxed" },
    ]);
    expect(run(end, events("c a"))).toEqual(sorted(["c a", "c"]));
  });

  it("testEndWithZeroOrMore / testEndWithOneOrMore / testStartAndEndWithZeroOrMore", () => {
    const zero = pattern([
      { v: "start", type: "c" },
      { v: "middle", type: "a", q: "*", outer: "relaxed" },
    ]);
    expect(run(zero, events("c a1 a2 a3"))).toEqual(sorted(["c a1 a2 a3", "c a1 a2", "c a1", "c"]));
    const one = pattern([
      { v: "start", type: "c" },
      { v: "middle", type: "a", q: "+", outer: "relaxed" },
    ]);
    expect(run(one, events("c a1 a2 a3"))).toEqual(sorted(["c a1 a2 a3", "c a1 a2", "c a1"]));
    // A pattern that is entirely optional never emits an empty match.
    const only = pattern([{ v: "start", type: "a", q: "*" }]);
    expect(run(only, events("c a1 a2 a3 d1 d2 d3", [1, 3, 4, 5, 6, 6, 6]))).toEqual(
      sorted(["a1 a2 a3", "a1 a2", "a1", "a2 a3", "a2", "a3"]),
    );
  });

  it("testTimes / testStartWithTimes / testTimesNonStrictWithNext / testTimesNotStrictWithFollowedBy*", () => {
    const combos = pattern([
      { v: "start", type: "c" },
      { v: "middle", type: "a", q: "{2}", outer: "strict", inner: "any" },
      { v: "end1", type: "b", outer: "relaxed" },
    ]);
    expect(run(combos, events("c a1 a2 a3 b"))).toEqual(sorted(["c a1 a2 b", "c a1 a3 b"]));
    expect(run(combos, events("c a1 f a2 f a3 b"))).toEqual(sorted(["c a1 a2 b", "c a1 a3 b"]));
    const startTimes = pattern([
      { v: "middle", type: "a", q: "{2}", inner: "strict" },
      { v: "end1", type: "b", outer: "relaxed" },
    ]);
    expect(run(startTimes, events("a1 a2 a3 b"))).toEqual(sorted(["a1 a2 b", "a2 a3 b"]));
    const eager = pattern([
      { v: "start", type: "c" },
      { v: "middle", type: "a", q: "{2}", outer: "relaxed" },
      { v: "end1", type: "b", outer: "relaxed" },
    ]);
    expect(run(eager, events("c a1 a2 a3 b"))).toEqual(["c a1 a2 b"]);
    const notEager = pattern([
      { v: "start", type: "c" },
      { v: "middle", type: "a", q: "{2}", outer: "any", inner: "any" },
      { v: "end1", type: "b", outer: "relaxed" },
    ]);
    expect(run(notEager, events("c a1 a2 a3 b"))).toEqual(sorted(["c a1 a2 b", "c a2 a3 b", "c a1 a3 b"]));
    const strict = pattern([
      { v: "start", type: "c" },
      { v: "middle", type: "a", q: "{2}", outer: "strict", inner: "strict" },
      { v: "end1", type: "b", outer: "relaxed" },
    ]);
    expect(run(strict, events("c a1 f a2 a3 b"))).toEqual([]);
  });

  it("testTimesNonStrictOptional1/2/3, testTimesStrictOptional(1), testOneOrMoreStrictOptional", () => {
    const evs = events("c f1 a1 f2 a2 a3 b");
    const mk = (q: string, outer: Contiguity, inner: Contiguity, optional = true) =>
      pattern([
        { v: "start", type: "c" },
        { v: "middle", type: "a", q, outer, inner, optional },
        { v: "end1", type: "b", outer: "relaxed" },
      ]);
    expect(run(mk("{3}", "relaxed", "relaxed"), events("c f b"))).toEqual(["c b"]);
    expect(run(mk("{2}", "any", "any"), evs)).toEqual(sorted(["c a1 a2 b", "c a1 a3 b", "c a2 a3 b", "c b"]));
    expect(run(mk("{2}", "any", "relaxed"), evs)).toEqual(sorted(["c a1 a2 b", "c a2 a3 b", "c b"]));
    expect(run(mk("{2}", "any", "strict"), evs)).toEqual(sorted(["c a2 a3 b", "c b"]));
    expect(run(mk("+", "any", "strict"), evs)).toEqual(
      sorted(["c a2 a3 b", "c a1 b", "c a2 b", "c a3 b", "c b"]),
    );
    expect(run(mk("{2}", "strict", "strict"), events("c a1 a2 a3 b"))).toEqual(sorted(["c a1 a2 b", "c b"]));
    expect(run(mk("{2}", "strict", "any"), events("c a1 f a2 f a3 b"))).toEqual(
      sorted(["c a1 a2 b", "c a1 a3 b", "c b"]),
    );
  });

  it("testStrictOneOrMore / testSkipTillNextOneOrMore / testSkipTillAnyOneOrMore", () => {
    const evs = events("c d a1 a2 a3 d a4 b", [1, 2, 3, 4, 4, 5, 6, 7]);
    const mk = (inner: Contiguity) =>
      pattern([
        { v: "start", type: "c" },
        { v: "middle", type: "a", q: "+", outer: "relaxed", inner },
        { v: "end1", type: "b", outer: "relaxed" },
      ]);
    expect(run(mk("strict"), evs)).toEqual(sorted(["c a1 a2 a3 b", "c a1 a2 b", "c a1 b"]));
    expect(run(mk("relaxed"), evs)).toEqual(
      sorted(["c a1 a2 a3 a4 b", "c a1 a2 a3 b", "c a1 a2 b", "c a1 b"]),
    );
    expect(run(mk("any"), evs)).toEqual(
      sorted([
        "c a1 a2 a3 a4 b",
        "c a1 a3 a4 b",
        "c a1 a2 a3 b",
        "c a1 a2 a4 b",
        "c a1 a2 b",
        "c a1 a3 b",
        "c a1 a4 b",
        "c a1 b",
      ]),
    );
  });

  it("labels: the same events in different terms are different matches", () => {
    const p = pattern([
      { v: "x", type: "a", q: "?" },
      { v: "y", type: "a", q: "?", outer: "relaxed" },
    ]);
    expect(run2(p, events("a1"))).toEqual(["a1:x", "a1:y"]);
  });
});

describe("naive oracle: windows", () => {
  it("testSimplePatternWithTimeWindowNFAWithinFirstAndLast: last - first < within", () => {
    const p = pattern(
      [
        { v: "start", type: "s" },
        { v: "middle", type: "m", outer: "relaxed" },
        { v: "end", type: "e", outer: "relaxed" },
      ],
      { within: 10 },
    );
    expect(run(p, events("s1 s2 m f e1 e2", [1, 2, 3, 4, 11, 13]))).toEqual(["s2 m e1"]);
  });
});

describe("naive oracle: after-match skip (AfterMatchSkipITCase)", () => {
  const a3 = (skip: NaiveSkip) => pattern([{ v: "start", type: "a", q: "{3}" }], { skip });

  it("testNoSkip / testSkipPastLast", () => {
    const evs = events("a1 a2 a3 a4 a5 a6");
    expect(run(a3({ kind: "noSkip" }), evs)).toEqual(
      sorted(["a1 a2 a3", "a2 a3 a4", "a3 a4 a5", "a4 a5 a6"]),
    );
    expect(run(a3({ kind: "skipPastLastEvent" }), evs)).toEqual(["a1 a2 a3", "a4 a5 a6"]);
  });

  it("testNoSkipWithFollowedByAny / testSkipToNextWithFollowedByAny", () => {
    const mk = (skip: NaiveSkip) =>
      pattern(
        [
          { v: "start", type: "a" },
          { v: "end", type: "b", outer: "any" },
        ],
        { skip },
      );
    const evs = events("a1 b1 a2 b2", [1, 2, 4, 5]);
    expect(run(mk({ kind: "noSkip" }), evs)).toEqual(sorted(["a1 b1", "a1 b2", "a2 b2"]));
    expect(run(mk({ kind: "skipToNext" }), evs)).toEqual(sorted(["a1 b1", "a2 b2"]));
  });

  it("testNoSkipWithQuantifierAtTheEnd / testSkipToNextWithQuantifierAtTheEnd", () => {
    const mk = (skip: NaiveSkip) =>
      pattern(
        [
          { v: "start", type: "a" },
          { v: "end", type: "b", q: "+", outer: "strict" },
        ],
        { skip },
      );
    const evs = events("a1 b1 b2 b3", [1, 2, 4, 5]);
    expect(run(mk({ kind: "noSkip" }), evs)).toEqual(sorted(["a1 b1 b2 b3", "a1 b1 b2", "a1 b1"]));
    expect(run(mk({ kind: "skipToNext" }), evs)).toEqual(["a1 b1"]);
  });

  it("testSkipPastLast2: equal-start ties are broken lexicographically", () => {
    const p = pattern(
      [
        { v: "a", type: "a" },
        { v: "b", type: "b", outer: "any" },
        { v: "c", type: "c", outer: "any" },
        { v: "d", type: "d", outer: "relaxed" },
      ],
      { skip: { kind: "skipPastLastEvent" } },
    );
    expect(run(p, events("a1 a2 b1 b2 c1 c2 d1 d2", [1, 2, 3, 4, 5, 6, 7, 7]))).toEqual(["a1 b1 c1 d1"]);
  });

  it("testSkipPastLast3", () => {
    const p = pattern(
      [
        { v: "a", type: "a" },
        { v: "b", type: "b", outer: "strict" },
      ],
      { skip: { kind: "skipPastLastEvent" } },
    );
    expect(run(p, events("a1 c a2 b2"))).toEqual(["a2 b2"]);
  });

  it("testSkipToFirst / testSkipToLast", () => {
    // Every event is both an `a` and a `b` in Flink's test ("ab"): use `*` terms.
    const mk = (skip: NaiveSkip) =>
      pattern(
        [
          { v: "start", type: "*", q: "{2}" },
          { v: "end", type: "*", q: "{2}", outer: "strict" },
        ],
        { skip },
      );
    expect(run(mk({ kind: "skipToFirst", variable: "end" }), events("x1 x2 x3 x4 x5 x6"))).toEqual(
      sorted(["x1 x2 x3 x4", "x3 x4 x5 x6"]),
    );
    expect(run(mk({ kind: "skipToLast", variable: "end" }), events("x1 x2 x3 x4 x5 x6 x7"))).toEqual(
      sorted(["x1 x2 x3 x4", "x4 x5 x6 x7"]),
    );
  });

  it("testSkipToFirstWithOneOrMore / testSkipToLastWithOneOrMore", () => {
    const mk = (skip: NaiveSkip) =>
      pattern(
        [
          { v: "a", type: "a" },
          { v: "b", type: "b", q: "+", outer: "strict", inner: "strict" },
        ],
        { skip },
      );
    const evs = events("a1 b1 a2 b2 b3 a3 b4", [1, 2, 3, 4, 5, 6, 7]);
    const want = sorted(["a1 b1", "a2 b2", "a3 b4"]);
    expect(run(mk({ kind: "skipToFirst", variable: "b" }), evs)).toEqual(want);
    expect(run(mk({ kind: "skipToLast", variable: "b" }), evs)).toEqual(want);
  });

  it("MissedSkipTo: no event for the skip target means no pruning", () => {
    const p = pattern(
      [
        { v: "a", type: "a" },
        { v: "b", type: "b", q: "*", outer: "strict", inner: "strict" },
        { v: "c", type: "c", outer: "strict" },
      ],
      { skip: { kind: "skipToFirst", variable: "b" } },
    );
    expect(run(p, events("a c"))).toEqual(["a c"]);
  });

  it("hold-back: a match that completes first wins over a same-start match that sorts earlier but completes later", () => {
    // A0 B1 C2 B3 C4. Without skip: [A0 C2], [A0 C4], [A0 B1 B3 C4]. Under skip past last,
    // [A0 C2] completes at C2 with no earlier-started partial alive, so it is emitted at once
    // and prunes everything started at or before C2. Sorting all matches by (start, lex) and
    // picking greedily would wrongly pick [A0 B1 B3 C4].
    const mk = (skip: NaiveSkip) =>
      pattern(
        [
          { v: "a", type: "A" },
          { v: "b", type: "B", q: "{2}", optional: true, outer: "any" },
          { v: "c", type: "C", outer: "any" },
        ],
        { skip },
      );
    const evs = events("A0 B1 C2 B3 C4");
    expect(run(mk({ kind: "noSkip" }), evs)).toEqual(sorted(["A0 C2", "A0 C4", "A0 B1 B3 C4"]));
    expect(run(mk({ kind: "skipPastLastEvent" }), evs)).toEqual(["A0 C2"]);
  });

  it("hold-back: an earlier-started partial holds a completed match until it completes", () => {
    // a: A followed by any b: B. A0 A1 B2: both [A0 B2] and [A1 B2] complete at B2; [A0 B2]
    // goes first and prunes A1's.
    const p = pattern(
      [
        { v: "a", type: "A" },
        { v: "b", type: "B", outer: "any" },
      ],
      { skip: { kind: "skipPastLastEvent" } },
    );
    expect(run(p, events("A0 A1 B2"))).toEqual(["A0 B2"]);
    // a: A followed by any b: B{2} followed by any c: C, skip past last.
    // A0 A1 B2 C3 B4 C5: [A1 ...] can't complete before [A0 B2 B4 C5]; at C5 both
    // [A0 B2 B4 C5] and [A1 B2 B4 C5] complete; A0's goes first and prunes A1's.
    const q = pattern(
      [
        { v: "a", type: "A" },
        { v: "b", type: "B", q: "{2}", outer: "any" },
        { v: "c", type: "C", outer: "any" },
      ],
      { skip: { kind: "skipPastLastEvent" } },
    );
    expect(run(q, events("A0 A1 B2 C3 B4 C5"))).toEqual(["A0 B2 B4 C5"]);
  });
});
