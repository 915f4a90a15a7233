/**
 * Partition mode (scale-out.md §2.12): every pattern's `key by` begins with one partition
 * field, so an engine's state splits into partition keys. The tracker knows, per
 * partition key, the key states (of every pattern) and the buffered events under it, and
 * which partition keys changed since the last drain; it writes one key's state as
 * byte-stable JSON (scale-out.md §2.5).
 *
 * The state store calls {@link PartitionTracker.track} and {@link PartitionTracker.untrack}
 * as keys gain and lose state; the engine holds the tracker as `PartitionTracker | null`,
 * so outside partition mode the cost is one null test per settled key.
 */
import type { Runner } from "./key-table.js";
import type { Branch, KeyState } from "./matcher.js";
import { type BranchRow, type KeySnapshot, SnapshotWriter, toOrdinals } from "./snapshot.js";
import { type Buffered, compareBuffered } from "./time.js";
import { canonicalKey, path } from "./values.js";

/** A partition key's state: its keys' states (with runner) and buffered events. */
export interface Part {
  readonly value: unknown;
  readonly states: Map<KeyState, Runner>;
  readonly buffered: Set<Buffered>;
}

/** Keys whose state changed since the last drain: snapshots to write and keys to delete (canonical JSON). */
export interface DirtyKeys {
  readonly put: [string, string][];
  readonly del: string[];
}

/** Parts by canonical partition key, and the keys changed since the last drain. */
export class PartitionTracker {
  private readonly parts = new Map<string, Part>();
  /** Canonical partition keys whose state changed since the last drain. */
  readonly dirty = new Set<string>();

  constructor(readonly by: readonly string[]) {}

  /** Throws, naming each pattern whose `key by` does not begin with the partition field. */
  static check(by: readonly string[], runners: readonly Runner[]): void {
    const bad = runners.filter((r) => {
      const first = r.pattern.keyPaths[0];
      return first === undefined || first.join("\u0000") !== by.join("\u0000");
    });
    if (bad.length === 0) return;
    const field = by.join(".");
    throw new Error(
      bad
        .map((r) =>
          r.pattern.keyPaths.length === 0
            ? `pattern ${r.pattern.name} has no \`key by\`, so it cannot be partitioned by ${field}`
            : `pattern ${r.pattern.name} is keyed by ${r.pattern.keyPathText.join(", ")}; its \`key by\` must begin with the partition field ${field}`,
        )
        .join("\n"),
    );
  }

  /** The partition value of a runner's key. */
  private static valueOf(r: Runner, key: unknown): unknown {
    return r.pattern.keyPaths.length === 1 ? key : (key as unknown[])[0];
  }

  /** The part of a canonical partition key, or undefined. */
  get(name: string): Part | undefined {
    return this.parts.get(name);
  }

  private partOf(name: string, value: unknown): Part {
    let part = this.parts.get(name);
    if (part === undefined) {
      part = { value, states: new Map(), buffered: new Set() };
      this.parts.set(name, part);
    }
    return part;
  }

  private dropIfEmpty(name: string, part: Part): void {
    if (part.states.size === 0 && part.buffered.size === 0) this.parts.delete(name);
  }

  /** A key's state changed: marks its partition key dirty; a `fresh` key is registered under it. */
  track(r: Runner, ks: KeyState, fresh: boolean): void {
    const value = PartitionTracker.valueOf(r, ks.key);
    const name = canonicalKey(value);
    this.dirty.add(name);
    if (fresh) this.partOf(name, value).states.set(ks, r);
  }

  /** A key lost its state. */
  untrack(r: Runner, ks: KeyState): void {
    const name = canonicalKey(PartitionTracker.valueOf(r, ks.key));
    this.dirty.add(name);
    const part = this.parts.get(name);
    if (part === undefined) return;
    part.states.delete(ks);
    this.dropIfEmpty(name, part);
  }

  /** The canonical partition key of an event, or undefined when it has none. */
  nameOf(event: unknown): string | undefined {
    const v = path(event, this.by);
    return v === undefined || v === null ? undefined : canonicalKey(v);
  }

  /** Registers a buffered event under its partition key (`b.part`). */
  buffer(b: Buffered): void {
    const name = b.part as string;
    this.partOf(name, path(b.event, this.by)).buffered.add(b);
    this.dirty.add(name);
  }

  /** A buffered event was fed. */
  unbuffer(b: Buffered): void {
    const name = b.part as string;
    this.dirty.add(name);
    const part = this.parts.get(name);
    if (part === undefined) return;
    part.buffered.delete(b);
    this.dropIfEmpty(name, part);
  }

  /** Removes a part (its keys' states must be forgotten by the caller first, or after). */
  take(name: string): Part | undefined {
    const part = this.parts.get(name);
    if (part !== undefined) this.parts.delete(name);
    return part;
  }

  /** End of input: every part is gone, every partition key dirty. */
  clear(): void {
    for (const k of this.parts.keys()) this.dirty.add(k);
    this.parts.clear();
  }

  /** The dirty keys as snapshots to write or keys to delete (canonical JSON, sorted); clears the set. */
  drain(runners: readonly Runner[]): DirtyKeys {
    const put: [string, string][] = [];
    const del: string[] = [];
    for (const name of [...this.dirty].sort()) {
      const part = this.parts.get(name);
      if (part === undefined) del.push(name);
      else put.push([name, this.encode(part, runners)]);
    }
    this.dirty.clear();
    return { put, del };
  }

  /** One partition key's state as byte-stable JSON (`runners` in engine order). */
  encode(part: Part, runners: readonly Runner[]): string {
    const w = new SnapshotWriter();
    const byRunner = new Map<Runner, KeyState[]>();
    for (const [ks, r] of part.states) {
      const l = byRunner.get(r);
      if (l === undefined) byRunner.set(r, [ks]);
      else l.push(ks);
    }
    const branches: BranchRow[] = [];
    const row = (b: Branch) => {
      const x = w.branch(b);
      branches.push(x);
      return x;
    };
    const patterns: KeySnapshot["patterns"] = [];
    // Engine order of patterns and sorted sub-keys: no Map insertion order reaches the text.
    for (const r of runners) {
      const list = byRunner.get(r);
      if (list === undefined) continue;
      const keyed = list.map((ks) => ({ ks, name: canonicalKey(ks.key) }));
      keyed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      patterns.push({
        name: r.pattern.name,
        keys: keyed.map(({ ks }) => ({
          key: ks.key,
          partials: ks.partials.map(row),
          completed: ks.completed.map(row),
        })),
      });
    }
    const buffer = [...part.buffered]
      .sort(compareBuffered)
      .map((b): [number, number] => [w.event(b.event), b.time]);
    toOrdinals(w.cells, branches);
    const snap: KeySnapshot = { v: 1, key: part.value, events: w.events, cells: w.cells, patterns, buffer };
    return JSON.stringify(snap);
  }
}
