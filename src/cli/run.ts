/**
 * The core of `cep run`, shared with `cep test`: events from an input, through an
 * engine, to line sinks. No options parsing, no files opened, no process state: the
 * caller owns all of that (see `run-command.ts`, `test-command.ts`).
 *
 * The per-line path is: scanner slices the line → `JSON.parse` → `engine.push`. Records
 * are written in language.md §5 key order (the engine builds them so) into a batched
 * sink, each NDJSON event as its input text (`io/event-text.ts`: events are written
 * exactly as read, and are not stringified again). The only per-line work besides is setting the "current line", which is
 * how a synchronous `late`/`error` callback learns where its event came from.
 *
 * Checkpoints (`--checkpoint`, see checkpoint.ts): every `every` input records the reader
 * pauses right after a record, at a byte offset and line number; the engine snapshot,
 * these counters and that position are then one consistent cut, handed to
 * {@link RunCheckpoints.save} before reading goes on. A resumed run restores the engine
 * from the snapshot and the counters, and reads from the position on.
 */
import { readCsv } from "../io/csv.js";
import { eventJson, keepText, recordLine } from "../io/event-text.js";
import type { EventHandler, ReadPosition } from "../io/events.js";
import type { JsonObject } from "../io/json.js";
import { readNdjson } from "../io/ndjson.js";
import { errorRecord, type LineSink, lateRecord } from "../io/sinks.js";
import type { InputSource } from "../io/source.js";
import {
  type CepApi,
  type CompiledProgram,
  type EngineOptions,
  type EngineStats,
  type OutputRecord,
  type PatternSetChange,
  type RunEngine,
  type SourceFile,
  UsageError,
} from "./api.js";
import { type TraceSpec, traceOptions } from "./trace-option.js";

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
  /** `--csv-max-record-lines`; default: the reader's. */
  csvMaxRecordLines?: number;
  /** `--memory-limit`: the engine's `limits.memory` in bytes; null = its default. */
  memoryLimit: number | null;
  /** Events checked against declared schemas (off with `--no-schema-check`). */
  schemaCheck: boolean;
  /** `--trace`: keys (and patterns) whose trace records go to {@link RunStreams.trace}; absent or empty: no tracing. */
  trace?: readonly TraceSpec[];
  /** The engine's `trace` option as is (`cep why` collects the records itself); wins over `trace`. */
  engineTrace?: EngineOptions["trace"];
}

/** Where events come from and records go. */
export interface RunStreams {
  input: InputSource;
  format: "ndjson" | "csv";
  output: LineSink;
  /** Bad lines, missing keys, and late events when `late` is null. */
  errors: LineSink;
  late: LineSink | null;
  /** Trace records (with {@link RunSettings.trace}), one JSON line each. */
  trace?: LineSink;
  /** Called when the engine warns (a state limit was hit). */
  onWarning?: (message: string) => void;
  /** Called after each input chunk (progress display). */
  onChunk?: (bytesRead: number, live: LiveCounts) => void;
  /** Called with each event before it is pushed (`cep why` keeps events and their lines). */
  onEvent?: (line: number, event: JsonObject, text: string) => void;
  /** `--follow`: every input chunk's records are written before the next is read (not batched). */
  follow?: boolean;
  /** `--watch`: a set given to {@link PreparedRun.update} was applied, before the event of `line`. */
  onPatternsUpdated?: (
    program: CompiledProgram,
    change: PatternSetChange,
    line: number,
    sources: SourceFile[],
  ) => void;
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
  /** Events skipped silently by a pattern keyed on a field they lack, being of a type it never mentions (the engine's count). */
  unkeyed: number;
  /** Events that did not fit their type's declaration (reported, withheld from the patterns using the type; the engine's count). */
  schemaErrors: number;
  /** Partial matches dropped by the engine's state limits. */
  dropped: number;
  /** Set when the run stopped early because the output failed (EPIPE, ENOSPC…). */
  outputError: Error | null;
  /** `--follow`: a signal stopped the run (end of input did not happen; a checkpoint keeps the state). */
  stopped?: boolean;
}

/** Thrown from the chunk hook to stop reading when an output has failed. */
export class OutputFailed extends Error {}

/** `--follow --processing-time`: how often time moves on to the clock between events (ms). */
const TICK_MS = 50;

/** Wall-clock source for processing time without `--clock`. */
export interface RunClock {
  wallClock: () => number;
}

/** The counters of a run, as a checkpoint keeps them (the summary of a resumed run covers the whole run). */
export interface RunCounters {
  /** Input records pushed into the engine (events and `$watermark` records); drives `--clock`. */
  records: number;
  /** Events the engine took (its own count). */
  events: number;
  matches: Record<string, number>;
  timeouts: number;
  late: number;
  bad: number;
  missingKeys: number;
  /** The engine's counts (absent in checkpoints written before they were kept): a finished run's summary repeats them. */
  unkeyed?: number;
  schemaErrors?: number;
  dropped?: number;
}

/** Where a resumed run starts: what a checkpoint saved. */
export interface RunResume {
  /** `engine.snapshot()` at the checkpoint. */
  snapshot: unknown;
  counters: RunCounters;
  /** The input position of the snapshot: the input must be opened at its offset. */
  position: ReadPosition;
}

/** Taking checkpoints during a run. */
export interface RunCheckpoints {
  /** Input records between checkpoints (≥ 1). */
  every: number;
  /**
   * Saves a consistent cut: everything the sinks were given so far corresponds exactly to
   * `snapshot` and `counters`, and the input is consumed up to `position`.
   */
  save(position: ReadPosition, snapshot: unknown, counters: RunCounters): Promise<void>;
  /** After the end of input, when every record is written: the run is complete. */
  finish(counters: RunCounters): Promise<void>;
}

/** The engine, when it can take snapshots. */
interface SnapshotEngine extends RunEngine {
  snapshot(): unknown;
}

/** Runs `program` over `streams.input`; resolves when the input has ended and the engine has flushed. */
export async function runEvents(
  api: Pick<CepApi, "Engine">,
  program: CompiledProgram,
  settings: RunSettings,
  streams: RunStreams,
  clock: RunClock,
): Promise<RunResult> {
  return prepareRun(api, program, settings, clock).run(streams);
}

/** A run with its engine built (and restored), ready to read. */
export interface PreparedRun {
  /** Reads `streams.input` to its end; with `checkpoints`, saves one every `every` records and one at the end. */
  run(streams: RunStreams, checkpoints?: RunCheckpoints): Promise<RunResult>;
  /**
   * `--watch`: runs `program` instead, from the next event on (the engine's
   * `updatePatterns`: unchanged patterns keep their state). A later call before that
   * event replaces an earlier one.
   */
  update(program: CompiledProgram, sources: SourceFile[]): void;
  /** The run's counts so far and the engine's stats (`--metrics` reads them at each scrape). */
  status(): RunStatus;
}

/** What {@link PreparedRun.status} returns. */
export interface RunStatus {
  counters: RunCounters;
  /** Timeouts per pattern (this process's run; a resumed run counts from its start). */
  timeoutsByPattern: Record<string, number>;
  stats: EngineStats;
}

/**
 * Builds the engine, restoring it from `resume` when given. Throws {@link UsageError}
 * when the engine refuses the snapshot (other patterns, an unknown format), before
 * anything is read or written.
 */
export function prepareRun(
  api: Pick<CepApi, "Engine">,
  program: CompiledProgram,
  settings: RunSettings,
  clock: RunClock,
  resume: RunResume | null = null,
): PreparedRun {
  // 1. The engine, with `--clock` as a counter the reader sets before each push.
  let clockNow = 0;
  const options: EngineOptions & { restore?: unknown } = {
    typeField: settings.typeField,
    timeField: settings.timeField,
    outOfOrderness: settings.outOfOrderness,
    processingTime: settings.processingTime,
    watermarksOnly: settings.watermarksOnly,
  };
  // Only when off: an engine without the option checks by default.
  if (!settings.schemaCheck) options.schemaCheck = false;
  if (settings.processingTime) options.clock = settings.clock === null ? clock.wallClock : () => clockNow;
  if (settings.patterns.length > 0) options.patterns = settings.patterns;
  if (settings.memoryLimit !== null) options.limits = { memory: settings.memoryLimit };
  // Tracing: each event's input line, kept only while tracing (records name it as `line`).
  let traceSink: LineSink | null = null;
  const eventLines = settings.trace && settings.trace.length > 0 ? new WeakMap<object, number>() : null;
  if (settings.trace && eventLines !== null) {
    options.trace = traceOptions(
      settings.trace,
      (record) => traceSink?.write(JSON.stringify(record)),
      (event) => (typeof event === "object" && event !== null ? eventLines.get(event) : undefined),
    );
  }
  if (settings.engineTrace !== undefined) options.trace = settings.engineTrace;
  let engine: RunEngine;
  if (resume === null) {
    engine = new api.Engine(program, options);
  } else {
    options.restore = resume.snapshot;
    try {
      engine = new api.Engine(program, options);
    } catch (err) {
      throw new UsageError(
        `cannot resume from the checkpoint: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  // 2. Counters (restored on resume) and the "current line".
  const matches: Record<string, number> = Object.create(null);
  for (const p of program.patterns) {
    if (settings.patterns.length === 0 || settings.patterns.includes(p.name)) matches[p.name] = 0;
  }
  let timeouts = 0;
  const timeoutsByPattern: Record<string, number> = Object.create(null);
  let late = 0;
  let bad = 0;
  let missingKeys = 0;
  let pushed = 0;
  if (resume !== null) {
    const c = resume.counters;
    for (const name in matches) matches[name] = Object.hasOwn(c.matches, name) ? c.matches[name] : 0;
    timeouts = c.timeouts;
    late = c.late;
    bad = c.bad;
    missingKeys = c.missingKeys;
    pushed = c.records;
  }
  const counters = (): RunCounters => {
    const events = engine.stats().events;
    return {
      records: pushed,
      events: typeof events === "number" ? events : pushed,
      matches: { ...matches },
      timeouts,
      late,
      bad,
      missingKeys,
      unkeyed: engine.stats().unkeyed ?? 0,
      schemaErrors: engine.stats().schemaErrors ?? 0,
      dropped: engine.stats().dropped ?? 0,
    };
  };

  // `--watch`: a new pattern set waits here for the next event.
  let pending: { program: CompiledProgram; sources: SourceFile[] } | null = null;
  const applyUpdate = (streams: RunStreams, line: number): void => {
    const { program: next, sources } = pending as { program: CompiledProgram; sources: SourceFile[] };
    pending = null;
    if (engine.updatePatterns === undefined)
      throw new UsageError("--watch: this engine cannot change patterns");
    const only = settings.patterns.length > 0 ? { patterns: settings.patterns } : undefined;
    const change = engine.updatePatterns(next, only);
    for (const name of [...change.added, ...change.changed]) matches[name] ??= 0;
    streams.onPatternsUpdated?.(next, change, line, sources);
  };

  return {
    run: (streams, checkpoints) => read(streams, checkpoints ?? null),
    update: (next, sources) => {
      pending = { program: next, sources };
    },
    status: () => ({
      counters: counters(),
      timeoutsByPattern: { ...timeoutsByPattern },
      stats: engine.stats(),
    }),
  };

  async function read(streams: RunStreams, checkpoints: RunCheckpoints | null): Promise<RunResult> {
    const { output, errors, late: lateSink } = streams;
    traceSink = streams.trace ?? null;
    const file = streams.input.name;
    let curLine = 0;
    let curText = "";
    let curEvent: unknown = null;
    // The engine reports late events, bad times and missing keys inside the push of the
    // event itself (keys are computed on arrival, even when the event is buffered), so the
    // current line is the event's line. Anything else (not expected) gets line null.
    const lineOf = (event: unknown): number | null => (event === curEvent ? curLine : null);
    const textOf = (event: unknown): string => (event === curEvent ? curText : eventJson(event));

    // 3. Engine outputs.
    engine.on("match", (record: OutputRecord) => {
      matches[record.pattern] = (matches[record.pattern] ?? 0) + 1;
      output.write(recordLine(record));
    });
    engine.on("timeout", (record: OutputRecord) => {
      timeouts++;
      timeoutsByPattern[record.pattern] = (timeoutsByPattern[record.pattern] ?? 0) + 1;
      output.write(recordLine(record));
    });
    engine.on("late", (event: unknown, reason: string) => {
      late++;
      if (lateSink !== null) lateSink.write(lateRecord(file, lineOf(event), reason, event));
      else errors.write(errorRecord(file, lineOf(event), reason, textOf(event)));
    });
    engine.on("warning", (message: string) => streams.onWarning?.(message));
    engine.on("error", ({ reason, event }: { reason: string; event: unknown }) => {
      if (reason.startsWith("missing key")) missingKeys++;
      else if (!reason.startsWith("schema: ")) bad++; // schema misfits: the engine counts them
      errors.write(errorRecord(file, lineOf(event), reason, textOf(event)));
    });

    // 4. The input loop: one synchronous callback per line, one await per chunk (and per checkpoint).
    let due = checkpoints === null ? Number.POSITIVE_INFINITY : pushed + checkpoints.every;
    // NDJSON events are written as read; CSV rows are converted, so written as converted.
    const keep = streams.format === "ndjson";
    const onEvent = streams.onEvent;
    const handler: EventHandler = {
      event(line: number, value: JsonObject, text: string) {
        if (keep) keepText(value, text);
        if (eventLines !== null) eventLines.set(value, line);
        curLine = line;
        curText = text;
        curEvent = value;
        if (onEvent !== undefined) onEvent(line, value, text);
        if (pending !== null) applyUpdate(streams, line);
        clockNow = (settings.clock ?? 0) + pushed;
        pushed++;
        // The line's length is the event's size for the memory limit (no estimate needed).
        engine.push(value, text.length);
        return pushed >= due;
      },
      bad(line: number, reason: string, text: string) {
        bad++;
        errors.write(errorRecord(file, line, reason, text));
      },
    };
    const live: LiveCounts = { events: 0, matches: 0, stats: () => engine.stats() };
    const sinks = lateSink === null ? [output, errors] : [output, errors, lateSink];
    if (traceSink !== null && !sinks.includes(traceSink)) sinks.push(traceSink);
    const afterChunk = (bytesRead: number): undefined | Promise<void> => {
      if (streams.onChunk) {
        live.events = pushed;
        live.matches = total(matches);
        streams.onChunk(bytesRead, live);
      }
      const failed = sinks.find((s) => s.error !== null);
      if (failed) throw new OutputFailed(failed.error?.message);
      // Following, a record is written as soon as its event is read, not when a batch fills.
      return streams.follow === true ? drained(sinks) : waitAll(sinks);
    };
    // A checkpoint: the snapshot is taken synchronously, right after the record the reader paused at.
    const onPause =
      checkpoints === null
        ? undefined
        : async (position: ReadPosition): Promise<void> => {
            due = pushed + checkpoints.every;
            checkpointing = true;
            try {
              const snapshot = snapshotOf(engine);
              const now = counters();
              // A checkpoint claims what the sinks were given: all of it must have been written.
              await drained(sinks);
              await saving(() => checkpoints.save(position, snapshot, now));
            } finally {
              checkpointing = false;
            }
          };
    const saving = (save: () => Promise<void>) => savingWith(sinks, save);
    // Following in processing time, the clock moves time on between events too: windows
    // close and timeouts fire when it passes them, not at the next line. Not while a
    // checkpoint is being taken (its snapshot and its output sizes must agree).
    let checkpointing = false;
    const ticker =
      streams.follow === true &&
      settings.processingTime &&
      settings.clock === null &&
      engine.tick !== undefined
        ? setInterval(() => {
            if (checkpointing) return;
            const before = timeouts + total(matches);
            engine.tick?.();
            if (timeouts + total(matches) !== before) drained(sinks).catch(() => {});
          }, TICK_MS)
        : null;
    ticker?.unref();
    const reader = streams.format === "csv" ? readCsv : readNdjson;
    let outputError: Error | null = null;
    const input = streams.input;
    try {
      // Following, each file the path names in turn (rotation, truncation) is a part read from its start.
      let chunks: AsyncIterable<Buffer | string> | null = input.chunks;
      let start = resume?.position;
      let end: ReadPosition = { offset: 0, line: 0 };
      while (chunks !== null) {
        end = await reader(chunks, handler, {
          afterChunk,
          onPause,
          start,
          maxRecordLines: settings.csvMaxRecordLines,
        });
        chunks = input.next === undefined ? null : await input.next();
        start = undefined;
      }
      if (ticker !== null) clearInterval(ticker);
      curEvent = null;
      curLine = 0;
      if (input.stopped === true) {
        // 5. Stopped by a signal: not the end of the input — partial matches stay open, and
        // with a checkpoint they are kept there, at the position after the last line read.
        await drained(sinks);
        if (checkpoints !== null) {
          const snapshot = snapshotOf(engine);
          const now = counters();
          await saving(() => checkpoints.save(end, snapshot, now));
        }
      } else {
        // 5. End of input: windows close, timeouts fire, held-back matches are released.
        engine.end();
        // The last batches are written here: a failure must be known before the run is called finished.
        await drained(sinks);
        if (checkpoints !== null) await saving(() => checkpoints.finish(counters()));
      }
    } catch (err) {
      if (!(err instanceof OutputFailed)) throw err;
      outputError = sinks.find((s) => s.error !== null)?.error ?? err;
    } finally {
      if (ticker !== null) clearInterval(ticker);
    }
    outputError ??= sinks.find((s) => s.error !== null)?.error ?? null;

    const final = counters();
    return {
      events: final.events,
      matches,
      timeouts,
      late,
      bad,
      missingKeys,
      unkeyed: engine.stats().unkeyed ?? 0,
      schemaErrors: engine.stats().schemaErrors ?? 0,
      dropped: engine.stats().dropped ?? 0,
      outputError,
      ...(input.stopped === true ? { stopped: true } : {}),
    };
  }
}

/** `engine.snapshot()`, or a usage error when the engine has none. */
function snapshotOf(engine: RunEngine): unknown {
  const e = engine as Partial<SnapshotEngine>;
  if (typeof e.snapshot !== "function")
    throw new UsageError("--checkpoint: this engine cannot take snapshots");
  return e.snapshot();
}

export function total(counts: Record<string, number>): number {
  let n = 0;
  for (const k in counts) n += counts[k];
  return n;
}

/**
 * Saves a checkpoint: a sink that failed meanwhile (while syncing) makes it an output error
 * ({@link OutputFailed}); anything else is the checkpoint's own error.
 */
export async function savingWith(sinks: LineSink[], save: () => Promise<void>): Promise<void> {
  try {
    await save();
  } catch (err) {
    if (sinks.some((s) => s.error !== null)) throw new OutputFailed();
    throw err;
  }
}

/** Waits until every sink has written what it was given; throws {@link OutputFailed} when one failed. */
export async function drained(sinks: LineSink[]): Promise<void> {
  for (const s of sinks) await s.drain();
  const failed = sinks.find((s) => s.error !== null);
  if (failed) throw new OutputFailed(failed.error?.message);
}

/** Undefined when every sink can take more now (the usual case: no promise per chunk). */
export function waitAll(sinks: LineSink[]): Promise<void> | undefined {
  let waits: Promise<void>[] | null = null;
  for (const s of sinks) {
    const p = s.ready();
    if (p !== undefined) (waits ??= []).push(p);
  }
  return waits === null ? undefined : Promise.all(waits).then(() => undefined);
}
