/**
 * F1 for W1: the tightest hand-written loop for ONE pattern `within w match a0: T0 followed
 * by [any] a1: T1 … a(n−1)` (stage types distinct; the last may never occur), unkeyed, ts
 * strictly increasing. Same matches as F2 (bench/baselines/f2-w1.ts explains the
 * algorithms); what makes it tighter:
 *
 * - the type is found by string compares against the stage types (no Map);
 * - waiting partial matches live in flat, reused arrays (a buffer per stage with a head
 *   and a tail, compacted in place once half is dead, never shrunk): no allocation per event, only the
 *   arrays the sink receives;
 * - expiry is lazy: a stage drops its expired front only when it receives or hands on
 *   (the oldest entries are at the front), so an event no stage takes costs its compares.
 *   State stays bounded by the window all the same.
 */
import type { Baseline, BaselineFactory, MatchSink } from "./types.js";

interface W1Event {
  readonly type: string;
  readonly ts: number;
}

/**
 * `followed by` (skip till next). Stage j (1 ≤ j < n) holds its branches flat, `j` events
 * each (a0..a(j−1)), oldest first, in `buf[j][head[j]*j .. tail[j]*j)`; a T_j moves the
 * whole stage onto stage j+1 (each branch with e appended) or, at the last stage, emits.
 */
class FollowedBy implements Baseline {
  private readonly buf: W1Event[][];
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  constructor(
    private readonly types: readonly string[],
    private readonly w: number,
    private readonly sink: MatchSink,
  ) {
    const n = types.length;
    this.buf = Array.from({ length: n + 1 }, () => []);
    this.head = new Int32Array(n + 1);
    this.tail = new Int32Array(n + 1);
  }

  run(events: readonly object[], from: number, to: number): void {
    const { types, w, sink, buf, head, tail } = this;
    const n = types.length;
    for (let i = from; i < to; i++) {
      const e = events[i] as W1Event;
      const ty = e.type;
      let j = 0;
      while (j < n && ty !== types[j]) j++;
      if (j === n) continue;
      const t = e.ts;
      if (j === 0) {
        if (n === 1) sink([e]);
        else this.append1(e, t);
        continue;
      }
      // Stage j takes e: its live branches (front ones expired) move on or complete.
      const src = buf[j];
      let h = head[j];
      const tl = tail[j];
      while (h < tl && t - src[h * j].ts >= w) h++;
      head[j] = 0;
      tail[j] = 0;
      if (h === tl) continue;
      if (j === n - 1) {
        for (let k = h; k < tl; k++) {
          const m = new Array<W1Event>(n);
          const o = k * j;
          for (let x = 0; x < j; x++) m[x] = src[o + x];
          m[j] = e;
          sink(m);
        }
        continue;
      }
      const s = j + 1;
      const dst = buf[s];
      let dh = head[s];
      let dt = tail[s];
      while (dh < dt && t - dst[dh * s].ts >= w) dh++;
      if (dh === dt) dh = dt = 0;
      else if (dh * 2 >= dt && (dt + tl - h) * s > dst.length) {
        dst.copyWithin(0, dh * s, dt * s);
        dt -= dh;
        dh = 0;
      }
      let o = dt * s;
      for (let k = h; k < tl; k++) {
        const so = k * j;
        for (let x = 0; x < j; x++) dst[o++] = src[so + x];
        dst[o++] = e;
      }
      head[s] = dh;
      tail[s] = dt + tl - h;
    }
  }

  /** A T0 starts a branch waiting at stage 1 (the expired front dropped first). */
  private append1(e: W1Event, t: number): void {
    const b = this.buf[1];
    let h = this.head[1];
    let tl = this.tail[1];
    while (h < tl && t - b[h].ts >= this.w) h++;
    if (h === tl) h = tl = 0;
    else if (h * 2 >= tl && tl === b.length) {
      b.copyWithin(0, h, tl);
      tl -= h;
      h = 0;
    }
    b[tl] = e;
    this.head[1] = h;
    this.tail[1] = tl + 1;
  }
}

/**
 * `followed by any` (skip till any): no partial match is stored; stage s < n−1 keeps its
 * T_s events of the last w ms in `buf[s][head[s]..tail[s])`, and a T(n−1) at t enumerates
 * every chain a0 < a1 < … backwards (binary search for the last usable event of each stage).
 */
class FollowedByAny implements Baseline {
  private readonly buf: W1Event[][];
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private readonly chain: W1Event[];
  private lowest = 0;
  constructor(
    private readonly types: readonly string[],
    private readonly w: number,
    private readonly sink: MatchSink,
  ) {
    const n = types.length;
    this.buf = Array.from({ length: n }, () => []);
    this.head = new Int32Array(n);
    this.tail = new Int32Array(n);
    this.chain = new Array(n);
  }

  run(events: readonly object[], from: number, to: number): void {
    const { types, w, buf, head, tail } = this;
    const last = types.length - 1;
    for (let i = from; i < to; i++) {
      const e = events[i] as W1Event;
      const ty = e.type;
      let j = 0;
      while (j <= last && ty !== types[j]) j++;
      if (j > last) continue;
      const t = e.ts;
      if (j === last) {
        this.chain[last] = e;
        if (last === 0) this.sink([e]);
        else {
          this.lowest = t - w;
          this.enumerate(last - 1, t);
        }
        continue;
      }
      // Keep e (the expired front dropped: events at or before t − w start no match).
      const b = buf[j];
      let h = head[j];
      let tl = tail[j];
      const lowest = t - w;
      while (h < tl && b[h].ts <= lowest) h++;
      if (h === tl) h = tl = 0;
      else if (h * 2 >= tl && tl === b.length) {
        b.copyWithin(0, h, tl);
        tl -= h;
        h = 0;
      }
      b[tl] = e;
      head[j] = h;
      tail[j] = tl + 1;
    }
  }

  /** Every choice of stages 0..s before time `before` and after `lowest`, completing the chain. */
  private enumerate(s: number, before: number): void {
    const b = this.buf[s];
    const h = this.head[s];
    let lo = h;
    let hi = this.tail[s];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (b[mid].ts < before) lo = mid + 1;
      else hi = mid;
    }
    const lowest = this.lowest;
    const chain = this.chain;
    for (let k = lo - 1; k >= h; k--) {
      const x = b[k];
      if (x.ts <= lowest) break;
      chain[s] = x;
      if (s === 0) this.sink(chain.slice());
      else this.enumerate(s - 1, x.ts);
    }
  }
}

/** F1 for W1 with these stage types (distinct), window `w` ms, and contiguity. */
export function f1W1(types: readonly string[], w: number, any: boolean): BaselineFactory {
  const ts = [...types];
  return (sink) => (any ? new FollowedByAny(ts, w, sink) : new FollowedBy(ts, w, sink));
}
