/**
 * `engine.updatePatterns` (issue #18) case by case: what is kept, changed, removed and
 * added, the `replaced` count and event, the order, atomic refusals, and restoring a
 * snapshot into another pattern set. test/property/update.test.ts checks the records
 * against an oracle on generated patterns.
 */
import { describe, expect, it } from "vitest";
import { compile, Engine, type MatchRecord, type ReplacedInfo } from "../../src/index.js";

const AB = "pattern AB { key by k  match a: A followed by b: B }";
const AC = "pattern AC { key by k  match a: A followed by c: C }";
const AC2 = "pattern AC { key by k  match a: A followed by c: C where v > 0 }";
const AD = "pattern AD { key by k  match a: A followed by d: D }";

function recorder(engine: Engine) {
  const out: string[] = [];
  const replaced: ReplacedInfo[] = [];
  const show = (r: MatchRecord) =>
    `${r.pattern}:${Object.values(r.events)
      .flat()
      .map((e) => (e as { ts: number }).ts)
      .join(",")}${r.timeout ? " timeout" : ""}`;
  engine.on("match", (r) => out.push(show(r)));
  engine.on("timeout", (r) => out.push(show(r)));
  engine.on("replaced", (i) => replaced.push(i));
  return { out, replaced };
}

describe("updatePatterns", () => {
  it("keeps unchanged patterns' state, restarts changed ones, drops removed ones, starts new ones", () => {
    const engine = new Engine(compile(`${AB}\n${AC}\n${AD}`));
    const { out, replaced } = recorder(engine);
    engine.push({ type: "A", k: 1, v: 1, ts: 1 });
    engine.push({ type: "A", k: 2, v: 1, ts: 2 });
    expect(engine.stats().partialMatches).toBe(6);
    const summary = engine.updatePatterns(
      compile(`pattern AE { key by k  match a: A followed by e: E }\n${AC2}\n${AB}`),
    );
    expect(summary).toEqual({
      added: ["AE"],
      removed: ["AD"],
      changed: ["AC"],
      kept: ["AB"],
      replaced: 2,
      discarded: 2,
    });
    expect(replaced).toEqual([{ pattern: "AC", partialMatches: 2, keys: 2 }]);
    expect(engine.patternNames()).toEqual(["AE", "AC", "AB"]);
    expect(engine.stats()).toMatchObject({ replaced: 2, partialMatches: 2, keys: 2 });
    for (const type of ["B", "C", "D", "E"]) engine.push({ type, k: 1, v: 1, ts: 3 });
    engine.push({ type: "A", k: 1, v: 1, ts: 4 });
    for (const type of ["B", "C", "D", "E"]) engine.push({ type, k: 1, v: 1, ts: 5 });
    engine.end();
    // AB kept its A@1; AC (changed) and AE (new) only see the A@4; AD is gone.
    expect(out).toEqual(["AB:1,3", "AB:4,5", "AC:4,5", "AE:4,5"]);
    expect(engine.stats().replaced).toBe(2);
  });

  it("runs the new program's order: records of one step follow it", () => {
    const both = (first: string, second: string) => compile(`${first}\n${second}`);
    const p = "pattern P { match a: A }";
    const q = "pattern Q { match a: A }";
    const engine = new Engine(both(p, q));
    const { out } = recorder(engine);
    engine.push({ type: "A", ts: 1 });
    expect(engine.updatePatterns(both(q, p)).kept).toEqual(["Q", "P"]);
    engine.push({ type: "A", ts: 2 });
    expect(out).toEqual(["P:1", "Q:1", "Q:2", "P:2"]);
  });

  it("drops a changed pattern's open partial matches without timeouts", () => {
    const engine = new Engine(
      compile(
        "pattern T { key by k  within 5ms  match a: A followed by b: B  on timeout emit { k: key() } }",
      ),
    );
    const { out, replaced } = recorder(engine);
    engine.push({ type: "A", k: 1, ts: 1 });
    engine.updatePatterns(
      compile(
        "pattern T { key by k  within 9ms  match a: A followed by b: B  on timeout emit { k: key() } }",
      ),
    );
    engine.push({ type: "A", k: 1, ts: 2 });
    engine.push({ type: "Z", k: 1, ts: 20 });
    expect(out).toEqual(["T:2 timeout"]);
    expect(replaced).toEqual([{ pattern: "T", partialMatches: 1, keys: 1 }]);
  });

  it("keeps a pattern whose text is unchanged even when its file or position changes", () => {
    const engine = new Engine(compile([{ file: "a.pattern", source: `${AB}\n${AC}` }]));
    const { out } = recorder(engine);
    engine.push({ type: "A", k: 1, ts: 1 });
    const u = engine.updatePatterns(compile([{ file: "b.pattern", source: `${AD}\n\n${AB}` }]));
    expect(u).toMatchObject({ added: ["AD"], removed: ["AC"], kept: ["AB"], changed: [] });
    engine.push({ type: "B", k: 1, ts: 2 });
    expect(out).toEqual(["AB:1,2"]);
  });

  it("refuses a set it cannot run and changes nothing", () => {
    const engine = new Engine(compile(AB), { partitionBy: ["k"] });
    engine.push({ type: "A", k: 1, ts: 1 });
    expect(() => engine.updatePatterns(compile("pattern G { match a: A followed by b: B }"))).toThrow(
      /pattern G has no `key by`/,
    );
    expect(() => engine.updatePatterns(compile(AC), { patterns: ["Nope"] })).toThrow(
      "no pattern named Nope in the new program",
    );
    expect(engine.patternNames()).toEqual(["AB"]);
    expect(engine.stats().partialMatches).toBe(1);
    engine.end();
    expect(() => engine.updatePatterns(compile(AB))).toThrow("updatePatterns after end()");
  });

  it("runs only the named patterns with the patterns option", () => {
    const engine = new Engine(compile(AB));
    const u = engine.updatePatterns(compile(`${AB}\n${AC}\n${AD}`), { patterns: ["AD"] });
    expect(u).toMatchObject({ added: ["AD"], removed: ["AB"], kept: [] });
    expect(engine.patternNames()).toEqual(["AD"]);
  });
});

describe("restoring a snapshot into another pattern set", () => {
  const snapshotOfV1 = () => {
    const engine = new Engine(compile(`${AB}\n${AC}\n${AD}`));
    engine.push({ type: "A", k: 1, v: 1, ts: 1 });
    return JSON.parse(JSON.stringify(engine.snapshot()));
  };

  it("is refused by default", () => {
    expect(() => new Engine(compile(`${AB}\n${AC2}`), { restore: snapshotOfV1() })).toThrow(
      "snapshot was taken with different patterns",
    );
  });

  it('applies the update rules with restoreMode: "update"', () => {
    const engine = new Engine(
      compile(`${AC2}\n${AB}\npattern AE { key by k  match a: A followed by e: E }`),
      {
        restore: snapshotOfV1(),
        restoreMode: "update",
      },
    );
    const { out } = recorder(engine);
    expect(engine.stats()).toMatchObject({ events: 1, replaced: 1, partialMatches: 1 });
    for (const type of ["B", "C", "D", "E"]) engine.push({ type, k: 1, v: 1, ts: 3 });
    engine.end();
    expect(out).toEqual(["AB:1,3"]);
    // The snapshot now records the set in force.
    expect(engine.snapshot().patterns.map((p) => p.name)).toEqual(["AC", "AB", "AE"]);
  });
});
