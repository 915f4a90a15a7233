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

/** Source positions and per-conjunct conditions of a pattern, for explanations. */
export type {
  ConditionDebug,
  ConjunctDebug,
  PatternDebug,
  ReadDebug,
  SourceAt,
  TermDebug,
} from "./compile/debug.js";
export type { NfaDescription } from "./compile/dump.js";
export type { CompiledCondition, CompiledExpr, EvalContext } from "./compile/eval-context.js";
/** The compiled model. */
export type { CompiledPattern, EmitFn, Program, SkipModel, VariableModel } from "./compile/model.js";
/** The compiled NFA (for tools: explain, renderers). */
export type {
  CompiledNfa,
  Cond,
  CondParts,
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
export type { TypesOptions, TypesSource } from "./lang/dts.js";
/** TypeScript declarations of event schemas and match records (`cep types`; docs/library.md "Typed matches"). */
export { generateTypes } from "./lang/dts.js";
export type { FormatOptions, FormatResult, RangeFormatResult } from "./lang/fmt/index.js";
/**
 * `cep fmt`'s canonical layout: `formatSource(source, file)` formats a whole file
 * (refused, with its diagnostics, when it has a syntax error); `formatRange(source,
 * file, span)` the blocks a range touches (editors' range formatting).
 */
export { formatRange, formatSource } from "./lang/fmt/index.js";
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
  PatternUpdate,
  ReplacedInfo,
  StateLimits,
  UpdateOptions,
} from "./runtime/engine.js";
/** The engine: feed events, receive matches and timeouts. */
export { DEFAULT_LIMITS, Engine, LimitError } from "./runtime/engine.js";
export type { MatchRecord } from "./runtime/records.js";
export type { KeySnapshot, PartitionSnapshot, Snapshot } from "./runtime/snapshot.js";

// --- Tracing: why a pattern did or did not match (docs/library.md "Tracing") ---

/** Trace reasons and records as one line of text each. */
export { reasonText, recordText } from "./runtime/trace/describe.js";
/** Trace records: what each partial match of a traced key did with each event, and why it ended. */
export type {
  TraceEvent,
  TraceOp,
  TraceOptions,
  TraceReason,
  TraceRecord,
  TraceValue,
} from "./runtime/trace/records.js";
/** The trace record format's version (`v` of every record). */
export { TRACE_VERSION } from "./runtime/trace/records.js";
/** Why a key did (not) match, from its trace records: the furthest partial matches, what ended them, an expectation's verdict. */
export type {
  WhyEnd,
  WhyEvent,
  WhyEventRef,
  WhyExpectation,
  WhyExpected,
  WhyHeld,
  WhyInput,
  WhyNotFed,
  WhyOutcome,
  WhyPartial,
  WhyRejection,
  WhyReport,
  WhyVerdict,
} from "./runtime/trace/why.js";
/** Explains one (pattern, key) from its trace records (`cep why`); throws WhyExpectationError for an expectation that names no input event. */
export { explainWhy, WhyExpectationError } from "./runtime/trace/why.js";
export type { WhyTextOptions } from "./runtime/trace/why-text.js";
/** A why report as text, with code frames into the pattern source (what `cep why` prints). */
export { whyText } from "./runtime/trace/why-text.js";

// --- Scale-out on Redis (docs/scale-out.md) ---

export { assign } from "./scaleout/assign.js";
export type { ConsumeOptions } from "./scaleout/consumer.js";
/** Reads a job's matches through a consumer group, each with its id `p:src:i` (at-least-once delivery). */
export { consume } from "./scaleout/consumer.js";
export type { Client, CommitArgs, PartitionKeys } from "./scaleout/functions.js";
/** The Redis Function library and its calls: claim, renew, release, the atomic commit; key names. */
export {
  claim,
  commit,
  FencedError,
  keys,
  LIBRARY,
  loadFunctions,
  release,
  renew,
} from "./scaleout/functions.js";
/** FNV-1a (UTF-8) partitioning and balanced rendezvous assignment, as every producer and worker computes them. */
export { fnv1a32String, partitionOf } from "./scaleout/hash.js";
export type { ConnectOptions, JobConfig, JobRequest } from "./scaleout/job.js";
/** Redis connections and the job's fixed settings (`cep:job`). */
export { connect, ensureJob, JobError, readJob } from "./scaleout/job.js";
export type { ProducerOptions, ProducerStats, Refusal } from "./scaleout/producer.js";
/** Partitions events into a job's input streams and owns time (watermark ticks). */
export { Producer } from "./scaleout/producer.js";
export type { JobStatus, PartitionStatus } from "./scaleout/status.js";
/** `cep status` as data and as text. */
export { renderStatus, status } from "./scaleout/status.js";
export type { DeployResult, PatternSetRecord } from "./scaleout/versions.js";
/** Pattern-set versions of a job: `cep deploy` as a function, and the version records it stores. */
export {
  deploy,
  initVersions,
  newestVersion,
  readVersion,
  setFingerprint,
  versionRecord,
} from "./scaleout/versions.js";
export type { OwnedPartition, WorkerOptions, WorkerStats } from "./scaleout/worker.js";
/** A worker: membership, leases, one engine per owned partition, atomic commits. */
export { Worker } from "./scaleout/worker.js";
