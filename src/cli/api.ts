/**
 * What the command line needs from the library, as structural types.
 *
 * The CLI is a thin shell over the public API (`src/index.ts`); `main.ts` passes the
 * real one, tests pass a stub. Keeping the CLI code free of a runtime import of the
 * library lets its tests run without the engine and keeps the dependency one-way.
 */
import type { Diagnostic } from "../lang/diagnostics.js";
import type { ShellEnv } from "../shell/env.js";
import type { CliTraceOptions } from "./trace-option.js";

/** One pattern source file. */
export interface SourceFile {
  readonly file: string;
  readonly source: string;
}

/**
 * The per-pattern facts the CLI prints (check, explain). All optional but `name` and
 * `file`, and read defensively, so the CLI keeps working while the compiled model grows.
 */
export interface CompiledPattern {
  readonly name: string;
  readonly file: string;
  /** `key by` paths as written. */
  readonly keyPathText?: readonly string[];
  /** Term-level windows. */
  readonly termWindows?: readonly { readonly variable: string; readonly ms: number }[];
  /** Variables in term order. */
  readonly variables?: readonly { readonly name: string; readonly negated: boolean }[];
  /** Extra or overriding facts for `cep check` (see `PatternSummary` in check.ts). */
  readonly summary?: unknown;
  /** The plain NFA description (explain-render.ts `NfaDescription`) for dot/mermaid. */
  readonly description?: unknown;
  /** The compiled NFA (its `states.length` is the state count). */
  readonly nfa?: unknown;
  /** `explain()`: the stable text dump of the NFA. */
  readonly explain?: unknown;
}

/** A compiled set of pattern files. */
export interface CompiledProgram {
  readonly patterns: readonly CompiledPattern[];
  readonly warnings: readonly Diagnostic[];
}

/** Options of `new Engine(program, options)` that the CLI sets. */
export interface EngineOptions {
  typeField: string;
  timeField: string;
  outOfOrderness: number;
  processingTime: boolean;
  clock?: () => number;
  watermarksOnly: boolean;
  /** Run only these patterns. */
  patterns?: string[];
  /** State limits (`--memory-limit`). */
  limits?: { memory?: number };
  /** `false`: do not check events against declared schemas. */
  schemaCheck?: boolean;
  /** `--trace`: the engine's trace option (records, keys, input lines). */
  trace?: CliTraceOptions;
}

/** A match or timeout record (language.md §5); written as it comes. */
export interface OutputRecord {
  readonly pattern: string;
  readonly [field: string]: unknown;
}

/** What the CLI reads from `engine.stats()`; read defensively. */
export interface EngineStats {
  readonly events?: number;
  readonly partialMatches?: number;
  /** Partial matches dropped by the state limits. */
  readonly dropped?: number;
  /** Events skipped silently for a missing key of a pattern that never mentions their type. */
  readonly unkeyed?: number;
  /** Events that did not fit their type's declaration. */
  readonly schemaErrors?: number;
  /** `--metrics`: live partial matches and keys holding state, per pattern; the engine's time (ms). */
  readonly partialMatchesByPattern?: Readonly<Record<string, number>>;
  readonly keysByPattern?: Readonly<Record<string, number>>;
  readonly watermark?: number | null;
}

/** The engine, as the CLI drives it. */
export interface RunEngine {
  on(event: "match" | "timeout", listener: (record: OutputRecord) => void): unknown;
  on(event: "late", listener: (event: unknown, reason: string) => void): unknown;
  on(event: "error", listener: (error: { reason: string; event: unknown }) => void): unknown;
  on(event: "warning", listener: (message: string) => void): unknown;
  /** `bytes`: the event's size as read (its line's length), for the memory limit. */
  push(event: unknown, bytes?: number): void;
  end(): void;
  stats(): EngineStats;
  /** `--follow --processing-time`: time moves on to the clock without an event (the library's `tick`). */
  tick?(): void;
  /** `--watch`: replaces the pattern set between two events (the library's `updatePatterns`). */
  updatePatterns?(program: any, options?: { patterns?: string[] }): PatternSetChange;
}

/** What a pattern-set update did, by pattern name (the library's `PatternUpdate`). */
export interface PatternSetChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  readonly kept: readonly string[];
}

/** The library entry points the CLI uses. */
export interface CepApi {
  /** Throws a `CompileError` (with `.diagnostics`) when a file has errors. */
  compile(sources: SourceFile[], options?: { typeField?: string; timeField?: string }): CompiledProgram;
  /** The engine class; `any` because it takes the library's own `Program` type. */
  Engine: new (
    program: any,
    options: EngineOptions,
  ) => RunEngine;
  /** The class `compile` throws, for `instanceof`. */
  CompileError: abstract new (
    ...args: any[]
  ) => { readonly diagnostics: readonly Diagnostic[] };
  /** A code frame (language.md §7), coloured or not. */
  renderDiagnostic(d: Diagnostic, source: string, options: { color: boolean }): string;
}

/** The process around a command (streams, environment, clocks) and the library it drives. Injected for tests. */
export interface CliEnv extends ShellEnv {
  readonly api: CepApi;
}

// Defined beside `ShellEnv`, as the REPL throws it too; every CLI module imports it from here.
export { UsageError, useColor } from "../shell/env.js";
