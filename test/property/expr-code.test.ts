/**
 * Conditions as code (issue #16) against the reference: for random expressions of every
 * form (nested, long chains, nulls, strings, numbers incl. NaN/−0/huge, booleans, arrays
 * and objects as field values, missing fields) over random events and contexts, the
 * source `expr-code.ts` emits — instantiated with `new Function` as a generated matcher
 * does — gives exactly what the closure of `expr.ts` gives: the value, and whether the
 * condition holds.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CODE_HELPERS } from "../../src/compile/code-helpers.js";
import { compileCondition, compileExpr, type ExprScope } from "../../src/compile/expr.js";
import { conditionCode, valueCode } from "../../src/compile/expr-code.js";
import type { MatchContext } from "../../src/compile/nfa.js";
import type { Expr } from "../../src/lang/ast.js";
import { parse } from "../../src/lang/parse.js";
import { instantiate, testScope } from "../support/code-scope.js";

const SCOPE: ExprScope = {
  variables: new Map([
    ["a", 0],
    ["b", 1],
  ]),
  mode: "where",
};

/** The `where` expression of `a: A followed by b: B where <text>` (parsed, not checked: any form the parser takes). */
function whereOf(text: string): Expr {
  const { ast, diagnostics } = parse(`pattern P { match a: A followed by b: B where ${text} }`, "p.pattern");
  const where = ast?.patterns[0]?.match.elements[1]?.item;
  if (diagnostics.length > 0 || where?.kind !== "Term" || where.where === null)
    throw new Error(`does not parse: ${text}\n${diagnostics.map((d) => d.message).join("\n")}`);
  return where.where;
}

const FIELDS = ["f", "g", "h", "s", "`__proto__`", "`constructor`", "`length`", "`toString`", "`x y`"];
const MEMBERS = ["f", "g", "s", "__proto__", "constructor", "length", "`x y`"];

const numberText = fc.constantFrom(
  "0",
  "1",
  "2",
  "3",
  "10",
  "2.5",
  "0.1",
  "1e308",
  "9007199254740993",
  "1e-300",
  "1.7976931348623157e308",
);
const stringText = fc
  .constantFrom("", "a", "ab", "A", "b", "é😀", "\\u0000", '\\"q\\"', "10", "true", "x y", "aaa")
  .map((s) => `"${s}"`);
const literalText = fc.oneof(
  numberText,
  stringText,
  fc.constantFrom("true", "false", "null", "5s", "1min", "[]", "[1, 2]", '["a", null, true]'),
);
const regexText = fc.constantFrom(
  '"^a+"',
  '"b"',
  '"^$"',
  '"[0-9]+"',
  '"(a|b)*c"',
  '"(?P<x>a)"',
  '"\\\\d"',
  '"["',
);
const leafText = fc.oneof(
  { weight: 3, arbitrary: literalText },
  { weight: 4, arbitrary: fc.constantFrom(...FIELDS) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "event",
      "event.f",
      "event.g.h",
      "event.s[0]",
      "prev",
      "prev.f",
      "a.f",
      "b.g",
      "a.s",
      "a[0]",
      "b[1]",
      "a[-1]",
      "a[0.5]",
      "a[f]",
      "zz.f",
      "zz[0]",
      "key()",
      "time()",
      "time(a)",
      "time(prev)",
      "time(zz)",
      "first(a)",
      "last(b)",
      "first(prev)",
      "last(zz)",
      "first(a).f",
      "last(b).g",
      "count(a)",
      "count(b.f)",
      "sum(a.f)",
      "sum(b)",
      "avg(a.f)",
      "avg(b.g.h)",
      "min(a.f)",
      "max(b.f)",
      "min(a.s[0])",
      "max(a.g[1])",
      "sum(zz.f)",
      "sum(a.s[count(a)])",
      "nofunc(f)",
    ),
  },
);

const BINARY = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "and", "or", "in"];
const UNARY_FUNCS = ["abs", "round", "floor", "ceil", "lower", "upper", "len"];
const BINARY_FUNCS = ["contains", "startsWith", "endsWith", "coalesce"];

const exprText: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafText,
    fc.tuple(tie("e"), fc.constantFrom(...BINARY), tie("e")).map(([l, op, r]) => `(${l}) ${op} (${r})`),
    tie("e").map((x) => `not (${x})`),
    tie("e").map((x) => `-(${x})`),
    fc.tuple(tie("e"), tie("e"), tie("e")).map(([x, lo, hi]) => `(${x}) between (${lo}) and (${hi})`),
    fc.tuple(tie("e"), fc.boolean()).map(([x, n]) => `(${x}) is ${n ? "not " : ""}null`),
    fc
      .tuple(tie("e"), fc.array(literalText, { maxLength: 4 }))
      .map(([x, l]) => `(${x}) in [${l.join(", ")}]`),
    fc.array(tie("e"), { maxLength: 3 }).map((l) => `[${l.join(", ")}]`),
    fc.tuple(fc.constantFrom(...UNARY_FUNCS), tie("e")).map(([f, x]) => `${f}(${x})`),
    fc.tuple(fc.constantFrom(...BINARY_FUNCS), tie("e"), tie("e")).map(([f, x, y]) => `${f}(${x}, ${y})`),
    fc.tuple(tie("e"), regexText).map(([x, re]) => `matches(${x}, ${re})`),
    fc.tuple(tie("e"), tie("e")).map(([x, re]) => `matches(${x}, ${re})`),
    fc.tuple(tie("e"), tie("e"), tie("e")).map(([c, x, y]) => `if(${c}, ${x}, ${y})`),
    fc.tuple(tie("e"), fc.constantFrom(...MEMBERS)).map(([x, m]) => `(${x}).${m}`),
    fc.tuple(tie("e"), tie("e")).map(([x, i]) => `(${x})[${i}]`),
    // Flat chains, past the closure compiler's loop threshold (16 links) too.
    fc
      .tuple(
        fc.array(leafText, { minLength: 2, maxLength: 24 }),
        fc.constantFrom("+", "-", "*", "and", "or", "mixed"),
      )
      .chain(([items, op]) =>
        fc
          .array(
            fc.constantFrom(...BINARY.filter((o) => o !== "in" && !o.includes("=") && !"<>".includes(o))),
            {
              minLength: items.length,
              maxLength: items.length,
            },
          )
          .map((ops) =>
            items.map((x, i) => (i === 0 ? `(${x})` : ` ${op === "mixed" ? ops[i] : op} (${x})`)).join(""),
          ),
      )
      // A comparison or `in` after the chain is one more link of the same left spine.
      .chain((chain) =>
        fc.oneof(
          fc.constant(chain),
          fc
            .tuple(fc.constantFrom("==", "!=", "<", ">=", "in"), leafText)
            .map(([op, x]) => (op === "in" ? `${chain} in [${x}, 1, "a"]` : `${chain} ${op} (${x})`)),
        ),
      ),
  ),
})).e;

/** Field values: every JSON type, and the numbers JSON cannot hold (library users can pass them). */
const num = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(0, -0, 1, 2, 3, 10, 2.5, -1, -2.5, 0.1) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 1e308, -1e308, 2 ** 53 + 2, 5e-324) },
  { weight: 1, arbitrary: fc.double() },
);
const str = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "",
      "a",
      "ab",
      "aaa",
      "A",
      "b",
      "é😀",
      "\u0000",
      "10",
      "true",
      "c",
      "bc",
      "x y",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);
const scalar = fc.oneof(num, str, fc.constantFrom(null, undefined, true, false));
const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    scalar,
    fc.array(tie("v"), { maxLength: 3 }),
    fc
      .array(
        fc.tuple(fc.constantFrom("f", "g", "h", "s", "__proto__", "constructor", "length", "x y"), tie("v")),
        {
          maxLength: 4,
        },
      )
      .map((es) => Object.fromEntries(es)),
  ),
})).v;
const ABSENT = Symbol("absent");
/** Per field a leaning (f, g numbers; s strings or arrays; h anything), so operators see operands they apply to. */
const FIELD_VALUES: readonly [string, fc.Arbitrary<unknown>][] = [
  ["f", fc.oneof({ weight: 5, arbitrary: num }, value)],
  ["g", fc.oneof({ weight: 3, arbitrary: num }, { weight: 2, arbitrary: str }, value)],
  ["h", value],
  ["s", fc.oneof({ weight: 3, arbitrary: str }, fc.array(fc.oneof(num, str), { maxLength: 3 }), value)],
  ["__proto__", value],
  ["constructor", value],
  ["length", num],
  ["toString", value],
  ["x y", value],
];
const eventArb = fc
  .tuple(...FIELD_VALUES.map(([, arb]) => fc.option(arb, { nil: ABSENT, freq: 2 })))
  // Object.fromEntries: a `__proto__` key is an own data property, as JSON.parse makes it.
  .map((vs) => Object.fromEntries(FIELD_VALUES.map(([k], i) => [k, vs[i]]).filter(([, v]) => v !== ABSENT)));
const eventOrOther = fc.oneof(
  { weight: 9, arbitrary: eventArb as fc.Arbitrary<unknown> },
  { weight: 1, arbitrary: fc.oneof(fc.array(value, { maxLength: 2 }), scalar) },
);

const contextArb = fc
  .record({
    event: eventOrOther,
    time: fc.integer({ min: 0, max: 10_000 }),
    key: value,
    a: fc.array(fc.tuple(eventArb, fc.integer({ min: 0, max: 10_000 })), { maxLength: 4 }),
    b: fc.array(fc.tuple(eventArb, fc.integer({ min: 0, max: 10_000 })), { maxLength: 3 }),
    prevFrom: fc.constantFrom("a", "b", "none"),
  })
  .map(({ event, time, key, a, b, prevFrom }): MatchContext => {
    const taken = [a.map(([e]) => e), b.map(([e]) => e)];
    const times = [a.map(([, t]) => t), b.map(([, t]) => t)];
    const prevList = prevFrom === "a" ? a : prevFrom === "b" ? b : [];
    const prev = prevList.at(-1) ?? null;
    return {
      event,
      time,
      key,
      eventType: "B",
      taken: (v) => taken[v] ?? [],
      takenTimes: (v) => times[v] ?? [],
      lastTaken: (v) => taken[v]?.at(-1) ?? null,
      prev: () => (prev === null ? null : prev[0]),
      prevTime: () => (prev === null ? null : prev[1]),
    };
  });

interface Emitted {
  readonly holds: (ctx: MatchContext) => boolean;
  readonly value: (ctx: MatchContext) => unknown;
}

/** The expression's emitted condition and value, instantiated; null when it falls back to the closure. */
function emit(expr: Expr): Emitted | null {
  const cs = testScope();
  const holds = conditionCode(expr, SCOPE, cs);
  const vs = testScope();
  const val = valueCode(expr, SCOPE, vs);
  expect(holds === null).toBe(val === null);
  if (holds === null || val === null) return null;
  const valueFn = new Function("H", "L", "ctx", `"use strict"; const ev = ctx.event; return ${val};`);
  return {
    holds: instantiate(holds, cs.literals),
    value: (ctx) => valueFn(CODE_HELPERS, vs.literals, ctx),
  };
}

/** Checks one expression on some contexts; returns whether it was emitted (not left to the closure). */
function agree(text: string, contexts: readonly MatchContext[]): boolean {
  const expr = whereOf(text);
  const closure = compileExpr(expr, SCOPE);
  const cond = compileCondition(expr, SCOPE);
  const code = emit(expr);
  if (code === null) return false;
  for (const ctx of contexts) {
    const want = closure(ctx);
    expect(code.value(ctx), `${text} over ${JSON.stringify(ctx.event)}`).toEqual(want);
    // toEqual tells −0 from 0 and NaN from null; `undefined` must never come out of either.
    expect(code.value(ctx)).not.toBe(undefined);
    expect(code.holds(ctx), text).toBe(cond(ctx));
    expect(code.holds(ctx)).toBe(want === true);
  }
  return true;
}

describe("conditions as code (expr-code.ts) agree with the closures (expr.ts)", () => {
  it("random expressions over random events and contexts", () => {
    let emitted = 0;
    fc.assert(
      fc.property(exprText, fc.array(contextArb, { minLength: 1, maxLength: 6 }), (text, contexts) => {
        if (agree(text, contexts)) emitted++;
      }),
      { numRuns: Number(process.env.EXPR_CODE_RUNS ?? 1000) },
    );
    // Nearly everything is emitted (only long nesting and computed aggregate indexes fall back).
    expect(emitted).toBeGreaterThan(0.9 * Number(process.env.EXPR_CODE_RUNS ?? 1000));
  });

  it("the cases the property once found or that matter most", () => {
    const contexts = fc.sample(contextArb, { numRuns: 200, seed: 16 });
    for (const text of [
      "price > 10",
      "f == g",
      "-(f) == 0",
      "-(f)",
      "`length`",
      "event.length",
      "f / 0 is null",
      'f in [1, null, "a"]',
      "not (f between 1 and g)",
      "if(f, g, h) == null",
      'matches(s, "^a+")',
      "sum(a.f) + f < 100",
      "count(a) == 2 and first(a).f != last(a).f",
      "coalesce(f, g)",
      "time() - time(prev) < 1s",
      "(f) + (g) + (h) + (f) + (g) + (h) + (f) + (g) + (h) + (f) + (g) + (h) + (f) + (g) + (h) + (f) + (g) + (h)",
    ]) {
      expect(agree(text, contexts), text).toBe(true);
    }
  });

  it("leaves to the closure what it does not emit: deep nesting, computed aggregate indexes", () => {
    const contexts = fc.sample(contextArb, { numRuns: 5, seed: 1 });
    expect(agree("sum(a.s[count(a)]) > 0", contexts)).toBe(false);
    expect(agree(`${"(".repeat(60)}f${" + 1)".repeat(60)} > 0`, contexts)).toBe(true);
    const long = Array.from({ length: 300 }, (_, i) => `f${i % 3 === 0 ? "" : ""} > ${i}`).join(" and ");
    expect(agree(long, contexts)).toBe(false);
  });
});
