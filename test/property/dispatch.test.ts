/**
 * With many patterns the engine dispatches events through an index (patterns with state
 * for the key, patterns the event's type and guard can start) instead of visiting every
 * pattern. Running patterns together must give each pattern exactly the records it gives
 * alone, in the same order.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile, Engine, type MatchRecord } from "../../src/index.js";
import { eventsArb, patternArb, renderPattern } from "./pattern-arb.js";

function run(source: string, events: readonly object[]): MatchRecord[] {
  const engine = new Engine(compile(source));
  const out: MatchRecord[] = [];
  engine.on("match", (r) => out.push(r));
  engine.on("timeout", (r) => out.push(r));
  for (const e of events) engine.push(e);
  engine.end();
  return out;
}

describe("indexed dispatch", () => {
  it("gives every pattern the records it gives alone", () => {
    fc.assert(
      fc.property(fc.array(patternArb, { minLength: 5, maxLength: 9 }), eventsArb(40), (patterns, events) => {
        const sources = patterns.map((p, i) => renderPattern(p, `P${i}`));
        const together = run(sources.join("\n"), events);
        sources.forEach((src, i) => {
          expect(together.filter((r) => r.pattern === `P${i}`)).toEqual(run(src, events));
        });
      }),
      { numRuns: 150 },
    );
  });

  it("indexes patterns by a start guard (one pattern per symbol)", () => {
    const symbols = Array.from({ length: 50 }, (_, i) => `S${i}`);
    const src = symbols
      .map(
        (s) =>
          `pattern P_${s} { key by sym  within 30s  match a: A where sym == "${s}" followed by b: B where sym == "${s}" and price > a.price }`,
      )
      .join("\n");
    const events = Array.from({ length: 400 }, (_, i) => ({
      type: i % 3 === 0 ? "A" : "B",
      sym: symbols[(i * 7) % 50],
      price: (i * 13) % 17,
      ts: i * 100,
    }));
    const together = run(src, events);
    expect(together.length).toBeGreaterThan(0);
    for (const s of symbols.slice(0, 10)) {
      const one = `pattern P_${s} { key by sym  within 30s  match a: A where sym == "${s}" followed by b: B where sym == "${s}" and price > a.price }`;
      expect(together.filter((r) => r.pattern === `P_${s}`)).toEqual(run(one, events));
    }
  });
});
