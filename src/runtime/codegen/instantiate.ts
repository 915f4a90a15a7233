/**
 * Generated matchers: one `new Function` per distinct source (patterns that differ only in
 * literals and names share it: one copy of hot code, one set of V8 feedback), called once
 * per pattern with that pattern's data. A pattern the generator does not handle falls back
 * to the interpreter, with the reason kept for `cep explain --code`.
 */
import type { CompiledPattern } from "../../compile/model.js";
import { type GeneratedProcess, generateProcess } from "./process.js";
import { HELPERS } from "./source.js";
import { TooLarge } from "./step.js";

/** The `process` signature of `Matcher` (kept structural: this folder does not import the matcher). */
export type ProcessFn = (
  ks: never,
  event: unknown,
  eventType: unknown,
  info: never,
  time: number,
  seq: number,
  out: never,
) => void;

/** Per-matcher data the generated code reads (besides the pattern's literals, closures and window). */
export interface MatcherParams {
  /** The matcher: `potentialScratch`, `cells`, `lastDeadline`, `unpruned`, `deadlineOf`, `releaseCompleted`, `outcome`. */
  readonly M: unknown;
  /** Its reused condition context. */
  readonly ctx: unknown;
  /** Its Start branch. */
  readonly S: unknown;
  /** The cell constructors (matcher.ts), passed in so this folder does not import the matcher. */
  readonly takeCell: unknown;
  readonly withState: unknown;
}

type Factory = (P: Record<string, unknown>) => ProcessFn;

/** Source text → its compiled factory. Bounded: a program has few distinct pattern shapes. */
const factories = new Map<string, Factory>();
const FACTORY_LIMIT = 1024;

let enabledByDefault = true;

/** Whether engines generate matchers when `EngineOptions.codegen` is not given (default true). */
export function codegenDefault(): boolean {
  return enabledByDefault;
}

/** Internal (test set-up): the default for `EngineOptions.codegen`, so whole suites run on either path. */
export function setCodegenDefault(on: boolean): void {
  enabledByDefault = on;
}

/** A pattern's generated `process`, or why it runs on the interpreter. */
export type Generated = { readonly process: ProcessFn } | { readonly fallback: string };

/** Generates, compiles (once per source) and instantiates a pattern's `process`. */
export function generatedMatcher(pattern: CompiledPattern, params: MatcherParams): Generated {
  const gen = generate(pattern, false);
  if ("fallback" in gen) return gen;
  let factory = factories.get(gen.source);
  if (factory === undefined) {
    try {
      factory = new Function("P", gen.source) as Factory;
    } catch (err) {
      // e.g. --disallow-code-generation-from-strings
      return { fallback: `cannot compile generated code: ${(err as Error).message}` };
    }
    if (factories.size < FACTORY_LIMIT) factories.set(gen.source, factory);
  }
  const process = factory({
    ...params,
    L: gen.literals,
    T: gen.tests,
    H: HELPERS,
    W: pattern.nfa.window,
    // Successors of one event for one key, reused by every event (no array per event).
    NX: [],
  });
  return { process };
}

/** The source a pattern runs on (annotated: state names and conditions in comments), or why it cannot. */
export function generatedSource(
  pattern: CompiledPattern,
): { readonly source: string } | { readonly fallback: string } {
  const gen = generate(pattern, true);
  return "fallback" in gen ? gen : { source: gen.source };
}

function generate(
  pattern: CompiledPattern,
  annotate: boolean,
): GeneratedProcess | { readonly fallback: string } {
  try {
    return generateProcess(pattern, annotate);
  } catch (err) {
    if (err instanceof TooLarge) return { fallback: err.message };
    // A condition's `emit` that fails: the closures still work.
    return { fallback: `a condition has no generated form: ${(err as Error).message}` };
  }
}

/** Distinct generated sources compiled so far (tests: patterns that differ in literals share one). */
export function compiledSourceCount(): number {
  return factories.size;
}
