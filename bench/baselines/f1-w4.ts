/**
 * F1 for W4: the tightest hand-written loop for ONE pattern `key by k within w match a: A
 * followed by [any] b: B`. Same matches as F2 (bench/baselines/f2-w4.ts); tighter:
 *
 * - one Map lookup per A or B (the minimum for a keyed pattern), none for the other
 *   events, which cost two string compares;
 * - a key's waiting A is the Map's value itself, and only a second A makes it an array
 *   (most keys wait for one A at a time): no wrapper object, one allocation per A at most;
 * - expiry runs only when an A or B arrives: a B takes only the A's of its key still in the
 *   window, and a global FIFO of the A's (checked at its front) drops expired A's and
 *   their keys, so the state stays bounded by the window without work on other events.
 */
import type { Baseline, BaselineFactory, MatchSink } from "./types.js";

interface KeyedEvent {
  readonly type: string;
  readonly k: unknown;
  readonly ts: number;
}

class AThenB implements Baseline {
  /** Key → its waiting A, or its waiting A's oldest first. */
  private readonly waiting = new Map<unknown, KeyedEvent | KeyedEvent[]>();
  /** Every A in arrival order, `fifo[head..tail)` possibly still waiting. */
  private fifo: KeyedEvent[] = [];
  private head = 0;
  private tail = 0;
  constructor(
    private readonly w: number,
    private readonly any: boolean,
    private readonly sink: MatchSink,
  ) {}

  run(events: readonly object[], from: number, to: number): void {
    const waiting = this.waiting;
    const w = this.w;
    for (let i = from; i < to; i++) {
      const e = events[i] as KeyedEvent;
      const ty = e.type;
      if (ty === "B") {
        const t = e.ts;
        if (this.head < this.tail && t - this.fifo[this.head].ts >= w) this.expire(t);
        const v = waiting.get(e.k);
        if (v === undefined) continue;
        if (Array.isArray(v)) {
          for (let k = 0; k < v.length; k++) {
            const a = v[k];
            if (t - a.ts < w) this.sink([a, e]);
          }
        } else if (t - v.ts < w) this.sink([v, e]);
        if (!this.any) waiting.delete(e.k);
      } else if (ty === "A") {
        const t = e.ts;
        if (this.head < this.tail && t - this.fifo[this.head].ts >= w) this.expire(t);
        const v = waiting.get(e.k);
        if (v === undefined) waiting.set(e.k, e);
        else if (Array.isArray(v)) v.push(e);
        else waiting.set(e.k, [v, e]);
        this.push(e);
      }
    }
  }

  /** Drops the A's at the FIFO's front that left the window, from their keys' lists too. */
  private expire(t: number): void {
    const fifo = this.fifo;
    const w = this.w;
    let h = this.head;
    const tl = this.tail;
    while (h < tl && t - fifo[h].ts >= w) {
      const a = fifo[h++];
      const v = this.waiting.get(a.k);
      // Still waiting only if it is its key's A or heads its key's list (a B may have taken it).
      if (v === a) this.waiting.delete(a.k);
      else if (Array.isArray(v) && v[0] === a) {
        if (v.length === 1) this.waiting.delete(a.k);
        else v.shift();
      }
    }
    this.head = h;
  }

  private push(a: KeyedEvent): void {
    const fifo = this.fifo;
    if (this.head === this.tail) this.head = this.tail = 0;
    else if (this.tail === fifo.length && this.head * 2 >= this.tail) {
      fifo.copyWithin(0, this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
    fifo[this.tail++] = a;
  }
}

/** F1 for W4 (`any`: `followed by any`). */
export function f1W4(w: number, any: boolean): BaselineFactory {
  return (sink) => new AThenB(w, any, sink);
}
