/**
 * The dispatch index's per-event path (issue #16, W7): patterns with a global guard are
 * found through an array of guard indexes built by `rebuild`, not by iterating the
 * group's Map per event (a Map iterator per event and key group).
 */
import { describe, expect, it } from "vitest";
import { compile, Engine, type MatchRecord } from "../../src/index.js";
import type { KeyGroup } from "../../src/runtime/key-table.js";

const SYMBOLS = ["s0", "s1", "s2", "s3", "s4", "s5"];

const source = SYMBOLS.map(
  (s) =>
    `pattern P_${s} { key by sym  within 30s  match a: A where sym == "${s}" followed by b: B where sym == "${s}" }`,
).join("\n");

function events(): object[] {
  const out: object[] = [];
  for (let i = 0; i < 60; i++)
    out.push({ type: i % 2 === 0 ? "A" : "B", sym: SYMBOLS[Math.floor(i / 2) % 4], ts: i });
  return out;
}

function run(engine: Engine): MatchRecord[] {
  const out: MatchRecord[] = [];
  engine.on("match", (r) => out.push(r));
  for (const e of events()) engine.push(e);
  engine.end();
  return out;
}

describe("indexed dispatch of guarded patterns", () => {
  it("reaches them without iterating the group's guard Map per event", () => {
    const expected = run(new Engine(compile(source)));
    expect(expected.length).toBeGreaterThan(0);
    const engine = new Engine(compile(source));
    const groups = (engine as unknown as { dispatch: { groups: KeyGroup[] } }).dispatch.groups;
    expect(groups.length).toBe(1);
    expect(groups[0].guarded.size).toBe(1);
    // Any per-event use of the Map's iterator now fails the run.
    for (const g of groups)
      g.guarded.values = () => {
        throw new Error("guard Map iterated per event");
      };
    expect(run(engine)).toEqual(expected);
  });
});
