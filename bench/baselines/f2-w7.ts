/**
 * F2 for W7: hand-written matcher for the patterns `P_s { key by sym within w match a: A
 * where sym == s followed by b: B where sym == s and price > a.price * 1.01 }`, one per
 * symbol of a set. Patterns are indexed by symbol (a map lookup per event, whatever their
 * number). Each A of a watched symbol waits (skip till next) for the first B of its symbol
 * priced over 1.01 × its own; B's below that are skipped by that branch only.
 */
import type { Baseline, BaselineFactory, MatchSink } from "./types.js";

interface Tick {
  readonly type: string;
  readonly sym: string;
  readonly price: number;
  readonly ts: number;
}

class PerSymbol implements Baseline {
  /** Watched symbol → its waiting A's, in time order. */
  private readonly waiting = new Map<string, Tick[]>();
  constructor(
    symbols: readonly string[],
    private readonly w: number,
    private readonly sink: MatchSink,
  ) {
    for (const s of symbols) this.waiting.set(s, []);
  }

  run(events: readonly object[], from: number, to: number): void {
    const waiting = this.waiting;
    const w = this.w;
    for (let i = from; i < to; i++) {
      const e = events[i] as Tick;
      const list = waiting.get(e.sym);
      if (list === undefined) continue;
      const t = e.ts;
      if (e.type === "A") {
        // Drop expired starts now and then (the list is in time order).
        if (list.length > 0 && t - list[0].ts >= w) {
          let k = 0;
          while (k < list.length && t - list[k].ts >= w) k++;
          list.splice(0, k);
        }
        list.push(e);
      } else if (e.type === "B" && list.length > 0) {
        let kept = 0;
        for (let k = 0; k < list.length; k++) {
          const a = list[k];
          if (t - a.ts >= w) continue;
          if (e.price > a.price * 1.01) this.sink([a, e]);
          else list[kept++] = a;
        }
        list.length = kept;
      }
    }
  }
}

/** F2 for W7 over these watched symbols. */
export function f2W7(symbols: readonly string[], w: number): BaselineFactory {
  return (sink) => new PerSymbol(symbols, w, sink);
}
