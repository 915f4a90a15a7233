/**
 * Snapshots: the engine's whole state as plain JSON-serialisable data, with a format
 * version. Events are stored once and cells (the shared linked lists of partial
 * matches) once each, referenced by index, so the structure sharing of branches
 * survives the round trip.
 *
 * {@link encodeEngine} and {@link decodeEngine} write and read an engine's whole state;
 * {@link decodeKey} reads one partition key's (partition.ts writes it). Both restores
 * register keys through the state store's one `restore`.
 */
import { keyStates, type Runner } from "./key-table.js";
import type { Limits } from "./limits.js";
import { type Branch, type Cell, cellsFrom, claimBranch, lastCell } from "./matcher.js";
import type { Counters } from "./output.js";
import type { StateStore } from "./state-store.js";
import type { EventTime } from "./time.js";

/** The snapshot format tag and version. */
export const SNAPSHOT_FORMAT = "cepheus-snapshot";
export const SNAPSHOT_VERSION = 1;

/** `[state, last cell index or -1, startSeq, startTime, prevTime]`. */
export type BranchRow = [number, number, number, number, number];

/** `[event index, time, seq, variable, previous cell index or -1]`. */
export type CellRow = [number, number, number, number, number];

/** Engine state, as `engine.snapshot()` returns it and `new Engine(program, { restore })` takes it. */
export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  /** The patterns' identity: restore needs the same names with the same fingerprints. */
  patterns: { name: string; fingerprint: string }[];
  /** Times; null stands for −∞. */
  time: {
    highest: number | null;
    watermark: number | null;
    now: number | null;
    lastClock: number | null;
    seq: number;
    arrival: number;
  };
  counters: {
    events: number;
    matches: number;
    timeouts: number;
    late: number;
    bad: number;
    dropped?: number;
    /** Absent in snapshots taken before v1.3's unkeyed count. */
    unkeyed?: number;
    /** Absent in snapshots taken before events were checked against declarations. */
    schemaErrors?: number;
    /** Absent in snapshots taken before pattern-set updates. */
    replaced?: number;
  };
  events: unknown[];
  cells: CellRow[];
  /** Buffered (not yet fed) events: `[event index, time, arrival]`. */
  buffer: [number, number, number][];
  runners: {
    name: string;
    matches: number;
    keys: { key: unknown; partials: BranchRow[]; completed: BranchRow[] }[];
  }[];
}

/** Encodes events and cells once each while branches are written. */
export class SnapshotWriter {
  readonly events: unknown[] = [];
  readonly cells: CellRow[] = [];
  private readonly eventIndex = new Map<unknown, number>();
  private readonly cellIndex = new Map<Cell, number>();

  event(e: unknown): number {
    let i = this.eventIndex.get(e);
    if (i === undefined) {
      i = this.events.length;
      this.events.push(e);
      this.eventIndex.set(e, i);
    }
    return i;
  }

  cell(c: Cell | null): number {
    if (c === null) return -1;
    const known = this.cellIndex.get(c);
    if (known !== undefined) return known;
    // Encode the unencoded suffix of the chain oldest first, so a row's prev is always earlier.
    const pending: Cell[] = [];
    for (let x: Cell | null = c; x !== null && !this.cellIndex.has(x); x = x.prev) pending.push(x);
    for (let i = pending.length - 1; i >= 0; i--) {
      const x = pending[i];
      const prev = x.prev === null ? -1 : (this.cellIndex.get(x.prev) as number);
      this.cellIndex.set(x, this.cells.length);
      this.cells.push([this.event(x.event), x.time, x.seq, x.variable, prev]);
    }
    return this.cellIndex.get(c) as number;
  }

  branch(b: Branch): BranchRow {
    // startSeq, startTime and prevTime are derived (first and last cell), kept in the row for the format.
    const last = lastCell(b);
    return [b.state, this.cell(last), b.first?.seq ?? -1, b.first?.time ?? 0, last?.time ?? 0];
  }
}

/** Decodes cells and branches of a snapshot. */
export class SnapshotReader {
  private readonly cells: Cell[];
  constructor(readonly snapshot: Snapshot) {
    this.cells = cellsFrom(
      snapshot.cells,
      (e) => snapshot.events[e],
      (seq) => seq,
    );
  }
  branch(row: BranchRow): Branch {
    const [state, last] = row;
    return claimBranch(state, last < 0 ? null : this.cells[last]);
  }
}

/** −∞ ↔ null for JSON. */
export function encodeTime(t: number): number | null {
  return Number.isFinite(t) ? t : null;
}

/** null ↔ −∞. */
export function decodeTime(t: number | null): number {
  return t === null ? Number.NEGATIVE_INFINITY : t;
}

/** Checks the format and version of something claimed to be a snapshot. */
export function validateSnapshot(s: unknown): Snapshot {
  const o = s as Partial<Snapshot> | null;
  if (o === null || typeof o !== "object" || o.format !== SNAPSHOT_FORMAT) {
    throw new Error("not a Cepheus snapshot");
  }
  if (o.version !== SNAPSHOT_VERSION) {
    throw new Error(
      `snapshot format version ${String(o.version)} is not supported (expected ${SNAPSHOT_VERSION})`,
    );
  }
  return o as Snapshot;
}

/**
 * One partition key's state (scale-out.md §2.12): every pattern's partial and held-back
 * matches for keys whose first component is this value, and its buffered events. Events
 * are identified by their time and their rank among this key's events (ordinals), never
 * by engine-wide feed numbers, so the same key's state is byte-identical in any engine
 * that saw the same events for it, whatever else that engine saw.
 */
export interface KeySnapshot {
  v: 1;
  /** The partition key's value. */
  key: unknown;
  events: unknown[];
  /** `[event index, time, ordinal, variable, previous cell index or -1]`. */
  cells: CellRow[];
  /** Per pattern (engine order) holding state: its keys (sorted by canonical JSON). */
  patterns: { name: string; keys: { key: unknown; partials: BranchRow[]; completed: BranchRow[] }[] }[];
  /** Buffered events in feed order: `[event index, time]`. */
  buffer: [number, number][];
}

/** Rewrites feed numbers (cells, branch starts) as ranks 0..n−1; −1 (the Start state) stays. */
export function toOrdinals(cells: CellRow[], branches: BranchRow[]): number {
  const seqs = new Set<number>();
  for (const c of cells) seqs.add(c[2]);
  for (const b of branches) if (b[2] >= 0) seqs.add(b[2]);
  const sorted = [...seqs].sort((a, b) => a - b);
  const rank = new Map<number, number>();
  for (let i = 0; i < sorted.length; i++) rank.set(sorted[i], i);
  for (const c of cells) c[2] = rank.get(c[2]) as number;
  for (const b of branches) if (b[2] >= 0) b[2] = rank.get(b[2]) as number;
  return sorted.length;
}

/** Checks the shape of something claimed to be a {@link KeySnapshot}. */
export function validateKeySnapshot(s: unknown): KeySnapshot {
  const o = s as Partial<KeySnapshot> | null;
  if (
    o === null ||
    typeof o !== "object" ||
    o.v !== 1 ||
    !Array.isArray(o.events) ||
    !Array.isArray(o.cells) ||
    !Array.isArray(o.patterns) ||
    !Array.isArray(o.buffer)
  ) {
    throw new Error("not a Cepheus key snapshot (version 1)");
  }
  return o as KeySnapshot;
}

/** A partition's engine-level state: times and the patterns' identity. */
export interface PartitionSnapshot {
  v: 1;
  patterns: { name: string; fingerprint: string }[];
  watermark: number | null;
  now: number | null;
  highest: number | null;
}

/** What a fingerprint is checked against: a running pattern's identity. */
export interface Fingerprinted {
  readonly name: string;
  readonly fingerprint: string;
  readonly sourceFingerprint?: string;
}

/**
 * A recorded fingerprint in today's form: when it is the earlier (source-text) hash of the
 * running pattern of that name, that pattern's fingerprint; else unchanged.
 */
export function upgradeFingerprint(
  name: string,
  recorded: string,
  running: ReadonlyMap<string, Fingerprinted>,
): string {
  const now = running.get(name);
  return now !== undefined && now.sourceFingerprint === recorded ? now.fingerprint : recorded;
}

function runningByName(runners: readonly Runner[]): Map<string, Fingerprinted> {
  return new Map(runners.map((r) => [r.pattern.name, r.pattern]));
}

/**
 * Throws unless `patterns` (a snapshot's) are the running ones: same names, same
 * fingerprints (an earlier version's source-text fingerprint counts as its pattern's).
 */
export function checkSamePatterns(
  runners: readonly Runner[],
  patterns: readonly { name: string; fingerprint: string }[],
): void {
  const have = runners.map((r) => `${r.pattern.name}@${r.pattern.fingerprint}`).sort();
  const running = runningByName(runners);
  const want = patterns.map((p) => `${p.name}@${upgradeFingerprint(p.name, p.fingerprint, running)}`).sort();
  if (have.join(",") !== want.join(",")) {
    const names = (l: string[]) => l.map((x) => x.split("@")[0]).join(", ") || "(none)";
    throw new Error(
      `snapshot was taken with different patterns: snapshot has ${names(want)}; this engine runs ${names(have)}` +
        " (same names with a changed definition count as different)",
    );
  }
}

/**
 * `restoreMode: "update"`: the part of a snapshot the running patterns can take — the
 * state of every pattern with the same name and fingerprint — and how many partial and
 * held-back matches of changed patterns (same name, other fingerprint) it leaves out.
 */
export function keptPart(snap: Snapshot, runners: readonly Runner[]): [Snapshot, number] {
  const byName = runningByName(runners);
  const running = new Map(runners.map((r) => [r.pattern.name, r.pattern.fingerprint]));
  const fp = new Map(snap.patterns.map((p) => [p.name, upgradeFingerprint(p.name, p.fingerprint, byName)]));
  const kept = (name: string) => running.get(name) !== undefined && running.get(name) === fp.get(name);
  let replaced = 0;
  for (const sr of snap.runners) {
    if (kept(sr.name) || !running.has(sr.name)) continue;
    for (const k of sr.keys) replaced += k.partials.length + k.completed.length;
  }
  const runnersKept = snap.runners.filter((sr) => kept(sr.name));
  return [{ ...snap, patterns: snap.patterns.filter((p) => kept(p.name)), runners: runnersKept }, replaced];
}

/** The parts of an engine a snapshot reads and writes. */
export interface EngineState {
  readonly runners: readonly Runner[];
  readonly time: EventTime;
  readonly counters: Counters;
  readonly limits: Limits;
  readonly store: StateStore;
  /** Buffers a restored event again (its keys and fit read silently: they were reported when it was pushed). */
  rebuffer(event: unknown, time: number, arrival?: number): void;
}

/** The whole state of an engine as a {@link Snapshot}. */
export function encodeEngine(e: EngineState): Snapshot {
  const w = new SnapshotWriter();
  const runners = e.runners.map((r) => ({
    name: r.pattern.name,
    matches: r.matches,
    keys: keyStates(r).map((ks) => ({
      key: ks.key,
      partials: ks.partials.map((b) => w.branch(b)),
      completed: ks.completed.map((b) => w.branch(b)),
    })),
  }));
  const t = e.time;
  const buffer = t.buffered().map((b): [number, number, number] => [w.event(b.event), b.time, b.arrival]);
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    patterns: e.runners.map((r) => ({ name: r.pattern.name, fingerprint: r.pattern.fingerprint })),
    time: {
      highest: encodeTime(t.highest),
      watermark: encodeTime(t.watermark),
      now: encodeTime(t.now),
      lastClock: encodeTime(t.lastClock),
      seq: t.seq,
      arrival: t.arrival,
    },
    counters: { ...e.counters, dropped: e.limits.dropped },
    events: w.events,
    cells: w.cells,
    buffer,
    runners,
  };
}

/** Restores a {@link Snapshot} into a fresh engine running the same patterns (checked by the caller). */
export function decodeEngine(e: EngineState, snap: Snapshot): void {
  const t = snap.time;
  const time = e.time;
  time.highest = decodeTime(t.highest);
  time.watermark = decodeTime(t.watermark);
  time.now = decodeTime(t.now);
  time.lastClock = decodeTime(t.lastClock);
  time.seq = t.seq;
  time.arrival = t.arrival;
  const { dropped, ...counters } = snap.counters;
  Object.assign(e.counters, counters);
  e.limits.dropped = dropped ?? 0;
  const reader = new SnapshotReader(snap);
  for (const sr of snap.runners) {
    const r = e.runners.find((x) => x.pattern.name === sr.name)!;
    r.matches = sr.matches;
    for (const k of sr.keys)
      e.store.restore(
        r,
        k.key,
        k.partials.map((row) => reader.branch(row)),
        k.completed.map((row) => reader.branch(row)),
      );
  }
  for (const [ev, time, arrival] of snap.buffer) e.rebuffer(snap.events[ev], time, arrival);
}

/** The partition-level state: watermark, times and the patterns' identity. */
export function encodePartition(e: EngineState): PartitionSnapshot {
  const t = e.time;
  return {
    v: 1,
    patterns: e.runners.map((r) => ({ name: r.pattern.name, fingerprint: r.pattern.fingerprint })),
    watermark: encodeTime(t.watermark),
    now: encodeTime(t.now),
    highest: encodeTime(t.highest),
  };
}

/** Restores {@link encodePartition}'s result; throws if it was taken with other patterns. */
export function decodePartition(e: EngineState, snap: PartitionSnapshot): void {
  checkSamePatterns(e.runners, snap.patterns);
  e.time.watermark = decodeTime(snap.watermark);
  e.time.now = decodeTime(snap.now);
  e.time.highest = decodeTime(snap.highest);
}

/** Adds one partition key's state (a {@link KeySnapshot}; the key holds nothing yet). */
export function decodeKey(e: EngineState, snap: KeySnapshot): void {
  // Ordinals become fresh feed numbers below every future one, in the same order.
  let n = 0;
  for (const c of snap.cells) if (c[2] + 1 > n) n = c[2] + 1;
  for (const p of snap.patterns)
    for (const k of p.keys) for (const b of [...k.partials, ...k.completed]) if (b[2] + 1 > n) n = b[2] + 1;
  const base = e.time.seq;
  e.time.seq += n;
  const cells = cellsFrom(
    snap.cells,
    (i) => snap.events[i],
    (ord) => base + ord,
  );
  const branch = ([state, last]: BranchRow): Branch => claimBranch(state, last < 0 ? null : cells[last]);
  for (const p of snap.patterns) {
    const r = e.runners.find((x) => x.pattern.name === p.name);
    if (r === undefined) throw new Error(`key snapshot has state of pattern ${p.name}, which is not running`);
    for (const k of p.keys) e.store.restore(r, k.key, k.partials.map(branch), k.completed.map(branch));
  }
  for (const [ev, time] of snap.buffer) e.rebuffer(snap.events[ev], time);
}
