/**
 * Cepheus — complex event processing with Apache Flink CEP's semantics and a real
 * pattern language.
 *
 * ```ts
 * import { compile, Engine } from "cepheus";
 * const program = compile(`pattern P { key by user  within 5 minutes
 *   match a: LoginFailed{3,} followed by b: LoginOk }`);
 * const engine = new Engine(program);
 * engine.on("match", (record) => console.log(record));
 * engine.push({ type: "LoginFailed", user: "alice", ts: 0 });
 * engine.end();
 * ```
 */

// --- Compiling patterns ---

export type { NfaDescription } from "./compile/dump.js";
export type { CompiledCondition, CompiledExpr, EvalContext } from "./compile/eval-context.js";
/** The compiled model. */
export type { CompiledPattern, EmitFn, Program, SkipModel, VariableModel } from "./compile/model.js";
/** The compiled NFA (for tools: explain, renderers). */
export type {
  CompiledNfa,
  Cond,
  Edge,
  EdgeAction,
  MatchContext,
  NfaState,
  StateKind,
} from "./compile/nfa.js";
export type { CompileOptions, ExplainablePattern, SourceFile } from "./compile/program.js";
/** Compile `.pattern` source into a runnable {@link Program}. */
export { compile } from "./compile/program.js";

// --- Diagnostics ---

export type { Diagnostic, Severity } from "./lang/diagnostics.js";
/** Thrown by {@link compile}; carries every diagnostic. */
export { CompileError } from "./lang/diagnostics.js";
/** Print diagnostics: `file:line:col: CODE message`, or with a code frame. */
export { formatDiagnostic, renderDiagnostic } from "./lang/format.js";

// --- The front end, for tools ---

export type * as ast from "./lang/ast.js";
export type { CheckResult, PatternInfo, VariableInfo } from "./lang/check.js";
/** Check parsed files together (names, variables, modifiers, windows, schemas). */
export { check } from "./lang/check.js";
/** Parse one file into an AST and diagnostics (never throws). */
export { parse } from "./lang/parse.js";

// --- Running ---

export type {
  BatchRecord,
  BatchResult,
  DirtyKeys,
  EngineError,
  EngineEvents,
  EngineOptions,
  EngineStats,
  StateLimits,
} from "./runtime/engine.js";
/** The engine: feed events, receive matches and timeouts. */
export { DEFAULT_LIMITS, Engine, LimitError } from "./runtime/engine.js";
export type { MatchRecord } from "./runtime/records.js";
export type { KeySnapshot, PartitionSnapshot, Snapshot } from "./runtime/snapshot.js";
