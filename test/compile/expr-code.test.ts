/**
 * Conditions as code (issue #16): what `Cond.emit` writes. Patterns that differ only in
 * literals — values, field names, types, variable names — give the same source text
 * (one compiled matcher can serve them all, the literals as parameters); the source is
 * readable; and each kind of condition (type test, `where`, `until`, `and`, `not`,
 * `true`) has one.
 */
import { describe, expect, it } from "vitest";
import { TRUE } from "../../src/compile/conditions.js";
import type { Cond } from "../../src/compile/nfa.js";
import { compile } from "../../src/index.js";
import { emitted, testScope } from "../support/code-scope.js";

/** Per edge, in NFA order: the emitted source (null when none). */
function sources(source: string): (string | null)[] {
  const out: (string | null)[] = [];
  for (const p of compile(source).patterns)
    for (const s of p.nfa.states) for (const e of s.edges) out.push(emitted(e.cond)?.source ?? null);
  return out;
}

/** Per edge, the literal values its source reads. */
function literals(source: string): unknown[][] {
  const out: unknown[][] = [];
  for (const p of compile(source).patterns)
    for (const s of p.nfa.states) for (const e of s.edges) out.push([...(emitted(e.cond)?.literals ?? [])]);
  return out;
}

const template = (t: {
  name: string;
  a: string;
  A: string;
  f: string;
  n: string;
  s: string;
  re: string;
  list: string;
}) => `
  pattern ${t.name} {
    within 10 seconds
    match ${t.a}: ${t.A}+ until (${t.f} > ${t.n})
            where ${t.f} == ${t.s} and price between ${t.n} and 2 * ${t.n} and sym in ${t.list}
          followed by b: B where ${t.a}.${t.f} != ${t.n} and matches(sym, ${t.re}) and not (${t.f} is null)
            and count(${t.a}) < ${t.n} and sum(${t.a}.${t.f}) >= ${t.n} or if(${t.f} == ${t.s}, true, false)
  }`;

describe("Cond.emit", () => {
  it("gives the same source for patterns that differ only in literals, names and types", () => {
    const one = template({
      name: "P",
      a: "a",
      A: "A",
      f: "price",
      n: "10",
      s: '"x"',
      re: '"^a+$"',
      list: '["AAPL", "MSFT"]',
    });
    const two = template({
      name: "`Q q`",
      a: "`x y`",
      A: "`Other Type`",
      f: "`__proto__`",
      n: "2.5e3",
      s: "true",
      re: '"[0-9]+"',
      list: "[1, 2, 3, null]",
    });
    const a = sources(one);
    const b = sources(two);
    expect(a.every((s) => s !== null)).toBe(true);
    expect(b).toEqual(a);
    // The literals differ, the code does not.
    expect(literals(two)).not.toEqual(literals(one));
    expect(literals(one).flat()).toContain("price");
    expect(literals(two).flat()).toContain("Other Type");
  });

  it("writes readable source: helper calls over parameters, SQL logic as && || !", () => {
    const [take] = sources(`pattern P { match a: A where price > 10 and not (sym == "X" or qty is null) }`);
    expect(take).toBe(
      "(ctx.eventType === L[0]) && ((H.gt(H.field(ev, L[1], ev?.[L[1]]), L[2]) === true) && " +
        "((H.eq(H.field(ev, L[3], ev?.[L[3]]), L[4]) === false) && (H.field(ev, L[5], ev?.[L[5]]) != null)))",
    );
  });

  it("emits the type test, true, and/not of conditions, and until", () => {
    expect(TRUE.emit?.(testScope())).toBe("true");
    const program = compile(`pattern P { match a: A+ until (x > 1) followed by b: * where y < 2 }`);
    const conds = new Set<Cond>();
    for (const s of program.patterns[0].nfa.states) for (const e of s.edges) conds.add(e.cond);
    const srcs = [...conds].map((c) => emitted(c)?.source);
    expect(srcs.every((s) => s !== undefined)).toBe(true);
    expect(srcs.some((s) => s?.startsWith("!"))).toBe(true);
    expect(srcs.some((s) => s?.includes("ctx.eventType === "))).toBe(true);
  });

  it("leaves a condition to its closure when a part has no source", () => {
    const program = compile(`pattern P { match a: A+ followed by b: B where sum(a.xs[count(a)]) > 1 }`);
    const edges = program.patterns[0].nfa.states.flatMap((s) => s.edges);
    const where = edges.filter((e) => e.cond.src.includes("sum("));
    expect(where.length).toBeGreaterThan(0);
    for (const e of where) expect(emitted(e.cond)).toBeNull();
  });
});
