/**
 * F1 for W3: the tightest hand-written loops for the rising run and the V-shape, per
 * symbol. Same algorithms and matches as F2 (bench/baselines/f2-w3.ts explains them);
 * tighter: one Map lookup per event (the minimum for `key by sym`), and each symbol's
 * state is a fixed set of arrays reused with explicit lengths — a run that dies or a new
 * down-run resets counters instead of allocating, and groups of released starts are flat
 * (offsets and segment ends), so only the sink's arrays and emit objects are allocated.
 */
import type { Baseline, BaselineFactory, MatchSink } from "./types.js";

interface Tick {
  readonly type: string;
  readonly sym: string;
  readonly price: number;
  readonly ts: number;
}

class RiseState {
  /** Starts waiting for a tick above them, `waiting[0..wn)`: prices non-increasing. */
  readonly waiting: Tick[] = [];
  wn = 0;
  /** The current run of consecutive rises, `run[0..rn)`, from the oldest live group's first r. */
  readonly run: Tick[] = [];
  rn = 0;
  /** Group g: starts `starts[gEnd[g−1]..gEnd[g])`, first r at `run[gOff[g]]`. */
  readonly gOff: number[] = [];
  readonly gEnd: number[] = [];
  gn = 0;
  readonly starts: Tick[] = [];
  sn = 0;
  constructor(public last: Tick) {
    this.waiting[0] = last;
    this.wn = 1;
  }
}

class Rise implements Baseline {
  private readonly bySym = new Map<string, RiseState>();
  constructor(private readonly sink: MatchSink) {}

  run(events: readonly object[], from: number, to: number): void {
    const bySym = this.bySym;
    for (let i = from; i < to; i++) {
      const e = events[i] as Tick;
      const st = bySym.get(e.sym);
      if (st === undefined) bySym.set(e.sym, new RiseState(e));
      else this.step(st, e);
    }
  }

  private step(st: RiseState, e: Tick): void {
    const p = e.price;
    const run = st.run;
    // 1. A rise extends every group (each of ≥ 3 r's completes a match); anything else ends them.
    if (st.gn > 0) {
      if (p > st.last.price) {
        run[st.rn++] = e;
        const rn = st.rn;
        let s0 = 0;
        for (let g = 0; g < st.gn; g++) {
          const off = st.gOff[g];
          const count = rn - off;
          if (count < 3) break;
          const s1 = st.gEnd[g];
          for (let s = s0; s < s1; s++) {
            const a = st.starts[s];
            const m = new Array<Tick>(count + 1);
            m[0] = a;
            for (let k = off; k < rn; k++) m[k - off + 1] = run[k];
            this.sink(m, { from: a.price, to: p, ticks: count });
          }
          s0 = s1;
        }
      } else st.gn = st.sn = st.rn = 0;
    }
    // 2. Waiting starts below p take e as their first r: a new group.
    const w = st.waiting;
    let wn = st.wn;
    if (wn > 0 && w[wn - 1].price < p) {
      if (st.gn === 0) {
        run[0] = e;
        st.rn = 1;
      }
      let sn = st.sn;
      while (wn > 0 && w[wn - 1].price < p) st.starts[sn++] = w[--wn];
      st.gOff[st.gn] = st.rn - 1;
      st.gEnd[st.gn] = sn;
      st.gn++;
      st.sn = sn;
    }
    // 3. e starts a branch of its own.
    w[wn++] = e;
    st.wn = wn;
    st.last = e;
  }
}

class VState {
  /** The event before the current down-run. */
  p0: Tick;
  /** The last down-run `downs[0..dn)` and the up-run right after it `ups[0..un)`. */
  readonly downs: Tick[] = [];
  dn = 0;
  readonly ups: Tick[] = [];
  un = 0;
  /** 0: no V in progress; 1: in a down-run; 2: in the up-run after one. */
  phase = 0;
  constructor(public last: Tick) {
    this.p0 = last;
  }
}

class VShape implements Baseline {
  private readonly bySym = new Map<string, VState>();
  constructor(private readonly sink: MatchSink) {}

  run(events: readonly object[], from: number, to: number): void {
    const bySym = this.bySym;
    for (let i = from; i < to; i++) {
      const e = events[i] as Tick;
      const st = bySym.get(e.sym);
      if (st === undefined) {
        bySym.set(e.sym, new VState(e));
        continue;
      }
      const p = e.price;
      const lp = st.last.price;
      if (p < lp) {
        if (st.phase !== 1) {
          st.p0 = st.last;
          st.downs[0] = e;
          st.dn = 1;
          st.un = 0;
          st.phase = 1;
        } else st.downs[st.dn++] = e;
      } else if (p > lp && st.phase !== 0 && st.dn >= 2 && st.downs[0].price > p) {
        st.ups[st.un++] = e;
        st.phase = 2;
        if (st.un >= 2) this.matches(st, p);
      } else st.phase = 0;
      st.last = e;
    }
  }

  private matches(st: VState, p: number): void {
    const { downs, ups, dn, un } = st;
    for (let i = 0; i <= dn - 2 && downs[i].price > p; i++) {
      const m = new Array<Tick>(1 + dn - i + un);
      m[0] = i === 0 ? st.p0 : downs[i - 1];
      let o = 1;
      for (let k = i; k < dn; k++) m[o++] = downs[k];
      for (let k = 0; k < un; k++) m[o++] = ups[k];
      this.sink(m, { high: m[0].price, low: downs[dn - 1].price, close: p, falling: dn - i, rising: un });
    }
  }
}

/** F1 for the W3 rising run. */
export const f1Rise: BaselineFactory = (sink) => new Rise(sink);
/** F1 for the W3 V-shape. */
export const f1VShape: BaselineFactory = (sink) => new VShape(sink);
