import { describe, expect, it } from "vitest";
import { compile, Engine, LimitError } from "../../src/index.js";

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
