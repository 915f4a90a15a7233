/**
 * Generated matchers (issue #16) against the interpreter, record by record: the same
 * records in the same order, and the same `engine.stats()`, on random patterns and streams
 * (pattern-arb.ts) and on the snapshot suite's timeouts / negation / groups / term windows
 * patterns; conditions with a (fake) `emit` inlined; shared code for patterns that differ
 * only in literals and names.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CompiledPattern, Program } from "../../src/compile/model.js";
import type { NfaState } from "../../src/compile/nfa.js";
import { compile, Engine, type EngineOptions, type MatchRecord } from "../../src/index.js";
import { compiledSourceCount, generatedSource } from "../../src/runtime/codegen/instantiate.js";
import { withFakeEmit } from "../support/fake-emit.js";
import { eventsArb, type GenEvent, patternArb, renderPattern } from "./pattern-arb.js";

const HANDMADE = [
  "pattern T { key by k  within 6ms  match a: A followed by b: B+ followed by c: C  on timeout emit { n: count(b) } }",
  "pattern N { key by k  within 5ms  after match skip past last event  match a: A followed by any b: B not followed by c: C }",
  "pattern G { after match skip to first b  match a: A followed by (b: B next c: C){2,} followed by d: D }",
  "pattern W { key by k  within 20ms  match a: A followed by b: B within 4ms  on timeout  emit { x: a.v + b.v } }",
  "pattern U { match a: A followed by b: B+ greedy until (v > 3) followed by c: * where v == 0 }",
  "pattern X { key by k  match a: A where v > 2 next b: B where b.v > a.v not next c: C followed by d: D? followed by e: A }",
  "pattern Y { key by k  within 8ms  after match skip to last b  match a: A followed by any b: B{2,3} consecutive optional followed by c: C }",
];

/** Every record and counter of a run, as text. */
function run(program: Program, events: readonly object[], options: EngineOptions): string[] {
  const engine = new Engine(program, options);
  const out: string[] = [];
  engine.on("match", (r: MatchRecord) => out.push(`match ${JSON.stringify(r)}`));
  engine.on("timeout", (r: MatchRecord) => out.push(`timeout ${JSON.stringify(r)}`));
  engine.on("late", (e: unknown, reason: string) => out.push(`late ${JSON.stringify(e)} ${reason}`));
  engine.on("error", (x: unknown) => out.push(`error ${JSON.stringify(x)}`));
  for (let i = 0; i < events.length; i++) {
    engine.push(events[i]);
    if (i % 10 === 9) out.push(`stats ${JSON.stringify(engine.stats())}`);
  }
  engine.end();
  out.push(`stats ${JSON.stringify(engine.stats())}`);
  return out;
}

/** Asserts both paths give the same output, and that the generated one really ran generated code. */
function same(program: Program, events: readonly object[]): void {
  for (const p of program.patterns) expect("source" in generatedSource(p), p.name).toBe(true);
  expect(run(program, events, { codegen: true })).toEqual(run(program, events, { codegen: false }));
}

const streamArb = eventsArb(30).map((events) => events.map((e: GenEvent) => ({ ...e })));

describe("generated matchers vs the interpreter", () => {
  it("give the same records, in order, and the same stats on random patterns and streams", () => {
    fc.assert(
      fc.property(patternArb, streamArb, (p, events) => {
        same(compile(renderPattern(p), { file: "codegen.pattern" }), events.slice(0, 20));
      }),
      { numRuns: Number(process.env.CODEGEN_RUNS ?? 200) },
    );
  }, 120_000);

  it("give the same records on timeouts, negation, groups, term windows and skip strategies", () => {
    const program = compile(HANDMADE.join("\n"), { file: "handmade.pattern" });
    fc.assert(
      fc.property(streamArb, (events) => same(program, events)),
      { numRuns: 150 },
    );
  }, 120_000);

  it("inline conditions that have an emitted form (with and without the context)", () => {
    const base = compile([...HANDMADE, "pattern Z { match a: A followed by b: B where v > 1 }"].join("\n"));
    const program = { ...base, patterns: base.patterns.map(withFakeEmit) };
    for (const p of program.patterns) {
      const gen = generatedSource(p);
      expect("source" in gen && gen.source.includes("H.readField(event, L[")).toBe(true);
    }
    // A state whose conditions are all inlined without the context does not bind it.
    const z = generatedSource(program.patterns.find((p) => p.name === "Z") as CompiledPattern);
    expect("source" in z && z.source.includes("ctx.bind(null)")).toBe(false);
    fc.assert(
      fc.property(streamArb, (events) => same(program, events)),
      { numRuns: 150 },
    );
  }, 120_000);

  it("share one compiled function between patterns that differ only in literals and names", () => {
    const a = compile(
      "pattern Alpha { key by k within 5ms match x: A where v > 1 followed by y: B where v == 2 }",
    );
    const b = compile(
      "pattern `Beta \u2028 */` { key by k within 9ms match `q*/`: A where v > 7 followed by r: B where v == 3 }",
    );
    const [pa, pb] = [withFakeEmit(a.patterns[0]), withFakeEmit(b.patterns[0])];
    const exec = (p: CompiledPattern) => {
      const g = generatedSource(p);
      if (!("source" in g)) throw new Error(g.fallback);
      return g.source
        .split("\n")
        .filter((l) => !l.trim().startsWith("//"))
        .join("\n");
    };
    expect(exec(pa)).toBe(exec(pb));
    const before = compiledSourceCount();
    new Engine({ ...a, patterns: [pa] }, { codegen: true });
    const after = compiledSourceCount();
    new Engine({ ...b, patterns: [pb] }, { codegen: true });
    expect(compiledSourceCount()).toBe(after);
    expect(after - before).toBeLessThanOrEqual(1);
  });

  it("fall back to the interpreter, with the reason, when the expansion would be too large", () => {
    // 24 states, each with a conditional PROCEED to the next: 2^24 paths through the graph.
    const base = compile("pattern P { match a: A followed by b: B }");
    const p = base.patterns[0];
    const c = p.nfa.states[p.nfa.start].edges[0].cond; // take if type == "A"
    const N = 24;
    const states: NfaState[] = [];
    for (let i = 0; i < N; i++) {
      const edges = [
        { action: "proceed" as const, target: i + 1, cond: c },
        { action: "take" as const, target: i + 1, cond: c },
      ];
      states.push({
        id: i,
        name: `s${i}`,
        kind: i === 0 ? "start" : "normal",
        variable: 0,
        window: null,
        edges,
      });
    }
    states.push({ id: N, name: "match", kind: "final", variable: -1, window: null, edges: [] });
    const wide = { ...p, nfa: { ...p.nfa, states, start: 0 } } as CompiledPattern;
    const gen = generatedSource(wide);
    expect("fallback" in gen && gen.fallback).toMatch(/too large/);
    const program = { ...base, patterns: [wide] };
    const events = [1, 2, 3].map((ts) => ({ type: "A", ts }));
    expect(run(program, events, { codegen: true })).toEqual(run(program, events, { codegen: false }));
  });

  it("are what an engine runs by default; codegen: false runs the interpreter", () => {
    // A shape no other test compiles: its source is new to the cache.
    const program = compile("pattern Fresh { match a: A next b: B next c: C next d: D next e: E next f: F }");
    const before = compiledSourceCount();
    new Engine(program, { codegen: false });
    expect(compiledSourceCount()).toBe(before);
    new Engine(program);
    expect(compiledSourceCount()).toBe(before + 1);
  });
});
