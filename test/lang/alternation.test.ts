/**
 * The front end of alternation and `permute` (language.md §3.3a): the `|` token, the
 * contextual `permute`, the group rule (one sequence → Group, more → Alternation), the
 * permute rule, and their syntax errors under §7.
 */
import { describe, expect, it } from "vitest";
import type { Alternation, FileNode, Permute, Sequence, SequenceItem, Term } from "../../src/lang/ast.js";
import { formatDiagnostic } from "../../src/lang/format.js";
import { terms } from "../../src/lang/items.js";
import { parse } from "../../src/lang/parse.js";
import { lex, Permute as PermuteToken, Pipe } from "../../src/lang/tokens.js";

function clean(source: string): FileNode {
  const { ast, diagnostics } = parse(source, "t.pattern");
  expect(diagnostics.map((d) => formatDiagnostic(d, source))).toEqual([]);
  return ast!;
}

function match(seq: string): Sequence {
  return clean(`pattern P { match ${seq} }`).patterns[0].match;
}

function item(seq: string, i: number): SequenceItem {
  return match(seq).elements[i].item;
}

/** A compact picture of a sequence: `a next (b | c d)`, `permute~(a, b)`. */
function shape(s: Sequence): string {
  return s.elements.map((el) => `${el.op === null ? "" : `${el.op} `}${itemShape(el.item)}`).join(" ");
}

function itemShape(x: SequenceItem): string {
  switch (x.kind) {
    case "Term":
      return x.variable.name + (x.quantifier?.raw ?? "");
    case "Group":
      return `(${shape(x.body)})${x.quantifier?.raw ?? ""}`;
    case "Alternation":
      return `(${x.alternatives.map(shape).join(" | ")})${x.quantifier?.raw ?? ""}${x.modifiers.map((m) => ` ${m.name}`).join("")}`;
    case "Permute":
      return `permute ${x.op}(${x.elements.map(itemShape).join(", ")})`;
  }
}

function errors(source: string) {
  return parse(source, "t.pattern").diagnostics.map((d) => ({
    code: d.code,
    message: d.message,
    hint: d.hint,
    at: source.slice(d.span.start, d.span.end),
    start: d.span.start,
  }));
}

describe("alternation", () => {
  it("is a group with two or more alternatives; one sequence stays a Group", () => {
    expect(item("a: A followed by (b: B)", 1).kind).toBe("Group");
    const alt = item("a: A followed by (p: Purchase | o: Logout next r: Rating)", 1) as Alternation;
    expect(alt.kind).toBe("Alternation");
    expect(alt.alternatives.map(shape)).toEqual(["p", "o next r"]);
    expect(shape(match("a: A followed by (b: B | c: C | d: D next e: E)"))).toBe(
      "a followedBy (b | c | d next e)",
    );
  });

  it("nests, takes quantifiers and modifiers, and stands wherever a group does", () => {
    expect(shape(match("(a: A | b: B) next ((c: C | d: D) followed by e: E | f: F){2,} consecutive"))).toBe(
      "(a | b) next ((c | d) followedBy e | f){2,} consecutive",
    );
    expect(shape(match("a: A followed by (b: B | c: C)+ optional followed by d: D"))).toBe(
      "a followedBy (b | c)+ optional followedBy d",
    );
  });

  it("spans its parentheses and its quantifier; alternatives span their terms", () => {
    const src = "pattern P { match a: A next (b: B where x | c: C){2} }";
    const alt = clean(src).patterns[0].match.elements[1].item as Alternation;
    expect(src.slice(alt.span.start, alt.span.end)).toBe("(b: B where x | c: C){2}");
    expect(alt.alternatives.map((s) => src.slice(s.span.start, s.span.end))).toEqual([
      "b: B where x",
      "c: C",
    ]);
  });

  it("lexes `|` as its own token", () => {
    expect(lex("(a|b)").map((t) => t.tokenType)).toContain(Pipe);
  });
});

describe("permute", () => {
  it("defaults to `followed by` and takes `next`, `followed by`, `followed by any`", () => {
    const ops = [
      ["permute(p: P, s: S)", "followedBy", null],
      ["permute next (p: P, s: S)", "next", "next"],
      ["permute followed by (p: P, s: S)", "followedBy", "followed by"],
      ["permute followed by any(p: P, s: S)", "followedByAny", "followed by any"],
    ] as const;
    for (const [text, op, opText] of ops) {
      const src = `pattern P { match o: O followed by ${text} }`;
      const p = clean(src).patterns[0].match.elements[1].item as Permute;
      expect(p.kind).toBe("Permute");
      expect(p.op).toBe(op);
      expect(p.opSpan && src.slice(p.opSpan.start, p.opSpan.end)).toBe(opText);
      expect(src.slice(p.span.start, p.span.end)).toBe(text);
    }
  });

  it("takes terms, groups and alternations as elements, a nested permute in a group", () => {
    expect(
      shape(match("o: O followed by permute(p: P+, (s: S next t: T), (i: I | j: J), (permute(k: K, l: L)))")),
    ).toBe("o followedBy permute followedBy(p+, (s next t), (i | j), (permute followedBy(k, l)))");
    expect(shape(match("permute(a: A, b: B) next c: C"))).toBe("permute followedBy(a, b) next c");
  });

  it("is a keyword only before `(` or its operator and `(`: elsewhere `permute` is a name", () => {
    // A type, a variable, a field, a key, a skip target, an emit key.
    expect(shape(match("a: permute followed by B"))).toBe("a followedBy B");
    expect((item("a: permute followed by B", 0) as Term).type?.name).toBe("permute");
    expect(shape(match("permute followed by B"))).toBe("permute followedBy B");
    expect(shape(match("permute next b: B"))).toBe("permute next b");
    expect(shape(match("permute: A where permute > 1 followed by (permute2: B | c: C)"))).toBe(
      "permute followedBy (permute2 | c)",
    );
    const file = clean(
      "pattern P { key by permute after match skip to first permute match permute: A emit { permute: permute.x } }",
    );
    expect(file.patterns[0].keyBy[0].segments[0].name).toBe("permute");
    // Before a group, a backticked `permute` is a type followed by an alternation.
    expect(shape(match("`permute` followed by (b: B | c: C)"))).toBe("permute followedBy (b | c)");
  });

  it("sees through comments between `permute`, its operator and `(`", () => {
    const kinds = (src: string) =>
      lex(src)
        .filter((t) => t.image === "permute")
        .map((t) => t.tokenType === PermuteToken);
    expect(kinds("permute /* c */ (")).toEqual([true]);
    expect(kinds("permute // c\n followed /**/ by any\n(")).toEqual([true]);
    expect(kinds("permute followed by\n b")).toEqual([false]);
    expect(kinds("permute nextx (")).toEqual([false]);
    expect(kinds("permute followed byany (")).toEqual([false]);
    expect(kinds("permuted (")).toEqual([]);
  });

  it("looks ahead in linear time over many comments, and over one huge comment without failing", () => {
    const src = `pattern P { match permute ${"/**/ ".repeat(20_000)} x }`;
    const t0 = performance.now();
    lex(src);
    expect(performance.now() - t0).toBeLessThan(2000);
    // A regex look-ahead over this overflowed V8's stack (RangeError).
    const huge = `permute /*${"a".repeat(20_000_000)}*/ (`;
    expect(lex(huge)[0].tokenType).toBe(PermuteToken);
  });

  it("is an ordinary call in an expression", () => {
    const src = "pattern P { match a: A where permute(x) > 1 }";
    expect(parse(src, "t").diagnostics).toEqual([]);
  });

  it("has its terms walked in source order", () => {
    const seq = match("a: A followed by permute(b: B, (c: C | d: D)) next e: E");
    expect([...terms(seq)].map((el) => el.item.variable.name)).toEqual(["a", "b", "c", "d", "e"]);
    expect([...terms(seq)].map((el) => el.op)).toEqual([null, null, null, null, "next"]);
  });
});

describe("syntax errors of alternation and permute (§7)", () => {
  it("say an alternative is missing, at the token that cannot be consumed", () => {
    expect(errors("pattern P { match a: A followed by ( b: B | ) }")).toMatchObject([
      { code: "E1105", message: "an alternative is missing after `|`", at: ")" },
    ]);
    expect(errors("pattern P { match a: A followed by ( | b: B ) }")).toMatchObject([
      { code: "E1105", message: "an alternative is missing before `|`", at: "|" },
    ]);
    expect(errors("pattern P { match a: A followed by ( b: B | | c: C ) }")).toMatchObject([
      { code: "E1105", message: "an alternative is missing after `|`", at: "|" },
    ]);
  });

  it("explain `|` in a condition and outside parentheses", () => {
    expect(errors("pattern P { match a: A where x | y }")[0]).toMatchObject({
      code: "E1100",
      at: "|",
      hint: "to combine conditions, write `or`; `|` separates alternatives: `( a: A | b: B )`",
    });
    expect(errors("pattern P { match a: A where x || y }")[0]).toMatchObject({ at: "|" });
    expect(errors("pattern P { match a: A | b: B }")[0]).toMatchObject({
      at: "|",
      hint: "alternatives are written in parentheses: `( a: A | b: B )`",
    });
  });

  it("refuse a negation at the start of an alternative or in a permute", () => {
    expect(errors("pattern P { match a: A followed by (b: B | not followed by c: C) }")[0]).toMatchObject({
      code: "E1100",
      at: "not",
      hint: "an alternative starts with a term; a negated term needs a term before it",
    });
    expect(
      errors("pattern P { match a: A followed by permute(b: B, not followed by c: C) }")[0],
    ).toMatchObject({
      at: "not",
      hint: "the elements of a `permute` are terms or groups: they cannot be negated",
    });
  });

  it("point a nested permute at its parentheses and a `permute` type at its backticks", () => {
    expect(
      errors("pattern P { match a: A followed by permute(b: B, permute(c: C, d: D)) }")[0],
    ).toMatchObject({
      at: "permute",
      hint: "a `permute` inside a `permute` is written in parentheses: `(permute(…))`",
    });
    expect(errors("pattern P { match a: A followed by b: permute (c: C) }")[0]).toMatchObject({
      at: "permute",
      hint: "`permute` before `(` starts a permute: write `` `permute` `` for a name",
    });
  });

  it("say `missing )` after the last alternative, and recover at the next block", () => {
    const src = [
      "pattern A { match a: A followed by (b: B | c: C emit { x: 1 } }",
      "pattern B { match permute(a: A, b: B }",
      "pattern C { match (a: A | b: B) next permute next (c: C, d: D) }",
    ].join("\n");
    const { ast, diagnostics } = parse(src, "t.pattern");
    expect(diagnostics.map((d) => [d.message, src.slice(d.span.start - 1, d.span.start)])).toEqual([
      ["missing `)`", "C"],
      ["missing `)`", "B"],
    ]);
    expect(ast?.patterns.map((p) => p.name.name)).toEqual(["C"]);
  });
});
