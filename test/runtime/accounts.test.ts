/**
 * The state store's accounts (src/runtime/state-store.ts) never drift from the state they
 * count: after any sequence of events, watermarks, pattern additions, removals and updates and
 * per-key restores, the limits' totals, the runners' counts, the key tables, the dispatch
 * live index, the holding sets, the expiry heap and the partition parts all agree with the
 * key states that exist. Checked from the inside (the engine's private parts), because a
 * drifted account only shows much later, as a limit hit too early or a snapshot too big.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile, Engine } from "../../src/index.js";
import type { ExpiryEntry, ExpiryQueue } from "../../src/runtime/expiry.js";
import type { Runner } from "../../src/runtime/key-table.js";
import type { Limits } from "../../src/runtime/limits.js";
import type { KeyState } from "../../src/runtime/matcher.js";
import type { Part, PartitionTracker } from "../../src/runtime/partition.js";
import type { EventTime } from "../../src/runtime/time.js";

const SOURCES: Record<string, string> = {
  P0: "pattern P0 { key by k  within 5 ms  match a: A followed by b: B }",
  P1: "pattern P1 { key by k  match a: A followed by any b: B+ }",
  P2: "pattern P2 { key by k  within 8 ms  match a: A where x == 1 followed by c: C }",
  P3: "pattern P3 { key by k  after match skip past last event  match a: A followed by any b: B+ followed by c: C }",
  P4: "pattern P4 { key by k, x  within 6 ms  match a: A followed by b: B where x == a.x }",
  P5: "pattern P5 { key by k  match a: C where x == 2 followed by b: A }",
};
const NAMES = Object.keys(SOURCES);

interface Inside {
  runners: Runner[];
  limits: Limits;
  expiry: ExpiryQueue;
  partition: PartitionTracker | null;
  time: EventTime;
}

/** Every account of the engine agrees with the key states that exist. */
function checkAccounts(engine: Engine): void {
  const { runners, limits, expiry, partition, time } = engine as unknown as Inside;
  let partials = 0;
  let bytes = 0;
  const live = new Set<KeyState>();
  for (const r of runners) {
    let own = 0;
    for (const [map, composite] of [
      [r.keys, false],
      [r.composite, true],
    ] as const) {
      for (const [mapKey, ks] of map as Map<unknown, KeyState>) {
        expect(ks.dead).toBe(false);
        expect(ks.mapKey).toBe(mapKey);
        expect(ks.key !== null && typeof ks.key === "object").toBe(composite);
        expect(ks.partials.length + ks.completed.length).toBeGreaterThan(0);
        expect(r.holding.has(ks)).toBe(ks.completed.length > 0);
        if (r.group !== null && !r.guarded)
          expect((composite ? r.group.liveComposite : r.group.live).get(mapKey)).toContain(r);
        own += ks.partials.length;
        bytes += ks.bytes;
        live.add(ks);
      }
    }
    expect(r.partials).toBe(own);
    partials += own;
    for (const ks of r.holding) expect(live.has(ks)).toBe(true);
  }
  expect(limits.totalPartials).toBe(partials);
  expect(limits.bytes).toBe(bytes);
  expect(engine.stats()).toMatchObject({ partialMatches: partials, memory: bytes });
  // The heap: no entry of a removed pattern; a live entry for every key that is scheduled.
  const entries = (expiry as unknown as { heap: { toArray(): ExpiryEntry[] } }).heap.toArray();
  for (const e of entries) expect(runners).toContain(e.r);
  const scheduled = new Set(entries.filter((e) => e.ks.scheduled === e.d).map((e) => e.ks));
  for (const ks of live) if (ks.scheduled !== Infinity) expect(scheduled.has(ks)).toBe(true);
  // The partition parts hold exactly the live key states and the buffered events.
  if (partition !== null) {
    const parts = (partition as unknown as { parts: Map<string, Part> }).parts;
    let states = 0;
    let buffered = 0;
    for (const part of parts.values()) {
      expect(part.states.size + part.buffered.size).toBeGreaterThan(0);
      for (const [ks, r] of part.states) {
        expect(live.has(ks)).toBe(true);
        expect(runners).toContain(r);
      }
      states += part.states.size;
      buffered += part.buffered.size;
    }
    expect(states).toBe(live.size);
    expect(buffered).toBe(time.buffer.size);
  }
}

type Op =
  | { op: "event"; type: string; k: number; x: number; dt: number }
  | { op: "watermark"; dt: number }
  | { op: "remove"; name: string }
  | { op: "add"; name: string }
  | { op: "roundTrip"; k: number }
  | { op: "update"; names: string[]; changed: string[] };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      op: fc.constant("event" as const),
      type: fc.constantFrom("A", "B", "C"),
      k: fc.integer({ min: 0, max: 3 }),
      x: fc.integer({ min: 0, max: 2 }),
      dt: fc.integer({ min: -3, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("watermark" as const), dt: fc.integer({ min: 0, max: 4 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("remove" as const), name: fc.constantFrom(...NAMES) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("add" as const), name: fc.constantFrom(...NAMES) }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("roundTrip" as const), k: fc.integer({ min: 0, max: 3 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("update" as const),
      names: fc.shuffledSubarray(NAMES),
      changed: fc.subarray(NAMES),
    }),
  },
);

/** A pattern's source, or (changed) the same pattern with another fingerprint (`a: A{1}`: other tokens). */
const sourceOf = (name: string, changed: boolean) =>
  changed ? SOURCES[name].replace(/match a: (\w+)/, "match a: $1{1}") : SOURCES[name];

function play(engine: Engine, ops: readonly Op[]): void {
  let ts = 100;
  for (const o of ops) {
    switch (o.op) {
      case "event":
        ts += Math.max(o.dt, 0);
        engine.push({ type: o.type, k: o.k, x: o.x, ts: ts + Math.min(o.dt, 0) });
        break;
      case "watermark":
        engine.advanceTo(ts + o.dt - 2);
        break;
      case "remove":
        engine.removePattern(o.name);
        break;
      case "add":
        if (!engine.patternNames().includes(o.name)) engine.addPattern(compile(SOURCES[o.name]));
        break;
      case "roundTrip":
        engine.restoreKey(o.k, engine.snapshotKey(o.k));
        break;
      case "update":
        engine.updatePatterns(compile(o.names.map((n) => sourceOf(n, o.changed.includes(n))).join("\n")));
        break;
    }
    checkAccounts(engine);
  }
  engine.end();
  checkAccounts(engine);
}

describe("state accounts", () => {
  it("agree with the key states after any mix of events, pattern changes and per-key restores", () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 1, maxLength: 60 }),
        fc.subarray(NAMES, { minLength: 1 }),
        fc.record({
          outOfOrderness: fc.constantFrom(0, 2),
          partialMatches: fc.constantFrom(6, 1000),
          keys: fc.constantFrom(3, 1000),
          memory: fc.constantFrom(4000, 10_000_000),
        }),
        (ops, names, o) => {
          const program = compile(names.map((n) => SOURCES[n]).join("\n"));
          const engine = new Engine(program, {
            partitionBy: ["k"],
            outOfOrderness: o.outOfOrderness,
            limits: { partialMatches: o.partialMatches, keys: o.keys, memory: o.memory },
          });
          engine.on("warning", () => {});
          play(engine, ops);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("drop a removed pattern's partial matches, keys, heap entries and parts (the design note's case)", () => {
    const two = compile(`${SOURCES.P0}\n${SOURCES.P1}`);
    const engine = new Engine(two, { partitionBy: ["k"], limits: { partialMatches: 4 } });
    const warnings: string[] = [];
    engine.on("warning", (w) => warnings.push(w));
    engine.push({ type: "A", k: 1, ts: 1 });
    engine.push({ type: "A", k: 2, ts: 2 }); // P0 and P1 hold 2 each
    checkAccounts(engine);
    engine.removePattern("P0");
    checkAccounts(engine);
    engine.push({ type: "A", k: 3, ts: 3 }); // P1: 3 live, under the limit
    expect(warnings).toEqual([]);
    expect(engine.stats()).toMatchObject({ partialMatches: 3, keys: 3, dropped: 0 });
    checkAccounts(engine);
  });
});
