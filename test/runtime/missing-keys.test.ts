/**
 * Missing keys (language.md §3, v1.3): an event without a pattern's key is reported for
 * that pattern only when its type is one the pattern's conditions can hold for; otherwise
 * it is skipped silently and counted as `unkeyed`.
 */
import { describe, expect, it } from "vitest";
import { compile, Engine, type EngineOptions } from "../../src/index.js";

const MIXED = `
pattern Logins { key by user  match a: LoginFailed followed by b: LoginOk }
pattern Heat   { key by sensor  match t: Temp where value > 30 next u: Temp where value > 30 }
`;

/** Three users' logins and two sensors' readings, interleaved. */
function mixedStream(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 7; i++) {
    out.push({ type: "LoginFailed", user: `u${i % 3}`, ts: i * 4 });
    out.push({ type: "Temp", sensor: `s${i % 2}`, value: 31 + i, ts: i * 4 + 1 });
    out.push({ type: "LoginOk", user: `u${i % 3}`, ts: i * 4 + 2 });
    out.push({ type: "Temp", sensor: `s${i % 2}`, value: 20, ts: i * 4 + 3 });
  }
  return out;
}

function run(source: string, events: readonly unknown[], options: EngineOptions = {}) {
  const engine = new Engine(compile(source, { file: "t.pattern" }), options);
  const reasons: string[] = [];
  const matches: string[] = [];
  engine.on("error", (e) => reasons.push(e.reason));
  engine.on("match", (r) => matches.push(r.pattern));
  for (const e of events) engine.push(e);
  engine.end();
  return { reasons, matches, stats: engine.stats(), engine };
}

/** Enough patterns that the engine dispatches through its key groups instead of a loop. */
function indexed(source: string): string {
  let extra = "";
  for (let i = 0; i < 5; i++) extra += `pattern Pad${i} { key by user  match a: Pad${i} }\n`;
  return source + extra;
}

describe("missing keys (language.md §3 v1.3)", () => {
  for (const [name, options] of [
    ["fed at once", {}],
    ["buffered (out-of-orderness)", { outOfOrderness: 5 }],
    ["processing time", { processingTime: true, clock: () => 1 }],
  ] as const) {
    it(`a mixed stream keyed on other fields makes no noise (${name})`, () => {
      const evs = mixedStream();
      const r = run(MIXED, evs, options);
      expect(r.reasons).toEqual([]);
      expect(r.stats.unkeyed).toBe(evs.length);
      expect(r.matches.filter((p) => p === "Logins")).toHaveLength(7);
      expect(r.stats.bad).toBe(0);
    });
  }

  it("a mixed stream makes no noise with the dispatch index either", () => {
    const evs = mixedStream();
    const r = run(indexed(MIXED), evs);
    expect(r.reasons).toEqual([]);
    expect(r.stats.unkeyed).toBe(evs.length);
    const r2 = run(indexed(MIXED), evs, { outOfOrderness: 5 });
    expect(r2.reasons).toEqual([]);
  });

  it("still reports an event of a type the pattern uses", () => {
    const evs = [
      { type: "LoginFailed", ts: 1 },
      { type: "Temp", value: 40, ts: 2 },
    ];
    for (const src of [MIXED, indexed(MIXED)]) {
      const r = run(src, evs);
      expect(r.reasons.filter((x) => !x.includes("Pad"))).toEqual([
        "missing key: Logins (user)",
        "missing key: Heat (sensor)",
      ]);
      // Each event is skipped silently by the other pattern.
      expect(r.stats.unkeyed).toBe(2);
    }
  });

  it("a type named only in a negated term counts; a type met only through strict contiguity does not", () => {
    const src = "pattern P { key by user  within 1h  match a: A next b: B not followed by c: C }";
    const r = run(src, [
      { type: "C", ts: 1 },
      { type: "D", ts: 2 },
    ]);
    expect(r.reasons).toEqual(["missing key: P (user)"]);
    expect(r.stats.unkeyed).toBe(1);
  });

  it("a * term holds for every type, unless its condition pins the type", () => {
    const any = run("pattern P { key by user  match x: * where v > 1 }", [{ type: "Z", v: 2, ts: 1 }]);
    expect(any.reasons).toEqual(["missing key: P (user)"]);
    const untyped = run("pattern P { key by user  match x: * }", [{ v: 2, ts: 1 }]);
    expect(untyped.reasons).toEqual(["missing key: P (user)"]);
    const pinned = 'pattern P { key by user  match x: * where type == "Alarm" and v > 1 }';
    expect(run(pinned, [{ type: "Z", v: 2, ts: 1 }]).reasons).toEqual([]);
    expect(run(pinned, [{ type: "Alarm", v: 2, ts: 1 }]).reasons).toEqual(["missing key: P (user)"]);
    // With another type field, `type` is an ordinary field and pins nothing.
    expect(run(pinned, [{ kind: "Z", type: "Z", v: 2, ts: 1 }], { typeField: "kind" }).reasons).toEqual([
      "missing key: P (user)",
    ]);
  });

  it("a composite key reports the first missing path, for relevant types only", () => {
    const src = "pattern P { key by user, order.id  match a: A }";
    const r = run(src, [
      { type: "A", user: "u", ts: 1 },
      { type: "B", user: "u", ts: 2 },
    ]);
    expect(r.reasons).toEqual(["missing key: P (order.id)"]);
    expect(r.stats.unkeyed).toBe(1);
  });

  it("the patterns option limits reports to the selected patterns", () => {
    const evs = [
      { type: "LoginFailed", ts: 1 },
      { type: "Temp", value: 40, ts: 2 },
    ];
    const r = run(MIXED, evs, { patterns: ["Heat"] });
    expect(r.reasons).toEqual(["missing key: Heat (sensor)"]);
    expect(r.stats.unkeyed).toBe(1);
  });

  it("the unkeyed count survives a snapshot", () => {
    const program = compile(MIXED, { file: "t.pattern" });
    const a = new Engine(program);
    for (const e of mixedStream().slice(0, 6)) a.push(e);
    const b = new Engine(program, { restore: JSON.parse(JSON.stringify(a.snapshot())) });
    expect(b.stats().unkeyed).toBe(6);
    b.push({ type: "Temp", sensor: "s1", value: 1, ts: 100 });
    expect(b.stats().unkeyed).toBe(7);
  });
});
