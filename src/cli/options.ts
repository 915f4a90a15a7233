/**
 * The options of `cep run` (cli.md), defined once: `cep run` parses them from argv and
 * `cep test` from a scenario's `.args` file, with the same commander definitions.
 */
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import bytes from "bytes";
import { type Command, InvalidArgumentError, Option } from "commander";
import { MAX_RECORD_LINES } from "../io/csv.js";
import { clockOption, durationOption, nonEmpty } from "../shell/options.js";
import { UsageError } from "./api.js";
import type { RunSettings } from "./run.js";

/** `cep run` options after validation. */
export interface RunOptions extends RunSettings {
  input: string;
  /** `--format`, or from the input's extension; stdin: ndjson. */
  format: "ndjson" | "csv";
  output: string;
  late: string | null;
  errors: string | null;
  /** `--checkpoint`: the checkpoint file (needs a file input and a file output), or null. */
  checkpoint: string | null;
  /** `--checkpoint-every`: input records between checkpoints. */
  checkpointEvery: number;
  quiet: boolean;
  /** `--trace` values as typed (`cep run` only; read by trace-option.ts once the patterns are known). */
  traceArgs: string[];
  /** `--trace-out`: where trace records go; null: stderr. */
  traceOut: string | null;
  /** `--threads` (`cep run` only): worker threads; 1 = the single-thread run. */
  threads: number;
  /** `--watermark-every`: with threads, records between the reading thread's watermarks. */
  watermarkEvery: number;
}

/** `--watermark-every` by default (docs/cli.md "Threads"). */
export const DEFAULT_WATERMARK_EVERY = 4096;

/** `--checkpoint-every` by default (cli.md). */
export const DEFAULT_CHECKPOINT_EVERY = 100_000;

/** What commander hands over (before validation). */
interface RawRunOptions {
  input: string;
  format?: "ndjson" | "csv";
  output: string;
  pattern: string[];
  typeField: string;
  timeField: string;
  outOfOrderness: number;
  processingTime?: boolean;
  clock?: number;
  watermarksOnly?: boolean;
  late?: string;
  errors?: string;
  checkpoint?: string;
  checkpointEvery?: number;
  csvMaxRecordLines?: number;
  memoryLimit?: number;
  quiet?: boolean;
  schemaCheck: boolean;
  trace?: string[];
  traceOut?: string;
  threads?: number;
  watermarkEvery?: number;
}

function countOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError("expected a whole number of events, at least 1");
  }
  return n;
}

function lineCountOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError("expected a whole number of lines, at least 1");
  }
  return n;
}

/** Commander parser for `--memory-limit`: bytes, or a number with a unit (`512MB`, `1.5GB`; 1 KB = 1024 B). */
export function sizeOption(value: string): number {
  const n = /^\s*\d+(\.\d+)?\s*([kmgtp]?b)?\s*$/i.test(value) ? bytes.parse(value) : null;
  if (n === null || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError("expected a size in bytes, or with a unit: 512MB, 2GB");
  }
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Adds the `cep run` options to `cmd`. */
export function addRunOptions(cmd: Command): Command {
  return cmd
    .option("--input <file>", "events: NDJSON or CSV file, or - for stdin", "-")
    .addOption(
      new Option("--format <format>", "input format (default: by extension; stdin: ndjson)").choices([
        "ndjson",
        "csv",
      ]),
    )
    .option("--output <file>", "records, one JSON line each, or - for stdout", "-")
    .option("--pattern <name>", "run only this pattern (repeatable)", collect, [] as string[])
    .option("--type-field <field>", "field holding the event type", nonEmpty, "type")
    .option("--time-field <field>", "field holding the event time", nonEmpty, "ts")
    .option(
      "--out-of-orderness <duration>",
      "how late an event may arrive and still be matched (5s, 2 minutes, PT1M, ms)",
      durationOption,
      0,
    )
    .option("--processing-time", "arrival order and wall-clock time")
    .option(
      "--clock <time>",
      "with --processing-time: start the clock there (epoch ms or ISO-8601), +1 ms per record",
      clockOption,
    )
    .option("--watermarks-only", "time advances only through $watermark records")
    .option("--late <file>", "late events (default: the error output; - for stderr)")
    .option("--errors <file>", "bad input lines (default: - for stderr)")
    .option(
      "--checkpoint <file>",
      "keep engine state there and resume from it when it exists (needs --input and --output files)",
    )
    .option(
      "--checkpoint-every <n>",
      `events between checkpoints (default: ${DEFAULT_CHECKPOINT_EVERY}; and one at the end)`,
      countOption,
    )
    .option(
      "--csv-max-record-lines <n>",
      `CSV: most lines one record may span, inside quotes (default: ${MAX_RECORD_LINES})`,
      lineCountOption,
    )
    .option(
      "--memory-limit <size>",
      "estimated bytes of state to keep before evicting the oldest keys (default: half the heap limit)",
      sizeOption,
    )
    .option("--quiet", "no progress and no summary on stderr")
    .option("--no-schema-check", "do not check events against the `event` declarations");
}

/** Commander parser for `--threads`: a whole number ≥ 1, or `auto` (the available cores). */
export function threadsOption(value: string): number {
  if (value.trim() === "auto") return availableParallelism();
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError("expected a whole number of threads, at least 1, or auto");
  }
  return n;
}

/** Adds `cep run`'s `--threads` options (not in `cep test`'s `.args`: a scenario runs on one thread). */
export function addThreadOptions(cmd: Command): Command {
  return cmd
    .option(
      "--threads <n>",
      "worker threads that parse and match, split by key (auto: one per core)",
      threadsOption,
    )
    .option(
      "--watermark-every <n>",
      `with --threads: records between the reading thread's watermarks (default: ${DEFAULT_WATERMARK_EVERY})`,
      countOption,
    );
}

/** Adds `cep run`'s tracing options (not in `cep test`'s `.args`: a test has no trace output). */
export function addTraceOptions(cmd: Command): Command {
  return cmd
    .option(
      "--trace <key[@Pattern]>",
      'write trace records for this key (42 finds 42 and "42"; JSON array: composite key), of every pattern or of one (repeatable)',
      collect,
      [] as string[],
    )
    .option("--trace-out <file>", "where --trace records go, one JSON line each (default: - for stderr)");
}

/** Validates commander's values; throws {@link UsageError} (exit 2). */
export function resolveRunOptions(opts: Record<string, unknown>): RunOptions {
  const raw = opts as unknown as RawRunOptions;
  const traceArgs = raw.trace ?? [];
  if (raw.traceOut !== undefined && traceArgs.length === 0) {
    throw new UsageError("--trace-out needs --trace <key>");
  }
  if (raw.traceOut === "") throw new UsageError("--trace-out needs a file name (or - for stderr)");
  if (traceArgs.length > 0 && raw.checkpoint !== undefined) {
    // Partial-match ids (p1, p2, …) start again in a resumed engine: its trace would contradict the earlier one.
    throw new UsageError(
      "--trace cannot be combined with --checkpoint (a resumed run could not continue the trace); trace a run without --checkpoint",
    );
  }
  if (raw.checkpointEvery !== undefined && raw.checkpoint === undefined) {
    throw new UsageError("--checkpoint-every needs --checkpoint");
  }
  if (raw.checkpoint !== undefined) {
    if (raw.checkpoint === "" || raw.checkpoint === "-") {
      throw new UsageError("--checkpoint needs a file name");
    }
    if (raw.input === "-") {
      throw new UsageError("--checkpoint needs a file input (--input <file>): stdin cannot be resumed");
    }
    if (raw.output === "-") {
      throw new UsageError("--checkpoint needs a file output (--output <file>): stdout cannot be truncated");
    }
  }
  const threads = raw.threads ?? 1;
  if (raw.watermarkEvery !== undefined && threads < 2) {
    throw new UsageError("--watermark-every needs --threads with 2 or more threads");
  }
  if (threads > 1) {
    const alone = [
      ["--trace", traceArgs.length > 0],
      ["--processing-time", raw.processingTime === true],
    ] as const;
    for (const [flag, given] of alone) {
      if (given) throw new UsageError(`--threads cannot be combined with ${flag} yet; run it on one thread`);
    }
  }
  if (raw.clock !== undefined && !raw.processingTime) {
    throw new UsageError("--clock needs --processing-time");
  }
  if (raw.processingTime && raw.watermarksOnly) {
    throw new UsageError("--processing-time and --watermarks-only exclude each other");
  }
  const options: RunOptions = {
    input: raw.input,
    format: raw.format ?? (raw.input !== "-" && /\.csv$/i.test(raw.input) ? "csv" : "ndjson"),
    output: raw.output,
    late: raw.late ?? null,
    errors: raw.errors ?? null,
    checkpoint: raw.checkpoint ?? null,
    checkpointEvery: raw.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY,
    quiet: raw.quiet ?? false,
    patterns: raw.pattern,
    typeField: raw.typeField,
    timeField: raw.timeField,
    outOfOrderness: raw.outOfOrderness,
    processingTime: raw.processingTime ?? false,
    clock: raw.clock ?? null,
    watermarksOnly: raw.watermarksOnly ?? false,
    memoryLimit: raw.memoryLimit ?? null,
    schemaCheck: raw.schemaCheck !== false,
    traceArgs,
    traceOut: raw.traceOut ?? null,
    threads,
    watermarkEvery: raw.watermarkEvery ?? DEFAULT_WATERMARK_EVERY,
  };
  if (raw.csvMaxRecordLines !== undefined) options.csvMaxRecordLines = raw.csvMaxRecordLines;
  // Writing over the input would truncate it before it is read.
  if (options.input !== "-") {
    const input = resolve(options.input);
    for (const [flag, path] of [
      ["--output", options.output],
      ["--errors", options.errors],
      ["--late", options.late],
      ["--checkpoint", options.checkpoint],
      ["--trace-out", options.traceOut],
    ] as const) {
      if (path !== null && path !== "-" && resolve(path) === input) {
        throw new UsageError(`${flag} ${path} is the input file`);
      }
    }
  }
  // Trace records among the match records would make the output unreadable as records.
  if (options.traceOut !== null && options.traceOut !== "-" && options.output !== "-") {
    if (resolve(options.traceOut) === resolve(options.output)) {
      throw new UsageError(
        `--trace-out ${options.traceOut} is the --output file: give the trace a file of its own`,
      );
    }
  }
  // The checkpoint is replaced as a whole; an output written into it would be lost.
  if (options.checkpoint !== null) {
    const checkpoint = resolve(options.checkpoint);
    for (const [flag, path] of [
      ["--output", options.output],
      ["--errors", options.errors],
      ["--late", options.late],
    ] as const) {
      if (path !== null && path !== "-" && resolve(path) === checkpoint) {
        throw new UsageError(`${flag} ${path} is the checkpoint file`);
      }
    }
  }
  return options;
}
