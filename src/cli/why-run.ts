/**
 * A run of `cep run`'s engine with tracing on for chosen patterns and keys, keeping what
 * an explanation needs: the trace records, the fed events with their input lines and
 * texts, and every key seen (for "key never seen" messages). Shared by `cep why` and
 * `cep test` (which explains a missing record). Everything is kept in memory: inputs of
 * a debugging size.
 */
import type { JsonObject } from "../io/json.js";
import { MemorySink } from "../io/sinks.js";
import { type InputSource, openInput } from "../io/source.js";
import type { TraceRecord } from "../runtime/trace/records.js";
import { keyJson, type WhyEvent } from "../runtime/trace/why.js";
import { ioReason } from "../shell/io-reason.js";
import { type CliEnv, type CompiledProgram, UsageError } from "./api.js";
import { prepareRun, type RunSettings } from "./run.js";

/** What a traced run leaves. */
export interface TracedRun {
  readonly records: TraceRecord[];
  /** The events pushed, in input order, with their lines. */
  readonly fed: WhyEvent[];
  /** Input line → its text. */
  readonly texts: Map<number, string>;
  /** Every key the traced patterns saw, by its JSON. */
  readonly keys: Map<string, unknown>;
  /** Input lines that are no usable event (bad JSON, no time, …), with the reason. */
  readonly bad: Map<number, string>;
}

export { keyJson };

/**
 * Runs `program` over `input` (`format`) with `settings`, tracing `patterns` for the keys
 * `traced` accepts. Output, bad lines and late events are discarded. Throws
 * {@link UsageError} when the input cannot be read.
 */
export async function tracedRun(
  env: CliEnv,
  program: CompiledProgram,
  settings: RunSettings,
  input: { path: string; format: "ndjson" | "csv" },
  patterns: readonly string[],
  traced: (key: unknown) => boolean,
): Promise<TracedRun> {
  const run: TracedRun = { records: [], fed: [], texts: new Map(), keys: new Map(), bad: new Map() };
  const errors = new MemorySink();
  const lineOf = new WeakMap<object, number>();
  const prepared = prepareRun(
    env.api,
    program,
    {
      ...settings,
      engineTrace: {
        patterns,
        keys: (k) => {
          const j = keyJson(k);
          if (!run.keys.has(j)) run.keys.set(j, k);
          return traced(k);
        },
        sink: (r) => run.records.push(r as TraceRecord),
        // Buffered events (out-of-orderness) are fed later: the line goes with the event.
        describeEvent: (e) => {
          const line = e !== null && typeof e === "object" ? lineOf.get(e) : undefined;
          return line === undefined ? undefined : { line };
        },
      },
    },
    env,
  );
  let source: InputSource;
  try {
    source = await openInput(input.path, env.stdin);
  } catch (err) {
    throw new UsageError(`cannot read ${input.path}: ${ioReason(err)}`);
  }
  try {
    await prepared.run({
      input: source,
      format: input.format,
      output: new MemorySink(),
      errors,
      late: null,
      onEvent: (line: number, event: JsonObject, text: string) => {
        lineOf.set(event, line);
        run.fed.push({ line, event });
        run.texts.set(line, text);
      },
    });
  } finally {
    source.close();
  }
  // Lines that are no usable event: bad JSON, no time… (the trace tells of late events,
  // missing keys and schema misfits itself).
  for (const text of errors.lines) {
    const e = JSON.parse(text) as { line: unknown; reason: unknown };
    const reason = String(e.reason);
    if (typeof e.line === "number" && !/^(late|missing key|schema: )/.test(reason))
      run.bad.set(e.line, reason);
  }
  return run;
}
