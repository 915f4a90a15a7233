/**
 * AST → Flink-style stage chain.
 *
 * Flink compiles a `Pattern`: a linked list of stages, each with an outer consuming
 * strategy (how its first element is reached), an inner one (between its elements),
 * quantifier properties, `times`, `until` and windows (flink-semantics.md §1, §3).
 * Our sequences map onto exactly that shape, so the NFA builder can be a faithful port
 * of Flink's `NFACompiler` (see `build-nfa.ts`).
 */
import type { Expr, Group, Modifier, Quantifier, Sequence, Term } from "../lang/ast.js";
import { CompileError } from "../lang/diagnostics.js";
import { and, cond, TRUE, typeIs } from "./conditions.js";
import { compileCondition } from "./expr.js";
import { conditionCode } from "./expr-code.js";
import { exprToSource } from "./expr-source.js";
import type { Cond, Guard } from "./nfa.js";

/** Flink's `ConsumingStrategy`. */
export type Strategy = "STRICT" | "SKIP_TILL_NEXT" | "SKIP_TILL_ANY" | "NOT_NEXT" | "NOT_FOLLOW";

/** One stage (Flink `Pattern` node). */
export interface Stage {
  /** The variable name; `(group)` for groups. */
  readonly name: string;
  /** Index in the variable table, or -1 for a group. */
  readonly variable: number;
  /** The stage's condition: type test and `where` (TRUE for groups and bare `*`). */
  readonly condition: Cond;
  readonly outer: Strategy;
  readonly inner: Strategy;
  readonly looping: boolean;
  /** `times` for looping and times stages; null for singletons. */
  readonly times: { readonly from: number; readonly to: number } | null;
  readonly optional: boolean;
  readonly greedy: boolean;
  readonly until: Cond | null;
  /** Term-level window (PREVIOUS_AND_CURRENT), ms. */
  readonly window: number | null;
  /** For a group: the last stage of its inner chain. */
  readonly group: Stage | null;
  /** The stage before this one in its chain (null for the first). */
  previous: Stage | null;
}

/** What stage building needs from the checked pattern. */
export interface StageScope {
  readonly variables: ReadonlyMap<string, number>;
}

const OP_STRATEGY: Record<string, Strategy> = {
  next: "STRICT",
  followedBy: "SKIP_TILL_NEXT",
  followedByAny: "SKIP_TILL_ANY",
  notNext: "NOT_NEXT",
  notFollowedBy: "NOT_FOLLOW",
};

/** Builds the chain for a sequence; returns its last stage (Flink patterns are held by their last stage). */
export function buildStages(seq: Sequence, scope: StageScope): Stage {
  let previous: Stage | null = null;
  for (const el of seq.elements) {
    const outer: Strategy = el.op === null ? "STRICT" : OP_STRATEGY[el.op];
    const item = el.item;
    if (item.kind === "Alternation" || item.kind === "Permute") {
      // Stub until the compiler supports §3.3a: a clean CompileError, never a crash.
      const what = item.kind === "Permute" ? "`permute`" : "alternation";
      const message = `${what} is not compiled yet`;
      throw new CompileError([{ code: "E1999", severity: "error", message, file: "", span: item.span }]);
    }
    const stage: Stage =
      item.kind === "Term" ? termStage(item, outer, scope) : groupStage(item, outer, scope);
    stage.previous = previous;
    previous = stage;
  }
  if (previous === null) throw new Error("empty sequence");
  return previous;
}

interface Shape {
  looping: boolean;
  times: { from: number; to: number } | null;
  optional: boolean;
}

/** Quantifier → Flink properties (language.md §3.2 table). */
function shape(q: Quantifier | null, mods: readonly Modifier[]): Shape {
  const optionalMod = mods.some((m) => m.name === "optional");
  if (q === null) return { looping: false, times: null, optional: optionalMod };
  const { min, max } = q;
  if (max === null) {
    // `+`, `*`, `{n,}`: LOOPING with times (n, n); `{0,}` and `*` are `+` optional.
    const from = Math.max(1, min);
    return { looping: true, times: { from, to: from }, optional: optionalMod || min === 0 };
  }
  if (min === 0 && max === 1 && q.raw === "?") return { looping: false, times: null, optional: true };
  // `{n}`, `{n,m}`; `{0,m}` is `{1,m}` optional (Flink `times(0, m)`).
  return { looping: false, times: { from: Math.max(1, min), to: max }, optional: optionalMod || min === 0 };
}

function innerStrategy(mods: readonly Modifier[]): Strategy {
  if (mods.some((m) => m.name === "consecutive")) return "STRICT";
  if (mods.some((m) => m.name === "combinations")) return "SKIP_TILL_ANY";
  return "SKIP_TILL_NEXT";
}

function untilCond(mods: readonly Modifier[], scope: StageScope, variable: number): Cond | null {
  const u = mods.find((m) => m.name === "until");
  if (!u?.condition) return null;
  const expr = u.condition;
  const exprScope = { variables: scope.variables, mode: "where" } as const;
  return cond(
    compileCondition(expr, exprScope),
    exprToSource(expr),
    null,
    undefined,
    [],
    null,
    { op: "until", variable },
    (code) => conditionCode(expr, exprScope, code),
  );
}

/** The condition of a term: its type test, then its `where`. */
export function termCondition(term: Term, scope: StageScope): Cond {
  let c: Cond = TRUE;
  if (term.type !== null) {
    c = typeIs(term.type.name);
  }
  if (term.where !== null) {
    const expr = term.where;
    const exprScope = { variables: scope.variables, mode: "where" } as const;
    const w = cond(
      compileCondition(expr, exprScope),
      exprToSource(expr),
      null,
      undefined,
      guardsOf(expr),
      null,
      { op: "where", variable: scope.variables.get(term.variable.name) ?? -1 },
      (code) => conditionCode(expr, exprScope, code),
    );
    c = and(c, w);
  }
  return c;
}

/** Top-level `and` conjuncts of the form `field == literal` (a field of the current event). */
function guardsOf(e: Expr): Guard[] {
  // A work list: `a and b and …` may have thousands of conjuncts (lang/chain.ts).
  const out: Guard[] = [];
  const todo: Expr[] = [e];
  while (todo.length > 0) {
    const c = todo.pop()!;
    if (c.kind === "Binary" && c.op === "and") todo.push(c.right, c.left);
    else if (c.kind === "Binary" && c.op === "==") {
      const g = guard(c.left, c.right) ?? guard(c.right, c.left);
      if (g !== null) out.push(g);
    }
  }
  return out;
}

function guard(field: Expr, lit: Expr): Guard | null {
  if (lit.kind !== "Literal" || lit.value === null) return null;
  const path = fieldPath(field);
  return path === null ? null : { path, value: lit.value };
}

/** `price` → [price]; `event.a.b` → [a, b]; anything else null. */
function fieldPath(e: Expr): string[] | null {
  if (e.kind === "Name") return [e.name.name];
  if (e.kind !== "Member") return null;
  if (e.object.kind === "Event") return [e.property.name];
  const base = e.object.kind === "Member" ? fieldPath(e.object) : null;
  return base === null || e.object.kind === "Name" ? null : [...base, e.property.name];
}

function termStage(term: Term, outer: Strategy, scope: StageScope): Stage {
  const s = shape(term.quantifier, term.modifiers);
  const variable = scope.variables.get(term.variable.name);
  if (variable === undefined) throw new Error(`variable ${term.variable.name} has no index`);
  return {
    name: term.variable.name,
    variable,
    condition: termCondition(term, scope),
    outer,
    inner: innerStrategy(term.modifiers),
    ...s,
    greedy: term.modifiers.some((m) => m.name === "greedy"),
    until: untilCond(term.modifiers, scope, variable),
    window: term.within?.ms ?? null,
    group: null,
    previous: null,
  };
}

function groupStage(group: Group, outer: Strategy, scope: StageScope): Stage {
  const s = shape(group.quantifier, group.modifiers);
  return {
    name: "(group)",
    variable: -1,
    condition: TRUE,
    outer,
    inner: innerStrategy(group.modifiers),
    ...s,
    greedy: false,
    until: untilCond(group.modifiers, scope, -1),
    window: null,
    group: buildStages(group.body, scope),
    previous: null,
  };
}
