/**
 * The compiled model: everything the runtime needs about a pattern, as plain data and
 * functions. The runtime never sees the AST or the source text.
 */
import type { SkipStrategyName } from "../lang/ast.js";
import type { Diagnostic } from "../lang/diagnostics.js";
import type { TermChoice } from "../lang/items.js";
import type { PatternDebug } from "./debug.js";
import type { EvalContext } from "./eval-context.js";
import type { CompiledNfa } from "./nfa.js";

/** A variable of a pattern (term order, depth-first through groups). */
export interface VariableModel {
  readonly name: string;
  /** Negated variables (`not next X`) take no events and never appear in output. */
  readonly negated: boolean;
  /** The alternations it lies in, outermost first (`lang/items.ts` `termChoices`): a match holds terms of one alternative of each. */
  readonly choices: readonly TermChoice[];
}

/** The after-match skip strategy with its target variable index (-1 when none). */
export interface SkipModel {
  readonly strategy: SkipStrategyName;
  readonly target: number;
  /** The target's name, for display. */
  readonly targetName: string | null;
}

/** A field type of an `event` declaration (language.md §2). */
export type SchemaFieldType = "string" | "number" | "boolean" | "time" | "any";

/**
 * An `event` declaration as plain data: the runtime compiles it once into a check of the
 * events of that type (`runtime/schema.ts`).
 */
export interface SchemaModel {
  /** The declared event type. */
  readonly type: string;
  /** Declared fields in source order; `optional` for `T?`. */
  readonly fields: readonly {
    readonly name: string;
    readonly type: SchemaFieldType;
    readonly optional: boolean;
  }[];
}

/** An `emit { … }` projection compiled to a function of the finished record. */
export type EmitFn = (ctx: EvalContext) => Record<string, unknown>;

/** One compiled pattern. */
export interface CompiledPattern {
  readonly name: string;
  /** The file it came from, as given to `compile`. */
  readonly file: string;
  /** Position among all compiled patterns (file order, then files in the order given). */
  readonly order: number;
  readonly nfa: CompiledNfa;
  /** `key by` paths, each a list of field names; empty = one global partition. */
  readonly keyPaths: readonly (readonly string[])[];
  /** The key paths as written (`order.customer.id`), for messages. */
  readonly keyPathText: readonly string[];
  readonly variables: readonly VariableModel[];
  readonly skip: SkipModel;
  /** The match projection, or null (records then carry only `events`). */
  readonly emit: EmitFn | null;
  /** Whether partial matches that expire are reported (`on timeout`). */
  readonly reportTimeouts: boolean;
  /** The `on timeout emit { … }` projection, or null. */
  readonly timeoutEmit: EmitFn | null;
  /**
   * The declarations of the event types its terms name (negated terms included), one per
   * declared type: events of those types that do not fit are not fed to this pattern.
   */
  readonly schemas: readonly SchemaModel[];
  /** Term-level windows, for summaries: variable name → ms. */
  readonly termWindows: readonly { readonly variable: string; readonly ms: number }[];
  /**
   * Identity of the pattern's definition: a hash of its tokens (comments and spacing left
   * out) and of the `event` declarations it checks events against. A snapshot restores
   * only into patterns with the same names and fingerprints; `updatePatterns` keeps the
   * state of those.
   */
  readonly fingerprint: string;
  /**
   * A hash of the pattern's source text as written, the fingerprint earlier versions
   * recorded: a snapshot or checkpoint naming it restores as if it named {@link fingerprint}.
   */
  readonly sourceFingerprint: string;
  /** A stable, readable text dump of the NFA (what `cep explain` prints). */
  explain(): string;
  /**
   * Source positions and per-conjunct conditions for explanations (traces, `cep why`),
   * built on first call; null for patterns made without source.
   */
  debug(): PatternDebug | null;
}

/** The result of {@link compile}: patterns ready to run, and the warnings found. */
export interface Program {
  readonly patterns: readonly CompiledPattern[];
  /** Warnings (errors throw a `CompileError` instead). */
  readonly warnings: readonly Diagnostic[];
  /** The sources, by file name, so callers can render warnings with a code frame. */
  readonly sources: ReadonlyMap<string, string>;
}
