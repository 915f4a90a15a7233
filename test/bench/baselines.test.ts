/**
 * The bench's F1 baselines (the tightest hand-written loop per pattern) find exactly the
 * engine's matches, as F2 and F3 do: the harness's oracle on small inputs of every
 * workload, with windows crossed so expiry is exercised. And the oracle notices an F1 that
 * loses a match.
 */
import { describe, expect, it } from "vitest";
import type { BaselineFactory } from "../../bench/baselines/types.js";
import { hotKeyEvents, w1Events, w3Events, w4Events, w7Events } from "../../bench/gen.js";
import { type BenchCase, verify } from "../../bench/harness.js";
import { w1Cases } from "../../bench/workloads/w1.js";
import { w3Cases } from "../../bench/workloads/w3.js";
import { w4Cases } from "../../bench/workloads/w4.js";
import { w7Cases } from "../../bench/workloads/w7.js";
import { compile } from "../../src/index.js";

/** The harness's oracle (engine, F1, F2, F3 on a prefix); and F1 alone must count F2's matches. */
function check(c: BenchCase, events: readonly object[], n: number): string[] {
  const m = Math.min(n, events.length);
  const count = (f: BenchCase["f1"]) => {
    let k = 0;
    f(() => k++).run(events, 0, m);
    return k;
  };
  const f1 = count(c.f1);
  const f2 = count(c.f2);
  const errors = verify(c, compile(c.source), events, m);
  return f1 === f2 ? errors : [...errors, `${c.id}: F1 ${f1} matches, F2 ${f2}`];
}

describe("F1 baselines agree with the engine (and F2, F3)", () => {
  const w1 = w1Events(30_000, 11);
  for (const c of w1Cases().cases) {
    // fb-any with long windows enumerates a great many matches: a shorter prefix suffices.
    const n = c.id.includes("fb-any w=1000") ? 1_500 : c.id.includes("n=5 fb-any w=100") ? 4_000 : 30_000;
    it(c.id, () => expect(check(c, w1, n)).toEqual([]));
  }
  const w3 = { 100: w3Events(40_000, 100, 5), 10000: w3Events(40_000, 10_000, 5) };
  for (const c of w3Cases())
    it(c.id, () => expect(check(c, c.id.includes("10k") ? w3[10_000] : w3[100], 40_000)).toEqual([]));
  // 10 events per ms of event time: the 10 s window spans 100k events, crossed twice.
  const w4 = { uniform: w4Events({ n: 250_000, keys: 1_000, dist: "uniform", seed: 9, rate: 10 }) };
  const w4z = w4Events({ n: 250_000, keys: 1_000, dist: "zipf", seed: 9, rate: 10 });
  for (const c of w4Cases()) {
    const events = c.id === "W4 hot key" ? hotKeyEvents(12_000, 2) : c.id.endsWith("zipf") ? w4z : w4.uniform;
    it(c.id, () => expect(check(c, events, 250_000)).toEqual([]));
  }
  const w7 = w7Events(80_000, 1000, 13);
  for (const c of w7Cases())
    it(c.id, () => expect(check(c, w7, c.id === "W7 1,000 patterns" ? 8_000 : 80_000)).toEqual([]));
});

describe("the oracle checks F1", () => {
  it("reports an F1 that drops one match", () => {
    const c = w1Cases().cases.find((x) => x.id === "W1 n=3 fb w=100") as BenchCase;
    const lossy: BaselineFactory = (sink) => {
      let dropped = false;
      return c.f1((evs, emit) => {
        if (dropped) sink(evs, emit);
        dropped = true;
      });
    };
    const errors = check({ ...c, f1: lossy }, w1Events(5_000, 11), 5_000);
    // The harness's oracle (the hash of every match) and the direct count both see it.
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/oracle mismatch .*F1/);
    expect(errors[1]).toMatch(/F1 \d+ matches, F2 \d+$/);
  });
});
