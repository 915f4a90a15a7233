/**
 * A tiny algebra over edge conditions (Flink's `RichAndCondition`, `RichNotCondition`,
 * `BooleanConditions.trueFunction()`), each carrying its source form for dumps and its
 * JavaScript form for generated matchers (`emit`; `and`/`not` compose their parts').
 */
import type { CodeScope, Cond, CondParts, Guard, MatchContext } from "./nfa.js";

/** How a condition writes itself as JavaScript ({@link Cond.emit}). */
type Emit = (scope: CodeScope) => string | null;

/** The constant `true`. */
export const TRUE: Cond = Object.freeze({
  test: () => true,
  src: "true",
  isTrue: true,
  types: null,
  verdict: () => true,
  guards: [],
  negOf: null,
  parts: null,
  emit: () => "true",
});

const UNKNOWN = () => null;

/**
 * A condition from a test function and its source form; `types` restricts the event types
 * it can hold for, `verdict` says what it gives from the type alone (default: unknown).
 */
export function cond(
  test: (ctx: MatchContext) => boolean,
  src: string,
  types: readonly string[] | null = null,
  verdict: (eventType: unknown) => boolean | null = UNKNOWN,
  guards: readonly Guard[] = [],
  negOf: Cond | null = null,
  parts: CondParts | null = null,
  emit: Emit | null = null,
): Cond {
  return Object.freeze({ test, src, isTrue: false, types, verdict, guards, negOf, parts, emit });
}

/** The type test of a term: `type == "T"`. */
export function typeIs(typeName: string): Cond {
  return cond(
    (ctx) => ctx.eventType === typeName,
    `type == ${JSON.stringify(typeName)}`,
    [typeName],
    (t) => t === typeName,
    [],
    null,
    { op: "type", type: typeName },
    (scope) => `${scope.ctx}.eventType === ${scope.literal(typeName)}`,
  );
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
  const v = c.verdict;
  return cond(
    (ctx) => !t(ctx),
    c.isTrue ? "false" : `not ${wrap(c.src, "not")}`,
    null,
    (type) => {
      const r = v(type);
      return r === null ? null : !r;
    },
    [],
    c,
    { op: "not", c },
    composed([c], ([x]) => `!${paren(x)}`),
  );
}

/** `a and b`, evaluated left to right with short-circuit (Flink `RichAndCondition`). */
export function and(a: Cond, b: Cond): Cond {
  if (a.isTrue) return b;
  if (b.isTrue) return a;
  const ta = a.test;
  const tb = b.test;
  const va = a.verdict;
  const vb = b.verdict;
  return cond(
    (ctx) => ta(ctx) && tb(ctx),
    `${wrap(a.src, "and")} and ${wrap(b.src, "and")}`,
    intersect(a.types, b.types),
    (type) => {
      const x = va(type);
      if (x === false) return false;
      const y = vb(type);
      if (y === false) return false;
      return x === true && y === true ? true : null;
    },
    [...a.guards, ...b.guards],
    null,
    { op: "and", a, b },
    composed([a, b], ([x, y]) => `${paren(x)} && ${paren(y)}`),
  );
}

/**
 * `a or b`, left to right with short-circuit: an alternation's start condition (an event
 * that some alternative can begin with). Guards common to both sides are kept.
 */
export function or(a: Cond, b: Cond): Cond {
  if (a.isTrue) return a;
  if (b.isTrue) return b;
  const ta = a.test;
  const tb = b.test;
  const va = a.verdict;
  const vb = b.verdict;
  const same = (g: Guard, h: Guard) =>
    g.value === h.value && g.path.length === h.path.length && g.path.every((p, i) => p === h.path[i]);
  return cond(
    (ctx) => ta(ctx) || tb(ctx),
    `${a.src} or ${b.src}`,
    a.types === null || b.types === null ? null : [...new Set([...a.types, ...b.types])],
    (type) => {
      const x = va(type);
      if (x === true) return true;
      const y = vb(type);
      if (y === true) return true;
      return x === false && y === false ? false : null;
    },
    a.guards.filter((g) => b.guards.some((h) => same(g, h))),
    null,
    null,
    composed([a, b], ([x, y]) => `${paren(x)} || ${paren(y)}`),
  );
}

/**
 * The gap from the partial match's last taken event to the current event is below `ms`
 * (true when nothing was taken): a term-level window checked when an alternation's fork
 * takes the event for that term, since a branch waiting at the fork does not wait in the
 * term's own state, whose window would expire it.
 */
export function gapBelow(ms: number): Cond {
  return cond(
    (ctx) => {
      const p = ctx.prevTime();
      return p === null || ctx.time - p < ms;
    },
    `time() - time(prev) < ${ms}`,
    null,
    undefined,
    [],
    null,
    null,
    (scope) => {
      const c = scope.ctx;
      return `(${c}.prevTime() === null || ${c}.time - ${c}.prevTime() < ${scope.literal(ms)})`;
    },
  );
}

/** The emit of a condition made of `parts`: null when some part has no JavaScript form. */
function composed(parts: readonly Cond[], join: (codes: string[]) => string): Emit | null {
  if (parts.some((p) => p.emit === null)) return null;
  return (scope) => {
    const codes: string[] = [];
    for (const p of parts) {
      const code = p.emit?.(scope) ?? null;
      if (code === null) return null;
      codes.push(code);
    }
    return join(codes);
  };
}

/** `code` in parentheses, unless it is already one parenthesised group or a plain name. */
function paren(code: string): string {
  if (/^[\w$.]+$/.test(code)) return code;
  if (code.startsWith("(") && !/["'`]/.test(code)) {
    let depth = 0;
    for (let i = 0; i < code.length; i++) {
      if (code[i] === "(") depth++;
      else if (code[i] === ")" && --depth === 0) {
        if (i === code.length - 1) return code;
        break;
      }
    }
  }
  return `(${code})`;
}
