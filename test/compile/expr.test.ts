import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileCondition, compileEmit, compileExpr, type ExprScope } from "../../src/compile/expr.js";
import type { EmitClause, Expr } from "../../src/lang/ast.js";
import {
  between,
  bin,
  call,
  context,
  event,
  id,
  index,
  isNull,
  list,
  lit,
  member,
  name,
  neg,
  not,
  prev,
  value,
} from "./expr-builders.js";

// Variables: a = 0, b = 1, c = 2.
const where: ExprScope = {
  variables: new Map([
    ["a", 0],
    ["b", 1],
    ["c", 2],
  ]),
  mode: "where",
};
const emitScope: ExprScope = { ...where, mode: "emit" };

function run(e: Expr, ctx = context({}), scope = where): unknown {
  return compileExpr(e, scope)(ctx);
}

const withEvent = (ev: unknown) => context({ event: ev });

describe("names and paths", () => {
  it("reads a field of the current event; missing → null", () => {
    expect(run(name("price"), withEvent({ price: 5 }))).toBe(5);
    expect(run(name("price"), withEvent({}))).toBeNull();
    expect(run(name("price"), withEvent(null))).toBeNull();
    expect(run(name("price"), withEvent([1, 2]))).toBeNull();
    expect(run(name("price"), withEvent({ price: undefined }))).toBeNull();
  });

  it("reading a field of a non-object gives null", () => {
    expect(run(member(member(event, "a"), "b"), withEvent({ a: 5 }))).toBeNull();
    expect(run(member(member(event, "a"), "b"), withEvent({ a: "str" }))).toBeNull();
    expect(run(member(member(event, "a"), "length"), withEvent({ a: [1, 2] }))).toBeNull();
    expect(run(member(member(event, "a"), "b"), withEvent({ a: { b: [1] } }))).toEqual([1]);
  });

  it("`v.f` is the field of v's last taken event; no events → null", () => {
    const ctx = context({ taken: [{ events: [{ p: 1 }, { p: 2 }] }] });
    expect(run(member(name("a"), "p"), ctx)).toBe(2);
    expect(run(member(name("b"), "p"), ctx)).toBeNull();
  });

  it("`v[i]` picks events: 0-based; negative, fractional, out of range → null", () => {
    const evs = [{ p: 1 }, { p: 2 }, { p: 3 }];
    const ctx = context({ taken: [{ events: evs }], event: { i: 1 } });
    expect(run(index(name("a"), lit(0)), ctx)).toBe(evs[0]);
    expect(run(member(index(name("a"), lit(2)), "p"), ctx)).toBe(3);
    expect(run(index(name("a"), lit(3)), ctx)).toBeNull();
    expect(run(index(name("a"), neg(lit(1))), ctx)).toBeNull();
    expect(run(index(name("a"), lit(0.5)), ctx)).toBeNull();
    expect(run(index(name("a"), lit("0")), ctx)).toBeNull();
    expect(run(index(name("a"), name("i")), ctx)).toBe(evs[1]);
    expect(run(index(name("b"), lit(0)), ctx)).toBeNull();
  });

  it("indexes arrays of the current event", () => {
    const ctx = withEvent({ tags: ["x", "y"], n: 3 });
    expect(run(index(member(event, "tags"), lit(1)), ctx)).toBe("y");
    expect(run(index(member(event, "tags"), lit(2)), ctx)).toBeNull();
    expect(run(index(member(event, "n"), lit(0)), ctx)).toBeNull();
    expect(run(index(lit("abc"), lit(0)), ctx)).toBeNull();
  });

  it("`prev`, `prev.f`, `time(prev)`: the last taken event; null when none", () => {
    expect(run(prev, context({}))).toBeNull();
    expect(run(member(prev, "p"), context({}))).toBeNull();
    expect(run(call("time", prev), context({}))).toBeNull();
    const ctx = context({ prev: { p: 7 }, prevTime: 1234 });
    expect(run(member(prev, "p"), ctx)).toBe(7);
    expect(run(call("time", prev), ctx)).toBe(1234);
  });

  it("`time()`, `time(v)`, `key()`, `first`, `last`", () => {
    const evs = [{ p: 1 }, { p: 2 }];
    const ctx = context({ time: 99, key: "alice", taken: [{ events: evs, times: [10, 20] }] });
    expect(run(call("time"), ctx)).toBe(99);
    expect(run(call("time", name("a")), ctx)).toBe(20);
    expect(run(call("time", name("b")), ctx)).toBeNull();
    expect(run(call("key"), ctx)).toBe("alice");
    expect(run(call("key"), context({}))).toBeNull();
    expect(run(call("first", name("a")), ctx)).toBe(evs[0]);
    expect(run(call("last", name("a")), ctx)).toBe(evs[1]);
    expect(run(member(call("first", name("a")), "p"), ctx)).toBe(1);
    expect(run(call("first", name("b")), ctx)).toBeNull();
    expect(run(call("last", prev), context({ prev: evs[0] }))).toBe(evs[0]);
  });
});

describe("equality and comparison", () => {
  const eqCases: [unknown, unknown, unknown][] = [
    [1, 1, true],
    [1, 2, false],
    ["a", "a", true],
    [true, true, true],
    [true, false, false],
    [1, "1", null],
    [0, false, null],
    [null, null, null],
    [null, 1, null],
    [[1], [1], null],
  ];
  it.each(eqCases)("%j == %j → %j (and != is its negation)", (a, b, expected) => {
    expect(run(bin("==", value(a), value(b)))).toBe(expected);
    expect(run(bin("!=", value(a), value(b)))).toBe(expected === null ? null : !expected);
    // The same through computed operands (no literal specialisation).
    const ctx = withEvent({ a, b });
    expect(run(bin("==", name("a"), name("b")), ctx)).toBe(expected);
    expect(run(bin("!=", name("a"), name("b")), ctx)).toBe(expected === null ? null : !expected);
  });

  const ordCases: [unknown, unknown, unknown][] = [
    [1, 2, true],
    [2, 1, false],
    ["a", "b", true],
    ["B", "a", true], // UTF-16 order
    ["\uffff", "\u{1F600}", false], // a surrogate pair sorts by its first unit
    [1, "2", null],
    [true, false, null],
    [null, 1, null],
  ];
  it.each(ordCases)("%j < %j → %j", (a, b, expected) => {
    expect(run(bin("<", value(a), value(b)))).toBe(expected);
    expect(run(bin("<", name("a"), name("b")), withEvent({ a, b }))).toBe(expected);
    expect(run(bin("<", name("a"), value(b)), withEvent({ a }))).toBe(expected);
    expect(run(bin(">", value(b), name("a")), withEvent({ a }))).toBe(expected);
  });

  it("<=, >, >= on numbers and strings", () => {
    const ctx = withEvent({ p: 10, s: "m" });
    expect(run(bin("<=", name("p"), lit(10)), ctx)).toBe(true);
    expect(run(bin(">", name("p"), lit(10)), ctx)).toBe(false);
    expect(run(bin(">=", name("p"), lit(10)), ctx)).toBe(true);
    expect(run(bin(">=", lit(9), name("p")), ctx)).toBe(false);
    expect(run(bin("<=", lit("m"), name("s")), ctx)).toBe(true);
    expect(run(bin(">", name("s"), lit(1)), ctx)).toBeNull();
    expect(run(bin(">", name("missing"), lit(1)), ctx)).toBeNull();
  });

  it("`in`: arrays, null, non-arrays", () => {
    expect(run(bin("in", lit(2), list(lit(1), lit(2))))).toBe(true);
    expect(run(bin("in", lit(3), list(lit(1), lit(2))))).toBe(false);
    expect(run(bin("in", lit("1"), list(lit(1), lit(2))))).toBe(false);
    expect(run(bin("in", lit(null), list(lit(1), lit(null))))).toBeNull();
    expect(run(bin("in", lit(1), lit(1)))).toBeNull();
    const ctx = withEvent({ x: "b", xs: ["a", "b"], o: { k: 1 } });
    expect(run(bin("in", name("x"), name("xs")), ctx)).toBe(true);
    expect(run(bin("in", name("o"), name("xs")), ctx)).toBe(false);
    expect(run(bin("in", name("o"), list(lit(1))), ctx)).toBe(false);
    expect(run(bin("in", name("missing"), name("xs")), ctx)).toBeNull();
    expect(run(bin("in", name("x"), name("missing")), ctx)).toBeNull();
    expect(run(bin("in", name("x"), list(lit("a"), name("x"))), ctx)).toBe(true);
  });

  it("`between` is inclusive; null when not comparable", () => {
    expect(run(between(lit(5), lit(1), lit(5)))).toBe(true);
    expect(run(between(lit(1), lit(1), lit(5)))).toBe(true);
    expect(run(between(lit(6), lit(1), lit(5)))).toBe(false);
    expect(run(between(lit("b"), lit("a"), lit("c")))).toBe(true);
    expect(run(between(lit("b"), lit(1), lit(5)))).toBeNull();
    expect(run(between(lit(null), lit(1), lit(5)))).toBeNull();
  });

  it("`is null` / `is not null` are always booleans", () => {
    expect(run(isNull(name("x")), withEvent({}))).toBe(true);
    expect(run(isNull(name("x")), withEvent({ x: 0 }))).toBe(false);
    expect(run(isNull(name("x"), true), withEvent({ x: null }))).toBe(false);
    expect(run(isNull(bin("/", lit(1), lit(0))))).toBe(true);
  });
});

describe("three-valued logic", () => {
  const T = true;
  const F = false;
  const N = null;
  // Rows: left; columns: right = true, false, null, 5 (a non-boolean counts as null).
  const values = [T, F, N, 5];
  const andTable = [
    [T, F, N, N],
    [F, F, F, F],
    [N, F, N, N],
    [N, F, N, N],
  ];
  const orTable = [
    [T, T, T, T],
    [T, F, N, N],
    [T, N, N, N],
    [T, N, N, N],
  ];
  it("and / or truth tables", () => {
    values.forEach((a, i) => {
      values.forEach((b, j) => {
        const ctx = withEvent({ a, b });
        expect(run(bin("and", name("a"), name("b")), ctx), `${a} and ${b}`).toBe(andTable[i][j]);
        expect(run(bin("or", name("a"), name("b")), ctx), `${a} or ${b}`).toBe(orTable[i][j]);
      });
    });
  });

  it("not", () => {
    expect(run(not(lit(true)))).toBe(false);
    expect(run(not(lit(false)))).toBe(true);
    expect(run(not(lit(null)))).toBeNull();
    expect(run(not(lit("true")))).toBeNull();
  });

  it("a condition holds only when exactly true", () => {
    const cond = (e: Expr, ev: unknown = {}) => compileCondition(e, where)(withEvent(ev));
    expect(cond(lit(true))).toBe(true);
    expect(cond(lit(1))).toBe(false);
    expect(cond(lit("true"))).toBe(false);
    expect(cond(lit(null))).toBe(false);
    expect(cond(not(bin(">", name("p"), lit(1))))).toBe(false); // not null → null
    expect(cond(bin(">", name("p"), lit(1)), { p: 2 })).toBe(true);
  });
});

describe("arithmetic", () => {
  it("numbers only; /0, %0 and non-finite results → null", () => {
    expect(run(bin("+", lit(1), lit(2)))).toBe(3);
    expect(run(bin("-", lit(1), lit(2)))).toBe(-1);
    expect(run(bin("*", lit(3), lit(2)))).toBe(6);
    expect(run(bin("/", lit(3), lit(2)))).toBe(1.5);
    expect(run(bin("%", lit(-7), lit(3)))).toBe(-1);
    expect(run(bin("/", lit(1), lit(0)))).toBeNull();
    expect(run(bin("%", lit(1), lit(0)))).toBeNull();
    expect(run(bin("/", lit(0), lit(0)))).toBeNull();
    expect(run(bin("*", lit(1e308), lit(10)))).toBeNull();
    expect(run(bin("+", lit("a"), lit("b")))).toBeNull();
    expect(run(bin("+", lit(1), lit(null)))).toBeNull();
    expect(run(bin("+", lit(true), lit(1)))).toBeNull();
    expect(run(neg(lit(2)))).toBe(-2);
    expect(run(neg(lit("2")))).toBeNull();
  });

  it("durations are plain numbers", () => {
    const fiveMin: Expr = {
      kind: "Literal",
      value: 300000,
      raw: "5 minutes",
      duration: true,
      span: { start: 0, end: 0 },
    };
    expect(run(bin("<", bin("-", name("t2"), name("t1")), fiveMin), withEvent({ t1: 0, t2: 1000 }))).toBe(
      true,
    );
  });
});

describe("aggregates", () => {
  const evs = [{ p: 1 }, { p: "2" }, { p: null }, {}, { p: 4, q: { r: 10 } }, { p: 3, q: { r: 5 } }];
  const ctx = context({ taken: [{ events: evs }, { events: [] }] });
  it("count counts events; over a path, the numbers", () => {
    expect(run(call("count", name("a")), ctx)).toBe(6);
    expect(run(call("count", name("b")), ctx)).toBe(0);
    expect(run(call("count", member(name("a"), "p")), ctx)).toBe(3);
  });
  it("sum / avg / min / max skip null and non-numbers", () => {
    expect(run(call("sum", member(name("a"), "p")), ctx)).toBe(8);
    expect(run(call("avg", member(name("a"), "p")), ctx)).toBeCloseTo(8 / 3);
    expect(run(call("min", member(name("a"), "p")), ctx)).toBe(1);
    expect(run(call("max", member(name("a"), "p")), ctx)).toBe(4);
    expect(run(call("sum", member(member(name("a"), "q"), "r")), ctx)).toBe(15);
  });
  it("of nothing: sum 0, avg/min/max null", () => {
    expect(run(call("sum", member(name("b"), "p")), ctx)).toBe(0);
    expect(run(call("avg", member(name("b"), "p")), ctx)).toBeNull();
    expect(run(call("min", member(name("b"), "p")), ctx)).toBeNull();
    expect(run(call("max", member(name("b"), "p")), ctx)).toBeNull();
    // Events themselves are not numbers.
    expect(run(call("sum", name("a")), ctx)).toBe(0);
    expect(run(call("max", name("a")), ctx)).toBeNull();
  });
  it("paths with an index step", () => {
    const c = context({ taken: [{ events: [{ xs: [1, 2] }, { xs: [5] }, { xs: 3 }] }] });
    expect(run(call("sum", index(member(name("a"), "xs"), lit(0))), c)).toBe(6);
  });
  it("a sum that overflows is null", () => {
    const c = context({ taken: [{ events: [{ p: 1e308 }, { p: 1e308 }] }] });
    expect(run(call("sum", member(name("a"), "p")), c)).toBeNull();
  });
});

describe("functions", () => {
  it("round rounds half away from zero", () => {
    const cases: [number, number][] = [
      [2.5, 3],
      [-2.5, -3],
      [0.5, 1],
      [-0.5, -1],
      [1.4, 1],
      [-1.4, -1],
      [0.49999999999999994, 0],
    ];
    for (const [x, r] of cases) expect(run(call("round", lit(x))), `round(${x})`).toBe(r);
    expect(Object.is(run(call("round", neg(lit(0.4)))), 0)).toBe(true);
    expect(run(call("round", lit("2")))).toBeNull();
  });
  it("abs / floor / ceil: null for non-numbers", () => {
    expect(run(call("abs", neg(lit(3))))).toBe(3);
    expect(run(call("floor", lit(1.7)))).toBe(1);
    expect(run(call("ceil", lit(1.2)))).toBe(2);
    expect(run(call("abs", lit("x")))).toBeNull();
    expect(run(call("floor", lit(null)))).toBeNull();
    expect(run(call("ceil", lit(true)))).toBeNull();
  });
  it("lower / upper / len", () => {
    expect(run(call("lower", lit("AbC")))).toBe("abc");
    expect(run(call("upper", lit("AbC")))).toBe("ABC");
    expect(run(call("upper", lit(1)))).toBeNull();
    expect(run(call("len", lit("😀a")))).toBe(3); // UTF-16 units
    expect(run(call("len", list(lit(1), lit(2))))).toBe(2);
    expect(run(call("len", lit(12)))).toBeNull();
    expect(run(call("len", name("a")), context({ taken: [{ events: [{}, {}] }] }), emitScope)).toBe(2);
  });
  it("contains / startsWith / endsWith need two strings", () => {
    expect(run(call("contains", lit("hello"), lit("ell")))).toBe(true);
    expect(run(call("contains", lit("hello"), lit("x")))).toBe(false);
    expect(run(call("startsWith", lit("hello"), lit("he")))).toBe(true);
    expect(run(call("endsWith", lit("hello"), lit("lo")))).toBe(true);
    expect(run(call("contains", lit(123), lit("2")))).toBeNull();
    expect(run(call("startsWith", lit("x"), lit(null)))).toBeNull();
  });
  it("matches: RE2, unanchored, null when not a string", () => {
    expect(run(call("matches", lit("abc123"), lit("\\d+")))).toBe(true);
    expect(run(call("matches", lit("abc"), lit("^b")))).toBe(false);
    expect(run(call("matches", lit("xay"), lit("a")))).toBe(true);
    expect(run(call("matches", lit(5), lit("5")))).toBeNull();
    expect(run(call("matches", name("s"), lit("^[a-z]+$")), withEvent({ s: "abc" }))).toBe(true);
    // An invalid regex (rejected by the checker) compiles to null instead of throwing.
    expect(run(call("matches", lit("a"), lit("(?=a)")))).toBeNull();
  });
  it("coalesce / if", () => {
    expect(run(call("coalesce", lit(null), lit(2)))).toBe(2);
    expect(run(call("coalesce", lit(0), lit(2)))).toBe(0);
    expect(run(call("coalesce", name("x"), lit("d")), withEvent({}))).toBe("d");
    expect(run(call("if", lit(true), lit("a"), lit("b")))).toBe("a");
    expect(run(call("if", lit(1), lit("a"), lit("b")))).toBe("b");
    expect(run(call("if", lit(null), lit("a"), lit("b")))).toBe("b");
  });
  it("unknown functions compile to null", () => {
    expect(run(call("nope", lit(1)))).toBeNull();
  });
});

describe("prototype safety", () => {
  it("reads only own properties", () => {
    const ev = JSON.parse('{"__proto__": {"x": 1}, "constructor": "c"}');
    expect(run(name("constructor"), withEvent(ev))).toBe("c");
    expect(run(member(name("__proto__"), "x"), withEvent(ev))).toBeNull(); // `__proto__` is not a variable
    expect(run(member(member(event, "__proto__"), "x"), withEvent(ev))).toBe(1);
    expect(run(name("toString"), withEvent({}))).toBeNull();
    expect(run(name("constructor"), withEvent({}))).toBeNull();
    expect(run(name("__proto__"), withEvent({}))).toBeNull();
    expect(run(member(member(event, "a"), "constructor"), withEvent({ a: "s" }))).toBeNull();
    expect(run(call("len", member(event, "hasOwnProperty")), withEvent({}))).toBeNull();
  });

  it("emit keeps `__proto__` a plain data field", () => {
    const emit: EmitClause = {
      kind: "Emit",
      fields: [
        { kind: "EmitField", name: id("__proto__"), value: lit(1), span: { start: 0, end: 0 } },
        { kind: "EmitField", name: id("constructor"), value: lit("c"), span: { start: 0, end: 0 } },
      ],
      span: { start: 0, end: 0 },
    };
    const out = compileEmit(emit, emitScope)(context({}));
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, "__proto__")).toBe(true);
    expect(JSON.stringify(out)).toBe('{"__proto__":1,"constructor":"c"}');
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
  });
});

describe("emit", () => {
  const f = (n: string, v: Expr) => ({
    kind: "EmitField" as const,
    name: id(n),
    value: v,
    span: { start: 0, end: 0 },
  });
  it("fields in order; bare variables are arrays of events; time() is the record's end", () => {
    const evs = [
      { u: "x", p: 1 },
      { u: "x", p: 2 },
    ];
    const emit: EmitClause = {
      kind: "Emit",
      fields: [
        f("z", member(name("a"), "u")),
        f("all", name("a")),
        f("n", call("count", name("a"))),
        f("end", call("time")),
      ],
      span: { start: 0, end: 0 },
    };
    const ctx = context({ time: 42, taken: [{ events: evs }] });
    const out = compileEmit(emit, where)(ctx); // emit mode is forced
    expect(Object.keys(out)).toEqual(["z", "all", "n", "end"]);
    expect(out).toEqual({ z: "x", all: evs, n: 2, end: 42 });
    expect(out.all).not.toBe(evs);
  });
  it("`event` is null in emit", () => {
    expect(run(event, context({}), emitScope)).toBeNull();
    expect(run(name("nope"), context({}), emitScope)).toBeNull();
  });
});

describe("never throws", () => {
  const leaf = fc.oneof(
    fc.constantFrom<Expr>(
      name("a"),
      name("b"),
      name("p"),
      event,
      prev,
      lit(null),
      lit(0),
      lit(""),
      lit(true),
    ),
    fc.oneof(fc.double(), fc.string(), fc.boolean()).map((v) => lit(v)),
  );
  const fns = [
    "abs",
    "round",
    "floor",
    "ceil",
    "lower",
    "upper",
    "len",
    "contains",
    "startsWith",
    "endsWith",
  ];
  const more = [
    "coalesce",
    "if",
    "time",
    "key",
    "first",
    "last",
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "matches",
  ];
  const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc
        .tuple(
          fc.constantFrom(
            "or",
            "and",
            "==",
            "!=",
            "<",
            "<=",
            ">",
            ">=",
            "in",
            "+",
            "-",
            "*",
            "/",
            "%" as const,
          ),
          tie("expr"),
          tie("expr"),
        )
        .map(([op, l, r]) => bin(op as Parameters<typeof bin>[0], l, r)),
      tie("expr").map(neg),
      tie("expr").map(not),
      fc.tuple(tie("expr"), tie("expr"), tie("expr")).map(([a, b, c]) => between(a, b, c)),
      fc.tuple(tie("expr"), fc.boolean()).map(([a, n]) => isNull(a, n)),
      fc
        .tuple(tie("expr"), fc.constantFrom("p", "q", "__proto__", "constructor"))
        .map(([o, p]) => member(o, p)),
      fc.tuple(tie("expr"), tie("expr")).map(([o, i]) => index(o, i)),
      fc
        .tuple(fc.constantFrom(...fns, ...more), fc.array(tie("expr"), { maxLength: 3 }))
        .map(([c, args]) => call(c, ...args)),
      fc.array(tie("expr"), { maxLength: 3 }).map((items) => list(...items)),
    ),
  }));
  const json = fc.jsonValue({ maxDepth: 3 });
  it("on random expressions and events, in both modes", () => {
    fc.assert(
      fc.property(expr, json, fc.array(json, { maxLength: 3 }), fc.boolean(), (e, ev, taken, emitMode) => {
        const ctx = context({
          event: ev,
          taken: [{ events: taken }, { events: [] }],
          prev: taken[0] ?? null,
        });
        const v = compileExpr(e, emitMode ? emitScope : where)(ctx);
        expect(v).not.toBeUndefined();
        expect(typeof compileCondition(e, where)(ctx)).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
  });
});
