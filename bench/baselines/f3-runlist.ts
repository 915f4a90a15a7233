/**
 * F3: a naive run-list NFA — what Flink CEP and SASE do at heart. Each key has a list of
 * runs (partial matches); every event of the key is checked against every run, each run
 * stepping, forking or dying, and every event may start a new run. Runs share their
 * prefixes through immutable cells (as Flink's shared buffer and SASE's stacks do), so
 * a fork costs O(1); nothing is indexed by type or by what a run waits for.
 *
 * Supported: singleton stages with `next` / `followed by` / `followed by any`, strictly
 * consecutive unbounded loops (`{n,} consecutive`, followed by nothing or by `next`),
 * a pattern window (`last − first < w`, expired runs dropped when their key sees an event).
 */
import type { Baseline, BaselineFactory, MatchSink } from "./types.js";

/** One taken event; runs share prefixes. */
export interface NaiveCell {
  readonly event: NaiveEvent;
  readonly stage: number;
  readonly prev: NaiveCell | null;
}

/** A partial match: the stage it is in, how many elements of it were taken, its events. */
export interface NaiveRun {
  readonly stage: number;
  /** Elements of `stage` taken so far (0: waiting for the stage's first element). */
  readonly count: number;
  readonly last: NaiveCell | null;
  readonly start: number;
}

export interface NaiveEvent {
  readonly type: string;
  readonly ts: number;
  readonly [field: string]: unknown;
}

export interface NaiveStage {
  /** How the stage's first element relates to the run's last event (ignored on stage 0). */
  readonly contiguity: "next" | "followedBy" | "followedByAny";
  /** The element's condition; `run` holds the events taken before this one. */
  readonly test: (e: NaiveEvent, run: NaiveRun) => boolean;
  /** An unbounded, strictly consecutive loop of at least this many elements. */
  readonly loopMin?: number;
}

export interface NaiveSpec {
  /** The key field (`key by`), or null for one global partition. */
  readonly key: string | null;
  readonly window: number | null;
  readonly stages: readonly NaiveStage[];
  /** The `emit` projection over the match's events, if the pattern has one. */
  readonly emit?: (events: readonly NaiveEvent[]) => Record<string, unknown>;
}

/** The previous taken event of a run (`prev`), or undefined. */
export function prevOf(run: NaiveRun): NaiveEvent | undefined {
  return run.last?.event;
}

/** The events a run took for `stage`, oldest first (a variable in a condition). */
export function takenBy(run: NaiveRun, stage: number): NaiveEvent[] {
  const out: NaiveEvent[] = [];
  for (let c = run.last; c !== null; c = c.prev) if (c.stage === stage) out.push(c.event);
  return out.reverse();
}

const EMPTY: NaiveRun = { stage: 0, count: 0, last: null, start: 0 };

/** The run list of one pattern over keyed events. */
export class RunList {
  private readonly byKey = new Map<unknown, NaiveRun[]>();
  private global: NaiveRun[] = [];
  private out: NaiveRun[] = [];

  constructor(
    private readonly spec: NaiveSpec,
    private readonly sink: MatchSink,
  ) {
    spec.stages.forEach((s, i) => {
      if (s.loopMin !== undefined && i === 0) throw new Error("F3: a loop as first stage is not supported");
      const next = spec.stages[i + 1];
      if (s.loopMin !== undefined && next !== undefined && next.contiguity !== "next")
        throw new Error("F3: only `next` may follow a loop");
    });
  }

  /** Feeds one event. */
  feed(e: NaiveEvent): void {
    const kf = this.spec.key;
    let runs: NaiveRun[] | undefined;
    let key: unknown;
    if (kf === null) runs = this.global;
    else {
      key = e[kf];
      runs = this.byKey.get(key);
    }
    const out = this.out;
    out.length = 0;
    const t = e.ts;
    const w = this.spec.window;
    if (runs !== undefined) {
      for (let i = 0; i < runs.length; i++) {
        const r = runs[i];
        if (w !== null && t - r.start >= w) continue;
        this.step(r, e, out);
      }
    }
    if (this.spec.stages[0].test(e, EMPTY))
      this.took({ stage: 0, count: 1, last: { event: e, stage: 0, prev: null }, start: t }, out);
    const kept = out.length === 0 ? null : out.slice();
    if (kf === null) this.global = kept ?? [];
    else if (kept !== null) this.byKey.set(key, kept);
    else if (runs !== undefined) this.byKey.delete(key);
  }

  /** Live runs (for tests). */
  size(): number {
    let n = this.global.length;
    for (const rs of this.byKey.values()) n += rs.length;
    return n;
  }

  private step(r: NaiveRun, e: NaiveEvent, out: NaiveRun[]): void {
    const stages = this.spec.stages;
    const st = stages[r.stage];
    if (r.count === 0) {
      const ok = st.test(e, r);
      if (st.contiguity === "followedByAny") out.push(r);
      else if (st.contiguity === "followedBy" && !ok) out.push(r);
      if (ok) this.take(r, r.stage, e, out);
      return;
    }
    // Inside a strictly consecutive loop: take another element, or proceed to the next stage.
    if (st.test(e, r)) this.take(r, r.stage, e, out);
    if (r.count >= (st.loopMin as number) && r.stage + 1 < stages.length && stages[r.stage + 1].test(e, r))
      this.take(r, r.stage + 1, e, out);
  }

  private take(r: NaiveRun, stage: number, e: NaiveEvent, out: NaiveRun[]): void {
    const count = stage === r.stage ? r.count + 1 : 1;
    this.took({ stage, count, last: { event: e, stage, prev: r.last }, start: r.start }, out);
  }

  /** After a take: complete, move to the next stage's first element, or stay in the loop. */
  private took(r: NaiveRun, out: NaiveRun[]): void {
    const stages = this.spec.stages;
    const st = stages[r.stage];
    const isLast = r.stage === stages.length - 1;
    if (st.loopMin === undefined) {
      if (isLast) this.emit(r);
      else out.push({ stage: r.stage + 1, count: 0, last: r.last, start: r.start });
      return;
    }
    if (isLast && r.count >= st.loopMin) this.emit(r);
    out.push(r);
  }

  private emit(r: NaiveRun): void {
    const events: NaiveEvent[] = [];
    for (let c = r.last; c !== null; c = c.prev) events.push(c.event);
    events.reverse();
    const emit = this.spec.emit;
    this.sink(events, emit === undefined ? undefined : emit(events));
  }
}

class RunListBaseline implements Baseline {
  private readonly lists: RunList[];
  constructor(specs: readonly NaiveSpec[], sink: MatchSink) {
    this.lists = specs.map((s) => new RunList(s, sink));
  }
  run(events: readonly object[], from: number, to: number): void {
    const lists = this.lists;
    for (let i = from; i < to; i++) {
      const e = events[i] as NaiveEvent;
      for (let p = 0; p < lists.length; p++) lists[p].feed(e);
    }
  }
}

/** F3 for one or more patterns (each event is fed to every pattern's run lists). */
export function f3(specs: readonly NaiveSpec[]): BaselineFactory {
  return (sink) => new RunListBaseline(specs, sink);
}
