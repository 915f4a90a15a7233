/**
 * Conformance with Apache Flink CEP: every scenario of Flink's own test suites that our
 * language can express (flink-cases.ts), run through the public library API.
 *
 * How the Flink harnesses are reproduced (shared/conformance/README.md):
 * - NFA-level tests (NFAITCase and most ITCases) advance time to each event's timestamp,
 *   feed it, and never advance time to the end. Event time with out-of-orderness 0 does
 *   exactly that, and these cases never call `engine.end()` (`end: false`).
 * - Operator-level tests replay their input: events, watermarks (`advanceTo`, with an
 *   out-of-orderness so large that only watermarks move time) or processing-time clock
 *   steps. A finite Flink job ends with a +inf watermark (`end: true` -> `engine.end()`);
 *   the CepOperator test harness does not.
 * A match record becomes the sorted list of its events' ids; the lists are compared as a
 * multiset, or in order when Flink asserts the order.
 */
import { describe, expect, it } from "vitest";
import { CompileError, compile, Engine } from "../../src/index.js";
import {
  type FlinkEvent,
  flinkCases,
  NON_PORTABLE_REASONS,
  type NonPortableCase,
  type PortableCase,
} from "./flink-cases.js";

/** The parts of an output record (language.md §5) these tests read. */
interface OutRecord {
  readonly pattern: string;
  readonly key: unknown;
  readonly start: number;
  readonly end: number;
  readonly timeout?: boolean;
  readonly events: Readonly<Record<string, readonly FlinkEvent[]>>;
}

interface RunResult {
  readonly matches: OutRecord[];
  readonly timeouts: OutRecord[];
  readonly late: number[];
  readonly errors: unknown[];
  /** The time our engine gives each pushed event (ts in event time, arrival clock in processing time). */
  readonly timeOf: Map<number, number>;
}

const byNumber = (a: number, b: number) => a - b;

/** Lexicographic order on id lists (a proper prefix first). */
function compareIds(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

function allEvents(r: OutRecord): FlinkEvent[] {
  return Object.values(r.events).flat();
}

/** A record as the sorted list of its events' ids. */
function idsOf(r: OutRecord): number[] {
  return allEvents(r)
    .map((e) => e.id)
    .sort(byNumber);
}

function sortedIds(l: readonly number[]): number[] {
  return [...l].sort(byNumber);
}

function asMultiset(lists: readonly (readonly number[])[]): number[][] {
  return lists.map(sortedIds).sort(compareIds);
}

function run(c: PortableCase): RunResult {
  const program = compile(c.source, { file: `${c.id}.pattern` });
  let clock = 0;
  const engine =
    c.time.mode === "processing"
      ? new Engine(program, { typeField: "type", timeField: "ts", processingTime: true, clock: () => clock })
      : new Engine(program, { typeField: "type", timeField: "ts", outOfOrderness: c.time.outOfOrderness });
  const result: RunResult = { matches: [], timeouts: [], late: [], errors: [], timeOf: new Map() };
  engine.on("match", (r: unknown) => {
    result.matches.push(r as OutRecord);
  });
  engine.on("timeout", (r: unknown) => {
    result.timeouts.push(r as OutRecord);
  });
  engine.on("late", (e: unknown) => {
    result.late.push((e as FlinkEvent).id);
  });
  engine.on("error", (e: unknown) => {
    result.errors.push(e);
  });

  const byId = new Map(c.events.map((e) => [e.id, e]));
  const steps = c.input ?? c.events.map((e) => ({ event: e.id }));
  let arrival = Number.NEGATIVE_INFINITY;
  for (const step of steps) {
    if ("event" in step) {
      const event = byId.get(step.event);
      if (event === undefined) throw new Error(`${c.id}: no event ${step.event}`);
      if (c.time.mode === "processing") {
        // Plain event lists: the clock reads the event's ts (the arrival index or time in Flink's test).
        if (c.input === undefined) clock = event.ts;
        arrival = Math.max(arrival, clock);
        result.timeOf.set(event.id, arrival);
      } else {
        result.timeOf.set(event.id, event.ts);
      }
      engine.push({ ...event });
    } else if ("watermark" in step) {
      engine.advanceTo(step.watermark);
    } else {
      clock = step.processingTime;
    }
  }
  if (c.end) engine.end();
  return result;
}

function checkPortable(c: PortableCase): void {
  const r = run(c);
  expect(r.errors, "no pushed event may be rejected").toEqual([]);

  const actual = r.matches.map(idsOf);
  if (c.ordered) {
    expect(actual, "matches, in emission order").toEqual(c.expected.map(sortedIds));
  } else {
    expect(asMultiset(actual), "matches (as a multiset)").toEqual(asMultiset(c.expected));
  }

  if (c.expectedVariables !== undefined) {
    const vars = r.matches.map((m) =>
      Object.fromEntries(Object.entries(m.events).map(([v, evs]) => [v, evs.map((e) => e.id)])),
    );
    expect(vars, "events per variable").toEqual(c.expectedVariables);
  }

  if (c.expectedTimeouts !== undefined) {
    const stamps = c.expectedTimeoutStamps ?? [];
    const expected = c.expectedTimeouts.map((ids, i) => `[${sortedIds(ids).join(",")}]@${stamps[i]}`).sort();
    const got = r.timeouts.map((t) => `[${idsOf(t).join(",")}]@${t.end}`).sort();
    expect(got, "timeouts as [ids]@stamp (as a multiset)").toEqual(expected);
    for (const t of r.timeouts) expect(t.timeout).toBe(true);
  } else {
    // Without `on timeout` the pattern reports no timeouts (language.md §3).
    expect(r.timeouts.map(idsOf), "no timeouts").toEqual([]);
  }

  expect(sortedIds(r.late), "late events").toEqual(sortedIds(c.lateEvents ?? []));

  // Record shape (language.md §5): key, start and end of every match.
  const keyed = /\bkey by\b/.test(c.source);
  for (const m of r.matches) {
    const events = allEvents(m);
    const times = events.map((e) => r.timeOf.get(e.id) ?? Number.NaN);
    expect(m.start, "match start = time of its first event").toBe(Math.min(...times));
    expect(m.end, "match end = time of its last event").toBe(Math.max(...times));
    if (keyed) {
      for (const e of events) expect(e.key, "every event of a match has the match's key").toBe(m.key);
    } else {
      expect(m.key, "no key by -> key null").toBeNull();
    }
  }
}

function checkNotPortable(c: NonPortableCase): void {
  expect(NON_PORTABLE_REASONS).toContain(c.reason);
  if (c.closestSource !== undefined) {
    const closest = c.closestSource;
    expect(() => compile(closest, { file: `${c.id}.pattern` })).not.toThrow();
  }
  if (c.rejectedSource !== undefined) {
    const rejected = c.rejectedSource;
    expect(() => compile(rejected, { file: `${c.id}.pattern` })).toThrow(CompileError);
  }
}

const portable = flinkCases.filter((c): c is PortableCase => c.portable);
const notPortable = flinkCases.filter((c): c is NonPortableCase => !c.portable);

describe("Flink CEP scenarios (flink-cases.ts)", () => {
  it("holds every scenario of flink-cases.json exactly once", () => {
    expect(flinkCases).toHaveLength(131);
    expect(new Set(flinkCases.map((c) => c.id)).size).toBe(131);
    expect(portable).toHaveLength(119);
    expect(notPortable).toHaveLength(12);
  });

  for (const testClass of [...new Set(portable.map((c) => c.id.split("#")[0]))]) {
    describe(testClass, () => {
      for (const c of portable.filter((p) => p.id.split("#")[0] === testClass)) {
        it(c.id, () => checkPortable(c));
      }
    });
  }
});

describe("not portable (language.md §8)", () => {
  for (const c of notPortable) {
    it(c.id, () => checkNotPortable(c));
  }
});
