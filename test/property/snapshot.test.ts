/**
 * Snapshot round trip (issue 6): for generated patterns and streams and a random cut
 * point, run to the cut → snapshot → JSON.stringify → parse → restore in a fresh engine
 * → continue. The records (matches and timeouts) must equal an uninterrupted run's, in order.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile, Engine, type EngineOptions, type MatchRecord } from "../../src/index.js";
import { eventsArb, fitToBudget, type GenEvent, patternArb, renderPattern } from "./pattern-arb.js";

/** Fixed sources exercising what the generator does not: timeouts, NOTs, groups, term windows. */
const EXTRA = [
  "pattern T { key by k  within 6ms  match a: A followed by b: B+ followed by c: C  on timeout emit { n: count(b) } }",
  "pattern N { key by k  within 5ms  after match skip past last event  match a: A followed by any b: B not followed by c: C }",
  "pattern G { after match skip to first b  match a: A followed by (b: B next c: C){2,} followed by d: D }",
  "pattern W { key by k  within 20ms  match a: A followed by b: B within 4ms  on timeout  emit { x: a.v + b.v } }",
  "pattern U { match a: A followed by b: B+ greedy until (v > 3) followed by c: * where v == 0 }",
];

function runAll(
  source: string,
  events: readonly object[],
  options: EngineOptions,
  cut: number | null,
): MatchRecord[] {
  const program = compile(source);
  const out: MatchRecord[] = [];
  const attach = (e: Engine) => {
    e.on("match", (r) => out.push(r));
    e.on("timeout", (r) => out.push(r));
  };
  let engine = new Engine(program, options);
  attach(engine);
  for (let i = 0; i < events.length; i++) {
    if (i === cut) {
      const snap = JSON.parse(JSON.stringify(engine.snapshot()));
      engine = new Engine(program, { ...options, restore: snap });
      attach(engine);
    }
    engine.push(events[i]);
  }
  engine.end();
  return out;
}

/** Some disorder (within the bound) and some watermark records over generated events. */
function disorder(events: readonly GenEvent[], ooo: number, watermarks: boolean): object[] {
  const out: object[] = [];
  for (const e of events) {
    const ts = Math.max(0, e.ts - (e.id % 3 === 0 ? ooo : 0));
    out.push({ ...e, ts });
    if (watermarks && e.id % 7 === 0) out.push({ $watermark: ts - ooo - 1 });
  }
  return out;
}

const rawStreamArb = fc.tuple(eventsArb(30), fc.integer({ min: 0, max: 3 }), fc.boolean());
const streamArb = rawStreamArb.map(([events, ooo, watermarks]) => ({
  events: disorder(events, ooo, watermarks),
  ooo,
}));

describe("snapshot and restore", () => {
  it("continues exactly where it stopped (generated patterns)", () => {
    fc.assert(
      fc.property(patternArb, rawStreamArb, fc.nat(), (p, [raw, ooo, watermarks], cutSeed) => {
        const src = renderPattern(p);
        // Cut streams whose partial matches would explode (the runs are not bounded otherwise).
        const s = { events: disorder(fitToBudget(p, raw).events, ooo, watermarks), ooo };
        const cut = s.events.length === 0 ? null : cutSeed % (s.events.length + 1);
        const opts = { outOfOrderness: s.ooo };
        expect(runAll(src, s.events, opts, cut)).toEqual(runAll(src, s.events, opts, null));
      }),
      { numRuns: 400 },
    );
  });

  it("continues exactly where it stopped (timeouts, negation, groups, term windows)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...EXTRA), streamArb, fc.nat(), (src, s, cutSeed) => {
        const cut = s.events.length === 0 ? null : cutSeed % (s.events.length + 1);
        const opts = { outOfOrderness: s.ooo };
        expect(runAll(src, s.events, opts, cut)).toEqual(runAll(src, s.events, opts, null));
      }),
      { numRuns: 400 },
    );
  });

  it("shares events and cells across branches in the snapshot", () => {
    const engine = new Engine(compile("pattern P { match a: A followed by any b: B followed by any c: C }"));
    const evs = [{ type: "A", ts: 1 }, ...Array.from({ length: 10 }, (_, i) => ({ type: "B", ts: 2 + i }))];
    for (const e of evs) engine.push(e);
    const snap = engine.snapshot();
    expect(snap.events).toHaveLength(11);
    expect(snap.cells).toHaveLength(11);
    expect(snap.runners[0].keys[0].partials).toHaveLength(11);
  });

  it("refuses a snapshot of different patterns, and foreign data", () => {
    const a = new Engine(compile("pattern P { match a: A followed by b: B }"));
    a.push({ type: "A", ts: 1 });
    const snap = a.snapshot();
    expect(() => new Engine(compile("pattern P { match a: A followed by b: C }"), { restore: snap })).toThrow(
      /different patterns/,
    );
    expect(() => new Engine(compile("pattern Q { match a: A }"), { restore: snap })).toThrow(
      /different patterns/,
    );
    expect(() => new Engine(compile("pattern P { match a: A }"), { restore: { hello: 1 } })).toThrow(
      /not a Cepheus/,
    );
    expect(
      () => new Engine(compile("pattern P { match a: A }"), { restore: { ...snap, version: 99 } }),
    ).toThrow(/version 99/);
  });
});
