/**
 * The engine's per-pattern tables: a {@link Runner} (one running pattern with its keys'
 * states), the key groups the dispatcher indexes runners by, and the few helpers that
 * read and write those tables. Plain data and functions: the classes that change a key's
 * registration (state-store.ts) and pick runners for an event (dispatch.ts) share them.
 */
import type { CompiledPattern } from "../compile/model.js";
import { OldestFirst } from "./limits.js";
import type { Branch, KeyState, Matcher } from "./matcher.js";
import { RecordBuilder } from "./records.js";

/** A missing or null key path: the event is not fed to that pattern. */
export const MISSING = Symbol("missing key");

/** Per-pattern runtime: the matcher, per-key state, counters. */
export interface Runner {
  readonly id: number;
  readonly pattern: CompiledPattern;
  readonly matcher: Matcher;
  /** Keys with state. Primitive keys are Map keys as they are (SameValueZero keeps `1` and `"1"` apart); composite keys (several paths, objects) go by canonical JSON in `composite`. */
  readonly keys: Map<unknown, KeyState>;
  readonly composite: Map<string, KeyState>;
  /** Keys holding completed matches back (skip strategies, pending matches). */
  readonly holding: Set<KeyState>;
  /** Its key group (dispatch index); null when few patterns are visited in a loop. */
  group: KeyGroup | null;
  /** The matcher's global guard: indexed by its value for every event, never as a live key. */
  guarded: boolean;
  /** Marks the runner as selected for the event being fed (dispatch dedup). */
  mark: number;
  /** Whether the pattern has `key by` paths (else every event has the key null). */
  readonly keyed: boolean;
  /** Builds its output records. */
  readonly records: RecordBuilder;
  /** The key field when the key is one top-level field (`key by user`), else null. */
  readonly keyName: string | null;
  /** The declared types its terms name: an event of one that does not fit is withheld from it. */
  readonly schemaTypes: ReadonlySet<string>;
  partials: number;
  matches: number;
  /** Whether the tracer traces this pattern (some of its keys). */
  readonly traced: boolean;
  /** Eviction order of `keys` and `composite`: oldest state first. */
  readonly oldest: OldestFirst;
  readonly oldestComposite: OldestFirst;
}

/** A runner for a pattern and its matcher, with no state yet. */
export function newRunner(id: number, pattern: CompiledPattern, matcher: Matcher, traced: boolean): Runner {
  const keys = new Map<unknown, KeyState>();
  const composite = new Map<string, KeyState>();
  return {
    id,
    pattern,
    matcher,
    keys,
    composite,
    holding: new Set(),
    partials: 0,
    matches: 0,
    oldest: new OldestFirst(keys),
    oldestComposite: new OldestFirst(composite),
    group: null,
    mark: -1,
    guarded: false,
    keyed: pattern.keyPaths.length > 0,
    records: new RecordBuilder(pattern),
    keyName:
      pattern.keyPaths.length === 1 && pattern.keyPaths[0].length === 1 ? pattern.keyPaths[0][0] : null,
    // Older compiled models (built by hand) may lack `schemas`.
    schemaTypes: new Set((pattern.schemas ?? []).map((m) => m.type)),
    traced,
  };
}

/** Start candidates of one event type: patterns any such event may start, and those indexed by a guard. */
export interface StartEntry {
  readonly always: Runner[];
  readonly guarded: Map<string, GuardIndex>;
}

/** Runners by the value of one guard path. */
export interface GuardIndex {
  readonly path: readonly string[];
  readonly values: Map<unknown, Runner[]>;
}

/**
 * Runners sharing the same `key by` paths. With many patterns an event is dispatched
 * through these indexes — patterns holding state for its key, and patterns its type (and
 * guard) can start — instead of visiting every pattern.
 */
export interface KeyGroup {
  readonly paths: readonly (readonly string[])[];
  readonly runners: Runner[];
  /** Key (runner map key) → runners holding state for it. */
  readonly live: Map<unknown, Runner[]>;
  readonly liveComposite: Map<string, Runner[]>;
  /** Event type → start candidates; ANY_TYPE for patterns whose start accepts any type. */
  readonly start: Map<unknown, StartEntry>;
  /**
   * Patterns with a global guard, by guard path and value: every event they can react to
   * satisfies it, so they are visited only for events with that value (held state or not).
   */
  readonly guarded: Map<string, GuardIndex>;
  /** The values of {@link guarded} as an array, filled by `rebuild` (no Map iterator per event). */
  readonly guardList: GuardIndex[];
}

/** Whether a key value goes by canonical JSON (`composite`) rather than as itself. */
export function isComposite(key: unknown): boolean {
  return key !== null && typeof key === "object";
}

/**
 * A new key's state. The one place a KeyState is made, so every one has the same hidden
 * class (the matcher's field reads stay monomorphic).
 */
export function newKeyState(
  key: unknown,
  mapKey: unknown,
  partials: Branch[],
  completed: Branch[],
): KeyState {
  return { key, mapKey, partials, completed, mask: 0, scheduled: Infinity, dead: false, bytes: 0 };
}

/** The state a runner holds for a map key (`mapKey` as {@link KeyState.mapKey} has it). */
export function stateAt(r: Runner, mapKey: unknown, composite: boolean): KeyState | undefined {
  return composite ? r.composite.get(mapKey as string) : r.keys.get(mapKey);
}

/** Every key state of a runner, primitive keys first (a copy: safe to change the maps while iterating). */
export function keyStates(r: Runner): KeyState[] {
  return [...r.keys.values(), ...r.composite.values()];
}

/** Adds `r` to the runners listed under `key` (once). */
export function addLive<K>(map: Map<K, Runner[]>, key: K, r: Runner): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [r]);
  else if (!list.includes(r)) list.push(r);
}

/** Removes `r` from the runners listed under `key`, and the entry when it empties. */
export function removeLive<K>(map: Map<K, Runner[]>, key: K, r: Runner): void {
  const list = map.get(key);
  if (list === undefined) return;
  const i = list.indexOf(r);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) map.delete(key);
}

/** Whether a pattern does not get this event: it failed the declaration of a type the pattern uses. */
export function withholds(r: Runner, invalid: boolean, type: unknown): boolean {
  return invalid && r.schemaTypes.has(type as string);
}
