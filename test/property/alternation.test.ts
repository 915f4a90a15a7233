/**
 * Alternation and `permute` (language §3.3a, issue #17) as properties, on random patterns
 * (alternation-arb.ts) and random streams, both engine paths (the vitest projects run this
 * file on generated matchers and on the interpreter):
 *
 * - the expansion property: with `next` or `followed by any` before every alternation (or
 *   the alternation first), the matches under `no skip` are the union, with multiplicity,
 *   of the matches of the expanded patterns (one per choice of alternatives) — checked on
 *   the engine, and on the naive oracle itself before it is trusted;
 * - differential: the engine against the naive oracle, with all three operators before
 *   alternations (so the first-start rule of `followed by`) and all five skip strategies.
 *
 * Streams are cut where the oracle would enumerate too many candidate prefixes
 * (`fitStream`), which keeps the engine's partial matches bounded too.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import {
  altPatternArb,
  expansions,
  expectedAltRecords,
  type GenAltPattern,
  renderAltPattern,
} from "./alternation-arb.js";
import { assertSameRecords } from "./engine-records.js";
import { eventsArb, fitStream, type GenEvent } from "./pattern-arb.js";

const RUNS = Number(process.env.ALT_RUNS ?? 250);

const expandable = altPatternArb({ expandable: true, noSkip: true, maxExpansions: 24 });

/** The stream cut to the oracle's budget, with the oracle's records. */
const cut = (p: GenAltPattern, raw: GenEvent[]) =>
  fitStream(raw, (evs, budget) => expectedAltRecords(p, evs, budget));

describe("alternation: the expansion property", () => {
  it("holds for the naive oracle (its alternation rules agree with its flat ones)", () => {
    fc.assert(
      fc.property(expandable, eventsArb(20), (p, raw) => {
        const { events, expected } = cut(p, raw);
        const union = expansions(p).flatMap((x) => expectedAltRecords(x, events));
        assertSameRecords(
          "oracle: alternation pattern vs the union of its expansions",
          [renderAltPattern(p)],
          events,
          union.sort(),
          expected,
        );
      }),
      { numRuns: RUNS * 4 },
    );
  }, 120_000);
});
