/**
 * The engine: time (event time with out-of-orderness and watermarks, or processing
 * time), keyed dispatch to every pattern, expiry, and ordered emission of records
 * (language.md §4, §5).
 *
 * Work is organised in steps — one per time advance and one per fed event. Within a
 * step the outcomes of all patterns and keys are collected, sorted (matches by their
 * events' feed numbers, then term indices, then pattern; then timeouts by stamp) and
 * emitted.
 */
import { createRequire } from "node:module";
import type { CompiledPattern, Program, SchemaModel } from "../compile/model.js";
import { codegenDefault } from "./codegen/instantiate.js";
import {
  CELL_BYTES,
  DEFAULT_LIMITS,
  estimateEventBytes,
  KEY_BYTES,
  LimitError,
  LOW_WATER,
  measureKey,
  OldestFirst,
  type StateLimits,
} from "./limits.js";
import {
  type Branch,
  type Cell,
  cellsFrom,
  claimBranch,
  compareSeqs,
  type FateInfo,
  type KeyState,
  Matcher,
  NO_BRANCHES,
  type Outcome,
  startSeq,
} from "./matcher.js";
import { type MatchRecord, RecordBuilder } from "./records.js";
import { compileSchema, type SchemaCheck } from "./schema.js";
import {
  type BranchRow,
  decodeTime,
  encodeTime,
  type KeySnapshot,
  type PartitionSnapshot,
  type Snapshot,
  SnapshotReader,
  SnapshotWriter,
  toOrdinals,
  validateKeySnapshot,
  validateSnapshot,
} from "./snapshot.js";
import type { TraceOptions } from "./trace/records.js";
import { Tracer, type TraceStep } from "./trace/tracer.js";
import { canonicalKey, field, invalidTime, MAX_TIME, ownField, parseTime, path, put } from "./values.js";

export { DEFAULT_LIMITS, LimitError, type StateLimits } from "./limits.js";

// Only the heap, not mnemonist's whole index: its CommonJS modules are a large part of
// the CLI's start-up (the package exports subpaths to `require` only).
const Heap: typeof import("mnemonist").Heap = createRequire(import.meta.url)("mnemonist/heap");

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
   * interpreter. Traced patterns always run on the interpreter.
   */
  codegen?: boolean;
}

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

/** Keys whose state changed since the last drain: snapshots to write and keys to delete (canonical JSON). */
export interface DirtyKeys {
  readonly put: [string, string][];
  readonly del: string[];
}

/** A pushed event that could not be used. */
export interface EngineError {
  readonly reason: string;
  readonly event: unknown;
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
  /** Matches per pattern name. */
  matchesByPattern: Record<string, number>;
  /** Live partial matches per pattern name. */
  partialMatchesByPattern: Record<string, number>;
}

/** Listener signatures; `R` is the record type (`Match` of a file `cep types` wrote). */
export interface EngineEvents<R extends MatchRecord = MatchRecord> {
  match: (record: R) => void;
  timeout: (record: R) => void;
  late: (event: unknown, reason: string) => void;
  error: (error: EngineError) => void;
  /** A state limit was hit for the first time (once per limit kind). */
  warning: (message: string) => void;
}

interface HeapEntry {
  readonly d: number;
  readonly r: Runner;
  readonly ks: KeyState;
}

/** Per-pattern runtime: the matcher, per-key state, expiry schedule. */
interface Runner {
  readonly id: number;
  readonly pattern: CompiledPattern;
  readonly matcher: Matcher;
  /** Keys with state. Primitive keys are Map keys as they are (SameValueZero keeps `1` and `"1"` apart); composite keys (several paths, objects) go by canonical JSON in `composite`. */
  readonly keys: Map<unknown, KeyState>;
  readonly composite: Map<string, KeyState>;
  /** Keys ordered by their earliest window deadline: a time advance touches only keys with something to expire. */
  /** Keys holding completed matches back (skip strategies, pending matches). */
  readonly holding: Set<KeyState>;
  /** Its key group (dispatch index). */
  group: KeyGroup | null;
  /** The matcher's global guard: indexed by its value for every event, never as a live key. */
  guarded: boolean;
  /** Marks the runner as selected for the event being fed (dispatch dedup). */
  mark: number;
  /** Whether the pattern has `key by` paths (else every event has the key null). */
  readonly keyed: boolean;
  /** Builds its output records. */
  readonly records: RecordBuilder;
  /** The key field when the key is one top-level field (`key by user`), else null. */
  readonly keyName: string | null;
  /** The declared types its terms name: an event of one that does not fit is withheld from it. */
  readonly schemaTypes: ReadonlySet<string>;
  partials: number;
  matches: number;
  /** Whether the tracer traces this pattern (some of its keys). */
  readonly traced: boolean;
  /** Eviction order of `keys` and `composite`: oldest state first. */
  readonly oldest: OldestFirst;
  readonly oldestComposite: OldestFirst;
}

/** A missing or null key path: the event is not fed to that pattern. */
const MISSING = Symbol("missing key");

/** Start candidates of one event type: patterns any such event may start, and those indexed by a guard. */
interface StartEntry {
  readonly always: Runner[];
  readonly guarded: Map<
    string,
    { readonly path: readonly string[]; readonly values: Map<unknown, Runner[]> }
  >;
}

/**
 * Runners sharing the same `key by` paths. With many patterns an event is dispatched
 * through these indexes — patterns holding state for its key, and patterns its type (and
 * guard) can start — instead of visiting every pattern.
 */
interface KeyGroup {
  readonly paths: readonly (readonly string[])[];
  readonly runners: Runner[];
  /** Key (runner map key) → runners holding state for it. */
  readonly live: Map<unknown, Runner[]>;
  readonly liveComposite: Map<string, Runner[]>;
  /** Event type → start candidates; ANY_TYPE for patterns whose start accepts any type. */
  readonly start: Map<unknown, StartEntry>;
  /**
   * Patterns with a global guard, by guard path and value: every event they can react to
   * satisfies it, so they are visited only for events with that value (held state or not).
   */
  readonly guarded: Map<
    string,
    { readonly path: readonly string[]; readonly values: Map<unknown, Runner[]> }
  >;
}

const ANY_TYPE = Symbol("any type");

/** Up to this many patterns, `feed` visits each one; above, it dispatches through the key groups. */
const LOOP_MAX = 4;

interface Buffered {
  readonly event: unknown;
  readonly time: number;
  readonly arrival: number;
  readonly type: unknown;
  /** Key values per runner id; undefined = not computed (runner added later). */
  readonly keys: unknown[];
  /** It did not fit its type's declaration: withheld from the patterns using the type. */
  readonly invalid: boolean;
  /** Partition mode: the canonical partition key (undefined otherwise, or when the event has none). */
  readonly part?: string;
  /** The event's size as `push` was given it (−1: estimate it if a key takes it). */
  readonly bytes: number;
}

/** A partition key's state in partition mode: its keys' states (with runner) and buffered events. */
interface Part {
  readonly value: unknown;
  readonly states: Map<KeyState, Runner>;
  readonly buffered: Set<Buffered>;
}

/** Adds the runners of `list` not yet marked for this event. */
function pick(selected: Runner[], gen: number, list: Runner[] | undefined): void {
  if (list === undefined) return;
  for (let i = 0; i < list.length; i++) {
    const r = list[i];
    if (r.mark !== gen) {
      r.mark = gen;
      selected.push(r);
    }
  }
}

function addLive<K>(map: Map<K, Runner[]>, key: K, r: Runner): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [r]);
  else if (!list.includes(r)) list.push(r);
}

function removeLive<K>(map: Map<K, Runner[]>, key: K, r: Runner): void {
  const list = map.get(key);
  if (list === undefined) return;
  const i = list.indexOf(r);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) map.delete(key);
}

const hasOwn = Object.prototype.hasOwnProperty;

/** A size given to `push`, or −1 (estimate it) when absent or not a finite number ≥ 0. */
const sizeOf = (bytes: number | undefined): number =>
  typeof bytes === "number" && bytes >= 0 && bytes < Number.POSITIVE_INFINITY ? bytes : -1;
const compareEntries = (a: HeapEntry, b: HeapEntry) => a.d - b.d;
const compareBuffered = (a: Buffered, b: Buffered) => a.time - b.time || a.arrival - b.arrival;

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
  private readonly timeField: string;
  private readonly bound: number;
  private readonly processingTime: boolean;
  private readonly watermarksOnly: boolean;
  private readonly clock: () => number;
  private runners: Runner[] = [];
  private readonly runnerOf = new Map<CompiledPattern, Runner>();
  private groups: KeyGroup[] = [];
  /**
   * Keys of every pattern ordered by their earliest window deadline: a time advance
   * touches only keys with something to expire (stale entries are skipped lazily).
   */
  private readonly expiry = new Heap<HeapEntry>(compareEntries);
  /** Patterns that may have keys holding matches back (revisited at every advance). */
  private readonly holdingRunners = new Set<Runner>();
  private readonly selected: Runner[] = [];
  private selectGen = 0;
  private nextRunnerId = 0;
  private readonly buffer = new Heap<Buffered>(compareBuffered);
  private highest = Number.NEGATIVE_INFINITY; // H
  private watermark = Number.NEGATIVE_INFINITY; // D
  private now = Number.NEGATIVE_INFINITY; // last time advanced to
  private lastClock = Number.NEGATIVE_INFINITY;
  private seq = 0;
  private arrival = 0;
  private ended = false;
  private readonly matchOut: Outcome[] = [];
  private readonly timeoutOut: Outcome[] = [];
  private readonly listeners: { [K in keyof EngineEvents]: EngineEvents[K][] } = {
    match: [],
    timeout: [],
    late: [],
    error: [],
    warning: [],
  };
  private readonly limits: StateLimits;
  /** The tracer when `options.trace` is given; null costs one test per key step. */
  private readonly tracer: Tracer | null;
  /**
   * Traced keys holding partial matches, with their runner: an event their pattern skips
   * (its type leaves every waiting state unchanged) is still traced for them. Usually empty,
   * so tracing one key costs the other events one size test.
   */
  private readonly tracedLive: KeyState[] = [];
  /** With exactly one {@link tracedLive} key and a one-field key: the field's name and the key (else null). */
  private tracedOneName: string | null = null;
  private tracedOneKey: unknown = undefined;
  /** Traced keys stepped with the event being fed (cleared after it). */
  private readonly tracedStepped: KeyState[] = [];
  /** The runner of each {@link tracedLive} entry (parallel arrays: no iterator per event). */
  private readonly tracedLiveRunners: Runner[] = [];
  private readonly warned = new Set<string>();
  private totalPartials = 0;
  /** Estimated bytes of state over all patterns: the sum of the keys' `bytes` (limits.ts). */
  private memory = 0;
  /** Size of the event being fed, from `push`; −1 until estimated (only if a key takes it). */
  private eventBytes = -1;
  /** {@link sampledSize}'s running mean (0: none yet) and its xorshift state. */
  private sizeMean = 0;
  private sampleBits = 0x9e3779b9;
  /** Whether `eventBytes` came from `push` (recorded in `sizes` when a key takes the event). */
  private eventSized = false;
  /** Sizes `push` was given, of events a key took: measuring a key again uses them. */
  private readonly sizes = new WeakMap<object, number>();
  private dropped = 0;
  private readonly counters = {
    events: 0,
    matches: 0,
    timeouts: 0,
    late: 0,
    bad: 0,
    unkeyed: 0,
    schemaErrors: 0,
  };
  /** The `counters.events` value of the last event counted as unkeyed (counted once per event). */
  private unkeyedAt = -1;
  /** Whether events are checked against declarations (option `schemaCheck`). */
  private readonly schemaCheck: boolean;
  /** Declared type → its check, for the types running patterns use; null when there are none (one test per event). */
  private schemaChecks: Map<string, SchemaCheck> | null = null;
  /** Checks compiled once per declaration, kept across pattern changes. */
  private readonly compiledChecks = new WeakMap<SchemaModel, SchemaCheck>();
  /** The last type looked up in `schemaChecks` and its check: consecutive events often share a type. */
  private lastCheckType: unknown = MISSING;
  private lastCheck: SchemaCheck | undefined = undefined;
  /** Partition mode: the partition field path, partition keys' states, keys changed since the last drain. */
  private readonly partitionBy: readonly string[] | null;
  private readonly parts = new Map<string, Part>();
  private readonly dirty = new Set<string>();
  /** Batch mode: where emitted records go instead of the listeners (entry index in `batchEntry`). */
  private capture: BatchResult | null = null;
  private batchEntry = 0;

  constructor(program: Program, options: EngineOptions = {}) {
    this.typeField = options.typeField ?? "type";
    this.codegen = options.codegen ?? codegenDefault();
    this.timeField = options.timeField ?? "ts";
    this.bound = options.outOfOrderness ?? 0;
    this.processingTime = options.processingTime ?? false;
    this.watermarksOnly = options.watermarksOnly ?? false;
    this.clock = options.clock ?? Date.now;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.tracer = options.trace === undefined ? null : new Tracer(options.trace);
    this.schemaCheck = options.schemaCheck ?? true;
    const only = options.patterns ? new Set(options.patterns) : null;
    for (const p of program.patterns) if (only === null || only.has(p.name)) this.addCompiled(p);
    this.buildGroups();
    this.buildSchemaChecks();
    this.partitionBy = options.partitionBy ?? null;
    if (this.partitionBy !== null) this.checkPartitionable(this.partitionBy);
    if (options.restore !== undefined) {
      this.restore(validateSnapshot(options.restore));
      if (this.tracer !== null) this.traceRestored();
    }
  }

  private checkPartitionable(by: readonly string[]): void {
    const bad = this.runners.filter((r) => {
      const first = r.pattern.keyPaths[0];
      return first === undefined || first.join("\u0000") !== by.join("\u0000");
    });
    if (bad.length > 0) {
      const field = by.join(".");
      throw new Error(
        bad
          .map((r) =>
            r.pattern.keyPaths.length === 0
              ? `pattern ${r.pattern.name} has no \`key by\`, so it cannot be partitioned by ${field}`
              : `pattern ${r.pattern.name} is keyed by ${r.pattern.keyPathText.join(", ")}; its \`key by\` must begin with the partition field ${field}`,
          )
          .join("\n"),
      );
    }
  }

  /**
   * The whole state as plain JSON-serialisable data: every key's partial matches (sharing
   * their common prefixes), held-back matches, the event-time buffer, times and counters.
   * `new Engine(program, { restore: snapshot })` continues exactly where this one stands.
   */
  snapshot(): Snapshot {
    const w = new SnapshotWriter();
    const runners = this.runners.map((r) => ({
      name: r.pattern.name,
      matches: r.matches,
      keys: [...r.keys.values(), ...r.composite.values()].map((ks) => ({
        key: ks.key,
        partials: ks.partials.map((b) => w.branch(b)),
        completed: ks.completed.map((b) => w.branch(b)),
      })),
    }));
    const buffer = [...this.buffer.toArray()]
      .sort(compareBuffered)
      .map((b): [number, number, number] => [w.event(b.event), b.time, b.arrival]);
    return {
      format: "cepheus-snapshot",
      version: 1,
      patterns: this.runners.map((r) => ({ name: r.pattern.name, fingerprint: r.pattern.fingerprint })),
      time: {
        highest: encodeTime(this.highest),
        watermark: encodeTime(this.watermark),
        now: encodeTime(this.now),
        lastClock: encodeTime(this.lastClock),
        seq: this.seq,
        arrival: this.arrival,
      },
      counters: { ...this.counters, dropped: this.dropped },
      events: w.events,
      cells: w.cells,
      buffer,
      runners,
    };
  }

  private restore(snap: Snapshot): void {
    this.checkSamePatterns(snap.patterns);
    const t = snap.time;
    this.highest = decodeTime(t.highest);
    this.watermark = decodeTime(t.watermark);
    this.now = decodeTime(t.now);
    this.lastClock = decodeTime(t.lastClock);
    this.seq = t.seq;
    this.arrival = t.arrival;
    const { dropped, ...counters } = snap.counters;
    Object.assign(this.counters, counters);
    this.dropped = dropped ?? 0;
    const reader = new SnapshotReader(snap);
    for (const sr of snap.runners) {
      const r = this.runners.find((x) => x.pattern.name === sr.name)!;
      r.matches = sr.matches;
      for (const k of sr.keys) {
        const composite = k.key !== null && typeof k.key === "object";
        const ks: KeyState = {
          key: k.key,
          mapKey: composite ? canonicalKey(k.key) : k.key,
          partials: k.partials.map((row) => reader.branch(row)),
          completed: k.completed.map((row) => reader.branch(row)),
          mask: 0,
          scheduled: Infinity,
          dead: false,
          bytes: 0,
        };
        r.matcher.remask(ks);
        this.charge(ks, measureKey(ks, this.sizes));
        this.settle(r, ks, 0, true, deadline(r.pattern, ks.partials));
      }
    }
    for (const [e, time, arrival] of snap.buffer) {
      const event = snap.events[e];
      const type = field(event, this.typeField);
      const keys: unknown[] = [];
      for (const r of this.runners) keys[r.id] = this.keyOf(r, event, false);
      this.buffer.push(
        this.buffered(event, time, type, keys, this.misfitsSilently(type, event), -1, arrival),
      );
    }
  }

  /**
   * Batch mode: pushes the entries (events, or `{"$watermark": T}` records) and returns
   * what they produced, each record with the index of the entry that produced it. Listeners
   * are not called: the return value is the only effect outside the engine's state.
   * With `end`, end of input follows the last entry (its records carry index `entries.length`).
   */
  batch(entries: readonly unknown[], end = false): BatchResult {
    const out: BatchResult = { records: [], errors: [] };
    this.capture = out;
    try {
      for (let i = 0; i < entries.length; i++) {
        this.batchEntry = i;
        this.push(entries[i]);
      }
      if (end) {
        this.batchEntry = entries.length;
        this.end();
      }
    } finally {
      this.capture = null;
    }
    return out;
  }

  /**
   * Partition mode: the state of one partition key (every pattern's keys that begin with
   * it, and its buffered events) as JSON, or null when it has none. Byte-stable: the same
   * events for this key give the same text in any engine (scale-out.md §2.5).
   */
  snapshotKey(key: unknown): string | null {
    this.requirePartitionMode("snapshotKey");
    const part = this.parts.get(canonicalKey(key));
    return part === undefined ? null : this.encodePart(part);
  }

  /** Partition mode: replaces one partition key's state with a {@link snapshotKey} result (null clears it). */
  restoreKey(key: unknown, json: string | null): void {
    this.requirePartitionMode("restoreKey");
    const name = canonicalKey(key);
    this.clearPart(name);
    if (json !== null) this.decodePart(validateKeySnapshot(JSON.parse(json)));
    if (this.tracer !== null) this.traceRestored();
    this.dirty.delete(name);
  }

  /** Partition mode: the keys whose state changed since the last drain, as snapshots to write or keys to delete (canonical JSON, sorted). */
  drainDirty(): DirtyKeys {
    this.requirePartitionMode("drainDirty");
    const put: [string, string][] = [];
    const del: string[] = [];
    for (const name of [...this.dirty].sort()) {
      const part = this.parts.get(name);
      if (part === undefined) del.push(name);
      else put.push([name, this.encodePart(part)]);
    }
    this.dirty.clear();
    return { put, del };
  }

  /** The partition-level state: watermark, times and the patterns' identity. */
  snapshotPartition(): PartitionSnapshot {
    return {
      v: 1,
      patterns: this.runners.map((r) => ({ name: r.pattern.name, fingerprint: r.pattern.fingerprint })),
      watermark: encodeTime(this.watermark),
      now: encodeTime(this.now),
      highest: encodeTime(this.highest),
    };
  }

  /** Restores {@link snapshotPartition}'s result; throws if it was taken with other patterns. */
  restorePartition(snap: PartitionSnapshot): void {
    this.checkSamePatterns(snap.patterns);
    this.watermark = decodeTime(snap.watermark);
    this.now = decodeTime(snap.now);
    this.highest = decodeTime(snap.highest);
  }

  /** The fingerprint of the running pattern set (names and definitions). */
  patternSetId(): string {
    return this.runners
      .map((r) => `${r.pattern.name}@${r.pattern.fingerprint}`)
      .sort()
      .join(",");
  }

  private requirePartitionMode(what: string): void {
    if (this.partitionBy === null) throw new Error(`${what} needs the engine's partitionBy option`);
  }

  private checkSamePatterns(patterns: readonly { name: string; fingerprint: string }[]): void {
    const have = this.runners.map((r) => `${r.pattern.name}@${r.pattern.fingerprint}`).sort();
    const want = patterns.map((p) => `${p.name}@${p.fingerprint}`).sort();
    if (have.join(",") !== want.join(",")) {
      const names = (l: string[]) => l.map((x) => x.split("@")[0]).join(", ") || "(none)";
      throw new Error(
        `snapshot was taken with different patterns: snapshot has ${names(want)}; this engine runs ${names(have)}` +
          " (same names with a changed definition count as different)",
      );
    }
  }

  /** The partition value of a runner's key. */
  private static partValue(r: Runner, key: unknown): unknown {
    return r.pattern.keyPaths.length === 1 ? key : (key as unknown[])[0];
  }

  private partOf(name: string, value: unknown): Part {
    let part = this.parts.get(name);
    if (part === undefined) {
      part = { value, states: new Map(), buffered: new Set() };
      this.parts.set(name, part);
    }
    return part;
  }

  /** Registers a key's state under its partition key and marks that key dirty. */
  private track(r: Runner, ks: KeyState, fresh: boolean): void {
    const value = Engine.partValue(r, ks.key);
    const name = canonicalKey(value);
    this.dirty.add(name);
    if (fresh) this.partOf(name, value).states.set(ks, r);
  }

  private untrack(r: Runner, ks: KeyState): void {
    const name = canonicalKey(Engine.partValue(r, ks.key));
    this.dirty.add(name);
    const part = this.parts.get(name);
    if (part === undefined) return;
    part.states.delete(ks);
    if (part.states.size === 0 && part.buffered.size === 0) this.parts.delete(name);
  }

  /** A buffer entry; in partition mode also registered under its partition key. */
  private buffered(
    event: unknown,
    time: number,
    type: unknown,
    keys: unknown[],
    invalid: boolean,
    bytes: number,
    arrival = this.arrival++,
  ): Buffered {
    if (this.partitionBy === null) return { event, time, arrival, type, keys, invalid, bytes };
    const v = path(event, this.partitionBy);
    if (v === undefined || v === null) return { event, time, arrival, type, keys, invalid, bytes };
    const name = canonicalKey(v);
    const b: Buffered = { event, time, arrival, type, keys, invalid, part: name, bytes };
    this.partOf(name, v).buffered.add(b);
    this.dirty.add(name);
    return b;
  }

  /** A restored buffered event's fit (it was reported when first pushed). */
  private misfitsSilently(type: unknown, event: unknown): boolean {
    const check = typeof type === "string" ? this.schemaChecks?.get(type) : undefined;
    return check !== undefined && check(event as Record<string, unknown>) !== null;
  }

  private unbuffer(b: Buffered): void {
    const name = b.part as string;
    this.dirty.add(name);
    const part = this.parts.get(name);
    if (part === undefined) return;
    part.buffered.delete(b);
    if (part.states.size === 0 && part.buffered.size === 0) this.parts.delete(name);
  }

  private encodePart(part: Part): string {
    const w = new SnapshotWriter();
    const byRunner = new Map<Runner, KeyState[]>();
    for (const [ks, r] of part.states) {
      const l = byRunner.get(r);
      if (l === undefined) byRunner.set(r, [ks]);
      else l.push(ks);
    }
    const branches: BranchRow[] = [];
    const row = (b: Branch) => {
      const x = w.branch(b);
      branches.push(x);
      return x;
    };
    const patterns: KeySnapshot["patterns"] = [];
    // Engine order of patterns and sorted sub-keys: no Map insertion order reaches the text.
    for (const r of this.runners) {
      const list = byRunner.get(r);
      if (list === undefined) continue;
      const keyed = list.map((ks) => ({ ks, name: canonicalKey(ks.key) }));
      keyed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      patterns.push({
        name: r.pattern.name,
        keys: keyed.map(({ ks }) => ({
          key: ks.key,
          partials: ks.partials.map(row),
          completed: ks.completed.map(row),
        })),
      });
    }
    const buffer = [...part.buffered]
      .sort(compareBuffered)
      .map((b): [number, number] => [w.event(b.event), b.time]);
    toOrdinals(w.cells, branches);
    const snap: KeySnapshot = { v: 1, key: part.value, events: w.events, cells: w.cells, patterns, buffer };
    return JSON.stringify(snap);
  }

  private clearPart(name: string): void {
    const part = this.parts.get(name);
    if (part === undefined) return;
    for (const [ks, r] of [...part.states]) {
      r.partials -= ks.partials.length;
      this.totalPartials -= ks.partials.length;
      this.forget(r, ks);
      ks.partials = [];
      ks.completed = [];
    }
    if (part.buffered.size > 0) {
      const keep = this.buffer.toArray().filter((b) => !part.buffered.has(b));
      this.buffer.clear();
      for (const b of keep) this.buffer.push(b);
    }
    this.parts.delete(name);
  }

  private decodePart(snap: KeySnapshot): void {
    // Ordinals become fresh feed numbers below every future one, in the same order.
    let n = 0;
    for (const c of snap.cells) if (c[2] + 1 > n) n = c[2] + 1;
    for (const p of snap.patterns)
      for (const k of p.keys) for (const b of [...k.partials, ...k.completed]) if (b[2] + 1 > n) n = b[2] + 1;
    const base = this.seq;
    this.seq += n;
    const cells = cellsFrom(
      snap.cells,
      (e) => snap.events[e],
      (ord) => base + ord,
    );
    const branch = ([state, last]: BranchRow): Branch => claimBranch(state, last < 0 ? null : cells[last]);
    for (const p of snap.patterns) {
      const r = this.runners.find((x) => x.pattern.name === p.name);
      if (r === undefined)
        throw new Error(`key snapshot has state of pattern ${p.name}, which is not running`);
      for (const k of p.keys) {
        const composite = k.key !== null && typeof k.key === "object";
        const mapKey = composite ? canonicalKey(k.key) : k.key;
        if ((composite ? r.composite.get(mapKey as string) : r.keys.get(mapKey)) !== undefined) {
          throw new Error(`key snapshot repeats key ${canonicalKey(k.key)} of pattern ${p.name}`);
        }
        const ks: KeyState = {
          key: k.key,
          mapKey,
          partials: k.partials.map(branch),
          completed: k.completed.map(branch),
          mask: 0,
          scheduled: Infinity,
          dead: false,
          bytes: 0,
        };
        r.matcher.remask(ks);
        this.charge(ks, measureKey(ks, this.sizes));
        this.settle(r, ks, 0, true, deadline(r.pattern, ks.partials));
      }
    }
    for (const [e, time] of snap.buffer) {
      const event = snap.events[e];
      const type = field(event, this.typeField);
      const keys: unknown[] = [];
      for (const r of this.runners) keys[r.id] = this.keyOf(r, event, false);
      this.buffer.push(this.buffered(event, time, type, keys, this.misfitsSilently(type, event), -1));
    }
  }

  /** Subscribes to matches, timeouts, late events or unusable events. */
  on<K extends keyof EngineEvents>(name: K, listener: EngineEvents<R>[K]): this {
    this.listeners[name].push(listener as EngineEvents[K]);
    return this;
  }

  /** Unsubscribes a listener added with {@link on}. */
  off<K extends keyof EngineEvents>(name: K, listener: EngineEvents<R>[K]): this {
    const l = this.listeners[name] as EngineEvents[K][];
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
    this.buildGroups();
    this.buildSchemaChecks();
  }

  /** Removes a pattern and drops its state. Returns whether it was running. */
  removePattern(name: string): boolean {
    const gone = this.runners.filter((r) => r.pattern.name === name);
    if (gone.length === 0) return false;
    for (const r of gone) this.dropState(r);
    this.runners = this.runners.filter((r) => r.pattern.name !== name);
    for (const [p, r] of this.runnerOf) if (r.pattern.name === name) this.runnerOf.delete(p);
    this.buildGroups();
    this.buildSchemaChecks();
    return true;
  }

  /**
   * A removed pattern's state leaves every engine-wide account: totals, memory, partition
   * parts (their keys turn dirty), the holding set and the expiry heap.
   */
  private dropState(r: Runner): void {
    for (const map of [r.keys, r.composite] as Map<unknown, KeyState>[]) {
      for (const ks of map.values()) {
        this.forget(r, ks);
        this.totalPartials -= ks.partials.length;
        ks.partials = [];
        ks.completed = [];
      }
    }
    r.partials = 0;
    this.holdingRunners.delete(r);
    const keep = this.expiry.toArray().filter((e) => e.r !== r);
    this.expiry.clear();
    for (const e of keep) this.expiry.push(e);
  }

  /** Names of the running patterns, in order. */
  patternNames(): string[] {
    return this.runners.map((r) => r.pattern.name);
  }

  private addCompiled(pattern: CompiledPattern): void {
    const keys = new Map<unknown, KeyState>();
    const composite = new Map<string, KeyState>();
    const runner: Runner = {
      id: this.nextRunnerId++,
      pattern,
      matcher: new Matcher(
        pattern,
        this.typeField,
        this.codegen && this.tracer?.tracesPattern(pattern) !== true,
      ),
      keys,
      composite,
      holding: new Set(),
      partials: 0,
      matches: 0,
      oldest: new OldestFirst(keys),
      oldestComposite: new OldestFirst(composite),
      group: null,
      mark: -1,
      guarded: false,
      keyed: pattern.keyPaths.length > 0,
      records: new RecordBuilder(pattern),
      keyName:
        pattern.keyPaths.length === 1 && pattern.keyPaths[0].length === 1 ? pattern.keyPaths[0][0] : null,
      // Older compiled models (built by hand) may lack `schemas`.
      schemaTypes: new Set((pattern.schemas ?? []).map((m) => m.type)),
      traced: this.tracer?.tracesPattern(pattern) === true,
    };
    this.runners.push(runner);
    this.runnerOf.set(pattern, runner);
    this.runners.sort((a, b) => a.pattern.order - b.pattern.order || a.id - b.id);
  }

  /**
   * (Re)builds the checks of the declared types the running patterns use, each compiled
   * once per declaration. When two patterns declare a type differently (a REPL session
   * that redefined it), the first pattern's declaration is the one checked.
   */
  private buildSchemaChecks(): void {
    this.lastCheckType = MISSING;
    this.lastCheck = undefined;
    const checks = new Map<string, SchemaCheck>();
    if (this.schemaCheck) {
      for (const r of this.runners) {
        for (const m of r.pattern.schemas ?? []) {
          if (checks.has(m.type)) continue;
          let c = this.compiledChecks.get(m);
          if (c === undefined) {
            c = compileSchema(m);
            this.compiledChecks.set(m, c);
          }
          checks.set(m.type, c);
        }
      }
    }
    this.schemaChecks = checks.size === 0 ? null : checks;
  }

  /**
   * Whether an event of a declared type does not fit its declaration; if so it is reported
   * (once, whatever the number of patterns using the type) and counted.
   */
  private misfits(type: string, event: Record<string, unknown>): boolean {
    let check = this.lastCheck;
    if (type !== this.lastCheckType) {
      check = (this.schemaChecks as Map<string, SchemaCheck>).get(type);
      this.lastCheckType = type;
      this.lastCheck = check;
    }
    if (check === undefined) return false;
    const why = check(event);
    if (why === null) return false;
    this.counters.schemaErrors++;
    if (this.capture !== null) this.capture.errors.push({ entry: this.batchEntry, reason: why });
    else for (const l of this.listeners.error) l({ reason: why, event });
    return true;
  }

  /** Whether a pattern does not get this event: it failed the declaration of a type the pattern uses. */
  private static withholds(r: Runner, invalid: boolean, type: unknown): boolean {
    return invalid && r.schemaTypes.has(type as string);
  }

  /** (Re)builds the dispatch index: key groups, their live keys and start candidates. */
  private buildGroups(): void {
    const groups = new Map<string, KeyGroup>();
    if (this.runners.length <= LOOP_MAX) {
      // Few patterns are visited in a loop (`feed`): no index to keep up per key.
      for (const r of this.runners) r.group = null;
      this.groups = [];
      return;
    }
    for (const r of this.runners) {
      const sig = JSON.stringify(r.pattern.keyPaths);
      let g = groups.get(sig);
      if (g === undefined) {
        g = {
          paths: r.pattern.keyPaths,
          runners: [],
          live: new Map(),
          liveComposite: new Map(),
          start: new Map(),
          guarded: new Map(),
        };
        groups.set(sig, g);
      }
      g.runners.push(r);
      r.group = g;
      const global = r.matcher.globalGuard();
      r.guarded = global !== null;
      if (global !== null) {
        const gsig = JSON.stringify(global.path);
        let gi = g.guarded.get(gsig);
        if (gi === undefined) {
          gi = { path: global.path, values: new Map() };
          g.guarded.set(gsig, gi);
        }
        addLive(gi.values, global.value, r);
        continue;
      }
      for (const ks of r.keys.values()) addLive(g.live, ks.mapKey, r);
      for (const ks of r.composite.values()) addLive(g.liveComposite, ks.mapKey as string, r);
      const types: unknown[] = r.pattern.nfa.startTypes === null ? [ANY_TYPE] : [...r.pattern.nfa.startTypes];
      const guard = r.matcher.startGuard();
      for (const t of types) {
        let entry = g.start.get(t);
        if (entry === undefined) {
          entry = { always: [], guarded: new Map() };
          g.start.set(t, entry);
        }
        if (guard === null) entry.always.push(r);
        else {
          const gsig = JSON.stringify(guard.path);
          let gi = entry.guarded.get(gsig);
          if (gi === undefined) {
            gi = { path: guard.path, values: new Map() };
            entry.guarded.set(gsig, gi);
          }
          addLive(gi.values, guard.value, r);
        }
      }
    }
    this.groups = [...groups.values()];
  }

  /**
   * Feeds one event (or a `{"$watermark": T}` record). Never throws on bad input.
   * `bytes`, when known (`cep run` gives the input line's length), is the event's size for
   * the `memory` limit; without it, a bounded estimate of the object is taken, and only
   * if a key takes the event.
   */
  push(event: unknown, bytes?: number): void {
    if (this.ended) throw new Error("push after end()");
    if (event === null || typeof event !== "object" || Array.isArray(event)) {
      this.fail("not a JSON object", event);
      return;
    }
    const obj = event as Record<string, unknown>;
    // Reads inlined here, each at its own site with one property name: ownField's one keyed
    // load sees every name and goes megamorphic (W1: ~7% of the time).
    let wm = obj.$watermark;
    if (wm !== undefined && !hasOwn.call(obj, "$watermark")) wm = undefined;
    if (wm !== undefined) {
      if (!this.processingTime) {
        const t = parseTime(wm);
        if (typeof t === "number") this.advanceTo(t);
        else this.fail(invalidTime("invalid watermark", wm), event);
      }
      return;
    }
    let time: number;
    if (this.processingTime) {
      time = Math.max(this.lastClock, this.clock());
      this.lastClock = time;
    } else {
      let raw = obj[this.timeField];
      if (
        (typeof raw === "object" || typeof raw === "function") &&
        raw !== null &&
        !hasOwn.call(obj, this.timeField)
      )
        raw = undefined;
      // Integer epoch ms is the common case: no call, no allocation.
      const t =
        typeof raw === "number" && Number.isInteger(raw) && raw <= MAX_TIME && raw >= -MAX_TIME
          ? raw
          : parseTime(raw);
      if (typeof t === "string") {
        const what = `${t} (${this.timeField})`;
        this.fail(t === "missing time" ? what : invalidTime(what, raw), event);
        return;
      }
      time = t;
      if (!this.watermarksOnly && (time < this.highest - this.bound || time <= this.watermark)) {
        this.counters.late++;
        if (this.tracer !== null) this.traceLate(event, time);
        if (this.capture !== null) this.capture.errors.push({ entry: this.batchEntry, reason: "late" });
        else for (const l of this.listeners.late) l(event, "late");
        return;
      }
    }
    this.counters.events++;
    let type = obj[this.typeField];
    if (
      (typeof type === "object" || typeof type === "function") &&
      type !== null &&
      !hasOwn.call(obj, this.typeField)
    )
      type = undefined;
    // Declared schemas (language.md §2): an event that does not fit is reported once and
    // withheld from the patterns using its type. With no declarations running: one test.
    const invalid = this.schemaChecks !== null && typeof type === "string" && this.misfits(type, obj);
    if (this.processingTime) {
      if (this.tracer !== null) this.tracer.arriving(event, this.seq, time, type);
      this.advance(time);
      if (this.tracer !== null) this.tracer.arrived();
      this.feed(event, type, time, null, invalid, sizeOf(bytes));
      return;
    }
    if (!this.watermarksOnly && time > this.highest) this.highest = time;
    if (this.bound === 0 && this.buffer.size === 0 && !this.watermarksOnly && time >= this.now) {
      // Fast path: nothing buffered and nothing can arrive before it, so no buffer entry is
      // made. Time goes to the event's time first; after it, the target T = max(H, D) is that
      // same time (B = 0, the event is not late: H ≤ time and D < time), so no second advance.
      if (time > this.now) {
        if (this.tracer !== null) this.tracer.arriving(event, this.seq, time, type);
        this.advance(time);
        if (this.tracer !== null) this.tracer.arrived();
      }
      this.feed(event, type, time, null, invalid, sizeOf(bytes));
      return;
    }
    // Keys are read now so a missing key is reported with the input record that has it.
    const keys: unknown[] = [];
    for (const r of this.runners)
      keys[r.id] = this.keyOf(r, event, !Engine.withholds(r, invalid, type), type);
    this.buffer.push(this.buffered(event, time, type, keys, invalid, sizeOf(bytes)));
    this.flush(this.target());
  }

  /** Raises the watermark: buffered events up to `time` are fed and windows up to it close. */
  advanceTo(time: number): void {
    if (this.ended) throw new Error("advanceTo after end()");
    if (this.processingTime) return;
    if (time > this.watermark) this.watermark = time;
    this.flush(this.target());
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
    for (const r of this.runners) {
      for (const ks of [...r.keys.values(), ...r.composite.values()]) {
        const step = this.traceStep(r, ks);
        if (ks.completed.length > 0) r.matcher.finish(ks, this.matchOut);
        if (step !== null) {
          ks.partials = [];
          step.advanced(Number.POSITIVE_INFINITY, this.matchOut, this.timeoutOut, true);
        }
        ks.dead = true;
      }
      r.keys.clear();
      r.composite.clear();
      r.group?.live.clear();
      r.group?.liveComposite.clear();
      r.holding.clear();
      r.partials = 0;
    }
    this.totalPartials = 0;
    this.memory = 0;
    this.expiry.clear();
    this.holdingRunners.clear();
    for (const k of this.parts.keys()) this.dirty.add(k);
    this.parts.clear();
    this.emitStep();
    this.ended = true;
  }

  /** Counters: events, matches, timeouts, late, bad, live partial matches, keys, dropped. */
  stats(): EngineStats {
    const matchesByPattern: Record<string, number> = {};
    const partialMatchesByPattern: Record<string, number> = {};
    let partialMatches = 0;
    let keys = 0;
    for (const r of this.runners) {
      put(matchesByPattern, r.pattern.name, r.matches);
      put(partialMatchesByPattern, r.pattern.name, r.partials);
      partialMatches += r.partials;
      keys += r.keys.size + r.composite.size;
    }
    return {
      ...this.counters,
      partialMatches,
      keys,
      dropped: this.dropped,
      memory: this.memory,
      matchesByPattern,
      partialMatchesByPattern,
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

  // --- internals ---

  private fail(reason: string, event: unknown): void {
    this.counters.bad++;
    if (this.capture !== null) this.capture.errors.push({ entry: this.batchEntry, reason });
    else for (const l of this.listeners.error) l({ reason, event });
  }

  /** T = max(H − B, D); in watermarks-only mode, D. */
  private target(): number {
    return this.watermarksOnly ? this.watermark : Math.max(this.highest - this.bound, this.watermark);
  }

  /**
   * The key value of an event for a pattern (an array for several paths), or MISSING.
   * With `report`, a missing key is reported, or counted as unkeyed (see {@link missingKey}).
   */
  private keyOf(r: Runner, event: unknown, report: boolean, type?: unknown): unknown {
    const paths = r.pattern.keyPaths;
    if (paths.length === 0) return null;
    if (paths.length === 1) {
      const p0 = paths[0];
      // Events reaching here are non-array objects (push checked), so a one-segment path is one own read.
      const v = p0.length === 1 ? ownField(event as Record<string, unknown>, p0[0]) : path(event, p0);
      if (v === undefined || v === null) {
        if (report) this.missingKey(r, 0, event, type);
        return MISSING;
      }
      return v;
    }
    const values: unknown[] = [];
    for (let i = 0; i < paths.length; i++) {
      const v = path(event, paths[i]);
      if (v === undefined || v === null) {
        if (report) this.missingKey(r, i, event, type);
        return MISSING;
      }
      values.push(v);
    }
    return values;
  }

  /**
   * Reports a missing key when the event's type is one some condition of the pattern can
   * hold for; otherwise the event is skipped for it silently and counted as unkeyed, once
   * per event (language.md §3 v1.3: a mixed stream keyed on other fields makes no noise).
   */
  private missingKey(r: Runner, i: number, event: unknown, type: unknown): void {
    if (!r.matcher.fatesOf(type).relevant) {
      if (this.unkeyedAt !== this.counters.events) {
        this.unkeyedAt = this.counters.events;
        this.counters.unkeyed++;
      }
      return;
    }
    const reason = `missing key: ${r.pattern.name} (${r.pattern.keyPathText[i]})`;
    if (this.tracer !== null) {
      const t =
        this.timeField in (event as object)
          ? parseTime((event as Record<string, unknown>)[this.timeField])
          : this.now;
      this.tracer.skipped(r.pattern, null, event, typeof t === "number" ? t : this.now, {
        rule: "missingKey",
        path: r.pattern.keyPathText[i],
      });
    }
    if (this.capture !== null) this.capture.errors.push({ entry: this.batchEntry, reason });
    else for (const l of this.listeners.error) l({ reason, event });
  }

  /** Feeds buffered events with time ≤ t in (time, arrival) order, each time advanced to first; then advances to t. */
  private flush(t: number): void {
    const buf = this.buffer;
    while (buf.size > 0 && buf.peek()!.time <= t) {
      const b = buf.pop()!;
      if (b.part !== undefined) this.unbuffer(b);
      if (this.tracer !== null) this.tracer.arriving(b.event, this.seq, b.time, b.type);
      if (this.watermarksOnly) this.advanceOwnKeys(b);
      else this.advance(b.time);
      if (this.tracer !== null) this.tracer.arrived();
      this.feed(b.event, b.type, b.time, b.keys, b.invalid, b.bytes);
    }
    this.advance(t);
  }

  /**
   * One step: feed one event to every pattern. `keys` holds key values read at push time
   * (buffered events); null means read them now and report missing ones. `invalid`: the
   * event did not fit its type's declaration (withheld from the patterns using the type).
   * `bytes`: the event's size from `push`, or −1.
   */
  private feed(
    event: unknown,
    type: unknown,
    time: number,
    keys: unknown[] | null,
    invalid: boolean,
    bytes: number,
  ): void {
    const seq = this.seq++;
    this.eventBytes = bytes;
    this.eventSized = bytes >= 0;
    const runners = this.runners;
    if (runners.length <= LOOP_MAX) {
      for (let i = 0; i < runners.length; i++) {
        const r = runners[i];
        if (invalid && Engine.withholds(r, invalid, type)) continue;
        // An event of a type that changes nothing for this pattern needs no key lookup (but a
        // missing key is still reported or counted as unkeyed, language.md §3).
        const info = r.matcher.fatesOf(type);
        if (info.need === 0) {
          if (keys === null && r.keyed) {
            // Only whether the key is there matters: a primitive own value is (the usual case).
            const name = r.keyName;
            const v = name === null ? undefined : (event as Record<string, unknown>)[name];
            if (v === undefined || v === null || typeof v === "object" || typeof v === "function")
              this.keyOf(r, event, true, type);
          }
          continue;
        }
        let k = keys === null ? undefined : keys[r.id];
        if (k === undefined) k = this.keyOf(r, event, keys === null, type);
        if (k !== MISSING) this.feedRunner(r, k, event, type, info, time, seq);
      }
    } else {
      this.feedIndexed(event, type, time, keys, seq, invalid);
    }
    // Tracing: a traced key holding state whose pattern skipped the event (its type leaves
    // every waiting state unchanged) still says so. Nothing in the dispatch loop: off costs one test.
    const tracer = this.tracer;
    if (tracer !== null && (invalid || tracer.batching || this.tracedHit(event, keys)))
      this.traceUnfed(event, type, time, keys, invalid, seq);
    if (this.matchOut.length !== 0 || this.timeoutOut.length !== 0) this.emitStep();
  }

  /** Dispatch through the key groups: only patterns with state for the key, or that the event can start. */
  private feedIndexed(
    event: unknown,
    type: unknown,
    time: number,
    keys: unknown[] | null,
    seq: number,
    invalid: boolean,
  ): void {
    const gen = ++this.selectGen;
    for (const g of this.groups) {
      const first = g.runners[0];
      let k = keys === null ? undefined : keys[first.id];
      if (k === undefined) k = this.keyOf(first, event, false);
      if (k === MISSING) {
        // Reported for every pattern of the group, as the plain loop would.
        if (keys === null)
          for (const r of g.runners)
            if (!Engine.withholds(r, invalid, type)) this.keyOf(r, event, true, type);
        continue;
      }
      const selected = this.selected;
      // Setting `length` is a runtime call; empty indexes are not looked up (W7: every
      // pattern is reached through its guard, none through live keys or start types).
      if (selected.length !== 0) selected.length = 0;
      if (k !== null && typeof k === "object") {
        if (g.liveComposite.size > 0) pick(selected, gen, g.liveComposite.get(canonicalKey(k)));
      } else if (g.live.size > 0) pick(selected, gen, g.live.get(k));
      if (g.guarded.size > 0)
        for (const gi of g.guarded.values()) pick(selected, gen, gi.values.get(path(event, gi.path)));
      if (g.start.size > 0) {
        this.pickStarts(selected, gen, g.start.get(type), event);
        this.pickStarts(selected, gen, g.start.get(ANY_TYPE), event);
      }
      // Pattern order is irrelevant to results (outcomes are sorted per step) but keeps runs reproducible.
      if (selected.length > 1) selected.sort((a, b) => a.pattern.order - b.pattern.order || a.id - b.id);
      for (const r of selected)
        if (!Engine.withholds(r, invalid, type))
          this.feedRunner(r, k, event, type, r.matcher.fatesOf(type), time, seq);
    }
  }

  private pickStarts(selected: Runner[], gen: number, entry: StartEntry | undefined, event: unknown): void {
    if (entry === undefined) return;
    pick(selected, gen, entry.always);
    for (const gi of entry.guarded.values()) pick(selected, gen, gi.values.get(path(event, gi.path)));
  }

  /** Feeds one event to one pattern's key. */
  private feedRunner(
    r: Runner,
    k: unknown,
    event: unknown,
    type: unknown,
    info: FateInfo,
    time: number,
    seq: number,
  ): void {
    const composite = k !== null && typeof k === "object";
    const mapKey = composite ? canonicalKey(k) : k;
    let ks = composite ? r.composite.get(mapKey as string) : r.keys.get(mapKey);
    const fresh = ks === undefined;
    if (ks === undefined) {
      // A key without state only matters if this event can start a match.
      if (!r.matcher.canStart(info)) return;
      ks = {
        key: k,
        mapKey,
        partials: [],
        completed: NO_BRANCHES,
        mask: 0,
        scheduled: Infinity,
        dead: false,
        bytes: 0,
      };
    }
    const before = ks.partials.length;
    const m = r.matcher;
    const step = r.traced && (this.tracer as Tracer).keyTest(ks.key) ? this.traceFeed(r, ks) : null;
    m.process(ks, event, type, info, time, seq, this.matchOut);
    if (step !== null) step.processed(event, type, time, seq, this.matchOut, m);
    if (m.cells !== 0) {
      // Memory estimate at intake: new cells, the event once per key that takes it, a new key.
      let size = this.eventBytes;
      if (size < 0) size = this.eventBytes = this.sampledSize(event);
      else if (this.eventSized) {
        this.sizes.set(event as object, size);
        this.eventSized = false;
      }
      this.charge(ks, (fresh ? KEY_BYTES : 0) + size + m.cells * CELL_BYTES);
    }
    this.settle(r, ks, before, fresh, m.lastDeadline);
    if (step !== null) {
      step.settled();
      this.noteTraced(r, ks);
    }
  }

  /**
   * The size charged for an event `push` was given no size for: a running mean of the
   * events keys take, fed by the exact estimate of about one event in eight, picked by a
   * seeded xorshift so no periodic stream can dodge it (the property walk of every event
   * cost W1 ~15–25%). The budget only decides when to measure: before anything is dropped,
   * keys are measured again event by event (`overBudget`).
   */
  private sampledSize(event: unknown): number {
    let x = this.sampleBits;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.sampleBits = x;
    if (this.sizeMean === 0 || (x & 7) === 0) {
      const b = estimateEventBytes(event);
      this.sizeMean = this.sizeMean === 0 ? b : this.sizeMean + (b - this.sizeMean) / 8;
    }
    return this.sizeMean;
  }

  /** Adds estimated bytes to a key and to the engine's total. */
  private charge(ks: KeyState, bytes: number): void {
    ks.bytes += bytes;
    this.memory += bytes;
  }

  /** Bookkeeping after a key changed: counts, expiry schedule, removal of empty keys. */
  /**
   * `d` is a lower bound on the earliest expiry among the key's branches that are not
   * yet scheduled (the matcher reports it for what it created or kept); a scheduled
   * deadline that turns out early just re-checks the key then.
   */
  private settle(r: Runner, ks: KeyState, before: number, fresh: boolean, d: number): void {
    if (ks.partials.length > this.limits.partialMatchesPerKey) this.dropOldest(r, ks);
    r.partials += ks.partials.length - before;
    this.totalPartials += ks.partials.length - before;
    if (ks.partials.length === 0 && ks.completed.length === 0) {
      if (!fresh) this.forget(r, ks);
      else this.memory -= ks.bytes;
      return;
    }
    if (this.partitionBy !== null) this.track(r, ks, fresh);
    if (fresh) {
      if (ks.key !== null && typeof ks.key === "object") {
        r.composite.set(ks.mapKey as string, ks);
        if (r.group && !r.guarded) addLive(r.group.liveComposite, ks.mapKey as string, r);
      } else {
        r.keys.set(ks.mapKey, ks);
        if (r.group && !r.guarded) addLive(r.group.live, ks.mapKey, r);
      }
      if (r.keys.size + r.composite.size > this.limits.keys) this.evictKeys(r, "keys");
    }
    if (this.totalPartials > this.limits.partialMatches) this.evictKeys(r, "partialMatches");
    if (this.memory > this.limits.memory) this.overBudget(r);
    if (ks.completed.length > 0) {
      if (!r.holding.has(ks)) {
        r.holding.add(ks);
        this.holdingRunners.add(r);
      }
    } else if (r.holding.size > 0) r.holding.delete(ks);
    if (d < ks.scheduled) {
      ks.scheduled = d;
      this.expiry.push({ d, r, ks });
    }
  }

  /** Removes a key's state from its runner and the dispatch index. */
  private forget(r: Runner, ks: KeyState): void {
    if (this.partitionBy !== null) this.untrack(r, ks);
    const composite = ks.key !== null && typeof ks.key === "object";
    if (composite) r.composite.delete(ks.mapKey as string);
    else r.keys.delete(ks.mapKey);
    if (r.group && !r.guarded) removeLive(composite ? r.group.liveComposite : r.group.live, ks.mapKey, r);
    if (r.holding.size > 0) r.holding.delete(ks);
    this.memory -= ks.bytes;
    ks.bytes = 0;
    ks.dead = true;
  }

  private limitHit(kind: keyof StateLimits, message: string): void {
    if (this.limits.onLimit === "fail") throw new LimitError(message);
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    for (const l of this.listeners.warning) l(`${message}; dropping the oldest partial matches`);
  }

  /** Per-key limit: keep the newest partial matches (by start event). */
  private dropOldest(r: Runner, ks: KeyState): void {
    const limit = this.limits.partialMatchesPerKey;
    this.limitHit(
      "partialMatchesPerKey",
      `pattern ${r.pattern.name}: more than ${limit} partial matches for one key`,
    );
    const sorted = ks.partials.slice().sort((a, b) => startSeq(b) - startSeq(a));
    const cutoff = startSeq(sorted[limit - 1]);
    let keepAtCutoff = limit - sorted.findIndex((b) => startSeq(b) === cutoff);
    const kept: typeof ks.partials = [];
    for (const b of ks.partials) {
      if (startSeq(b) > cutoff || (startSeq(b) === cutoff && keepAtCutoff-- > 0)) kept.push(b);
    }
    this.dropped += ks.partials.length - kept.length;
    ks.partials = kept;
    r.matcher.remask(ks);
  }

  /** Total-partials or key-count limit: evict whole keys, those that got state first. */
  private evictKeys(r: Runner, kind: "keys" | "partialMatches"): void {
    this.limitHit(
      kind,
      kind === "keys"
        ? `pattern ${r.pattern.name}: more than ${this.limits.keys} keys hold state`
        : `more than ${this.limits.partialMatches} partial matches in total`,
    );
    const over =
      kind === "keys"
        ? () => r.keys.size + r.composite.size > this.limits.keys
        : () => this.totalPartials > this.limits.partialMatches;
    this.evictOldest(r, over, kind);
  }

  /**
   * Memory limit: the estimate counts cells that died since a key was last measured, so
   * every key is measured first; only if state is still over {@link LOW_WATER} of the
   * budget are keys evicted, oldest first — this pattern's, then the others' — down to it.
   * Stopping below the budget spaces full measures a fifth of the budget of new state apart.
   */
  private overBudget(r: Runner): void {
    let total = 0;
    for (const x of this.runners) {
      for (const map of [x.keys, x.composite] as Map<unknown, KeyState>[]) {
        for (const ks of map.values()) {
          ks.bytes = measureKey(ks, this.sizes);
          total += ks.bytes;
        }
      }
    }
    this.memory = total;
    const low = this.limits.memory * LOW_WATER;
    if (total <= low) return;
    this.limitHit("memory", `state takes more than ${this.limits.memory} bytes (estimated; limits.memory)`);
    const over = () => this.memory > low;
    this.evictOldest(r, over, "memory");
    for (const x of this.runners) if (x !== r && over()) this.evictOldest(x, over, "memory");
  }

  /** Evicts whole keys of `r`, oldest first, while `over()`. */
  private evictOldest(r: Runner, over: () => boolean, kind: "keys" | "partialMatches" | "memory"): void {
    for (const order of [r.oldest, r.oldestComposite]) {
      while (over()) {
        const ks = order.next();
        if (ks === undefined) break;
        if (this.tracer !== null) this.tracer.evicted(r.pattern, ks, kind);
        this.forget(r, ks);
        r.partials -= ks.partials.length;
        this.totalPartials -= ks.partials.length;
        this.dropped += ks.partials.length + ks.completed.length;
        ks.partials = [];
        ks.completed = [];
        ks.mask = 0;
      }
    }
  }

  /**
   * Watermarks-only mode: time advances for every key only through watermarks; before an
   * event is fed, only its own keys are advanced to its time (Flink's per-key element
   * timers). So a key's results never depend on other keys' events, which is what lets a
   * partitioned run equal a single one (scale-out.md §2.5).
   */
  private advanceOwnKeys(b: Buffered): void {
    const t = b.time;
    if (!(t > this.now)) return;
    for (const r of this.runners) {
      let k = b.keys[r.id];
      if (k === undefined) k = this.keyOf(r, b.event, false);
      if (k === MISSING) continue;
      const composite = k !== null && typeof k === "object";
      const ks = composite ? r.composite.get(canonicalKey(k)) : r.keys.get(k);
      if (ks === undefined || ks.dead || (ks.scheduled > t && ks.completed.length === 0)) continue;
      // Its heap entry turns stale; settle schedules the next deadline.
      ks.scheduled = Infinity;
      const before = ks.partials.length;
      const step = this.traceStep(r, ks);
      r.matcher.advance(ks, t, this.matchOut, this.timeoutOut);
      this.settle(r, ks, before, false, r.matcher.lastDeadline);
      if (step !== null) {
        step.advanced(t, this.matchOut, this.timeoutOut, false);
        this.noteTraced(r, ks);
      }
    }
    this.emitStep();
  }

  /** One step: advance time to t for every pattern and every key with something due. */
  private advance(t: number): void {
    if (!(t > this.now)) return;
    this.now = t;
    const heap = this.expiry;
    while (heap.size > 0 && heap.peek()!.d <= t) {
      const { d, r, ks } = heap.pop()!;
      if (ks.dead || ks.scheduled !== d || !this.runnerOf.has(r.pattern)) continue;
      ks.scheduled = Infinity;
      const before = ks.partials.length;
      const step = this.traceStep(r, ks);
      r.matcher.advance(ks, t, this.matchOut, this.timeoutOut);
      this.settle(r, ks, before, false, r.matcher.lastDeadline);
      if (step !== null) {
        step.advanced(t, this.matchOut, this.timeoutOut, false);
        this.noteTraced(r, ks);
      }
    }
    if (this.holdingRunners.size > 0) {
      for (const r of [...this.holdingRunners]) {
        if (r.holding.size === 0 || !this.runnerOf.has(r.pattern)) {
          this.holdingRunners.delete(r);
          continue;
        }
        for (const ks of [...r.holding]) {
          if (ks.dead) continue;
          const before = ks.partials.length;
          const step = this.traceStep(r, ks);
          r.matcher.advance(ks, t, this.matchOut, this.timeoutOut);
          this.settle(r, ks, before, false, r.matcher.lastDeadline);
          if (step !== null) {
            step.advanced(t, this.matchOut, this.timeoutOut, false);
            this.noteTraced(r, ks);
          }
        }
      }
    }
    this.emitStep();
  }

  // --- tracing (only when `options.trace` is given) ---

  /** A trace step for a time advance of `ks`, or null when it is not traced. */
  private traceStep(r: Runner, ks: KeyState): TraceStep | null {
    return r.traced
      ? (this.tracer as Tracer).begin(r.pattern, ks, this.matchOut.length, this.timeoutOut.length)
      : null;
  }

  /** A trace step for feeding event `seq` to `ks`, or null when the key is not traced. */
  private traceFeed(r: Runner, ks: KeyState): TraceStep | null {
    this.tracedStepped.push(ks);
    (this.tracer as Tracer).startEvent();
    return (this.tracer as Tracer).begin(r.pattern, ks, this.matchOut.length, 0);
  }

  /** After state was restored: traced keys holding partial matches join {@link tracedLive}. */
  private traceRestored(): void {
    const tracer = this.tracer as Tracer;
    for (const r of this.runners) {
      if (!r.traced) continue;
      for (const ks of [...r.keys.values(), ...r.composite.values()])
        if (tracer.keyTest(ks.key)) this.noteTraced(r, ks);
    }
  }

  /** Keeps {@link tracedLive} current after a traced key's step. */
  private noteTraced(r: Runner, ks: KeyState): void {
    const i = this.tracedLive.indexOf(ks);
    const live = !ks.dead && ks.partials.length > 0;
    if (live && i < 0) {
      this.tracedLive.push(ks);
      this.tracedLiveRunners.push(r);
    } else if (!live && i >= 0) {
      this.tracedLive.splice(i, 1);
      this.tracedLiveRunners.splice(i, 1);
    }
    const one = this.tracedLive.length === 1 ? this.tracedLiveRunners[0].keyName : null;
    this.tracedOneName = one;
    this.tracedOneKey = one === null ? undefined : this.tracedLive[0].mapKey;
  }

  /**
   * Whether the event may be one a traced key holding state did not step with: with one
   * such key and a one-field key, other keys' events cost one comparison here.
   */
  private tracedHit(event: unknown, keys: unknown[] | null): boolean {
    if (this.tracedLive.length === 0) return false;
    const name = this.tracedOneName;
    return name === null || keys !== null || (event as Record<string, unknown>)[name] === this.tracedOneKey;
  }

  /**
   * After an event was fed: traced patterns that did not step the event's key — its type
   * leaves every waiting state unchanged, or it was withheld for not fitting its schema —
   * still say so for a traced key that holds state.
   */
  private traceUnfed(
    event: unknown,
    type: unknown,
    time: number,
    keys: unknown[] | null,
    invalid: boolean,
    seq: number,
  ): void {
    const tracer = this.tracer as Tracer;
    if (invalid) {
      // Withheld for not fitting its schema: say so for a traced key.
      for (const r of this.runners) {
        if (!r.traced || !Engine.withholds(r, invalid, type)) continue;
        let k = keys === null ? undefined : keys[r.id];
        if (k === undefined) k = this.keyOf(r, event, false);
        if (k !== MISSING && tracer.keyTest(k))
          tracer.skipped(r.pattern, k, event, time, { rule: "schema" }, seq);
      }
    }
    const live = this.tracedLive;
    const stepped = this.tracedStepped;
    for (let i = 0; i < live.length; i++) {
      const ks = live[i];
      const r = this.tracedLiveRunners[i];
      // One own field (`key by user`), the usual case: other keys' events cost one comparison.
      const name = r.keyName;
      if (keys === null && name !== null && (event as Record<string, unknown>)[name] !== ks.mapKey) continue;
      if (ks.dead || ks.partials.length === 0) {
        this.noteTraced(r, ks);
        i--;
        continue;
      }
      if ((stepped.length !== 0 && stepped.includes(ks)) || (invalid && Engine.withholds(r, invalid, type)))
        continue;
      let k = keys === null ? undefined : keys[r.id];
      if (k === undefined) k = this.keyOf(r, event, false);
      if (k === MISSING) continue;
      const same = k !== null && typeof k === "object" ? canonicalKey(k) === ks.mapKey : k === ks.mapKey;
      if (same) tracer.untouched(r.pattern, ks, event, type, time, seq);
    }
    if (stepped.length !== 0) stepped.length = 0;
    tracer.endEvent();
  }

  /** A late event, for the traced patterns whose key it has. */
  private traceLate(event: unknown, time: number): void {
    const tracer = this.tracer as Tracer;
    for (const r of this.runners) {
      if (!r.traced) continue;
      const k = this.keyOf(r, event, false);
      if (k !== MISSING)
        tracer.skipped(r.pattern, k, event, time, { rule: "late", watermark: this.target() });
    }
  }

  /** Sorts and emits the outcomes of the step just finished. */
  private emitStep(): void {
    const matches = this.matchOut;
    const timeouts = this.timeoutOut;
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
      if (capture !== null) capture.records.push({ entry: this.batchEntry, record: rec });
      else for (const l of this.listeners.match) l(rec);
    }
    for (const o of ts) {
      this.counters.timeouts++;
      if (o.pattern !== pattern) {
        pattern = o.pattern;
        r = this.runnerOf.get(pattern);
      }
      const rec = r ? r.records.build(o) : new RecordBuilder(o.pattern).build(o);
      if (capture !== null) capture.records.push({ entry: this.batchEntry, record: rec });
      else for (const l of this.listeners.timeout) l(rec);
    }
  }
}

/** The earliest time at which one of these partial matches expires. */
function deadline(p: CompiledPattern, partials: readonly Branch[]): number {
  const w = p.nfa.window;
  const states = p.nfa.states;
  let d = Infinity;
  for (let i = 0; i < partials.length; i++) {
    const b = partials[i];
    if (w !== null && (b.first as Cell).time + w < d) d = (b.first as Cell).time + w;
    const sw = states[b.state].window;
    if (sw !== null && b.time + sw < d) d = b.time + sw;
  }
  return d;
}

interface SortKey {
  o: Outcome;
  seqs: number[];
  vars: number[];
}

function keyOf(o: Outcome): SortKey {
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
function sortOutcomes(list: Outcome[], byStamp: boolean): Outcome[] {
  if (inOrder(list, byStamp)) return list.slice();
  const keyed = list.map(keyOf);
  keyed.sort(
    (a, b) =>
      (byStamp ? (a.o.stamp as number) - (b.o.stamp as number) : 0) ||
      compareSeqs(a.seqs, b.seqs) ||
      compareSeqs(a.vars, b.vars) ||
      a.o.pattern.order - b.o.pattern.order,
  );
  return keyed.map((k) => k.o);
}
