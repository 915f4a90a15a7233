/**
 * F2 for W1: hand-written matchers for `within w match a0: T0 followed by a1: T1 … a(n−1)`
 * (stage types distinct; the last one may never occur). Unkeyed; ts strictly increasing.
 *
 * `followed by` (skip till next): every T0 starts a branch; a branch waiting at stage j
 * takes the first later T_j. All branches waiting at stage j therefore move together on
 * the next T_j, and an older branch is never at a lower stage than a younger one, so each
 * stage holds its branches in start order: a T_j event moves the whole stage-j list onto
 * the end of stage j+1's, and expiry (t − start ≥ w) pops list fronts.
 *
 * `followed by any` (every later match): the matches ending at a T(n−1) event e are all
 * chains a0 < a1 < … < e of the stage types with t(e) − t(a0) < w. No partial match is
 * stored: one deque per stage type holds the events of the last w ms, and the chains are
 * enumerated backwards from e (output-sensitive).
 */
import type { Baseline, BaselineFactory, MatchSink } from "./types.js";

interface W1Event {
  readonly type: string;
  readonly ts: number;
}

interface SeqBranch {
  readonly start: number;
  readonly events: W1Event[];
}

/** A list with a moving head: pops from the front in O(1). */
class Queue<T> {
  items: T[] = [];
  head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

class FollowedBy implements Baseline {
  /** stages[j]: branches waiting for their T_j (j ≥ 1). */
  private readonly stages: Queue<SeqBranch>[];
  constructor(
    private readonly stageOf: ReadonlyMap<string, number>,
    private readonly n: number,
    private readonly w: number,
    private readonly sink: MatchSink,
  ) {
    this.stages = Array.from({ length: n }, () => new Queue<SeqBranch>());
  }

  run(events: readonly object[], from: number, to: number): void {
    const { stages, stageOf, n, w, sink } = this;
    for (let i = from; i < to; i++) {
      const e = events[i] as W1Event;
      const t = e.ts;
      // 1. Expire: lists are in start order.
      for (let j = 1; j < n; j++) {
        const q = stages[j];
        while (q.head < q.items.length && t - q.items[q.head].start >= w) q.head++;
        if (q.head === q.items.length) {
          q.items.length = 0;
          q.head = 0;
        } else q.compact();
      }
      const j = stageOf.get(e.type);
      if (j === undefined) continue;
      // 2. Stage j takes e: its whole list moves on (or completes).
      if (j > 0) {
        const q = stages[j];
        if (q.size > 0) {
          const items = q.items;
          if (j === n - 1) {
            for (let k = q.head; k < items.length; k++) {
              const b = items[k];
              b.events.push(e);
              sink(b.events);
            }
          } else {
            const dst = stages[j + 1].items;
            for (let k = q.head; k < items.length; k++) {
              items[k].events.push(e);
              dst.push(items[k]);
            }
          }
          q.items = [];
          q.head = 0;
        }
      } else if (n === 1) sink([e]);
      // 3. Every T0 starts a branch.
      if (j === 0 && n > 1) stages[1].items.push({ start: t, events: [e] });
    }
  }
}

class FollowedByAny implements Baseline {
  /** recent[j]: the T_j events of the last w ms, oldest first (j < n − 1). */
  private readonly recent: Queue<W1Event>[];
  private readonly chain: W1Event[];
  private lowest = 0;
  constructor(
    private readonly stageOf: ReadonlyMap<string, number>,
    private readonly n: number,
    private readonly w: number,
    private readonly sink: MatchSink,
  ) {
    this.recent = Array.from({ length: n }, () => new Queue<W1Event>());
    this.chain = new Array(n);
  }

  run(events: readonly object[], from: number, to: number): void {
    const { recent, stageOf, n, w } = this;
    for (let i = from; i < to; i++) {
      const e = events[i] as W1Event;
      const t = e.ts;
      const j = stageOf.get(e.type);
      if (j === undefined) continue;
      // Events at or before t − w can no longer be part of a match (their chain's first
      // event would be older still).
      const lowest = t - w;
      for (let s = 0; s < n - 1; s++) {
        const q = recent[s];
        while (q.head < q.items.length && q.items[q.head].ts <= lowest) q.head++;
        q.compact();
      }
      if (j === n - 1) {
        this.lowest = lowest;
        this.chain[n - 1] = e;
        if (n === 1) this.sink([e]);
        else this.enumerate(n - 2, t);
      } else recent[j].items.push(e);
    }
  }

  /** Every choice of stages 0..s before time `before`, completing the chain. */
  private enumerate(s: number, before: number): void {
    const q = this.recent[s];
    const items = q.items;
    // Binary search: the first item at or after `before` (ts strictly increasing).
    let lo = q.head;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (items[mid].ts < before) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo - 1; k >= q.head; k--) {
      const x = items[k];
      if (x.ts <= this.lowest) break;
      this.chain[s] = x;
      if (s === 0) this.sink(this.chain.slice());
      else this.enumerate(s - 1, x.ts);
    }
  }
}

/** F2 for W1 with these stage types (distinct), window `w` ms, and contiguity. */
export function f2W1(types: readonly string[], w: number, any: boolean): BaselineFactory {
  const stageOf = new Map(types.map((t, i) => [t, i] as const));
  return (sink) =>
    any ? new FollowedByAny(stageOf, types.length, w, sink) : new FollowedBy(stageOf, types.length, w, sink);
}
