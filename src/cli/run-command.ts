/**
 * `cep run <file.pattern>... [options]`: compile, open the files, run, summarise.
 *
 * Order of checks (each before anything is read): pattern files readable (2), compiled
 * (1, every error printed), `--pattern` names known (2), input readable (2), outputs
 * writable (2). Then the run; bad input lines never change the exit code.
 *
 * With `--checkpoint` (checkpoint.ts), an existing checkpoint is read after the pattern
 * names are checked: a run with other options is refused (2), a finished run is not run
 * again (0), anything else resumes — the engine is restored before any file is opened,
 * the input is opened at the checkpoint's offset and checked to be the same file, and the
 * output files are truncated to their checkpointed lengths.
 */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { quote } from "shell-quote";
import { type FileSink, type LineSink, openFileSink, StreamSink } from "../io/sinks.js";
import type { InputSource } from "../io/source.js";
import { ioReason } from "../shell/io-reason.js";
import { type CliEnv, type CompiledProgram, type SourceFile, UsageError } from "./api.js";
import {
  Checkpointer,
  type CheckpointState,
  checkWritable,
  inputTail,
  readCheckpoint,
  runDifferences,
  runIdentity,
  upgradeFingerprints,
} from "./checkpoint.js";
import { type LiveOptions, NOT_LIVE } from "./live-options.js";
import { LiveRun } from "./live-run.js";
import { checkPatternNames, compileSources, readSources } from "./load.js";
import { CheckpointLock } from "./lock.js";
import type { MetricsServer } from "./metrics.js";
import type { RunOptions } from "./options.js";
import { createProgress, summaryLine } from "./progress.js";
import { type PreparedRun, prepareRun, type RunResult, type RunResume } from "./run.js";
import {
  isThreadedSnapshot,
  partitionField,
  runThreaded,
  type ThreadedSettings,
  ThreadFailure,
} from "./threads/run.js";
import { parseTraceArgs, untracedNotes } from "./trace-option.js";
import { PatternReloader } from "./watch-run.js";
import { readerLeft, writeFailure } from "./write-error.js";

/**
 * Runs `cep run`; returns the exit code. Throws {@link UsageError} for exit 2. With
 * `--checkpoint`, the whole command holds the checkpoint's lock (lock.ts): a second run
 * of the same checkpoint is refused before it reads or writes anything.
 */
export async function runCommand(
  env: CliEnv,
  files: string[],
  options: RunOptions,
  liveOptions: LiveOptions = NOT_LIVE,
): Promise<number> {
  const ck = options.checkpoint;
  const live = new LiveRun(liveOptions);
  try {
    const lock =
      ck === null
        ? null
        : await CheckpointLock.acquire(ck, (note) => env.stderr.write(`cep: ${note}\n`), live.handledSignals);
    try {
      return await runUnlocked(env, files, options, live);
    } finally {
      lock?.release();
    }
  } finally {
    live.dispose();
  }
}

async function runUnlocked(
  env: CliEnv,
  files: string[],
  options: RunOptions,
  live: LiveRun,
): Promise<number> {
  const started = env.monotonic();
  // 1. Patterns.
  const sources = await readSources(files);
  rejectEventFiles(sources);
  const compiled = compileSources(env, sources, {
    typeField: options.typeField,
    timeField: options.timeField,
  });
  const ck = options.checkpoint;
  const saved: CheckpointState | null = ck === null ? null : await readCheckpoint(ck);
  // `--watch`: a checkpoint holds the pattern set in force, which the run resumes with
  // (even when the files do not compile now); the files are reloaded after.
  const inForce = live.options.watch && saved?.sources !== undefined && !saved.done ? saved.sources : sources;
  const program = inForce === sources ? compiled : resumedProgram(env, inForce, options);
  if (program === null) return 1;
  checkPatternNames(program, options.patterns);
  const trace = parseTraceArgs(
    options.traceArgs,
    program.patterns.map((p) => p.name),
    options.patterns,
  );

  // 2. The checkpoint, when there is one: same run, or refused; finished, or resumed.
  const identity = ck === null ? null : runIdentity(options, program, (p) => resolve(p));
  if (ck !== null && identity !== null) {
    if (saved !== null) {
      const differences = runDifferences(upgradeFingerprints(saved.run, program), identity);
      if (differences.length > 0) {
        throw new UsageError(
          `cannot resume from checkpoint ${ck}: it belongs to a run with other options or patterns ` +
            `(${differences.join("; ")}); run with the same ones, or delete it to start over`,
        );
      }
      if (saved.done) {
        await checkFinishedOutputs(ck, saved);
        if (!options.quiet) {
          env.stderr.write(
            `cep: checkpoint ${ck} records a finished run; nothing to do (delete it to run again)\n`,
          );
          env.stderr.write(`${summaryLine(resultOf(saved), env.monotonic() - started)}\n`);
        }
        return 0;
      }
    }
    await checkWritable(ck);
  }
  const resume: RunResume | null =
    saved === null || saved.input === null
      ? null
      : {
          snapshot: saved.snapshot,
          counters: saved.counters,
          position: {
            offset: saved.input.offset,
            line: saved.input.line,
            ...(saved.input.header === null ? {} : { header: saved.input.header }),
          },
        };
  // The engine first: a snapshot it refuses leaves every file untouched.
  if (saved !== null && ck !== null) checkThreads(ck, saved, options);
  const prepared =
    options.threads > 1
      ? threaded(program, { ...options, sources }, resume)
      : prepareRun(env.api, program, { ...options, trace }, env, resume);

  // 3. Input and outputs.
  const input: InputSource = await live.openInput(options.input, env.stdin, resume?.position.offset ?? 0);
  if (options.input === "-" && env.stdinIsTTY === true) {
    env.stderr.write("cep: reading events from stdin (end with Ctrl-D; use --input FILE to read a file)\n");
  }
  if (ck !== null) {
    try {
      await checkInput(options.input, input, saved);
    } catch (err) {
      input.close();
      throw err;
    }
  }
  const outputs = new Outputs(env, saved);
  let output: LineSink;
  let errors: LineSink;
  let late: LineSink | null;
  let traceOut: LineSink | undefined;
  try {
    output = await outputs.open(options.output, "stdout", "--output");
    errors = await outputs.open(options.errors ?? "-", "stderr", options.errors === null ? null : "--errors");
    late = options.late === null ? null : await outputs.open(options.late, "stderr", "--late");
    if (trace.length > 0) {
      const path = options.traceOut ?? "-";
      traceOut = await outputs.open(path, "stderr", options.traceOut === null ? null : "--trace-out");
    }
  } catch (err) {
    input.close();
    await outputs.closeAll();
    throw err;
  }
  let metrics: MetricsServer | null;
  try {
    metrics = await live.serveMetrics({ status: () => prepared.status(), now: env.wallClock }, env.stderr);
  } catch (err) {
    input.close();
    await outputs.closeAll();
    throw err;
  }
  if (resume !== null && !options.quiet) {
    env.stderr.write(
      `cep: resuming from checkpoint ${ck} after line ${resume.position.line} of ${options.input}\n`,
    );
  }

  // 4. The run.
  const runStarted = env.monotonic();
  // Trace records on stderr would be cut by the progress line.
  const traceOnStderr = trace.length > 0 && (options.traceOut ?? "-") === "-";
  const progress = options.quiet || traceOnStderr ? null : createProgress(env, input.size);
  const checkpoints =
    ck === null || identity === null
      ? undefined
      : new Checkpointer(ck, options.checkpointEvery, identity, outputs.files);
  const reloader = live.options.watch
    ? new PatternReloader(
        env,
        files,
        options,
        prepared,
        { program, sources: inForce, read: compiled === null ? sources : inForce },
        checkpoints,
      )
    : null;
  reloader?.start();
  let result: RunResult;
  try {
    result = await prepared.run(
      {
        input,
        format: options.format,
        output,
        errors,
        late,
        ...(traceOut === undefined ? {} : { trace: traceOut }),
        onChunk: progress?.update,
        onWarning: (m: string) => env.stderr.write(`cep: warning: ${m}\n`),
        follow: live.options.follow,
        onPatternsUpdated: (next, change, line, texts) => reloader?.applied(next, change, line, texts),
      },
      checkpoints,
    );
  } catch (err) {
    if (!(err instanceof ThreadFailure)) throw err;
    env.stderr.write(`cep: ${err.message}\n`);
    return 70;
  } finally {
    reloader?.close();
    await metrics?.close();
    progress?.stop();
    input.close();
    await outputs.closeAll();
  }

  // 5. Report. A failed write is exit 2 (the run stopped; a checkpoint never claims what
  // was not written), except EPIPE on stdout or stderr: the reader went away (`| head`).
  const failures = outputs.failures().filter((f) => !readerLeft(f.standard, f.error));
  if (failures.length > 0) {
    for (const f of failures) env.stderr.write(`cep: ${writeFailure(f.name, f.error)}\n`);
    return 2;
  }
  if (result.stopped === true) env.stderr.write(`cep: ${live.stoppedNote(ck)}\n`);
  if (!options.quiet) {
    for (const note of untracedNotes(trace)) env.stderr.write(`cep: ${note}\n`);
    env.stderr.write(`${summaryLine(result, env.monotonic() - runStarted)}\n`);
  }
  return 0;
}

/** `--watch` resuming: the checkpoint's pattern set compiled again (it did compile when it was saved). */
function resumedProgram(env: CliEnv, sources: SourceFile[], options: RunOptions): CompiledProgram {
  const program = compileSources(env, sources, {
    printWarnings: false,
    typeField: options.typeField,
    timeField: options.timeField,
  });
  if (program === null)
    throw new UsageError("cannot resume: the checkpoint's pattern set does not compile with this cep");
  return program;
}

/** Extensions of event files, which `cep run` reads with `--input`. */
const EVENT_FILE = /\.(ndjson|jsonl|json|csv)$/i;

/**
 * `cep run p.pattern events.ndjson` (no `--input`) would parse the events as a pattern
 * and print a syntax error about `{`: a file named like events, or starting with `{` (no
 * pattern file can), is refused with the option it needs instead.
 */
function rejectEventFiles(sources: readonly SourceFile[]): void {
  for (const { file, source } of sources) {
    if (EVENT_FILE.test(file) || source.trimStart().startsWith("{")) {
      throw new UsageError(
        `${file} looks like an events file, not a pattern file: did you mean --input ${quote([file])}?`,
      );
    }
  }
}

/** The summary of a finished run, from its checkpoint. */
function resultOf(saved: CheckpointState): RunResult {
  const c = saved.counters;
  const matches: Record<string, number> = Object.create(null);
  for (const p of saved.run.patterns)
    matches[p.name] = Object.hasOwn(c.matches, p.name) ? c.matches[p.name] : 0;
  return {
    events: c.events,
    matches,
    timeouts: c.timeouts,
    late: c.late,
    bad: c.bad,
    missingKeys: c.missingKeys,
    unkeyed: c.unkeyed ?? 0,
    schemaErrors: c.schemaErrors ?? 0,
    dropped: c.dropped ?? 0,
    outputError: null,
  };
}

/**
 * A finished run is not run again, but its output files must still be what it wrote
 * (same lengths): a deleted or shortened output would otherwise be silently "done".
 */
async function checkFinishedOutputs(ck: string, saved: CheckpointState): Promise<void> {
  for (const { path, bytes } of saved.outputs) {
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (err) {
      throw new UsageError(
        `checkpoint ${ck} records a finished run, but its output ${path} cannot be read (${ioReason(err)}); delete the checkpoint to run again`,
      );
    }
    if (size !== bytes) {
      throw new UsageError(
        `checkpoint ${ck} records a finished run, but its output ${path} has ${size} bytes, not the ${bytes} it wrote; delete the checkpoint to run again`,
      );
    }
  }
}

/**
 * With `--checkpoint`: the input must be a regular file (it is read from an offset), and
 * when resuming, the file the checkpoint was taken on — at least as long, with the same
 * bytes before the offset.
 */
async function checkInput(path: string, input: InputSource, saved: CheckpointState | null): Promise<void> {
  if (input.size === null)
    throw new UsageError(`--checkpoint needs a regular input file; ${path} is not one`);
  const mark = saved?.input;
  if (mark === null || mark === undefined) return;
  const changed = `input ${path} has changed since checkpoint was written`;
  if (input.size < mark.offset) {
    throw new UsageError(
      `cannot resume: ${changed} (${input.size} bytes, the checkpoint is at byte ${mark.offset})`,
    );
  }
  let tail: string;
  try {
    tail = await inputTail(path, mark.offset);
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${ioReason(err)}`);
  }
  if (tail !== mark.tail)
    throw new UsageError(`cannot resume: ${changed} (its bytes before the checkpoint differ)`);
}

/** An output that failed: what the user called it (`--output x.ndjson`), and the first error. */
interface OutputFailure {
  name: string;
  /** stdout or stderr. */
  standard: boolean;
  error: Error;
}

/** The output files of a run, each opened once even when named twice (`--late x --errors x`). */
class Outputs {
  private readonly sinks = new Map<string, LineSink>();
  /** Every sink opened, with the flags that named it; kept after {@link closeAll} for {@link failures}. */
  private readonly named = new Map<string, { sink: LineSink; flags: string[]; path: string }>();
  /** The file sinks by absolute path (what checkpoints sync and measure). */
  readonly files = new Map<string, FileSink>();

  /** `saved`: a checkpoint to resume from; its files are truncated to their recorded lengths. */
  constructor(
    private readonly env: CliEnv,
    private readonly saved: CheckpointState | null,
  ) {}

  /** `-` is the given standard stream; `flag` names the output in messages (null: the default error output). */
  async open(path: string, dash: "stdout" | "stderr", flag: string | null): Promise<LineSink> {
    const key = path === "-" ? `-${dash}` : resolve(path);
    const existing = this.sinks.get(key);
    const named = this.named.get(key);
    if (named && flag !== null) named.flags.push(flag);
    if (existing) return existing;
    let sink: LineSink;
    if (path === "-") {
      sink = new StreamSink(dash === "stdout" ? this.env.stdout : this.env.stderr, false);
    } else {
      const resumeAt = this.saved?.outputs.find((o) => o.path === key)?.bytes ?? 0;
      let file: FileSink;
      try {
        file = await openFileSink(path, { resumeAt });
      } catch (err) {
        if ((err as { code?: unknown }).code === "ESHORT") {
          throw new UsageError(`cannot resume from checkpoint: ${(err as Error).message}`);
        }
        throw new UsageError(`cannot write ${path}: ${ioReason(err)}`);
      }
      this.files.set(key, file);
      sink = file;
    }
    this.sinks.set(key, sink);
    this.named.set(key, { sink, flags: flag === null ? [] : [flag], path });
    return sink;
  }

  /** The outputs whose writes failed (after {@link closeAll}: including a failure to close). */
  failures(): OutputFailure[] {
    const out: OutputFailure[] = [];
    for (const [key, { sink, flags, path }] of this.named) {
      if (sink.error === null) continue;
      const standard = key.startsWith("-");
      const stream = key === "-stdout" ? "stdout" : "stderr";
      const name =
        flags.length === 0
          ? `the error output (${stream})`
          : `${flags.join(" and ")} ${path}${standard ? ` (${stream})` : ""}`;
      out.push({ name, standard, error: sink.error });
    }
    return out;
  }

  async closeAll(): Promise<void> {
    for (const sink of this.sinks.values()) await sink.close();
    this.sinks.clear();
    this.files.clear();
  }
}

/** A run on `settings.threads` worker threads; refuses patterns it cannot split by key (2) before anything is read. */
function threaded(
  program: CompiledProgram,
  settings: ThreadedSettings,
  resume: RunResume | null,
): PreparedRun {
  partitionField(program, settings.patterns);
  // `update` and `status` serve `--watch` and `--metrics`, which need `--follow`: refused with
  // `--threads` (live-options.ts), so a threaded run never gets these calls.
  const unsupported = (what: string) => (): never => {
    throw new Error(`${what} is not available on a threaded run`);
  };
  return {
    run: (streams, checkpoints) => runThreaded(program, settings, streams, checkpoints ?? null, resume),
    update: unsupported("updating patterns"),
    status: unsupported("status"),
  };
}

/** A checkpoint resumes only with the `--threads` (and `--watermark-every`) it was written with. */
function checkThreads(ck: string, saved: CheckpointState, options: RunOptions): void {
  if (saved.done) return;
  const snap = saved.snapshot;
  const then = isThreadedSnapshot(snap)
    ? `--threads ${snap.threads} --watermark-every ${snap.watermarkEvery}`
    : "one thread";
  const now =
    options.threads > 1
      ? `--threads ${options.threads} --watermark-every ${options.watermarkEvery}`
      : "one thread";
  if (then !== now) {
    throw new UsageError(
      `cannot resume from checkpoint ${ck}: it was written by a run on ${then}, this one is on ${now}; run with the same ones, or delete it to start over`,
    );
  }
}
