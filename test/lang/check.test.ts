import { describe, expect, it } from "vitest";
import type { FileNode, PatternDecl } from "../../src/lang/ast.js";
import { check } from "../../src/lang/check.js";
import { describePattern, describeTerms } from "../../src/lang/describe.js";
import type { Diagnostic } from "../../src/lang/diagnostics.js";
import { parse } from "../../src/lang/parse.js";

function parsed(source: string, file = "t.pattern"): FileNode {
  const r = parse(source, file);
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  if (r.ast === null || errors.length > 0) {
    throw new Error(
      `syntax errors in test source: ${errors.map((d) => `${d.code} ${d.message}`).join("; ")}`,
    );
  }
  return r.ast;
}

/** Diagnostics of one source as `CODE text-at-span` strings (plus `| hint` when asked). */
function diags(source: string, withHints = false): string[] {
  return check([parsed(source)]).diagnostics.map((d) => show(d, source, withHints));
}

function show(d: Diagnostic, source: string, withHint = false): string {
  const at = source.slice(d.span.start, d.span.end);
  return `${d.code} ${at}${withHint && d.hint ? ` | ${d.hint}` : ""}`;
}

/** Codes reported for a `match` clause (and optional extra clauses) in a fresh pattern. */
function codes(body: string, events = ""): string[] {
  return check([parsed(`${events}\npattern P {\n${body}\n}`)]).diagnostics.map((d) => d.code);
}

function only(body: string, events = ""): string[] {
  return codes(body, events).filter((c) => c.startsWith("E"));
}

describe("declarations", () => {
  it("duplicate event declaration across files (E2001)", () => {
    const a = parsed("event A { x: number }", "a.pattern");
    const b = parsed("event A { y: number }\nevent B { y: number }", "b.pattern");
    const r = check([a, b]);
    expect(r.diagnostics.map((d) => [d.code, d.file, d.hint])).toEqual([
      ["E2001", "b.pattern", "`A` is first declared in a.pattern"],
    ]);
    expect(check([parsed("event A { x: number }\nevent B { x: number }")]).diagnostics).toEqual([]);
  });

  it("duplicate field (E2002)", () => {
    expect(diags("event A { x: number, x: string }")).toEqual(["E2002 x"]);
  });

  it("duplicate pattern name across files (E2003)", () => {
    const a = parsed("pattern P { match A }", "a.pattern");
    const b = parsed("pattern P { match B }\npattern Q { match B }", "b.pattern");
    const r = check([a, b]);
    expect(r.diagnostics.map((d) => [d.code, d.file])).toEqual([["E2003", "b.pattern"]]);
    expect(r.patterns.map((p) => [p.name, p.ok])).toEqual([
      ["P", true],
      ["P", false],
      ["Q", true],
    ]);
  });

  it("declarations are visible across files", () => {
    const a = parsed("event A { x: number }", "a.pattern");
    const b = parsed("pattern P { match A where y > 1 }", "b.pattern");
    expect(check([a, b]).diagnostics.map((d) => [d.code, d.file])).toEqual([["E2070", "b.pattern"]]);
  });
});

describe("variables", () => {
  it("`Tick followed by Tick` binds Tick twice (E2010)", () => {
    expect(diags("pattern P { match Tick followed by Tick }", true)).toEqual([
      "E2010 Tick | both terms bind `Tick`: name the second one, e.g. `tick2: Tick`",
    ]);
    expect(diags("pattern P { match a: Tick followed by Tick }")).toEqual([]);
    expect(diags("pattern P { match a: A followed by (a: B)+ }")).toEqual(["E2010 a", "W2005 +"]);
    expect(diags("pattern P { within 1s match a: A followed by b: B not followed by a: C }")).toEqual([
      "E2010 a",
    ]);
  });

  it("unknown variable in a path, with the nearest variable and the `event.` hint (E2011)", () => {
    const src = "pattern P { match fail: A followed by ok: B where fial.ip == ok.ip }";
    expect(diags(src, true)).toEqual([
      "E2011 fial | did you mean `fail`?; to read a nested field of the current event, write `event.fial.ip`",
      // And rightly so: `ok` has taken nothing on its own first event.
      "W2003 ok.ip | a variable means the events already taken, and `ok` has none on its first event; guard it with `count(ok) == 0 or …`",
    ]);
    expect(diags("pattern P { match a: A where zz.price > 1 }", true)).toEqual([
      "E2011 zz | to read a nested field of the current event, write `event.zz.price`",
    ]);
    expect(diags("pattern P { match a: A where event.zz.price > 1 and price > 2 }")).toEqual([]);
    // A backticked name is shown as written, not wrapped in more backticks.
    expect(diags("pattern P { match a: A where `z-z`.price > 1 }", true)).toEqual([
      "E2011 `z-z` | to read a nested field of the current event, write event.`z-z`.price",
    ]);
  });

  it("unknown variable in aggregates, first/last/time and emit (E2011)", () => {
    expect(diags("pattern P { match a: A where count(b) > 1 }")).toEqual(["E2011 b"]);
    expect(diags("pattern P { match a: A where sum(b.x) > 1 }")).toEqual(["E2011 b"]);
    expect(diags("pattern P { match a: A where first(b).x > 1 }")).toEqual(["E2011 b"]);
    expect(diags("pattern P { match a: A emit { x: b, y: a, z: time(c) } }", true)).toEqual([
      "E2011 b | variables of this pattern: `a`",
      "E2011 c | variables of this pattern: `a`",
    ]);
    expect(
      diags("pattern P { match a: A followed by B where count(a) > 1 and sum(a.x) > 2 emit { n: a } }"),
    ).toEqual([]);
  });

  it("a negated variable may not be referenced (E2012)", () => {
    expect(diags("pattern P { match a: A not next n: N followed by b: B where n.x > 1 }")).toEqual([
      "E2012 n",
    ]);
    expect(diags("pattern P { within 1s match a: A not followed by n: N emit { c: count(n) } }")).toEqual([
      "E2012 n",
    ]);
  });

  it("skip target must be a non-negated variable (E2013, E2014)", () => {
    expect(diags("pattern P { after match skip to first b match a: A followed by c: C }", true)).toEqual([
      "E2013 b | the target must be a variable that takes events",
    ]);
    expect(diags("pattern P { after match skip to last aa match a: A followed by c: C }", true)).toEqual([
      "E2013 aa | did you mean `a`?",
    ]);
    expect(
      diags("pattern P { after match skip to last n match a: A not next n: N followed by c: C }"),
    ).toEqual(["E2014 n"]);
    expect(diags("pattern P { after match skip to first c match a: A followed by c: C }")).toEqual([]);
  });
});

describe("negation", () => {
  it("a negated term has no quantifier or modifier (E2021, E2022)", () => {
    expect(diags("pattern P { match a: A not next B+ followed by C }")).toEqual(["E2021 +"]);
    expect(diags("pattern P { match a: A not next B optional followed by C }")).toEqual(["E2022 optional"]);
    expect(diags("pattern P { match a: A not next B where x > 1 followed by C }")).toEqual([]);
  });

  it("a group cannot be negated (E2023)", () => {
    expect(diags("pattern P { match a: A not next (B next C) followed by D }")).toEqual(["E2023 not next"]);
  });

  it("negation may not follow a term that can be absent (E2024)", () => {
    expect(diags("pattern P { within 1m match a: A followed by B? not next C followed by D }")).toEqual([
      "E2024 not next",
    ]);
    expect(diags("pattern P { within 1m match a: A followed by B* not next C followed by D }")).toEqual([
      "E2024 not next",
    ]);
    expect(
      diags("pattern P { within 1m match a: A followed by B+ optional not next C followed by D }"),
    ).toEqual(["E2024 not next"]);
    expect(diags("pattern P { within 1m match a: A followed by B+ not next C followed by D }")).toEqual([]);
  });

  it("a negated term may not end a group (E2025)", () => {
    expect(diags("pattern P { within 1m match a: A followed by (B not next C)+ followed by D }")).toEqual([
      "E2025 not next",
    ]);
    expect(
      diags("pattern P { within 1m match a: A followed by (B not next C next E)+ followed by D }"),
    ).toEqual([]);
  });

  it("trailing `not followed by` needs a window (E2026)", () => {
    expect(diags("pattern P { match a: A not followed by B }")).toEqual(["E2026 not followed by"]);
    expect(diags("pattern P { within 1 minute match a: A not followed by B }")).toEqual([]);
    expect(diags("pattern P { match a: A not followed by B within 1 minute }")).toEqual(["W2002 1 minute"]);
    // `not next` at the end completes on the next event: no window needed.
    expect(diags("pattern P { match a: A not next B }")).toEqual([]);
  });
});

describe("quantifiers and modifiers", () => {
  it("each modifier at most once (E2031)", () => {
    expect(only("match a: A+ greedy greedy")).toEqual(["E2031"]);
  });

  it("consecutive, combinations and greedy need a loop (E2032)", () => {
    expect(only("match a: A consecutive")).toEqual(["E2032"]);
    expect(only("match a: A? combinations")).toEqual(["E2032"]);
    expect(only("match a: A greedy")).toEqual(["E2032"]);
    expect(
      only("match a: A{3} consecutive followed by b: B{1,4} combinations followed by c: C+ greedy"),
    ).toEqual([]);
    expect(only("match a: A followed by (b: B next c: C){2} consecutive")).toEqual([]);
  });

  it("until needs an unbounded loop (E2033)", () => {
    expect(only("match a: A{2,3} until (x > 1)")).toEqual(["E2033"]);
    expect(only("match a: A until (x > 1)")).toEqual(["E2033"]);
    expect(only("match a: A{2,} until (x > 1) followed by b: B* until (y)")).toEqual([]);
  });

  it("consecutive with combinations (E2034), greedy with combinations in either order (E2035)", () => {
    expect(only("match a: A+ consecutive combinations")).toEqual(["E2034"]);
    expect(only("match a: A+ combinations consecutive")).toEqual(["E2034"]);
    expect(only("match a: A+ greedy combinations")).toEqual(["E2035"]);
    expect(only("match a: A+ combinations greedy")).toEqual(["E2035"]);
    expect(only("match a: A+ greedy consecutive")).toEqual([]);
  });

  it("greedy is not allowed on a group (E2036)", () => {
    expect(only("match a: A followed by (b: B next c: C)+ greedy")).toEqual(["E2036"]);
  });

  it("optional on a term that can already be absent (E2037)", () => {
    expect(only("match a: A followed by b: B? optional")).toEqual(["E2037"]);
    expect(only("match a: A followed by b: B{0,3} optional")).toEqual(["E2037"]);
    expect(only("match a: A followed by b: B{2,3} optional followed by c: C+ optional")).toEqual([]);
  });

  it("a term that can be absent may not directly follow a greedy term (E2038)", () => {
    expect(diags("pattern P { within 1m match a: A+ greedy followed by b: B? }", true)).toEqual([
      "E2038 ? | `a` is greedy; make this term required or drop `greedy`",
    ]);
    expect(only("within 1m match a: A+ greedy followed by b: B+ optional")).toEqual(["E2038"]);
    expect(only("within 1m match a: A+ greedy followed by (b: B? next c: C)")).toEqual(["E2038"]);
    expect(only("within 1m match a: A+ greedy followed by b: B followed by c: C?")).toEqual([]);
  });
});

describe("term-level within", () => {
  it("is an error on a loop, an absent-able term, the first term (E2040–E2042)", () => {
    expect(only("match a: A followed by b: B+ within 5s")).toEqual(["E2040"]);
    expect(only("match a: A followed by b: B? within 5s")).toEqual(["E2041"]);
    expect(only("match a: A followed by b: B{2,} optional within 5s")).toEqual(["E2040"]);
    expect(only("match a: A within 5s followed by b: B")).toEqual(["E2042"]);
    expect(only("match (a: A within 5s next c: C)+ followed by b: B")).toEqual(["E2042"]);
    expect(only("match a: A followed by b: B within 5s followed by c: C within 1s")).toEqual([]);
  });

  it("on a negated term only when it is last (E2043)", () => {
    expect(only("match a: A not followed by n: N within 5s followed by b: B")).toEqual(["E2043"]);
    expect(only("match a: A followed by b: B not followed by n: N within 5s")).toEqual([]);
  });

  it("no larger than the pattern's window (E2044)", () => {
    expect(only("within 1 minute match a: A followed by b: B within 2 minutes")).toEqual(["E2044"]);
    expect(only("within 1 minute match a: A followed by b: B within 60s")).toEqual([]);
  });

  it("`on timeout` needs a window (E2045)", () => {
    expect(diags("pattern P { match a: A followed by b: B on timeout }")).toEqual(["E2045 on"]);
    expect(only("within 1s match a: A followed by b: B on timeout")).toEqual([]);
    expect(only("match a: A followed by b: B within 1s on timeout emit { n: count(a) }")).toEqual([]);
  });

  it("warns when the only window is term-level on the last term (W2002)", () => {
    expect(codes("match a: A followed by b: B within 5s")).toEqual(["W2002"]);
    expect(codes("match a: A followed by b: B within 5s followed by c: C")).toEqual([]);
    expect(codes("within 1 minute match a: A followed by b: B within 5s")).toEqual([]);
  });

  it("warns about a loop over a group that can take no event, once, at the outermost (W2004)", () => {
    // ten nested `*` made one event give 512 identical matches and a few events hang a run
    expect(diags("pattern P { within 1m match (((g: A)*)*)* }")).toEqual(["W2004 *"]);
    expect(codes("within 1m match ((g: A)* next b: B?){2,}")).toEqual(["W2006", "W2004"]);
    expect(codes("within 1m match (g: A? followed by (b: B*){1,3})+")).toEqual(["W2004"]);
    // one required element, or no loop on the group: fine
    expect(codes("within 1m match (g: A* next b: B){2,}")).toEqual(["W2006"]);
    expect(codes("within 1m match (g: A+)+")).toEqual([]);
    expect(codes("within 1m match (g: A*)? next b: B")).toEqual([]);
  });
});

describe("expressions", () => {
  it("unknown function, with the nearest name (E2060)", () => {
    expect(diags("pattern P { match a: A where lowr(x) > 1 }", true)).toEqual([
      "E2060 lowr | did you mean `lower`?",
    ]);
    expect(diags("pattern P { match a: A where frobnicate(x) > 1 }", true)[0]).toMatch(
      /^E2060 frobnicate \| functions: abs /,
    );
    expect(diags("pattern P { match a: A where len(x) > 1 }")).toEqual([]);
  });

  it("wrong arity (E2061)", () => {
    expect(diags("pattern P { match a: A where round(x, 2) > 1 }")).toEqual(["E2061 round"]);
    expect(check([parsed("pattern P { match a: A where key(x) == 1 }")]).diagnostics[0].message).toBe(
      "`key` takes no arguments, not 1",
    );
    expect(diags("pattern P { match a: A where if(x) }")).toEqual(["E2061 if"]);
    expect(
      diags("pattern P { match a: A where if(x > 1, true, false) and time() > 0 and key() == 1 }"),
    ).toEqual([]);
  });

  it("aggregates take a variable or a path from one (E2062)", () => {
    expect(diags("pattern P { match a: A followed by b: B where sum(1) > 1 }")).toEqual(["E2062 1"]);
    expect(diags("pattern P { match a: A followed by b: B where sum(prev.x) > 1 }")).toEqual([
      "E2062 prev.x",
    ]);
    expect(diags("pattern P { match a: A followed by b: B where max(a[0].x) > 1 }")).toEqual([
      "E2062 a[0].x",
    ]);
    expect(diags("pattern P { match a: A followed by b: B where max(a.x.y) > avg(a.z[0]) }")).toEqual([]);
  });

  it("first/last/time take a variable or prev (E2063)", () => {
    expect(diags("pattern P { match a: A followed by b: B where first(a.x) == 1 }")).toEqual(["E2063 a.x"]);
    expect(diags("pattern P { match a: A followed by b: B where time(event) > 1 }")).toEqual(["E2063 event"]);
    expect(
      diags("pattern P { match a: A followed by b: B where time(prev) > time(a) and last(prev).x == 1 }"),
    ).toEqual([]);
  });

  it("in emit every name is a variable, prev or a call; `event` is an error (E2064)", () => {
    expect(diags("pattern P { match a: A emit { x: event.x } }")).toEqual(["E2064 event"]);
    expect(diags("pattern P { match a: A emit { x: price } }")).toEqual(["E2011 price"]);
    expect(
      diags("pattern P { match a: A emit { x: a, y: prev.x, z: last(a).y, n: count(a), t: time() } }"),
    ).toEqual([]);
  });

  it("matches: a string literal in RE2 syntax (E2065, E2066)", () => {
    expect(diags('pattern P { match a: A where matches(s, "(?=x)") }', true)).toEqual([
      'E2066 "(?=x)" | the regex is RE2 syntax: no backreferences or lookaround',
    ]);
    expect(diags('pattern P { match a: A where matches(s, "(a)\\\\1") }')).toEqual(['E2066 "(a)\\\\1"']);
    expect(diags('pattern P { match a: A where matches(s, "[a-") }')).toEqual(['E2066 "[a-"']);
    expect(diags("pattern P { match a: A where matches(s, t) }")).toEqual(["E2065 t"]);
    expect(diags('pattern P { match a: A where matches(s, "^a.*(?i)b\\\\d+$") }')).toEqual([]);
  });

  it("duplicate emit field (E2067)", () => {
    expect(diags("pattern P { match a: A emit { x: 1, x: 2 } }")).toEqual(["E2067 x"]);
  });
});

describe("schemas and static types", () => {
  const ev =
    "event Login { user: string, ip: string, n: number, ok: boolean, at: time, note: string?, meta: any }";

  it("unknown field of a declared type, with the nearest field (E2070)", () => {
    expect(diags(`${ev}\npattern P { match a: Login where usr == "x" }`, true)).toEqual([
      "E2070 usr | did you mean `user`?",
    ]);
    expect(diags(`${ev}\npattern P { match a: Login followed by b: Login where a.zz == "x" }`)).toEqual([
      "E2070 zz",
    ]);
    expect(diags(`${ev}\npattern P { match a: Login followed by b: * where first(a).qq == 1 }`)).toEqual([
      "E2070 qq",
    ]);
    expect(diags(`${ev}\npattern P { match a: Login where event.qq == 1 }`)).toEqual(["E2070 qq"]);
    expect(
      diags(`${ev}\npattern P { within 1m match fails: Login+ followed by b: Login where fails > 3 }`, true),
    ).toEqual([
      "E2070 fails | a bare name is a field of the current event; for the variable `fails`, write `fails.field`, `count(fails)`…",
    ]);
    expect(diags(`${ev}\npattern P { match a: Login followed by b: Login where sum(a.nn) > 1 }`)).toEqual([
      "E2070 nn",
    ]);
    // Role fields are implicitly declared; nested paths into `any` are dynamic.
    expect(
      diags(`${ev}\npattern P { match a: Login where ts > 0 and type == "Login" and event.meta.x.y == 1 }`),
    ).toEqual([]);
    // Dynamic terms: any field may be read.
    expect(diags(`${ev}\npattern P { match a: Other where qq == 1 followed by b: * where zz == 2 }`)).toEqual(
      [],
    );
    // `until` tests events of any type.
    expect(diags(`${ev}\npattern P { within 1m match a: Login+ until (zz > 1) }`)).toEqual([]);
  });

  it("comparisons between incompatible known types (E2071)", () => {
    expect(diags(`${ev}\npattern P { match a: Login where n == "1" }`)).toEqual(["E2071 =="]);
    expect(diags(`${ev}\npattern P { match a: Login where user > n }`)).toEqual(["E2071 >"]);
    expect(diags(`${ev}\npattern P { match a: Login where ok != 1 }`)).toEqual(["E2071 !="]);
    expect(diags(`${ev}\npattern P { match a: Login where n in [1, "2"] }`)).toEqual(['E2071 "2"']);
    expect(diags(`${ev}\npattern P { match a: Login where n between "a" and 5 }`)).toEqual(['E2071 "a"']);
    expect(diags(`${ev}\npattern P { match a: Login where len(user) == "x" }`)).toEqual(["E2071 =="]);
    expect(diags(`${ev}\npattern P { match a: Login where count(a) > "x" }`)).toEqual(["E2071 >"]);
    // `null`, optional fields, `time`, `any`, `prev.*`, `coalesce` and `if` are compatible with
    // everything (`== null` is never true, a warning: W2007).
    expect(
      diags(
        `${ev}\npattern P { match a: Login where n == null and note == 1 and at == "x" and meta == 1 ` +
          `and prev.x == "y" and coalesce(n, 1) == "z" and if(ok, 1, 2) == "w" and upper(user) == "A" }`,
      ),
    ).toEqual(["W2007 =="]);
  });

  it("arithmetic on a known non-number (E2072)", () => {
    expect(diags(`${ev}\npattern P { match a: Login where user + 1 > 2 }`, true)).toEqual(["E2072 user"]);
    expect(diags(`${ev}\npattern P { match a: Login where -ok == 1 }`)).toEqual(["E2072 ok"]);
    expect(diags(`pattern P { match a: A where "a" + "b" == x }`)).toEqual(['E2072 "a"', 'E2072 "b"']);
    expect(diags(`${ev}\npattern P { match a: Login where n * 2 + abs(n) - null > 1 }`)).toEqual([]);
  });

  it("key paths must exist on declared types (E2073)", () => {
    expect(
      diags(
        `${ev}\nevent Other { name: string }\npattern P { key by user match a: Login followed by b: Other }`,
      ),
    ).toEqual(["E2073 user"]);
    expect(
      diags(`${ev}\npattern P { key by user, meta.x match a: Login followed by b: Undeclared }`),
    ).toEqual([]);
  });

  it("warns about an undeclared type near a declared one (W2001)", () => {
    const src = "event LoginOk { user: string }\npattern P { match a: LoginOK followed by b: Unrelated }";
    const r = check([parsed(src)]).diagnostics;
    expect(r.map((d) => [d.code, d.severity, d.message, d.hint])).toEqual([
      ["W2001", "warning", "event type `LoginOK` has no declaration", "did you mean `LoginOk`?"],
    ]);
  });
});

describe("PatternInfo and describePattern", () => {
  const src = `
pattern P {
  key by user, \`key\`.id
  within 10 minutes
  after match skip to first b
  match a: A followed by (b: B+ next c: *)+ not followed by n: N followed by d: D within 1 minute where x > 1
  emit { n: count(b) }
  on timeout
}`;
  const info = check([parsed(src)]).patterns[0];

  it("lists variables depth-first in source order, negated ones flagged", () => {
    expect(info.variables.map((v) => [v.name, v.index, v.type, v.negated, v.depth])).toEqual([
      ["a", 0, "A", false, 0],
      ["b", 1, "B", false, 1],
      ["c", 2, null, false, 1],
      ["n", 3, "N", true, 0],
      ["d", 4, "D", false, 0],
    ]);
    expect([...info.varIndex]).toEqual([
      ["a", 0],
      ["b", 1],
      ["c", 2],
      ["n", 3],
      ["d", 4],
    ]);
    expect(info.windows).toEqual({ pattern: 600000, terms: [{ variable: "d", index: 4, ms: 60000 }] });
    expect(info.ok).toBe(true);
  });

  it("summarises the pattern for `cep check`", () => {
    expect(describePattern(info)).toEqual({
      key: ["user", "`key`.id"],
      within: 600000,
      termWindows: [{ variable: "d", within: 60000 }],
      skip: "skip to first b",
      terms: [
        "a: A",
        "followed by (b: B+ next c: *)+",
        "not followed by n: N",
        "followed by d: D within 1 minute",
      ],
    });
    const terms = describeTerms(info);
    expect(terms.map((t) => t.variable)).toEqual(["a", "b", "c", "n", "d"]);
    expect(terms[4]).toMatchObject({
      variable: "d",
      op: "followed by",
      where: "x > 1",
      within: { ms: 60000 },
    });
    expect(terms[3]).toMatchObject({ negated: true, op: "not followed by", type: "N", declared: false });
    expect(
      describePattern(check([parsed("pattern Q { match Tick{2,} until (price < 3) greedy }")]).patterns[0]),
    ).toEqual({
      key: [],
      within: null,
      termWindows: [],
      skip: "no skip",
      terms: ["Tick{2,} until (price < 3) greedy"],
    });
  });

  it("a clean file has no diagnostics", () => {
    const login = `
event LoginFailed { user: string, ip: string }
event LoginOk     { user: string, ip: string }

pattern BruteForce {
  key by user
  within 5 minutes
  after match skip past last event
  match fail: LoginFailed{3,} consecutive
        followed by ok: LoginOk where ip != first(fail).ip
        not followed by Logout
  emit { user: ok.user, attempts: count(fail), from: first(fail).ip, to: ok.ip }
}`;
    expect(check([parsed(login)]).diagnostics).toEqual([]);
  });
});

describe("hand-built trees (shapes the parser does not produce)", () => {
  it("a sequence beginning with a negation (E2020)", () => {
    const ast = parsed("pattern P { match a: A not next B followed by C }");
    const p = ast.patterns[0];
    const [, neg, c] = p.match.elements;
    const decl: PatternDecl = { ...p, match: { ...p.match, elements: [neg, c] } };
    const r = check([{ ...ast, patterns: [decl] }]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["E2020"]);
  });
});

describe("`// cep-ignore` directives", () => {
  it("`cep-ignore-file` silences only its own file; a line directive only its line", () => {
    const a = parsed("// cep-ignore-file W2005\npattern A { match a: X followed by any b: Y }", "a.pattern");
    const b = parsed("pattern B { match a: X followed by any b: Y }", "b.pattern");
    const result = check([a, b]);
    expect(result.diagnostics.map((d) => `${d.file} ${d.code}`)).toEqual(["b.pattern W2005"]);
    expect(result.patterns.map((p) => p.warnings.map((w) => w.code))).toEqual([[], ["W2005"]]);
    const lines =
      "pattern C {\n  // cep-ignore W2005\n\n  // a comment line is not code\n  match a: X followed by any b: Y\n}\npattern D { match a: X+ }";
    expect(diags(lines)).toEqual(["W2005 +"]);
  });

  it("never silences an error, and says so", () => {
    expect(diags("// cep-ignore E2011 W2005\npattern P { match a: A+ where zz.x > 1 }")).toEqual([
      "W2010 E2011",
      "E2011 zz",
    ]);
  });
});
