/**
 * The catalogue of trace records (format v1, src/runtime/trace/records.ts): one small
 * scenario per op and per reason rule, with the exact records expected. The expectations
 * are reasoned from language.md and flink-semantics.md (the NFA states named as
 * `cep explain` names them), not copied from a run. The last test checks that every
 * `TraceOp` and every `TraceReason` rule was reached by some scenario of this file.
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  compile,
  Engine,
  type EngineOptions,
  type MatchRecord,
  type TraceOp,
  type TraceOptions,
  type TraceReason,
  type TraceRecord,
} from "../../src/index.js";

// ---------------------------------------------------------------------------
// Every op and rule of the format, checked against the types at compile time.

const ALL_OPS = [
  "created",
  "took",
  "ignored",
  "proceeded",
  "died",
  "completed",
  "timedOut",
  "heldBack",
  "released",
  "pruned",
  "dropped",
  "ended",
  "rejected",
  "skipped",
] as const satisfies readonly TraceOp[];
const ALL_RULES = [
  "condition",
  "type",
  "contiguity",
  "negation",
  "window",
  "until",
  "greedy",
  "skip",
  "limit",
  "late",
  "missingKey",
  "schema",
  "end",
] as const satisfies readonly TraceReason["rule"][];
// Fails to compile when records.ts gains an op or rule this file does not list.
const opsComplete: [Exclude<TraceOp, (typeof ALL_OPS)[number]>] extends [never] ? true : false = true;
const rulesComplete: [Exclude<TraceReason["rule"], (typeof ALL_RULES)[number]>] extends [never]
  ? true
  : false = true;

const seenOps = new Set<string>();
const seenRules = new Set<string>();

function collectRules(r: TraceReason | null | undefined): void {
  if (r == null) return;
  seenRules.add(r.rule);
  if (r.rule === "contiguity") collectRules(r.failed);
}

// ---------------------------------------------------------------------------
// Running a scenario

/** A record as the tests compare it: no `v`/`pattern`, `event` as its feed number, `events` as `seq:term …`, `at` as the source text it covers. */
type Shown = Record<string, unknown>;

interface Traced {
  records: Shown[];
  raw: TraceRecord[];
  out: MatchRecord[];
  source: string;
}

function show(src: string, x: unknown): unknown {
  if (Array.isArray(x)) return x.map((y) => show(src, y));
  if (x === null || typeof x !== "object") return x;
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) {
    if (k === "at") {
      const a = v as { file: string; start: number; end: number; line: number; col: number } | null;
      o.at = a === null ? null : src.slice(a.start, a.end);
    } else o[k] = show(src, v);
  }
  return o;
}

function run(
  source: string,
  input: readonly (object | { $watermark: number })[],
  options: EngineOptions = {},
  trace: Partial<TraceOptions> = {},
  keepKey = false,
): Traced {
  const raw: TraceRecord[] = [];
  const engine = new Engine(compile(source, { file: "t.pattern" }), {
    ...options,
    trace: { ...trace, sink: (r) => raw.push(r) },
  });
  const out: MatchRecord[] = [];
  engine.on("match", (r) => out.push(r));
  engine.on("timeout", (r) => out.push(r));
  engine.on("late", () => {});
  engine.on("error", () => {});
  for (const e of input) {
    if ("$watermark" in e && Object.keys(e).length === 1) engine.advanceTo(e.$watermark);
    else engine.push(e);
  }
  engine.end();
  const records = raw.map((r) => {
    seenOps.add(r.op);
    collectRules(r.reason);
    for (const x of r.rejected ?? []) collectRules(x);
    expect(r.v).toBe(1);
    const { v: _v, pattern: _p, key, event, events, cause, ...rest } = r;
    const shown: Shown = { ...(show(source, rest) as Shown) };
    if (keepKey) shown.key = key;
    shown.event = event === null ? null : event.seq;
    if (cause !== undefined) shown.cause = cause.seq;
    if (events !== undefined) shown.events = events.map((e) => `${e.seq}:${e.term}`).join(" ");
    return shown;
  });
  return { records, raw, out, source };
}

/** An event of key 1. */
const E = (type: string, ts: number, extra: Record<string, unknown> = {}) => ({ type, ts, k: 1, ...extra });

const typeReason = (term: string, expected: string, got: unknown, at: string) => ({
  rule: "type",
  term,
  expected,
  got,
  at,
});
const ended = (id: string, state: string, events: string) => ({
  op: "ended",
  id,
  time: null,
  state,
  reason: { rule: "end" },
  event: null,
  events,
});

// ---------------------------------------------------------------------------

describe("trace records: partial matches created, taking, ignoring, completing", () => {
  it("created, took, completed", () => {
    const t = run("pattern P { key by k match a: A followed by b: B }", [E("A", 1), E("B", 2)]);
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 1, state: "b", term: "a", event: 0, events: "0:a" },
      { op: "took", id: "p1", time: 2, state: "match", term: "b", event: 1, events: "0:a 1:b" },
      { op: "completed", id: "p1", time: 2, state: "match", event: 1, events: "0:a 1:b" },
    ]);
    expect(t.out).toHaveLength(1);
  });

  it("ignored: the type, a condition false with the values it read, a condition null", () => {
    const src = "pattern P { key by k match a: A followed by b: B where v == a.v }";
    const t = run(src, [E("A", 1, { v: 1 }), E("C", 2), E("B", 3, { v: 2 }), E("B", 4)]);
    const term = "b: B where v == a.v";
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 1, state: "b", term: "a", event: 0, events: "0:a" },
      {
        op: "ignored",
        id: "p1",
        time: 2,
        state: "b",
        rejected: [typeReason("b", "B", "C", term)],
        event: 1,
        events: "0:a",
      },
      {
        op: "ignored",
        id: "p1",
        time: 3,
        state: "b",
        rejected: [
          {
            rule: "condition",
            term: "b",
            condition: "v == a.v",
            result: false,
            values: [
              { expr: "v", value: 2 },
              { expr: "a.v", value: 1 },
            ],
            at: "v == a.v",
          },
        ],
        event: 2,
        events: "0:a",
      },
      {
        op: "ignored",
        id: "p1",
        time: 4,
        state: "b",
        rejected: [
          {
            rule: "condition",
            term: "b",
            condition: "v == a.v",
            result: null,
            values: [
              { expr: "v", value: null },
              { expr: "a.v", value: 1 },
            ],
            at: "v == a.v",
          },
        ],
        event: 3,
        events: "0:a",
      },
      ended("p1", "b", "0:a"),
    ]);
  });

  it("rejected: a first term's condition false names the conjunct that failed", () => {
    const src = "pattern P { key by k match a: A where x > 0 and y > 5 followed by b: B }";
    const t = run(src, [E("A", 1, { x: 1, y: 2 }), E("C", 2)]);
    expect(t.records).toEqual([
      {
        op: "rejected",
        id: null,
        time: 1,
        rejected: [
          {
            rule: "condition",
            term: "a",
            condition: "y > 5",
            result: false,
            values: [{ expr: "y", value: 2 }],
            at: "y > 5",
          },
        ],
        event: 0,
      },
    ]);
  });

  it("followed by any: the waiting partial match stays and each take is a fork (`from`)", () => {
    const t = run("pattern P { key by k match a: A followed by any b: B }", [
      E("A", 1),
      E("B", 2),
      E("B", 3),
    ]);
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 1, state: "b", term: "a", event: 0, events: "0:a" },
      { op: "ignored", id: "p1", time: 2, state: "b", event: 1, events: "0:a" },
      { op: "took", id: "p2", time: 2, state: "match", term: "b", from: "p1", event: 1, events: "0:a 1:b" },
      { op: "completed", id: "p2", time: 2, state: "match", from: "p1", event: 1, events: "0:a 1:b" },
      { op: "ignored", id: "p1", time: 3, state: "b", event: 2, events: "0:a" },
      { op: "took", id: "p3", time: 3, state: "match", term: "b", from: "p1", event: 2, events: "0:a 2:b" },
      { op: "completed", id: "p3", time: 3, state: "match", from: "p1", event: 2, events: "0:a 2:b" },
      ended("p1", "b", "0:a"),
    ]);
    expect(t.out).toHaveLength(2);
  });

  it("a trailing loop completes at every take and goes on: each match is a fork of the looping partial match", () => {
    const t = run("pattern P { key by k match a: A followed by b: B+ }", [E("A", 1), E("B", 2), E("B", 3)]);
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 1, state: "b:1", term: "a", event: 0, events: "0:a" },
      { op: "took", id: "p1", time: 2, state: "b", term: "b", event: 1, events: "0:a 1:b" },
      { op: "completed", id: "p2", time: 2, state: "match", from: "p1", event: 1, events: "0:a 1:b" },
      { op: "took", id: "p1", time: 3, state: "b", term: "b", event: 2, events: "0:a 1:b 2:b" },
      { op: "completed", id: "p3", time: 3, state: "match", from: "p1", event: 2, events: "0:a 1:b 2:b" },
      ended("p1", "b", "0:a 1:b 2:b"),
    ]);
  });

  it("proceeded past an optional term (a fork), while the original waits in the term's ignore state", () => {
    const src = "pattern P { key by k match a: A followed by b: B? followed by c: C }";
    const t = run(src, [E("A", 1), E("D", 2), E("C", 3)]);
    const both = [typeReason("b", "B", "D", "b: B?"), typeReason("c", "C", "D", "c: C")];
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 1, state: "b", term: "a", event: 0, events: "0:a" },
      { op: "ignored", id: "p1", time: 2, state: "b:0", rejected: both, event: 1, events: "0:a" },
      { op: "proceeded", id: "p2", time: 2, state: "c", from: "p1", rejected: both, event: 1, events: "0:a" },
      {
        op: "ignored",
        id: "p1",
        time: 3,
        state: "b:0",
        rejected: [typeReason("b", "B", "C", "b: B?")],
        event: 2,
        events: "0:a",
      },
      { op: "took", id: "p2", time: 3, state: "match", term: "c", event: 2, events: "0:a 2:c" },
      { op: "completed", id: "p2", time: 3, state: "match", event: 2, events: "0:a 2:c" },
      ended("p1", "b:0", "0:a"),
    ]);
  });

  it("proceeded out of a loop when `until` holds", () => {
    const src = "pattern P { key by k match a: A followed by b: B+ until (x > 5) followed by c: C }";
    const t = run(src, [E("A", 1), E("B", 2), E("B", 3, { x: 9 }), E("C", 4)]);
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 1, state: "b:1", term: "a", event: 0, events: "0:a" },
      { op: "took", id: "p1", time: 2, state: "b", term: "b", event: 1, events: "0:a 1:b" },
      {
        op: "proceeded",
        id: "p1",
        time: 3,
        state: "c",
        rejected: [
          { rule: "until", term: "b", condition: "x > 5", values: [{ expr: "x", value: 9 }], at: "x > 5" },
          typeReason("c", "C", "B", "c: C"),
        ],
        event: 2,
        events: "0:a 1:b",
      },
      { op: "took", id: "p1", time: 4, state: "match", term: "c", event: 3, events: "0:a 1:b 3:c" },
      { op: "completed", id: "p1", time: 4, state: "match", event: 3, events: "0:a 1:b 3:c" },
    ]);
  });
});

describe("trace records: deaths and their reasons", () => {
  it("`next`: strict contiguity broken, with why the term did not take the event", () => {
    const t = run("pattern P { key by k match a: A next b: B }", [E("A", 1), E("C", 2), E("B", 3)]);
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 1, state: "b", term: "a", event: 0, events: "0:a" },
      {
        op: "died",
        id: "p1",
        time: 2,
        state: "b",
        reason: {
          rule: "contiguity",
          term: "b",
          modifier: "next",
          failed: typeReason("b", "B", "C", "b: B"),
          at: "b: B",
        },
        event: 1,
        events: "0:a",
      },
    ]);
  });

  it("`next`: the very next event failed the term's condition, with the values it read", () => {
    const t = run("pattern P { key by k match a: A next b: B where v > a.v }", [
      E("A", 1, { v: 5 }),
      E("B", 2, { v: 1 }),
    ]);
    expect(t.records[1]).toEqual({
      op: "died",
      id: "p1",
      time: 2,
      state: "b",
      reason: {
        rule: "contiguity",
        term: "b",
        modifier: "next",
        failed: {
          rule: "condition",
          term: "b",
          condition: "v > a.v",
          result: false,
          values: [
            { expr: "v", value: 1 },
            { expr: "a.v", value: 5 },
          ],
          at: "v > a.v",
        },
        at: "b: B where v > a.v",
      },
      event: 1,
      events: "0:a",
    });
  });

  it("`consecutive`: a loop's strict contiguity broken", () => {
    const src = "pattern P { key by k match a: A next b: B+ consecutive next c: C }";
    const t = run(src, [E("A", 1), E("B", 2), E("D", 3), E("C", 4)]);
    const term = "b: B+ consecutive";
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 1, state: "b:0", term: "a", event: 0, events: "0:a" },
      { op: "took", id: "p1", time: 2, state: "b", term: "b", event: 1, events: "0:a 1:b" },
      {
        op: "died",
        id: "p1",
        time: 3,
        state: "b",
        reason: {
          rule: "contiguity",
          term: "b",
          modifier: "consecutive",
          failed: typeReason("b", "B", "D", term),
          at: term,
        },
        event: 2,
        events: "0:a 1:b",
      },
    ]);
  });

  it("a consecutive group: `next` inside an iteration, `consecutive` between iterations", () => {
    const src = "pattern P { key by k match s: S followed by (d: D next u: U){3,} consecutive }";
    const died = (input: object[]) =>
      run(src, input).records.find((r) => r.op === "died")?.reason as { term: string; modifier: string };
    // u after d: the `next` between them demanded the event
    expect(died([E("S", 1), E("D", 2), E("U", 3), E("D", 4), E("X", 5)])).toMatchObject({
      term: "u",
      modifier: "next",
    });
    // d after u: the group's `consecutive` demanded it (the next repetition)
    expect(died([E("S", 1), E("D", 2), E("U", 3), E("X", 4)])).toMatchObject({
      term: "d",
      modifier: "consecutive",
    });
  });

  it("`not next`: the negated term matched", () => {
    const src = "pattern P { key by k match a: A not next n: N followed by b: B }";
    const t = run(src, [E("A", 1), E("N", 2), E("B", 3)]);
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 1, state: "n", term: "a", event: 0, events: "0:a" },
      {
        op: "died",
        id: "p1",
        time: 2,
        state: "n",
        reason: { rule: "negation", term: "n", op: "notNext", at: "n: N" },
        event: 1,
        events: "0:a",
      },
    ]);
  });

  it("`not followed by` in the middle: the negated term matched", () => {
    const src = "pattern P { key by k match a: A not followed by n: N followed by b: B }";
    const t = run(src, [E("A", 1), E("C", 2), E("N", 3), E("B", 4)]);
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 1, state: "b", term: "a", event: 0, events: "0:a" },
      {
        op: "ignored",
        id: "p1",
        time: 2,
        state: "b",
        rejected: [typeReason("b", "B", "C", "b: B")],
        event: 1,
        events: "0:a",
      },
      {
        op: "died",
        id: "p1",
        time: 3,
        state: "b",
        reason: { rule: "negation", term: "n", op: "notFollowedBy", at: "n: N" },
        event: 2,
        events: "0:a",
      },
    ]);
  });

  it("`until` under `next`: the loop stops and the next term cannot take the event", () => {
    const src = "pattern P { key by k match a: A followed by b: B+ until (x > 5) next c: C }";
    const t = run(src, [E("A", 1), E("B", 2), E("B", 3, { x: 9 })]);
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 1, state: "b:1", term: "a", event: 0, events: "0:a" },
      { op: "took", id: "p1", time: 2, state: "b", term: "b", event: 1, events: "0:a 1:b" },
      {
        op: "died",
        id: "p1",
        time: 3,
        state: "b",
        reason: {
          rule: "until",
          term: "b",
          condition: "x > 5",
          values: [{ expr: "x", value: 9 }],
          at: "x > 5",
        },
        event: 2,
        events: "0:a 1:b",
      },
    ]);
  });

  it("greedy: the loop's condition held, so the next term could not take the event", () => {
    // After two B the loop is full; a third B is still the loop's, so c (any event) may not take it.
    const src = "pattern P { key by k match a: A followed by b: B{1,2} greedy followed by c: * }";
    const t = run(src, [E("A", 1), E("B", 2), E("B", 3), E("B", 4)]);
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 1, state: "b:1", term: "a", event: 0, events: "0:a" },
      { op: "took", id: "p1", time: 2, state: "b", term: "b", event: 1, events: "0:a 1:b" },
      { op: "took", id: "p1", time: 3, state: "c", term: "b", event: 2, events: "0:a 1:b 2:b" },
      {
        op: "died",
        id: "p1",
        time: 4,
        state: "c",
        reason: { rule: "greedy", term: "c", condition: 'type == "B"', at: "c: *" },
        event: 3,
        events: "0:a 1:b 2:b",
      },
    ]);
  });
});

describe("trace records: time", () => {
  it("the pattern window passed: died at the time advance, with start and deadline", () => {
    const src = "pattern P { key by k within 5ms match a: A followed by b: B }";
    const t = run(src, [E("A", 1), E("B", 10)]);
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 1, state: "b", term: "a", event: 0, events: "0:a" },
      {
        op: "died",
        id: "p1",
        time: 10,
        state: "b",
        reason: { rule: "window", scope: "pattern", term: null, ms: 5, start: 1, deadline: 6, at: "5ms" },
        event: null,
        cause: 1, // the event whose arrival moved time past the deadline
        events: "0:a",
      },
    ]);
  });

  it("a term window passed: the gap from the previous event", () => {
    const src = "pattern P { key by k match a: A followed by b: B within 3ms }";
    const t = run(src, [E("A", 1), E("C", 2), E("B", 10)]);
    expect(t.records.slice(2)).toEqual([
      {
        op: "died",
        id: "p1",
        time: 10,
        state: "b",
        reason: { rule: "window", scope: "term", term: "b", ms: 3, start: 1, deadline: 4, at: "3ms" },
        event: null,
        cause: 2, // the event whose arrival moved time past the deadline
        events: "0:a",
      },
    ]);
  });

  it("timedOut: `on timeout` reports the partial match", () => {
    const src = "pattern P { key by k within 5ms match a: A followed by b: B on timeout }";
    const t = run(src, [E("A", 1), E("C", 10)]);
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 1, state: "b", term: "a", event: 0, events: "0:a" },
      {
        op: "timedOut",
        id: "p1",
        time: 10,
        state: "b",
        reason: { rule: "window", scope: "pattern", term: null, ms: 5, start: 1, deadline: 6, at: "5ms" },
        event: null,
        cause: 1, // the event whose arrival moved time past the deadline
        events: "0:a",
      },
    ]);
    expect(t.out.map((r) => r.timeout)).toEqual([true]);
  });

  it("a trailing `not followed by` completes when its window passes", () => {
    const src = "pattern P { key by k within 5ms match a: A followed by b: B not followed by n: N }";
    const t = run(src, [E("A", 1), E("B", 2), E("C", 9)]);
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 1, state: "b", term: "a", event: 0, events: "0:a" },
      { op: "took", id: "p1", time: 2, state: "n", term: "b", event: 1, events: "0:a 1:b" },
      // completed when C (event 2) moved time past the window: its `cause`
      { op: "completed", id: "p1", time: 9, state: "n", event: null, cause: 2, events: "0:a 1:b" },
    ]);
    expect(t.out).toHaveLength(1);
  });

  it("out-of-orderness: records follow the feed order (time, arrival), not the input order", () => {
    const src = "pattern P { key by k match a: A followed by b: B }";
    const t = run(src, [E("A", 5), E("C", 20), E("B", 12)], { outOfOrderness: 10 });
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 5, state: "b", term: "a", event: 0, events: "0:a" },
      { op: "took", id: "p1", time: 12, state: "match", term: "b", event: 1, events: "0:a 1:b" },
      { op: "completed", id: "p1", time: 12, state: "match", event: 1, events: "0:a 1:b" },
    ]);
  });

  it("processing time: record times are the clock's", () => {
    let now = 100;
    const src = "pattern P { key by k match a: A followed by b: B }";
    const t = run(src, [E("A", 1), E("B", 2)], { processingTime: true, clock: () => now++ });
    expect(t.records.map((r) => [r.op, r.time])).toEqual([
      ["created", 100],
      ["took", 101],
      ["completed", 101],
    ]);
  });

  it("watermarks-only: a key's window closes at its own next event, not at another key's", () => {
    const src = "pattern P { key by k within 5ms match a: A followed by b: B on timeout }";
    const input = [E("A", 1), { type: "C", ts: 10, k: 2 }, E("B", 20)];
    const wm = run(src, input, { watermarksOnly: true }).records.filter((r) => r.op === "timedOut");
    expect(wm.map((r) => r.time)).toEqual([20]);
    const all = run(src, input).records.filter((r) => r.op === "timedOut");
    expect(all.map((r) => r.time)).toEqual([10]);
  });
});

describe("trace records: skip strategies", () => {
  it("heldBack by an earlier partial match, released when it dies", () => {
    const src =
      "pattern P { key by k within 5ms after match skip past last event match a: A followed by b: B where v == a.v }";
    const t = run(src, [E("A", 1, { v: 1 }), E("A", 2, { v: 2 }), E("B", 3, { v: 2 }), E("C", 6)]);
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 1, state: "b", term: "a", event: 0, events: "0:a" },
      {
        op: "ignored",
        id: "p1",
        time: 2,
        state: "b",
        rejected: [typeReason("b", "B", "A", "b: B where v == a.v")],
        event: 1,
        events: "0:a",
      },
      { op: "created", id: "p2", time: 2, state: "b", term: "a", event: 1, events: "1:a" },
      {
        op: "ignored",
        id: "p1",
        time: 3,
        state: "b",
        rejected: [
          {
            rule: "condition",
            term: "b",
            condition: "v == a.v",
            result: false,
            values: [
              { expr: "v", value: 2 },
              { expr: "a.v", value: 1 },
            ],
            at: "v == a.v",
          },
        ],
        event: 2,
        events: "0:a",
      },
      { op: "took", id: "p2", time: 3, state: "match", term: "b", event: 2, events: "1:a 2:b" },
      { op: "completed", id: "p2", time: 3, state: "match", event: 2, events: "1:a 2:b" },
      { op: "heldBack", id: "p2", time: 3, state: "match", by: "p1", event: 2, events: "1:a 2:b" },
      {
        op: "died",
        id: "p1",
        time: 6,
        state: "b",
        reason: { rule: "window", scope: "pattern", term: null, ms: 5, start: 1, deadline: 6, at: "5ms" },
        event: null,
        cause: 3, // the event whose arrival moved time past the deadline
        events: "0:a",
      },
      { op: "released", id: "p2", time: 6, state: "match", event: null, events: "1:a 2:b" },
    ]);
    expect(t.out).toHaveLength(1);
  });

  it("held back until the input ends: the earlier partial match ends, the match is released", () => {
    const src =
      "pattern P { key by k after match skip past last event match a: A followed by b: B where v == a.v }";
    const t = run(src, [E("A", 1, { v: 1 }), E("A", 2, { v: 2 }), E("B", 3, { v: 2 })]);
    expect(t.records.slice(-3)).toEqual([
      { op: "heldBack", id: "p2", time: 3, state: "match", by: "p1", event: 2, events: "1:a 2:b" },
      ended("p1", "b", "0:a"),
      { op: "released", id: "p2", time: null, state: "match", event: null, events: "1:a 2:b" },
    ]);
  });

  it("skip past last event: a match completed in the same step is pruned", () => {
    const src = "pattern P { key by k after match skip past last event match a: A followed by b: B }";
    const t = run(src, [E("A", 1), E("A", 2), E("B", 3)]);
    const skip = {
      rule: "skip",
      strategy: "skipPastLastEvent",
      match: "p1",
      at: "after match skip past last event",
    };
    expect(t.records.slice(3)).toEqual([
      { op: "took", id: "p1", time: 3, state: "match", term: "b", event: 2, events: "0:a 2:b" },
      { op: "completed", id: "p1", time: 3, state: "match", event: 2, events: "0:a 2:b" },
      { op: "took", id: "p2", time: 3, state: "match", term: "b", event: 2, events: "1:a 2:b" },
      { op: "completed", id: "p2", time: 3, state: "match", event: 2, events: "1:a 2:b" },
      {
        op: "pruned",
        id: "p2",
        time: 3,
        state: "match",
        reason: skip,
        by: "p1",
        event: 2,
        events: "1:a 2:b",
      },
    ]);
    expect(t.out).toHaveLength(1);
  });

  it("skip to next: the partial match that stayed is pruned by its own fork's match", () => {
    const src = "pattern P { key by k after match skip to next match a: A followed by any b: B }";
    const t = run(src, [E("A", 1), E("B", 2), E("B", 3)]);
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 1, state: "b", term: "a", event: 0, events: "0:a" },
      { op: "ignored", id: "p1", time: 2, state: "b", event: 1, events: "0:a" },
      { op: "took", id: "p2", time: 2, state: "match", term: "b", from: "p1", event: 1, events: "0:a 1:b" },
      { op: "completed", id: "p2", time: 2, state: "match", from: "p1", event: 1, events: "0:a 1:b" },
      {
        op: "pruned",
        id: "p1",
        time: 2,
        state: "b",
        reason: { rule: "skip", strategy: "skipToNext", match: "p2", at: "after match skip to next" },
        by: "p2",
        event: 1,
        events: "0:a",
      },
    ]);
  });

  for (const [strategy, name] of [
    ["first", "skipToFirst b"],
    ["last", "skipToLast b"],
  ] as const) {
    it(`skip to ${strategy} b: the longer match goes first and prunes the rest`, () => {
      const src = `pattern P { key by k after match skip to ${strategy} b match a: A followed by b: B+ followed by c: C }`;
      const t = run(src, [E("A", 1), E("B", 2), E("B", 3), E("C", 4)]);
      const skip = { rule: "skip", strategy: name, match: "p3", at: `after match skip to ${strategy} b` };
      expect(t.records).toEqual([
        { op: "created", id: "p1", time: 1, state: "b:1", term: "a", event: 0, events: "0:a" },
        { op: "took", id: "p1", time: 2, state: "b", term: "b", event: 1, events: "0:a 1:b" },
        { op: "took", id: "p1", time: 3, state: "b", term: "b", event: 2, events: "0:a 1:b 2:b" },
        {
          op: "proceeded",
          id: "p2",
          time: 3,
          state: "c",
          from: "p1",
          rejected: [typeReason("c", "C", "B", "c: C")],
          event: 2,
          events: "0:a 1:b",
        },
        {
          op: "ignored",
          id: "p1",
          time: 4,
          state: "b:0",
          rejected: [typeReason("b", "B", "C", "b: B+")],
          event: 3,
          events: "0:a 1:b 2:b",
        },
        {
          op: "took",
          id: "p3",
          time: 4,
          state: "match",
          term: "c",
          from: "p1",
          event: 3,
          events: "0:a 1:b 2:b 3:c",
        },
        {
          op: "completed",
          id: "p3",
          time: 4,
          state: "match",
          from: "p1",
          event: 3,
          events: "0:a 1:b 2:b 3:c",
        },
        { op: "took", id: "p2", time: 4, state: "match", term: "c", event: 3, events: "0:a 1:b 3:c" },
        { op: "completed", id: "p2", time: 4, state: "match", event: 3, events: "0:a 1:b 3:c" },
        {
          op: "pruned",
          id: "p1",
          time: 4,
          state: "b:0",
          reason: skip,
          by: "p3",
          event: 3,
          events: "0:a 1:b 2:b",
        },
        {
          op: "pruned",
          id: "p2",
          time: 4,
          state: "match",
          reason: skip,
          by: "p3",
          event: 3,
          events: "0:a 1:b 3:c",
        },
      ]);
      expect(t.out).toHaveLength(1);
    });
  }
});

describe("trace records: limits", () => {
  it("dropped by the per-key limit (oldest by start first)", () => {
    const src = "pattern P { key by k match a: A followed by any b: B }";
    const t = run(src, [E("A", 1), E("A", 2), E("A", 3)], { limits: { partialMatchesPerKey: 2 } });
    expect(t.records.slice(3)).toEqual([
      {
        op: "ignored",
        id: "p1",
        time: 3,
        state: "b",
        rejected: [typeReason("b", "B", "A", "b: B")],
        event: 2,
        events: "0:a",
      },
      {
        op: "ignored",
        id: "p2",
        time: 3,
        state: "b",
        rejected: [typeReason("b", "B", "A", "b: B")],
        event: 2,
        events: "1:a",
      },
      { op: "created", id: "p3", time: 3, state: "b", term: "a", event: 2, events: "2:a" },
      {
        op: "dropped",
        id: "p1",
        time: 3,
        state: "b",
        reason: { rule: "limit", limit: "partialMatchesPerKey" },
        event: 2,
        events: "0:a",
      },
      ended("p2", "b", "1:a"),
      ended("p3", "b", "2:a"),
    ]);
  });

  it("dropped with its whole key by the key limit", () => {
    const src = "pattern P { key by k match a: A followed by b: B }";
    const t = run(src, [E("A", 1), { type: "A", ts: 2, k: 2 }], { limits: { keys: 1 } }, {}, true);
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 1, state: "b", term: "a", key: 1, event: 0, events: "0:a" },
      { op: "created", id: "p2", time: 2, state: "b", term: "a", key: 2, event: 1, events: "1:a" },
      {
        op: "dropped",
        id: "p1",
        time: null,
        state: "b",
        reason: { rule: "limit", limit: "keys" },
        key: 1,
        event: null,
        events: "0:a",
      },
      { ...ended("p2", "b", "1:a"), key: 2 },
    ]);
  });

  it("dropped with its whole key by the memory budget", () => {
    const src = "pattern P { key by k match a: A followed by b: B }";
    const input = Array.from({ length: 50 }, (_, i) => ({
      type: "A",
      ts: i + 1,
      k: i,
      pad: "x".repeat(200),
    }));
    const t = run(src, input, { limits: { memory: 4000 } }, { keys: [0] });
    expect(t.records.map((r) => [r.op, r.id, (r.reason as { limit?: string } | undefined)?.limit])).toEqual([
      ["created", "p1", undefined],
      ["dropped", "p1", "memory"],
    ]);
  });
});

describe("trace records: events not fed", () => {
  it("skipped: a late event, for the key it has", () => {
    const src = "pattern P { key by k match a: A followed by b: B }";
    const t = run(src, [E("A", 5), E("B", 3)], {}, {}, true);
    expect(t.records).toEqual([
      { op: "created", id: "p1", time: 5, state: "b", term: "a", key: 1, event: 0, events: "0:a" },
      { op: "skipped", id: null, time: 3, reason: { rule: "late", watermark: 5 }, key: 1, event: -1 },
      { ...ended("p1", "b", "0:a"), key: 1 },
    ]);
  });

  it("skipped: a missing key (key null, whatever the key filter)", () => {
    const src = "pattern P { key by k match a: A followed by b: B }";
    const t = run(src, [E("A", 5), { type: "B", ts: 6 }], {}, { keys: [1] }, true);
    expect(t.records[1]).toEqual({
      op: "skipped",
      id: null,
      time: 6,
      reason: { rule: "missingKey", path: "k" },
      key: null,
      event: -1,
    });
  });

  it("skipped: an event that does not fit its type's declaration", () => {
    const src = "event B { v: number, k: number }\npattern P { key by k match a: A followed by b: B }";
    const t = run(src, [E("A", 5), E("B", 6, { v: "x" }), E("B", 7, { v: 1 })], {}, {}, true);
    expect(
      t.records.map((r) => [r.op, r.key, (r.reason as { rule?: string } | undefined)?.rule, r.time, r.event]),
    ).toEqual([
      ["created", 1, undefined, 5, 0],
      // Fed (to the patterns not using B), so it has its feed number.
      ["skipped", 1, "schema", 6, 1],
      ["took", 1, undefined, 7, 2],
      ["completed", 1, undefined, 7, 2],
    ]);
  });
});

describe("trace records: what is traced", () => {
  const two =
    "pattern P { key by k match a: A followed by b: B }\npattern Q { key by k match a: A next b: B }";
  const input = [E("A", 1), { type: "A", ts: 2, k: 2 }, E("C", 3), E("B", 4), { type: "B", ts: 5, k: 2 }];

  it("every pattern and key by default; `pattern` and `key` name them", () => {
    const t = run(two, input);
    expect(t.raw.map((r) => `${r.pattern}/${r.key}/${r.op}`)).toEqual([
      "P/1/created",
      "Q/1/created",
      "P/2/created",
      "Q/2/created",
      // P's state b is unchanged by a C (decided from the type): P is not stepped, yet its
      // `ignored` comes in pattern order.
      "P/1/ignored",
      "Q/1/died",
      "P/1/took",
      "P/1/completed",
      "P/2/took",
      "P/2/completed",
      "Q/2/took",
      "Q/2/completed",
    ]);
  });

  it("`patterns` and `keys` (values) choose what is traced", () => {
    const t = run(two, input, {}, { patterns: ["Q"], keys: [2] });
    expect(t.raw.map((r) => `${r.pattern}/${r.key}/${r.op}`)).toEqual([
      "Q/2/created",
      "Q/2/took",
      "Q/2/completed",
    ]);
  });

  it('`keys` values compare by JSON type and value: "1" is not 1', () => {
    expect(run(two, input, {}, { keys: ["1"] }).raw).toEqual([]);
    expect(run(two, input, {}, { keys: [1] }).raw.length).toBeGreaterThan(0);
  });

  it("`keys` as a predicate", () => {
    const t = run(two, input, {}, { patterns: ["P"], keys: (k) => k === 1 });
    expect(t.raw.map((r) => `${r.pattern}/${r.key}/${r.op}`)).toEqual([
      "P/1/created",
      "P/1/ignored",
      "P/1/took",
      "P/1/completed",
    ]);
  });

  it("composite keys compare as JSON, whatever the order of an object's fields", () => {
    const src = "pattern P { key by k, g match a: A followed by b: B }";
    const evs = [
      { type: "A", ts: 1, k: 1, g: { x: 1, y: 2 } },
      { type: "A", ts: 2, k: 1, g: "other" },
      { type: "B", ts: 3, k: 1, g: { y: 2, x: 1 } },
    ];
    const t = run(src, evs, {}, { keys: [[1, { y: 2, x: 1 }]] }, true);
    expect(t.records.map((r) => [r.op, r.key])).toEqual([
      ["created", [1, { x: 1, y: 2 }]],
      ["took", [1, { x: 1, y: 2 }]],
      ["completed", [1, { x: 1, y: 2 }]],
    ]);
  });

  it("describeEvent adds fields to each record's event", () => {
    const src = "pattern P { key by k match a: A followed by b: B }";
    const t = run(
      src,
      [E("A", 1, { id: 7 }), E("B", 2, { id: 8 })],
      {},
      {
        describeEvent: (e) => ({ line: (e as { id: number }).id }),
      },
    );
    expect(t.raw.map((r) => r.event)).toEqual([
      { seq: 0, time: 1, type: "A", line: 7 },
      { seq: 1, time: 2, type: "B", line: 8 },
      { seq: 1, time: 2, type: "B", line: 8 },
    ]);
  });
});

describe("trace records: groups", () => {
  it("a group's terms take in turn; strict contiguity inside the group names its term", () => {
    const src = "pattern P { key by k match a: A followed by (x: X next y: Y){2} followed by b: B }";
    const ok = run(src, [E("A", 1), E("X", 2), E("Y", 3), E("X", 4), E("Y", 5), E("B", 6)]);
    expect(ok.records.filter((r) => r.op === "took" || r.op === "created").map((r) => r.term)).toEqual([
      "a",
      "x",
      "y",
      "x",
      "y",
      "b",
    ]);
    expect(new Set(ok.records.map((r) => r.id))).toEqual(new Set(["p1"]));
    const broken = run(src, [E("A", 1), E("X", 2), E("Z", 3)]);
    expect(broken.records.at(-1)).toMatchObject({
      op: "died",
      id: "p1",
      reason: {
        rule: "contiguity",
        term: "y",
        modifier: "next",
        failed: { rule: "type", term: "y", got: "Z" },
      },
    });
  });
});

describe("trace records: a restored engine", () => {
  it("partial matches from a snapshot get ids when they first do something; unchanged ones still say `ignored`", () => {
    const program = compile("pattern P { key by k match a: A followed by b: B }");
    const first = new Engine(program);
    first.push(E("A", 1));
    const snapshot = JSON.parse(JSON.stringify(first.snapshot()));
    const raw: TraceRecord[] = [];
    const engine = new Engine(program, { restore: snapshot, trace: { keys: [1], sink: (r) => raw.push(r) } });
    engine.push(E("C", 2));
    engine.push(E("B", 3));
    engine.end();
    expect(
      raw.map((r) => [r.op, r.id, r.event?.seq, r.events?.map((e) => `${e.seq}:${e.term}`).join(" ")]),
    ).toEqual([
      ["ignored", "p1", 1, "0:a"],
      ["took", "p1", 2, "0:a 2:b"],
      ["completed", "p1", 2, "0:a 2:b"],
    ]);
  });
});

describe("trace records: negation and `until` inside loops and groups", () => {
  it("a group's `until` names its condition and the values it read", () => {
    const src =
      "pattern P { key by k match a: A followed by (x: X next y: Y)+ until (v > 5) followed by c: C }";
    const t = run(src, [E("A", 1), E("X", 2), E("Y", 3), E("X", 4, { v: 9 }), E("C", 5)]);
    expect(t.records[3]).toEqual({
      op: "proceeded",
      id: "p1",
      time: 4,
      state: "c",
      rejected: [
        {
          rule: "until",
          term: "(group)",
          condition: "v > 5",
          values: [{ expr: "v", value: 9 }],
          at: "v > 5",
        },
        typeReason("c", "C", "X", "c: C"),
      ],
      event: 3,
      events: "0:a 1:x 2:y",
    });
  });

  it("`not next` inside a repeated group: the Stop state of the second iteration names the negated term", () => {
    const src =
      "pattern P { key by k match a: A followed by (x: X not next n: N followed by y: Y){2} followed by c: C }";
    const t = run(src, [E("A", 1), E("X", 2), E("Y", 3), E("X", 4), E("N", 5)]);
    expect(t.records.at(-1)).toEqual({
      op: "died",
      id: "p1",
      time: 5,
      state: "n",
      reason: { rule: "negation", term: "n", op: "notNext", at: "n: N" },
      event: 4,
      events: "0:a 1:x 2:y 3:x",
    });
  });

  it("`not next` after a loop kills the looping partial match; its fork past the loop lives on", () => {
    const src = "pattern P { key by k match a: A followed by b: B+ not next n: N followed by c: C }";
    const t = run(src, [E("A", 1), E("B", 2), E("B", 3), E("N", 4), E("C", 5)]);
    expect(
      t.records.slice(3).map((r) => [r.op, r.id, r.from, (r.reason as { rule?: string } | undefined)?.rule]),
    ).toEqual([
      ["proceeded", "p2", "p1", undefined],
      ["died", "p1", undefined, "negation"],
      ["ignored", "p2", undefined, undefined],
      ["took", "p2", undefined, undefined],
      ["completed", "p2", undefined, undefined],
    ]);
  });
});

describe("trace records: attribution (found by test/property/trace.test.ts)", () => {
  it("a copy goes to the partial match whose last event it holds by the same term", () => {
    // After A0 A1, one partial match holds A1 as t0 and another as t1 (same event, same
    // previous cell). At C, the one holding t1 moves into t2's ignore state (a copy): it is
    // that partial match that ignored C, not the one holding A1 as t0.
    const src = `pattern P {
  match t0: *{1,2} combinations
        not followed by n0: C
        followed by t1: * optional
        followed by any t2: A optional
        next t3: A? where v > 0
}`;
    const t = run(src, [
      { type: "A", v: 0, ts: 1 },
      { type: "A", v: 0, ts: 1 },
      { type: "C", ts: 1 },
    ]);
    const byT1 = t.records.find((r) => r.op === "took" && r.term === "t1" && r.event === 1);
    expect(byT1).toMatchObject({ events: "0:t0 1:t1" });
    const atC = t.records.filter((r) => r.event === 2 && r.events === "0:t0 1:t1");
    expect(atC).toEqual([
      {
        op: "ignored",
        id: byT1?.id,
        time: 1,
        state: "t2:0",
        rejected: [
          typeReason("t2", "A", "C", "t2: A optional"),
          typeReason("t3", "A", "C", "t3: A? where v > 0"),
        ],
        event: 2,
        events: "0:t0 1:t1",
      },
    ]);
  });
});

describe("the catalogue is complete", () => {
  it("compiles only when every op and rule is listed", () => {
    expect([opsComplete, rulesComplete]).toEqual([true, true]);
  });
});

afterAll(() => {
  // Every op and every reason rule of records.ts was reached by a scenario above.
  expect([...seenOps].sort()).toEqual([...ALL_OPS].sort());
  expect([...seenRules].sort()).toEqual([...ALL_RULES].sort());
});
