/**
 * `cep run <file.pattern>... [options]`: compile, open the files, run, summarise.
 *
 * Order of checks (each before anything is read): pattern files readable (2), compiled
 * (1, every error printed), `--pattern` names known (2), input readable (2), outputs
 * writable (2). Then the run; bad input lines never change the exit code.
 */
import { resolve } from "node:path";
import { type LineSink, openFileSink, StreamSink } from "../io/sinks.js";
import { type InputSource, openInput } from "../io/source.js";
import { type CliEnv, UsageError } from "./api.js";
import { checkPatternNames, compileSources, ioReason, readSources } from "./load.js";
import type { RunOptions } from "./options.js";
import { createProgress, summaryLine } from "./progress.js";
import { runEvents } from "./run.js";

/** Runs `cep run`; returns the exit code. Throws {@link UsageError} for exit 2. */
export async function runCommand(env: CliEnv, files: string[], options: RunOptions): Promise<number> {
  // 1. Patterns.
  const sources = await readSources(files);
  const program = compileSources(env, sources, {
    typeField: options.typeField,
    timeField: options.timeField,
  });
  if (program === null) return 1;
  checkPatternNames(program, options.patterns);

  // 2. Input and outputs.
  let input: InputSource;
  try {
    input = await openInput(options.input, env.stdin);
  } catch (err) {
    throw new UsageError(`cannot read ${options.input}: ${ioReason(err)}`);
  }
  const outputs = new Outputs(env);
  let output: LineSink;
  let errors: LineSink;
  let late: LineSink | null;
  try {
    output = await outputs.open(options.output, "stdout");
    errors = await outputs.open(options.errors ?? "-", "stderr");
    late = options.late === null ? null : await outputs.open(options.late, "stderr");
  } catch (err) {
    input.close();
    await outputs.closeAll();
    throw err;
  }

  // 3. The run.
  const progress = options.quiet ? null : createProgress(env, input.size);
  const started = env.monotonic();
  let result: Awaited<ReturnType<typeof runEvents>>;
  try {
    result = await runEvents(
      env.api,
      program,
      options,
      { input, format: options.format, output, errors, late, onChunk: progress?.update },
      env,
    );
  } finally {
    progress?.stop();
    input.close();
    await outputs.closeAll();
  }

  // 4. Report.
  const failed = result.outputError;
  if (failed !== null && (failed as { code?: string }).code !== "EPIPE") {
    env.stderr.write(`cep: cannot write output: ${ioReason(failed)}\n`);
    return 2;
  }
  if (!options.quiet) env.stderr.write(`${summaryLine(result, env.monotonic() - started)}\n`);
  return 0;
}

/** The output files of a run, each opened once even when named twice (`--late x --errors x`). */
class Outputs {
  private readonly sinks = new Map<string, StreamSink>();
  constructor(private readonly env: CliEnv) {}

  /** `-` is the given standard stream. */
  async open(path: string, dash: "stdout" | "stderr"): Promise<LineSink> {
    const key = path === "-" ? `-${dash}` : resolve(path);
    const existing = this.sinks.get(key);
    if (existing) return existing;
    let sink: StreamSink;
    if (path === "-") {
      sink = new StreamSink(dash === "stdout" ? this.env.stdout : this.env.stderr, false);
    } else {
      try {
        sink = await openFileSink(path);
      } catch (err) {
        throw new UsageError(`cannot write ${path}: ${ioReason(err)}`);
      }
    }
    this.sinks.set(key, sink);
    return sink;
  }

  async closeAll(): Promise<void> {
    for (const sink of this.sinks.values()) await sink.close();
    this.sinks.clear();
  }
}
