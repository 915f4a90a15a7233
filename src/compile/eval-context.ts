/**
 * The contract between compiled expressions and the runtime.
 *
 * Expressions (`where`, `until`, `emit`) compile once into plain functions of an
 * {@link EvalContext}; the runtime supplies one (usually a reused mutable object) per
 * evaluation. Variables are addressed by index in the pattern's variable table
 * (term order, see `PatternInfo.variables`), never by name, so nothing is looked up
 * by string per event.
 */

/** What a compiled expression may read. */
export interface EvalContext {
  /** The event being tested (`where`, `until`); in `emit`, null. */
  event: unknown;
  /** Time (ms) of the event being tested: `time()`; in `emit`, the record's `end`. */
  time: number;
  /** The partial match's key value: `key()`. */
  key: unknown;
  /** Events already taken by variable `v`, oldest first (empty when none). */
  taken(v: number): readonly unknown[];
  /** The times (ms) of those events, same order. */
  takenTimes(v: number): readonly number[];
  /** The last event taken by variable `v`, or null: `v.f`, `last(v)` (no array needed). */
  lastTaken(v: number): unknown;
  /** The event taken last by this partial match, whatever its variable; null when none. */
  prev(): unknown;
  /** Its time, or null when there is none. */
  prevTime(): number | null;
}

/** A compiled expression: never throws, returns a JSON-like value or null. */
export type CompiledExpr = (ctx: EvalContext) => unknown;

/** A compiled condition: true only when the expression is exactly `true`. */
export type CompiledCondition = (ctx: EvalContext) => boolean;
