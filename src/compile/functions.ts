/**
 * The value operations of the expression language (language.md §3.4), written so they
 * cannot throw: every input of a wrong type gives `null`, every result is a JSON-like
 * value or `null` (never `undefined`).
 */

import type { RE2JS } from "re2js";
import { re2 } from "../util/lazy.js";
import type { CompiledExpr, EvalContext } from "./eval-context.js";

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Field `name` of an object (not an array); `null` for anything else. An object or
 * function value counts only as an own property, so `constructor`, `__proto__` or
 * `toString` read data or `null`, never a function or a prototype. A primitive value is
 * taken as read — the same rule as the engine's type, time and key fields (`ownField`):
 * one property lookup for the common case instead of two (W7: `readField` was ~16% of
 * the time), and a class instance's getter fields read as their values.
 */
export function readField(obj: unknown, name: string): unknown {
  if (typeof obj !== "object" || obj === null) return null;
  const v = (obj as Record<string, unknown>)[name];
  if (v === undefined || v === null || Array.isArray(obj)) return null;
  if ((typeof v === "object" || typeof v === "function") && !hasOwn.call(obj, name)) return null;
  return v;
}

/** `arr[i]`: 0-based; negative, fractional, out of range or not an array → `null`. */
export function readIndex(arr: unknown, i: unknown): unknown {
  if (!Array.isArray(arr) || typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= arr.length)
    return null;
  const v = arr[i];
  return v === undefined ? null : v;
}

/** The last element of a list of events, or `null`. */
export function lastOf(list: readonly unknown[]): unknown {
  const n = list.length;
  return n === 0 ? null : (list[n - 1] ?? null);
}

/** `==`: `null` unless both are numbers, both strings or both booleans. */
export function eq(a: unknown, b: unknown): boolean | null {
  const t = typeof a;
  if (t !== typeof b || (t !== "number" && t !== "string" && t !== "boolean")) return null;
  return a === b;
}

/** True when `<` and friends apply: two numbers or two strings (UTF-16 order). */
export function comparable(a: unknown, b: unknown): boolean {
  const t = typeof a;
  return (t === "number" || t === "string") && t === typeof b;
}

/** SQL three-valued `and`; a non-boolean counts as `null`. */
export function and3(a: unknown, b: unknown): boolean | null {
  if (a === false || b === false) return false;
  return a === true && b === true ? true : null;
}

/** SQL three-valued `or`; a non-boolean counts as `null`. */
export function or3(a: unknown, b: unknown): boolean | null {
  if (a === true || b === true) return true;
  return a === false && b === false ? false : null;
}

/** SQL three-valued `not`. */
export function not3(a: unknown): boolean | null {
  return a === true ? false : a === false ? true : null;
}

/** `x in list`: true if some `x == e`; `null` if `x` is `null` or `list` is not an array; else false. */
export function inList(x: unknown, list: unknown): boolean | null {
  if (!Array.isArray(list)) return null;
  if (x === null) return null;
  for (let i = 0; i < list.length; i++) if (eq(x, list[i]) === true) return true;
  return false;
}

/** A finite number, else `null` (arithmetic results, §3.4). */
export function finite(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

/** `-0` → `0`, so results print as JSON would. */
function unsigned0(n: number): number {
  return n === 0 ? 0 : n;
}

/** Rounds half away from zero (`round(-2.5)` = -3). */
export function roundHalfAwayFromZero(x: number): number {
  return unsigned0(x < 0 ? -Math.round(-x) : Math.round(x));
}

type Builder = (args: readonly CompiledExpr[]) => CompiledExpr;

function numeric(f: (x: number) => number): (x: unknown) => number | null {
  return (x) => (typeof x === "number" ? finite(f(x)) : null);
}

function stringOp(f: (s: string) => unknown): (s: unknown) => unknown {
  return (s) => (typeof s === "string" ? f(s) : null);
}

function stringPair(f: (s: string, t: string) => boolean): (s: unknown, t: unknown) => boolean | null {
  return (s, t) => (typeof s === "string" && typeof t === "string" ? f(s, t) : null);
}

/**
 * The strict scalar functions (every argument evaluated) as plain value operations: the
 * closures below apply them, and generated code calls them (`code-helpers.ts`).
 * A missing argument is `null`.
 */
export const SCALAR_VALUES: ReadonlyMap<string, (a: unknown, b: unknown) => unknown> = new Map<
  string,
  (a: unknown, b: unknown) => unknown
>([
  ["abs", numeric((x) => unsigned0(Math.abs(x)))],
  ["round", numeric(roundHalfAwayFromZero)],
  ["floor", numeric((x) => unsigned0(Math.floor(x)))],
  ["ceil", numeric((x) => unsigned0(Math.ceil(x)))],
  ["lower", stringOp((s) => s.toLowerCase())],
  ["upper", stringOp((s) => s.toUpperCase())],
  ["len", (x) => (typeof x === "string" || Array.isArray(x) ? x.length : null)],
  ["contains", stringPair((s, t) => s.includes(t))],
  ["startsWith", stringPair((s, t) => s.startsWith(t))],
  ["endsWith", stringPair((s, t) => s.endsWith(t))],
]);

/** `coalesce(a, b)` on values: `a` unless it is `null`. */
export function coalesce(a: unknown, b: unknown): unknown {
  return a !== null ? a : b;
}

/** A value operation over compiled arguments (one or two: the compiler passes `maxArgs` of them). */
function applied(f: (a: unknown, b: unknown) => unknown): Builder {
  return ([a, b]) => (b === undefined ? (ctx) => f(a(ctx), null) : (ctx) => f(a(ctx), b(ctx)));
}

/**
 * Ordinary functions over compiled arguments (arity is checked before compiling;
 * a missing argument reads as `null`). `matches` is built by {@link matchesBuilder}.
 */
export const SCALAR_FUNCTIONS: ReadonlyMap<string, Builder> = new Map<string, Builder>([
  ...[...SCALAR_VALUES].map(([name, f]): [string, Builder] => [name, applied(f)]),
  [
    "coalesce",
    ([a, b]) =>
      (ctx) => {
        const x = a(ctx);
        return x !== null ? x : b(ctx);
      },
  ],
  [
    "if",
    ([c, a, b]) =>
      (ctx) =>
        c(ctx) === true ? a(ctx) : b(ctx),
  ],
]);

/** Compiles an RE2 regex once; null when it is not valid RE2 (the checker reports that). */
export function compileRegex(source: string): RE2JS | null {
  try {
    return re2().compile(source);
  } catch {
    return null;
  }
}

/** `matches(s, "re")` on values: an unanchored search; `null` when `s` is not a string or the regex is invalid. */
export function matchValue(s: unknown, re: RE2JS | null): boolean | null {
  return re !== null && typeof s === "string" ? re.test(s) : null;
}

/** `matches(s, "re")`: an unanchored search; `null` when `s` is not a string. */
export function matchesBuilder(subject: CompiledExpr, re: RE2JS | null): CompiledExpr {
  if (re === null) return () => null;
  return (ctx) => {
    const s = subject(ctx);
    return typeof s === "string" ? re.test(s) : null;
  };
}

/** Reads a value out of one taken event (the path after the variable in `sum(v.a.b)`). */
export type EventPath = (event: unknown, ctx: EvalContext) => unknown;

/**
 * An aggregate over taken events (§3.4), reading each event through `get(event, arg)`:
 * the closures pass an {@link EventPath} and the context, generated code a path as data.
 */
export type Aggregate = <A>(
  evs: readonly unknown[],
  get: (event: unknown, arg: A) => unknown,
  arg: A,
) => unknown;

/** `count(v.f)`: the events whose value is a number. */
export const countOf: Aggregate = (evs, get, arg) => {
  let n = 0;
  for (let i = 0; i < evs.length; i++) if (typeof get(evs[i], arg) === "number") n++;
  return n;
};

/** `sum`: of the numbers; 0 of nothing. */
export const sumOf: Aggregate = (evs, get, arg) => {
  let s = 0;
  for (let i = 0; i < evs.length; i++) {
    const x = get(evs[i], arg);
    if (typeof x === "number") s += x;
  }
  return finite(s);
};

/** `avg`: of the numbers; `null` of nothing. */
export const avgOf: Aggregate = (evs, get, arg) => {
  let s = 0;
  let n = 0;
  for (let i = 0; i < evs.length; i++) {
    const x = get(evs[i], arg);
    if (typeof x === "number") {
      s += x;
      n++;
    }
  }
  return n === 0 ? null : finite(s / n);
};

function extreme(sign: 1 | -1): Aggregate {
  return (evs, get, arg) => {
    let best: number | null = null;
    for (let i = 0; i < evs.length; i++) {
      const x = get(evs[i], arg);
      if (typeof x === "number" && (best === null || (sign > 0 ? x > best : x < best))) best = x;
    }
    return best;
  };
}

/** `min`, `max`: of the numbers; `null` of nothing. */
export const minOf: Aggregate = extreme(-1);
export const maxOf: Aggregate = extreme(1);

const itself = (e: unknown) => e;

function aggregateOf(f: Aggregate): (v: number, path: EventPath | null) => CompiledExpr {
  return (v, path) => {
    const get = path ?? itself;
    return (ctx) => f(ctx.taken(v), get, ctx);
  };
}

/** Aggregates over the taken events of variable `v`, reading `path` from each (§3.4). */
export const AGGREGATES: ReadonlyMap<string, (v: number, path: EventPath | null) => CompiledExpr> = new Map([
  [
    "count",
    (v: number, path: EventPath | null): CompiledExpr => {
      if (path === null) return (ctx) => ctx.taken(v).length;
      return (ctx) => countOf(ctx.taken(v), path, ctx);
    },
  ],
  ["sum", aggregateOf(sumOf)],
  ["avg", aggregateOf(avgOf)],
  ["min", aggregateOf(minOf)],
  ["max", aggregateOf(maxOf)],
]);
