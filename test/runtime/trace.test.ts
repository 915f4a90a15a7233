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
    const { v: _v, pattern: _p, key, event, events, ...rest } = r;
    const shown: Shown = { ...(show(source, rest) as Shown) };
    if (keepKey) shown.key = key;
    shown.event = event === null ? null : event.seq;
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
    const t = run("pattern P { key by k match a: A followed by any b: B }", [E("A", 1), E("B", 2), E("B", 3)]);
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
        reason: { rule: "until", term: "b", condition: "x > 5", values: [{ expr: "x", value: 9 }], at: "x > 5" },
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
