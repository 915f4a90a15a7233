/**
 * The growth model of W2006 (src/lang/check-state.ts) against the engine: each row's
 * pattern is fed n events of one key that can take part in a match but never complete
 * it (the worst case the model describes), and the live partial-match count
 * (`engine.stats().partialMatchesByPattern`) must grow with the order the model derives
 * from the structure: doubling n multiplies it by ~2^degree (polynomial), or one more
 * event doubles it (`combinations`). Rows with degree 1 are the near misses that must
 * not warn.
 */
import { describe, expect, it } from "vitest";
import { compile, Engine } from "../../src/index.js";
import { growth } from "../../src/lang/check-state.js";
import { parse } from "../../src/lang/parse.js";

/**
 * Live partial matches of pattern P after feeding `types` (one key, 1 ms apart, all in
 * the window), without the engine's per-key limit (10,000 by default) cutting them off.
 */
function live(source: string, types: readonly string[]): number {
  const engine = new Engine(compile(source), { limits: { partialMatchesPerKey: 1e9 } });
  types.forEach((type, i) => {
    engine.push({ type, ts: 1_000 + i });
  });
  return engine.stats().partialMatchesByPattern.P ?? 0;
}

function degreeOf(source: string): number {
  const ast = parse(source, "g.pattern").ast!;
  return growth(ast.patterns[0]).degree;
}

const stream = (n: number, cycle: readonly string[]) =>
  Array.from({ length: n }, (_, i) => cycle[i % cycle.length]);

// [match clause, event types cycled through the stream, degree the model must give]
const rows: [string, string[], number][] = [
  ["a: A followed by any b: A followed by c: Z", ["A"], 2],
  ["a: A followed by any b: A followed by any c: A followed by d: Z", ["A"], 3],
  ["a: A+ followed by b: A followed by c: Z", ["A"], 2],
  ["a: A+ followed by b: B followed by c: Z", ["A", "B"], 2],
  ["a: A followed by any b: A+", ["A"], 2],
  ["a: A followed by (b: A followed by any c: A) followed by d: Z", ["A"], 2],
  ["a: A followed by (b: A next c: B)+ followed by d: C followed by e: Z", ["A", "B", "C"], 2],
  // linear: no warning
  ["a: A followed by b: A followed by c: Z", ["A"], 1],
  ["a: A followed by any b: A", ["A"], 1],
  ["a: A+ followed by b: A", ["A"], 1],
  ["a: A+ consecutive followed by b: B followed by c: Z", ["A", "B"], 1],
  ["a: A{2,} consecutive next b: B followed by c: Z", ["A", "A", "B"], 1],
];

describe("W2006's growth model against the engine", () => {
  for (const [match, cycle, degree] of rows) {
    it(`${match}: degree ${degree}`, () => {
      const source = `pattern P { within 1 hour match ${match} }`;
      expect(degreeOf(source)).toBe(degree);
      const n = degree >= 3 ? 30 : 60;
      const small = live(source, stream(n, cycle));
      const large = live(source, stream(2 * n, cycle));
      const order = Math.log2(large / small);
      expect(order).toBeGreaterThan(degree - 0.4);
      expect(order).toBeLessThan(degree + 0.4);
    });
  }

  it("estimates the count itself, not only its order: ~n^d/d!", () => {
    const source = "pattern P { within 1 hour match a: A followed by any b: A followed by c: Z }";
    const n = 100;
    const measured = live(source, stream(n, ["A"]));
    expect(measured / (n ** 2 / 2)).toBeGreaterThan(0.8);
    expect(measured / (n ** 2 / 2)).toBeLessThan(1.25);
  });

  it("`combinations` doubles the partial matches with every event", () => {
    const source = "pattern P { within 1 hour match a: A followed by b: A+ combinations followed by c: Z }";
    expect(degreeOf(source)).toBe(Number.POSITIVE_INFINITY);
    const at12 = live(source, stream(12, ["A"]));
    const at13 = live(source, stream(13, ["A"]));
    expect(at13 / at12).toBeGreaterThan(1.8);
    expect(at13 / at12).toBeLessThan(2.2);
  });
});
