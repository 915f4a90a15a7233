/**
 * Near misses of the example patterns (issue #14, "why didn't it match?"). For each
 * `patterns/name.pattern`, `patterns/near-miss/name.events.ndjson` is `name.events.ndjson`
 * with exactly one event changed, so that one match disappears, and `name.json` says which:
 *
 * - `line`: the changed line; `change`: what changed, in one sentence;
 * - `pattern`, `key`, `match`: the match that disappears, its events as input line numbers;
 * - `rule`: the rule the explanation must name (a `TraceReason` rule, or `never started`);
 * - `replacedBy` (optional): the record that takes its place (its events as lines, whether it
 *   is a timeout), when the change cannot remove a match without another one appearing.
 *
 * Each case checks that only that line differs; that the run gives the original's expected
 * records without the match (plus `replacedBy`); and that the library trace of that pattern
 * and key explains it: a record that names the changed event (its input line, carried by
 * `describeEvent`) with the rule, for the partial match holding the match's first events.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  compile,
  Engine,
  type EngineOptions,
  type MatchRecord,
  type TraceReason,
  type TraceRecord,
} from "../../src/index.js";
import { PATTERNS_DIR, scenarioOptions } from "../support/scenarios.js";

const NEAR_MISS_DIR = join(PATTERNS_DIR, "near-miss");

interface NearMiss {
  line: number;
  change: string;
  pattern: string;
  key: unknown;
  match: number[];
  rule: TraceReason["rule"] | "never started";
  replacedBy?: { events: number[]; timeout: boolean };
}

/** An input file's events with their line numbers (blank lines skipped, as `cep run` does). */
interface Input {
  readonly events: readonly { line: number; text: string }[];
  /** Line numbers by the event's JSON text (identical events share a text). */
  readonly linesByText: Map<string, number[]>;
}

function readInput(file: string): Input {
  const events: { line: number; text: string }[] = [];
  const linesByText = new Map<string, number[]>();
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((text, i) => {
      if (text.trim() === "") return;
      events.push({ line: i + 1, text });
      const key = JSON.stringify(JSON.parse(text));
      linesByText.set(key, [...(linesByText.get(key) ?? []), i + 1]);
    });
  return { events, linesByText };
}

/** A record's events as input lines, in order (identical events take the earliest free line). */
function linesOf(record: MatchRecord, input: Input): number[] {
  const used = new Set<number>();
  const lines: number[] = [];
  for (const event of Object.values(record.events).flat()) {
    const line = (input.linesByText.get(JSON.stringify(event)) ?? []).find((l) => !used.has(l));
    if (line === undefined)
      throw new Error(`an event of the record is not in the input: ${JSON.stringify(event)}`);
    used.add(line);
    lines.push(line);
  }
  return lines.sort((a, b) => a - b);
}

/** Runs scenario `name` on an input through the library engine, tracing (pattern, key) when asked. */
function run(
  name: string,
  input: Input,
  traced?: { pattern: string; key: unknown },
): { records: MatchRecord[]; trace: TraceRecord[] } {
  const options = scenarioOptions(name);
  const program = compile(readFileSync(join(PATTERNS_DIR, `${name}.pattern`), "utf8"), {
    file: `patterns/${name}.pattern`,
    typeField: options.typeField,
    timeField: options.timeField,
  });
  const lineOf = new WeakMap<object, number>();
  const trace: TraceRecord[] = [];
  const engineOptions: EngineOptions = { outOfOrderness: options.outOfOrderness };
  if (traced !== undefined)
    engineOptions.trace = {
      patterns: [traced.pattern],
      keys: [traced.key],
      sink: (r) => trace.push(r),
      describeEvent: (e) => ({ line: lineOf.get(e as object) }),
    };
  const engine = new Engine(program, engineOptions);
  const records: MatchRecord[] = [];
  engine.on("match", (r) => records.push(r));
  engine.on("timeout", (r) => records.push(r));
  // A near miss may make an event unusable (schema, missing key): the engine reports it and goes on.
  engine.on("error", () => {});
  for (const { line, text } of input.events) {
    const event = JSON.parse(text);
    lineOf.set(event, line);
    engine.push(event);
  }
  engine.end();
  // Plain JSON values, as the CLI would write them.
  return { records: records.map((r) => JSON.parse(JSON.stringify(r))), trace };
}

const sameKey = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function indexOfRecord(
  records: readonly MatchRecord[],
  input: Input,
  pattern: string,
  key: unknown,
  lines: readonly number[],
  timeout: boolean,
): number {
  return records.findIndex(
    (r) =>
      r.pattern === pattern &&
      sameKey(r.key, key) &&
      (r.timeout === true) === timeout &&
      sameKey(linesOf(r, input), lines),
  );
}

/** Does the trace record carry the rule, as its reason or as why a term rejected the event? */
function hasRule(r: TraceRecord, rule: string): boolean {
  return r.reason?.rule === rule || (r.rejected ?? []).some((x) => x.rule === rule);
}

/**
 * Cases whose trace does not (yet) explain the near miss, each with the tracer gap that stops
 * it: their explanation test is expected to fail (`it.fails`), and starts failing the suite
 * once the tracer is fixed, to be moved back to plain `it` then.
 */
// None left: payments-fraud's (a fork created and pruned by the skip strategy in the same
// step had no records) is fixed — the tracer reads the branches a step made before pruning.
const TRACER_GAPS: Record<string, string> = {};

const names = readdirSync(PATTERNS_DIR)
  .filter((f) => f.endsWith(".pattern"))
  .map((f) => f.slice(0, -".pattern".length))
  .sort();

describe("near misses of the example patterns", () => {
  it("every example pattern has a near miss", () => {
    expect(names.length).toBeGreaterThanOrEqual(13);
    const files = new Set(readdirSync(NEAR_MISS_DIR));
    for (const name of names) {
      expect(files.has(`${name}.events.ndjson`), `${name}.events.ndjson`).toBe(true);
      expect(files.has(`${name}.json`), `${name}.json`).toBe(true);
    }
  });

  for (const name of names) {
    describe(name, () => {
      const nm: NearMiss = JSON.parse(readFileSync(join(NEAR_MISS_DIR, `${name}.json`), "utf8"));
      const original = readInput(join(PATTERNS_DIR, `${name}.events.ndjson`));
      const changed = readInput(join(NEAR_MISS_DIR, `${name}.events.ndjson`));

      it("changes exactly one event", () => {
        expect(changed.events.map((e) => e.line)).toEqual(original.events.map((e) => e.line));
        const differing = changed.events
          .filter((e, i) => e.text !== original.events[i].text)
          .map((e) => e.line);
        expect(differing).toEqual([nm.line]);
      });

      it(`the match disappears: ${nm.change}`, () => {
        const expected: MatchRecord[] = readFileSync(join(PATTERNS_DIR, `${name}.expected.ndjson`), "utf8")
          .split("\n")
          .filter((l) => l.trim() !== "")
          .map((l) => JSON.parse(l));
        const gone = indexOfRecord(expected, original, nm.pattern, nm.key, nm.match, false);
        expect(gone, "the match is one of the original's expected records").toBeGreaterThanOrEqual(0);
        const { records } = run(name, changed);
        let actual = records;
        if (nm.replacedBy !== undefined) {
          const { events, timeout } = nm.replacedBy;
          const added = indexOfRecord(records, changed, nm.pattern, nm.key, events, timeout);
          expect(added, "the record that takes its place").toBeGreaterThanOrEqual(0);
          actual = records.filter((_, i) => i !== added);
        }
        expect(actual).toEqual(expected.filter((_, i) => i !== gone));
      });

      const gap = TRACER_GAPS[name];
      const explains = gap === undefined ? it : it.fails;
      explains(
        `the trace names line ${nm.line} and the rule: ${nm.rule}${gap ? ` (tracer gap: ${gap})` : ""}`,
        () => {
          const { records, trace } = run(name, changed, { pattern: nm.pattern, key: nm.key });
          expect(records, "tracing changes no output record").toEqual(run(name, changed).records);
          expect(trace.length).toBeGreaterThan(0);
          for (const r of trace) {
            expect(r.pattern).toBe(nm.pattern);
            if (r.id !== null) expect(r.key).toEqual(nm.key);
          }
          // Held events are feed numbers: every held event was fed, so a record names its line.
          const lineOfSeq = new Map<number, number>();
          for (const r of trace) if (r.event !== null) lineOfSeq.set(r.event.seq, r.event.line as number);
          const held = (r: TraceRecord) => (r.events ?? []).map((e) => lineOfSeq.get(e.seq));

          const completedMatch = trace.filter(
            (r) =>
              r.op === "completed" &&
              sameKey(
                held(r).sort((a, b) => (a ?? 0) - (b ?? 0)),
                nm.match,
              ),
          );
          expect(completedMatch, "the match's partial match does not complete").toEqual([]);

          if (nm.rule === "never started") {
            // The changed event was the match's first: no partial match ever held it or the rest of the match.
            expect(nm.match[0]).toBe(nm.line);
            const touching = trace.filter(
              (r) =>
                r.event?.line === nm.line || held(r).some((l) => l !== undefined && nm.match.includes(l)),
            );
            expect(touching).toEqual([]);
            return;
          }
          const time = JSON.parse(changed.events.find((e) => e.line === nm.line)?.text ?? "null")[
            scenarioOptions(name).timeField
          ];
          const namesChanged = (r: TraceRecord) =>
            r.event?.line === nm.line ||
            // A window passes when time does: the record is the step the changed event's time made.
            (nm.rule === "window" &&
              r.event === null &&
              r.time === time &&
              r.reason?.rule === "window" &&
              r.reason.deadline < time);
          // The partial match that would have become the match holds its first events.
          const ofMatch = (r: TraceRecord) => {
            if (r.id === null) return true;
            const lines = held(r);
            return lines.length > 0 && sameKey(lines, nm.match.slice(0, lines.length));
          };
          const explained = trace.filter((r) => namesChanged(r) && hasRule(r, nm.rule) && ofMatch(r));
          const aboutLine = trace.filter((r) => r.event?.line === nm.line || r.event === null);
          expect(
            explained.length,
            `records of that step:\n${aboutLine.map((r) => JSON.stringify(r)).join("\n")}`,
          ).toBeGreaterThan(0);
        },
      );
    });
  }
});
