/**
 * The event-time buffer of time.ts: events waiting to be fed, taken out earliest
 * (time, arrival) first. Most streams arrive nearly in order, and with watermarks only
 * every event waits for the next watermark, so a heap would pay a sift on every event.
 * Events that arrive in order (not before the last one kept in order) go to a plain
 * queue instead, the others to a heap; taking out compares the two heads. The order is
 * the heap's alone would give: (time, arrival) is unique, and both parts are in it.
 */
import type { Heap as HeapType } from "mnemonist";
import type { Buffered } from "./time.js";

/** A min-queue of {@link Buffered} by (time, arrival): a sorted run plus a heap. */
export class TimeBuffer {
  /** Events in (time, arrival) order, from `head` on. */
  private run: Buffered[] = [];
  private head = 0;
  private readonly heap: HeapType<Buffered>;

  constructor(
    Heap: typeof import("mnemonist").Heap,
    private readonly compare: (a: Buffered, b: Buffered) => number,
  ) {
    this.heap = new Heap<Buffered>(compare);
  }

  /** Events in the buffer (a field, not a getter: `admit` reads it for every event). */
  size = 0;

  push(b: Buffered): void {
    this.size++;
    const run = this.run;
    const n = run.length;
    if (n === this.head || this.compare(run[n - 1], b) <= 0) run.push(b);
    else this.heap.push(b);
  }

  /** The earliest event, left in. */
  peek(): Buffered | undefined {
    const r = this.head < this.run.length ? this.run[this.head] : undefined;
    const h = this.heap.size > 0 ? this.heap.peek() : undefined;
    if (r === undefined) return h;
    return h === undefined || this.compare(r, h) < 0 ? r : h;
  }

  /** The earliest event, taken out. */
  pop(): Buffered | undefined {
    if (this.size === 0) return undefined;
    this.size--;
    const run = this.run;
    const r = this.head < run.length ? run[this.head] : undefined;
    if (r === undefined || (this.heap.size > 0 && this.compare(this.heap.peek() as Buffered, r) < 0))
      return this.heap.pop();
    this.head++;
    // The taken part is dropped once it is most of the array (each event moves at most once more).
    if (this.head === run.length) {
      run.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && 2 * this.head >= run.length) {
      run.copyWithin(0, this.head);
      run.length -= this.head;
      this.head = 0;
    }
    return r;
  }

  /** Every event, in no particular order. */
  toArray(): Buffered[] {
    return [...this.run.slice(this.head), ...this.heap.toArray()];
  }

  clear(): void {
    this.size = 0;
    this.run = [];
    this.head = 0;
    this.heap.clear();
  }
}
