/**
 * Tracing is an observer: on random patterns (pattern-arb.ts, plus negated terms, `on
 * timeout`, per-key and key limits, out-of-orderness) and random streams, a run that traces
 * every key gives exactly the records a run without tracing gives, in the same order; the
 * tracer never throws; and every trace tells a consistent story per partial match id:
 * an id first appears as `created` or as a fork whose `from` names an id seen before,
 * nothing follows its end (`died`, `timedOut`, `pruned`, `dropped`, `ended`,
 * `released`), and after `completed` only `heldBack`, `released`, `pruned` or `dropped`;
 * what a partial match holds only grows, and a fork holds what its `from` held.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CompileError, compile, Engine, type EngineOptions, type TraceRecord } from "../../src/index.js";
import {
  bounds,
  eventsArb,
  fitToBudget,
  type GenEvent,
  type GenPattern,
  patternArb,
  renderPattern,
} from "./pattern-arb.js";

/** Per term: a negated term after it (0 `not next`, 1/2 `not followed by`), and modifiers to try. */
interface Extra {
  readonly negation: number | null;
  readonly until: number | null;
  readonly greedy: boolean;
  readonly window: number | null;
}

/**
 * A pattern's source with extras the oracle's subset leaves out: negated terms, `until`
 * and `greedy` on loops, term windows, `on timeout`. An extra is added only where
 * language.md allows it; the few combinations it still rejects are skipped.
 */
function withExtras(p: GenPattern, extras: readonly Extra[], timeout: boolean): string {
  const lines = renderPattern(p).split("\n");
  const out: string[] = [];
  let term = -1;
  for (let line of lines) {
    const m = /^\s+(?:match |next |followed by any |followed by )t(\d+):/.exec(line);
    if (line === "}") {
      if (timeout && p.within !== null) out.push("  on timeout");
      out.push(line);
      continue;
    }
    if (m === null) {
      out.push(line);
      continue;
    }
    term = Number(m[1]);
    const t = p.terms[term];
    const x = extras[term] ?? { negation: null, until: null, greedy: false, window: null };
    const b = bounds(t);
    const next = p.terms[term + 1];
    const last = term === p.terms.length - 1;
    const unbounded = b.max === Number.POSITIVE_INFINITY;
    const mods: string[] = [];
    if (x.until !== null && unbounded) mods.push(`until (v > ${x.until})`);
    if (x.greedy && b.max > 1 && t.inner !== "any" && next !== undefined && !bounds(next).optional)
      mods.push("greedy");
    if (
      x.window !== null &&
      term > 0 &&
      b.max === 1 &&
      !b.optional &&
      (p.within === null || x.window <= p.within)
    )
      mods.push(`within ${x.window}ms`);
    if (mods.length > 0) {
      const w = line.indexOf(" where ");
      line = w < 0 ? `${line} ${mods.join(" ")}` : `${line.slice(0, w)} ${mods.join(" ")}${line.slice(w)}`;
    }
    out.push(line);
    const kind = x.negation;
    // A negated term may not follow a term that can be absent; a trailing one needs a window.
    if (kind === null || b.optional || (last && p.within === null)) continue;
    out.push(`        ${kind === 0 ? "not next" : "not followed by"} n${term}: ${kind === 2 ? "D" : "C"}`);
  }
  return out.join("\n");
}

interface Run {
  records: string[];
  trace: TraceRecord[];
}

function run(
  source: string,
  events: readonly GenEvent[],
  options: EngineOptions,
  traced: boolean,
  keys?: readonly unknown[],
): Run {
  const trace: TraceRecord[] = [];
  const sink = (r: TraceRecord) => trace.push(r);
  const engine = new Engine(compile(source), {
    ...options,
    ...(traced ? { trace: keys === undefined ? { sink } : { sink, keys } } : {}),
  });
  const records: string[] = [];
  engine.on("match", (r) => records.push(JSON.stringify(r)));
  engine.on("timeout", (r) => records.push(JSON.stringify(r)));
  engine.on("late", (e) => records.push(`late ${JSON.stringify(e)}`));
  engine.on("error", (e) => records.push(`error ${e.reason}`));
  engine.on("warning", (w) => records.push(`warning ${JSON.stringify(w)}`));
  for (const e of events) engine.push(e);
  engine.end();
  return { records, trace };
}

const ENDS = new Set(["died", "timedOut", "pruned", "dropped", "ended", "released"]);
const AFTER_COMPLETED = new Set(["heldBack", "released", "pruned", "dropped"]);

/**
 * The first inconsistency in a trace's id lifecycles, or null. With `outputs` (the run's
 * match and timeout counts), the trace must also account for every output: each emitted
 * match is a `completed` not followed by `heldBack` or `pruned`, or a `released`; each
 * timeout a `timedOut`; and at the end no partial match is left without an end record.
 */
function lifecycleError(
  trace: readonly TraceRecord[],
  outputs?: { matches: number; timeouts: number },
): string | null {
  const state = new Map<string, "live" | "completed" | "held" | "over">();
  const heldEvents = new Map<string, string[]>();
  let emitted = 0;
  let timeouts = 0;
  for (const [i, r] of trace.entries()) {
    const where = `record ${i} ${JSON.stringify({ op: r.op, id: r.id, from: r.from })}`;
    if (r.v !== 1) return `${where}: v ${r.v}`;
    if (r.op === "rejected" || r.op === "skipped") {
      if (r.id !== null) return `${where}: has an id`;
      continue;
    }
    if (r.id === null) return `${where}: no id`;
    const key = `${r.pattern}|${JSON.stringify(r.key)}|${r.id}`;
    const s = state.get(key);
    if (r.from !== undefined && !state.has(`${r.pattern}|${JSON.stringify(r.key)}|${r.from}`))
      return `${where}: from an id never seen`;
    if (s === undefined) {
      if (r.op !== "created" && r.from === undefined)
        return `${where}: first record neither created nor a fork`;
    } else if (s === "over") return `${where}: after the id's end`;
    else if ((s === "completed" || s === "held") && !AFTER_COMPLETED.has(r.op))
      return `${where}: after completed`;
    // What a partial match holds only grows; a fork holds what it came from, and more.
    const held = (r.events ?? []).map((e) => `${e.seq}:${e.term}`);
    // (A fork may be a copy of what its `from` held before it took this step's event.)
    const now = r.event === null ? null : `${r.event.seq}:`;
    const before =
      r.from === undefined
        ? heldEvents.get(key)
        : heldEvents
            .get(`${r.pattern}|${JSON.stringify(r.key)}|${r.from}`)
            ?.filter((e) => !e.startsWith(now ?? "-"));
    if (before !== undefined && !before.every((e, j) => held[j] === e))
      return `${where}: holds ${held.join(" ")}, not an extension of ${before.join(" ")}`;
    heldEvents.set(key, held);
    if (r.op === "released") emitted++;
    if (r.op === "timedOut") timeouts++;
    if (ENDS.has(r.op)) state.set(key, "over");
    else if (r.op === "completed") state.set(key, "completed");
    else if (r.op === "heldBack") state.set(key, "held");
    else state.set(key, "live");
  }
  if (outputs === undefined) return null;
  // A completed match nothing held back or pruned afterwards was emitted.
  for (const s of state.values()) if (s === "completed") emitted++;
  const open = [...state].filter(([, s]) => s === "live" || s === "held").map(([k]) => k);
  if (open.length > 0) return `no end record for ${open.join(", ")}`;
  if (emitted !== outputs.matches) return `${emitted} matches in the trace, ${outputs.matches} emitted`;
  if (timeouts !== outputs.timeouts) return `${timeouts} timeouts in the trace, ${outputs.timeouts} emitted`;
  return null;
}

const casesArb = fc.record({
  pattern: patternArb,
  extras: fc.array(
    fc.record({
      negation: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 3 }),
      until: fc.option(fc.integer({ min: 0, max: 4 }), { freq: 3 }),
      greedy: fc.boolean(),
      window: fc.option(fc.integer({ min: 1, max: 6 }), { freq: 3 }),
    }),
    { minLength: 4, maxLength: 4 },
  ),
  timeout: fc.boolean(),
  events: eventsArb(25),
  perKey: fc.option(fc.integer({ min: 1, max: 4 }), { freq: 3 }),
  keys: fc.option(fc.integer({ min: 1, max: 2 }), { freq: 4 }),
  outOfOrderness: fc.option(fc.integer({ min: 1, max: 4 }), { freq: 4 }),
  shuffle: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 25, maxLength: 25 }),
});

describe("tracing every key", () => {
  it("changes no output record, never throws, and tells a consistent story per id", () => {
    let compiled = 0;
    let rejected = 0;
    fc.assert(
      fc.property(casesArb, (c) => {
        const source = withExtras(c.pattern, c.extras, c.timeout);
        try {
          compile(source);
        } catch (e) {
          if (!(e instanceof CompileError)) throw e;
          rejected++;
          return;
        }
        compiled++;
        const options: EngineOptions = {
          limits: {
            ...(c.perKey === null ? {} : { partialMatchesPerKey: c.perKey }),
            ...(c.keys === null ? {} : { keys: c.keys }),
          },
          ...(c.outOfOrderness === null ? {} : { outOfOrderness: c.outOfOrderness }),
        };
        // With out-of-orderness, events arrive a little out of time order (some late).
        // Cut streams whose partial matches would explode (the runs are not bounded otherwise).
        const generated = fitToBudget(c.pattern, c.events).events;
        const events =
          c.outOfOrderness === null
            ? generated
            : generated.map((e, i) => ({ ...e, ts: e.ts - (c.shuffle[i] ?? 0) }));
        const plain = run(source, events, options, false);
        const traced = run(source, events, options, true);
        expect(traced.records).toEqual(plain.records);
        // One key traced: its events go through the interpreter, the other keys' through
        // the generated code (the default), switching as the key's events come and go.
        expect(run(source, events, options, true, [2]).records).toEqual(plain.records);
        const matches = plain.records.filter(
          (r) => r.startsWith("{") && !r.includes('"timeout":true'),
        ).length;
        const timeouts = plain.records.filter((r) => r.includes('"timeout":true')).length;
        expect(lifecycleError(traced.trace, { matches, timeouts }), source).toBeNull();
      }),
      { numRuns: 400, interruptAfterTimeLimit: 40_000 },
    );
    // The extras are placed where language.md allows them: nearly every case compiles.
    expect(rejected, `${rejected} of ${compiled + rejected} generated patterns rejected`).toBeLessThan(
      (compiled + rejected) / 10,
    );
  });

  it("the lifecycle check catches a record after an id's end", () => {
    const base = { v: 1, pattern: "P", key: 1, event: null, time: 1 } as const;
    const ok: TraceRecord[] = [
      { ...base, op: "created", id: "p1" },
      { ...base, op: "took", id: "p2", from: "p1" },
      { ...base, op: "completed", id: "p2", from: "p1" },
      { ...base, op: "heldBack", id: "p2" },
      { ...base, op: "released", id: "p2" },
      { ...base, op: "died", id: "p1" },
    ];
    expect(lifecycleError(ok)).toBeNull();
    expect(lifecycleError([...ok, { ...base, op: "ignored", id: "p1" }])).toMatch(/after the id's end/);
    expect(lifecycleError([{ ...base, op: "took", id: "p3", from: "p9" }])).toMatch(/never seen/);
    expect(lifecycleError([{ ...base, op: "took", id: "p3" }])).toMatch(/neither created nor a fork/);
    expect(
      lifecycleError([
        { ...base, op: "created", id: "p1" },
        { ...base, op: "completed", id: "p1" },
        { ...base, op: "took", id: "p1" },
      ]),
    ).toMatch(/after completed/);
    expect(lifecycleError(ok.slice(0, 5), { matches: 1, timeouts: 0 })).toMatch(/no end record for P\|1\|p1/);
    expect(lifecycleError(ok, { matches: 2, timeouts: 0 })).toMatch(/1 matches in the trace, 2 emitted/);
    expect(lifecycleError(ok, { matches: 1, timeouts: 0 })).toBeNull();
  });
});
