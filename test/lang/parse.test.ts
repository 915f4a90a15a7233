/**
 * Unit tests of the front end's tricky bits: lexing (keywords vs names, durations,
 * strings, numbers), precedence, the `not` ambiguity, the §7 error policy, and the
 * printing helpers. Whole-file behaviour is in the golden tests (golden.test.ts).
 */
import { describe, expect, it } from "vitest";
import type { Expr, FileNode, PatternDecl, Term } from "../../src/lang/ast.js";
import type { Diagnostic } from "../../src/lang/diagnostics.js";
import { dumpAst } from "../../src/lang/dump.js";
import { formatDiagnostic, lineCol, lineIndex, renderDiagnostic } from "../../src/lang/format.js";
import { editDistance, suggest } from "../../src/lang/messages.js";
import { parse } from "../../src/lang/parse.js";
import { expectedAfter, getParser, getStrictParser, RULE_NAMES } from "../../src/lang/parser.js";
import { lex, lexProblem, parseDurationText, RESERVED_WORDS } from "../../src/lang/tokens.js";

// -- helpers -------------------------------------------------------------------

function clean(source: string): FileNode {
  const { ast, diagnostics } = parse(source, "t.pattern");
  expect(diagnostics.map((d) => formatDiagnostic(d, source))).toEqual([]);
  expect(ast).not.toBeNull();
  return ast!;
}

function errors(source: string): Diagnostic[] {
  return parse(source, "t.pattern").diagnostics;
}

function firstPattern(source: string): PatternDecl {
  return clean(source).patterns[0];
}

function term(source: string, i = 0): Term {
  const item = firstPattern(source).match.elements[i].item;
  if (item.kind !== "Term") throw new Error("not a term");
  return item;
}

/** The `where` of `pattern P { match A where <expr> }`. */
function where(expr: string): Expr {
  const w = term(`pattern P { match A where ${expr} }`).where;
  if (!w) throw new Error("no where");
  return w;
}

/** A compact S-expression of an expression, for precedence tests. */
function sexpr(e: Expr): string {
  switch (e.kind) {
    case "Literal":
      return e.duration ? `${e.value}ms` : JSON.stringify(e.value);
    case "Name":
      return e.name.name;
    case "Event":
      return "event";
    case "Prev":
      return "prev";
    case "List":
      return `[${e.items.map(sexpr).join(" ")}]`;
    case "Member":
      return `(. ${sexpr(e.object)} ${e.property.name})`;
    case "Index":
      return `([] ${sexpr(e.object)} ${sexpr(e.index)})`;
    case "Call":
      return `(${e.callee.name}${e.args.map((a) => ` ${sexpr(a)}`).join("")})`;
    case "Unary":
      return `(${e.op} ${sexpr(e.operand)})`;
    case "Binary":
      return `(${e.op} ${sexpr(e.left)} ${sexpr(e.right)})`;
    case "Between":
      return `(between ${sexpr(e.value)} ${sexpr(e.low)} ${sexpr(e.high)})`;
    case "IsNull":
      return `(${e.negated ? "is-not-null" : "is-null"} ${sexpr(e.operand)})`;
  }
}

function withinMs(duration: string): number | undefined {
  const r = parse(`pattern P { within ${duration} match A }`, "t.pattern");
  return r.ast?.patterns[0]?.within?.ms;
}

function codes(source: string): string[] {
  return errors(source).map((d) => d.code);
}

// -- lexing ----------------------------------------------------------------------

describe("lexer", () => {
  const kinds = (s: string) => lex(s).map((t) => t.tokenType.name);

  it("keywords are whole words: withinLimit, keys, nothing, index are names", () => {
    expect(kinds("within withinLimit keys nothing not no index in")).toEqual([
      "Within",
      "Identifier",
      "Identifier",
      "Identifier",
      "Not",
      "No",
      "Identifier",
      "In",
    ]);
  });

  it("has exactly the reserved words of §1.1", () => {
    const spec =
      "event pattern key by within after match no skip to next past first last followed any not emit on timeout where optional greedy consecutive combinations until and or in between is true false null prev";
    expect([...RESERVED_WORDS].sort()).toEqual(spec.split(" ").sort());
  });

  it("unit words are names everywhere except right after a number", () => {
    expect(kinds("s m d min minutes minutesX")).toEqual([
      "UnitWord",
      "UnitWord",
      "UnitWord",
      "UnitWord",
      "UnitWord",
      "Identifier",
    ]);
    const t = term("pattern P { match s: S where m > d and min < 1 }");
    expect(t.variable.name).toBe("s");
    expect(sexpr(t.where!)).toBe("(and (> m d) (< min 1))");
  });

  it("lexes backticked names with doubled backticks", () => {
    const [t] = lex("`a``b c`");
    expect(t.tokenType.name).toBe("QuotedIdentifier");
    const p = firstPattern("pattern P { match `a``b c`: `T-1` where `key` > 1 }");
    const tm = p.match.elements[0].item as Term;
    expect(tm.variable).toMatchObject({ name: "a`b c", quoted: true });
    expect(tm.type).toMatchObject({ name: "T-1", quoted: true });
    expect(sexpr(tm.where!)).toBe("(> key 1)");
  });

  it("lexes a number glued to units as one duration token, longest unit first", () => {
    expect(kinds("1h30m 5min 5ms 1.5s 5 minutes")).toEqual([
      "DurationLiteral",
      "DurationLiteral",
      "DurationLiteral",
      "DurationLiteral",
      "NumberLiteral",
      "UnitWord",
    ]);
  });

  it("turns malformed input into error tokens, never into lexer failures", () => {
    for (const s of ['"abc', '"a\\qb"', "/* x", "`", "``", "5mins", "01", "1.", "@", "é", "\u00a0"]) {
      const toks = lex(s);
      expect(
        toks.some((t) => lexProblem(t) !== undefined),
        s,
      ).toBe(true);
    }
  });

  it("treats a byte-order mark as whitespace", () => {
    clean("\uFEFFpattern P { match A }");
  });
});

// -- durations -------------------------------------------------------------------

describe("durations", () => {
  it("sums parts exactly", () => {
    expect(withinMs("1h30m")).toBe(5_400_000);
    expect(withinMs("1.5s")).toBe(1500);
    expect(withinMs("1.1s")).toBe(1100); // 1.1 * 1000 is 1100.0000000000002 in floating point
    expect(withinMs("0.1h")).toBe(360_000);
    expect(withinMs("5 minutes")).toBe(300_000);
    expect(withinMs("5min")).toBe(300_000);
    expect(withinMs("1 hour 30 minutes")).toBe(5_400_000);
    expect(withinMs("1h 30 min")).toBe(5_400_000);
    expect(withinMs("2 weeks 1 day")).toBe(14 * 86_400_000 + 86_400_000);
    expect(withinMs("1 ms")).toBe(1);
    expect(withinMs("9007199254740991ms")).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("accepts ISO-8601 after within", () => {
    expect(withinMs("PT1M")).toBe(60_000);
    expect(withinMs("PT1H30M")).toBe(5_400_000);
    expect(withinMs("P1W")).toBe(604_800_000);
    expect(withinMs("P1DT12H")).toBe(129_600_000);
    expect(withinMs("PT0.5S")).toBeUndefined();
  });

  it("rejects totals that are fractional, zero or too large", () => {
    expect(codes("pattern P { within 0.5ms match A }")).toEqual(["E1200"]);
    expect(codes("pattern P { within 0.5 ms match A }")).toEqual(["E1200"]);
    expect(codes("pattern P { within 0ms match A }")).toEqual(["E1201"]);
    expect(codes("pattern P { within 9007199254740992ms match A }")).toEqual(["E1202"]);
    expect(codes("pattern P { match A where x < 0.5ms }")).toEqual(["E1200"]);
  });

  it("rejects ISO-8601 outside §3.5's form", () => {
    expect(codes("pattern P { within P1Y match A }")).toEqual(["E1203"]);
    expect(codes("pattern P { within P1M match A }")).toEqual(["E1203"]);
    expect(codes("pattern P { within PT1.5S match A }")).toEqual(["E1203"]);
    expect(codes("pattern P { within PT0S match A }")).toEqual(["E1201"]);
    expect(codes("pattern P { within PT match A }")).toEqual(["E1100"]);
  });

  it("is a number literal in expressions (not ISO-8601)", () => {
    const e = where("x < 5 minutes and y < 5min and z < 1h 30m");
    expect(sexpr(e)).toBe("(and (and (< x 300000ms) (< y 300000ms)) (< z 5400000ms))");
    // An ISO-shaped word in an expression is a name.
    expect(sexpr(where("x < PT1M"))).toBe("(< x PT1M)");
  });

  it("reports glued units it does not know, with a suggestion", () => {
    const [d] = errors("pattern P { within 5mins match A }");
    expect(d).toMatchObject({ code: "E1009", hint: "did you mean `5min`?" });
    expect(errors("pattern P { within 5 minuts match A }")[0]).toMatchObject({
      code: "E1100",
      hint: "did you mean `minutes`?",
    });
  });

  it("parses command-line durations the same way", () => {
    expect(parseDurationText("1h30m")).toEqual({ ok: true, ms: 5_400_000 });
    expect(parseDurationText("1 hour 30 minutes")).toEqual({ ok: true, ms: 5_400_000 });
    expect(parseDurationText("PT2S")).toEqual({ ok: true, ms: 2000 });
    expect(parseDurationText("0.5ms")).toMatchObject({ ok: false });
    expect(parseDurationText("5 parsecs")).toMatchObject({ ok: false });
  });
});

// -- expressions -------------------------------------------------------------------

describe("expressions", () => {
  it("follow the precedence of §3.4", () => {
    expect(sexpr(where("a or b and c"))).toBe("(or a (and b c))");
    expect(sexpr(where("not a and b"))).toBe("(and (not a) b)");
    expect(sexpr(where("not a == b"))).toBe("(not (== a b))");
    expect(sexpr(where("a + b * c - d"))).toBe("(- (+ a (* b c)) d)");
    expect(sexpr(where("a - b - c"))).toBe("(- (- a b) c)");
    expect(sexpr(where("-a.b * 2"))).toBe("(* (- (. a b)) 2)");
    expect(sexpr(where("a % b / c"))).toBe("(/ (% a b) c)");
    expect(sexpr(where("x between a - 1 and b + 1 and y"))).toBe("(and (between x (- a 1) (+ b 1)) y)");
    expect(sexpr(where("x in [1, 2,] or y is not null"))).toBe("(or (in x [1 2]) (is-not-null y))");
    expect(sexpr(where("first(a).b[0].c"))).toBe("(. ([] (. (first a) b) 0) c)");
    expect(sexpr(where("(a or b) and c"))).toBe("(and (or a b) c)");
  });

  it("makes comparisons non-associative", () => {
    expect(codes("pattern P { match A where a < b < c }")).toEqual(["E1100"]);
    expect(codes("pattern P { match A where a is null is null }")).toEqual(["E1100"]);
  });

  it("reads `not` after a complete operand as a negated term", () => {
    const p = firstPattern("pattern P { within 1m match a: A where x > 1 not followed by C where not y }");
    expect(p.match.elements.map((e) => e.op)).toEqual([null, "notFollowedBy"]);
    expect(sexpr((p.match.elements[0].item as Term).where!)).toBe("(> x 1)");
    expect(sexpr((p.match.elements[1].item as Term).where!)).toBe("(not y)");
    const q = firstPattern("pattern P { match a: A where x is not null not next B }");
    expect(q.match.elements.map((e) => e.op)).toEqual([null, "notNext"]);
  });

  it("ends a where expression at next, followed, emit, on and }", () => {
    const p = firstPattern(
      "pattern P { within 1m match a: A where x next b: B where y followed by any c: C where z emit { z: 1 } on timeout }",
    );
    expect(p.match.elements.map((e) => e.op)).toEqual([null, "next", "followedByAny"]);
    expect(p.emit?.fields.map((f) => f.name.name)).toEqual(["z"]);
    expect(p.onTimeout).not.toBeNull();
  });

  it("accepts any word after `.`, as an emit key and as an event field", () => {
    const ast = clean(
      "event E { event: string, key: number?, `a b`: any }\n" +
        "pattern P { match a: A where a.pattern.key == event.within emit { key: key(), timeout: a.not, `x y`: 1, } }",
    );
    expect(ast.events[0].fields.map((f) => f.name.name)).toEqual(["event", "key", "a b"]);
    const p = ast.patterns[0];
    expect(sexpr((p.match.elements[0].item as Term).where!)).toBe(
      "(== (. (. a pattern) key) (. event within))",
    );
    expect(p.emit?.fields.map((f) => f.name.name)).toEqual(["key", "timeout", "x y"]);
  });

  it("parses calls of first, last, key and any name", () => {
    expect(sexpr(where("first(a).x == last(a).x and key() != time(a) and f()"))).toBe(
      "(and (and (== (. (first a) x) (. (last a) x)) (!= (key) (time a))) (f))",
    );
  });

  it("decodes string literals as JSON", () => {
    const e = where('s == "a\\n\\u00e9\\"\\\\"');
    expect(e.kind === "Binary" && e.right.kind === "Literal" && e.right.value).toBe('a\né"\\');
  });

  it("widens a parenthesised node's span over its parentheses", () => {
    const src = "pattern P { match A where (a + b) * c }";
    const e = term(src).where!;
    expect(e.kind === "Binary" && src.slice(e.left.span.start, e.left.span.end)).toBe("(a + b)");
  });
});

// -- sequences -------------------------------------------------------------------

describe("sequences", () => {
  it("names a bare type's variable after the type", () => {
    const t = term("pattern P { match LoginOk }");
    expect(t.explicitVariable).toBe(false);
    expect(t.variable.name).toBe("LoginOk");
    expect(t.type?.name).toBe("LoginOk");
    const s = term("pattern P { match x: * }");
    expect(s).toMatchObject({ explicitVariable: true, type: null });
  });

  it("normalises quantifiers to min/max", () => {
    const q = (s: string) => {
      const x = term(`pattern P { match a: A${s} }`).quantifier!;
      return [x.min, x.max];
    };
    expect(q("?")).toEqual([0, 1]);
    expect(q("*")).toEqual([0, null]);
    expect(q("+")).toEqual([1, null]);
    expect(q("{3}")).toEqual([3, 3]);
    expect(q("{3,}")).toEqual([3, null]);
    expect(q("{0,}")).toEqual([0, null]);
    expect(q("{2,5}")).toEqual([2, 5]);
    expect(q("{0,5}")).toEqual([0, 5]);
    expect(q("{10000}")).toEqual([10000, 10000]);
  });

  it("reports quantifier ranges", () => {
    expect(codes("pattern P { match a: A{0} }")).toEqual(["E1211"]);
    expect(codes("pattern P { match a: A{0,0} }")).toEqual(["E1211"]);
    expect(codes("pattern P { match a: A{3,2} }")).toEqual(["E1212"]);
    expect(codes("pattern P { match a: A{10001} }")).toEqual(["E1213"]);
    expect(codes("pattern P { match a: A{1,10001} }")).toEqual(["E1213"]);
    expect(codes("pattern P { match a: A{1e2} }")).toEqual(["E1210"]);
  });

  it("takes modifiers in any order", () => {
    const t = term("pattern P { match a: A{2,} until (x) optional consecutive greedy }");
    expect(t.modifiers.map((m) => m.name)).toEqual(["until", "optional", "consecutive", "greedy"]);
    expect(t.modifiers[0].condition?.kind).toBe("Name");
  });

  it("parses every contiguity operator", () => {
    const p = firstPattern(
      "pattern P { within 1m match a: A next b: B followed by c: C followed by any d: D not next E followed by f: F not followed by G }",
    );
    expect(p.match.elements.map((e) => e.op)).toEqual([
      null,
      "next",
      "followedBy",
      "followedByAny",
      "notNext",
      "followedBy",
      "notFollowedBy",
    ]);
  });
});

// -- the language.md examples ----------------------------------------------------------

describe("every example of language.md parses", () => {
  const examples: Record<string, string> = {
    "§1 file": `// patterns/login.pattern — comments are // to end of line, or /* ... */ (not nested)
event LoginFailed { user: string, ip: string }     // optional schemas
event LoginOk     { user: string, ip: string }

pattern BruteForce {
  key by user
  within 5 minutes
  after match skip past last event
  match fail: LoginFailed{3,} consecutive
        followed by ok: LoginOk where ip != first(fail).ip
        not followed by Logout
  emit { user: ok.user, attempts: count(fail), from: first(fail).ip, to: ok.ip }
}`,
    "§3.1 terms": `pattern T {
  match fail: LoginFailed{3,} consecutive where ip != "10.0.0.1"
    followed by LoginOk
    followed by x: *  where temp > 30
}`,
    "§3.1 bound twice (a semantic error, not a syntax one)": "pattern T { match Tick followed by Tick }",
    "§3.1 named": "pattern T { match a: Tick followed by Tick }",
    "§3.1 next": "pattern T { match a: A next b: B }",
    "§3.2 quantifiers":
      "pattern T { match a: T? next b: T+ next c: T* next d: T{2} next e: T{2,4} next f: T{2,} next g: T{0,3} }",
    "§3.2 modifiers":
      "pattern T { match a: A+ optional greedy next b: B{2,} consecutive next c: C* combinations next d: D+ until (x > 1) }",
    "§3.3 group": "pattern T { match start: A followed by (b: B next c: C){2,} followed by d: D }",
    "§3.4 aggregates": "pattern T { match middle: M+ where sum(middle.price) + price < 5 }",
    "§3.4 prev": "pattern T { match a: A+ where price < prev.price }",
    "§3.4 event paths":
      'pattern T { match a: A where event.order.customer.id == "x" and event.tags[0] == "y" and first(a).ip == "z" }',
    "§3.4 backticks": "pattern T { key by `key` match a: A where `timeout` > 30 }",
    "§3.4 functions":
      'pattern T { match a: A+ where abs(x) + round(y) + floor(z) + ceil(w) + len(s) > 0 and lower(s) == upper(s) and contains(s, "a") and startsWith(s, "p") and endsWith(s, "q") and matches(s, "^a.*$") and coalesce(x, 0) == if(c, 1, 2) and time(a) < time() and key() != null and count(a) + sum(a.v) + avg(a.v) + min(a.v) + max(a.v) > 0 }',
    "§3.5 durations":
      "pattern T { within 1h30m match a: A followed by b: B within 5min where time(b) - time(a) < 5 minutes and gap < 1 hour 30 minutes and t < 5ms and u < 1.5s }",
    "§3.5 ISO": "pattern T { within PT1M match a: A }",
    "§3.6 term within":
      "pattern T { within 1 hour match a: A followed by b: B within 10 seconds where x > 1 not followed by C within 1 minute }",
    "§3.7 skips": [
      "pattern S1 { after match no skip match a: A }",
      "pattern S2 { after match skip to next match a: A }",
      "pattern S3 { after match skip past last event match a: A }",
      "pattern S4 { after match skip to first a match a: A }",
      "pattern S5 { after match skip to last a match a: A }",
    ].join("\n"),
    "§5 on timeout":
      "pattern T { within 1m match a: A followed by b: B emit { x: 1 } on timeout emit { y: a } }",
  };
  for (const [name, source] of Object.entries(examples)) {
    it(name, () => {
      clean(source);
    });
  }
});

// -- the error policy (§7) -------------------------------------------------------------

describe("syntax errors", () => {
  it("are reported at the first token that cannot be consumed", () => {
    const src = "pattern P { match a: A folowed by b: B }";
    const [d] = errors(src);
    expect(d).toMatchObject({ code: "E1100", hint: "did you mean `followed by`?" });
    expect(src.slice(d.span.start, d.span.end)).toBe("folowed");
  });

  it("say `missing )` just after the previous token when a closer would do", () => {
    const src = "pattern P { match a: A where (x > 1 followed by b: B }";
    const [d] = errors(src);
    expect(d.code).toBe("E1101");
    expect(d.message).toBe("missing `)`");
    const after = src.indexOf("1 ") + 1;
    expect(d.span).toEqual({ start: after, end: after });
    expect(errors("pattern P { match a: A where x in [1, 2 emit { } }")[0].message).toBe("missing `]`");
    expect(errors("pattern P { match a: A")[0].message).toBe("missing `}`");
  });

  it("report at most one error per block and resume at the next block", () => {
    const src = [
      "pattern A { match a: A folowed by b: B emit { x: = } }",
      "junk junk { } pattern",
      "pattern B { match b: B where }",
      "pattern C { match c: C }",
      "event D { x: number }",
    ].join("\n");
    const { ast, diagnostics } = parse(src, "t.pattern");
    expect(diagnostics.map((d) => d.code)).toEqual(["E1100", "E1100"]);
    expect(ast?.patterns.map((p) => p.name.name)).toEqual(["C"]);
    expect(ast?.events.map((e) => e.name.name)).toEqual(["D"]);
  });

  it("count a lexical error as the block's syntax error", () => {
    const src = 'pattern A { match a: A where s == "\\q" and x = 1 }\npattern B { match B }';
    const { ast, diagnostics } = parse(src, "t.pattern");
    expect(diagnostics.map((d) => d.code)).toEqual(["E1003"]);
    expect(ast?.patterns.map((p) => p.name.name)).toEqual(["B"]);
  });

  it("leave blocks with value errors out of the tree", () => {
    const { ast, diagnostics } = parse(
      "pattern A { within 0ms match A }\npattern B { match B }",
      "t.pattern",
    );
    expect(diagnostics.map((d) => d.code)).toEqual(["E1201"]);
    expect(ast?.patterns.map((p) => p.name.name)).toEqual(["B"]);
  });

  it("say a reserved word used as a name is one, with a backtick hint", () => {
    for (const [src, word] of [
      ["pattern P { match key: A }", "key"],
      ["pattern P { key by key match A }", "key"],
      ["pattern P { match A where timeout > 30 }", "timeout"],
      ["pattern P { after match skip to first match match a: A }", "match"],
      ["pattern P { match A where first > 1 }", "first"],
    ] as const) {
      const [d] = errors(src);
      expect(d.code, src).toBe("E1102");
      expect(src.slice(d.span.start, d.span.end)).toBe(word);
      // The name to write, backticks included, shown once (not as `` `key` ``).
      expect(d.hint).toMatch(new RegExp(`\\(\`${word}\`\\)|: \`${word}\`$`));
      expect(d.hint).not.toContain("``");
    }
  });

  it("never throw", () => {
    for (const s of [
      "",
      " ",
      "pattern",
      "pattern P {",
      "}",
      "((((",
      "event E { x: }",
      "\u0000",
      "\ud800",
      "`",
    ]) {
      expect(() => parse(s, "t")).not.toThrow();
      expect(parse(s, "t").ast).not.toBeNull();
    }
  });

  it("are found at the same token by the recovering and the strict parser", () => {
    for (const src of [
      "pattern P { match a: A folowed by b: B }",
      "pattern P { match a: A where (x > 1 followed by b: B }",
      "pattern P { key by x, match A }",
      "pattern P { match a: A emit { a: 1 b: 2 } }",
    ]) {
      const firstError = (parser: ReturnType<typeof getParser>) => {
        parser.input = lex(src);
        parser.block();
        return parser.errors[0]?.token.startOffset;
      };
      expect(firstError(getParser()), src).toBe(firstError(getStrictParser()));
    }
  });
});

// -- grammar reflection ----------------------------------------------------------------

describe("grammar", () => {
  it("exports every rule name, and one shared instance", () => {
    expect([...RULE_NAMES].sort()).toEqual(Object.keys(getParser().getGAstProductions()).sort());
    expect(getParser()).toBe(getParser());
  });

  it("knows what may come next", () => {
    const names = (src: string) =>
      expectedAfter(lex(src))
        ?.map((t) => t.name)
        .sort();
    expect(names("pattern P {")).toEqual(["Key", "Match", "After", "Within"].sort());
    expect(names("pattern P { key by x")).toEqual(["After", "Comma", "Dot", "Match", "Within"].sort());
    expect(expectedAfter(lex("pattern P { }"))).toBeUndefined();
  });
});

// -- printing ----------------------------------------------------------------------------

describe("lineCol", () => {
  it("counts lines at \\n, \\r\\n once, columns in code points, a tab as 1", () => {
    const s = "ab\r\n\tc😀d\ne";
    expect(lineCol(s, 0)).toEqual({ line: 1, column: 1 });
    expect(lineCol(s, 2)).toEqual({ line: 1, column: 3 }); // the \r
    expect(lineCol(s, 4)).toEqual({ line: 2, column: 1 }); // the tab
    expect(lineCol(s, 5)).toEqual({ line: 2, column: 2 }); // c
    expect(lineCol(s, 8)).toEqual({ line: 2, column: 4 }); // d, after a surrogate pair
    expect(lineCol(s, 10)).toEqual({ line: 3, column: 1 });
    expect(lineCol(s, 99)).toEqual({ line: 3, column: 2 });
  });

  it("agrees with lineIndex at every offset", () => {
    const s = "a\r\n\tb😀\n\nc\u00e9\n";
    const at = lineIndex(s);
    for (let i = 0; i <= s.length + 1; i++) expect(at(i), String(i)).toEqual(lineCol(s, i));
  });
});

describe("rendering", () => {
  const source = "pattern P {\n\tmatch a: A folowed by B\n}\n";
  const d: Diagnostic = {
    code: "E1100",
    severity: "error",
    message: "expected …, found `folowed`",
    file: "p.pattern",
    span: { start: 23, end: 30 },
    hint: "did you mean `followed by`?",
  };

  it("formats one line, with `warning` for warnings", () => {
    expect(formatDiagnostic(d, source)).toBe("p.pattern:2:12: E1100 expected …, found `folowed`");
    expect(formatDiagnostic({ ...d, severity: "warning", code: "W2001" }, source)).toBe(
      "p.pattern:2:12: warning W2001 expected …, found `folowed`",
    );
  });

  it("draws a code frame with an underline and the hint", () => {
    expect(renderDiagnostic(d, source)).toBe(
      [
        "p.pattern:2:12: E1100 expected …, found `folowed`",
        "  2 | \tmatch a: A folowed by B",
        "    | \t          ^^^^^^^",
        "  = hint: did you mean `followed by`?",
      ].join("\n"),
    );
  });

  it("draws one caret for an empty span, and stops at the end of the line", () => {
    const point = renderDiagnostic({ ...d, span: { start: 11, end: 11 }, hint: undefined }, source);
    expect(point.split("\n")[2]).toBe("    |            ^");
    const long = renderDiagnostic({ ...d, span: { start: 30, end: 40 } }, source);
    expect(long.split("\n")[2]).toBe("    | \t                 ^^^^^^");
  });

  it("colours only when asked", () => {
    expect(renderDiagnostic(d, source)).not.toContain("\x1b[");
    expect(renderDiagnostic(d, source, { color: true })).toContain("\x1b[31m^^^^^^^");
  });
});

describe("dumpAst", () => {
  it("prints offsets without a source and line:col with one", () => {
    const src = "pattern P { match A }";
    const ast = clean(src);
    expect(dumpAst(ast.patterns[0])).toContain("Term A @18-19");
    expect(dumpAst(ast.patterns[0], src)).toContain("Term A @1:19-1:20");
  });

  it("dumps a deeply frozen tree", () => {
    const ast = clean("pattern P { key by a.b match x: X+ where f(y)[0] > 1 emit { z: x } }");
    const walk = (v: unknown): void => {
      if (v && typeof v === "object") {
        expect(Object.isFrozen(v)).toBe(true);
        Object.values(v).forEach(walk);
      }
    };
    walk(ast);
  });
});

describe("suggestions", () => {
  it("use an edit distance that counts a transposition once", () => {
    expect(editDistance("wihtin", "within")).toBe(1);
    expect(suggest("wihtin", ["within", "where"])).toBe("within");
    expect(suggest("x", ["by"])).toBeUndefined();
    expect(suggest("followedby", ["followed by"])).toBe("followed by");
  });
});
