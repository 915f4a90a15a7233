/**
 * What the alternation properties (alternation.test.ts) found: the engine bugs still open
 * (/work/notes/s8/alt-bugs.md), each with the shape of the patterns it affects, and the
 * minimised cases, kept as regressions.
 */
import type { Contiguity, NaiveSkip } from "../reference/naive.js";
import { buildTree } from "../reference/naive-tree.js";
import {
  firstItems,
  type GenAltPattern,
  type GenItem,
  hasEmptyAlternative,
  optionalFirst,
  someChoice,
  toNaiveAlt,
} from "./alternation-arb.js";
import type { GenEvent, GenTerm, Quant, TypeName } from "./pattern-arb.js";

/**
 * Engine bugs the properties found that are still open (/work/notes/s8/alt-bugs.md), each with
 * the shape of the patterns it affects: those patterns are left out of the engine properties,
 * and the bug's regression out of the suite, until its fix is merged — then its entry goes and
 * the properties cover the shape again. `ALT_OPEN=none` runs everything (to check a fix).
 */
export const OPEN: Record<string, (p: GenAltPattern) => boolean> = {
  // Paths through alternatives that take nothing are merged.
  B1: (p) => hasEmptyAlternative(p.items),
  // Ties between alternatives under a skip strategy.
  B2: (p) => p.skip.kind !== "noSkip",
  // `followed by` before X lets a term after an optional first term ignore its own `next`.
  B3: (p) =>
    buildTree(toNaiveAlt(p).terms).leaves.some((u) =>
      u.ancestors.some((x) => x.gov === "relaxed" && x.firsts.includes(u) && u.gov === "strict"),
    ),
  // `followed by any` before X whose alternative starts with a nested alternation (B4) / a group (B5) with an optional first term.
  B4: (p) => anyForkNested(p, "alt"),
  B5: (p) => anyForkNested(p, "group"),
  // (Groups, pre-existing) a `consecutive` / `combinations` loop inside a group behaves as a relaxed one.
  B6: (p) => innerLoopInGroup(p.items),
};

function innerLoopInGroup(items: readonly GenItem[]): boolean {
  return items.some(innerLoopIn);
}

function innerLoopIn(item: GenItem): boolean {
  switch (item.kind) {
    case "term":
      return false;
    case "group":
      return item.items.some((t) => t.kind === "term" && t.term.inner !== "relaxed");
    case "alt":
      return item.alternatives.some(innerLoopInGroup);
    case "permute":
      return innerLoopInGroup(item.elements);
  }
}

function anyForkNested(p: GenAltPattern, kind: "alt" | "group"): boolean {
  const nested = (f: GenItem): boolean =>
    (f.kind === kind || (kind === "alt" && f.kind === "permute")) && optionalFirst(f);
  return someChoice(p.items, (x, gov) => gov === "any" && firstItems(x).some(nested));
}

// Builders for the regressions below.
const term = (
  variable: string,
  type: TypeName,
  quant: Quant["kind"] = "one",
  outer: Contiguity = "relaxed",
): GenItem => ({
  kind: "term",
  variable,
  term: {
    type,
    where: null,
    quant: { kind: quant } as Quant,
    optional: false,
    inner: "relaxed",
    outer,
    optionalLast: false,
  },
});
const optional = (item: GenItem): GenItem =>
  item.kind === "term" ? { ...item, term: { ...item.term, optional: true } } : item;
const alt = (outer: Contiguity, ...alternatives: GenItem[][]): GenItem => ({
  kind: "alt",
  outer,
  alternatives,
  optional: false,
  optionalWord: false,
});
const permute = (outer: Contiguity, op: Contiguity, ...elements: GenItem[]): GenItem => ({
  kind: "permute",
  outer,
  op,
  implicitOp: false,
  elements,
});
const pattern = (items: GenItem[], skip: NaiveSkip = { kind: "noSkip" }): GenAltPattern => ({
  items,
  keyed: false,
  within: null,
  skip,
});
const stream = (types: string): GenEvent[] =>
  types.split(" ").map((type, id) => ({ id, type: type as TypeName, v: 0, ts: 1000 + id, k: 1 }));

/** Minimised cases the properties found (the entries of /work/notes/s8/alt-bugs.md), kept as regressions. */
export const REGRESSIONS: { bug: string; pattern: GenAltPattern; events: GenEvent[] }[] = [
  // Not bugs: the spec's example (§3.3a) and a permute, so that this test always checks something.
  {
    bug: "spec",
    pattern: pattern([term("a", "A"), alt("relaxed", [term("b", "B")], [term("c", "C")])]),
    events: stream("A C B"),
  },
  {
    bug: "spec",
    pattern: pattern([
      term("a", "A"),
      permute("relaxed", "relaxed", term("b", "B"), term("c", "C"), term("d", "D")),
    ]),
    events: stream("A D B A C B D"),
  },
  {
    bug: "B1",
    pattern: pattern([
      alt(
        "strict",
        [optional(term("t0", "A"))],
        [alt("strict", [term("t1", "A", "?")], [term("t2", "A", "?")])],
      ),
      term("t3", "A", "?"),
    ]),
    events: stream("A"),
  },
  {
    bug: "B2",
    pattern: pattern([alt("strict", [term("a", "A")], [term("b", "A")])], { kind: "skipToNext" }),
    events: stream("A"),
  },
  {
    bug: "B3",
    pattern: pattern([
      term("a", "A"),
      alt("relaxed", [term("b", "B", "?"), term("c", "C", "one", "strict")], [term("d", "D")]),
    ]),
    events: stream("A A C"),
  },
  {
    bug: "B3 (permute)",
    pattern: pattern([term("a", "A"), permute("relaxed", "strict", term("b", "B", "?"), term("c", "C"))]),
    events: stream("A A C"),
  },
  {
    bug: "B4",
    pattern: pattern([
      term("a", "A"),
      alt("any", [alt("any", [term("b", "B", "?"), term("c", "C")], [term("d", "D")])], [term("e", "A")]),
    ]),
    events: stream("A C C"),
  },
  {
    bug: "B5",
    pattern: pattern([
      term("a", "A"),
      alt(
        "any",
        [
          { kind: "group", outer: "relaxed", items: [term("b", "B", "?"), term("c", "C", "?")] },
          term("d", "D"),
        ],
        [term("e", "A")],
      ),
    ]),
    events: stream("A A D"),
  },
  {
    bug: "B6",
    pattern: pattern([
      term("a", "A"),
      {
        kind: "group",
        outer: "relaxed",
        items: [
          {
            kind: "term",
            variable: "b",
            term: {
              ...(term("b", "B") as { term: GenTerm }).term,
              quant: { kind: "nm", n: 1, m: 2 },
              inner: "strict",
            },
          },
          optional(term("c", "C")),
        ],
      },
      term("d", "D"),
    ]),
    events: stream("A B A B D"),
  },
];
