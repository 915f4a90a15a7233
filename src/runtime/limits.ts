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
 */
import { getHeapStatistics } from "node:v8";
import type { Cell, KeyState } from "./matcher.js";

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
