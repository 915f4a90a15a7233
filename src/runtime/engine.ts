/**
 * The engine: the public facade over the runtime's parts (docs/architecture.md
 * "runtime/"). It owns the options, the running patterns and the three central loops:
 * `push` (one arriving record), `flush` (buffered events due by a time) and `advance`
 * (time moves; windows close). The parts, each one concrete class in a readonly field:
 *
 * - time.ts `EventTime`: H, D, the clock, the out-of-order buffer, admission of records;
 * - dispatch.ts `Dispatcher`: the per-event step, which patterns an event reaches, key reading;
 * - state-store.ts `StateStore`: the only code that registers or unregisters a key's state;
 * - limits.ts `Limits`, expiry.ts `ExpiryQueue`, partition.ts `PartitionTracker`: the
 *   accounts the store keeps;
 * - output.ts `StepOutput`: outcomes in §5 order, records, listeners, reports, counters;
 * - snapshot.ts: whole and per-key snapshots; trace-hooks.ts: tracing (off: null).
 *
 * Work is organised in steps — one per time advance and one per fed event. Within a
 * step the outcomes of all patterns and keys are collected, sorted (matches by their
 * events' feed numbers, then term indices, then pattern; then timeouts by stamp) and
 * emitted (language.md §4, §5).
 */
import type { CompiledPattern, Program } from "../compile/model.js";
import { codegenDefault } from "./codegen/instantiate.js";
import { Dispatcher } from "./dispatch.js";
import { ExpiryQueue } from "./expiry.js";
import { newRunner, type Runner } from "./key-table.js";
import { DEFAULT_LIMITS, Limits, type StateLimits } from "./limits.js";
import { Matcher } from "./matcher.js";
import {
  type BatchResult,
  type Counters,
  type EngineEvents,
  type EngineStats,
  StepOutput,
} from "./output.js";
import { type DirtyKeys, PartitionTracker } from "./partition.js";
import type { MatchRecord } from "./records.js";
import { SchemaChecks } from "./schema.js";
import {
  checkSamePatterns,
  decodeEngine,
  decodeKey,
  decodePartition,
  type EngineState,
  encodeEngine,
  encodePartition,
  keptPart,
  type PartitionSnapshot,
  type Snapshot,
  validateKeySnapshot,
  validateSnapshot,
} from "./snapshot.js";
import { StateStore } from "./state-store.js";
import { BAD, BUFFER, type Buffered, EventTime, FEED, WATERMARK } from "./time.js";
import type { TraceOptions } from "./trace/records.js";
import { Tracer } from "./trace/tracer.js";
import { TraceHooks } from "./trace-hooks.js";
import { type PatternUpdate, planUpdate, type UpdateOptions } from "./update.js";
import { canonicalKey, field, put } from "./values.js";

export { DEFAULT_LIMITS, LimitError, type StateLimits } from "./limits.js";
export type { BatchRecord, BatchResult, EngineError, EngineEvents, EngineStats } from "./output.js";
export type { DirtyKeys } from "./partition.js";
export type { PatternUpdate, ReplacedInfo, UpdateOptions } from "./update.js";

/** Engine options (cli.md "The library"). */
export interface EngineOptions {
  /** The field holding the event type (default `type`). */
  typeField?: string;
  /** The field holding the event time (default `ts`). */
  timeField?: string;
  /** How late (ms) an event may arrive and still be matched, in event time (default 0). */
  outOfOrderness?: number;
  /** Use arrival order and the clock instead of event time. */
  processingTime?: boolean;
  /** The clock for processing time (default `Date.now`). */
  clock?: () => number;
  /** Time advances only through watermarks; every event is on time. */
  watermarksOnly?: boolean;
  /** Run only these patterns (by name); default all. */
  patterns?: readonly string[];
  /** Continue from a snapshot taken by {@link Engine.snapshot} (with the same patterns). */
  restore?: unknown;
  /**
   * How `restore` treats a snapshot taken with another pattern set: `"exact"` (default)
   * refuses it; `"update"` applies {@link Engine.updatePatterns}' rules — patterns with the
   * same name and fingerprint get their state back, the others start empty (a changed
   * pattern's snapshot state counts in `stats().replaced`).
   */
  restoreMode?: "exact" | "update";
  /** State limits; see {@link StateLimits}. */
  limits?: Partial<StateLimits>;
  /**
   * Check events against the `event` declarations of the types the patterns use (default
   * true): an event that does not fit is reported on `error` (`schema: T.f: expected …`)
   * and not fed to the patterns that use its type. `false` feeds every event unchecked.
   */
  schemaCheck?: boolean;
  /**
   * Partition mode (scale-out.md §2.12): every pattern's `key by` must begin with this
   * field path. Enables per-key snapshots ({@link Engine.snapshotKey}), the dirty-key set
   * ({@link Engine.drainDirty}) and partition snapshots.
   */
  partitionBy?: readonly string[];
  /**
   * Trace records for chosen patterns and keys (docs/library.md "Tracing"): what each
   * partial match did with each event and why it ended. Off by default; off costs nothing.
   */
  trace?: TraceOptions;
  /**
   * Run each pattern on JavaScript generated for it (docs/library.md "Generated matchers";
   * default true): the same results as the interpreter, faster. `false` runs the
   * interpreter. Traced keys run on the interpreter (the pattern's other keys do not).
   */
  codegen?: boolean;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** A size given to `push`, or −1 (estimate it) when absent or not a finite number ≥ 0. */
const sizeOf = (bytes: number | undefined): number =>
  typeof bytes === "number" && bytes >= 0 && bytes < Number.POSITIVE_INFINITY ? bytes : -1;

/**
 * Runs compiled patterns over events. Callbacks run synchronously inside `push`,
 * `advanceTo` and `end`. `R` types the records listeners and `run` receive: the
 * `Match` union of a `cep types` file (`new Engine<Match>(program)`) narrows by
 * `record.pattern`; it is a promise about the program, not checked at run time.
 */
export class Engine<R extends MatchRecord = MatchRecord> {
  private readonly typeField: string;
  /** {@link EngineOptions.codegen}. */
  private readonly codegen: boolean;
  /** The running patterns in order (changed in place: the parts share this array). */
  private readonly runners: Runner[] = [];
  private readonly runnerOf = new Map<CompiledPattern, Runner>();
  private nextRunnerId = 0;
  private ended = false;
  private readonly out: StepOutput;
  /** `out.counters`, held here too: `push` counts every event. */
  private readonly counters: Counters;
  private readonly time: EventTime;
  private readonly limits: Limits;
  private readonly expiry = new ExpiryQueue();
  /** Partition mode's tracker, or null (one test per settled key). */
  private readonly partition: PartitionTracker | null;
  /** Tracing's hooks when `options.trace` is given; null costs one test per key step. */
  private readonly trace: TraceHooks | null;
  private readonly store: StateStore;
  private readonly dispatch: Dispatcher;
  private readonly schema: SchemaChecks;

  constructor(program: Program, options: EngineOptions = {}) {
    this.typeField = options.typeField ?? "type";
    this.codegen = options.codegen ?? codegenDefault();
    this.out = new StepOutput(this.runnerOf);
    this.counters = this.out.counters;
    this.time = new EventTime({
      timeField: options.timeField ?? "ts",
      outOfOrderness: options.outOfOrderness ?? 0,
      processingTime: options.processingTime ?? false,
      watermarksOnly: options.watermarksOnly ?? false,
      clock: options.clock ?? Date.now,
    });
    this.limits = new Limits({ ...DEFAULT_LIMITS, ...options.limits }, this.out);
    this.trace = options.trace === undefined ? null : new TraceHooks(new Tracer(options.trace), this.out);
    this.partition = options.partitionBy === undefined ? null : new PartitionTracker(options.partitionBy);
    this.store = new StateStore(this.runners, this.limits, this.expiry, this.partition, this.out, this.trace);
    this.dispatch = new Dispatcher(this.runners, this.store, this.out, this.time, this.trace);
    this.schema = new SchemaChecks(options.schemaCheck ?? true);
    const only = options.patterns ? new Set(options.patterns) : null;
    for (const p of program.patterns) if (only === null || only.has(p.name)) this.addCompiled(p);
    this.patternsChanged();
    if (this.partition !== null) PartitionTracker.check(this.partition.by, this.runners);
    if (options.restore !== undefined) {
      let snap = validateSnapshot(options.restore);
      let replaced = 0;
      if (options.restoreMode === "update") [snap, replaced] = keptPart(snap, this.runners);
      else checkSamePatterns(this.runners, snap.patterns);
      decodeEngine(this.state(), snap);
      this.counters.replaced += replaced;
      this.trace?.restored(this.runners);
    }
  }

  /** What snapshots read and write. */
  private state(): EngineState {
    return {
      runners: this.runners,
      time: this.time,
      counters: this.out.counters,
      limits: this.limits,
      store: this.store,
      rebuffer: (event, time, arrival) => {
        const type = field(event, this.typeField);
        const invalid = this.schema.misfitsSilently(type, event);
        this.enqueue(event, time, type, this.dispatch.silentKeys(event), invalid, -1, arrival);
      },
    };
  }

  /**
   * The whole state as plain JSON-serialisable data: every key's partial matches (sharing
   * their common prefixes), held-back matches, the event-time buffer, times and counters.
   * `new Engine(program, { restore: snapshot })` continues exactly where this one stands.
   */
  snapshot(): Snapshot {
    return encodeEngine(this.state());
  }

  /**
   * Batch mode: pushes the entries (events, or `{"$watermark": T}` records) and returns
   * what they produced, each record with the index of the entry that produced it. Listeners
   * are not called: the return value is the only effect outside the engine's state.
   * With `end`, end of input follows the last entry (its records carry index `entries.length`).
   */
  batch(entries: readonly unknown[], end = false): BatchResult {
    const out: BatchResult = { records: [], errors: [] };
    this.out.capture = out;
    try {
      for (let i = 0; i < entries.length; i++) {
        this.out.entry = i;
        this.push(entries[i]);
      }
      if (end) {
        this.out.entry = entries.length;
        this.end();
      }
    } finally {
      this.out.capture = null;
    }
    return out;
  }

  /**
   * Partition mode: the state of one partition key (every pattern's keys that begin with
   * it, and its buffered events) as JSON, or null when it has none. Byte-stable: the same
   * events for this key give the same text in any engine (scale-out.md §2.5).
   */
  snapshotKey(key: unknown): string | null {
    const p = this.partitioned("snapshotKey");
    const part = p.get(canonicalKey(key));
    return part === undefined ? null : p.encode(part, this.runners);
  }

  /** Partition mode: replaces one partition key's state with a {@link snapshotKey} result (null clears it). */
  restoreKey(key: unknown, json: string | null): void {
    const p = this.partitioned("restoreKey");
    const name = canonicalKey(key);
    const part = p.take(name);
    if (part !== undefined) {
      for (const [ks, r] of [...part.states]) this.store.drop(r, ks);
      if (part.buffered.size > 0) this.time.filterBuffer((b) => !part.buffered.has(b));
    }
    if (json !== null) decodeKey(this.state(), validateKeySnapshot(JSON.parse(json)));
    this.trace?.restored(this.runners);
    p.dirty.delete(name);
  }

  /** Partition mode: the keys whose state changed since the last drain, as snapshots to write or keys to delete (canonical JSON, sorted). */
  drainDirty(): DirtyKeys {
    return this.partitioned("drainDirty").drain(this.runners);
  }

  /** The partition-level state: watermark, times and the patterns' identity. */
  snapshotPartition(): PartitionSnapshot {
    return encodePartition(this.state());
  }

  /** Restores {@link snapshotPartition}'s result; throws if it was taken with other patterns. */
  restorePartition(snap: PartitionSnapshot): void {
    decodePartition(this.state(), snap);
  }

  /** The fingerprint of the running pattern set (names and definitions). */
  patternSetId(): string {
    return this.runners
      .map((r) => `${r.pattern.name}@${r.pattern.fingerprint}`)
      .sort()
      .join(",");
  }

  private partitioned(what: string): PartitionTracker {
    if (this.partition === null) throw new Error(`${what} needs the engine's partitionBy option`);
    return this.partition;
  }

  /** Subscribes to matches, timeouts, late events or unusable events. */
  on<K extends keyof EngineEvents>(name: K, listener: EngineEvents<R>[K]): this {
    this.out.listeners[name].push(listener as EngineEvents[K]);
    return this;
  }

  /** Unsubscribes a listener added with {@link on}. */
  off<K extends keyof EngineEvents>(name: K, listener: EngineEvents<R>[K]): this {
    const l = this.out.listeners[name] as EngineEvents[K][];
    const i = l.indexOf(listener as EngineEvents[K]);
    if (i >= 0) l.splice(i, 1);
    return this;
  }

  /** Adds the patterns of a program while running; they see the events fed from now on. */
  addPattern(program: Program): void {
    for (const p of program.patterns) {
      if (this.runners.some((r) => r.pattern.name === p.name))
        throw new Error(`pattern ${p.name} is already running`);
    }
    for (const p of program.patterns) this.addCompiled(p);
    this.patternsChanged();
  }

  /** Removes a pattern and drops its state. Returns whether it was running. */
  removePattern(name: string): boolean {
    const runners = this.runners;
    if (!runners.some((r) => r.pattern.name === name)) return false;
    for (let i = runners.length - 1; i >= 0; i--) {
      const r = runners[i];
      if (r.pattern.name !== name) continue;
      // Its state leaves every account (state-store.ts) before it leaves the list.
      this.store.dropRunner(r);
      runners.splice(i, 1);
      this.runnerOf.delete(r.pattern);
    }
    this.patternsChanged();
    return true;
  }

  /**
   * Replaces the running pattern set with `program`'s, atomically between two events: a
   * pattern with the same name and fingerprint keeps its state; a changed one restarts
   * empty (its partial and held-back matches are dropped, counted in `stats().replaced`
   * and reported once on `replaced`); a removed one is dropped with its state; a new one
   * starts empty. Nothing is emitted for dropped state (no timeouts: no time passed; no
   * held-back matches: the old definition no longer decides them). The running order
   * becomes the new program's. Throws, changing nothing, if the new set cannot run here.
   */
  updatePatterns(program: Program, options: UpdateOptions = {}): PatternUpdate {
    if (this.ended) throw new Error("updatePatterns after end()");
    const plan = planUpdate(
      this.runners.map((r) => r.pattern),
      program.patterns,
      options.patterns,
    );
    if (this.partition !== null)
      PartitionTracker.check(
        this.partition.by,
        plan.next.map((pattern) => ({ pattern }) as Runner),
      );
    const gone = new Set([...plan.removed, ...plan.changed]);
    const replacedInfo: { pattern: string; partialMatches: number; keys: number }[] = [];
    let replaced = 0;
    let discarded = 0;
    const runners = this.runners;
    for (let i = runners.length - 1; i >= 0; i--) {
      const r = runners[i];
      if (!gone.has(r.pattern.name)) continue;
      let held = r.partials;
      for (const ks of r.holding) held += ks.completed.length;
      if (plan.changed.includes(r.pattern.name)) {
        replaced += held;
        replacedInfo.push({
          pattern: r.pattern.name,
          partialMatches: held,
          keys: r.keys.size + r.composite.size,
        });
      } else discarded += held;
      this.store.dropRunner(r);
      runners.splice(i, 1);
      this.runnerOf.delete(r.pattern);
    }
    const fresh = new Set([...plan.added, ...plan.changed]);
    plan.next.forEach((p, order) => {
      if (fresh.has(p.name)) this.addCompiled(p, order);
      else (runners.find((r) => r.pattern.name === p.name)!.pattern as { order: number }).order = order;
    });
    runners.sort((a, b) => a.pattern.order - b.pattern.order || a.id - b.id);
    this.patternsChanged();
    this.counters.replaced += replaced;
    for (const info of replacedInfo.reverse()) for (const l of this.out.listeners.replaced) l(info);
    return {
      added: [...plan.added],
      removed: [...plan.removed],
      changed: [...plan.changed],
      kept: [...plan.kept],
      replaced,
      discarded,
    };
  }

  /** Names of the running patterns, in order. */
  patternNames(): string[] {
    return this.runners.map((r) => r.pattern.name);
  }

  private addCompiled(source: CompiledPattern, order = source.order): void {
    // The engine's own copy: `updatePatterns` renumbers its `order` (§5's pattern order)
    // without writing to the caller's program.
    const pattern: CompiledPattern = { ...source, order };
    // The one place matchers are made: generated, or interpreted (the state store runs a
    // traced key's events through the interpreter, the other keys on the generated code).
    const traced = this.trace?.tracer.tracesPattern(pattern) === true;
    const matcher = new Matcher(pattern, this.typeField, this.codegen);
    const runner = newRunner(this.nextRunnerId++, pattern, matcher, traced);
    this.runners.push(runner);
    this.runnerOf.set(pattern, runner);
    this.runners.sort((a, b) => a.pattern.order - b.pattern.order || a.id - b.id);
  }

  /** The dispatch index and the schema checks follow the running patterns. */
  private patternsChanged(): void {
    this.dispatch.rebuild();
    this.schema.build(this.runners.map((r) => r.pattern));
  }

  /**
   * Feeds one event (or a `{"$watermark": T}` record). Never throws on bad input.
   * `bytes`, when known (`cep run` gives the input line's length), is the event's size for
   * the `memory` limit; without it, a bounded estimate of the object is taken, and only
   * if a key takes the event.
   */
  push(event: unknown, bytes?: number): void {
    if (this.ended) throw new Error("push after end()");
    // 1. Only a JSON object is an event.
    if (event === null || typeof event !== "object" || Array.isArray(event)) {
      this.out.bad("not a JSON object", event);
      return;
    }
    const obj = event as Record<string, unknown>;
    // 2. Admission (time.ts): a watermark, a bad or late time, or an event on time.
    const et = this.time;
    const verdict = et.admit(obj);
    if (verdict > BUFFER) {
      this.refuse(verdict, event);
      return;
    }
    const time = et.time;
    // 3. It counts; its type is read, and it is checked against its type's declaration
    // (language.md §2): a misfit is reported once and withheld from the patterns using the type.
    this.counters.events++;
    let type = obj[this.typeField];
    if (
      (typeof type === "object" || typeof type === "function") &&
      type !== null &&
      !hasOwn.call(obj, this.typeField)
    )
      type = undefined;
    const invalid = this.schema.checks !== null && typeof type === "string" && this.misfits(type, obj);
    if (verdict === FEED) {
      // 4. Fed now (processing time, or nothing buffered and nothing can arrive before it):
      // time goes to its time first; after it, the target T is that same time, so no second advance.
      if (et.processingTime || time > et.now) {
        if (this.trace !== null) this.trace.tracer.arriving(event, et.seq, time, type);
        this.advance(time);
        if (this.trace !== null) this.trace.tracer.arrived();
      }
      this.dispatch.step(event, type, time, null, invalid, sizeOf(bytes));
      return;
    }
    // 5. Buffered, its keys read now so a missing key is reported with the input record
    // that has it; then everything due by the new target T is fed.
    this.enqueue(event, time, type, this.dispatch.readKeys(event, invalid, type), invalid, sizeOf(bytes));
    this.flush(et.target());
  }

  /** A record admission did not pass on: a watermark (time advances), a bad time or a late event. */
  private refuse(verdict: number, event: unknown): void {
    const et = this.time;
    if (verdict === WATERMARK) this.advanceTo(et.time);
    else if (verdict === BAD) this.out.bad(et.reason, event);
    else {
      if (this.trace !== null) this.trace.late(this.dispatch, event, et.time, et.target());
      this.out.late(event);
    }
  }

  /** Whether an event of a declared type does not fit its declaration; if so it is reported (once) and counted. */
  private misfits(type: string, event: Record<string, unknown>): boolean {
    const why = this.schema.misfit(type, event);
    if (why === null) return false;
    this.out.counters.schemaErrors++;
    this.out.error(why, event);
    return true;
  }

  /** Buffers an event; in partition mode also registers it under its partition key. */
  private enqueue(
    event: unknown,
    time: number,
    type: unknown,
    keys: unknown[],
    invalid: boolean,
    bytes: number,
    arrival = this.time.arrival++,
  ): void {
    const p = this.partition;
    const part = p === null ? undefined : p.nameOf(event);
    if (part === undefined) {
      this.time.buffer.push({ event, time, arrival, type, keys, invalid, bytes });
      return;
    }
    const b: Buffered = { event, time, arrival, type, keys, invalid, part, bytes };
    (p as PartitionTracker).buffer(b);
    this.time.buffer.push(b);
  }

  /** Raises the watermark: buffered events up to `time` are fed and windows up to it close. */
  advanceTo(time: number): void {
    if (this.ended) throw new Error("advanceTo after end()");
    if (this.time.processingTime) return;
    this.time.raiseWatermark(time);
    this.flush(this.time.target());
  }

  /**
   * Processing time: moves time on to the clock without an event, so windows close and
   * timeouts fire as the clock passes them (a following `cep run --processing-time` calls
   * it on a timer). Does nothing in event time — only events and watermarks move time
   * there — or after `end()`.
   */
  tick(): void {
    if (this.ended || !this.time.processingTime) return;
    this.advance(this.time.readClock());
  }

  /**
   * End of input: feeds the buffer, advances time to +∞ (windows close, timeouts fire,
   * trailing `not followed by` terms complete), then drops what is still open, releasing
   * held-back matches.
   */
  end(): void {
    if (this.ended) return;
    this.flush(Number.POSITIVE_INFINITY);
    this.advance(Number.POSITIVE_INFINITY);
    this.store.endAll();
    this.out.endStep();
    this.ended = true;
  }

  /**
   * While buffered events are fed, the one being fed (the steps that advance its own keys
   * and feed it emit their records now); null in a step that advances time for every key.
   * A listener uses it to place records among the steps of one run split over several
   * engines (`cep run --threads`): `if (engine.steppingEvent() === null) …`.
   */
  steppingEvent(): unknown {
    return this.out.stepEvent;
  }

  /** Counters: events, matches, timeouts, late, bad, live partial matches, keys, dropped. */
  stats(): EngineStats {
    const matchesByPattern: Record<string, number> = {};
    const partialMatchesByPattern: Record<string, number> = {};
    const keysByPattern: Record<string, number> = {};
    let partialMatches = 0;
    let keys = 0;
    for (const r of this.runners) {
      put(matchesByPattern, r.pattern.name, r.matches);
      put(partialMatchesByPattern, r.pattern.name, r.partials);
      put(keysByPattern, r.pattern.name, r.keys.size + r.composite.size);
      partialMatches += r.partials;
      keys += r.keys.size + r.composite.size;
    }
    return {
      ...this.out.counters,
      partialMatches,
      keys,
      dropped: this.limits.dropped,
      memory: this.limits.bytes,
      matchesByPattern,
      partialMatchesByPattern,
      keysByPattern,
      watermark: Number.isFinite(this.time.now) ? this.time.now : null,
    };
  }

  /** Runs an async iterable of events to its end, yielding matches and timeouts as they happen. */
  async *run<T extends MatchRecord = R>(
    events: AsyncIterable<unknown> | Iterable<unknown>,
  ): AsyncGenerator<T> {
    const queue: T[] = [];
    const take = (r: MatchRecord) => {
      queue.push(r as T);
    };
    this.on("match", take).on("timeout", take);
    try {
      for await (const e of events) {
        this.push(e);
        while (queue.length > 0) yield queue.shift()!;
      }
      this.end();
      while (queue.length > 0) yield queue.shift()!;
    } finally {
      this.off("match", take).off("timeout", take);
    }
  }

  // --- the central loops ---

  /** Feeds buffered events due by `t` in (time, arrival) order, each after time advanced to it; then advances to `t`. */
  private flush(t: number): void {
    const et = this.time;
    const trace = this.trace;
    for (let b = et.nextDue(t); b !== undefined; b = et.nextDue(t)) {
      // 1. It leaves its partition key's buffered events.
      if (b.part !== undefined) (this.partition as PartitionTracker).unbuffer(b);
      this.out.stepEvent = b.event;
      // 2. Time advances to its time: for every key, or with watermarks only, for its own keys.
      if (trace !== null) trace.tracer.arriving(b.event, et.seq, b.time, b.type);
      if (et.watermarksOnly) {
        if (b.time > et.now) this.store.advanceOwnKeys(b, this.dispatch);
      } else this.advance(b.time);
      if (trace !== null) trace.tracer.arrived();
      // 3. It is fed, with the keys read when it was pushed.
      this.dispatch.step(b.event, b.type, b.time, b.keys, b.invalid, b.bytes);
    }
    this.out.stepEvent = null;
    // 4. Time advances to t.
    this.advance(t);
  }

  /** One step: time advances to `t` for every pattern and every key with something due. */
  private advance(t: number): void {
    if (!(t > this.time.now)) return;
    this.time.now = t;
    // 1. Keys whose earliest deadline is due (windows close, timeouts fire).
    const expiry = this.expiry;
    for (let e = expiry.pop(t); e !== undefined; e = expiry.pop(t)) this.store.advanceKey(e.r, e.ks, t);
    // 2. Keys holding completed matches back (skip strategies, pending matches) may release them.
    if (expiry.holding) {
      for (const r of expiry.holdingRunners())
        for (const ks of [...r.holding]) if (!ks.dead) this.store.advanceKey(r, ks, t);
    }
    // 3. The step's outcomes are emitted in §5 order.
    this.out.endStep();
  }
}
