/**
 * AST → Flink-style stage chain.
 *
 * Flink compiles a `Pattern`: a linked list of stages, each with an outer consuming
 * strategy (how its first element is reached), an inner one (between its elements),
 * quantifier properties, `times`, `until` and windows (flink-semantics.md §1, §3).
 * Our sequences map onto exactly that shape, so the NFA builder can be a faithful port
 * of Flink's `NFACompiler` (see `build-nfa.ts`).
 */
import type {
  Alternation,
  Expr,
  Group,
  Modifier,
  Permute,
  PermuteOp,
  Quantifier,
  Sequence,
  SequenceItem,
  Term,
} from "../lang/ast.js";
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
  /**
   * For an alternation (and a `permute`, the alternation of its orders): the last stage of
   * each alternative's chain, in source order; null otherwise.
   */
  readonly alternatives: readonly Stage[] | null;
  /**
   * The first stage of an alternative: how its first element is reached is decided by the
   * enclosing alternation (build-nfa.ts), not by `outer`.
   */
  readonly altHead: boolean;
  /** The stage before this one in its chain (null for the first). */
  previous: Stage | null;
}

/** What stage building needs from the checked pattern. */
export interface StageScope {
  readonly variables: ReadonlyMap<string, number>;
}

/**
 * A scope for one pattern's chain: conditions are compiled once per AST node, so the
 * copies of an element in every order of a `permute` share their `Cond`s (the runtime's
 * type verdicts, generated code and the alternation's start condition see one condition).
 */
interface BuildScope extends StageScope {
  readonly conds: Map<object, Cond | null>;
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
  return chain(
    seq.elements.map((el) => ({ item: el.item, op: el.op })),
    { ...scope, conds: new Map() },
    false,
  );
}

/** Stages for items joined by operators (the first item's operator is null); returns the last. */
function chain(
  items: readonly { readonly item: SequenceItem; readonly op: string | null }[],
  scope: BuildScope,
  altHead: boolean,
): Stage {
  let previous: Stage | null = null;
  for (const { item, op } of items) {
    const outer: Strategy = op === null ? "STRICT" : OP_STRATEGY[op];
    const stage = itemStage(item, outer, scope, altHead && previous === null);
    stage.previous = previous;
    previous = stage;
  }
  if (previous === null) throw new Error("empty sequence");
  return previous;
}

function itemStage(item: SequenceItem, outer: Strategy, scope: BuildScope, altHead: boolean): Stage {
  switch (item.kind) {
    case "Term":
      return termStage(item, outer, scope, altHead);
    case "Group":
      return groupStage(item, outer, scope, altHead);
    case "Alternation":
      return alternationStage(item, outer, scope, altHead);
    case "Permute":
      return permuteStage(item, outer, scope, altHead);
  }
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

function untilCond(mods: readonly Modifier[], scope: BuildScope, variable: number): Cond | null {
  const u = mods.find((m) => m.name === "until");
  if (!u?.condition) return null;
  const known = scope.conds.get(u);
  if (known !== undefined) return known;
  const made = makeUntil(u.condition, scope, variable);
  scope.conds.set(u, made);
  return made;
}

function makeUntil(expr: Expr, scope: StageScope, variable: number): Cond {
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

function termStage(term: Term, outer: Strategy, scope: BuildScope, altHead: boolean): Stage {
  const s = shape(term.quantifier, term.modifiers);
  const variable = scope.variables.get(term.variable.name);
  if (variable === undefined) throw new Error(`variable ${term.variable.name} has no index`);
  let condition = scope.conds.get(term);
  if (condition == null) {
    condition = termCondition(term, scope);
    scope.conds.set(term, condition);
  }
  return {
    name: term.variable.name,
    variable,
    condition,
    outer,
    inner: innerStrategy(term.modifiers),
    ...s,
    greedy: term.modifiers.some((m) => m.name === "greedy"),
    until: untilCond(term.modifiers, scope, variable),
    window: term.within?.ms ?? null,
    group: null,
    alternatives: null,
    altHead,
    previous: null,
  };
}

function groupStage(group: Group, outer: Strategy, scope: BuildScope, altHead: boolean): Stage {
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
    group: chain(
      group.body.elements.map((el) => ({ item: el.item, op: el.op })),
      scope,
      false,
    ),
    alternatives: null,
    altHead,
    previous: null,
  };
}

/** The name of an alternation's fork state (`cep explain` shows it). */
export const ALTERNATION = "(alt)";
/** The name of a `permute`'s fork state. */
export const PERMUTE = "(permute)";

/** `( s1 | s2 | … )`: a group whose body is one of several chains, each ending where the alternation ends. */
function alternationStage(alt: Alternation, outer: Strategy, scope: BuildScope, altHead: boolean): Stage {
  const s = shape(alt.quantifier, alt.modifiers);
  return {
    name: ALTERNATION,
    variable: -1,
    condition: TRUE,
    outer,
    inner: innerStrategy(alt.modifiers),
    ...s,
    greedy: false,
    until: untilCond(alt.modifiers, scope, -1),
    window: null,
    group: null,
    alternatives: alt.alternatives.map((seq) =>
      chain(
        seq.elements.map((el) => ({ item: el.item, op: el.op })),
        scope,
        true,
      ),
    ),
    altHead,
    previous: null,
  };
}

/**
 * `permute op (e1, …, en)`: the alternation of the n! orders of its elements joined by
 * `op`, ordered by element positions (e1 e2 e3, e1 e3 e2, …; language.md §3.3a). Every
 * order builds its own stages from the same AST nodes: the variables keep their indices
 * (one order is taken per match) and the conditions are shared (see {@link BuildScope}).
 */
function permuteStage(perm: Permute, outer: Strategy, scope: BuildScope, altHead: boolean): Stage {
  const op: PermuteOp = perm.op;
  return {
    name: PERMUTE,
    variable: -1,
    condition: TRUE,
    outer,
    inner: "SKIP_TILL_NEXT",
    looping: false,
    times: null,
    optional: false,
    greedy: false,
    until: null,
    window: null,
    group: null,
    alternatives: permutations(perm.elements.length).map((order) =>
      chain(
        order.map((i, k) => ({ item: perm.elements[i], op: k === 0 ? null : op })),
        scope,
        true,
      ),
    ),
    altHead,
    previous: null,
  };
}

/** Every order of 0 … n−1, lexicographically (0 1 2, 0 2 1, 1 0 2, …). */
export function permutations(n: number): number[][] {
  const out: number[][] = [];
  const rest = (prefix: number[], left: number[]): void => {
    if (left.length === 0) {
      out.push(prefix);
      return;
    }
    for (let i = 0; i < left.length; i++)
      rest([...prefix, left[i]], [...left.slice(0, i), ...left.slice(i + 1)]);
  };
  rest(
    [],
    Array.from({ length: n }, (_, i) => i),
  );
  return out;
}
