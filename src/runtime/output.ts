/**
 * What leaves the engine: the outcomes of a step in language.md §5 order, built into
 * records and sent to the listeners (or captured by `batch`), and the reports of events
 * that could not be used, late events and limit warnings. Also the counters those
 * reports add to (`stats()`).
 *
 * The matchers append outcomes to {@link StepOutput.matches} and
 * {@link StepOutput.timeouts} during a step; {@link StepOutput.endStep} sorts and sends
 * them, and returns at once when the step produced nothing (the usual case).
 */
import type { CompiledPattern } from "../compile/model.js";
import type { Runner } from "./key-table.js";
import { type Cell, compareSeqs, type Outcome } from "./matcher.js";
import { type MatchRecord, RecordBuilder } from "./records.js";
import type { ReplacedInfo } from "./update.js";

/** One output of {@link Engine.batch}: a record and the index of the entry that produced it. */
export interface BatchRecord {
  readonly entry: number;
  readonly record: MatchRecord;
}

/** What {@link Engine.batch} returns: records and unusable entries, by entry index. */
export interface BatchResult {
  readonly records: BatchRecord[];
  readonly errors: { readonly entry: number; readonly reason: string }[];
}

/** A pushed event that could not be used. */
export interface EngineError {
  readonly reason: string;
  readonly event: unknown;
}

/** Listener signatures; `R` is the record type (`Match` of a file `cep types` wrote). */
export interface EngineEvents<R extends MatchRecord = MatchRecord> {
  match: (record: R) => void;
  timeout: (record: R) => void;
  late: (event: unknown, reason: string) => void;
  error: (error: EngineError) => void;
  /** A state limit was hit for the first time (once per limit kind). */
  warning: (message: string) => void;
  /** `updatePatterns` changed a pattern's definition: its old state was dropped (once per pattern and update). */
  replaced: (info: ReplacedInfo) => void;
}

/** Counters reported by {@link Engine.stats}. */
export interface EngineStats {
  events: number;
  matches: number;
  timeouts: number;
  late: number;
  bad: number;
  /** Live partial matches over all patterns and keys. */
  partialMatches: number;
  /** Keys holding state, over all patterns. */
  keys: number;
  /** Partial matches dropped by state limits. */
  dropped: number;
  /** Estimated bytes of state, as the `memory` limit counts them (limits.ts). */
  memory: number;
  /**
   * Events skipped silently by at least one pattern for a missing key because their type
   * is one that pattern never mentions (language.md §3; not reported, not bad).
   */
  unkeyed: number;
  /** Events that did not fit the declaration of their type (reported once each, withheld from the patterns using it). */
  schemaErrors: number;
  /** Partial and held-back matches dropped because `updatePatterns` (or an updating restore) changed their pattern. */
  replaced: number;
  /** Matches per pattern name. */
  matchesByPattern: Record<string, number>;
  /** Live partial matches per pattern name. */
  partialMatchesByPattern: Record<string, number>;
  /** Keys holding state per pattern name. */
  keysByPattern: Record<string, number>;
  /**
   * The time windows have closed up to, in ms (event time: the watermark, language.md §4;
   * processing time: the clock at the last event); null before the first event or watermark.
   */
  watermark: number | null;
}

/** Counters kept as events are reported (part of `stats()` and of snapshots). */
export interface Counters {
  events: number;
  matches: number;
  timeouts: number;
  late: number;
  bad: number;
  unkeyed: number;
  schemaErrors: number;
  replaced: number;
}

/** A step's outcomes and the engine's reports, to listeners or a batch's capture. */
export class StepOutput {
  /** Matches of the step being run (the matchers append to it). */
  readonly matches: Outcome[] = [];
  /** Timeouts of the step being run. */
  readonly timeouts: Outcome[] = [];
  readonly listeners: { [K in keyof EngineEvents]: EngineEvents[K][] } = {
    match: [],
    timeout: [],
    late: [],
    error: [],
    warning: [],
    replaced: [],
  };
  readonly counters: Counters = {
    events: 0,
    matches: 0,
    timeouts: 0,
    late: 0,
    bad: 0,
    unkeyed: 0,
    schemaErrors: 0,
    replaced: 0,
  };
  /** Batch mode: where records and errors go instead of the listeners (entry index in `entry`). */
  capture: BatchResult | null = null;
  entry = 0;
  /** The buffered event being fed (its own keys' advance, then its step), or null: see `Engine.steppingEvent`. */
  stepEvent: unknown = null;

  /** `runnerOf`: the engine's running patterns (a removed pattern's late outcomes still get records). */
  constructor(private readonly runnerOf: ReadonlyMap<CompiledPattern, Runner>) {}

  /** An unusable event: counted as bad and reported. */
  bad(reason: string, event: unknown): void {
    this.counters.bad++;
    this.error(reason, event);
  }

  /** Reports an event on `error` (or to the batch) without counting it. */
  error(reason: string, event: unknown): void {
    if (this.capture !== null) this.capture.errors.push({ entry: this.entry, reason });
    else for (const l of this.listeners.error) l({ reason, event });
  }

  /** A late event: counted and reported. */
  late(event: unknown): void {
    this.counters.late++;
    if (this.capture !== null) this.capture.errors.push({ entry: this.entry, reason: "late" });
    else for (const l of this.listeners.late) l(event, "late");
  }

  /** A limit warning (limits.ts decides when). */
  warn(message: string): void {
    for (const l of this.listeners.warning) l(message);
  }

  /** Sorts and emits the outcomes of the step just finished. */
  endStep(): void {
    const matches = this.matches;
    const timeouts = this.timeouts;
    if (matches.length === 0 && timeouts.length === 0) return;
    const ms = matches.length > 1 ? sortOutcomes(matches, false) : matches.slice();
    const ts = timeouts.length > 1 ? sortOutcomes(timeouts, true) : timeouts.slice();
    matches.length = 0;
    timeouts.length = 0;
    const capture = this.capture;
    // Outcomes of one pattern come in runs: look its runner up once per run.
    let pattern: CompiledPattern | null = null;
    let r: Runner | undefined;
    for (const o of ms) {
      this.counters.matches++;
      if (o.pattern !== pattern) {
        pattern = o.pattern;
        r = this.runnerOf.get(pattern);
      }
      if (r) r.matches++;
      const rec = r ? r.records.build(o) : new RecordBuilder(o.pattern).build(o);
      if (capture !== null) capture.records.push({ entry: this.entry, record: rec });
      else for (const l of this.listeners.match) l(rec);
    }
    for (const o of ts) {
      this.counters.timeouts++;
      if (o.pattern !== pattern) {
        pattern = o.pattern;
        r = this.runnerOf.get(pattern);
      }
      const rec = r ? r.records.build(o) : new RecordBuilder(o.pattern).build(o);
      if (capture !== null) capture.records.push({ entry: this.entry, record: rec });
      else for (const l of this.listeners.timeout) l(rec);
    }
  }
}

interface SortKey {
  o: Outcome;
  seqs: number[];
  vars: number[];
}

function sortKeyOf(o: Outcome): SortKey {
  const seqs: number[] = [];
  const vars: number[] = [];
  for (let c: Cell | null = o.last; c !== null; c = c.prev) {
    seqs.push(c.seq);
    vars.push(c.variable);
  }
  return { o, seqs: seqs.reverse(), vars: vars.reverse() };
}

// Reused buffers for `inOrder`: an outcome's feed numbers and term indices, newest first,
// filled by index with their lengths kept apart (setting `length` is a runtime call).
let seqsA: number[] = [];
let varsA: number[] = [];
let seqsB: number[] = [];
let varsB: number[] = [];

function fillKeys(o: Outcome, seqs: number[], vars: number[]): number {
  let n = 0;
  for (let c: Cell | null = o.last; c !== null; c = c.prev) {
    seqs[n] = c.seq;
    vars[n++] = c.variable;
  }
  return n;
}

/** Lexicographic comparison of two lists of lengths `na`, `nb` stored newest first (a proper prefix first). */
function compareReversed(a: readonly number[], na: number, b: readonly number[], nb: number): number {
  const n = Math.min(na, nb);
  for (let i = 1; i <= n; i++) {
    const d = a[na - i] - b[nb - i];
    if (d !== 0) return d;
  }
  return na - nb;
}

/**
 * Whether `list` is already in §5 order — the common case (the matcher produces a key's
 * outcomes in start order): checked pair by pair in reused buffers, so an ordered step
 * allocates no sort keys and sorts nothing.
 */
function inOrder(list: readonly Outcome[], byStamp: boolean): boolean {
  let na = fillKeys(list[0], seqsA, varsA);
  for (let i = 1; i < list.length; i++) {
    const a = list[i - 1];
    const b = list[i];
    const nb = fillKeys(b, seqsB, varsB);
    const c =
      (byStamp ? (a.stamp as number) - (b.stamp as number) : 0) ||
      compareReversed(seqsA, na, seqsB, nb) ||
      compareReversed(varsA, na, varsB, nb) ||
      a.pattern.order - b.pattern.order;
    if (c > 0) return false;
    [seqsA, seqsB] = [seqsB, seqsA];
    [varsA, varsB] = [varsB, varsA];
    na = nb;
  }
  return true;
}

/** language.md §5: by feed numbers (lexicographic), then term indices, then pattern; timeouts by stamp first. */
export function sortOutcomes(list: Outcome[], byStamp: boolean): Outcome[] {
  if (inOrder(list, byStamp)) return list.slice();
  const keyed = list.map(sortKeyOf);
  keyed.sort(
    (a, b) =>
      (byStamp ? (a.o.stamp as number) - (b.o.stamp as number) : 0) ||
      compareSeqs(a.seqs, b.seqs) ||
      compareSeqs(a.vars, b.vars) ||
      a.o.pattern.order - b.o.pattern.order,
  );
  return keyed.map((k) => k.o);
}
