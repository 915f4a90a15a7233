/**
 * Which patterns an event reaches, and under which key. Up to {@link LOOP_MAX} patterns
 * are visited in a plain loop; above, runners sharing `key by` paths form key groups, and
 * an event reaches only the patterns holding state for its key, those its type (and
 * start guard) can start, and those whose global guard its value satisfies. Both ways give
 * the same results (test/runtime/dispatch.test.ts): outcomes are sorted per step anyway.
 *
 * Also reads keys (a missing key is reported, or counted as unkeyed when the pattern never
 * mentions the event's type, language.md §3).
 */
import {
  addLive,
  type GuardIndex,
  type KeyGroup,
  MISSING,
  type Runner,
  type StartEntry,
  withholds,
} from "./key-table.js";
import type { StepOutput } from "./output.js";
import type { StateStore } from "./state-store.js";
import type { EventTime } from "./time.js";
import type { TraceHooks } from "./trace-hooks.js";
import { canonicalKey, ownField, parseTime, path } from "./values.js";

/** Start candidates of patterns whose start accepts any type. */
const ANY_TYPE = Symbol("any type");

/** Up to this many patterns, `feed` visits each one; above, it dispatches through the key groups. */
export const LOOP_MAX = 4;

/** Adds the runners of `list` not yet marked for this event. */
function pick(selected: Runner[], gen: number, list: Runner[] | undefined): void {
  if (list === undefined) return;
  for (let i = 0; i < list.length; i++) {
    const r = list[i];
    if (r.mark !== gen) {
      r.mark = gen;
      selected.push(r);
    }
  }
}

/** The index of one guard path in `map`, made when missing. */
function guardIndex(map: Map<string, GuardIndex>, path: readonly string[]): GuardIndex {
  const sig = JSON.stringify(path);
  let gi = map.get(sig);
  if (gi === undefined) {
    gi = { path, values: new Map() };
    map.set(sig, gi);
  }
  return gi;
}

/** Selects the patterns of each event and feeds them through the state store. */
export class Dispatcher {
  private groups: KeyGroup[] = [];
  /** Reused for the patterns selected in one key group (no array per event). */
  private readonly selected: Runner[] = [];
  private selectGen = 0;
  /** The `counters.events` value of the last event counted as unkeyed (counted once per event). */
  private unkeyedAt = -1;
  /** Whether the key groups are in use ({@link LOOP_MAX} patterns or more). */
  indexed = false;

  constructor(
    /** The running patterns, in order (the engine's list, changed in place). */
    readonly runners: readonly Runner[],
    private readonly store: StateStore,
    private readonly out: StepOutput,
    private readonly time: EventTime,
    private readonly trace: TraceHooks | null,
  ) {}

  /**
   * One step: feed one event to every pattern it reaches. `keys` holds key values read at
   * push time (buffered events); null means read them now and report missing ones.
   * `invalid`: it did not fit its type's declaration (withheld from the patterns using the
   * type). `bytes`: its size from `push`, or −1.
   *
   * The engine's per-event work is here, in one function V8 optimises as a unit (with the
   * plain loop inlined): split over the engine's `push` and this, the calls cost W4's
   * skipped events ~15% (measured; the inliner's budget ran out inside `push`).
   */
  step(
    event: unknown,
    type: unknown,
    time: number,
    keys: unknown[] | null,
    invalid: boolean,
    bytes: number,
  ): void {
    // 1. It gets the next feed number; its size is known to the limits.
    const seq = this.time.seq++;
    this.store.limits.startEvent(bytes);
    // 2. Each pattern it reaches processes it for its key (the state store settles the key).
    if (this.indexed) this.feedIndexed(event, type, time, keys, seq, invalid);
    else {
      // The plain loop over every pattern (up to LOOP_MAX), here rather than a method of its own: one call less per event.
      const runners = this.runners;
      for (let i = 0; i < runners.length; i++) {
        const r = runners[i];
        if (invalid && withholds(r, invalid, type)) continue;
        // An event of a type that changes nothing for this pattern needs no key lookup (but a
        // missing key is still reported or counted as unkeyed, language.md §3).
        const info = r.matcher.fatesOf(type);
        if (info.need === 0) {
          if (keys === null && r.keyed) {
            // Only whether the key is there matters: a primitive own value is (the usual case).
            const name = r.keyName;
            const v = name === null ? undefined : (event as Record<string, unknown>)[name];
            if (v === undefined || v === null || typeof v === "object" || typeof v === "function")
              this.keyOf(r, event, true, type);
          }
          continue;
        }
        let k = keys === null ? undefined : keys[r.id];
        if (k === undefined) k = this.keyOf(r, event, keys === null, type);
        if (k !== MISSING) this.store.feed(r, k, event, type, info, time, seq);
      }
    }
    // 3. Tracing: a traced key holding state whose pattern skipped the event still says so.
    const trace = this.trace;
    if (trace?.wants(event, keys, invalid)) trace.unfed(this, event, type, time, keys, invalid, seq);
    // 4. The step's outcomes are emitted in §5 order.
    const out = this.out;
    if (out.matches.length !== 0 || out.timeouts.length !== 0) out.endStep();
  }

  /** Dispatch through the key groups: only patterns with state for the key, or that the event can start. */
  private feedIndexed(
    event: unknown,
    type: unknown,
    time: number,
    keys: unknown[] | null,
    seq: number,
    invalid: boolean,
  ): void {
    const gen = ++this.selectGen;
    for (const g of this.groups) {
      const first = g.runners[0];
      let k = keys === null ? undefined : keys[first.id];
      if (k === undefined) k = this.keyOf(first, event, false);
      if (k === MISSING) {
        // Reported for every pattern of the group, as the plain loop would.
        if (keys === null)
          for (const r of g.runners) if (!withholds(r, invalid, type)) this.keyOf(r, event, true, type);
        continue;
      }
      const selected = this.selected;
      // Setting `length` is a runtime call; empty indexes are not looked up (W7: every
      // pattern is reached through its guard, none through live keys or start types).
      if (selected.length !== 0) selected.length = 0;
      if (k !== null && typeof k === "object") {
        if (g.liveComposite.size > 0) pick(selected, gen, g.liveComposite.get(canonicalKey(k)));
      } else if (g.live.size > 0) pick(selected, gen, g.live.get(k));
      const guards = g.guardList;
      for (let i = 0; i < guards.length; i++) {
        const gi = guards[i];
        pick(selected, gen, gi.values.get(path(event, gi.path)));
      }
      if (g.start.size > 0) {
        this.pickStarts(selected, gen, g.start.get(type), event);
        this.pickStarts(selected, gen, g.start.get(ANY_TYPE), event);
      }
      // Pattern order is irrelevant to results (outcomes are sorted per step) but keeps runs reproducible.
      if (selected.length > 1) selected.sort((a, b) => a.pattern.order - b.pattern.order || a.id - b.id);
      for (const r of selected)
        if (!withholds(r, invalid, type))
          this.store.feed(r, k, event, type, r.matcher.fatesOf(type), time, seq);
    }
  }

  private pickStarts(selected: Runner[], gen: number, entry: StartEntry | undefined, event: unknown): void {
    if (entry === undefined) return;
    pick(selected, gen, entry.always);
    for (const gi of entry.guarded.values()) pick(selected, gen, gi.values.get(path(event, gi.path)));
  }

  /** Key values per runner id, read when an event is buffered: a missing key is reported with the input record that has it. */
  readKeys(event: unknown, invalid: boolean, type: unknown): unknown[] {
    const keys: unknown[] = [];
    for (const r of this.runners) keys[r.id] = this.keyOf(r, event, !withholds(r, invalid, type), type);
    return keys;
  }

  /** Key values per runner id without reports (restored buffered events). */
  silentKeys(event: unknown): unknown[] {
    const keys: unknown[] = [];
    for (const r of this.runners) keys[r.id] = this.keyOf(r, event, false);
    return keys;
  }

  /**
   * The key value of an event for a pattern (an array for several paths), or MISSING.
   * With `report`, a missing key is reported, or counted as unkeyed (see {@link missingKey}).
   */
  keyOf(r: Runner, event: unknown, report: boolean, type?: unknown): unknown {
    const paths = r.pattern.keyPaths;
    if (paths.length === 0) return null;
    if (paths.length === 1) {
      const p0 = paths[0];
      // Events reaching here are non-array objects (push checked), so a one-segment path is one own read.
      const v = p0.length === 1 ? ownField(event as Record<string, unknown>, p0[0]) : path(event, p0);
      if (v === undefined || v === null) {
        if (report) this.missingKey(r, 0, event, type);
        return MISSING;
      }
      return v;
    }
    const values: unknown[] = [];
    for (let i = 0; i < paths.length; i++) {
      const v = path(event, paths[i]);
      if (v === undefined || v === null) {
        if (report) this.missingKey(r, i, event, type);
        return MISSING;
      }
      values.push(v);
    }
    return values;
  }

  /**
   * Reports a missing key when the event's type is one some condition of the pattern can
   * hold for; otherwise the event is skipped for it silently and counted as unkeyed, once
   * per event (language.md §3 v1.3: a mixed stream keyed on other fields makes no noise).
   */
  private missingKey(r: Runner, i: number, event: unknown, type: unknown): void {
    const counters = this.out.counters;
    if (!r.matcher.fatesOf(type).relevant) {
      if (this.unkeyedAt !== counters.events) {
        this.unkeyedAt = counters.events;
        counters.unkeyed++;
      }
      return;
    }
    if (this.trace !== null) {
      const timeField = this.time.timeField;
      const now = this.time.now;
      const t =
        timeField in (event as object) ? parseTime((event as Record<string, unknown>)[timeField]) : now;
      this.trace.tracer.skipped(r.pattern, null, event, typeof t === "number" ? t : now, {
        rule: "missingKey",
        path: r.pattern.keyPathText[i],
      });
    }
    this.out.error(`missing key: ${r.pattern.name} (${r.pattern.keyPathText[i]})`, event);
  }

  /** (Re)builds the dispatch index after the running patterns changed: key groups, their live keys and start candidates. */
  rebuild(): void {
    const groups = new Map<string, KeyGroup>();
    this.indexed = this.runners.length > LOOP_MAX;
    if (!this.indexed) {
      // Few patterns are visited in a loop (`feed`): no index to keep up per key.
      for (const r of this.runners) r.group = null;
      this.groups = [];
      return;
    }
    for (const r of this.runners) {
      const sig = JSON.stringify(r.pattern.keyPaths);
      let g = groups.get(sig);
      if (g === undefined) {
        g = {
          paths: r.pattern.keyPaths,
          runners: [],
          live: new Map(),
          liveComposite: new Map(),
          start: new Map(),
          guarded: new Map(),
          guardList: [],
        };
        groups.set(sig, g);
      }
      g.runners.push(r);
      r.group = g;
      const global = r.matcher.globalGuard();
      r.guarded = global !== null;
      if (global !== null) {
        addLive(guardIndex(g.guarded, global.path).values, global.value, r);
        continue;
      }
      for (const ks of r.keys.values()) addLive(g.live, ks.mapKey, r);
      for (const ks of r.composite.values()) addLive(g.liveComposite, ks.mapKey as string, r);
      const types: unknown[] = r.pattern.nfa.startTypes === null ? [ANY_TYPE] : [...r.pattern.nfa.startTypes];
      const guard = r.matcher.startGuard();
      for (const t of types) {
        let entry = g.start.get(t);
        if (entry === undefined) {
          entry = { always: [], guarded: new Map() };
          g.start.set(t, entry);
        }
        if (guard === null) entry.always.push(r);
        else addLive(guardIndex(entry.guarded, guard.path).values, guard.value, r);
      }
    }
    for (const g of groups.values()) g.guardList.push(...g.guarded.values());
    this.groups = [...groups.values()];
  }
}
