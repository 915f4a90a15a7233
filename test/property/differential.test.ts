/**
 * Differential property test: the engine against the naive reference matcher
 * (`test/reference/naive.ts`) on random patterns from the oracle's subset (see
 * `pattern-arb.ts`) and random streams of 0–30 events.
 *
 * Records are compared as multisets of (key, the matched events' ids each with its
 * variable); emission order is not compared. Each record's `pattern`, `start` and
 * `end` are checked too. Streams on which the oracle would enumerate too many candidate
 * prefixes (deep `followed by any` / `combinations` nests) are cut shorter.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import { assertSameRecords, engineRecords } from "./engine-records.js";
import { eventsArb, fitToBudget, patternArb, renderPattern } from "./pattern-arb.js";

describe("differential: engine vs naive reference matcher", () => {
  it("produces the same multiset of matches on random patterns and streams", () => {
    fc.assert(
      fc.property(patternArb, eventsArb(30), (p, raw) => {
        const { events, expected } = fitToBudget(p, raw);
        const source = renderPattern(p);
        assertSameRecords(
          "engine and oracle disagree",
          [source],
          events,
          expected,
          engineRecords(source, events),
        );
      }),
      { numRuns: Number(process.env.DIFF_RUNS ?? 1000) },
    );
  }, 120_000);

  it("the source renderer produces patterns the compiler accepts", () => {
    fc.assert(
      fc.property(patternArb, (p) => {
        expect(() => compile(renderPattern(p), { file: "differential.pattern" })).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
