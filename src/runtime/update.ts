/**
 * Pattern-set updates (issue #18): which running patterns a new program keeps, changes,
 * removes and adds. A pattern's identity is its name and its fingerprint (compile/program.ts:
 * a hash of its declaration's source text — the compiled pattern has no canonical text of
 * its own): the same name and fingerprint keep their state, anything else is new.
 * The engine applies a plan ({@link Engine.updatePatterns}); restoring a snapshot taken
 * with another set applies the same rules ({@link EngineOptions.restoreMode}).
 */
import type { CompiledPattern } from "../compile/model.js";

/** Options of {@link Engine.updatePatterns}. */
export interface UpdateOptions {
  /** Run only these patterns of the new program (by name); default all, as the engine's `patterns` option. */
  patterns?: readonly string[];
}

/**
 * What {@link Engine.updatePatterns} did, each list in the new program's order (`removed`:
 * the old order). A pattern is `kept` when its name and fingerprint are unchanged.
 */
export interface PatternUpdate {
  /** New names: they start empty and see the events pushed from now on. */
  added: string[];
  /** Names no longer running: their state (partial and held-back matches) is dropped. */
  removed: string[];
  /** Same name, another definition: the old state is dropped and the new one starts empty. */
  changed: string[];
  /** Same name and definition: the state goes on untouched. */
  kept: string[];
  /** Partial and held-back matches of the changed patterns dropped (added to `stats().replaced`). */
  replaced: number;
  /** Partial and held-back matches of the removed patterns dropped. */
  discarded: number;
}

/** The `replaced` event: a changed pattern's old state was dropped (once per changed pattern and update). */
export interface ReplacedInfo {
  /** The pattern's name. */
  readonly pattern: string;
  /** Its partial and held-back matches dropped. */
  readonly partialMatches: number;
  /** Keys that held them. */
  readonly keys: number;
}

/** A pattern's identity across pattern sets. */
export interface PatternIdentity {
  readonly name: string;
  readonly fingerprint: string;
}

/** How each pattern of the old and the new set fares. */
export interface UpdatePlan {
  /** The new set, in order (filtered by `patterns`). */
  readonly next: readonly CompiledPattern[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  readonly kept: readonly string[];
}

/** Compares a running set (in order) with a new one; throws if `only` names a pattern the program lacks. */
export function planUpdate(
  running: readonly PatternIdentity[],
  patterns: readonly CompiledPattern[],
  only: readonly string[] | undefined,
): UpdatePlan {
  if (only !== undefined) {
    const missing = only.filter((n) => !patterns.some((p) => p.name === n));
    if (missing.length > 0) throw new Error(`no pattern named ${missing.join(", ")} in the new program`);
  }
  const wanted = only === undefined ? null : new Set(only);
  const next = patterns.filter((p) => wanted === null || wanted.has(p.name));
  const old = new Map(running.map((p) => [p.name, p.fingerprint]));
  const names = new Set(next.map((p) => p.name));
  const added: string[] = [];
  const changed: string[] = [];
  const kept: string[] = [];
  for (const p of next) {
    const fp = old.get(p.name);
    if (fp === undefined) added.push(p.name);
    else if (fp === p.fingerprint) kept.push(p.name);
    else changed.push(p.name);
  }
  const removed = running.filter((p) => !names.has(p.name)).map((p) => p.name);
  return { next, added, removed, changed, kept };
}

/** One line for logs: `added A; removed B; changed C; kept D, E` (empty parts left out; `no change` when all are kept or none run). */
export function describeUpdate(
  u: {
    readonly [K in "added" | "removed" | "changed" | "kept"]: readonly string[];
  },
): string {
  const parts: string[] = [];
  for (const k of ["added", "removed", "changed", "kept"] as const)
    if (u[k].length > 0) parts.push(`${k} ${u[k].join(", ")}`);
  return parts.length === 0 ? "no patterns" : parts.join("; ");
}
