import { describe, expect, it } from "vitest";
import { compile, Engine, type MatchRecord } from "../../src/index.js";
import { events, harness, idsOf, sortedIds } from "./harness.js";

describe("contiguity", () => {
  it("followed by takes the first match only", () => {
    const r = harness("pattern P { match a: A followed by b: B }").feed(events("A:1 C:2 B:3 B:4"));
    expect(sortedIds(r.matches)).toEqual([[1, 3]]);
  });
  it("followed by any branches on every later match", () => {
    const r = harness("pattern P { match a: A followed by any b: B }").feed(events("A:1 C:2 B:3 B:4"));
    expect(sortedIds(r.matches)).toEqual([
      [1, 3],
      [1, 4],
    ]);
  });
  it("next needs the very next event, whatever its type", () => {
    const r = harness("pattern P { match a: A next b: B }").feed(events("A:1 C:2 B:3 A:4 B:5"));
    expect(sortedIds(r.matches)).toEqual([[4, 5]]);
  });
});

describe("keys", () => {
  it("keeps keys apart and reports each key", () => {
    const src = "pattern P { key by user  match a: A followed by b: B }";
    const evs = [
      { id: 1, type: "A", user: "u1", ts: 1 },
      { id: 2, type: "A", user: "u2", ts: 2 },
      { id: 3, type: "B", user: "u2", ts: 3 },
      { id: 4, type: "B", user: "u1", ts: 4 },
    ];
    const r = harness(src).feed(evs);
    expect(r.matches.map((m) => [m.key, idsOf(m)])).toEqual([
      ["u2", [2, 3]],
      ["u1", [1, 4]],
    ]);
  });
  it('compares keys by JSON type: 1 and "1" are different keys', () => {
    const src = "pattern P { key by k  match a: A followed by b: B }";
    const r = harness(src).feed([
      { id: 1, type: "A", k: 1, ts: 1 },
      { id: 2, type: "B", k: "1", ts: 2 },
    ]);
    expect(r.matches).toEqual([]);
  });
  it("several key paths give an array key", () => {
    const src = "pattern P { key by a, b.c  match x: A }";
    const r = harness(src).feed([{ id: 1, type: "A", a: "x", b: { c: 2 }, ts: 1 }]);
    expect(r.matches[0].key).toEqual(["x", 2]);
  });
  it("reports an event with a missing key for that pattern and feeds it to the others", () => {
    const src = `pattern P { key by user  match a: A }
pattern Q { match a: A }`;
    const r = harness(src).feed([{ id: 1, type: "A", ts: 1 }]);
    expect(r.errors.map((e) => e.reason)).toEqual(["missing key: P (user)"]);
    expect(r.matches.map((m) => m.pattern)).toEqual(["Q"]);
  });
});

describe("windows and timeouts", () => {
  it("a match needs last − first < within", () => {
    const src = "pattern P { within 10ms  match a: A followed by b: B }";
    expect(harness(src).feed(events("A:0 B:10")).matches).toEqual([]);
    expect(sortedIds(harness(src).feed(events("A:0 B:9")).matches)).toEqual([[1, 2]]);
  });
  it("reports an expired partial match stamped start + within, before the event that passed it", () => {
    const src = "pattern P { within 10ms  match a: A followed by b: B  on timeout }";
    const r = harness(src).feed(events("A:0 C:5 C:20"));
    expect(r.timeouts).toEqual([
      {
        pattern: "P",
        key: null,
        start: 0,
        end: 10,
        timeout: true,
        events: { a: [{ id: 1, type: "A", ts: 0 }] },
      },
    ]);
  });
  it("fires timeouts on a watermark without further events", () => {
    const src = "pattern P { within 10ms  match a: A followed by b: B  on timeout }";
    const engine = new Engine(compile(src));
    const seen: MatchRecord[] = [];
    engine.on("timeout", (r) => seen.push(r));
    engine.push({ type: "A", ts: 0 });
    engine.push({ $watermark: 9 });
    expect(seen).toHaveLength(0);
    engine.push({ $watermark: 10 });
    expect(seen).toHaveLength(1);
  });
  it("stamps a term-level timeout prev + d", () => {
    const src = "pattern P { within 1 minute  match a: A followed by b: B within 5ms  on timeout }";
    const r = harness(src).feed(events("A:0 C:100"));
    expect(r.timeouts.map((t) => t.end)).toEqual([5]);
  });
  it("completes a trailing not followed by at expiry, as a match", () => {
    const src = "pattern P { within 10ms  match a: A not followed by b: B }";
    expect(sortedIds(harness(src).feed(events("A:0 C:3")).matches)).toEqual([[1]]);
    expect(harness(src).feed(events("A:0 B:5")).matches).toEqual([]);
    expect(sortedIds(harness(src).feed(events("A:0 B:10")).matches)).toEqual([[1]]);
  });
  it("drops expired branches so memory stays flat", () => {
    const src = "pattern P { key by k  within 10ms  match a: A followed by b: B }";
    const engine = new Engine(compile(src));
    for (let i = 0; i < 10000; i++) engine.push({ type: "A", k: i % 1000, ts: i });
    expect(engine.stats().partialMatches).toBeLessThanOrEqual(20);
    expect(engine.stats().keys).toBeLessThanOrEqual(20);
  });
});

describe("time", () => {
  it("reorders within the out-of-orderness bound", () => {
    const src = "pattern P { match b: B followed by a: A }";
    const r = harness(src).with({ outOfOrderness: 5 }).feed(events("A:10 B:8"));
    expect(sortedIds(r.matches)).toEqual([[1, 2]]);
  });
  it("sends events older than H − B to late", () => {
    const r = harness("pattern P { match a: A }").feed(events("A:10 A:5"));
    expect(r.late).toHaveLength(1);
    expect(r.matches).toHaveLength(1);
  });
  it("an event at or below a watermark is late", () => {
    const r = harness("pattern P { match a: A }").feed([{ $watermark: 100 }, { id: 1, type: "A", ts: 100 }]);
    expect(r.late).toHaveLength(1);
  });
  it("accepts ISO-8601 times and rejects bad ones", () => {
    const r = harness("pattern P { match a: A }").feed([
      { id: 1, type: "A", ts: "2024-01-01T00:00:00Z" },
      { id: 2, type: "A", ts: "yesterday" },
      { id: 3, type: "A" },
      { id: 4, type: "A", ts: 1.5 },
    ]);
    expect(r.matches.map((m) => m.start)).toEqual([Date.UTC(2024, 0, 1)]);
    expect(r.errors).toHaveLength(3);
  });
  it("uses the injected clock in processing time", () => {
    let now = 1000;
    const src = "pattern P { within 10ms  match a: A followed by b: B }";
    const r = harness(src)
      .with({ processingTime: true, clock: () => (now += 4) })
      .feed(events("A:0 B:0 A:0 C:0 C:0 B:0"));
    expect(r.matches.map((m) => [m.start, m.end])).toEqual([[1004, 1008]]);
  });
});

describe("output", () => {
  it("emits projections with aggregates", () => {
    const src = `pattern P { key by user
      match a: A followed by bs: B{2} followed by c: C
      emit { user: a.user, n: count(bs), total: sum(bs.price), last: c.price, } }`;
    const r = harness(src).feed([
      { type: "A", user: "u", ts: 1, price: 1 },
      { type: "B", user: "u", ts: 2, price: 2 },
      { type: "B", user: "u", ts: 3, price: 3 },
      { type: "C", user: "u", ts: 4, price: 4 },
    ]);
    expect(r.matches[0].emit).toEqual({ user: "u", n: 2, total: 5, last: 4 });
    expect(Object.keys(r.matches[0])).toEqual(["pattern", "key", "start", "end", "events", "emit"]);
  });
  it("uses prev and the variables' taken events in conditions", () => {
    const src =
      "pattern Rise { match a: T next b: T where price > prev.price next c: T where price > b.price + a.price }";
    const r = harness(src).feed([
      { id: 1, type: "T", ts: 1, price: 1 },
      { id: 2, type: "T", ts: 2, price: 2 },
      { id: 3, type: "T", ts: 3, price: 4 },
      { id: 4, type: "T", ts: 4, price: 5 },
    ]);
    expect(sortedIds(r.matches)).toEqual([[1, 2, 3]]);
  });
  it("a trailing loop emits one match per prefix, at once", () => {
    const r = harness("pattern P { match a: A followed by b: B+ }").noEnd().feed(events("A:1 B:2 B:3"));
    expect(sortedIds(r.matches)).toEqual([
      [1, 2],
      [1, 2, 3],
    ]);
  });
  it("orders the records of one step by their events, then by pattern", () => {
    const src = `pattern Q { match a: A followed by any b: B }
pattern R { match b: B }`;
    const r = harness(src).feed(events("A:1 A:2 B:3"));
    expect(r.matches.map((m) => `${m.pattern}:${idsOf(m).join(",")}`)).toEqual(["Q:1,3", "Q:2,3", "R:3"]);
  });
});

describe("skip strategies", () => {
  it("skip past last event prunes overlapping matches", () => {
    const base = "match a: A followed by any b: B";
    expect(sortedIds(harness(`pattern P { ${base} }`).feed(events("A:1 A:2 B:3 B:4")).matches)).toHaveLength(
      4,
    );
    const r = harness(`pattern P { after match skip past last event ${base} }`).feed(
      events("A:1 A:2 B:3 B:4"),
    );
    expect(sortedIds(r.matches)).toEqual([[1, 3]]);
  });
});

describe("patterns while running", () => {
  it("adds and removes patterns", () => {
    const engine = new Engine(compile("pattern P { match a: A }"));
    const seen: string[] = [];
    engine.on("match", (r) => seen.push(r.pattern));
    engine.push({ type: "A", ts: 1 });
    engine.addPattern(compile("pattern Q { match a: A }"));
    engine.push({ type: "A", ts: 2 });
    expect(engine.removePattern("P")).toBe(true);
    engine.push({ type: "A", ts: 3 });
    expect(seen).toEqual(["P", "P", "Q", "Q"]);
    expect(() => engine.addPattern(compile("pattern Q { match a: A }"))).toThrow(/already running/);
  });
  it("run() yields records and ends the input", async () => {
    const engine = new Engine(compile("pattern P { within 5ms match a: A not followed by b: B }"));
    const out: MatchRecord[] = [];
    for await (const r of engine.run([{ type: "A", ts: 0 }])) out.push(r);
    expect(out).toHaveLength(1);
    expect(() => engine.push({ type: "A", ts: 1 })).toThrow();
  });
});
