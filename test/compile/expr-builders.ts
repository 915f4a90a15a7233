/**
 * Hand-built expression ASTs and evaluation contexts for expression tests, so they do
 * not depend on the parser.
 */

import type { EvalContext } from "../../src/compile/eval-context.js";
import type { BinaryOp, Expr, Ident } from "../../src/lang/ast.js";

const S = { start: 0, end: 0 };

export function id(name: string): Ident {
  return { kind: "Ident", name, quoted: false, span: S };
}

export function lit(value: number | string | boolean | null, raw?: string): Expr {
  return {
    kind: "Literal",
    value,
    raw: raw ?? (value === null ? "null" : JSON.stringify(value)),
    duration: false,
    span: S,
  };
}

export function name(n: string): Expr {
  return { kind: "Name", name: id(n), span: S };
}

export function list(...items: Expr[]): Expr {
  return { kind: "List", items, span: S };
}

export const event: Expr = { kind: "Event", span: S };
export const prev: Expr = { kind: "Prev", span: S };

export function member(object: Expr, property: string): Expr {
  return { kind: "Member", object, property: id(property), span: S };
}

export function index(object: Expr, i: Expr): Expr {
  return { kind: "Index", object, index: i, span: S };
}

export function call(callee: string, ...args: Expr[]): Expr {
  return { kind: "Call", callee: id(callee), args, span: S };
}

export function bin(op: BinaryOp, left: Expr, right: Expr): Expr {
  return { kind: "Binary", op, left, right, opSpan: S, span: S };
}

export function neg(operand: Expr): Expr {
  return { kind: "Unary", op: "-", operand, span: S };
}

export function not(operand: Expr): Expr {
  return { kind: "Unary", op: "not", operand, span: S };
}

export function between(value: Expr, low: Expr, high: Expr): Expr {
  return { kind: "Between", value, low, high, span: S };
}

export function isNull(operand: Expr, negated = false): Expr {
  return { kind: "IsNull", operand, negated, span: S };
}

/** A literal for any JSON-ish value; arrays become list literals. */
export function value(v: unknown): Expr {
  if (Array.isArray(v)) return list(...v.map(value));
  if (v === undefined) return name("__missing__");
  return lit(v as number | string | boolean | null);
}

export interface Taken {
  readonly events: readonly unknown[];
  readonly times?: readonly number[];
}

/** A simple context: `taken[i]` lists variable i's events (times default to 1000, 2000…). */
export function context(opts: {
  event?: unknown;
  time?: number;
  key?: unknown;
  taken?: readonly Taken[];
  prev?: unknown;
  prevTime?: number | null;
}): EvalContext {
  const taken = opts.taken ?? [];
  return {
    event: opts.event ?? null,
    time: opts.time ?? 0,
    key: opts.key ?? null,
    taken: (v) => taken[v]?.events ?? [],
    takenTimes: (v) => taken[v]?.times ?? (taken[v]?.events ?? []).map((_, i) => (i + 1) * 1000),
    lastTaken: (v) => {
      const evs = taken[v]?.events ?? [];
      return evs.length === 0 ? null : evs[evs.length - 1];
    },
    prev: () => opts.prev ?? null,
    prevTime: () => opts.prevTime ?? null,
  };
}
