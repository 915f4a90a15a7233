/**
 * `cep why <file.pattern>... --input <events> --key <key> [--pattern P] [--expect …]
 * [--format text|json]`: runs the patterns over the input as `cep run` would (same run
 * options), tracing one key, and prints why it did not match (`runtime/trace/why.ts`):
 * the partial matches that got furthest and what ended them, the events a waiting one
 * rejected, and with `--expect`, why exactly those events are not a match.
 *
 * `--key` is matched the way a user types it: `42` finds the number 42 and the string
 * "42"; a JSON array is a composite key. Exit codes: 0 explained; 1 a pattern does not
 * compile; 2 bad usage (unknown pattern, a key never seen, a bad `--expect`, unreadable
 * files). The events and their lines are kept in memory: meant for inputs of a debugging
 * size.
 */
import { Command, Option } from "commander";
import type { CompiledPattern } from "../compile/model.js";
import {
  explainWhy,
  type WhyExpectation,
  WhyExpectationError,
  type WhyReport,
} from "../runtime/trace/why.js";
import { whyText } from "../runtime/trace/why-text.js";
import { parseKeyArg } from "../shell/key-arg.js";
import { type CliEnv, UsageError } from "./api.js";
import { checkPatternNames, compileSources, readSources } from "./load.js";
import { addRunOptions, resolveRunOptions } from "./options.js";
import { keyJson, tracedRun } from "./why-run.js";

/** `cep why` options besides the run options. */
export interface WhyOptions {
  key: string | undefined;
  expect: string | undefined;
  format: "text" | "json";
}

/** Run options `cep why` does not take: it prints a report on stdout and keeps no state. */
const UNUSED = [
  "--format",
  "--output",
  "--late",
  "--errors",
  "--checkpoint",
  "--checkpoint-every",
  "--quiet",
];

/** Adds `cep why` to the program; `done` receives the exit code. */
export function addWhyCommand(program: Command, env: CliEnv, done: (code: number) => void): void {
  const cmd = program
    .command("why")
    .description("explain why a key did not match: the closest partial matches and what stopped them")
    .argument("<file.pattern...>", "pattern files");
  // `cep run`'s options, defined once (options.ts), but for those a report has no use for;
  // `--format` is the report's here, the input's is `--input-format`.
  for (const o of addRunOptions(new Command("run")).options)
    if (!UNUSED.includes(o.long ?? "")) cmd.addOption(o);
  cmd
    .addOption(
      new Option("--input-format <format>", "input format (default: by extension; stdin: ndjson)").choices([
        "ndjson",
        "csv",
      ]),
    )
    .option("--key <key>", 'the key to explain: 42 (the number or the string), u1, or JSON: ["a",1]')
    .option("--expect <events>", 'input line numbers (3,5,8) or a JSON record ({"a":[…],"b":[…]})')
    .addOption(new Option("--format <format>", "report format").choices(["text", "json"]).default("text"))
    .action(async (files: string[], opts: Record<string, unknown>) => {
      done(await whyCommand(env, files, opts));
    });
}

/** Runs `cep why` from commander's options; returns the exit code. */
export async function whyCommand(
  env: CliEnv,
  files: string[],
  opts: Record<string, unknown>,
): Promise<number> {
  const format = opts.format === "json" ? "json" : "text";
  const run = resolveRunOptions({ ...opts, output: "-", format: opts.inputFormat });
  const why: WhyOptions = {
    key: opts.key as string | undefined,
    expect: opts.expect as string | undefined,
    format,
  };

  // 1. Patterns, the expectation, the key.
  const sources = await readSources(files);
  const program = compileSources(env, sources, { typeField: run.typeField, timeField: run.timeField });
  if (program === null) return 1;
  checkPatternNames(program, run.patterns);
  const expect = why.expect === undefined ? null : parseExpect(why.expect);
  if (expect?.pattern !== undefined && run.patterns.length === 0) {
    checkPatternNames(program, [expect.pattern]);
    run.patterns = [expect.pattern];
  }
  const patterns = (program.patterns as unknown as CompiledPattern[]).filter(
    (p) => run.patterns.length === 0 || run.patterns.includes(p.name),
  );
  // Without --key only unkeyed patterns (key null) are explained; the error lists the keys seen.
  const keyText = why.key ?? (expect !== null && "key" in expect ? JSON.stringify(expect.key) : undefined);
  const wanted = keyText === undefined ? null : keyTest(keyText);

  // 2. The run, tracing the key.
  const {
    records,
    fed,
    texts,
    keys: seenKeys,
    bad,
  } = await tracedRun(
    env,
    program,
    run,
    { path: run.input, format: run.format },
    patterns.map((p) => p.name),
    (k) => (wanted === null ? k === null : wanted(k)),
  );

  const expectation = expect?.expectation;
  if (expectation !== undefined && "lines" in expectation)
    for (const line of expectation.lines) {
      const reason = bad.get(line);
      if (reason !== undefined)
        throw new UsageError(`--expect: line ${line} is not a usable event: ${reason}`);
    }

  // 3. One report per pattern and key that matched `--key`.
  const reports: WhyReport[] = [];
  for (const p of patterns) {
    const keys = new Map<string, unknown>();
    for (const r of records) {
      if (r.pattern !== p.name || (r.op === "skipped" && r.reason?.rule === "missingKey")) continue;
      keys.set(keyJson(r.key), r.key);
    }
    for (const key of keys.values()) {
      try {
        reports.push(
          explainWhy({
            pattern: p,
            key,
            records,
            events: fed,
            expect: expect?.expectation,
            typeField: run.typeField,
          }),
        );
      } catch (err) {
        if (err instanceof WhyExpectationError) throw new UsageError(`--expect: ${err.message}`);
        throw err;
      }
    }
  }
  if (reports.length === 0) throw new UsageError(neverSeen(keyText, patterns, seenKeys));

  // 4. Print.
  if (why.format === "json") {
    env.stdout.write(`${JSON.stringify({ reports }, null, 2)}\n`);
    return 0;
  }
  const sourceOf = (file: string) => sources.find((s) => s.file === file)?.source;
  env.stdout.write(
    reports.map((r) => whyText(r, { source: sourceOf, lineText: (l) => texts.get(l) })).join("\n"),
  );
  return 0;
}

/** `--key` as typed, as every command reads a key (key-arg.ts: `42` is the number or the string, JSON as parsed). */
function keyTest(text: string): (key: unknown) => boolean {
  try {
    const arg = parseKeyArg(text);
    return (key) => arg.test(key);
  } catch (e) {
    throw new UsageError(`--key: ${(e as Error).message}`);
  }
}

function neverSeen(
  key: string | undefined,
  patterns: readonly CompiledPattern[],
  seen: Map<string, unknown>,
): string {
  const names = patterns.map((p) => p.name).join(", ");
  const few = [...seen.keys()].filter((k) => k !== "null").slice(0, 5);
  const more = seen.size - few.length > 0 ? ` and ${seen.size - few.length} more` : "";
  const list = few.length === 0 ? "no keys were seen" : `keys seen: ${few.join(", ")}${more}`;
  if (key === undefined) {
    const keyed = patterns.filter((p) => p.keyPaths.length > 0);
    if (keyed.length > 0)
      return `--key is needed: ${keyed.map((p) => `${p.name} is keyed by ${p.keyPathText.join(", ")}`).join("; ")}; ${list}`;
    return `${names} saw no events`;
  }
  if (patterns.every((p) => p.keyPaths.length === 0))
    return `${names} ${patterns.length === 1 ? "has" : "have"} no \`key by\`: leave --key out`;
  return `key ${key} was never seen by ${names}; ${list}`;
}

/** `--expect`: line numbers, or a JSON record (a whole output record, or events per variable). */
export function parseExpect(text: string): { expectation: WhyExpectation; pattern?: string; key?: unknown } {
  const t = text.trim();
  const usage =
    '--expect takes input line numbers (3,5,8) or a JSON record ({"a":[{…}],"b":[{…}]}, or an output record)';
  if (t.startsWith("{")) {
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (err) {
      throw new UsageError(`--expect is not valid JSON: ${(err as Error).message}`);
    }
    const obj = value as Record<string, unknown>;
    const events =
      obj.events !== null && typeof obj.events === "object" && !Array.isArray(obj.events) ? obj.events : obj;
    const pattern = typeof obj.pattern === "string" && events !== obj ? obj.pattern : undefined;
    // No prototype: a variable named `__proto__` is a name like any other (and an error).
    const out: Record<string, unknown[]> = Object.create(null);
    for (const [name, list] of Object.entries(events as Record<string, unknown>)) {
      if (Array.isArray(list)) out[name] = list;
      else if (list !== null && typeof list === "object") out[name] = [list];
      else throw new UsageError(`--expect: ${name} must be a list of events, got ${JSON.stringify(list)}`);
    }
    // An output record with `timeout` expects that timeout, not a match.
    const timeout = events !== obj && Object.hasOwn(obj, "timeout");
    const expectation = timeout ? { events: out, timeout } : { events: out };
    // A whole output record names its key too: `--key` may then be left out.
    const key = events !== obj && Object.hasOwn(obj, "key") ? { key: obj.key } : {};
    return pattern === undefined ? { expectation, ...key } : { expectation, pattern, ...key };
  }
  const words = t.split(/[\s,]+/).filter((w) => w !== "");
  if (words.length === 0 || !words.every((w) => /^[1-9]\d*$/.test(w))) throw new UsageError(usage);
  return { expectation: { lines: words.map(Number) } };
}
