/**
 * Partition mode of the engine (scale-out.md §2.5, §2.12), in process: the merged stream is
 * split by key into partitions, each run by its own engine that commits its dirty keys to
 * a map (standing in for Redis) and is rebuilt from that map at random points (a crash
 * and restore). Against one engine over the merged stream (the oracle):
 * - the multiset of records is equal, and per key in the same order;
 * - every key's committed snapshot before end of input is byte-identical to the oracle's.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile, Engine, type MatchRecord, type Program } from "../../src/index.js";
import { canonicalKey } from "../../src/runtime/values.js";
import { eventsArb, fitToBudget, type GenEvent, patternArb, renderPattern } from "../property/pattern-arb.js";

const EXTRA = [
  "pattern T { key by k  within 6ms  match a: A followed by b: B+ followed by c: C  on timeout emit { n: count(b) } }",
  "pattern N { key by k  within 5ms  after match skip past last event  match a: A followed by any b: B not followed by c: C }",
  "pattern W { key by k  within 20ms  match a: A followed by b: B within 4ms  on timeout  emit { x: a.v + b.v } }",
  "pattern M { key by k, v  within 8ms  match a: A followed by any b: B+ }",
  "pattern ALT { key by k  within 6ms  after match skip to next  match a: A followed by (b: B next c: C | c2: C followed by any d: D)+  on timeout }",
  "pattern PERM { key by k  within 6ms  match a: A followed by permute(b: B, c: C+, d: D) }",
];

type Entry = object;

/** Events with some disorder, and watermark ticks as a producer writes them (highest − bound). */
function withDisorder(events: readonly GenEvent[], ooo: number, every: number): Entry[] {
  const out: Entry[] = [];
  let highest = Number.NEGATIVE_INFINITY;
  let wm = Number.NEGATIVE_INFINITY;
  for (const e of events) {
    const ts = Math.max(0, e.ts - (e.id % 3 === 0 ? ooo : 0));
    // The producer drops late events: the oracle never sees them either.
    if (ts < highest - ooo || ts <= wm) continue;
    highest = Math.max(highest, ts);
    out.push({ ...e, ts });
    if (e.id % every === 0 && highest - ooo > wm) {
      wm = highest - ooo;
      out.push({ $watermark: wm });
    }
  }
  return out;
}

const rawStreamArb = fc.tuple(eventsArb(40), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 6 }));
/** Events with some disorder, and watermark ticks as a producer writes them (highest − bound). */
const streamArb = rawStreamArb.map(([events, ooo, every]) => withDisorder(events, ooo, every));

interface Committed {
  state: Map<string, string>;
  meta: string | null;
}

function partitionOf(e: Entry, parts: number): number | null {
  const k = (e as { k?: number }).k;
  return k === undefined ? null : k % parts;
}

function keyOrder(records: MatchRecord[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const r of records) {
    const k = canonicalKey(Array.isArray(r.key) ? r.key[0] : r.key);
    const l = m.get(k) ?? [];
    l.push(JSON.stringify(r));
    m.set(k, l);
  }
  return m;
}

function check(program: Program, stream: Entry[], parts: number, crashes: number[]): void {
  const opts = { watermarksOnly: true, partitionBy: ["k"] } as const;
  // Oracle: one engine over the merged stream.
  const oracle = new Engine(program, opts);
  const before = oracle.batch(stream);
  const keys = new Set<string>();
  for (const e of stream) if ("k" in e) keys.add(canonicalKey((e as { k: number }).k));
  const oracleSnaps = new Map<string, string | null>();
  for (const k of keys) oracleSnaps.set(k, oracle.snapshotKey(JSON.parse(k)));
  const oracleRecords = [...before.records, ...oracle.batch([], true).records].map((r) => r.record);

  // Partitions: each entry goes to its key's partition; ticks go to every partition.
  const records: MatchRecord[] = [];
  const committedSnaps = new Map<string, string>();
  for (let p = 0; p < parts; p++) {
    const log = stream.filter((e) => "$watermark" in e || partitionOf(e, parts) === p);
    const committed: Committed = { state: new Map(), meta: null };
    let engine = new Engine(program, opts);
    let pos = 0;
    const crashAt = new Set(crashes.map((c) => c % (log.length + 1)));
    while (pos < log.length) {
      // A batch of 1..4 entries, then a commit; a crash drops the uncommitted batch.
      const n = 1 + ((pos * 7 + p) % 4);
      const batch = log.slice(pos, pos + n);
      const out = engine.batch(batch);
      if (crashAt.has(pos)) {
        crashAt.delete(pos);
        engine = new Engine(program, opts);
        if (committed.meta !== null) engine.restorePartition(JSON.parse(committed.meta));
        for (const [k, v] of [...committed.state].reverse()) engine.restoreKey(JSON.parse(k), v);
        continue;
      }
      const dirty = engine.drainDirty();
      for (const [k, v] of dirty.put) committed.state.set(k, v);
      for (const k of dirty.del) committed.state.delete(k);
      committed.meta = JSON.stringify(engine.snapshotPartition());
      records.push(...out.records.map((r) => r.record));
      pos += batch.length;
    }
    for (const [k, v] of committed.state) committedSnaps.set(k, v);
    records.push(...engine.batch([], true).records.map((r) => r.record));
    const after = engine.drainDirty();
    expect(after.put).toEqual([]);
  }

  const sorted = (l: MatchRecord[]) => l.map((r) => JSON.stringify(r)).sort();
  expect(sorted(records)).toEqual(sorted(oracleRecords));
  expect(keyOrder(records)).toEqual(keyOrder(oracleRecords));
  for (const [k, snap] of oracleSnaps) expect(committedSnaps.get(k) ?? null).toBe(snap);
  for (const k of committedSnaps.keys()) expect(keys.has(k)).toBe(true);
}

describe("engine partition mode", () => {
  it("split into partitions with crashes equals one engine (generated keyed patterns)", () => {
    fc.assert(
      fc.property(
        patternArb.map((p) => ({ ...p, keyed: true })),
        rawStreamArb,
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        (p, [events, ooo, every], parts, crashes) => {
          // Cut streams whose partial matches would explode (the runs are not bounded otherwise).
          const stream = withDisorder(fitToBudget(p, events).events, ooo, every);
          check(compile(renderPattern(p)), stream, parts, crashes);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("split into partitions with crashes equals one engine (timeouts, negation, composite keys)", () => {
    fc.assert(
      fc.property(
        fc.subarray(EXTRA, { minLength: 1 }),
        streamArb,
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        (srcs, stream, parts, crashes) => check(compile(srcs.join("\n")), stream, parts, crashes),
      ),
      { numRuns: 300 },
    );
  });

  it("refuses patterns that cannot be partitioned", () => {
    expect(() => new Engine(compile("pattern P { match a: A }"), { partitionBy: ["k"] })).toThrow(
      /P has no `key by`/,
    );
    expect(
      () => new Engine(compile("pattern Q { key by v, k  match a: A }"), { partitionBy: ["k"] }),
    ).toThrow(/must begin with the partition field k/);
  });

  it("batch returns records by entry and calls no listener", () => {
    const e = new Engine(compile("pattern P { key by k  match a: A followed by b: B }"), {
      partitionBy: ["k"],
    });
    let called = 0;
    e.on("match", () => called++);
    const out = e.batch([
      { type: "A", k: 1, ts: 1 },
      { type: "A", ts: 2 }, // a type P uses, without its key: reported
      { type: "X", ts: 2 }, // a type P never mentions: skipped silently (language.md v1.3)
      { type: "B", k: 1, ts: 3 },
    ]);
    expect(called).toBe(0);
    expect(out.records.map((r) => r.entry)).toEqual([3]);
    expect(out.errors).toEqual([{ entry: 1, reason: "missing key: P (k)" }]);
    expect(e.stats().unkeyed).toBe(1);
    expect(e.snapshotKey(1)).toBeNull();
  });

  it("a key snapshot is independent of other keys' events", () => {
    const program = compile("pattern P { key by k  match a: A followed by any b: B followed by c: C }");
    const alone = new Engine(program, { partitionBy: ["k"] });
    const mixed = new Engine(program, { partitionBy: ["k"] });
    const mine = [
      { type: "A", k: "x", ts: 5 },
      { type: "B", k: "x", ts: 6 },
      { type: "B", k: "x", ts: 7 },
    ];
    alone.batch(mine);
    mixed.batch([{ type: "A", k: "y", ts: 1 }, mine[0], { type: "B", k: "y", ts: 5 }, mine[1], mine[2]]);
    expect(mixed.snapshotKey("x")).toBe(alone.snapshotKey("x"));
    expect(JSON.parse(alone.snapshotKey("x")!).cells.map((c: number[]) => c[2])).toEqual([0, 1, 2]);
  });
});
