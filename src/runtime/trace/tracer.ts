/**
 * The tracer: for traced (pattern, key) pairs, turns each step of the matcher into
 * {@link TraceRecord}s. It never changes what the matcher does: it looks at a key's
 * branches before and after a step (branches are immutable cells, so a branch that stayed
 * is the same object and a successor points at its parent through `prev`), and walks
 * each old branch's decision graph again (`explain.ts`) to say which edge fired or what
 * decided against the event. With no tracer the engine pays one null test per key step.
 */
import type { CompiledPattern } from "../../compile/model.js";
import type { NfaState } from "../../compile/nfa.js";
import {
  type Branch,
  type Cell,
  Context,
  type KeyState,
  lastCell,
  type Matcher,
  type Outcome,
  startBranch,
  startSeq,
} from "../matcher.js";
import { canonicalKey } from "../values.js";
import { Reasons, type WalkedEdge, walk } from "./explain.js";
import {
  TRACE_VERSION,
  type TraceEvent,
  type TraceOp,
  type TraceOptions,
  type TraceReason,
  type TraceRecord,
} from "./records.js";

/** Per traced pattern: its states, an evaluation context of its own, the reason builder. */
interface PatternTrace {
  readonly pattern: CompiledPattern;
  readonly states: readonly NfaState[];
  readonly ctx: Context;
  readonly reasons: Reasons;
  readonly start: Branch;
}

/** Where a branch a step made went: kept, emitted, held back, or pruned by the skip strategy at once. */
type Fate = "live" | "emitted" | "held" | "pruned";

/** A branch a step made from an old one: a partial match, or (`done`) a completed match. */
interface Succ {
  readonly b: Branch;
  readonly done: boolean;
  readonly fate: Fate;
  id: string;
}

/** Extra fields for records (spread last). */
type Fields = Partial<Omit<TraceRecord, "v" | "op" | "pattern" | "key" | "event" | "time">>;

/** Records one step (event or time advance) of one traced key; made by {@link Tracer.begin}. */
export class TraceStep {
  private readonly oldPartials: readonly Branch[];
  private readonly oldCompleted: readonly Branch[];
  private afterProcess: readonly Branch[] = [];
  private ev: TraceEvent | null = null;

  constructor(
    private readonly tracer: Tracer,
    private readonly pt: PatternTrace,
    private readonly ks: KeyState,
    private readonly outStart: number,
    private readonly timeoutStart: number,
  ) {
    this.oldPartials = ks.partials.slice();
    this.oldCompleted = ks.completed.slice();
  }

  /**
   * After `Matcher.process` (`m`; none when the key was not stepped): what each partial
   * match (and the Start state) did with the event. `m.unpruned` and `m.potentialScratch`
   * are every branch the step made, before the skip strategy pruned any, so nothing a
   * partial match became goes unreported.
   */
  processed(
    event: unknown,
    eventType: unknown,
    time: number,
    seq: number,
    matchOut: readonly Outcome[],
    m: Matcher | null = null,
  ): void {
    const { pt, ks, tracer } = this;
    const ctx = pt.ctx;
    ctx.event = event;
    ctx.time = time;
    ctx.key = ks.key;
    ctx.eventType = eventType;
    const ev = tracer.eventOf(event, seq, time, eventType);
    this.ev = ev;
    const olds = [...this.oldPartials, pt.start];
    const oldSet = new Set<Branch>(olds);
    const walks = new Map<Branch, WalkedEdge[]>();
    for (const o of olds) walks.set(o, walk(pt.states, o, ctx));
    const oldCompleted = new Set(this.oldCompleted);
    const emitted = matchOut.slice(this.outStart).map((o) => o.last);
    const emittedSet = new Set(emitted);
    const live = new Set(ks.partials);
    const produced = m !== null && pt.pattern.skip.strategy !== "noSkip" ? m.unpruned : ks.partials;
    const done = m === null ? [] : m.potentialScratch;
    const held = new Set(ks.completed);
    // 1. Which old branch each branch the step made came from, and where it went.
    const succ = new Map<Branch, Succ[]>();
    const copies = new Map<Branch, Map<number, number>>();
    const add = (b: Branch, done: boolean, fate: Fate) => {
      const parent = this.parentOf(b, seq, olds, oldSet, walks, copies);
      if (parent === null) return;
      let list = succ.get(parent);
      if (list === undefined) succ.set(parent, (list = []));
      list.push({ b, done, fate, id: "" });
    };
    for (const b of produced) add(b, false, live.has(b) ? "live" : "pruned");
    for (const b of done)
      add(b, true, emittedSet.has(b) ? "emitted" : held.has(b) && !oldCompleted.has(b) ? "held" : "pruned");

    // 2. Ids: a partial match that stays keeps its id; otherwise its first successor does
    // (a partial one before a completed one); every further successor is a fork with an id
    // of its own — so a take that completes a match and goes on looping is two ids.
    for (const o of olds) {
      const list = succ.get(o);
      if (list === undefined) continue;
      let inherited = o === pt.start || list.some((x) => !x.done && x.b === o);
      for (const x of list) {
        if (!x.done && x.b === o) x.id = tracer.idOf(o);
        else if (!inherited) {
          x.id = tracer.idOf(o);
          inherited = true;
        } else x.id = tracer.newId();
        // A completed match that is its partial sibling's own object (no skip strategy: it only
        // goes out, nothing looks it up later) keeps its id in its records only.
        if (tracer.knownId(x.b) === null) tracer.setId(x.b, x.id);
      }
    }

    // 3. Records, per old branch in order; prunings after every match of the step.
    const records: { op: TraceOp; b: Branch; id: string; fields: Fields }[] = [];
    const pruned: { b: Branch; id: string }[] = [];
    let startRejected: TraceReason[] | null = null;
    for (const o of olds) {
      const isStart = o === pt.start;
      const list = succ.get(o) ?? [];
      const walked = walks.get(o) as WalkedEdge[];
      // Reasons read the branch's events (`a.v`): bind it again (the walks bound each in turn).
      ctx.bind(lastCell(o));
      if (list.length === 0) {
        if (isStart) {
          // An event of a type a first term takes, whose condition failed: say why it started nothing.
          const why = this.rejections(walked).filter((r) => r.rule !== "type");
          if (why.length > 0) startRejected = why;
          continue;
        }
        const stop = walked.find(
          (w) => w.holds && w.edge.action !== "proceed" && pt.states[w.edge.target].kind === "stop",
        );
        const reason =
          stop !== undefined ? this.negation(pt.states[stop.edge.target].name) : this.deathReason(o, walked);
        records.push({ op: "died", b: o, id: tracer.idOf(o), fields: { reason } });
        continue;
      }
      const parentId = isStart ? null : tracer.idOf(o);
      for (const x of list) {
        const from = parentId !== null && x.id !== parentId ? parentId : undefined;
        const term = pt.reasons.name(x.b.variable);
        const took = x.b.seq === seq && x.b.first !== null;
        const rec = (op: TraceOp, fields: Fields) => records.push({ op, b: x.b, id: x.id, fields });
        if (!x.done) {
          if (x.b === o) rec("ignored", { rejected: this.rejections(walked) });
          else if (took) rec(isStart ? "created" : "took", { term, from });
          else {
            // Moved by an IGNORE edge of its own state (into the term's ignore state): it still
            // waits for the same term, so it ignored the event; through PROCEED edges: it moved on.
            const byIgnore = walked.some(
              (w) =>
                w.holds && w.edge.action === "ignore" && w.edge.target === x.b.state && w.source === o.state,
            );
            rec(byIgnore ? "ignored" : "proceeded", { from, rejected: this.rejections(walked) });
          }
        } else {
          // Say it took the event, unless a partial successor took it by the same edge: then
          // this match is a fork of that partial match (a loop that completes and goes on).
          const sibling = list.find(
            (y) =>
              !y.done &&
              y.b !== o &&
              y.b.prev === x.b.prev &&
              y.b.seq === seq &&
              y.b.variable === x.b.variable,
          );
          // No skip strategy: the completed match may be a partial successor's own object
          // (kept or, under a negation's Stop, dropped): it is in the Final state all the same.
          const state = pt.states[x.b.state].kind === "final" ? undefined : this.finalName();
          if (took && sibling === undefined)
            rec(isStart ? "created" : "took", state === undefined ? { term, from } : { term, from, state });
          const forkOf = sibling !== undefined && sibling.id !== x.id ? sibling.id : from;
          rec("completed", state === undefined ? { from: forkOf } : { from: forkOf, state });
          if (x.fate === "held") rec("heldBack", { by: this.earliest() });
        }
        if (x.fate === "pruned") pruned.push({ b: x.b, id: x.id });
      }
    }
    for (const b of this.oldCompleted) {
      if (held.has(b)) continue;
      if (emittedSet.has(b)) records.push({ op: "released", b, id: tracer.idOf(b), fields: {} });
      else pruned.push({ b, id: tracer.idOf(b) });
    }
    for (const p of pruned) {
      const by = this.pruner(p.b, emitted);
      records.push({
        op: "pruned",
        b: p.b,
        id: p.id,
        fields: { reason: this.skipReason(by), by: by ?? undefined },
      });
    }
    for (const r of records) tracer.emit(pt, ks.key, r.op, r.b, ev, time, r.fields, r.id);
    if (startRejected !== null)
      tracer.emitRecord({
        v: TRACE_VERSION,
        op: "rejected",
        pattern: pt.pattern.name,
        key: ks.key,
        id: null,
        event: ev,
        time,
        rejected: startRejected,
      });
    this.afterProcess = ks.partials.slice();
  }

  /**
   * The id of the first of `emitted` whose skip strategy prunes `b` (Flink
   * `AfterMatchSkipStrategy.getPruningId`, as `Matcher.pruningId`), or of the first one.
   */
  private pruner(b: Branch, emitted: readonly Branch[]): string | null {
    const skip = this.pt.pattern.skip;
    const start = startSeq(b);
    for (const m of emitted) {
      let id = -1;
      let strict = true;
      if (skip.strategy === "skipPastLastEvent") {
        id = m.seq;
        strict = false;
      } else if (skip.strategy === "skipToNext") {
        for (let c: Cell | null = m; c !== null; c = c.prev) id = c.seq;
        strict = false;
      } else if (skip.strategy === "skipToFirst" || skip.strategy === "skipToLast") {
        for (let c: Cell | null = m; c !== null; c = c.prev) {
          if (c.variable !== skip.target) continue;
          id = c.seq;
          if (skip.strategy === "skipToLast") break;
        }
      }
      if (id >= 0 && (strict ? start < id : start <= id)) return this.tracer.idOf(m);
    }
    return emitted.length > 0 ? this.tracer.idOf(emitted[0]) : null;
  }

  /** After the engine's bookkeeping: partial matches a per-key state limit dropped. */
  settled(): void {
    const now = new Set(this.ks.partials);
    for (const b of this.afterProcess) {
      if (!now.has(b))
        this.tracer.emit(this.pt, this.ks.key, "dropped", b, this.ev, this.ev?.time ?? null, {
          reason: { rule: "limit", limit: "partialMatchesPerKey" },
        });
    }
  }

  /**
   * After `Matcher.advance` (or `finish` at the end of input, `ending`): windows that
   * passed, pending matches completed, held-back matches released or pruned.
   */
  advanced(t: number, matchOut: readonly Outcome[], timeoutOut: readonly Outcome[], ending: boolean): void {
    const { pt, ks, tracer } = this;
    const now = new Set(ks.partials);
    const emitted = matchOut.slice(this.outStart).map((o) => o.last);
    const timedOut = timeoutOut.slice(this.timeoutStart).map((o) => o.last);
    const time = Number.isFinite(t) ? t : null;
    // The event whose arrival moved time here, for endings a window caused.
    const cause = tracer.cause() ?? undefined;
    const pruned: Branch[] = [];
    for (const b of this.oldPartials) {
      if (now.has(b)) continue;
      if (timedOut.includes(b))
        tracer.emit(pt, ks.key, "timedOut", b, null, time, { reason: this.windowReason(b, t), cause });
      else if (emitted.includes(b)) tracer.emit(pt, ks.key, "completed", b, null, time, { cause });
      else if (ks.completed.includes(b)) {
        tracer.emit(pt, ks.key, "completed", b, null, time, {});
        tracer.emit(pt, ks.key, "heldBack", b, null, time, { by: this.earliest() });
      } else if (this.expired(b, t))
        tracer.emit(pt, ks.key, "died", b, null, time, { reason: this.windowReason(b, t), cause });
      else if (ending) tracer.emit(pt, ks.key, "ended", b, null, time, { reason: { rule: "end" } });
      else pruned.push(b);
    }
    for (const b of this.oldCompleted) {
      if (ks.completed.includes(b)) continue;
      if (emitted.includes(b)) tracer.emit(pt, ks.key, "released", b, null, time, {});
      else pruned.push(b);
    }
    for (const b of pruned) {
      const by = this.pruner(b, emitted);
      tracer.emit(pt, ks.key, "pruned", b, null, time, { reason: this.skipReason(by), by: by ?? undefined });
    }
  }

  /** The name of the NFA's Final state. */
  private finalName(): string | undefined {
    return this.pt.states.find((st) => st.kind === "final")?.name;
  }

  /** The id of the partial match that started earliest (what a held-back match waits for). */
  private earliest(): string | undefined {
    let min: Branch | null = null;
    for (const b of this.ks.partials) if (min === null || startSeq(b) < startSeq(min)) min = b;
    return min === null ? undefined : this.tracer.idOf(min);
  }

  private expired(b: Branch, t: number): boolean {
    const st = this.pt.states[b.state];
    const w = this.pt.pattern.nfa.window;
    return (
      (st.window !== null && t - b.time >= st.window) ||
      (w !== null && b.first !== null && t - b.first.time >= w)
    );
  }

  private windowReason(b: Branch, t: number): TraceReason {
    const st = this.pt.states[b.state];
    const debug = this.pt.pattern.debug();
    if (st.window !== null && t - b.time >= st.window) {
      const term = this.pt.reasons.term(st.variable);
      return {
        rule: "window",
        scope: "term",
        term: this.pt.reasons.name(st.variable),
        ms: st.window,
        start: b.time,
        deadline: b.time + st.window,
        at: term?.window?.at ?? term?.at ?? null,
      };
    }
    const w = this.pt.pattern.nfa.window ?? 0;
    const start = (b.first as Cell).time;
    return {
      rule: "window",
      scope: "pattern",
      term: null,
      ms: w,
      start,
      deadline: start + w,
      at: debug?.window?.at ?? null,
    };
  }

  private skipReason(match: string | null): TraceReason {
    const skip = this.pt.pattern.skip;
    const strategy =
      skip.strategy === "skipToFirst" || skip.strategy === "skipToLast"
        ? `${skip.strategy} ${skip.targetName ?? ""}`.trim()
        : skip.strategy;
    return { rule: "skip", strategy, match, at: this.pt.pattern.debug()?.skipAt ?? null };
  }

  private negation(stateName: string): TraceReason {
    // Stop states are named after their negated term (`n`, or `n:0` inside a loop).
    const vars = this.pt.pattern.variables;
    let v = vars.findIndex((x) => x.negated && x.name === stateName);
    if (v < 0) v = vars.findIndex((x) => x.negated && stateName.startsWith(`${x.name}:`));
    const term = this.pt.reasons.term(v);
    return {
      rule: "negation",
      term: v >= 0 ? vars[v].name : stateName,
      op: term?.op === "notNext" ? "notNext" : "notFollowedBy",
      at: term?.at ?? null,
    };
  }

  /**
   * Why a branch with no successor died: a loop's `until` or a greedy loop that decided
   * against a term; else strict contiguity (no IGNORE edge could keep it, `next` or
   * `consecutive`); else what decided its IGNORE edge.
   */
  private deathReason(o: Branch, walked: readonly WalkedEdge[]): TraceReason {
    const { states, reasons } = this.pt;
    const failed = walked.filter((w) => !w.holds && states[w.edge.target].kind !== "stop");
    const why = failed.map((w) => reasons.rejected(w, states));
    const decided = why.find((r) => r.rule === "until") ?? why.find((r) => r.rule === "greedy");
    if (decided !== undefined) return decided;
    // An IGNORE edge that is constantly false (`followed by x: *` skips nothing) is no way to stay.
    const ignores = failed.filter((w) => w.edge.action === "ignore" && !isConstFalse(w));
    if (ignores.length > 0) return reasons.rejected(ignores[0], states);
    const t = failed.find((w) => w.edge.action === "take") ?? failed[0];
    if (t === undefined)
      return {
        rule: "condition",
        term: reasons.name(states[o.state].variable),
        condition: "false",
        result: false,
        values: [],
        at: null,
      };
    const v = states[t.source].variable;
    // Variables are numbered in source order: a branch whose last event was taken by this
    // term or a later one has looped back (the term's own loop, or its group's next
    // repetition), so `consecutive` is what demanded the event; coming from an earlier
    // term, `next` did (`(d next u){3,} consecutive`: u after d is `next`, d after u is
    // `consecutive`).
    const lastVar = o.first === null ? -1 : o.variable;
    return {
      rule: "contiguity",
      term: reasons.name(v),
      modifier: lastVar >= v ? "consecutive" : "next",
      failed: reasons.rejected(t, states),
      at: reasons.term(v)?.at ?? null,
    };
  }

  /** Why each term the branch waits for did not take the event (deduplicated). */
  private rejections(walked: readonly WalkedEdge[]): TraceReason[] {
    const { states, reasons } = this.pt;
    const out: TraceReason[] = [];
    const seen = new Set<string>();
    for (const w of walked) {
      if (w.edge.action !== "take" || w.holds) continue;
      if (states[w.edge.target].kind === "stop" || states[w.source].kind === "stop") continue;
      const r = reasons.rejected(w, states);
      const sig = JSON.stringify(r);
      if (!seen.has(sig)) {
        seen.add(sig);
        out.push(r);
      }
    }
    return out;
  }

  /**
   * The old branch `b` came from (`olds` ends with the Start branch), or null. A copy
   * (moved to another state without taking the event) goes to an old branch with the same
   * events whose walk has a true IGNORE edge into its state, each such edge used once:
   * two old branches holding the same events (copies of each other) get their own copies.
   */
  private parentOf(
    b: Branch,
    seq: number,
    olds: readonly Branch[],
    oldSet: ReadonlySet<Branch>,
    walks: ReadonlyMap<Branch, WalkedEdge[]>,
    used: Map<Branch, Map<number, number>>,
  ): Branch | null {
    if (oldSet.has(b)) return b;
    if (b.seq === seq && b.first !== null) {
      // It took the event: its previous cell is the old branch (none: from Start).
      if (b.prev === null) return this.pt.start;
      if (oldSet.has(b.prev)) return b.prev;
    }
    let fallback: Branch | null = null;
    for (const o of olds) {
      // Same last cell contents: two branches that took one event by different terms differ in `variable`.
      if (
        o.first === null ||
        o.prev !== b.prev ||
        o.seq !== b.seq ||
        o.event !== b.event ||
        o.variable !== b.variable
      )
        continue;
      fallback ??= o;
      const edges = (walks.get(o) ?? []).filter(
        (x) =>
          x.holds && x.edge.action === "ignore" && x.edge.target === b.state && x.edge.target !== o.state,
      ).length;
      let counts = used.get(o);
      if (counts === undefined) used.set(o, (counts = new Map()));
      const n = counts.get(b.state) ?? 0;
      if (n < edges) {
        counts.set(b.state, n + 1);
        return o;
      }
    }
    return fallback;
  }
}

/** Turns engine steps of the traced (pattern, key) pairs into {@link TraceRecord}s. */
export class Tracer {
  private readonly patterns: ReadonlySet<string> | null;
  /** Whether a key is traced (primitives by value: cheap enough to ask for every key step). */
  readonly keyTest: (key: unknown) => boolean;
  private readonly byPattern = new Map<CompiledPattern, PatternTrace | null>();
  private ids = new WeakMap<Branch, string>();
  private counter = 0;
  private lastEventSeq = Number.NaN;
  private lastEvent: TraceEvent | null = null;

  constructor(private readonly options: TraceOptions) {
    this.patterns = options.patterns === undefined ? null : new Set(options.patterns);
    const keys = options.keys;
    if (keys === undefined) this.keyTest = () => true;
    else if (typeof keys === "function") this.keyTest = keys;
    else {
      // Primitive keys by value (SameValueZero: `1` and `"1"` stay apart, as JSON keeps them),
      // composite ones by canonical JSON: no serialisation per event for a primitive key.
      const primitives = new Set(keys.filter((k) => k === null || typeof k !== "object"));
      const composites = new Set(keys.filter((k) => k !== null && typeof k === "object").map(canonicalKey));
      this.keyTest = (k) =>
        k !== null && typeof k === "object" ? composites.has(canonicalKey(k)) : primitives.has(k);
    }
  }

  /** Whether the pattern is traced (keys aside). */
  tracesPattern(pattern: CompiledPattern): boolean {
    return this.traceOf(pattern) !== null;
  }

  /** Starts recording a step of `ks`, or returns null when it is not traced. */
  begin(pattern: CompiledPattern, ks: KeyState, outStart: number, timeoutStart: number): TraceStep | null {
    const pt = this.traceOf(pattern);
    if (pt === null || !this.keyTest(ks.key)) return null;
    return new TraceStep(this, pt, ks, outStart, timeoutStart);
  }

  /**
   * An event the pattern's key state was not stepped with because its type leaves every
   * waiting state unchanged: each partial match ignored it.
   */
  untouched(
    pattern: CompiledPattern,
    ks: KeyState,
    event: unknown,
    eventType: unknown,
    time: number,
    seq: number,
  ): void {
    const step = this.begin(pattern, ks, 0, 0);
    if (step !== null) step.processed(event, eventType, time, seq, []);
  }

  /** An event not fed to the pattern for `key` (late, missing key, schema); `seq` when it was fed to others. */
  skipped(
    pattern: CompiledPattern,
    key: unknown,
    event: unknown,
    time: number,
    reason: TraceReason,
    seq = -1,
  ): void {
    const pt = this.traceOf(pattern);
    if (pt === null) return;
    if (reason.rule !== "missingKey" && !this.keyTest(key)) return;
    const ev = this.eventOf(event, seq, time, undefined);
    this.emitRecord({
      v: TRACE_VERSION,
      op: "skipped",
      pattern: pattern.name,
      key,
      id: null,
      event: ev,
      time,
      reason,
    });
  }

  /** A whole key's state dropped by a limit (`keys`, `partialMatches`, `memory`). */
  evicted(pattern: CompiledPattern, ks: KeyState, limit: "keys" | "partialMatches" | "memory"): void {
    const pt = this.traceOf(pattern);
    if (pt === null || !this.keyTest(ks.key)) return;
    for (const b of [...ks.partials, ...ks.completed])
      this.emit(pt, ks.key, "dropped", b, null, null, { reason: { rule: "limit", limit } });
  }

  /** The record's `event` field for an event (one object per event). */
  eventOf(event: unknown, seq: number, time: number, eventType: unknown): TraceEvent {
    if (seq >= 0 && seq === this.lastEventSeq && this.lastEvent !== null) return this.lastEvent;
    const type =
      eventType === undefined && event !== null && typeof event === "object"
        ? (event as { type?: unknown }).type
        : eventType;
    const extra = this.options.describeEvent?.(event);
    const ev: TraceEvent = { seq, time, type: type ?? null, ...extra };
    this.lastEventSeq = seq;
    this.lastEvent = ev;
    return ev;
  }

  knownId(b: Branch): string | null {
    return this.ids.get(b) ?? null;
  }

  setId(b: Branch, id: string): void {
    this.ids.set(b, id);
  }

  newId(): string {
    return `p${++this.counter}`;
  }

  idOf(b: Branch): string {
    let id = this.ids.get(b);
    if (id === undefined) {
      id = this.newId();
      this.ids.set(b, id);
    }
    return id;
  }

  emit(
    pt: PatternTrace,
    key: unknown,
    op: TraceOp,
    b: Branch,
    event: TraceEvent | null,
    time: number | null,
    fields: Fields,
    id: string = this.idOf(b),
  ): void {
    const st = pt.states[b.state];
    const events: { seq: number; term: string }[] = [];
    for (let c: Cell | null = b.first === null ? null : b; c !== null; c = c.prev)
      events.push({ seq: c.seq, term: pt.reasons.name(c.variable) });
    events.reverse();
    const rec: Record<string, unknown> = {
      v: TRACE_VERSION,
      op,
      pattern: pt.pattern.name,
      key,
      id,
      event,
      time,
      state: st?.name,
      events,
    };
    for (const [k, v] of Object.entries(fields))
      if (k === "state" || (v !== undefined && !(Array.isArray(v) && v.length === 0))) rec[k] = v;
    this.emitRecord(rec as unknown as TraceRecord);
  }

  emitRecord(rec: TraceRecord): void {
    if (this.batching) this.batch.push(rec);
    else this.options.sink(rec);
  }

  /** Records of the event being fed, held until {@link endEvent} (reused: no allocation per event). */
  private readonly batch: TraceRecord[] = [];
  /** Whether records are being held for the event being fed. */
  batching = false;

  // The event whose arrival is moving time (before it is fed): kept as given, made a
  // TraceEvent only if an ending names it (no allocation per event).
  private causeSeq = -1;
  private causeEvent: unknown = null;
  private causeTime = 0;
  private causeType: unknown = undefined;

  /** Time is about to move to an event's time, before the event is fed: window endings name it as their `cause`. */
  arriving(event: unknown, seq: number, time: number, eventType: unknown): void {
    this.causeSeq = seq;
    this.causeEvent = event;
    this.causeTime = time;
    this.causeType = eventType;
  }

  /** Time has moved for the arriving event: later advances are not its doing. */
  arrived(): void {
    this.causeSeq = -1;
    this.causeEvent = null;
  }

  /** The event whose arrival is moving time, or null. */
  cause(): TraceEvent | null {
    return this.causeSeq < 0
      ? null
      : this.eventOf(this.causeEvent, this.causeSeq, this.causeTime, this.causeType);
  }

  /** A traced key is stepped with the event being fed: its records wait, so they can go out in pattern order. */
  startEvent(): void {
    this.batching = true;
  }

  /**
   * The event was fed: its records go to the sink in pattern order (a pattern's own records
   * in the order made) — the engine traces the keys it did not step after the others.
   */
  endEvent(): void {
    this.batching = false;
    const batch = this.batch;
    if (batch.length === 0) return;
    const out = batch.slice();
    batch.length = 0;
    if (out.length > 1) {
      const order = new Map<string, number>();
      for (const pt of this.byPattern.values()) if (pt !== null) order.set(pt.pattern.name, pt.pattern.order);
      const rank = (r: TraceRecord) => order.get(r.pattern) ?? Number.MAX_SAFE_INTEGER;
      // Array sort is stable: each pattern's records keep their order.
      out.sort((a, b) => rank(a) - rank(b));
    }
    for (const r of out) this.options.sink(r);
  }

  private traceOf(pattern: CompiledPattern): PatternTrace | null {
    let pt = this.byPattern.get(pattern);
    if (pt === undefined) {
      pt = null;
      if (this.patterns === null || this.patterns.has(pattern.name)) {
        const ctx = new Context(pattern.variables.length);
        pt = {
          pattern,
          states: pattern.nfa.states,
          ctx,
          reasons: new Reasons(pattern, ctx),
          start: startBranch(pattern.nfa.start),
        };
      }
      this.byPattern.set(pattern, pt);
    }
    return pt;
  }
}

/** Whether a walked edge failed on a constant `false` (a leaf with no structure whose source is `false`). */
function isConstFalse(w: WalkedEdge): boolean {
  return w.why !== null && !w.why.negated && w.why.leaf.parts === null && w.why.leaf.src === "false";
}
