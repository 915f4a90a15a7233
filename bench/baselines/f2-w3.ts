/**
 * F2 for W3: hand-written matchers for the rising run and the V-shape, per symbol.
 *
 * Rise = `a: Tick followed by r: Tick{3,} consecutive where price > prev.price`: a branch
 * started at `a` waits (skip till next) for the first tick above `a`; from there every
 * tick must rise over the one before, and each tick from the third on completes a match.
 * The waiting starts form a stack of non-increasing prices (a start still waits only while
 * no later tick rose above it), so a tick releases the top of the stack; the released
 * starts share the run that begins at that tick ("groups"), which dies at the first
 * non-rise.
 *
 * V = `top: Tick next down: Tick{2,} consecutive where price < prev.price next up:
 * Tick{2,} consecutive where price > prev.price and price < max(down.price)`: all strict,
 * so a V is a suffix of a down-run followed by the current up-run. With down-run p0 >
 * d1 > … > dD, a branch starting at d_i (d_0 = p0, i ≤ D − 2) takes d_{i+1}..d_D; it
 * survives up-tick u while u < d_{i+1} (its max(down.price)), so at the k-th up-tick
 * (k ≥ 2) the live branches are a prefix of i = 0..D−2.
 */
import type { Baseline, BaselineFactory, MatchSink } from "./types.js";

interface Tick {
  readonly type: string;
  readonly sym: string;
  readonly price: number;
  readonly ts: number;
}

interface RiseGroup {
  /** Index in `run` of the group's first r event. */
  readonly offset: number;
  readonly starts: Tick[];
}

interface RiseState {
  last: Tick;
  /** Starts waiting for a tick above them; prices non-increasing bottom to top. */
  waiting: Tick[];
  /** The current run of consecutive rises, from the oldest live group's first event. */
  run: Tick[];
  groups: RiseGroup[];
}

class Rise implements Baseline {
  private readonly bySym = new Map<string, RiseState>();
  constructor(private readonly sink: MatchSink) {}

  run(events: readonly object[], from: number, to: number): void {
    const bySym = this.bySym;
    const sink = this.sink;
    for (let i = from; i < to; i++) {
      const e = events[i] as Tick;
      const p = e.price;
      const st = bySym.get(e.sym);
      if (st === undefined) {
        bySym.set(e.sym, { last: e, waiting: [e], run: [], groups: [] });
        continue;
      }
      // 1. Runs: a rise extends every group (each of ≥ 3 elements completes a match); anything else kills them.
      if (p > st.last.price && st.groups.length > 0) {
        const run = st.run;
        run.push(e);
        for (const g of st.groups) {
          const count = run.length - g.offset;
          if (count < 3) break;
          for (const a of g.starts) {
            const m: Tick[] = [a];
            for (let k = g.offset; k < run.length; k++) m.push(run[k]);
            sink(m, { from: a.price, to: p, ticks: count });
          }
        }
      } else if (st.groups.length > 0) {
        st.groups = [];
        st.run = [];
      }
      // 2. Waiting starts below p take e as their first r.
      const w = st.waiting;
      let released: Tick[] | null = null;
      while (w.length > 0 && w[w.length - 1].price < p) (released ??= []).push(w.pop()!);
      if (released !== null) {
        if (st.groups.length === 0) st.run = [e];
        st.groups.push({ offset: st.run.length - 1, starts: released });
      }
      // 3. e starts a branch of its own.
      w.push(e);
      st.last = e;
    }
  }
}

interface VState {
  last: Tick;
  /** The event before the current down-run. */
  p0: Tick | null;
  /** The last down-run, d1..dD. */
  downs: Tick[];
  /** The up-run right after it. */
  ups: Tick[];
  /** 0: no V in progress; 1: in a down-run; 2: in the up-run after one. */
  phase: number;
}

class VShape implements Baseline {
  private readonly bySym = new Map<string, VState>();
  constructor(private readonly sink: MatchSink) {}

  run(events: readonly object[], from: number, to: number): void {
    const bySym = this.bySym;
    for (let i = from; i < to; i++) {
      const e = events[i] as Tick;
      const p = e.price;
      const st = bySym.get(e.sym);
      if (st === undefined) {
        bySym.set(e.sym, { last: e, p0: null, downs: [], ups: [], phase: 0 });
        continue;
      }
      if (p < st.last.price) {
        if (st.phase !== 1) {
          st.p0 = st.last;
          st.downs = [e];
          st.ups = [];
          st.phase = 1;
        } else st.downs.push(e);
      } else if (p > st.last.price) {
        if (st.phase !== 0 && st.downs.length >= 2 && st.downs[0].price > p) {
          st.ups.push(e);
          st.phase = 2;
          if (st.ups.length >= 2) this.matches(st, p);
        } else st.phase = 0;
      } else st.phase = 0;
      st.last = e;
    }
  }

  private matches(st: VState, p: number): void {
    const downs = st.downs;
    const ups = st.ups;
    const d = downs.length;
    for (let i = 0; i <= d - 2 && downs[i].price > p; i++) {
      const m: Tick[] = [i === 0 ? (st.p0 as Tick) : downs[i - 1]];
      for (let k = i; k < d; k++) m.push(downs[k]);
      for (let k = 0; k < ups.length; k++) m.push(ups[k]);
      this.sink(m, {
        high: m[0].price,
        low: downs[d - 1].price,
        close: p,
        falling: d - i,
        rising: ups.length,
      });
    }
  }
}

/** F2 for the W3 rising run. */
export const f2Rise: BaselineFactory = (sink) => new Rise(sink);
/** F2 for the W3 V-shape. */
export const f2VShape: BaselineFactory = (sink) => new VShape(sink);
