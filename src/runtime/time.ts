/**
 * Time (language.md §4): what happens to an arriving record, and the clock of the run.
 * Knows nothing of patterns.
 *
 * In event time the engine keeps H (the highest event time seen), B (the allowed
 * out-of-orderness) and D (the highest watermark); it advances to the target
 * T = max(H − B, D) and feeds buffered events in (time, arrival) order up to T. An event
 * is late when its time is below H − B or not after D. With `watermarksOnly`, only
 * watermarks move T (= D) and no event is late. In processing time, an event's time is
 * the clock's (never going back) and watermarks are ignored.
 */
import { createRequire } from "node:module";
import { TimeBuffer } from "./time-buffer.js";
import { invalidTime, MAX_TIME, parseTime } from "./values.js";

// Only the heap, not mnemonist's whole index: its CommonJS modules are a large part of
// the CLI's start-up (the package exports subpaths to `require` only).
export const Heap: typeof import("mnemonist").Heap = createRequire(import.meta.url)("mnemonist/heap");

/** What {@link EventTime.admit} decided for a record. */
export const FEED = 0;
export const BUFFER = 1;
export const LATE = 2;
export const BAD = 3;
export const WATERMARK = 4;

/** An event waiting in the out-of-order buffer. */
export interface Buffered {
  readonly event: unknown;
  readonly time: number;
  readonly arrival: number;
  readonly type: unknown;
  /** Key values per runner id; undefined = not computed (runner added later). */
  readonly keys: unknown[];
  /** It did not fit its type's declaration: withheld from the patterns using it. */
  readonly invalid: boolean;
  /** Partition mode: the canonical partition key (undefined otherwise, or when the event has none). */
  readonly part?: string;
  /** The event's size as `push` was given it (−1: estimate it if a key takes it). */
  readonly bytes: number;
}

/** Buffer order: event time, then arrival. */
export const compareBuffered = (a: Buffered, b: Buffered) => a.time - b.time || a.arrival - b.arrival;

const hasOwn = Object.prototype.hasOwnProperty;

/** Options of {@link EventTime} (the engine's time options, defaults applied). */
export interface TimeOptions {
  readonly timeField: string;
  readonly outOfOrderness: number;
  readonly processingTime: boolean;
  readonly watermarksOnly: boolean;
  readonly clock: () => number;
}

/** The run's times, the out-of-order buffer and the admission of arriving records. */
export class EventTime {
  readonly timeField: string;
  /** B, the allowed out-of-orderness (ms). */
  readonly bound: number;
  readonly processingTime: boolean;
  readonly watermarksOnly: boolean;
  private readonly clock: () => number;
  /** H: the highest event time seen. */
  highest = Number.NEGATIVE_INFINITY;
  /** D: the highest watermark. */
  watermark = Number.NEGATIVE_INFINITY;
  /** The time last advanced to. */
  now = Number.NEGATIVE_INFINITY;
  /** The last clock reading (processing time never goes back). */
  lastClock = Number.NEGATIVE_INFINITY;
  /** The next feed number. */
  seq = 0;
  /** The next arrival number (buffer order among equal times). */
  arrival = 0;
  /** Events waiting to be fed, earliest (time, arrival) first (in-order arrivals kept without a heap). */
  readonly buffer = new TimeBuffer(Heap, compareBuffered);
  /**
   * Results of the last {@link admit}: the record's time (a watermark's for WATERMARK), or
   * why it is BAD. Starts as (and is never set to anything but) a number the event gave:
   * a field that once held −∞ is a double field for every EventTime, its reads are boxed,
   * and the matcher's cells then store their times as boxed doubles too (+16 B per partial
   * match on the hot-key bench with small integer times).
   */
  time = 0;
  reason = "";

  constructor(o: TimeOptions) {
    this.timeField = o.timeField;
    this.bound = o.outOfOrderness;
    this.processingTime = o.processingTime;
    this.watermarksOnly = o.watermarksOnly;
    this.clock = o.clock;
  }

  /**
   * What to do with an arriving record (a non-array object): FEED it now (nothing can
   * arrive before it), BUFFER it, drop it as LATE, report it as BAD, or raise the
   * watermark (WATERMARK; in processing time watermarks change nothing). Raises H.
   */
  admit(obj: Record<string, unknown>): number {
    // Reads inlined here, each at its own site with one property name: ownField's one keyed
    // load sees every name and goes megamorphic (W1: ~7% of the time). The rare cases are
    // methods of their own, so this one stays small enough for V8 to inline into `push`.
    const wm = obj.$watermark;
    if (wm !== undefined && hasOwn.call(obj, "$watermark")) return this.admitWatermark(wm);
    if (this.processingTime) return this.admitClock();
    const raw = obj[this.timeField];
    // Integer epoch ms is the common case: no call, no allocation.
    if (typeof raw !== "number" || !Number.isInteger(raw) || raw > MAX_TIME || raw < -MAX_TIME)
      return this.admitOther(obj, raw);
    // admitAt's steps, repeated here: one call less on every event.
    this.time = raw;
    if (this.watermarksOnly) return BUFFER;
    if (raw < this.highest - this.bound || raw <= this.watermark) return LATE;
    if (raw > this.highest) this.highest = raw;
    return this.bound === 0 && this.buffer.size === 0 && raw >= this.now ? FEED : BUFFER;
  }

  /** An event at time `t`: LATE, or FEED (the fast path: nothing buffered, nothing can come before it) or BUFFER. */
  private admitAt(t: number): number {
    this.time = t;
    if (this.watermarksOnly) return BUFFER;
    if (t < this.highest - this.bound || t <= this.watermark) return LATE;
    if (t > this.highest) this.highest = t;
    return this.bound === 0 && this.buffer.size === 0 && t >= this.now ? FEED : BUFFER;
  }

  /** A time that is not an integer number of ms: parsed (ISO strings), or BAD. */
  private admitOther(obj: Record<string, unknown>, value: unknown): number {
    let raw = value;
    if (
      (typeof raw === "object" || typeof raw === "function") &&
      raw !== null &&
      !hasOwn.call(obj, this.timeField)
    )
      raw = undefined;
    const t = parseTime(raw);
    if (typeof t === "number") return this.admitAt(t);
    const what = `${t} (${this.timeField})`;
    this.reason = t === "missing time" ? what : invalidTime(what, raw);
    return BAD;
  }

  private admitWatermark(wm: unknown): number {
    // In processing time a watermark changes nothing (advanceTo ignores it).
    if (this.processingTime) return WATERMARK;
    const t = parseTime(wm);
    if (typeof t === "number") {
      this.time = t;
      return WATERMARK;
    }
    this.reason = invalidTime("invalid watermark", wm);
    return BAD;
  }

  private admitClock(): number {
    this.time = this.readClock();
    return FEED;
  }

  /** Processing time: the clock now, never below an earlier reading. */
  readClock(): number {
    const time = Math.max(this.lastClock, this.clock());
    this.lastClock = time;
    return time;
  }

  /** T = max(H − B, D); in watermarks-only mode, D. */
  target(): number {
    return this.watermarksOnly ? this.watermark : Math.max(this.highest - this.bound, this.watermark);
  }

  /** Raises D. */
  raiseWatermark(t: number): void {
    if (t > this.watermark) this.watermark = t;
  }

  /** The next buffered event due by `t` (removed from the buffer), or undefined. */
  nextDue(t: number): Buffered | undefined {
    const buf = this.buffer;
    return buf.size > 0 && buf.peek()!.time <= t ? buf.pop() : undefined;
  }

  /** Keeps only the buffered events `keep` accepts. */
  filterBuffer(keep: (b: Buffered) => boolean): void {
    const rest = this.buffer.toArray().filter(keep);
    this.buffer.clear();
    for (const b of rest) this.buffer.push(b);
  }

  /** The buffered events in feeding order. */
  buffered(): Buffered[] {
    return [...this.buffer.toArray()].sort(compareBuffered);
  }
}
