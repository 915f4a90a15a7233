/**
 * State limits (operations.md "State limits"): the options and their defaults, the error
 * of `onLimit: "fail"`, the memory estimate, and the oldest-first order keys are evicted in.
 *
 * The memory budget counts estimated bytes, not objects: a key costs {@link KEY_BYTES},
 * each cell a partial match creates {@link CELL_BYTES}, and each event a key takes its
 * size once — the input line's length when the caller gives it (`cep run` does; kept in
 * a WeakMap for measuring again), else a bounded estimate of the object
 * ({@link estimateEventBytes}). The running estimate only
 * grows while a key lives (cells that died are still counted); when the total passes the
 * budget, every key is measured again from its live branches ({@link measureKey}) and
 * only then are keys evicted, down to {@link LOW_WATER} of the budget, so the next full
 * measure is at least a fifth of the budget of new state away (amortised O(1) per cell).
 *
 * {@link Limits} keeps the engine-wide accounts (partial matches, bytes, dropped) and the
 * policy (warn once or fail, the per-key cap); evicting whole keys unregisters them, so
 * that is the state store's (state-store.ts), which asks {@link Limits} when to stop.
 */
import { getHeapStatistics } from "node:v8";
import type { Runner } from "./key-table.js";
import { type Cell, type KeyState, startSeq } from "./matcher.js";
import type { StepOutput } from "./output.js";

/**
 * Bounds on state, so a key explosion, a hot key or large events cannot exhaust memory.
 * When a limit is exceeded the oldest partial matches are dropped and counted in
 * `stats().dropped` (with one `warning` per limit), or, with `onLimit: "fail"`, the engine
 * throws a {@link LimitError}.
 */
export interface StateLimits {
  /** Live partial matches of one pattern and key (default 10,000): the oldest by start are dropped. */
  partialMatchesPerKey: number;
  /** Live partial matches in total (default 5,000,000): keys are evicted whole, oldest state first. */
  partialMatches: number;
  /** Keys holding state, per pattern (default 5,000,000): the oldest are evicted. */
  keys: number;
  /**
   * Estimated bytes of state — partial matches, held-back matches and the events they
   * hold — over all patterns (default: half the V8 heap limit, {@link defaultMemoryLimit}):
   * keys are evicted whole, oldest first.
   */
  memory: number;
  /** `drop` (default) or `fail`. */
  onLimit: "drop" | "fail";
}

/** The share of the V8 heap limit the default memory budget allows state to take. */
export const MEMORY_FRACTION = 0.5;

/**
 * The default memory budget: {@link MEMORY_FRACTION} of the heap limit (`heapLimit`,
 * default `v8.getHeapStatistics().heap_size_limit`, which `--max-old-space-size` sets).
 * The other half is for everything else — input chunks, records, the estimate's error.
 *
 * @example defaultMemoryLimit(4 * 2 ** 30) // 2 GiB
 */
export function defaultMemoryLimit(heapLimit = getHeapStatistics().heap_size_limit): number {
  return Math.floor(heapLimit * MEMORY_FRACTION);
}

/** The default {@link StateLimits} (the memory budget derived from this process's heap limit). */
export const DEFAULT_LIMITS: Readonly<StateLimits> = Object.freeze({
  partialMatchesPerKey: 10_000,
  partialMatches: 5_000_000,
  keys: 5_000_000,
  memory: defaultMemoryLimit(),
  onLimit: "drop",
});

/** Thrown when a state limit is exceeded and the limits say `onLimit: "fail"`. */
export class LimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LimitError";
  }
}

/** Estimated bytes of a key holding state: its KeyState, map entries, branch arrays. */
export const KEY_BYTES = 256;
/** Estimated bytes of one cell (an 80-byte object on Node's 64-bit heap) and its array slot. */
export const CELL_BYTES = 96;
/** After a full measure, eviction brings the estimate down to this share of the budget. */
export const LOW_WATER = 0.8;

/** At most this many properties of an event are looked at by {@link estimateEventBytes}. */
const ESTIMATE_PROPERTIES = 64;
const OBJECT_BYTES = 56;
const PROPERTY_BYTES = 16;
const STRING_BYTES = 24;

/** A value's bytes without looking inside objects. */
function flatBytes(v: unknown): number {
  return typeof v === "string"
    ? STRING_BYTES + v.length
    : v !== null && typeof v === "object"
      ? OBJECT_BYTES
      : 8;
}

/**
 * A cheap, bounded estimate of an event object's heap size: its properties (names and
 * values) and those of objects in them, one level down, at most
 * {@link ESTIMATE_PROPERTIES} in all; strings by length. No allocation (it runs once for
 * every event a key takes, when `push` was not given the size). What lies beyond the
 * bound is not counted: give `push` the size when events are large and deeply nested.
 */
export function estimateEventBytes(event: unknown): number {
  if (event === null || typeof event !== "object") return flatBytes(event);
  let left = ESTIMATE_PROPERTIES;
  let bytes = OBJECT_BYTES;
  for (const k in event) {
    if (left-- <= 0) break;
    const v = (event as Record<string, unknown>)[k];
    bytes += PROPERTY_BYTES + k.length + flatBytes(v);
    if (v !== null && typeof v === "object") {
      for (const k2 in v) {
        if (left-- <= 0) break;
        bytes += PROPERTY_BYTES + k2.length + flatBytes((v as Record<string, unknown>)[k2]);
      }
    }
  }
  return bytes;
}

// Reused by measureKey: cleared after each key (no allocation per measure).
const seenCells = new Set<Cell>();
const seenEvents = new Set<unknown>();

/**
 * A key's state measured from what it holds now: {@link KEY_BYTES}, each distinct cell
 * reachable from its partial and held-back matches, and each distinct event once, at the
 * size `push` was given (`sizes`) or else estimated.
 */
export function measureKey(ks: KeyState, sizes: WeakMap<object, number>): number {
  let bytes = KEY_BYTES;
  if (ks.partials.length + ks.completed.length === 1) {
    // One chain (the common case): its cells and events are distinct, no sets needed.
    const b = ks.partials.length === 1 ? ks.partials[0] : ks.completed[0];
    for (let c: Cell | null = b.first === null ? null : b; c !== null; c = c.prev)
      bytes += CELL_BYTES + (sizes.get(c.event as object) ?? estimateEventBytes(c.event));
    return bytes;
  }
  for (const list of [ks.partials, ks.completed]) {
    for (let i = 0; i < list.length; i++) {
      // A branch is its last cell; the Start branch (first null) has taken nothing.
      for (let c: Cell | null = list[i].first === null ? null : list[i]; c !== null; c = c.prev) {
        // Branches share prefixes: the rest of this chain is counted already.
        if (seenCells.has(c)) break;
        seenCells.add(c);
        bytes += CELL_BYTES;
        if (!seenEvents.has(c.event)) {
          seenEvents.add(c.event);
          bytes += sizes.get(c.event as object) ?? estimateEventBytes(c.event);
        }
      }
    }
  }
  seenCells.clear();
  seenEvents.clear();
  return bytes;
}

/**
 * Oldest-first order over a map of key states (Map keeps insertion order, and a key is
 * inserted when it gets state). The iterator stays open across evictions — a live Map
 * iterator sees entries added later and skips deleted ones — so each eviction costs O(1)
 * amortised instead of a walk over every key from the start.
 */
export class OldestFirst {
  private iterator: Iterator<KeyState> | null = null;

  constructor(private readonly map: Map<unknown, KeyState>) {}

  /** The oldest key state not yet returned, or undefined when the map is empty. */
  next(): KeyState | undefined {
    for (let round = 0; round < 2; round++) {
      if (this.map.size === 0) {
        this.iterator = null;
        return undefined;
      }
      if (this.iterator === null) this.iterator = this.map.values();
      const r = this.iterator.next();
      if (!r.done) return r.value;
      // Finished iterators stay finished: start again from the (new) oldest entry.
      this.iterator = null;
    }
    return undefined;
  }
}

/** The state limits of one engine: its accounts over all patterns, its warnings, the per-key cap. */
export class Limits {
  /** The limits, copied to fields: each check on the hot path is one load and one compare. */
  readonly perKey: number;
  readonly partialMatches: number;
  readonly keys: number;
  readonly memory: number;
  private readonly fail: boolean;
  private readonly warned = new Set<string>();
  /** Live partial matches over all patterns and keys. */
  totalPartials = 0;
  /** Estimated bytes of state over all patterns: the sum of the keys' `bytes`. */
  bytes = 0;
  /** Partial (and held-back) matches dropped by the limits. */
  dropped = 0;
  /** Size of the event being fed, from `push`; −1 until estimated (only if a key takes it). */
  eventBytes = -1;
  /** Whether `eventBytes` came from `push` (recorded in `sizes` when a key takes the event). */
  private eventSized = false;
  /** {@link sampledSize}'s running mean (0: none yet) and its xorshift state. */
  private sizeMean = 0;
  private sampleBits = 0x9e3779b9;
  /** Sizes `push` was given, of events a key took: measuring a key again uses them. */
  readonly sizes = new WeakMap<object, number>();

  constructor(
    limits: StateLimits,
    private readonly out: StepOutput,
  ) {
    this.perKey = limits.partialMatchesPerKey;
    this.partialMatches = limits.partialMatches;
    this.keys = limits.keys;
    this.memory = limits.memory;
    this.fail = limits.onLimit === "fail";
  }

  /** The event about to be fed: its size from `push`, or −1. */
  startEvent(bytes: number): void {
    this.eventBytes = bytes;
    this.eventSized = bytes >= 0;
  }

  /** Memory estimate at intake: `cells` new cells, the event once per key that takes it, a new key. */
  intake(ks: KeyState, fresh: boolean, event: unknown, cells: number): void {
    let size = this.eventBytes;
    if (size < 0) size = this.eventBytes = this.sampledSize(event);
    else if (this.eventSized) {
      this.sizes.set(event as object, size);
      this.eventSized = false;
    }
    this.charge(ks, (fresh ? KEY_BYTES : 0) + size + cells * CELL_BYTES);
  }

  /** Adds estimated bytes to a key and to the total. */
  charge(ks: KeyState, bytes: number): void {
    ks.bytes += bytes;
    this.bytes += bytes;
  }

  /**
   * The size charged for an event `push` was given no size for: a running mean of the
   * events keys take, fed by the exact estimate of about one event in eight, picked by a
   * seeded xorshift so no periodic stream can dodge it (the property walk of every event
   * cost W1 ~15–25%). The budget only decides when to measure: before anything is dropped,
   * keys are measured again (state-store.ts `overBudget`).
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

  /** Measures every key of these runners again and resets the total to the sum. */
  measure(runners: readonly Runner[]): number {
    let total = 0;
    for (const x of runners) {
      for (const map of [x.keys, x.composite] as Map<unknown, KeyState>[]) {
        for (const ks of map.values()) {
          ks.bytes = measureKey(ks, this.sizes);
          total += ks.bytes;
        }
      }
    }
    this.bytes = total;
    return total;
  }

  /** A limit was hit: throws with `onLimit: "fail"`, else warns once per kind. */
  hit(kind: keyof StateLimits, message: string): void {
    if (this.fail) throw new LimitError(message);
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.out.warn(`${message}; dropping the oldest partial matches`);
  }

  /** Per-key limit: keep the newest partial matches (by start event). */
  dropOldest(r: Runner, ks: KeyState): void {
    const limit = this.perKey;
    this.hit(
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
}
