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

/** Compile `.pattern` source into a runnable {@link Program}. */
export { compile } from "./compile/program.js";
export type { CompileOptions, SourceFile, ExplainablePattern } from "./compile/program.js";
/** The compiled model. */
export type { Program, CompiledPattern, VariableModel, SkipModel, EmitFn } from "./compile/model.js";
/** The compiled NFA (for tools: explain, renderers). */
export type { CompiledNfa, NfaState, Edge, EdgeAction, StateKind, Cond, MatchContext } from "./compile/nfa.js";
export type { NfaDescription } from "./compile/dump.js";
export type { EvalContext, CompiledExpr, CompiledCondition } from "./compile/eval-context.js";

// --- Diagnostics ---

/** Thrown by {@link compile}; carries every diagnostic. */
export { CompileError } from "./lang/diagnostics.js";
export type { Diagnostic, Severity } from "./lang/diagnostics.js";
/** Print diagnostics: `file:line:col: CODE message`, or with a code frame. */
export { formatDiagnostic, renderDiagnostic } from "./lang/format.js";

// --- The front end, for tools ---

/** Parse one file into an AST and diagnostics (never throws). */
export { parse } from "./lang/parse.js";
/** Check parsed files together (names, variables, modifiers, windows, schemas). */
export { check } from "./lang/check.js";
export type { PatternInfo, VariableInfo, CheckResult } from "./lang/check.js";
export type * as ast from "./lang/ast.js";

// --- Running ---

/** The engine: feed events, receive matches and timeouts. */
export { Engine } from "./runtime/engine.js";
export type { EngineOptions, EngineStats, EngineError, EngineEvents } from "./runtime/engine.js";
export type { MatchRecord } from "./runtime/records.js";
