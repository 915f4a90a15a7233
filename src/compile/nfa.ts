/**
 * The compiled NFA: plain, immutable data the runtime walks. Mirrors Flink CEP's
 * `State` / `StateTransition` (flink-semantics.md §1): states with ordered TAKE /
 * IGNORE / PROCEED edges; Start, Final, Stop and Pending states.
 */
import type { EvalContext } from "./eval-context.js";

/** What an edge does with the event (Flink `StateTransitionAction`). */
export type EdgeAction = "take" | "ignore" | "proceed";

/** Kinds of states (Flink `State.StateType`, plus `start` as a flag made a kind for display). */
export type StateKind = "normal" | "start" | "final" | "stop" | "pending";

/**
 * The context a condition is evaluated in: the compiled-expression context plus the
 * event's type (the engine's type field, resolved once per event).
 */
export interface MatchContext extends EvalContext {
  /** The value of the type field of the event being tested (a string, or undefined). */
  eventType: unknown;
}

/** A compiled edge condition with its source form (for dumps). */
export interface Cond {
  readonly test: (ctx: MatchContext) => boolean;
  /** Source form: `type == "A" and price > 10`, `not (…)`, `true`. */
  readonly src: string;
  /** True when the condition is the constant `true` (lets the runtime skip evaluation). */
  readonly isTrue: boolean;
  /**
   * The event types for which the condition can hold, or null for any type. Lets the
   * runtime skip events that cannot start a match without evaluating anything.
   */
  readonly types: readonly string[] | null;
  /**
   * What the condition gives for any event of this type, whatever the branch: true, false,
   * or null when it depends on more than the type. Lets the runtime decide, per state and
   * event type, that a branch is unchanged (or dead) without evaluating anything.
   */
  readonly verdict: (eventType: unknown) => boolean | null;
  /**
   * Equalities of a field of the current event with a literal that must all hold for the
   * condition to hold (`sym == "AAPL"`): lets the engine index patterns by them.
   */
  readonly guards: readonly Guard[];
  /** For `not c`: c (a SKIP_TILL_NEXT ignore edge negates the take edge just evaluated). */
  readonly negOf: Cond | null;
  /**
   * How the condition is made, for explanations (traces, `cep why`): `and`/`not` of other
   * conditions, or a leaf that names what it tests. Never read while matching.
   */
  readonly parts: CondParts | null;
  /**
   * The condition as JavaScript source, for generated matchers (codegen): a boolean
   * expression that gives exactly what `test` gives, written into `scope`; null when the
   * condition has no such form (the generated code then calls `test`). Nothing from the
   * pattern text reaches the source except through `scope.literal`.
   */
  readonly emit: ((scope: CodeScope) => string | null) | null;
}

/**
 * Where a {@link Cond.emit}ted expression lives in generated code: the names it may use
 * and how it refers to values that are not code.
 */
export interface CodeScope {
  /** The identifier holding the current event (`ctx.event`). */
  readonly ev: string;
  /** The identifier holding the bound {@link MatchContext}. */
  readonly ctx: string;
  /**
   * An expression reading `value` from the generated function's parameters (never the
   * value spelled out as code): patterns that differ only in literals get the same source.
   */
  literal(value: unknown): string;
  /**
   * An expression naming a runtime helper by name: a key of `CODE_HELPERS`
   * (compile/code-helpers.ts, the value operations of compile/functions.ts).
   */
  helper(name: string): string;
}

/**
 * The structure of a {@link Cond}: what a trace needs to say which part of an edge
 * condition decided it (a term's type test, one of its `where` conjuncts, its `until`).
 */
export type CondParts =
  | { readonly op: "and"; readonly a: Cond; readonly b: Cond }
  | { readonly op: "not"; readonly c: Cond }
  | { readonly op: "type"; readonly type: string }
  /** A term's `where` (`until`): `variable` indexes the variable table, −1 for a group's `until`. */
  | { readonly op: "where" | "until"; readonly variable: number };

/** `path == value` on the current event, value a string, number or boolean. */
export interface Guard {
  readonly path: readonly string[];
  readonly value: string | number | boolean;
}

/** One transition. `target` is a state index. */
export interface Edge {
  readonly action: EdgeAction;
  readonly target: number;
  readonly cond: Cond;
}

/** One NFA state. */
export interface NfaState {
  /** Index in `CompiledNfa.states`. */
  readonly id: number;
  /** Flink-style name: `b`, `b:0`; the Final state is `match` (Flink's `$endState$`). */
  readonly name: string;
  readonly kind: StateKind;
  /** The variable whose events this state's TAKE edges store (index in the variable table), or -1. */
  readonly variable: number;
  /** Term-level window (Flink PREVIOUS_AND_CURRENT) for branches waiting here, in ms, or null. */
  readonly window: number | null;
  /**
   * For the fork state of an alternation or `permute` (a branch waiting for the first term
   * of every alternative): the number of alternatives, whose first states its first `fork`
   * edges (PROCEED) enter, in source order; 0 (or absent, in hand-made NFAs) for every
   * other state.
   */
  readonly fork?: number;
  readonly edges: readonly Edge[];
}

/** A compiled NFA of one pattern. */
export interface CompiledNfa {
  readonly states: readonly NfaState[];
  /** Index of the Start state. */
  readonly start: number;
  /** Pattern-level window (FIRST_AND_LAST) in ms, or null. */
  readonly window: number | null;
  /**
   * The event types that can start a match (TAKE edges reachable from Start), or null when
   * any event can. An event of another type only matters to keys that already hold state.
   */
  readonly startTypes: ReadonlySet<string> | null;
}
