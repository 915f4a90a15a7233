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
import { compile, Engine, type MatchRecord } from "../../src/index.js";
import {
  canonical,
  eventsArb,
  fitToBudget,
  type GenEvent,
  patternArb,
  renderPattern,
} from "./pattern-arb.js";

function engineRecords(source: string, events: readonly GenEvent[]): string[] {
  const engine = new Engine(compile(source, { file: "differential.pattern" }), {});
  const out: string[] = [];
  engine.on("match", (r: MatchRecord) => {
    const taken = Object.entries(r.events).flatMap(([variable, evs]) =>
      evs.map((e) => ({ variable, e: e as GenEvent })),
    );
    const times = taken.map((t) => t.e.ts);
    const problems: string[] = [];
    if (r.pattern !== "P") problems.push(`pattern ${JSON.stringify(r.pattern)}`);
    if (r.timeout) problems.push("timeout flag on a match");
    if (r.start !== Math.min(...times) || r.end !== Math.max(...times))
      problems.push(`start/end ${r.start}/${r.end}`);
    out.push(
      canonical(
        r.key,
        taken.map((t) => ({ id: t.e.id, variable: t.variable })),
      ) + (problems.length > 0 ? `  !! ${problems.join(", ")}` : ""),
    );
  });
  engine.on("timeout", (r: unknown) => out.push(`!! unexpected timeout ${JSON.stringify(r)}`));
  engine.on("late", (e: unknown, reason: unknown) =>
    out.push(`!! unexpected late ${JSON.stringify({ e, reason })}`),
  );
  engine.on("error", (x: unknown) => out.push(`!! unexpected error ${JSON.stringify(x)}`));
  for (const e of events) engine.push({ ...e });
  engine.end();
  return out.sort();
}

/** Multiset difference a − b. */
function minus(a: string[], b: string[]): string[] {
  const count = new Map<string, number>();
  for (const x of b) count.set(x, (count.get(x) ?? 0) + 1);
  return a.filter((x) => {
    const c = count.get(x) ?? 0;
    if (c === 0) return true;
    count.set(x, c - 1);
    return false;
  });
}

describe("differential: engine vs naive reference matcher", () => {
  it("produces the same multiset of matches on random patterns and streams", () => {
    fc.assert(
      fc.property(patternArb, eventsArb(30), (p, raw) => {
        const { events, expected } = fitToBudget(p, raw);
        const source = renderPattern(p);
        const actual = engineRecords(source, events);
        const missing = minus(expected, actual);
        const unexpected = minus(actual, expected);
        if (missing.length > 0 || unexpected.length > 0) {
          throw new Error(
            [
              "engine and oracle disagree",
              source,
              "events (id type v ts k):",
              ...events.map((e) => `  ${e.id} ${e.type} v=${e.v} ts=${e.ts} k=${e.k}`),
              `missing (${missing.length}):`,
              ...missing.map((m) => `  ${m}`),
              `unexpected (${unexpected.length}):`,
              ...unexpected.map((m) => `  ${m}`),
            ].join("\n"),
          );
        }
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
