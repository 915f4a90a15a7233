/**
 * The keyed state of every pattern (Flink's keyed state backend): the only code that
 * registers or unregisters a key's state. After the matcher changed a key,
 * {@link StateStore.settle} updates everything that counts it — the limits' totals, the
 * runner's key table, the dispatch live index, the holding set, the expiry heap and the
 * partition parts — and {@link StateStore.forget} undoes each of those, so the accounts
 * cannot drift apart: feeding, advancing, evicting, restoring, removing a pattern and
 * clearing a partition key all go through these two.
 */

import type { Dispatcher } from "./dispatch.js";
import type { ExpiryQueue } from "./expiry.js";
import {
  addLive,
  isComposite,
  keyStates,
  MISSING,
  newKeyState,
  type Runner,
  removeLive,
  stateAt,
} from "./key-table.js";
import { type Limits, LOW_WATER, measureKey } from "./limits.js";
import { type Branch, type Cell, type FateInfo, type KeyState, NO_BRANCHES } from "./matcher.js";
import type { StepOutput } from "./output.js";
import type { PartitionTracker } from "./partition.js";
import type { Buffered } from "./time.js";
import type { TraceHooks } from "./trace-hooks.js";
import { canonicalKey } from "./values.js";

/** Per-key state of every running pattern, and every account of it. */
export class StateStore {
  constructor(
    /** The running patterns, in order (the engine's list, changed in place). */
    private readonly runners: readonly Runner[],
    readonly limits: Limits,
    private readonly expiry: ExpiryQueue,
    private readonly partition: PartitionTracker | null,
    private readonly out: StepOutput,
    private readonly trace: TraceHooks | null,
  ) {}

  /**
   * Feeds one event to one pattern's key `k` (a key value, not MISSING): a key without
   * state is made only if the event can start a match.
   */
  feed(
    r: Runner,
    k: unknown,
    event: unknown,
    type: unknown,
    info: FateInfo,
    time: number,
    seq: number,
  ): void {
    const composite = k !== null && typeof k === "object";
    const mapKey = composite ? canonicalKey(k) : k;
    let ks = composite ? r.composite.get(mapKey as string) : r.keys.get(mapKey);
    const fresh = ks === undefined;
    if (ks === undefined) {
      // A key without state only matters if this event can start a match.
      if (!r.matcher.canStart(info)) return;
      ks = newKeyState(k, mapKey, [], NO_BRANCHES);
    }
    const before = ks.partials.length;
    const m = r.matcher;
    const trace = this.trace;
    const step =
      r.traced && (trace as TraceHooks).tracer.keyTest(ks.key) ? (trace as TraceHooks).feed(r, ks) : null;
    // A traced key runs on the interpreter (the tracer reads its scratch lists and branch
    // identities); every other key of the pattern keeps the generated code. Both leave the
    // key's state the same, so a key can switch at any event.
    if (step === null) m.process(ks, event, type, info, time, seq, this.out.matches);
    else m.interpret(ks, event, type, info, time, seq, this.out.matches);
    if (step !== null) step.processed(event, type, time, seq, this.out.matches, m);
    if (m.cells !== 0) this.limits.intake(ks, fresh, event, m.cells);
    this.settle(r, ks, before, fresh, m.lastDeadline);
    if (step !== null) {
      step.settled();
      (trace as TraceHooks).note(r, ks);
    }
  }

  /** Advances one key of `r` to time `t` (its windows close, pending matches are released). */
  advanceKey(r: Runner, ks: KeyState, t: number): void {
    const before = ks.partials.length;
    const trace = this.trace;
    const step = trace === null ? null : trace.step(r, ks);
    r.matcher.advance(ks, t, this.out.matches, this.out.timeouts);
    this.settle(r, ks, before, false, r.matcher.lastDeadline);
    if (step !== null) {
      step.advanced(t, this.out.matches, this.out.timeouts, false);
      (trace as TraceHooks).note(r, ks);
    }
  }

  /**
   * Watermarks-only mode: time advances for every key only through watermarks; before an
   * event is fed (`b`, later than `now`), only its own keys are advanced to its time (Flink's per-key element
   * timers). So a key's results never depend on other keys' events, which is what lets a
   * partitioned run equal a single one (scale-out.md §2.5).
   */
  advanceOwnKeys(b: Buffered, dispatch: Dispatcher): void {
    const t = b.time;
    for (const r of this.runners) {
      let k = b.keys[r.id];
      if (k === undefined) k = dispatch.keyOf(r, b.event, false);
      if (k === MISSING) continue;
      const composite = isComposite(k);
      const ks = stateAt(r, composite ? canonicalKey(k) : k, composite);
      if (ks === undefined || ks.dead || (ks.scheduled > t && ks.completed.length === 0)) continue;
      // Its heap entry turns stale; settling schedules the next deadline.
      ks.scheduled = Infinity;
      this.advanceKey(r, ks, t);
    }
    this.out.endStep();
  }

  /**
   * Bookkeeping after a key changed (`before`: its partial matches before; `fresh`: not
   * registered yet): limits, counts, registration, the holding set, the expiry schedule
   * (`d`, a lower bound on the earliest deadline not yet scheduled), removal of an empty key.
   */
  settle(r: Runner, ks: KeyState, before: number, fresh: boolean, d: number): void {
    const limits = this.limits;
    if (ks.partials.length > limits.perKey) limits.dropOldest(r, ks);
    r.partials += ks.partials.length - before;
    limits.totalPartials += ks.partials.length - before;
    if (ks.partials.length === 0 && ks.completed.length === 0) {
      if (!fresh) this.forget(r, ks);
      else limits.bytes -= ks.bytes;
      return;
    }
    if (this.partition !== null) this.partition.track(r, ks, fresh);
    if (fresh) {
      if (ks.key !== null && typeof ks.key === "object") {
        r.composite.set(ks.mapKey as string, ks);
        if (r.group && !r.guarded) addLive(r.group.liveComposite, ks.mapKey as string, r);
      } else {
        r.keys.set(ks.mapKey, ks);
        if (r.group && !r.guarded) addLive(r.group.live, ks.mapKey, r);
      }
      if (r.keys.size + r.composite.size > limits.keys) this.evictKeys(r, "keys");
    }
    if (limits.totalPartials > limits.partialMatches) this.evictKeys(r, "partialMatches");
    if (limits.bytes > limits.memory) this.overBudget(r);
    this.expiry.hold(r, ks);
    this.expiry.schedule(r, ks, d);
  }

  /** Unregisters a key's state: runner table, dispatch index, holding set, memory, partition part. */
  forget(r: Runner, ks: KeyState): void {
    if (this.partition !== null) this.partition.untrack(r, ks);
    const composite = isComposite(ks.key);
    if (composite) r.composite.delete(ks.mapKey as string);
    else r.keys.delete(ks.mapKey);
    if (r.group && !r.guarded) removeLive(composite ? r.group.liveComposite : r.group.live, ks.mapKey, r);
    if (r.holding.size > 0) r.holding.delete(ks);
    this.limits.bytes -= ks.bytes;
    ks.bytes = 0;
    ks.dead = true;
  }

  /** Forgets a key and takes its partial matches out of the counts (returns how many it held). */
  private discard(r: Runner, ks: KeyState): number {
    this.forget(r, ks);
    const n = ks.partials.length;
    r.partials -= n;
    this.limits.totalPartials -= n;
    ks.partials = [];
    ks.completed = [];
    return n;
  }

  /** Registers restored state of `key` (whole or per-key restore); throws if `r` already holds it. */
  restore(r: Runner, key: unknown, partials: Branch[], completed: Branch[]): void {
    const composite = isComposite(key);
    const mapKey = composite ? canonicalKey(key) : key;
    if ((composite ? r.composite.get(mapKey as string) : r.keys.get(mapKey)) !== undefined)
      throw new Error(`key snapshot repeats key ${canonicalKey(key)} of pattern ${r.pattern.name}`);
    const ks = newKeyState(key, mapKey, partials, completed);
    r.matcher.remask(ks);
    this.limits.charge(ks, measureKey(ks, this.limits.sizes));
    this.settle(r, ks, 0, true, deadline(r, ks.partials));
  }

  /** A key's state dropped without output (a partition key restored over it). */
  drop(r: Runner, ks: KeyState): void {
    this.discard(r, ks);
  }

  /** A removed pattern's state leaves every account: totals, memory, partition parts (their keys turn dirty), holding set, expiry heap. */
  dropRunner(r: Runner): void {
    for (const ks of keyStates(r)) this.discard(r, ks);
    this.expiry.dropRunner(r);
  }

  /**
   * End of input (after time went to +∞): held-back matches are released, what is still
   * open is dropped, and every account returns to zero.
   */
  endAll(): void {
    const trace = this.trace;
    for (const r of this.runners) {
      for (const ks of keyStates(r)) {
        const step = trace === null ? null : trace.step(r, ks);
        if (ks.completed.length > 0) r.matcher.finish(ks, this.out.matches);
        if (step !== null) {
          ks.partials = [];
          step.advanced(Number.POSITIVE_INFINITY, this.out.matches, this.out.timeouts, true);
        }
        ks.dead = true;
      }
      r.keys.clear();
      r.composite.clear();
      r.group?.live.clear();
      r.group?.liveComposite.clear();
      r.holding.clear();
      r.partials = 0;
    }
    this.limits.totalPartials = 0;
    this.limits.bytes = 0;
    this.expiry.clear();
    this.partition?.clear();
  }

  /** Total-partials or key-count limit: evict whole keys, those that got state first. */
  private evictKeys(r: Runner, kind: "keys" | "partialMatches"): void {
    const limits = this.limits;
    limits.hit(
      kind,
      kind === "keys"
        ? `pattern ${r.pattern.name}: more than ${limits.keys} keys hold state`
        : `more than ${limits.partialMatches} partial matches in total`,
    );
    const over =
      kind === "keys"
        ? () => r.keys.size + r.composite.size > limits.keys
        : () => limits.totalPartials > limits.partialMatches;
    this.evictOldest(r, over, kind);
  }

  /**
   * Memory limit: the estimate counts cells that died since a key was last measured, so
   * every key is measured first; only if state is still over {@link LOW_WATER} of the
   * budget are keys evicted, oldest first — this pattern's, then the others' — down to it.
   * Stopping below the budget spaces full measures a fifth of the budget of new state apart.
   */
  private overBudget(r: Runner): void {
    const limits = this.limits;
    const total = limits.measure(this.runners);
    const low = limits.memory * LOW_WATER;
    if (total <= low) return;
    limits.hit("memory", `state takes more than ${limits.memory} bytes (estimated; limits.memory)`);
    const over = () => limits.bytes > low;
    this.evictOldest(r, over, "memory");
    for (const x of this.runners) if (x !== r && over()) this.evictOldest(x, over, "memory");
  }

  /** Evicts whole keys of `r`, oldest first, while `over()`. */
  private evictOldest(r: Runner, over: () => boolean, kind: "keys" | "partialMatches" | "memory"): void {
    for (const order of [r.oldest, r.oldestComposite]) {
      while (over()) {
        const ks = order.next();
        if (ks === undefined) break;
        if (this.trace !== null) this.trace.tracer.evicted(r.pattern, ks, kind);
        const completed = ks.completed.length;
        this.limits.dropped += this.discard(r, ks) + completed;
        ks.mask = 0;
      }
    }
  }
}

/** The earliest time at which one of these partial matches expires. */
function deadline(r: Runner, partials: readonly Branch[]): number {
  const w = r.pattern.nfa.window;
  const states = r.pattern.nfa.states;
  let d = Infinity;
  for (let i = 0; i < partials.length; i++) {
    const b = partials[i];
    if (w !== null && (b.first as Cell).time + w < d) d = (b.first as Cell).time + w;
    const sw = states[b.state].window;
    if (sw !== null && b.time + sw < d) d = b.time + sw;
  }
  return d;
}
