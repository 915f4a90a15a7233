/**
 * Trace records (format version 1): what happened to each partial match of a traced
 * (pattern, key) as events were fed and time passed. Plain JSON, one object per
 * happening; `cep run --trace` writes them as NDJSON and `cep why` reads them.
 * docs/library.md documents every field.
 */
import type { SourceAt } from "../../compile/debug.js";

/** The version of the record format; every record carries it as `v`. */
export const TRACE_VERSION = 1;

/**
 * What happened to a partial match (or, for `skipped`, to an event):
 *
 * - `created`: the event started a partial match (its first term took it);
 * - `took`: the partial match took the event (`term`); a fork has a new `id` and `from`;
 * - `ignored`: it skipped the event and still waits for the same term (perhaps now in that term's ignore
 *   state; `rejected` says why the terms it waited for did not take it);
 * - `proceeded`: it moved on without the event (past an optional term or out of a loop), then waited;
 * - `died`: it ended without a match (`reason`);
 * - `completed`: it became a match (emitted now, or `heldBack` next); a match completed by a take that
 *   also goes on (a loop) is a fork (`from`) of the partial match that goes on;
 * - `timedOut`: its window passed and an `on timeout` record was emitted;
 * - `heldBack`: a completed match waits for an earlier partial match (`by`) under a skip strategy;
 * - `released`: a held-back match was emitted;
 * - `pruned`: the skip strategy discarded it — a partial match or a completed one not yet emitted — when the match `by` was emitted;
 * - `dropped`: a state limit discarded it;
 * - `ended`: the input ended while it was still waiting;
 * - `rejected`: the event started no partial match: a first term of its type did not take it (`rejected`);
 * - `skipped`: the event was not fed to the pattern for this key (late, missing key, schema).
 */
export type TraceOp =
  | "created"
  | "took"
  | "ignored"
  | "proceeded"
  | "died"
  | "completed"
  | "timedOut"
  | "heldBack"
  | "released"
  | "pruned"
  | "dropped"
  | "ended"
  | "rejected"
  | "skipped";

/** The event a record is about. `line` (and anything else) comes from {@link TraceOptions.describeEvent}. */
export interface TraceEvent {
  /** Feed number: the engine's (time, arrival) order of events. */
  readonly seq: number;
  readonly time: number;
  readonly type: unknown;
  readonly [extra: string]: unknown;
}

/** One value a condition read, as `expr = value`. */
export interface TraceValue {
  readonly expr: string;
  readonly value: unknown;
}

/** Why a partial match died, or why a term did not take an event. `at` points into the pattern source. */
export type TraceReason =
  /** A `where` conjunct was not true: `result` is false or null (a null operand, language.md §3.4). */
  | {
      readonly rule: "condition";
      readonly term: string;
      readonly condition: string;
      readonly result: false | null;
      readonly values: readonly TraceValue[];
      readonly at: SourceAt | null;
    }
  /** The event's type is not the term's. */
  | {
      readonly rule: "type";
      readonly term: string;
      readonly expected: string;
      readonly got: unknown;
      readonly at: SourceAt | null;
    }
  /** Strict contiguity: `next` (between terms) or `consecutive` (inside a loop) needed this event, and `failed` says why the term did not take it. */
  | {
      readonly rule: "contiguity";
      readonly term: string;
      readonly modifier: "next" | "consecutive";
      readonly failed: TraceReason | null;
      readonly at: SourceAt | null;
    }
  /** A negated term (`not next X`, `not followed by X`) matched the event. */
  | {
      readonly rule: "negation";
      readonly term: string;
      readonly op: "notNext" | "notFollowedBy";
      readonly at: SourceAt | null;
    }
  /** A window passed: the pattern's (`start` = first event) or a term's (`start` = the previous event). */
  | {
      readonly rule: "window";
      readonly scope: "pattern" | "term";
      readonly term: string | null;
      readonly ms: number;
      readonly start: number;
      readonly deadline: number;
      readonly at: SourceAt | null;
    }
  /** A loop's `until` held for the event. */
  | {
      readonly rule: "until";
      readonly term: string;
      readonly condition: string;
      readonly values: readonly TraceValue[];
      readonly at: SourceAt | null;
    }
  /** A `greedy` loop's condition held, so the following term could not take the event. */
  | {
      readonly rule: "greedy";
      readonly term: string;
      readonly condition: string;
      readonly at: SourceAt | null;
    }
  /** The after-match skip strategy discarded it when match `match` was emitted. */
  | {
      readonly rule: "skip";
      readonly strategy: string;
      readonly match: string | null;
      readonly at: SourceAt | null;
    }
  /** A state limit (`limits.*`). */
  | { readonly rule: "limit"; readonly limit: "partialMatchesPerKey" | "keys" | "partialMatches" | "memory" }
  /** The event was late (event time at or before the watermark, or beyond the out-of-orderness bound). */
  | { readonly rule: "late"; readonly watermark: number }
  /** The event lacks this pattern's key (`path`). */
  | { readonly rule: "missingKey"; readonly path: string }
  /** The event did not fit its type's `event` declaration. */
  | { readonly rule: "schema" }
  /** The input ended. */
  | { readonly rule: "end" };

/** One trace record. */
export interface TraceRecord {
  readonly v: typeof TRACE_VERSION;
  readonly op: TraceOp;
  readonly pattern: string;
  readonly key: unknown;
  /** The partial match (`p1`, `p2`, … in order of creation, per engine); null for `rejected` and `skipped`. */
  readonly id: string | null;
  /** For a fork: the partial match it split from. */
  readonly from?: string;
  /** The event fed; null when time passed or the input ended. */
  readonly event: TraceEvent | null;
  /**
   * When time passed because an event arrived (before that event is fed): that event, on
   * the endings the time advance caused (`timedOut`, `died` by a window, `completed` by a
   * trailing `not followed by`). Absent when a watermark or the end of input moved time.
   */
  readonly cause?: TraceEvent;
  /** The engine's time at the step: the event's, or the time advanced to; null at the end of input or when unknown. */
  readonly time: number | null;
  /** The NFA state it waits in after the step (before it, for endings), as `cep explain` names it. */
  readonly state?: string;
  /** The term that took the event (`created`, `took`). */
  readonly term?: string;
  /** The events it holds, oldest first: feed number and term. */
  readonly events?: readonly { readonly seq: number; readonly term: string }[];
  /** Why it ended (`died`, `timedOut`, `pruned`, `dropped`, `ended`), or why the event was skipped. */
  readonly reason?: TraceReason;
  /** `ignored`, `proceeded`, `rejected`: why each term it waits for did not take the event (absent when one did, under `followed by any`). */
  readonly rejected?: readonly TraceReason[];
  /** `heldBack`: the earlier partial match it waits for; `pruned`: the match that pruned it. */
  readonly by?: string;
}

/** Tracing options of an engine ({@link EngineOptions.trace}). */
export interface TraceOptions {
  /** Patterns to trace, by name (default: all). */
  readonly patterns?: readonly string[];
  /**
   * Keys to trace: values compared as JSON (`"u1"`, `42`, `["a", 1]`), or a predicate
   * (default: every key — meant for small inputs).
   */
  readonly keys?: readonly unknown[] | ((key: unknown) => boolean);
  /** Receives every record, in order. */
  readonly sink: (record: TraceRecord) => void;
  /** Extra fields for a record's `event` (`cep run` adds the input `line`). */
  readonly describeEvent?: (event: unknown) => Record<string, unknown> | undefined;
}
