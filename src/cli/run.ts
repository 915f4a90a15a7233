/**
 * The core of `cep run`, shared with `cep test`: events from an input, through an
 * engine, to line sinks. No options parsing, no files opened, no process state: the
 * caller owns all of that (see `run-command.ts`, `test-command.ts`).
 *
 * The per-line path is: scanner slices the line → `JSON.parse` → `engine.push`. Records
 * are `JSON.stringify`d (the engine builds them in language.md §5 key order) into a
 * batched sink. The only per-line work besides is setting the "current line", which is
 * how a synchronous `late`/`error` callback learns where its event came from.
 */
import { readCsv } from "../io/csv.js";
import type { EventHandler } from "../io/events.js";
import type { JsonObject } from "../io/json.js";
import { readNdjson } from "../io/ndjson.js";
import { errorRecord, type LineSink, lateRecord } from "../io/sinks.js";
import type { InputSource } from "../io/source.js";
import type { CepApi, CompiledProgram, EngineOptions, EngineStats, OutputRecord } from "./api.js";

/** Engine settings from the command line. */
export interface RunSettings {
  typeField: string;
  timeField: string;
  /** ms, ≥ 0. */
  outOfOrderness: number;
  processingTime: boolean;
  /** `--clock`: processing time starts there, +1 ms per record; null = wall clock. */
  clock: number | null;
  watermarksOnly: boolean;
  /** `--pattern` names; empty = all. */
  patterns: string[];
}

/** Where events come from and records go. */
export interface RunStreams {
  input: InputSource;
  format: "ndjson" | "csv";
  output: LineSink;
  /** Bad lines, missing keys, and late events when `late` is null. */
  errors: LineSink;
  late: LineSink | null;
  /** Called after each input chunk (progress display). */
  onChunk?: (bytesRead: number, live: LiveCounts) => void;
}

/** Counters readable while running (one object, updated in place). */
export interface LiveCounts {
  events: number;
  matches: number;
  stats(): EngineStats;
}

/** What a run did, for the summary line. */
export interface RunResult {
  /** Events the engine took (its own count when it gives one). */
  events: number;
  /** Matches per pattern, in program order (patterns not run are absent). */
  matches: Record<string, number>;
  timeouts: number;
  late: number;
  /** Bad lines: unparsable, not an object, too long, missing or invalid time, … (not missing keys). */
  bad: number;
  /** Events reported for a missing key (not bad lines). */
  missingKeys: number;
  /** Set when the run stopped early because the output failed (EPIPE, ENOSPC…). */
  outputError: Error | null;
}

/** Thrown from the chunk hook to stop reading when an output has failed. */
class OutputFailed extends Error {}

/** Wall-clock source for processing time without `--clock`. */
export interface RunClock {
  wallClock: () => number;
}

/** Runs `program` over `streams.input`; resolves when the input has ended and the engine has flushed. */
export async function runEvents(
  api: Pick<CepApi, "Engine">,
  program: CompiledProgram,
  settings: RunSettings,
  streams: RunStreams,
  clock: RunClock,
): Promise<RunResult> {
  const { output, errors, late: lateSink } = streams;
  const file = streams.input.name;

  // 1. The engine, with `--clock` as a counter the reader sets before each push.
  let clockNow = 0;
  const options: EngineOptions = {
    typeField: settings.typeField,
    timeField: settings.timeField,
    outOfOrderness: settings.outOfOrderness,
    processingTime: settings.processingTime,
    watermarksOnly: settings.watermarksOnly,
  };
  if (settings.processingTime) options.clock = settings.clock === null ? clock.wallClock : () => clockNow;
  if (settings.patterns.length > 0) options.patterns = settings.patterns;
  const engine = new api.Engine(program, options);

  // 2. Counters and the "current line".
  const matches: Record<string, number> = Object.create(null);
  for (const p of program.patterns) {
    if (settings.patterns.length === 0 || settings.patterns.includes(p.name)) matches[p.name] = 0;
  }
  let timeouts = 0;
  let late = 0;
  let bad = 0;
  let missingKeys = 0;
  let pushed = 0;
  let curLine = 0;
  let curText = "";
  let curEvent: unknown = null;
  // The engine reports late events, bad times and missing keys inside the push of the
  // event itself (keys are computed on arrival, even when the event is buffered), so the
  // current line is the event's line. Anything else (not expected) gets line null.
  const lineOf = (event: unknown): number | null => (event === curEvent ? curLine : null);
  const textOf = (event: unknown): string => (event === curEvent ? curText : (JSON.stringify(event) ?? ""));

  // 3. Engine outputs.
  engine.on("match", (record: OutputRecord) => {
    matches[record.pattern] = (matches[record.pattern] ?? 0) + 1;
    output.write(JSON.stringify(record));
  });
  engine.on("timeout", (record: OutputRecord) => {
    timeouts++;
    output.write(JSON.stringify(record));
  });
  engine.on("late", (event: unknown, reason: string) => {
    late++;
    if (lateSink !== null) lateSink.write(lateRecord(file, lineOf(event), reason, event));
    else errors.write(errorRecord(file, lineOf(event), reason, textOf(event)));
  });
  engine.on("error", ({ reason, event }: { reason: string; event: unknown }) => {
    if (reason.startsWith("missing key")) missingKeys++;
    else bad++;
    errors.write(errorRecord(file, lineOf(event), reason, textOf(event)));
  });

  // 4. The input loop: one synchronous callback per line, one await per chunk.
  const handler: EventHandler = {
    event(line: number, value: JsonObject, text: string) {
      curLine = line;
      curText = text;
      curEvent = value;
      clockNow = (settings.clock ?? 0) + pushed;
      pushed++;
      engine.push(value);
    },
    bad(line: number, reason: string, text: string) {
      bad++;
      errors.write(errorRecord(file, line, reason, text));
    },
  };
  const live: LiveCounts = { events: 0, matches: 0, stats: () => engine.stats() };
  const sinks = lateSink === null ? [output, errors] : [output, errors, lateSink];
  const afterChunk = (bytesRead: number): undefined | Promise<void> => {
    if (streams.onChunk) {
      live.events = pushed;
      live.matches = total(matches);
      streams.onChunk(bytesRead, live);
    }
    const failed = sinks.find((s) => s.error !== null);
    if (failed) throw new OutputFailed(failed.error?.message);
    return waitAll(sinks);
  };
  const read = streams.format === "csv" ? readCsv : readNdjson;
  let outputError: Error | null = null;
  try {
    await read(streams.input.chunks, handler, { afterChunk });
    // 5. End of input: windows close, timeouts fire, held-back matches are released.
    curEvent = null;
    curLine = 0;
    engine.end();
  } catch (err) {
    if (!(err instanceof OutputFailed)) throw err;
    outputError = sinks.find((s) => s.error !== null)?.error ?? err;
  }
  outputError ??= sinks.find((s) => s.error !== null)?.error ?? null;

  const stats = engine.stats();
  return {
    events: typeof stats.events === "number" ? stats.events : pushed,
    matches,
    timeouts,
    late,
    bad,
    missingKeys,
    outputError,
  };
}

function total(counts: Record<string, number>): number {
  let n = 0;
  for (const k in counts) n += counts[k];
  return n;
}

/** Undefined when every sink can take more now (the usual case: no promise per chunk). */
function waitAll(sinks: LineSink[]): Promise<void> | undefined {
  let waits: Promise<void>[] | null = null;
  for (const s of sinks) {
    const p = s.ready();
    if (p !== undefined) (waits ??= []).push(p);
  }
  return waits === null ? undefined : Promise.all(waits).then(() => undefined);
}
