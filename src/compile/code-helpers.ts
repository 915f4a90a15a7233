/**
 * The value operations generated code calls (codegen): what `Cond.emit` source names
 * through `CodeScope.helper(name)`. Each is a plain function of values with exactly the
 * rule the closure compiler (`expr.ts`) applies at that point — most are the very
 * functions of `functions.ts` — so an emitted condition and its closure agree on every
 * input (`test/property/expr-code.test.ts`). None throws; none returns `undefined`.
 *
 * ```ts
 * const run = new Function("H", "L", "ctx", `const ev = ctx.event; return ${source};`);
 * run(CODE_HELPERS, literals, ctx);
 * ```
 */
import {
  and3,
  avgOf,
  coalesce,
  comparable,
  countOf,
  eq,
  finite,
  inList,
  lastOf,
  matchValue,
  maxOf,
  minOf,
  not3,
  or3,
  readField,
  readIndex,
  SCALAR_VALUES,
  sumOf,
} from "./functions.js";

/** One step of a path read from each taken event (`sum(v.a[0])`): a field name or a constant index. */
export type PathStep = { readonly field: string } | { readonly index: unknown };

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * {@link readField}`(obj, name)` given `v = obj?.[name]`, read by the caller: generated
 * code reads the current event's fields at its own property site (one shape per site
 * instead of the shared, megamorphic one inside `readField`). Same rule, same single read.
 */
function field(obj: unknown, name: string, v: unknown): unknown {
  if (typeof obj !== "object" || obj === null) return null;
  if (v === undefined || v === null || Array.isArray(obj)) return null;
  if ((typeof v === "object" || typeof v === "function") && !hasOwn.call(obj, name)) return null;
  return v;
}

function ne(a: unknown, b: unknown): boolean | null {
  const e = eq(a, b);
  return e === null ? null : !e;
}

function lt(a: unknown, b: unknown): boolean | null {
  return comparable(a, b) ? (a as number) < (b as number) : null;
}

function le(a: unknown, b: unknown): boolean | null {
  return comparable(a, b) ? (a as number) <= (b as number) : null;
}

function gt(a: unknown, b: unknown): boolean | null {
  return comparable(a, b) ? (a as number) > (b as number) : null;
}

function ge(a: unknown, b: unknown): boolean | null {
  return comparable(a, b) ? (a as number) >= (b as number) : null;
}

/** SQL `x between lo and hi`: `x >= lo and x <= hi`, three-valued. */
function between(x: unknown, lo: unknown, hi: unknown): boolean | null {
  return and3(ge(x, lo), le(x, hi));
}

/** `x in [constants]`: the closure's Set lookup (the set holds the non-null constants). */
function inSet(x: unknown, set: ReadonlySet<unknown>): boolean | null {
  if (x === null || x === undefined) return null;
  const t = typeof x;
  return t === "number" || t === "string" || t === "boolean" ? set.has(x) : false;
}

function neg(x: unknown): number | null {
  return typeof x === "number" ? -x : null;
}

function add(a: unknown, b: unknown): number | null {
  return typeof a === "number" && typeof b === "number" ? finite(a + b) : null;
}

function sub(a: unknown, b: unknown): number | null {
  return typeof a === "number" && typeof b === "number" ? finite(a - b) : null;
}

function mul(a: unknown, b: unknown): number | null {
  return typeof a === "number" && typeof b === "number" ? finite(a * b) : null;
}

function div(a: unknown, b: unknown): number | null {
  return typeof a === "number" && typeof b === "number" ? finite(a / b) : null;
}

function mod(a: unknown, b: unknown): number | null {
  return typeof a === "number" && typeof b === "number" ? finite(a % b) : null;
}

/** Walks a constant path from one event (what `pathStep` closures do, as data). */
function walk(ev: unknown, steps: readonly PathStep[]): unknown {
  let x = ev;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    x = "field" in s ? readField(x, s.field) : readIndex(x, s.index);
  }
  return x;
}

/** `count(v)` (no steps: the events) and `count(v.f…)` (the events whose value is a number). */
function count(evs: readonly unknown[], steps: readonly PathStep[]): number {
  return steps.length === 0 ? evs.length : (countOf(evs, walk, steps) as number);
}

function scalar(name: string): (a: unknown, b: unknown) => unknown {
  const f = SCALAR_VALUES.get(name);
  if (f === undefined) throw new Error(`no scalar function ${name}`);
  return f;
}

/**
 * The helpers by name. A plain frozen object (a fast-mode object: property loads stay
 * cheap and calls through it inline; a null-prototype object would be a dictionary).
 * Generated code reaches it only through `CodeScope.helper`, with names written by
 * `expr-code.ts`, never taken from a pattern; a scope should check `Object.hasOwn`.
 */
export const CODE_HELPERS: Readonly<Record<string, (...args: never[]) => unknown>> = Object.freeze({
  field,
  readField,
  readIndex,
  lastOf,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  between,
  and3,
  or3,
  not3,
  inList,
  inSet,
  neg,
  add,
  sub,
  mul,
  div,
  mod,
  coalesce,
  matches: matchValue,
  abs: scalar("abs"),
  round: scalar("round"),
  floor: scalar("floor"),
  ceil: scalar("ceil"),
  lower: scalar("lower"),
  upper: scalar("upper"),
  len: scalar("len"),
  contains: scalar("contains"),
  startsWith: scalar("startsWith"),
  endsWith: scalar("endsWith"),
  count,
  sum: (evs: readonly unknown[], steps: readonly PathStep[]) => sumOf(evs, walk, steps),
  avg: (evs: readonly unknown[], steps: readonly PathStep[]) => avgOf(evs, walk, steps),
  min: (evs: readonly unknown[], steps: readonly PathStep[]) => minOf(evs, walk, steps),
  max: (evs: readonly unknown[], steps: readonly PathStep[]) => maxOf(evs, walk, steps),
});
