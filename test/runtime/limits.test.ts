import { execFileSync } from "node:child_process";
import { getHeapStatistics } from "node:v8";
import { describe, expect, it } from "vitest";
import { compile, DEFAULT_LIMITS, Engine, LimitError } from "../../src/index.js";
import { defaultMemoryLimit, estimateEventBytes, MEMORY_FRACTION } from "../../src/runtime/limits.js";

const HOT = "pattern Hot { key by k  match a: A followed by any b: B }";

describe("state limits", () => {
  it("caps partial matches per key, dropping the oldest, and keeps the heap bounded", () => {
    const engine = new Engine(compile(HOT), { limits: { partialMatchesPerKey: 1000 } });
    const warnings: string[] = [];
    engine.on("warning", (w) => warnings.push(w));
    const gc = (globalThis as { gc?: () => void }).gc;
    let heapAt50k = 0;
    for (let i = 0; i < 40_000; i++) {
      engine.push({ type: "A", k: "hot", ts: i });
      if (i === 10_000) {
        gc?.();
        heapAt50k = process.memoryUsage().heapUsed;
      }
    }
    const s = engine.stats();
    expect(s.partialMatches).toBe(1000);
    expect(s.dropped).toBe(39_000);
    expect(warnings).toHaveLength(1);
    if (gc) {
      gc();
      // Past the limit the heap does not grow with the stream (allow GC noise).
      expect(process.memoryUsage().heapUsed - heapAt50k).toBeLessThan(20e6);
    }
    // The newest branches survive: a B matches the 1000 most recent As.
    let matches = 0;
    engine.on("match", () => matches++);
    engine.push({ type: "B", k: "hot", ts: 40_000 });
    expect(matches).toBe(1000);
  });

  it("evicts the oldest keys beyond the key limit", () => {
    const engine = new Engine(compile(HOT), { limits: { keys: 100 } });
    for (let i = 0; i < 1000; i++) engine.push({ type: "A", k: i, ts: i });
    expect(engine.stats().keys).toBe(100);
    expect(engine.stats().dropped).toBe(900);
    let matched: unknown[] = [];
    engine.on("match", (r) => matched.push(r.key));
    engine.push({ type: "B", k: 0, ts: 2000 });
    engine.push({ type: "B", k: 999, ts: 2001 });
    expect(matched).toEqual([999]);
    matched = [];
  });

  it("evicts keys beyond the total partial-match limit", () => {
    const engine = new Engine(compile(HOT), { limits: { partialMatches: 500 } });
    for (let i = 0; i < 2000; i++) engine.push({ type: "A", k: i % 50, ts: i });
    expect(engine.stats().partialMatches).toBeLessThanOrEqual(500);
    expect(engine.stats().dropped).toBeGreaterThan(0);
  });

  it("fails instead when asked", () => {
    const engine = new Engine(compile(HOT), { limits: { partialMatchesPerKey: 10, onLimit: "fail" } });
    expect(() => {
      for (let i = 0; i < 20; i++) engine.push({ type: "A", k: 1, ts: i });
    }).toThrow(LimitError);
  });
});

/** Counts `next` calls on every Map iterator made through `Map.prototype.values` while `run` runs. */
function countMapIteration(run: () => void): number {
  const original = Map.prototype.values;
  let steps = 0;
  Map.prototype.values = function values(this: Map<unknown, unknown>) {
    const it = original.call(this);
    const counted = {
      next: () => {
        steps++;
        return it.next();
      },
      [Symbol.iterator]() {
        return counted;
      },
    };
    return counted as unknown as MapIterator<unknown>;
  };
  try {
    run();
  } finally {
    Map.prototype.values = original;
  }
  return steps;
}

describe("key eviction", () => {
  it("costs O(1) per evicted key: it does not walk every key", () => {
    const engine = new Engine(compile(HOT), { limits: { keys: 2000 } });
    for (let i = 0; i < 2000; i++) engine.push({ type: "A", k: i, ts: i });
    const steps = countMapIteration(() => {
      for (let i = 2000; i < 6000; i++) engine.push({ type: "A", k: i, ts: i });
    });
    expect(engine.stats().keys).toBe(2000);
    expect(engine.stats().dropped).toBe(4000);
    // One step per evicted key (and a few to start an iterator); a walk over the keys is 2,000 per key.
    expect(steps).toBeLessThan(4000 + 10);
    expect(steps).toBeGreaterThanOrEqual(4000);
  });

  it("evicts the key that got its state first, a key that lost and regained state counting as new", () => {
    const engine = new Engine(compile("pattern P { key by k  match a: A followed by b: B }"), {
      limits: { keys: 3 },
    });
    const matched: unknown[] = [];
    engine.on("match", (r) => matched.push(r.key));
    engine.push({ type: "A", k: "k1", ts: 1 });
    engine.push({ type: "A", k: "k2", ts: 2 });
    engine.push({ type: "A", k: "k3", ts: 3 });
    engine.push({ type: "B", k: "k1", ts: 4 }); // k1 matches and holds nothing
    engine.push({ type: "A", k: "k1", ts: 5 }); // k1 has state again: now the newest
    engine.push({ type: "A", k: "k4", ts: 6 }); // four keys: k2 goes
    engine.push({ type: "A", k: "k5", ts: 7 }); // then k3
    expect(engine.stats()).toMatchObject({ keys: 3, dropped: 2 });
    for (const [k, ts] of [
      ["k2", 10],
      ["k3", 11],
      ["k1", 12],
      ["k4", 13],
      ["k5", 14],
    ] as const)
      engine.push({ type: "B", k, ts });
    expect(matched).toEqual(["k1", "k1", "k4", "k5"]);
  });
});

describe("removePattern", () => {
  const TWO = `
    pattern P { key by k  match a: A followed by b: B }
    pattern Q { key by k  match a: A followed by b: B }`;

  it("takes the removed pattern's partial matches out of the engine-wide total", () => {
    const engine = new Engine(compile(TWO), { limits: { partialMatches: 4 } });
    const warnings: string[] = [];
    engine.on("warning", (w) => warnings.push(w));
    engine.push({ type: "A", k: 1, ts: 1 });
    engine.push({ type: "A", k: 2, ts: 2 }); // P and Q hold 2 each
    expect(engine.removePattern("P")).toBe(true);
    engine.push({ type: "A", k: 3, ts: 3 }); // Q: 3 live, under the limit
    expect(warnings).toEqual([]);
    expect(engine.stats()).toMatchObject({ partialMatches: 3, keys: 3, dropped: 0 });
    let matches = 0;
    engine.on("match", () => matches++);
    for (const k of [1, 2, 3]) engine.push({ type: "B", k, ts: 10 + k });
    expect(matches).toBe(3);
  });

  it("leaves no memory or partition state behind", () => {
    const src = `
      pattern P { key by k  within 10 ms  match a: A followed by b: B+ }
      pattern Q { key by k  match a: A followed by b: B }`;
    const engine = new Engine(compile(src), { partitionBy: ["k"] });
    engine.push({ type: "A", k: 1, ts: 1 });
    engine.push({ type: "C", k: 1, ts: 2 });
    const withBoth = engine.stats().memory;
    engine.drainDirty();
    engine.removePattern("P");
    const onlyQ = new Engine(compile(src), { partitionBy: ["k"], patterns: ["Q"] });
    onlyQ.push({ type: "A", k: 1, ts: 1 });
    onlyQ.push({ type: "C", k: 1, ts: 2 });
    expect(engine.stats().memory).toBeLessThan(withBoth);
    expect(engine.stats().memory).toBe(onlyQ.stats().memory);
    // The partition key changed: its snapshot no longer has P's state.
    expect(engine.drainDirty().put.map(([k]) => k)).toEqual(["1"]);
    expect(engine.snapshotKey(1)).toBe(onlyQ.snapshotKey(1));
    engine.removePattern("Q");
    expect(engine.stats()).toMatchObject({ partialMatches: 0, keys: 0, memory: 0 });
    expect(engine.snapshotKey(1)).toBeNull();
    expect(engine.drainDirty().del).toEqual(["1"]);
  });
});

describe("memory limit", () => {
  const PAIRS = "pattern P { key by k  match a: A followed by b: B }";
  const big = "x".repeat(10_000);

  it("bounds the estimated state of many keys with large events, evicting the oldest keys", () => {
    const budget = 1_000_000;
    const engine = new Engine(compile(PAIRS), { limits: { memory: budget } });
    const warnings: string[] = [];
    engine.on("warning", (w) => warnings.push(w));
    let most = 0;
    for (let i = 0; i < 1000; i++) {
      engine.push({ type: "A", k: i, ts: i, payload: big });
      most = Math.max(most, engine.stats().memory);
    }
    expect(most).toBeLessThanOrEqual(budget);
    const s = engine.stats();
    // ~10 KB per key: some 90 keys fit in the budget (eviction stops at 90% of it).
    expect(s.keys).toBeGreaterThan(60);
    expect(s.keys).toBeLessThan(100);
    expect(s.dropped).toBe(1000 - s.keys);
    expect(warnings).toEqual([
      "state takes more than 1000000 bytes (estimated; limits.memory); dropping the oldest partial matches",
    ]);
    // The newest keys survive.
    const matched: unknown[] = [];
    engine.on("match", (r) => matched.push(r.key));
    engine.push({ type: "B", k: 0, ts: 2000 });
    engine.push({ type: "B", k: 999, ts: 2001 });
    expect(matched).toEqual([999]);
  });

  it("samples event sizes without being fooled by a periodic stream (one large event in 8)", () => {
    // Only about one event in eight is measured (the rest are charged the running mean), at
    // random positions: a stream whose every 8th event is large is still seen as large.
    const budget = 1_000_000;
    const engine = new Engine(compile(PAIRS), { limits: { memory: budget } });
    let most = 0;
    for (let i = 0; i < 4000; i++) {
      engine.push({ type: "A", k: i, ts: i, payload: i % 8 === 7 ? "x".repeat(80_000) : "" });
      most = Math.max(most, engine.stats().memory);
    }
    expect(most).toBeLessThanOrEqual(budget);
    // ~10 KB per key on average: the budget holds about a hundred keys, not 4,000.
    expect(engine.stats().keys).toBeLessThan(400);
    expect(engine.stats().dropped).toBeGreaterThan(3000);
  });

  it("counts the size push is given instead of estimating the object", () => {
    const engine = new Engine(compile(PAIRS), { limits: { memory: 1_000_000 } });
    for (let i = 0; i < 100; i++) engine.push({ type: "A", k: i, ts: i }, 50_000);
    expect(engine.stats().keys).toBeLessThan(20);
    const small = new Engine(compile(PAIRS), { limits: { memory: 1_000_000 } });
    for (let i = 0; i < 100; i++) small.push({ type: "A", k: i, ts: i }, Number.NaN);
    expect(small.stats()).toMatchObject({ keys: 100, dropped: 0 });
  });

  it("bounds one hot key whose combinations grow under the per-key cap", () => {
    const budget = 1_000_000;
    const engine = new Engine(
      compile("pattern C { key by k  match a: A followed by any b: B+ combinations }"),
      {
        limits: { memory: budget },
      },
    );
    const warnings: string[] = [];
    engine.on("warning", (w) => warnings.push(w));
    let most = 0;
    let ts = 0;
    for (let round = 0; round < 3; round++) {
      engine.push({ type: "A", k: "hot", ts: ts++ });
      // Each B doubles the partial matches (every subset of the Bs), up to 10,000.
      for (let i = 0; i < 16; i++) {
        engine.push({ type: "B", k: "hot", ts: ts++, n: i });
        most = Math.max(most, engine.stats().memory);
      }
    }
    expect(most).toBeLessThanOrEqual(budget);
    expect(engine.stats().dropped).toBeGreaterThan(0);
    expect(warnings.some((w) => w.includes("limits.memory"))).toBe(true);
  });

  it("measures live state before evicting: cells that died do not count", () => {
    // One long-lived key whose partial matches keep expiring: its running estimate grows,
    // what it holds does not.
    const engine = new Engine(compile("pattern W { key by k  within 5 ms  match a: A followed by b: B }"), {
      limits: { memory: 200_000 },
    });
    for (let i = 0; i < 5000; i++) engine.push({ type: "A", k: "one", ts: i, payload: "y".repeat(100) });
    expect(engine.stats()).toMatchObject({ keys: 1, dropped: 0 });
    expect(engine.stats().memory).toBeLessThanOrEqual(200_000);
  });

  it("fails instead when asked", () => {
    const engine = new Engine(compile(PAIRS), { limits: { memory: 100_000, onLimit: "fail" } });
    expect(() => {
      for (let i = 0; i < 100; i++) engine.push({ type: "A", k: i, ts: i, payload: big });
    }).toThrow(new LimitError("state takes more than 100000 bytes (estimated; limits.memory)"));
  });

  it("estimates an event object cheaply and within bounds", () => {
    expect(estimateEventBytes({ type: "A", payload: big })).toBeGreaterThan(10_000);
    expect(estimateEventBytes({ type: "A", payload: big })).toBeLessThan(10_200);
    expect(estimateEventBytes({ nested: { deep: big } })).toBeGreaterThan(10_000);
    // Bounded: 10,000 properties are not all looked at.
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`f${i}`, i]));
    expect(estimateEventBytes(wide)).toBeLessThan(5_000);
  });

  it("defaults to a share of the V8 heap limit", () => {
    expect(DEFAULT_LIMITS.memory).toBe(Math.floor(getHeapStatistics().heap_size_limit * MEMORY_FRACTION));
    expect(defaultMemoryLimit(1000)).toBe(500);
    // A process with a smaller heap gets a smaller budget.
    const out = execFileSync(
      process.execPath,
      [
        "--max-old-space-size=256",
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        "import v8 from 'node:v8'; import { DEFAULT_LIMITS } from './src/runtime/limits.ts';" +
          "console.log(JSON.stringify([DEFAULT_LIMITS.memory, v8.getHeapStatistics().heap_size_limit]))",
      ],
      { encoding: "utf8" },
    );
    const [memory, heapLimit] = JSON.parse(out) as [number, number];
    expect(heapLimit).toBeLessThan(getHeapStatistics().heap_size_limit);
    expect(memory).toBe(Math.floor(heapLimit * MEMORY_FRACTION));
  });
});
