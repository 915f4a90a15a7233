/**
 * `explainWhy` (runtime/trace/why.ts) over real trace records: the ranking of partial
 * matches, the nearest rejections of a waiting one, and verdicts for expectations given
 * as lines or as events per variable.
 */
import { describe, expect, test } from "vitest";
import {
  compile,
  Engine,
  type EngineOptions,
  explainWhy,
  type TraceRecord,
  type WhyEvent,
  type WhyExpectation,
  WhyExpectationError,
  whyText,
} from "../../src/index.js";

/** Runs `src` over `events` (line n = events[n-1]) tracing every key, and explains `key`. */
function why(
  src: string,
  events: object[],
  key: unknown,
  expect?: WhyExpectation,
  options: EngineOptions = {},
) {
  const program = compile(src, { file: "t.pattern" });
  const records: TraceRecord[] = [];
  const lines = new WeakMap<object, number>();
  const engine = new Engine(program, {
    ...options,
    trace: { sink: (r) => records.push(r), describeEvent: (e) => ({ line: lines.get(e as object) }) },
  });
  const fed: WhyEvent[] = [];
  events.forEach((e, i) => {
    lines.set(e, i + 1);
    fed.push({ line: i + 1, event: e });
    engine.push(e);
  });
  engine.end();
  const report = explainWhy({ pattern: program.patterns[0], key, records, events: fed, expect });
  return { report, text: whyText(report, { source: () => src }) };
}

const E = (type: string, ts: number, x: object = {}) => ({ type, ts, k: 1, ...x });

describe("explainWhy", () => {
  test("the furthest partial matches: most terms first, then most events, then latest; copies once", () => {
    const { report } = why(
      "pattern P { key by k match a: A followed by any b: B where v > 0 followed by c: C }",
      [E("A", 1), E("A", 2), E("B", 3, { v: 1 }), E("B", 4, { v: 0 })],
      1,
    );
    expect(report.matches).toEqual([]);
    // Both A's reached b (2 terms); the later one ranks first on a tie.
    expect(report.furthest.map((p) => p.events.map((e) => e.event.line))).toEqual([
      [2, 3],
      [1, 3],
    ]);
    expect(report.furthest[0].terms).toEqual(["a", "b"]);
    expect(report.furthest[0].end?.op).toBe("ended");
    // Waiting for c: line 4 was a B (a type mismatch for c), so it is listed.
    expect(report.furthest[0].rejections.map((r) => r.event.line)).toEqual([4]);
  });

  test("terms on the path: of each alternation the alternatives taken, else the shortest and longest", () => {
    const pathOf = (src: string, events: object[]) =>
      why(`pattern P { key by k match ${src} }`, events, 1).report.furthest[0].pathTerms;
    const nested =
      "a: A followed by (b: B followed by (c: C | d: D followed by e: E) | f: F) followed by g: G";
    // Undecided: a g plus b c / b d e / f.
    expect(pathOf(nested, [E("A", 1)])).toEqual([3, 5]);
    // b taken: the inner alternation still open.
    expect(pathOf(nested, [E("A", 1), E("B", 2)])).toEqual([4, 5]);
    expect(pathOf(nested, [E("A", 1), E("B", 2), E("D", 3)])).toEqual([5, 5]);
    expect(pathOf(nested, [E("A", 1), E("F", 2)])).toEqual([3, 3]);
    // A quantified alternation that chose both: a match holds terms of both.
    expect(
      pathOf("a: A followed by (b: B | c: C){2} followed by d: D", [E("A", 1), E("B", 2), E("C", 3)]),
    ).toEqual([4, 4]);
    // A permute is no choice: every element is on every path.
    expect(pathOf("a: A followed by permute(b: B, c: C) followed by d: D", [E("A", 1), E("C", 2)])).toEqual([
      4, 4,
    ]);
  });

  test("nearest rejections: condition failures before type mismatches, most recent first", () => {
    const { report, text } = why(
      "pattern P { key by k match a: A followed by b: B where amount > 100 }",
      [E("A", 1), E("B", 2, { amount: 50 }), E("C", 3), E("B", 4, { amount: 87 }), E("D", 5)],
      1,
    );
    const rej = report.furthest[0].rejections;
    expect(rej.map((r) => r.event.line)).toEqual([4, 2, 5]);
    expect(rej[0].reasons[0]).toMatchObject({
      rule: "condition",
      condition: "amount > 100",
      values: [{ expr: "amount", value: 87 }],
    });
    expect(rej[2].reasons[0]).toMatchObject({ rule: "type", expected: "B", got: "D" });
    expect(text).toContain("line 4: B — amount > 100 is false, amount = 87");
    expect(text).toContain("t.pattern:1:");
  });

  test("an expectation by lines: the first expected event not taken and the conjunct that failed", () => {
    const { report } = why(
      "pattern P { key by k match a: A followed by b: B where v == a.v and w > 1 }",
      [E("A", 1, { v: 1 }), E("B", 2, { v: 1, w: 0 }), E("B", 3, { v: 2, w: 5 })],
      1,
      { lines: [1, 2] },
    );
    expect(report.verdict).toMatchObject({
      outcome: "rejected",
      taken: 1,
      partial: "p1",
      event: { line: 2 },
      reason: { rule: "condition", condition: "w > 1", values: [{ expr: "w", value: 0 }] },
    });
  });

  test("an expectation by events: matched to input lines by deep equality, variables checked", () => {
    const events = [E("A", 1), E("B", 2), E("B", 3)];
    const src = "pattern P { key by k match a: A followed by b: B followed by c: B }";
    const ok = why(src, events, 1, {
      events: { b: [{ k: 1, ts: 2, type: "B" }], a: [E("A", 1)], c: [E("B", 3)] },
    });
    expect(ok.report.verdict).toMatchObject({ outcome: "match", partial: "p1" });
    expect(ok.report.verdict?.expected.map((e) => [e.event.line, e.term])).toEqual([
      [1, "a"],
      [2, "b"],
      [3, "c"],
    ]);
    const swapped = why(src, events, 1, { events: { a: [E("A", 1)], c: [E("B", 2)] } });
    expect(swapped.report.verdict).toMatchObject({ outcome: "otherTerm", other: { term: "b" } });
  });

  test("an expected event that nothing equals: the nearest input event, and how it differs", () => {
    const { report } = why(
      "pattern P { key by k match a: A followed by b: B where v > 1 }",
      [E("A", 1), E("B", 2, { v: 0 })],
      1,
      { events: { a: [E("A", 1)], b: [E("B", 2, { v: 5 })] } },
    );
    expect(report.verdict?.expected[1]).toMatchObject({
      event: { line: 2 },
      differs: ["v: expected 5, got 0"],
    });
    expect(report.verdict).toMatchObject({ outcome: "rejected", reason: { condition: "v > 1" } });
    expect(() =>
      why("pattern P { key by k match a: A }", [E("A", 1)], 1, { events: { a: [{ x: 1 }] } }),
    ).toThrow(WhyExpectationError);
    expect(() => why("pattern P { key by k match a: A }", [E("A", 1)], 1, { lines: [9] })).toThrow(
      "line 9 is not an event of the input",
    );
    expect(() =>
      why("pattern P { key by k match a: A }", [E("A", 1)], 1, { events: { z: [E("A", 1)] } }),
    ).toThrow("P has no variable z");
  });

  test("verdicts for rules that end a partial match: window, negation, skip, late", () => {
    const w = why(
      "pattern P { key by k within 5 ms match a: A followed by b: B }",
      [E("A", 1), E("B", 10)],
      1,
      {
        lines: [1, 2],
      },
    );
    expect(w.report.verdict).toMatchObject({
      outcome: "ended",
      ended: "died",
      reason: { rule: "window", scope: "pattern", deadline: 6 },
    });
    const n = why(
      "pattern P { key by k match a: A not followed by n: N followed by b: B }",
      [E("A", 1), E("N", 2), E("B", 3)],
      1,
      { lines: [1, 3] },
    );
    expect(n.report.verdict).toMatchObject({
      outcome: "ended",
      at: { line: 2 },
      reason: { rule: "negation", term: "n" },
    });
    const s = why(
      "pattern P { key by k after match skip past last event match a: A followed by b: B }",
      [E("A", 1), E("A", 2), E("B", 3)],
      1,
      { lines: [2, 3] },
    );
    expect(s.report.verdict).toMatchObject({ outcome: "discarded", by: "p1", reason: { rule: "skip" } });
    const late = why("pattern P { key by k match a: A followed by b: B }", [E("A", 5), E("B", 3)], 1, {
      lines: [1, 2],
    });
    expect(late.report.verdict).toMatchObject({
      outcome: "notFed",
      event: { line: 2 },
      reason: { rule: "late" },
    });
    expect(late.report.notFed).toMatchObject([{ event: { line: 2 }, reason: { rule: "late" } }]);
  });

  test("other keys' records are left out; an expected event of another key says so", () => {
    const { report } = why(
      "pattern P { key by k match a: A followed by b: B }",
      [E("A", 1), { type: "B", ts: 2, k: 2 }, { type: "A", ts: 3, k: 2 }],
      1,
      { lines: [1, 2] },
    );
    expect(report.partials).toBe(1);
    expect(report.verdict).toMatchObject({ outcome: "otherKey", by: "2", event: { line: 2 } });
  });
});
