/**
 * Stage chain → NFA: a faithful port of Flink CEP's `NFACompiler.NFAFactoryCompiler`
 * (flink-semantics.md §1–§6, §9b). States are built backwards from the Final state;
 * each construct has a small builder. Keeping Flink's structure (including its copies
 * for transitive NOTs and greedy `until`) is what makes the matching rules identical.
 *
 *   a followed by b+ followed by c       Start(a) -take-> b -take-> b:0 (loop) -proceed-> c -take-> match
 *                                                         b:0 -ignore-> b:1 (ignore state, no proceed)
 */
import { and, gapBelow, not, or, TRUE } from "./conditions.js";
import type { CompiledNfa, Cond, EdgeAction, NfaState, StateKind } from "./nfa.js";
import type { Stage, Strategy } from "./stages.js";

/**
 * The Final state's name. Flink calls it `$endState$`; `cep explain` shows it to people,
 * so it is named for what reaching it means (a variable written `` `match` `` gets
 * `match:0`, as every name here is unique).
 */
const END = "match";

interface BEdge {
  action: EdgeAction;
  target: BState;
  cond: Cond;
}

/** A state under construction (mutable until `freeze`). */
class BState {
  readonly edges: BEdge[] = [];
  /** For an alternation's fork state: how many alternatives its first edges enter (NfaState.fork). */
  fork = 0;
  constructor(
    readonly name: string,
    public kind: StateKind,
    readonly variable: number,
    public window: number | null,
  ) {}
  addTake(target: BState, c: Cond): void {
    this.edges.push({ action: "take", target, cond: c });
  }
  addIgnore(target: BState, c: Cond): void {
    this.edges.push({ action: "ignore", target, cond: c });
  }
  addProceed(target: BState, c: Cond): void {
    this.edges.push({ action: "proceed", target, cond: c });
  }
}

/** Compiles a stage chain (given by its last stage) with a pattern-level window. */
export function buildNfa(last: Stage, patternWindow: number | null): CompiledNfa {
  const b = new Builder(last);
  const start = b.compile();
  return freeze(b.states, start, patternWindow);
}

class Builder {
  readonly states: BState[] = [];
  private readonly used = new Set<string>();
  /** Next suffix to try per base name (keeps naming linear for `A{10000}`). */
  private readonly nextSuffix = new Map<string, number>();
  private readonly stopStates = new Map<string, BState>();
  private readonly originalStateMap = new Map<string, BState>();
  private readonly firstOfLoop = new Map<Stage, boolean>();
  /**
   * A copy made without IGNORE edges (`withoutIgnores`, `afterIgnoreCopy`) → the state it
   * copies, as built: whether that state could wait for its event (its own IGNORE edge)
   * is still asked of the copy when an enclosing fork is built.
   */
  private readonly copiedFrom = new Map<BState, BState>();
  /** The `outside` sets of the alternations being built, outermost first (see `outsideCopy`). */
  private readonly outsideSets: Set<BState>[] = [];
  private readonly couldWait = (s: BState): boolean =>
    (this.copiedFrom.get(s) ?? s).edges.some((e) => e.action === "ignore");
  private currentGroup: Stage | null = null;
  /**
   * How the first elements of the alternatives being compiled are reached (STRICT, or
   * SKIP_TILL_ANY when the fork state cannot wait for them: see `createAlternationState`).
   */
  private altHeadStrategy: Strategy = "STRICT";
  private current: Stage;
  private following: Stage | null = null;

  constructor(last: Stage) {
    this.current = last;
  }

  compile(): BState {
    let sink = this.createState(END, "final", -1, null);
    sink = this.createMiddleStates(sink);
    const start = this.convertPattern(sink);
    start.kind = "start";
    return start;
  }

  // --- naming and state creation (Flink NFAStateNameHandler, createState) ---

  private uniqueName(base: string): string {
    let candidate = base;
    let counter = this.nextSuffix.get(base) ?? 0;
    while (this.used.has(candidate)) candidate = `${base}:${counter++}`;
    this.nextSuffix.set(base, counter);
    this.used.add(candidate);
    return candidate;
  }

  private createState(name: string, kind: StateKind, variable: number, window: number | null): BState {
    const s = new BState(this.uniqueName(name), kind, variable, window);
    this.states.push(s);
    return s;
  }

  /** A state of the current stage; TAKE states of singletons carry the term-level window. */
  private stageState(kind: StateKind, isTake: boolean): BState {
    const p = this.current;
    const window = isTake && p.times === null ? p.window : null;
    return this.createState(p.name, kind, p.variable, window);
  }

  private createStopState(c: Cond, name: string): BState {
    let stop = this.stopStates.get(name);
    if (!stop) {
      stop = this.createState(name, "stop", -1, null);
      stop.addTake(stop, c);
      this.stopStates.set(name, stop);
    }
    return stop;
  }

  // --- the chain ---

  /**
   * Every stage but the first, last to first. A trailing `not followed by` becomes a
   * Pending state; `not next` an epsilon state into Stop; other NOTs become edges.
   */
  private createMiddleStates(sink: BState): BState {
    let lastSink = sink;
    while (this.current.previous !== null) {
      const p = this.current;
      if (p.outer === "NOT_FOLLOW") {
        if (lastSink.kind === "final") {
          //  pending -proceed(c)-> stop;  pending -ignore(not c)-> pending
          const pending = this.stageState("pending", true);
          const c = this.getTakeCondition(p);
          const stop = this.createStopState(c, p.name);
          pending.addProceed(stop, c);
          pending.addIgnore(pending, not(c));
          lastSink = pending;
        }
      } else if (p.outer === "NOT_NEXT") {
        //  notNext -proceed(not c)-> next (or -ignore(not c)-> final);  -proceed(c)-> stop
        const notNext = this.stageState("normal", true);
        const c = this.getTakeCondition(p);
        const stop = this.createStopState(c, p.name);
        if (lastSink.kind === "final") notNext.addIgnore(lastSink, not(c));
        else notNext.addProceed(lastSink, not(c));
        notNext.addProceed(stop, c);
        lastSink = notNext;
      } else {
        lastSink = this.convertPattern(lastSink);
      }
      this.following = this.current;
      this.current = this.current.previous as Stage;
    }
    return lastSink;
  }

  private convertPattern(sink: BState): BState {
    const p = this.current;
    let lastSink: BState;
    if (p.looping) {
      this.setFirstOfLoop(false);
      const s = this.copyWithoutTransitiveNots(sink);
      const looping = this.createLooping(s);
      this.setFirstOfLoop(true);
      lastSink = this.createTimesState(looping, sink, p.times!);
    } else if (p.times !== null) {
      lastSink = this.createTimesState(sink, sink, p.times);
    } else {
      lastSink = this.createSingletonState(
        sink,
        sink,
        this.getTakeCondition(p),
        this.getIgnoreCondition(p),
        p.optional,
      );
    }
    this.addStopStates(lastSink);
    return lastSink;
  }

  /** NOT conditions active before the current stage: NOTs reached back over optional stages. */
  private currentNotConditions(): [Cond, string][] {
    const out: [Cond, string][] = [];
    let prev: Stage = this.current;
    while (prev.previous !== null && (prev.previous.optional || prev.previous.outer === "NOT_FOLLOW")) {
      prev = prev.previous;
      if (prev.outer === "NOT_FOLLOW") out.push([this.getTakeCondition(prev), prev.name]);
    }
    return out;
  }

  private addStopStates(state: BState): void {
    for (const [c, name] of this.currentNotConditions()) state.addProceed(this.createStopState(c, name), c);
  }

  private addStopStateToLooping(state: BState): void {
    const f = this.following;
    if (f !== null && f.outer === "NOT_FOLLOW") {
      const c = this.getTakeCondition(f);
      state.addProceed(this.createStopState(c, f.name), c);
    }
  }

  /**
   * Taking an event in an optional stage discharges the NOTs before it: the TAKE goes to
   * a copy of the sink without their Stop edges (`a not followed by b followed by any c? …`).
   */
  private copyWithoutTransitiveNots(sink: BState): BState {
    const nots = this.currentNotConditions();
    if (nots.length === 0 || !this.current.optional) return sink;
    const copy = this.createState(sink.name, sink.kind, sink.variable, null);
    copy.fork = sink.fork;
    for (const e of sink.edges) {
      if (e.action === "proceed") {
        let target = e.target;
        let remove = false;
        if (target.kind === "stop") {
          for (const [, name] of nots) if (target.name === name) remove = true;
        } else {
          target = this.copyWithoutTransitiveNots(e.target);
        }
        if (!remove) copy.edges.push({ action: e.action, target, cond: e.cond });
      } else {
        copy.edges.push({ action: e.action, target: e.target === sink ? copy : e.target, cond: e.cond });
      }
    }
    return copy;
  }

  private copy(state: BState): BState {
    const base = state.name.split(":")[0];
    const c = this.createState(base, state.kind, state.variable, null);
    c.fork = state.fork;
    for (const e of state.edges)
      c.edges.push({ action: e.action, target: e.target === state ? c : e.target, cond: e.cond });
    return c;
  }

  /**
   * `{from,to}` (and the first `from` elements of a loop): a chain of singleton states.
   *
   *   first -take-> 2 -take-> … from -take-> (from+1)? … to? -take-> sink
   *   (optional elements proceed to `proceedState`)
   */
  private createTimesState(sink: BState, proceedState: BState, times: { from: number; to: number }): BState {
    const p = this.current;
    let lastSink = sink;
    this.setFirstOfLoop(false);
    const until = p.until;
    const innerIgnore = extendWithUntil(this.getInnerIgnoreCondition(p), until, false);
    const take = extendWithUntil(this.getTakeCondition(p), until, true)!;
    if (p.greedy && times.from !== times.to) {
      if (until !== null) this.originalStateMap.set(sink.name, this.copy(sink));
      updateWithGreedyCondition(sink, take);
    }
    for (let i = times.from; i < times.to; i++) {
      lastSink = this.createSingletonState(lastSink, proceedState, take, innerIgnore, true);
      this.addStopStateToLooping(lastSink);
    }
    for (let i = 0; i < times.from - 1; i++) {
      lastSink = this.createSingletonState(lastSink, null, take, innerIgnore, false);
      this.addStopStateToLooping(lastSink);
    }
    this.setFirstOfLoop(true);
    return this.createSingletonState(lastSink, proceedState, take, this.getIgnoreCondition(p), p.optional);
  }

  /**
   * One element:  s -take(c)-> sink;  s -proceed-> next (if optional);
   * s -ignore-> s, or -ignore-> ignoreState (optional) which can only take or ignore.
   */
  private createSingletonState(
    sink: BState,
    proceedState: BState | null,
    take: Cond,
    ignore: Cond | null,
    isOptional: boolean,
  ): BState {
    const p = this.current;
    if (p.group !== null) return this.createGroupPatternState(p, sink, proceedState, isOptional);
    if (p.alternatives !== null) return this.createAlternationState(p, sink, proceedState, isOptional);
    const s = this.stageState("normal", true);
    const target = this.copyWithoutTransitiveNots(sink);
    s.addTake(target, take);
    const proceed = this.getTrueFunction();
    if (isOptional && proceedState !== null) {
      if (p.greedy) {
        const until = p.until;
        if (until !== null) {
          const orig = this.originalStateMap.get(proceedState.name);
          if (orig) s.addProceed(orig, and(proceed, until));
        }
        s.addProceed(proceedState, until !== null ? and(proceed, not(until)) : proceed);
      } else {
        s.addProceed(proceedState, proceed);
      }
    }
    if (ignore !== null) {
      let ignoreState: BState;
      if (isOptional || this.isHeadOfOptionalGroupPattern(p)) {
        ignoreState = this.stageState("normal", false);
        ignoreState.addTake(target, take);
        ignoreState.addIgnore(ignoreState, ignore);
        this.addStopStates(ignoreState);
      } else {
        ignoreState = s;
      }
      s.addIgnore(ignoreState, ignore);
    }
    return s;
  }

  /** A group: its inner chain compiled in place, ending in `sink`. */
  private createGroupPatternState(
    group: Stage,
    sink: BState,
    proceedState: BState | null,
    isOptional: boolean,
  ): BState {
    const proceed = this.getTrueFunction();
    const saved = [this.current, this.following, this.currentGroup] as const;
    this.currentGroup = group;
    this.current = group.group!;
    let lastSink = this.createMiddleStates(sink);
    lastSink = this.convertPattern(lastSink);
    if (isOptional && proceedState !== null) lastSink.addProceed(proceedState, proceed);
    [this.current, this.following, this.currentGroup] = saved;
    return lastSink;
  }

  /** A looping group: a dummy state after the last inner stage proceeds back to the head. */
  private createLoopingGroupPatternState(group: Stage, sink: BState): BState {
    const proceed = this.getTrueFunction();
    const saved = [this.current, this.following, this.currentGroup] as const;
    const dummy = this.stageState("normal", true);
    this.currentGroup = group;
    this.current = group.group!;
    let lastSink = this.createMiddleStates(dummy);
    lastSink = this.convertPattern(lastSink);
    lastSink.addProceed(sink, proceed);
    dummy.addProceed(lastSink, proceed);
    [this.current, this.following, this.currentGroup] = saved;
    return lastSink;
  }

  /**
   * The looping state:  loop -proceed-> sink;  loop -take-> loop;
   * loop -ignore-> ignoreState (take back into the loop, or ignore; no proceed).
   */
  private createLooping(sink: BState): BState {
    const p = this.current;
    if (p.group !== null) return this.createLoopingGroupPatternState(p, sink);
    if (p.alternatives !== null) return this.createLoopingAlternationState(p, sink);
    const until = p.until;
    const ignore = extendWithUntil(this.getInnerIgnoreCondition(p), until, false);
    const take = extendWithUntil(this.getTakeCondition(p), until, true)!;
    const proceed = this.getTrueFunction();
    const looping = this.stageState("normal", true);
    if (p.greedy) {
      if (until !== null) {
        const sinkCopy = this.copy(sink);
        looping.addProceed(sinkCopy, and(proceed, until));
        this.originalStateMap.set(sink.name, sinkCopy);
      }
      looping.addProceed(sink, until !== null ? and(proceed, not(until)) : proceed);
      updateWithGreedyCondition(sink, this.getTakeCondition(p));
    } else {
      looping.addProceed(sink, proceed);
    }
    looping.addTake(looping, take);
    this.addStopStateToLooping(looping);
    if (ignore !== null) {
      const ignoreState = this.stageState("normal", false);
      ignoreState.addTake(looping, take);
      ignoreState.addIgnore(ignoreState, ignore);
      looping.addIgnore(ignoreState, ignore);
      this.addStopStateToLooping(ignoreState);
    }
    return looping;
  }

  // --- alternation and permute (beyond Flink; docs/architecture.md "Alternation") ---

  /**
   * One iteration of an alternation: a fork state X with a PROCEED edge (true) to the
   * first state of each alternative, every alternative compiled backwards into the same
   * `sink`. X's IGNORE edge carries the contiguity before the alternation (language.md
   * §3.3a: a branch waiting at an alternation waits for the first term of every
   * alternative at once):
   * - `next`: none; the alternatives' first terms are strict, so the very next event must
   *   start one.
   * - `followed by`: IGNORE(not anyStart) → X, anyStart being "some alternative can take
   *   this event first" (through optional first terms). The first event that starts any
   *   alternative is taken by each alternative it starts and is never skipped. States
   *   reached from a first term through PROCEED edges (an optional first term skipped)
   *   are copies without IGNORE edges: X alone waits, else a skipped event would leave a
   *   second branch waiting in one alternative (a duplicate, or a branch that ignores the
   *   first start).
   * - `followed by any`: IGNORE(true) → X, the first terms strict; but when some first
   *   term can be absent the alternatives are reached exactly as their expansions are
   *   (each first term SKIP_TILL_ANY, X without IGNORE), since a waiting X would then
   *   also wait inside an alternative, a duplicate branch.
   * An optional iteration (`?`, `*`, the optional part of `{n,m}`) proceeds to
   * `proceedState` and ignores into a copy of X without that edge, as Flink's optional
   * states do.
   */
  private createAlternationState(
    alt: Stage,
    sink: BState,
    proceedState: BState | null,
    isOptional: boolean,
  ): BState {
    const first = this.firstOfLoop.get(alt) ?? true;
    const strategy = first ? this.outerStrategy(alt) : alt.inner;
    const separateIgnore = isOptional || this.isHeadOfOptionalGroupPattern(alt);
    const proceed = this.getTrueFunction();
    const saved = [this.current, this.following, this.currentGroup, this.altHeadStrategy] as const;
    const x = this.stageState("normal", false);
    const alternatives = alt.alternatives as readonly Stage[];
    const canSkipHead = alternatives.some((last) => entryExtends(headOf(last)));
    this.altHeadStrategy = strategy === "SKIP_TILL_ANY" && canSkipHead ? "SKIP_TILL_ANY" : "STRICT";
    this.currentGroup = alt;
    // Paths that pass the alternation without taking anything must stay apart (one branch
    // each, as in the expanded patterns): with two or more, each such alternative ends in
    // its own copy of the sink (the decision graph visits a state once per event).
    const empty = alternatives.map(chainMayTakeNothing);
    const emptyPaths = empty.filter(Boolean).length + (isOptional && proceedState === sink ? 1 : 0);
    // What follows the alternation (built before it, backwards) and the copies of it made
    // for empty paths: an event taken there does not start the alternation (see below).
    const outside = new Set<BState>(this.states);
    const heads: BState[] = [];
    this.outsideSets.push(outside);
    for (const [i, last] of alternatives.entries()) {
      this.current = last;
      this.following = saved[1];
      let lastSink = this.createMiddleStates(empty[i] && emptyPaths > 1 ? this.outsideCopy(sink) : sink);
      lastSink = this.convertPattern(lastSink);
      heads.push(lastSink);
    }
    this.outsideSets.pop();
    const enter = this.getTrueFunction();
    // Before the start condition is made of them: windows are part of what a term can take.
    guardWindows(heads);
    let ignore: Cond | null = null;
    // After an ignored event (`followed by`): the first states again, but a term reached
    // through absent first terms only if it could have waited (its own IGNORE edge).
    let waitHeads = heads;
    let waitIgnore: Cond | null = null;
    if (strategy === "SKIP_TILL_NEXT") {
      // An event taken by what follows the alternation, through an alternative that can
      // take nothing, does not start it (as an optional term's state keeps waiting while
      // the next term takes an event through PROCEED): that path waits on its own, with
      // the following term's own IGNORE edge, and the fork waits for the alternatives;
      // once the fork has ignored an event it no longer offers that path (the branch that
      // passed through it already waits there, or took the event).
      if (heads.some((h) => reachesStrictTake(h, this.couldWait) || proceedsOutside(h, outside))) {
        const after = new Map<BState, BState>();
        waitHeads = heads.map((h) => this.afterIgnoreCopy(h, after, true, outside));
      }
      const copies = new Map<BState, BState>();
      for (const h of heads) this.stripEntry(h, copies, outside);
      ignore = not(startCondition(heads, enter, outside));
      waitIgnore = waitHeads === heads ? ignore : not(startCondition(waitHeads, enter, outside));
    } else if (strategy === "SKIP_TILL_ANY" && this.altHeadStrategy === "STRICT") ignore = waitIgnore = TRUE;
    ignore = ignore === null ? null : this.withGroupUntil(ignore);
    waitIgnore = waitIgnore === null ? null : this.withGroupUntil(waitIgnore);
    for (const h of heads) x.addProceed(h, enter);
    x.fork = heads.length;
    windowAtFork(x);
    [this.current, this.following, this.currentGroup, this.altHeadStrategy] = saved;
    if (ignore !== null && waitIgnore !== null) {
      if (separateIgnore || waitHeads !== heads) {
        const ignoreState = this.stageState("normal", false);
        for (const h of waitHeads) ignoreState.addProceed(h, enter);
        ignoreState.fork = waitHeads.length;
        windowAtFork(ignoreState);
        ignoreState.addIgnore(ignoreState, waitIgnore);
        this.addStopStates(ignoreState);
        x.addIgnore(ignoreState, ignore);
      } else x.addIgnore(x, ignore);
    }
    if (isOptional && proceedState !== null) {
      x.addProceed(proceedState, proceed);
      windowAtFork(x);
    }
    return x;
  }

  /** A looping alternation: as a looping group, a dummy state after each alternative proceeds back to the fork. */
  private createLoopingAlternationState(alt: Stage, sink: BState): BState {
    const proceed = this.getTrueFunction();
    const dummy = this.stageState("normal", true);
    const fork = this.createAlternationState(alt, dummy, null, false);
    fork.addProceed(sink, proceed);
    windowAtFork(fork);
    dummy.addProceed(fork, proceed);
    return fork;
  }

  /**
   * Removes the IGNORE edges from what a first state reaches through PROCEED edges (the
   * first state itself is strict): the states there are replaced by copies without
   * IGNORE edges (`copies`, shared by one fork's alternatives), which only ever decide a
   * waiting fork's event — TAKE edges still lead to the original states.
   */
  private stripEntry(head: BState, copies: Map<BState, BState>, outside: ReadonlySet<BState>): void {
    for (let i = head.edges.length - 1; i >= 0; i--) {
      const e = head.edges[i];
      if (e.action === "ignore") head.edges.splice(i, 1);
      else if (e.action === "proceed" && e.target.kind !== "stop")
        e.target = this.withoutIgnores(e.target, copies, outside);
    }
  }

  /**
   * A first state's copy for a fork that has ignored an event: like {@link withoutIgnores},
   * but past the first states a state's TAKE edges are kept only if it could have waited
   * (`waits`): it has an IGNORE edge of its own, or it is a first state of a nested fork
   * that could — strictness is relative to the last taken event, so `b: B? next c: C` can
   * no longer start with c once an event was skipped, while `b: B? followed by c: C` can.
   */
  private afterIgnoreCopy(
    s: BState,
    copies: Map<BState, BState>,
    waits: boolean,
    outside: ReadonlySet<BState>,
  ): BState {
    const known = copies.get(s);
    if (known !== undefined) return known;
    const kind = s.kind === "start" ? "normal" : s.kind;
    const c = this.createState(s.name.split(":")[0], kind, s.variable, s.window);
    c.fork = s.fork;
    copies.set(s, c);
    this.copiedFrom.set(c, this.copiedFrom.get(s) ?? s);
    const relaxed = this.couldWait(s);
    s.edges.forEach((e, i) => {
      if (e.action === "ignore" || (e.action === "take" && !waits && !relaxed)) return;
      // The path past the alternation's end was offered once, before the first ignored event.
      if (e.action === "proceed" && outside.has(e.target)) return;
      const target =
        e.action === "proceed" && e.target.kind !== "stop"
          ? this.afterIgnoreCopy(e.target, copies, i < s.fork && (waits || relaxed), outside)
          : e.target;
      c.edges.push({ action: e.action, target, cond: e.cond });
    });
    return c;
  }

  /**
   * A copy of a sink state and of every state its PROCEED edges reach (Final included;
   * same edges, windows and forks; TAKE and IGNORE edges into that region lead to the
   * copies): a path entering the copy never meets another path's states before it takes
   * an event, so the decision graph keeps them apart (and completes once per Final copy).
   */
  private sinkCopy(sink: BState, copies = new Map<BState, BState>()): BState {
    const known = copies.get(sink);
    if (known !== undefined) return known;
    const kind = sink.kind === "start" ? "normal" : sink.kind;
    const c = this.createState(sink.name.split(":")[0], kind, sink.variable, sink.window);
    c.fork = sink.fork;
    copies.set(sink, c);
    for (const e of sink.edges) {
      const target =
        e.action === "proceed" && e.target.kind !== "stop"
          ? this.sinkCopy(e.target, copies)
          : (copies.get(e.target) ?? e.target);
      c.edges.push({ action: e.action, target, cond: e.cond });
    }
    return c;
  }

  /**
   * {@link sinkCopy} for an empty path: a copy of a state outside an alternation being
   * built (the innermost one's whole sink, and for enclosing ones what lies past their
   * end) is outside it too.
   */
  private outsideCopy(sink: BState): BState {
    const copies = new Map<BState, BState>();
    const c = this.sinkCopy(sink, copies);
    for (const [original, copy] of copies)
      for (const outside of this.outsideSets) if (outside.has(original)) outside.add(copy);
    return c;
  }

  private withoutIgnores(s: BState, copies: Map<BState, BState>, outside: ReadonlySet<BState>): BState {
    const known = copies.get(s);
    if (known !== undefined) return known;
    // What follows the alternation keeps its own IGNORE edges (its path waits on its own).
    if (outside.has(s) || !reachesIgnore(s)) {
      copies.set(s, s);
      return s;
    }
    const kind = s.kind === "start" ? "normal" : s.kind;
    const c = this.createState(s.name.split(":")[0], kind, s.variable, s.window);
    c.fork = s.fork;
    copies.set(s, c);
    this.copiedFrom.set(c, this.copiedFrom.get(s) ?? s);
    for (const e of s.edges) {
      if (e.action === "ignore") continue;
      const target =
        e.action === "proceed" && e.target.kind !== "stop"
          ? this.withoutIgnores(e.target, copies, outside)
          : e.target;
      c.edges.push({ action: e.action, target, cond: e.cond });
    }
    return c;
  }

  // --- conditions (Flink getTakeCondition / getIgnoreCondition / getInnerIgnoreCondition) ---

  private setFirstOfLoop(first: boolean): void {
    if (this.current.group !== null || this.current.alternatives !== null)
      this.firstOfLoop.set(this.current, first);
  }

  private isCurrentGroupFirstOfLoop(): boolean {
    return this.currentGroup === null ? true : (this.firstOfLoop.get(this.currentGroup) ?? true);
  }

  private headOfGroup(p: Stage): boolean {
    return this.currentGroup !== null && p.previous === null;
  }

  private isHeadOfOptionalGroupPattern(p: Stage): boolean {
    const g = this.currentGroup;
    return this.headOfGroup(p) && g!.alternatives === null && this.isCurrentGroupFirstOfLoop() && g!.optional;
  }

  private groupUntil(): Cond | null {
    return this.currentGroup?.until ?? null;
  }

  private getTakeCondition(p: Stage): Cond {
    const u = this.groupUntil();
    return u !== null ? extendWithUntil(p.condition, u, true)! : p.condition;
  }

  private getTrueFunction(): Cond {
    const u = this.groupUntil();
    return u !== null ? extendWithUntil(TRUE, u, true)! : TRUE;
  }

  private getIgnoreCondition(p: Stage): Cond | null {
    return this.withGroupUntil(ignoreFor(this.outerStrategy(p), p));
  }

  /**
   * How a stage's first element is reached: its own operator; for the head of a group, the
   * group's (outer on its first iteration, inner on later ones); for the first stage of an
   * alternative, what the alternation decided (`altHeadStrategy`).
   */
  private outerStrategy(p: Stage): Strategy {
    if (!this.headOfGroup(p)) return p.outer;
    const g = this.currentGroup as Stage;
    if (g.alternatives !== null) return this.altHeadStrategy;
    if (!this.isCurrentGroupFirstOfLoop()) return g.inner;
    return g.altHead ? this.altHeadStrategy : g.outer;
  }

  private getInnerIgnoreCondition(p: Stage): Cond | null {
    let strategy: Strategy = p.inner;
    if (this.headOfGroup(p) && this.currentGroup!.alternatives === null) strategy = this.currentGroup!.inner;
    return this.withGroupUntil(ignoreFor(strategy, p));
  }

  private withGroupUntil(c: Cond | null): Cond | null {
    const u = this.groupUntil();
    return u !== null ? extendWithUntil(c, u, false) : c;
  }
}

function ignoreFor(strategy: Strategy, p: Stage): Cond | null {
  switch (strategy) {
    case "SKIP_TILL_NEXT":
      return not(p.condition);
    case "SKIP_TILL_ANY":
      return TRUE;
    default:
      return null;
  }
}

/** Flink `extendWithUntilCondition`: `not until and c`; a take without condition becomes `not until`. */
function extendWithUntil(c: Cond | null, until: Cond | null, isTake: boolean): Cond | null {
  if (until !== null && c !== null) return and(not(until), c);
  if (until !== null && isTake) return not(until);
  return c;
}

/** The first stage of a chain given by its last. */
function headOf(last: Stage): Stage {
  let s = last;
  while (s.previous !== null) s = s.previous;
  return s;
}

/**
 * Term-level windows of the terms a fork can take the event for (through PROCEED edges):
 * a branch waiting at the fork is not in those terms' states, so their windows are checked
 * on their TAKE edges (`gapBelow`; a branch waiting in such a state has expired before
 * the check could fail, so other paths through it are unchanged), and the fork itself
 * expires when none of them can take anything any more: at the largest of their windows,
 * or never when one of them has none.
 */
function windowAtFork(fork: BState): void {
  const window = guardWindows([fork]);
  fork.window = window === Number.POSITIVE_INFINITY || window === 0 ? null : window;
}

/**
 * Extends the TAKE edges of windowed states reached from `roots` through PROCEED edges
 * with their window (once each); returns the largest window met, Infinity when some TAKE
 * edge there has none, 0 when there is no TAKE edge.
 */
function guardWindows(roots: readonly BState[]): number {
  let window = 0;
  const seen = new Set<BState>(roots);
  const stack = [...roots];
  while (stack.length > 0) {
    const s = stack.pop() as BState;
    for (const e of s.edges) {
      if (e.action === "take") {
        if (s.window === null) window = Number.POSITIVE_INFINITY;
        else {
          window = Math.max(window, s.window);
          if (!guarded.has(e.cond)) {
            e.cond = and(e.cond, gapBelow(s.window));
            guarded.add(e.cond);
          }
        }
      } else if (e.action === "proceed" && e.target.kind !== "stop" && !seen.has(e.target)) {
        seen.add(e.target);
        stack.push(e.target);
      }
    }
  }
  return window;
}

/** TAKE conditions already extended with their window by {@link windowAtFork}. */
const guarded = new WeakSet<Cond>();

/** Whether a chain (given by its last stage) can be passed without taking an event. */
function chainMayTakeNothing(last: Stage): boolean {
  for (let s: Stage | null = last; s !== null; s = s.previous) {
    if (s.outer === "NOT_NEXT" || s.outer === "NOT_FOLLOW" || s.optional) continue;
    if (s.group !== null && chainMayTakeNothing(s.group)) continue;
    if (s.alternatives?.some(chainMayTakeNothing)) continue;
    return false;
  }
  return true;
}

/**
 * Whether a stage's first element can be skipped, its entry reaching further through
 * PROCEED edges: an optional stage, or a group or alternation whose first stages can be.
 */
function entryExtends(stage: Stage): boolean {
  if (stage.optional) return true;
  if (stage.group !== null) return entryExtends(headOf(stage.group));
  if (stage.alternatives !== null) return stage.alternatives.some((last) => entryExtends(headOf(last)));
  return false;
}

/**
 * Whether a first state reaches, through PROCEED edges, a TAKE edge of a state that could
 * not have waited (no IGNORE edge of its own, and not a first state of a fork that could:
 * see `afterIgnoreCopy`).
 */
function reachesStrictTake(head: BState, couldWait: (s: BState) => boolean): boolean {
  const seen = new Set<BState>([head]);
  const stack: [BState, boolean][] = [[head, true]];
  while (stack.length > 0) {
    const [s, waits] = stack.pop() as [BState, boolean];
    const relaxed = couldWait(s);
    if (!waits && !relaxed && s.edges.some((e) => e.action === "take")) return true;
    s.edges.forEach((e, i) => {
      if (e.action === "proceed" && e.target.kind !== "stop" && !seen.has(e.target)) {
        seen.add(e.target);
        stack.push([e.target, i < s.fork && (waits || relaxed)]);
      }
    });
  }
  return false;
}

/** Whether `head` reaches a state of `outside` (what follows its alternation) through PROCEED edges. */
function proceedsOutside(head: BState, outside: ReadonlySet<BState>): boolean {
  const seen = new Set<BState>([head]);
  const stack = [head];
  while (stack.length > 0) {
    for (const e of (stack.pop() as BState).edges) {
      if (e.action !== "proceed" || e.target.kind === "stop" || seen.has(e.target)) continue;
      if (outside.has(e.target)) return true;
      seen.add(e.target);
      stack.push(e.target);
    }
  }
  return false;
}

/** Whether an IGNORE edge is met from `s` following PROCEED edges (Stop states excluded). */
function reachesIgnore(s: BState): boolean {
  const seen = new Set<BState>([s]);
  const stack = [s];
  while (stack.length > 0) {
    for (const e of (stack.pop() as BState).edges) {
      if (e.action === "ignore") return true;
      if (e.action === "proceed" && e.target.kind !== "stop" && !seen.has(e.target)) {
        seen.add(e.target);
        stack.push(e.target);
      }
    }
  }
  return false;
}

/**
 * An alternation's start condition: some alternative's first state (entered with `enter`)
 * can take the event, directly or through PROCEED edges — `start(s)` is the `or` over s's
 * edges of `take → c` and `proceed → c and start(target)`. Equal conditions (a `permute`'s
 * orders share their elements' conditions) appear once.
 */
function startCondition(heads: readonly BState[], enter: Cond, outside: ReadonlySet<BState>): Cond {
  const terms: Cond[] = [];
  const add = (c: Cond) => {
    if (!terms.includes(c)) terms.push(c);
  };
  const visit = (s: BState, via: Cond, seen: Set<BState>): void => {
    for (const e of s.edges) {
      if (e.action === "take") add(and(via, e.cond));
      else if (
        e.action === "proceed" &&
        e.target.kind !== "stop" &&
        !outside.has(e.target) &&
        !seen.has(e.target)
      ) {
        seen.add(e.target);
        visit(e.target, and(via, e.cond), seen);
        seen.delete(e.target);
      }
    }
  };
  for (const h of heads) visit(h, enter, new Set([h]));
  if (terms.length === 0) return not(TRUE);
  return terms.reduce((a, b) => or(a, b));
}

/** Greedy: every edge of the next stage's first state also requires `not loopTake`. */
function updateWithGreedyCondition(state: BState, take: Cond): void {
  for (const e of state.edges) e.cond = and(e.cond, not(take));
}

/** Types of the TAKE edges reachable from Start through PROCEED edges; null if any type can start. */
function startTypes(start: BState): ReadonlySet<string> | null {
  const types = new Set<string>();
  const seen = new Set<BState>([start]);
  const stack = [start];
  while (stack.length > 0) {
    const s = stack.pop()!;
    for (const e of s.edges) {
      if (e.action === "take") {
        if (e.cond.types === null) return null;
        for (const t of e.cond.types) types.add(t);
      } else if (e.action === "proceed" && !seen.has(e.target)) {
        seen.add(e.target);
        stack.push(e.target);
      }
    }
  }
  return types;
}

function freeze(states: BState[], start: BState, window: number | null): CompiledNfa {
  // Order states for display: Start first, then reachable states depth-first, edges in order.
  const order: BState[] = [];
  const seen = new Set<BState>();
  // Iterative depth-first preorder (edges in order, as a recursive walk would give), so
  // `A{10000}` cannot overflow the stack.
  const stack: BState[] = [start];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    order.push(s);
    for (let i = s.edges.length - 1; i >= 0; i--)
      if (!seen.has(s.edges[i].target)) stack.push(s.edges[i].target);
  }
  const index = new Map<BState, number>(order.map((s, i) => [s, i]));
  const out: NfaState[] = order.map((s, id) =>
    Object.freeze({
      id,
      name: s.name,
      kind: s.kind,
      variable: s.variable,
      window: s.window,
      fork: s.fork,
      edges: Object.freeze(
        s.edges.map((e) => Object.freeze({ action: e.action, target: index.get(e.target)!, cond: e.cond })),
      ),
    }),
  );
  void states;
  return Object.freeze({ states: Object.freeze(out), start: 0, window, startTypes: startTypes(start) });
}
