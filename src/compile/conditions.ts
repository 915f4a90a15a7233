/**
 * A tiny algebra over edge conditions (Flink's `RichAndCondition`, `RichNotCondition`,
 * `BooleanConditions.trueFunction()`), each carrying its source form for dumps.
 */
import type { Cond, MatchContext } from "./nfa.js";

/** The constant `true`. */
export const TRUE: Cond = Object.freeze({ test: () => true, src: "true", isTrue: true, types: null });

/** A condition from a test function and its source form; `types` restricts the event types it can hold for. */
export function cond(
  test: (ctx: MatchContext) => boolean,
  src: string,
  types: readonly string[] | null = null,
): Cond {
  return Object.freeze({ test, src, isTrue: false, types });
}

function intersect(a: readonly string[] | null, b: readonly string[] | null): readonly string[] | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.filter((t) => b.includes(t));
}

/** Parenthesises a source form that contains an operator binding looser than `op`. */
function wrap(src: string, op: "not" | "and"): string {
  const loose = op === "and" ? / or /.test(src) : / (or|and) /.test(src);
  return loose ? `(${src})` : src;
}

/** `not c` (short-circuit, as Flink's `RichNotCondition`). */
export function not(c: Cond): Cond {
  const t = c.test;
  return cond((ctx) => !t(ctx), c.isTrue ? "false" : `not ${wrap(c.src, "not")}`);
}

/** `a and b`, evaluated left to right with short-circuit (Flink `RichAndCondition`). */
export function and(a: Cond, b: Cond): Cond {
  if (a.isTrue) return b;
  if (b.isTrue) return a;
  const ta = a.test;
  const tb = b.test;
  return cond(
    (ctx) => ta(ctx) && tb(ctx),
    `${wrap(a.src, "and")} and ${wrap(b.src, "and")}`,
    intersect(a.types, b.types),
  );
}
