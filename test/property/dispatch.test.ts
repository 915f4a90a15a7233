/**
 * With many patterns the engine dispatches events through an index (patterns with state
 * for the key, patterns the event's type and guard can start) instead of visiting every
 * pattern. Running patterns together must give each pattern exactly the records it gives
 * alone, in the same order.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile, Engine, type MatchRecord } from "../../src/index.js";
import { eventsArb, fitToBudget, patternArb, renderPattern } from "./pattern-arb.js";

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
      // 30 events, not 40: some generated pattern sets (loops under `followed by any`) grow
      // their output exponentially with the stream, and one such case took over two minutes.
      fc.property(
        fc.array(patternArb, { minLength: 5, maxLength: 9 }),
        eventsArb(30),
        (patterns, generated) => {
          // Cut to what every pattern's oracle handles within budget: a single case is not bounded otherwise.
          const events = patterns.reduce((evs, p) => fitToBudget(p, evs).events, generated);
          const sources = patterns.map((p, i) => renderPattern(p, `P${i}`));
          const together = run(sources.join("\n"), events);
          sources.forEach((src, i) => {
            expect(together.filter((r) => r.pattern === `P${i}`)).toEqual(run(src, events));
          });
        },
      ),
      // A safety net for the rare explosive case: stop (as passed) after 60 s of cases.
      { numRuns: 150, interruptAfterTimeLimit: 60_000 },
    );
  });

  it("indexes patterns by a global guard only when every reacting edge carries it", () => {
    const term = fc.record({
      type: fc.constantFrom("A", "B", "C"),
      guarded: fc.boolean(),
      quant: fc.constantFrom("", "+", "{2}", "?"),
      cmp: fc.constantFrom("", " and price > 3", " or price > 8"),
    });
    const patternSrc = fc
      .record({
        sym: fc.constantFrom("S0", "S1", "S2"),
        keyed: fc.boolean(),
        within: fc.option(fc.integer({ min: 2, max: 20 })),
        terms: fc.array(term, { minLength: 1, maxLength: 3 }),
        joins: fc.array(fc.constantFrom("followed by", "followed by any", "next"), {
          minLength: 2,
          maxLength: 2,
        }),
      })
      .map((p) => {
        const parts = p.terms.map((t, i) => {
          // The first term always carries the guard (a start guard); later ones may not.
          const guard = i === 0 || t.guarded ? `sym == "${p.sym}"` : "price >= 0";
          const quant = i === 0 && t.quant === "?" ? "" : t.quant;
          return `t${i}: ${t.type}${quant} where ${guard}${t.cmp}`;
        });
        const match = parts.map((x, i) => (i === 0 ? x : `${p.joins[i - 1]} ${x}`)).join(" ");
        return (name: string) =>
          `pattern ${name} { ${p.keyed ? "key by k  " : ""}${p.within === null ? "" : `within ${p.within}ms  `}match ${match} }`;
      });
    const eventArb = fc.array(
      fc.record({
        type: fc.constantFrom("A", "B", "C"),
        sym: fc.constantFrom("S0", "S1", "S2"),
        price: fc.integer({ min: 0, max: 10 }),
        k: fc.integer({ min: 0, max: 1 }),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(fc.array(patternSrc, { minLength: 5, maxLength: 8 }), eventArb, (makers, raw) => {
        const events = raw.map((e, i) => ({ ...e, ts: i }));
        const sources = makers.map((m, i) => m(`P${i}`));
        const together = run(sources.join("\n"), events);
        sources.forEach((src, i) => {
          expect(together.filter((r) => r.pattern === `P${i}`)).toEqual(run(src, events));
        });
      }),
      { numRuns: 300 },
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
