/**
 * F1 for W7: the tightest hand-written loop for the patterns `P_s { key by sym within w
 * match a: A where sym == s followed by b: B where sym == s and price > a.price * 1.01 }`.
 * Same matches as F2 (bench/baselines/f2-w7.ts); tighter:
 *
 * - one pattern: one string compare on the symbol, no Map; several: one Map lookup per
 *   event (symbol → its pattern's state), the minimum for keyed patterns;
 * - a symbol's waiting A's are a flat, reused array with a head (expired A's are dropped at
 *   the front when an A arrives, and skipped by a B); a B keeps the A's it does not
 *   complete by compacting in place: no allocation but the sink's arrays.
 */
import type { Baseline, BaselineFactory, MatchSink } from "./types.js";

interface Tick {
  readonly type: string;
  readonly sym: string;
  readonly price: number;
  readonly ts: number;
}

/** One symbol's waiting A's: `list[head..tail)`, oldest first. */
class Waiting {
  list: Tick[] = [];
  head = 0;
  tail = 0;
}

/** An A waits; a B completes the live A's it beats by 1%, the rest keep waiting. */
function step(st: Waiting, e: Tick, w: number, sink: MatchSink): void {
  const t = e.ts;
  const list = st.list;
  if (e.type === "A") {
    let h = st.head;
    let tl = st.tail;
    while (h < tl && t - list[h].ts >= w) h++;
    if (h === tl) h = tl = 0;
    else if (tl === list.length && h * 2 >= tl) {
      list.copyWithin(0, h, tl);
      tl -= h;
      h = 0;
    }
    list[tl] = e;
    st.head = h;
    st.tail = tl + 1;
  } else if (e.type === "B") {
    const tl = st.tail;
    let kept = st.head;
    const p = e.price;
    for (let k = st.head; k < tl; k++) {
      const a = list[k];
      if (t - a.ts >= w) continue;
      if (p > a.price * 1.01) sink([a, e]);
      else list[kept++] = a;
    }
    st.tail = kept;
  }
}

class OneSymbol implements Baseline {
  private readonly st = new Waiting();
  constructor(
    private readonly sym: string,
    private readonly w: number,
    private readonly sink: MatchSink,
  ) {}

  run(events: readonly object[], from: number, to: number): void {
    const { sym, st, w, sink } = this;
    for (let i = from; i < to; i++) {
      const e = events[i] as Tick;
      if (e.sym === sym) step(st, e, w, sink);
    }
  }
}

class PerSymbol implements Baseline {
  private readonly bySym = new Map<string, Waiting>();
  constructor(
    symbols: readonly string[],
    private readonly w: number,
    private readonly sink: MatchSink,
  ) {
    for (const s of symbols) this.bySym.set(s, new Waiting());
  }

  run(events: readonly object[], from: number, to: number): void {
    const { bySym, w, sink } = this;
    for (let i = from; i < to; i++) {
      const e = events[i] as Tick;
      const st = bySym.get(e.sym);
      if (st !== undefined) step(st, e, w, sink);
    }
  }
}

/** F1 for W7 over these watched symbols (one pattern each). */
export function f1W7(symbols: readonly string[], w: number): BaselineFactory {
  return (sink) =>
    symbols.length === 1 ? new OneSymbol(symbols[0], w, sink) : new PerSymbol(symbols, w, sink);
}
