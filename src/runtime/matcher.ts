/**
 * One pattern's keyed NFA: Flink's `NFA.process` / `NFA.advanceTime` over per-key state
 * (flink-semantics.md §1.1, §5, §6, §7, §8).
 *
 * A partial match is a {@link Branch}: the NFA state it waits in and the events it took,
 * as a linked list of {@link Cell}s, newest first. Cells are immutable: branches that
 * share a prefix share its cells, each event is referenced once per (branch prefix,
 * variable), and memory grows with live branches, not branches × match length
 * (style.md §13; the GC reclaims what no branch references, which replaces Flink's
 * reference counting).
 *
 * A branch *is* its last cell: one object holds the taken event and the state the branch
 * waits in after it (issue 5: one 80-byte object per partial match instead of a 48-byte
 * branch and a 64-byte cell — Node's 64-bit heap has 24-byte object headers). Moving to
 * another state without taking an event copies the cell with the new state.
 */
import type { CompiledPattern } from "../compile/model.js";
import type { Cond, Edge, Guard, MatchContext, NfaState } from "../compile/nfa.js";
import { generatedMatcher, type ProcessFn } from "./codegen/instantiate.js";
import { proceedsToFinal, VERDICT_FALSE, VERDICT_TRUE, VERDICT_UNKNOWN } from "./codegen/process.js";

/**
 * One taken event in a partial match, and the branch that ends with it. Reached through
 * another cell's `prev`, only the event fields count; as a branch, `state` too.
 */
export interface Cell {
  /** As a branch: the NFA state it waits in ({@link UNCLAIMED} while a snapshot is read). */
  readonly state: number;
  /**
   * A cell with the chain's first event — the root of the `prev` chain, or the cell itself
   * for a one-event chain; null only for the Start branch, which has taken nothing. Start
   * feed number and time are read from it rather than stored (issue 5: memory).
   */
  readonly first: Cell | null;
  readonly event: unknown;
  readonly time: number;
  /** Feed number: the engine-wide (time, arrival) order of events. */
  readonly seq: number;
  /** Variable index the event was taken by. */
  readonly variable: number;
  readonly prev: Cell | null;
}

/** A partial (or completed) match: its last cell, read with its `state`. */
export type Branch = Cell;

/** The state of a cell read from a snapshot before a branch row claims it. */
export const UNCLAIMED = -1;

type MutableCell = { -readonly [K in keyof Cell]: Cell[K] };

/** The branch after taking `event` from a branch whose last cell is `prev` (null: from Start). */
export function takeCell(
  state: number,
  prev: Cell | null,
  event: unknown,
  time: number,
  seq: number,
  variable: number,
): Cell {
  const c: MutableCell = { state, first: null, event, time, seq, variable, prev };
  c.first = prev === null ? c : prev.first;
  return c;
}

/** The same events waiting in another state (a copy of the last cell; the Start branch has none). */
export function withState(b: Branch, state: number): Branch {
  const c: MutableCell = {
    state,
    first: null,
    event: b.event,
    time: b.time,
    seq: b.seq,
    variable: b.variable,
    prev: b.prev,
  };
  c.first = b.first === null ? null : b.first === b ? c : b.first;
  return c;
}

/** The Start branch of an NFA: no events. */
export function startBranch(state: number): Branch {
  return { state, first: null, event: undefined, time: 0, seq: -1, variable: -1, prev: null };
}

/** A branch's last cell: the branch itself, or null for the Start branch. */
export function lastCell(b: Branch): Cell | null {
  return b.first === null ? null : b;
}

/**
 * The branch waiting in `state` after the cell `last`, as a snapshot row names it: the
 * cell itself when no other branch has claimed it (cells are read with {@link UNCLAIMED}),
 * else a copy (only snapshots written before branches were cells share a last cell
 * between states).
 */
export function claimBranch(state: number, last: Cell | null): Branch {
  if (last === null) return startBranch(state);
  if (last.state === UNCLAIMED) {
    (last as MutableCell).state = state;
    return last;
  }
  return last.state === state ? last : withState(last, state);
}

/** Cells from snapshot rows (`prev` indexes an earlier row, or −1), unclaimed. */
export function cellsFrom(
  rows: readonly (readonly [number, number, number, number, number])[],
  eventOf: (index: number) => unknown,
  seqOf: (seq: number) => number,
): Cell[] {
  const cells: Cell[] = [];
  for (const [e, time, seq, variable, prev] of rows) {
    cells.push(takeCell(UNCLAIMED, prev < 0 ? null : cells[prev], eventOf(e), time, seqOf(seq), variable));
  }
  return cells;
}

/** Feed number of a branch's first event; -1 for the Start state. */
export function startSeq(b: Branch): number {
  return b.first === null ? -1 : b.first.seq;
}

/** Per-key state of one pattern. Keys with no branches are deleted. */
export interface KeyState {
  readonly key: unknown;
  /** The key in its runner's map: the value itself for primitives, canonical JSON for composites. */
  readonly mapKey: unknown;
  /** Live partial matches (never the Start state, which is implicit). */
  partials: Branch[];
  /** Completed matches held back by a skip strategy (Flink `completedMatches`). */
  completed: Branch[];
  /**
   * Which NFA states the partial matches wait in (bit `min(state, 30)`): when an event
   * leaves every occupied state unchanged, the key's branches are not touched at all.
   */
  mask: number;
  /** The deadline this key is scheduled at in the engine's expiry heap (Infinity: none). */
  scheduled: number;
  /** Set when the key's state was removed (stale heap entries are then ignored). */
  dead: boolean;
  /** Estimated bytes of its state, as counted in the engine's memory total (limits.ts). */
  bytes: number;
}

/** A finished match or timeout, before it becomes an output record. */
export interface Outcome {
  readonly pattern: CompiledPattern;
  readonly key: unknown;
  readonly last: Cell;
  /** For timeouts: the expiry stamp; null for matches. */
  readonly stamp: number | null;
}

/** The reused condition context: binds a branch's cells and the current event. */
export class Context implements MatchContext {
  event: unknown = null;
  time = 0;
  key: unknown = null;
  eventType: unknown = undefined;
  private last: Cell | null = null;
  private gen = 0;
  private readonly cacheGen: number[];
  private readonly cacheEvents: unknown[][];
  private readonly cacheTimes: number[][];

  constructor(variableCount: number) {
    this.cacheGen = new Array(variableCount).fill(-1);
    this.cacheEvents = new Array(variableCount);
    this.cacheTimes = new Array(variableCount);
  }

  /** Binds a branch (its last cell); invalidates the per-variable caches. */
  bind(last: Cell | null): void {
    this.last = last;
    this.gen++;
  }

  private fill(v: number): void {
    const events: unknown[] = [];
    const times: number[] = [];
    for (let c = this.last; c !== null; c = c.prev) {
      if (c.variable === v) {
        events.push(c.event);
        times.push(c.time);
      }
    }
    events.reverse();
    times.reverse();
    this.cacheEvents[v] = events;
    this.cacheTimes[v] = times;
    this.cacheGen[v] = this.gen;
  }

  taken(v: number): readonly unknown[] {
    if (this.cacheGen[v] !== this.gen) this.fill(v);
    return this.cacheEvents[v];
  }

  takenTimes(v: number): readonly number[] {
    if (this.cacheGen[v] !== this.gen) this.fill(v);
    return this.cacheTimes[v];
  }

  lastTaken(v: number): unknown {
    // Cells run newest first: the first one of `v` is its last event.
    for (let c = this.last; c !== null; c = c.prev) if (c.variable === v) return c.event;
    return null;
  }

  prev(): unknown {
    return this.last === null ? null : this.last.event;
  }

  prevTime(): number | null {
    return this.last === null ? null : this.last.time;
  }
}

/** The shared empty list: `completed` lists are replaced, never changed in place, so keys start with this one. */
export const NO_BRANCHES: Branch[] = [];

/** Per (state, event type): evaluate the branch, or it is unchanged (only a self-IGNORE can fire), or it dies. */
const EVALUATE = 0;
const UNCHANGED = 1;
const DIES = 2;
/** Distinct event types whose fates are cached per pattern (bounds memory with unbounded type vocabularies). */
const FATE_CACHE_LIMIT = 4096;
/** Types looked up by `===` before the fate map (a short scan is cheaper than a string hash lookup). */
const RECENT_TYPES = 12;

/** The mask bit of a state (states past 30 share bit 30). */
export function stateBit(state: number): number {
  return 1 << Math.min(state, 30);
}

/** Fates of every state for one event type, and the mask of states that are not simply unchanged. */
export interface FateInfo {
  readonly fates: Uint8Array;
  readonly need: number;
  /**
   * Per state: the edges its decision graph yields for every event of this type, with their
   * source states, when the type alone decides every condition on the way (`A followed by
   * B`: all of them); null when some condition needs the event. `step` then skips the
   * graph walk and the condition calls.
   */
  readonly edges: readonly (StaticEdges | null)[];
  /**
   * Whether some term condition (a TAKE edge's, negated terms included) can hold for an
   * event of this type: a `*` term whose condition does not pin the type holds for every
   * type. An event without its key is reported for the pattern only when this is true
   * (language.md §3); otherwise it is skipped silently and counted as unkeyed.
   */
  readonly relevant: boolean;
  /**
   * Per edge condition (states in order, edges in order): what it gives for every event of
   * this type (codegen/process.ts `VERDICT_*`); read by generated matchers only (else empty).
   */
  readonly verdicts: Uint8Array;
}

const NO_VERDICTS = new Uint8Array(0);

interface StaticEdges {
  readonly edges: readonly Edge[];
  readonly sources: readonly number[];
}

/** The matching logic of one pattern; state lives in {@link KeyState}s owned by the engine. */
export class Matcher {
  readonly ctx: Context;
  private readonly states: readonly NfaState[];
  private readonly start: Branch;
  private readonly window: number | null;
  private readonly skipStrategy: boolean;
  /** Reused DFS stack and visited marks for the decision graph (no allocation per event). */
  private readonly stack: number[] = [];
  private readonly visited: Int32Array;
  private visitGen = 0;
  private readonly edgesOut: Edge[] = [];
  private readonly edgeSource: number[] = [];
  /**
   * Per state: its two edges when they are `take if c` and `stay (ignore) if not c` — skip
   * till next waiting for its term, the commonest state — else null. `step` then calls `c`
   * once instead of walking the decision graph (W7: ~8 such steps per event).
   */
  private readonly takeOrStay: readonly ({ take: Edge; stay: Edge } | null)[];
  /**
   * States with a PROCEED path to Final (ignoring conditions): only these need
   * `finalAfterProceed`; 2 where paths reach several Final states (`finalsAfterProceed`).
   */
  private readonly proceedsToFinal: Uint8Array;
  /** States a branch can wait in: Start and the targets of TAKE and IGNORE edges. */
  private readonly occupiable: Uint8Array;
  /** Event type → fate per state: most events leave most branches unchanged, decided once per type. */
  private readonly fateCache = new Map<unknown, FateInfo>();
  /** The earliest expiry among the branches the last `process`/`advance` call created or kept (see those). */
  lastDeadline = Number.POSITIVE_INFINITY;
  /** Cells the last `process` call created (the engine's memory estimate). */
  cells = 0;

  /** The conditions of every TAKE edge (term conditions, negated terms' included), for {@link FateInfo.relevant}. */
  private readonly takeConds: readonly Cond[];

  /**
   * Feeds one event to one key (Flink `NFA.process`): every partial match, and the Start
   * state, computes its next states; Stop discards what that branch produced for this
   * event; completed matches go out (through the skip strategy's hold-back when one is set).
   * The pattern's generated code (codegen/) when it has some, else {@link interpret}; a
   * field set in the constructor, so every matcher has one hidden class.
   */
  readonly process: (
    ks: KeyState,
    event: unknown,
    eventType: unknown,
    info: FateInfo,
    time: number,
    seq: number,
    out: Outcome[],
  ) => void;
  /** Whether {@link process} is generated code. */
  readonly generated: boolean;
  /** Why the pattern runs on the interpreter although generated code was asked for (null: it does not, or was not asked). */
  readonly fallback: string | null;

  /**
   * `typeField` names the type role field, so a `where type == "X"` guard pins the type too.
   * `codegen`: run the pattern on generated code (codegen/) where the generator handles it.
   */
  constructor(
    readonly pattern: CompiledPattern,
    private readonly typeField = "type",
    codegen = false,
  ) {
    this.states = pattern.nfa.states;
    this.window = pattern.nfa.window;
    this.start = startBranch(pattern.nfa.start);
    this.skipStrategy = pattern.skip.strategy !== "noSkip";
    this.ctx = new Context(pattern.variables.length);
    this.visited = new Int32Array(this.states.length);
    this.stateWindows = this.states.some((st) => st.window !== null);
    this.takeOrStay = this.states.map((st) => {
      const [take, stay] = st.edges;
      const shape =
        st.edges.length === 2 &&
        take.action === "take" &&
        !take.cond.isTrue &&
        stay.action === "ignore" &&
        stay.target === st.id &&
        stay.cond.negOf === take.cond;
      return shape ? { take, stay } : null;
    });
    this.takeConds = [
      ...new Set(this.states.flatMap((st) => st.edges.filter((e) => e.action === "take").map((e) => e.cond))),
    ];
    this.occupiable = new Uint8Array(this.states.length);
    this.occupiable[pattern.nfa.start] = 1;
    for (const st of this.states)
      for (const e of st.edges) if (e.action !== "proceed") this.occupiable[e.target] = 1;
    this.proceedsToFinal = proceedsToFinal(pattern);
    let gen: ProcessFn | null = null;
    let fallback: string | null = null;
    if (codegen) {
      const g = generatedMatcher(pattern, { M: this, ctx: this.ctx, S: this.start, takeCell, withState });
      if ("process" in g) gen = g.process;
      else fallback = g.fallback;
    }
    this.generated = gen !== null;
    this.fallback = fallback;
    this.process =
      gen !== null
        ? (gen as unknown as Matcher["process"])
        : (ks, event, eventType, info, time, seq, out) =>
            this.interpret(ks, event, eventType, info, time, seq, out);
  }

  /** The interpreter's {@link process}: the reference the generated code is tested against. */
  interpret(
    ks: KeyState,
    event: unknown,
    eventType: unknown,
    info: FateInfo,
    time: number,
    seq: number,
    out: Outcome[],
  ): void {
    const ctx = this.ctx;
    this.cells = 0;
    ctx.event = event;
    ctx.time = time;
    ctx.key = ks.key;
    ctx.eventType = eventType;
    const potential = this.potentialScratch;
    // Setting `length` is a runtime call: only when something is left from the last event.
    if (potential.length !== 0) potential.length = 0;
    const fates = info.fates;
    const startFate = fates[this.start.state];
    let deadline = Number.POSITIVE_INFINITY;
    if ((ks.mask & info.need) === 0) {
      // Every live branch stays as it is: only the Start state can add branches, appended in place.
      if (startFate === EVALUATE) {
        let partials = ks.partials;
        const before = partials.length;
        if (before === 0) {
          // A key's first branches: built in a scratch array and copied at their exact size
          // (a push onto an empty array reserves 17 slots: ~130 bytes per key for nothing).
          const fresh = this.freshScratch;
          this.step(this.start, info, event, time, seq, fresh, potential);
          if (fresh.length > 0) {
            partials = fresh.slice();
            ks.partials = partials;
            fresh.length = 0;
          }
        } else this.step(this.start, info, event, time, seq, partials, potential);
        for (let i = before; i < partials.length; i++) {
          ks.mask |= stateBit(partials[i].state);
          const d = this.deadlineOf(partials[i]);
          if (d < deadline) deadline = d;
        }
      }
    } else {
      const next: Branch[] = [];
      const old = ks.partials;
      for (let i = 0; i < old.length; i++) {
        const b = old[i];
        const f = fates[b.state];
        if (f === UNCHANGED) next.push(b);
        else if (f === EVALUATE) this.step(b, info, event, time, seq, next, potential);
      }
      // New branches go last, which keeps `partials` ordered by start time (see `advance`).
      if (startFate === EVALUATE) this.step(this.start, info, event, time, seq, next, potential);
      let mask = 0;
      for (let i = 0; i < next.length; i++) mask |= stateBit(next[i].state);
      if (!this.stateWindows) {
        // Only the pattern window: the first branch (earliest start) expires first.
        if (next.length > 0) deadline = this.deadlineOf(next[0]);
      } else {
        for (let i = 0; i < next.length; i++) {
          const d = this.deadlineOf(next[i]);
          if (d < deadline) deadline = d;
        }
      }
      ks.partials = next;
      ks.mask = mask;
    }
    this.lastDeadline = deadline;
    if (this.skipStrategy) {
      this.unpruned = ks.partials;
      // Flink runs the hold-back after every event under a skip strategy: a partial match
      // that just died may release completed ones.
      if (potential.length > 0 || ks.completed.length > 0) this.releaseCompleted(ks, potential, out);
    } else if (potential.length > 0) {
      // No hold-back: the engine sorts every outcome of the step (language.md §5).
      for (const m of potential) out.push(this.outcome(ks, m, null));
    }
  }

  /**
   * Matches completed by the event `process` handles: reused (releaseCompleted copies what
   * it keeps). Read by the tracer after `interpret`, as are {@link unpruned} (a traced key's
   * events go through the interpreter: generated code without a skip strategy leaves it empty).
   */
  readonly potentialScratch: Branch[] = [];
  /** Under a skip strategy: the partial matches the last `process` made, before pruning (the tracer's). */
  unpruned: readonly Branch[] = NO_BRANCHES;
  /** A fresh key's first branches, before they are copied out at their exact size. */
  private readonly freshScratch: Branch[] = [];

  /** When a branch expires: its pattern window, or its state's term-level window. */
  deadlineOf(b: Branch): number {
    let d = this.window === null ? Number.POSITIVE_INFINITY : (b.first as Cell).time + this.window;
    const sw = this.states[b.state].window;
    if (sw !== null && b.time + sw < d) d = b.time + sw;
    return d;
  }

  /** Whether any state has a term-level window (else expiry is by start time only). */
  private readonly stateWindows: boolean;

  /** Recomputes the occupied-state mask after branches were removed from outside `process`. */
  remask(ks: KeyState): void {
    let mask = 0;
    for (const b of ks.partials) mask |= stateBit(b.state);
    ks.mask = mask;
  }

  /**
   * An equality every match-starting event satisfies (`sym == "AAPL"` on all TAKE edges
   * reachable from Start), or null: the engine indexes patterns by it.
   */
  startGuard(): Guard | null {
    const takes: Edge[] = [];
    const seen = new Set<number>([this.start.state]);
    const stack = [this.start.state];
    while (stack.length > 0) {
      for (const e of this.states[stack.pop()!].edges) {
        if (e.action === "take") takes.push(e);
        else if (e.action === "proceed" && !seen.has(e.target)) {
          seen.add(e.target);
          stack.push(e.target);
        }
      }
    }
    if (takes.length === 0) return null;
    for (const g of takes[0].cond.guards) {
      const same = (h: Guard) => h.value === g.value && h.path.join("\u0000") === g.path.join("\u0000");
      if (takes.every((e) => e.cond.guards.some(same))) return g;
    }
    return null;
  }

  /**
   * An equality that every event this pattern can react to satisfies, or null: the start
   * guard, when an event failing it leaves every waiting state unchanged (no strict
   * contiguity, every taking or proceeding edge guarded by it). The engine then indexes
   * the pattern by the guard's value for all its events, not only for those that start a
   * match — with one pattern per symbol an event reaches one pattern, not all that hold state.
   */
  globalGuard(): Guard | null {
    const g = this.startGuard();
    if (g === null) return null;
    const sig = g.path.join("\u0000");
    const has = (c: Cond | null) =>
      c?.guards.some((h) => h.value === g.value && h.path.join("\u0000") === sig) === true;
    // What an edge's condition gives for an event failing the guard: known only in these cases.
    const verdict = (c: Cond): boolean | null =>
      c.isTrue ? true : has(c) ? false : has(c.negOf) ? true : null;
    for (const st of this.states) {
      if (st.kind === "final" || st.kind === "stop") continue;
      if (this.fateOf(st.id, verdict) !== UNCHANGED) return null;
    }
    return g;
  }

  /** Whether an event with these fates can start a match (else a key without state can ignore it). */
  canStart(info: FateInfo): boolean {
    return info.fates[this.start.state] === EVALUATE;
  }

  /** The first {@link RECENT_TYPES} primitive types seen and their fates, scanned before the map. */
  private readonly recentTypes: unknown[] = [];
  private readonly recentFates: FateInfo[] = [];
  private lastType: unknown = Symbol("none");
  private lastFates: FateInfo | null = null;

  /**
   * The fates of every state for an event type (computed once per type, then cached): the
   * engine looks them up once per event and pattern and hands them to `process`.
   * `need === 0` means the event can change nothing for this pattern — start a match, or
   * move, fork or end a waiting branch — so no key needs to be looked at (language.md §3.1
   * allows skipping an event no term can take, where no strictness applies — a strict
   * state makes such an event kill its branch, so it counts as relevant here).
   */
  fatesOf(eventType: unknown): FateInfo {
    // Consecutive events often share a type: skip the map lookup then.
    if (eventType === this.lastType && this.lastFates !== null) return this.lastFates;
    // A few types in a row (W1: 9): `===` over a short list beats hashing into the map.
    const recent = this.recentTypes;
    let f: FateInfo | undefined;
    for (let i = 0; i < recent.length; i++) {
      if (recent[i] === eventType) {
        f = this.recentFates[i];
        this.lastType = eventType;
        this.lastFates = f;
        return f;
      }
    }
    f = this.fateCache.get(eventType);
    if (f === undefined) {
      f = this.computeFates(eventType);
      const primitive = eventType === null || typeof eventType !== "object";
      if (primitive && this.fateCache.size < FATE_CACHE_LIMIT) this.fateCache.set(eventType, f);
    }
    if (recent.length < RECENT_TYPES && (eventType === null || typeof eventType !== "object")) {
      recent.push(eventType);
      this.recentFates.push(f);
    }
    if (eventType === null || typeof eventType !== "object") {
      this.lastType = eventType;
      this.lastFates = f;
    }
    return f;
  }

  /**
   * A state's fate for the events on which `verdict` decides each condition it can (null:
   * it cannot): the decision graph walked with those verdicts — unchanged (only its own
   * ignore loop; for Start, no take), dies (nothing holds), or evaluate (anything else,
   * or an undecided condition on the way).
   */
  private fateOf(state: number, verdict: (c: Cond) => boolean | null): number {
    const states = this.states;
    const collected: Edge[] = [];
    const seen = new Set<number>([state]);
    const stack = [state];
    while (stack.length > 0) {
      for (const e of states[stack.pop()!].edges) {
        const v = verdict(e.cond);
        if (v === null) return EVALUATE;
        if (!v) continue;
        if (e.action === "proceed") {
          if (!seen.has(e.target)) {
            seen.add(e.target);
            stack.push(e.target);
          }
        } else collected.push(e);
      }
    }
    if (state === this.start.state) return collected.some((e) => e.action === "take") ? EVALUATE : UNCHANGED;
    if (collected.length === 0) return DIES;
    const loop = collected.length === 1 && collected[0].action === "ignore" && collected[0].target === state;
    return loop ? UNCHANGED : EVALUATE;
  }

  /** Walks each state's decision graph with conditions decided by the event type alone, where they can be. */
  private computeFates(eventType: unknown): FateInfo {
    const states = this.states;
    const out = new Uint8Array(states.length);
    const verdict = (c: Cond): boolean | null => (c.isTrue ? true : c.verdict(eventType));
    for (const st of states) out[st.id] = this.fateOf(st.id, verdict);
    const edges = states.map((st) => this.staticEdges(st.id, verdict));
    let need = 0;
    for (let i = 0; i < out.length; i++) {
      // No branch ever waits in Final or Stop, or in a state only PROCEED edges enter (an
      // alternation's first states): they cannot make an event relevant. (States past 30
      // share a mask bit: a permute's dozens of such states would otherwise keep every key
      // on the full pass for every event.)
      const kind = states[i].kind;
      if (out[i] !== UNCHANGED && kind !== "final" && kind !== "stop" && this.occupiable[i] === 1)
        need |= stateBit(i);
    }
    const verdicts = this.generated
      ? Uint8Array.from(
          states.flatMap((st) => st.edges),
          (e) => {
            const v = verdict(e.cond);
            return v === null ? VERDICT_UNKNOWN : v ? VERDICT_TRUE : VERDICT_FALSE;
          },
        )
      : NO_VERDICTS;
    const relevant = this.takeConds.some((c) => this.canHold(c, eventType));
    return { fates: out, need, edges, relevant, verdicts };
  }

  /** Whether `c` can hold for an event of this type: its type verdict, and a guard on the type field. */
  private canHold(c: Cond, eventType: unknown): boolean {
    if (c.isTrue) return true;
    if (c.verdict(eventType) === false) return false;
    const tf = this.typeField;
    return !c.guards.some((g) => g.path.length === 1 && g.path[0] === tf && g.value !== eventType);
  }

  /**
   * The edges `decisionGraph` would collect from `from`, in the same order, when `verdict`
   * decides every condition it meets; else null.
   */
  private staticEdges(from: number, verdict: (c: Cond) => boolean | null): StaticEdges | null {
    const edges: Edge[] = [];
    const sources: number[] = [];
    const visited = new Set<number>([from]);
    const stack = [from];
    let lastCond: Cond | null = null;
    let lastResult = false;
    while (stack.length > 0) {
      const s = stack.pop() as number;
      for (const e of this.states[s].edges) {
        const c = e.cond;
        let holds: boolean;
        if (c.isTrue) holds = true;
        else if (c.negOf !== null && c.negOf === lastCond) holds = !lastResult;
        else {
          const v = verdict(c);
          if (v === null) return null;
          holds = v;
          lastCond = c;
          lastResult = v;
        }
        if (!holds) continue;
        if (e.action === "proceed") {
          if (!visited.has(e.target)) {
            visited.add(e.target);
            stack.push(e.target);
          }
        } else {
          edges.push(e);
          sources.push(s);
        }
      }
    }
    return { edges, sources };
  }

  /** One computation state against the current event (Flink `computeNextStates` + `doProcess` loop body). */
  private step(
    cs: Branch,
    info: FateInfo,
    event: unknown,
    time: number,
    seq: number,
    next: Branch[],
    potential: Branch[],
  ): void {
    this.ctx.bind(lastCell(cs));
    const fixed = info.edges[cs.state];
    let edges: readonly Edge[];
    let sources: readonly number[];
    let n: number;
    if (fixed !== null) {
      edges = fixed.edges;
      sources = fixed.sources;
      n = edges.length;
    } else {
      edges = this.edgesOut;
      sources = this.edgeSource;
      const loop = this.takeOrStay[cs.state];
      if (loop !== null) {
        // `take if c, else stay`: one condition call, no graph walk.
        this.edgesOut[0] = loop.take.cond.test(this.ctx) ? loop.take : loop.stay;
        this.edgeSource[0] = cs.state;
        n = 1;
      } else n = this.decisionGraph(cs.state, this.edgesOut, this.edgeSource);
    }
    if (n === 0) return;
    const isStart = cs.first === null;
    const firstNew = next.length;
    let stop = false;
    for (let i = 0; i < n; i++) {
      const e = edges[i];
      let b: Branch;
      if (e.action === "ignore") {
        if (isStart) continue;
        // A branch that stays in its state is the same (immutable) object: no allocation.
        if (e.target === cs.state) b = cs;
        else {
          b = withState(cs, e.target);
          this.cells++;
        }
      } else {
        b = takeCell(e.target, isStart ? null : cs, event, time, seq, this.states[sources[i]].variable);
        this.cells++;
        // A TAKE into a state with a PROCEED path to Final completes a match at once (flink-semantics §1.1.2).
        const toFinal = this.proceedsToFinal[e.target];
        if (toFinal === 1) {
          const fin = this.finalAfterProceed(e.target);
          // Without a skip strategy the match only goes out (its last cell counts, not its
          // state): no copy. Held back, it is a completed branch in the Final state.
          if (fin >= 0) {
            if (this.skipStrategy) {
              potential.push(withState(b, fin));
              this.cells++;
            } else potential.push(b);
          }
        } else if (toFinal === 2) {
          // Several Final states (empty alternatives): one completed match per one reached.
          const fins = this.finalsAfterProceed(e.target);
          for (let k = 0; k < fins.length; k++) {
            if (this.skipStrategy) {
              potential.push(withState(b, fins[k]));
              this.cells++;
            } else potential.push(b);
          }
        }
      }
      const kind = this.states[b.state].kind;
      if (kind === "final") potential.push(b);
      else if (kind === "stop") stop = true;
      else next.push(b);
    }
    // Stop: drop every partial match this branch produced for this event; completed ones stay.
    if (stop) next.length = firstNew;
  }

  /**
   * Collects the TAKE and IGNORE edges whose conditions hold, following true PROCEED edges
   * depth-first, into the reused `edges`/`sources` arrays; returns how many.
   */
  private decisionGraph(from: number, edges: Edge[], sources: number[]): number {
    const stack = this.stack;
    const visited = this.visited;
    const gen = ++this.visitGen;
    const ctx = this.ctx;
    let n = 0;
    let top = 0;
    stack[top++] = from;
    visited[from] = gen;
    // The last condition evaluated and its result: an ignore edge `not c` right after the
    // take edge `c` (skip till next) reuses it instead of evaluating `c` twice.
    let lastCond: unknown = null;
    let lastResult = false;
    while (top > 0) {
      const s = stack[--top];
      const out = this.states[s].edges;
      for (let i = 0; i < out.length; i++) {
        const e = out[i];
        const c = e.cond;
        let holds: boolean;
        if (c.isTrue) holds = true;
        else if (c.negOf !== null && c.negOf === lastCond) holds = !lastResult;
        else {
          holds = c.test(ctx);
          lastCond = c;
          lastResult = holds;
        }
        if (!holds) continue;
        if (e.action === "proceed") {
          if (visited[e.target] !== gen) {
            visited[e.target] = gen;
            stack[top++] = e.target;
          }
        } else {
          edges[n] = e;
          sources[n++] = s;
        }
      }
    }
    return n;
  }

  /** Flink `findFinalStateAfterProceed`, evaluated in the context of the branch before the take. */
  private finalAfterProceed(from: number): number {
    const stack: number[] = [from];
    const seen = new Set<number>([from]);
    const ctx = this.ctx;
    while (stack.length > 0) {
      const s = stack.pop()!;
      for (const e of this.states[s].edges) {
        if (e.action !== "proceed" || !(e.cond.isTrue || e.cond.test(ctx))) continue;
        if (this.states[e.target].kind === "final") return e.target;
        if (!seen.has(e.target)) {
          seen.add(e.target);
          stack.push(e.target);
        }
      }
    }
    return -1;
  }

  /**
   * Every Final state reached from `from` through PROCEED edges whose conditions hold (in
   * the context of the branch before the take), in walk order: an alternation's empty
   * alternatives each end in a Final state of their own. A reused array.
   * @internal (generated code calls it)
   */
  finalsAfterProceed(from: number): readonly number[] {
    const found = this.finalsScratch;
    found.length = 0;
    const stack: number[] = [from];
    const seen = new Set<number>([from]);
    const ctx = this.ctx;
    while (stack.length > 0) {
      const s = stack.pop()!;
      for (const e of this.states[s].edges) {
        if (e.action !== "proceed" || seen.has(e.target) || !(e.cond.isTrue || e.cond.test(ctx))) continue;
        seen.add(e.target);
        if (this.states[e.target].kind === "final") found.push(e.target);
        else stack.push(e.target);
      }
    }
    return found;
  }

  private readonly finalsScratch: number[] = [];

  /**
   * Time advance to `t` for one key (Flink `NFA.advanceTime`): partial matches whose window
   * has passed leave — Pending ones as matches, the others as timeouts (when reported) —
   * then held-back matches are released.
   */
  advance(ks: KeyState, t: number, out: Outcome[], timeouts: Outcome[]): void {
    if (!this.stateWindows) {
      this.advanceByStart(ks, t, out, timeouts);
      return;
    }
    const keep: Branch[] = [];
    const potential: Branch[] = [];
    const w = this.window;
    let changed = false;
    let deadline = Number.POSITIVE_INFINITY;
    let mask = 0;
    for (const cs of ks.partials) {
      const st = this.states[cs.state];
      const prevTime = cs.time;
      const startTime = (cs.first as Cell).time;
      const byPrev = st.window !== null && t - prevTime >= st.window;
      const byFirst = w !== null && t - startTime >= w;
      if (!byPrev && !byFirst) {
        keep.push(cs);
        mask |= stateBit(cs.state);
        const d = this.deadlineOf(cs);
        if (d < deadline) deadline = d;
        continue;
      }
      changed = true;
      if (st.kind === "pending") {
        potential.push(cs);
      } else if (this.pattern.reportTimeouts && cs.first !== null) {
        const stamp = byPrev ? prevTime + (st.window as number) : startTime + (w as number);
        timeouts.push(this.outcome(ks, cs, stamp));
      }
    }
    this.lastDeadline = deadline;
    if (!changed && ks.completed.length === 0) return;
    ks.partials = keep;
    ks.mask = mask;
    this.releaseCompleted(ks, potential, out);
  }

  /**
   * Expiry when only the pattern window applies: `partials` is ordered by start time (new
   * branches are appended, events are fed in time order, and successors keep their
   * branch's start), so the expired branches are a prefix — start-time-ordered expiry
   * touches only what expires.
   */
  private advanceByStart(ks: KeyState, t: number, out: Outcome[], timeouts: Outcome[]): void {
    const partials = ks.partials;
    const w = this.window;
    let k = 0;
    if (w !== null) while (k < partials.length && t - (partials[k].first as Cell).time >= w) k++;
    this.lastDeadline =
      w !== null && k < partials.length ? (partials[k].first as Cell).time + w : Number.POSITIVE_INFINITY;
    if (k === 0 && ks.completed.length === 0) return;
    let potential: Branch[] | null = null;
    for (let i = 0; i < k; i++) {
      const cs = partials[i];
      if (this.states[cs.state].kind === "pending") (potential ??= []).push(cs);
      else if (this.pattern.reportTimeouts)
        timeouts.push(this.outcome(ks, cs, (cs.first as Cell).time + (w as number)));
    }
    // The occupied-state mask may now over-approximate; that only costs a full pass later.
    // `shift` left-trims the array in place (O(1)) where `splice(0, k)` moves every element:
    // a hot key with 5,000 partial matches expiring one per event (W4 hot key).
    if (k === partials.length) partials.length = 0;
    else if (k <= 8) for (let i = 0; i < k; i++) partials.shift();
    else partials.splice(0, k);
    if (potential !== null || ks.completed.length > 0)
      this.releaseCompleted(ks, potential ?? NO_BRANCHES, out);
  }

  /**
   * End of input after the advance to +∞: drop every partial match still open, which
   * releases the held-back matches in start order (language.md §4).
   */
  finish(ks: KeyState, out: Outcome[]): void {
    ks.partials = [];
    ks.mask = 0;
    this.releaseCompleted(ks, NO_BRANCHES, out);
  }

  /**
   * Flink `processMatchesAccordingToSkipStrategy`: emit the earliest completed match while
   * no live partial match started strictly earlier; each emitted match prunes partial and
   * completed matches per the strategy.
   */
  /** @internal (generated code calls it) */
  releaseCompleted(ks: KeyState, potential: Branch[], out: Outcome[]): void {
    let completed = ks.completed;
    if (potential.length > 0) {
      completed = completed.length === 0 ? potential.slice() : completed.concat(potential);
      sortBranches(completed);
    }
    while (completed.length > 0) {
      const m = completed[0];
      const earliest = earliestStart(ks.partials);
      if (!(startSeq(m) <= earliest)) break;
      completed.shift();
      const pruneId = this.pruningId(m);
      if (pruneId !== null) {
        const pruned = prune(ks.partials, pruneId.id, pruneId.strict);
        if (pruned.length !== ks.partials.length) {
          ks.partials = pruned;
          this.remask(ks);
        }
        completed = prune(completed, pruneId.id, pruneId.strict);
      }
      out.push(this.outcome(ks, m, null));
    }
    ks.completed = completed.length === 0 ? NO_BRANCHES : completed;
  }

  /** The pruning event of an emitted match (Flink `AfterMatchSkipStrategy.getPruningId`), or null. */
  private pruningId(m: Branch): { id: number; strict: boolean } | null {
    const skip = this.pattern.skip;
    switch (skip.strategy) {
      case "noSkip":
        return null;
      case "skipToNext": {
        let first = -1;
        for (let c: Cell | null = m; c !== null; c = c.prev) first = c.seq;
        return { id: first, strict: false };
      }
      case "skipPastLastEvent":
        return { id: m.seq, strict: false };
      case "skipToFirst":
      case "skipToLast": {
        let found = -1;
        for (let c: Cell | null = m; c !== null; c = c.prev) {
          if (c.variable !== skip.target) continue;
          found = c.seq;
          if (skip.strategy === "skipToLast") break;
        }
        return found < 0 ? null : { id: found, strict: true };
      }
    }
  }

  /** @internal (generated code calls it) */
  outcome(ks: KeyState, b: Branch, stamp: number | null): Outcome {
    return { pattern: this.pattern, key: ks.key, last: b, stamp };
  }
}

function earliestStart(partials: readonly Branch[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < partials.length; i++) {
    const s = startSeq(partials[i]);
    if (s < min) min = s;
  }
  return min;
}

function prune(branches: Branch[], id: number, strict: boolean): Branch[] {
  return branches.filter((b) => !(strict ? startSeq(b) < id : startSeq(b) <= id));
}

/** Feed numbers of a branch's events, oldest first. */
export function seqsOf(last: Cell | null): number[] {
  const out: number[] = [];
  for (let c = last; c !== null; c = c.prev) out.push(c.seq);
  return out.reverse();
}

/**
 * Orders completed matches by start event, then lexicographically by their events, then
 * by their events' variables (term order: two alternatives taking the same events), as
 * the engine orders a step's records (language.md §5, §8).
 */
function sortBranches(bs: Branch[]): void {
  if (bs.length < 2) return;
  // Feed-number lists are computed once per branch, not per comparison.
  const keyed = bs.map((b) => ({ b, seqs: seqsOf(lastCell(b)), vars: null as number[] | null }));
  const varsOf = (k: { b: Branch; vars: number[] | null }): number[] => {
    if (k.vars === null) {
      const out: number[] = [];
      for (let c = lastCell(k.b); c !== null; c = c.prev) out.push(c.variable);
      k.vars = out.reverse();
    }
    return k.vars;
  };
  keyed.sort(
    (x, y) =>
      startSeq(x.b) - startSeq(y.b) || compareSeqs(x.seqs, y.seqs) || compareSeqs(varsOf(x), varsOf(y)),
  );
  for (let i = 0; i < bs.length; i++) bs[i] = keyed[i].b;
}

/** Lexicographic comparison of feed-number lists (a proper prefix first). */
export function compareSeqs(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
