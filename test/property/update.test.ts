/**
 * Pattern-set updates (issue #18): generated patterns and streams, one or two updates at
 * random points — each either `engine.updatePatterns(next)` or a snapshot restored into a
 * fresh engine with `restoreMode: "update"`. The oracle runs every version of every pattern
 * alone: a kept pattern without interruption, a changed or new one from its update point
 * on, a removed or replaced one until its update point (its open state then dropped, so
 * nothing more from it). Each pattern's records, in order, must equal its versions' records.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile, Engine, type MatchRecord } from "../../src/index.js";
import {
  eventsArb,
  fitToBudget,
  type GenEvent,
  type GenPattern,
  patternArb,
  renderPattern,
} from "./pattern-arb.js";

/** Fixed sources beside the generated ones: timeouts, negation (pending matches), groups, term windows. */
const EXTRA = [
  "pattern X { key by k  within 6ms  match a: A followed by b: B+ followed by c: C  on timeout emit { n: count(b) } }",
  "pattern X { key by k  within 5ms  after match skip past last event  match a: A followed by any b: B not followed by c: C }",
  "pattern X { key by k  after match skip to first b  match a: A followed by (b: B next c: C){2,} followed by d: D }",
  "pattern X { key by k  within 20ms  match a: A followed by b: B within 4ms  on timeout  emit { x: a.v + b.v } }",
];

/** A pattern definition: generated (bounded by the oracle's budget) or one of {@link EXTRA}. */
type Def = { gen: GenPattern } | { extra: string };
const defArb: fc.Arbitrary<Def> = fc.oneof(
  { weight: 4, arbitrary: patternArb.map((gen) => ({ gen })) },
  { weight: 1, arbitrary: fc.constantFrom(...EXTRA).map((extra) => ({ extra })) },
);
const sourceOf = (d: Def, name: string): string =>
  "gen" in d ? renderPattern(d.gen, name) : d.extra.replace(/^pattern X/, `pattern ${name}`);

type Fate = "keep" | "change" | "remove";
interface UpdateSpec {
  at: number;
  fates: Fate[];
  changedTo: Def[];
  added: Def[];
  shuffle: number[];
  viaRestore: boolean;
}
const updateArb: fc.Arbitrary<UpdateSpec> = fc.record({
  at: fc.nat(),
  fates: fc.array(fc.constantFrom<Fate>("keep", "keep", "change", "remove"), { minLength: 6, maxLength: 6 }),
  changedTo: fc.array(defArb, { minLength: 6, maxLength: 6 }),
  added: fc.array(defArb, { maxLength: 2 }),
  shuffle: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
  viaRestore: fc.boolean(),
});

/** One pattern set: names in order, with their sources. */
type PatternSet = { name: string; def: Def; source: string }[];

/** The next set after an update: kept, changed and added patterns, in a shuffled order. */
function nextSet(set: PatternSet, u: UpdateSpec, n: number): PatternSet {
  const next: PatternSet = [];
  set.forEach((p, i) => {
    const fate = u.fates[i % u.fates.length];
    if (fate === "keep") next.push(p);
    else if (fate === "change") {
      const def = u.changedTo[i % u.changedTo.length];
      next.push({ name: p.name, def, source: sourceOf(def, p.name) });
    }
  });
  u.added.forEach((def, j) => {
    const name = `N${n}_${j}`;
    next.push({ name, def, source: sourceOf(def, name) });
  });
  for (let i = next.length - 1; i > 0; i--) {
    const j = u.shuffle[i % u.shuffle.length] % (i + 1);
    [next[i], next[j]] = [next[j], next[i]];
  }
  return next;
}

const programOf = (set: PatternSet) => compile(set.map((p) => p.source).join("\n"));

/** The engine under test: every update applied at its point, records per pattern name in order. */
function runUpdated(sets: PatternSet[], points: number[], via: boolean[], events: readonly GenEvent[]) {
  const out = new Map<string, MatchRecord[]>();
  const take = (r: MatchRecord) => {
    if (!out.has(r.pattern)) out.set(r.pattern, []);
    out.get(r.pattern)!.push(r);
  };
  const attach = (e: Engine) => e.on("match", take).on("timeout", take);
  let engine = attach(new Engine(programOf(sets[0])));
  let u = 0;
  for (let i = 0; i <= events.length; i++) {
    while (u < points.length && points[u] === i) {
      const next = programOf(sets[u + 1]);
      if (via[u]) {
        const restore = JSON.parse(JSON.stringify(engine.snapshot()));
        engine = attach(new Engine(next, { restore, restoreMode: "update" }));
      } else engine.updatePatterns(next);
      expect(engine.patternNames()).toEqual(sets[u + 1].map((p) => p.name));
      u++;
    }
    if (i < events.length) engine.push(events[i]);
  }
  engine.end();
  return out;
}

/** The oracle: each version of each pattern alone over the events of its lifetime. */
function runOracle(sets: PatternSet[], points: number[], events: readonly GenEvent[]) {
  const out = new Map<string, MatchRecord[]>();
  // A version lives from the update that introduced it to the one that removed or changed it.
  const live = new Map<string, { source: string; from: number }>();
  const finish = (name: string, source: string, from: number, to: number, ended: boolean) => {
    const engine = new Engine(compile(source));
    const list = out.get(name) ?? [];
    out.set(name, list);
    engine.on("match", (r) => list.push(r)).on("timeout", (r) => list.push(r));
    for (let i = from; i < to; i++) engine.push(events[i]);
    if (ended) engine.end();
  };
  for (const p of sets[0]) live.set(p.name, { source: p.source, from: 0 });
  points.forEach((at, u) => {
    const next = new Map(sets[u + 1].map((p) => [p.name, p.source]));
    for (const [name, v] of [...live]) {
      if (next.get(name) === v.source) continue;
      finish(name, v.source, v.from, at, false);
      live.delete(name);
    }
    for (const [name, source] of next) if (!live.has(name)) live.set(name, { source, from: at });
  });
  for (const [name, v] of live) finish(name, v.source, v.from, events.length, true);
  for (const [name, list] of [...out]) if (list.length === 0) out.delete(name);
  return out;
}

describe("updatePatterns", () => {
  it("equals each pattern version run alone over its lifetime (kept ones without interruption)", () => {
    fc.assert(
      fc.property(
        fc.array(defArb, { minLength: 1, maxLength: 3 }),
        fc.array(updateArb, { minLength: 1, maxLength: 2 }),
        eventsArb(30),
        (initial, updates, raw) => {
          const sets: PatternSet[] = [
            initial.map((def, i) => ({ name: `P${i}`, def, source: sourceOf(def, `P${i}`) })),
          ];
          updates.forEach((u, n) => {
            sets.push(nextSet(sets[n], u, n));
          });
          // Streams whose partial matches would explode are cut (as the other property tests do).
          let events = raw;
          for (const set of sets)
            for (const p of set) if ("gen" in p.def) events = fitToBudget(p.def.gen, events).events;
          const points = updates.map((u) => u.at % (events.length + 1)).sort((a, b) => a - b);
          const got = runUpdated(
            sets,
            points,
            updates.map((u) => u.viaRestore),
            events,
          );
          expect(got).toEqual(runOracle(sets, points, events));
        },
      ),
      { numRuns: 200 },
    );
  });
});
