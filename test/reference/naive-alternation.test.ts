/**
 * The naive oracle on alternation and `permute` (language §3.3a), on cases derived by
 * hand from the spec before the oracle is trusted with random patterns.
 *
 * Events are written as names; an event's type is its first letter, upper case (`C2` is a
 * `C`; `x` matches no term), its time is its position.
 */
import { describe, expect, it } from "vitest";
import {
  type Contiguity,
  type NaiveItem,
  type NaiveSkip,
  type NaiveTerm,
  naiveLeaves,
  naiveMatches,
  naivePermute,
  permutations,
} from "./naive.js";

interface Ev {
  name: string;
  type: string;
}

const events = (names: string): Ev[] =>
  names
    .trim()
    .split(/\s+/)
    .map((name) => ({ name, type: name[0] }));

/** `v: T`, or `v: T?` with `opt`; `outer` is the operator before it. */
function t(variable: string, type: string, outer: Contiguity = "strict", opt = false): NaiveTerm<Ev> {
  return {
    variable,
    test: (e) => type === "*" || e.type === type,
    min: 1,
    max: 1,
    optional: opt,
    inner: "relaxed",
    outer,
  };
}

const alt = (outer: Contiguity, ...alternatives: NaiveItem<Ev>[][]): NaiveItem<Ev> => ({
  alternatives,
  outer,
});

/** Every match as `event:variable …`, sorted (a multiset). */
function run(items: NaiveItem<Ev>[], names: string, skip: NaiveSkip = { kind: "noSkip" }): string[] {
  const p = { terms: items, within: null, skip };
  const leaves = naiveLeaves(p);
  const evs = events(names);
  const out = naiveMatches(p, evs, () => 0).map((m) =>
    m.map((s) => `${evs[s.index].name}:${leaves[s.term].variable}`).join(" "),
  );
  return skip.kind === "noSkip" ? out.sort() : out;
}

describe("naive oracle: alternation, first-start rule", () => {
  const bc = (op: Contiguity) => [t("a", "A"), alt(op, [t("b", "B")], [t("c", "C")])];

  it("followed by: the first event that starts an alternative is taken, the branch continues there only (spec §3.3a)", () => {
    expect(run(bc("relaxed"), "A C B")).toEqual(["A:a C:c"]);
    expect(run(bc("relaxed"), "A x x B C")).toEqual(["A:a B:b"]);
  });

  it("followed by any: every event that starts an alternative starts a branch; next: the very next event", () => {
    expect(run(bc("any"), "A C B")).toEqual(["A:a B:b", "A:a C:c"]);
    expect(run(bc("any"), "A C1 C2")).toEqual(["A:a C1:c", "A:a C2:c"]);
    expect(run(bc("strict"), "A C B")).toEqual(["A:a C:c"]);
    expect(run(bc("strict"), "A x C")).toEqual([]);
  });

  it("the operator after an alternation follows each alternative's last term", () => {
    const p = [
      t("a", "A"),
      alt("relaxed", [t("b", "B")], [t("c", "C"), t("e", "E", "relaxed")]),
      t("d", "D", "strict"),
    ];
    expect(run(p, "A B D")).toEqual(["A:a B:b D:d"]);
    expect(run(p, "A B x D")).toEqual([]);
    expect(run(p, "A C x E D")).toEqual(["A:a C:c E:e D:d"]);
    expect(run(p, "A C x E x D")).toEqual([]);
  });

  it("optional first terms: an event taken through them starts the alternative, with their operator", () => {
    // a: A followed by (b: B? next c: C | d: D)
    const p = [
      t("a", "A"),
      alt("relaxed", [t("b", "B", "strict", true), t("c", "C", "strict")], [t("d", "D")]),
    ];
    expect(run(p, "A C")).toEqual(["A:a C:c"]); // C right after A starts the first alternative
    expect(run(p, "A x C")).toEqual([]); // not right after A: C starts nothing (strict)
    expect(run(p, "A x C D")).toEqual(["A:a D:d"]);
    expect(run(p, "A B C")).toEqual(["A:a B:b C:c"]); // not [A, C]: B started the alternative
    expect(run(p, "A D B C")).toEqual(["A:a D:d"]);
    // a: A followed by (b: B? followed by c: C | d: D)
    const q = [
      t("a", "A"),
      alt("relaxed", [t("b", "B", "strict", true), t("c", "C", "relaxed")], [t("d", "D")]),
    ];
    expect(run(q, "A x C")).toEqual(["A:a C:c"]);
    expect(run(q, "A B D C")).toEqual(["A:a B:b C:c"]);
    expect(run(q, "A C B D")).toEqual(["A:a C:c"]);
  });

  it("followed by before an alternation decides, whatever operator follows an optional first term", () => {
    // a: A followed by (b: B? followed by any c: C | d: D): C1 starts the first alternative.
    const mk = (op: Contiguity) => [
      t("a", "A"),
      alt(op, [t("b", "B", "strict", true), t("c", "C", "any")], [t("d", "D")]),
    ];
    expect(run(mk("relaxed"), "A C1 C2")).toEqual(["A:a C1:c"]);
    expect(run(mk("relaxed"), "A D C1")).toEqual(["A:a D:d"]);
    // The expanded patterns with followed by any: A followed by any B? followed by any C, A followed by any D.
    expect(run(mk("any"), "A C1 C2")).toEqual(["A:a C1:c", "A:a C2:c"]);
    expect(run(mk("any"), "A D C1")).toEqual(["A:a C1:c", "A:a D:d"]);
  });

  it("nested alternations: a nested first alternation starts with its parent", () => {
    // a: A followed by ((b: B | c: C) next d: D | e: E)
    const p = [
      t("a", "A"),
      alt("relaxed", [alt("relaxed", [t("b", "B")], [t("c", "C")]), t("d", "D", "strict")], [t("e", "E")]),
    ];
    expect(run(p, "A C D")).toEqual(["A:a C:c D:d"]);
    expect(run(p, "A E C D")).toEqual(["A:a E:e"]);
    expect(run(p, "A C x D E")).toEqual([]);
    // a: A followed by (e: E followed by (b: B | c: C) | d: D): the nested one has its own rule.
    const q = [
      t("a", "A"),
      alt("relaxed", [t("e", "E"), alt("relaxed", [t("b", "B")], [t("c", "C")])], [t("d", "D")]),
    ];
    expect(run(q, "A E D C B")).toEqual(["A:a E:e C:c"]);
  });

  it("a loop in an alternative: the first start decides, then the loop's own contiguity", () => {
    // a: A followed by (b: B+ | c: C)
    const p = [
      t("a", "A"),
      alt("relaxed", [{ ...t("b", "B"), max: Number.POSITIVE_INFINITY }], [t("c", "C")]),
    ];
    expect(run(p, "A B1 C B2")).toEqual(["A:a B1:b", "A:a B1:b B2:b"]);
    expect(run(p, "A C B1")).toEqual(["A:a C:c"]);
  });

  it("an alternation first in the pattern: every event may start a match in any alternative", () => {
    const p = [alt("strict", [t("a", "A")], [t("b", "B")]), t("c", "C", "relaxed")];
    expect(run(p, "A B C")).toEqual(["A:a C:c", "B:b C:c"]);
  });
});

describe("naive oracle: alternation, multiplicity and absent alternatives", () => {
  it("the same events in two alternatives are two matches", () => {
    expect(run([alt("strict", [t("x", "A")], [t("y", "A")])], "A")).toEqual(["A:x", "A:y"]);
  });

  it("two alternatives that take nothing are two paths (two matches)", () => {
    // a: A followed by any (b: B? | c: C?)
    const end = [t("a", "A"), alt("any", [t("b", "B", "strict", true)], [t("c", "C", "strict", true)])];
    expect(run(end, "A")).toEqual(["A:a", "A:a"]);
    expect(run(end, "A B")).toEqual(["A:a", "A:a", "A:a B:b"]);
  });

  it("passing an alternation through an alternative that takes nothing is not held by its first-start rule", () => {
    // a: A followed by (b: B? | c: C) followed by d: D — as `A followed by B? followed by D`
    // matches [A, D] over A B D, the path through the empty first alternative skips C.
    const p = [
      t("a", "A"),
      alt("relaxed", [t("b", "B", "strict", true)], [t("c", "C")]),
      t("d", "D", "relaxed"),
    ];
    expect(run(p, "A C D")).toEqual(["A:a C:c D:d", "A:a D:d"]);
    expect(run(p, "A B D")).toEqual(["A:a B:b D:d", "A:a D:d"]);
  });
});

describe("naive oracle: optional alternation", () => {
  it("( … )? is passed as a whole, or entered with its first-start rule", () => {
    // a: A followed by (b: B | c: C)? followed by d: D
    const p = [
      t("a", "A"),
      { ...alt("relaxed", [t("b", "B")], [t("c", "C")]), optional: true },
      t("d", "D", "relaxed"),
    ];
    expect(run(p, "A C D")).toEqual(["A:a C:c D:d", "A:a D:d"]);
    expect(run(p, "A B C D")).toEqual(["A:a B:b D:d", "A:a D:d"]);
    expect(run(p.slice(0, 2), "A C")).toEqual(["A:a", "A:a C:c"]);
  });
});

describe("naive oracle: permute by its definition", () => {
  it("orders the alternatives by element positions", () => {
    expect(permutations(3)).toEqual([
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ]);
  });

  it("permute (default followed by) after followed by: any order, the first start decides", () => {
    const p = [t("a", "A"), naivePermute([[t("b", "B")], [t("c", "C")]], "relaxed", "relaxed")];
    expect(run(p, "A C B")).toEqual(["A:a C:c B:b"]);
    expect(run(p, "A B x C")).toEqual(["A:a B:b C:c"]);
    expect(run(p, "A C1 C2 B")).toEqual(["A:a C1:c B:b"]);
  });

  it("permute next: the elements are strictly contiguous", () => {
    const p = [t("a", "A"), naivePermute([[t("b", "B")], [t("c", "C")]], "strict", "relaxed")];
    expect(run(p, "A C B")).toEqual(["A:a C:c B:b"]);
    expect(run(p, "A C x B")).toEqual([]);
  });

  it("an optional element absent: one match per order (two alternatives)", () => {
    const p = [t("a", "A"), naivePermute([[t("b", "B", "strict", true)], [t("c", "C")]], "relaxed", "any")];
    expect(run(p, "A C")).toEqual(["A:a C:c", "A:a C:c"]);
  });

  it("group elements keep their inner operators", () => {
    // permute followed by any (b: B next c: C, d: D)
    const p = naivePermute([[t("b", "B"), t("c", "C", "strict")], [t("d", "D")]], "any", "strict");
    expect(run([p], "B C D")).toEqual(["B:b C:c D:d"]);
    expect(run([p], "B x C D")).toEqual([]);
    expect(run([p], "D x B C")).toEqual(["D:d B:b C:c"]);
  });
});

describe("naive oracle: skip strategies across alternatives", () => {
  const p = [t("a", "A"), alt("any", [t("b", "B")], [t("c", "C")])];

  it("skip past last event prunes the other alternative's branch", () => {
    expect(run(p, "A B C", { kind: "skipPastLastEvent" })).toEqual(["A:a B:b"]);
  });

  it("skip to first v with v absent from the match prunes nothing", () => {
    expect(run(p, "A B C", { kind: "skipToFirst", variable: "c" })).toEqual(["A:a B:b", "A:a C:c"]);
    expect(run(p, "A B C", { kind: "skipToFirst", variable: "b" })).toEqual(["A:a B:b"]);
  });

  it("a partial match inside an alternative holds back a later-started match", () => {
    // a: A followed by (b: B followed by c: C | d: D), skip past last: [A2 D] waits for A1's
    // branch in the first alternative, which completes at C and prunes it.
    const q = [t("a", "A"), alt("relaxed", [t("b", "B"), t("c", "C", "relaxed")], [t("d", "D")])];
    expect(run(q, "A1 B1 A2 D C", { kind: "skipPastLastEvent" })).toEqual(["A1:a B1:b C:c"]);
    expect(run(q, "A1 B1 A2 D", { kind: "skipPastLastEvent" })).toEqual(["A2:a D:d"]);
  });

  it("ties are broken by the variables' positions, not by which copy of a permute element took the event", () => {
    // after match skip to first a  match permute(a: B?, b: A) followed by any c: *?  over A B:
    // at B, [A:b B:a] (order b a) sorts before [A:b B:c] (either order): b = b, then a (0) < c (2);
    // it prunes everything started at or before A (a's first event − 1).
    const p = [
      naivePermute([[t("a", "B", "strict", true)], [t("b", "A")]], "relaxed", "strict"),
      t("c", "*", "any", true),
    ];
    expect(run(p, "A B", { kind: "skipToFirst", variable: "a" })).toEqual(["A:b", "A:b", "A:b B:a"]);
  });

  it("same events, different labels: the variables' source order breaks the tie (permute(a: *, b: *))", () => {
    const perm = naivePermute<Ev>([[t("a", "*")], [t("b", "*")]], "relaxed", "strict");
    expect(run([perm], "x1 x2")).toEqual(["x1:a x2:b", "x1:b x2:a"]);
    expect(run([perm], "x1 x2", { kind: "skipToNext" })).toEqual(["x1:a x2:b"]);
  });
});
