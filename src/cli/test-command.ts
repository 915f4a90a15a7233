/**
 * `cep test <dir or file.pattern>... [--update]`: golden scenarios.
 *
 * A scenario is `name.pattern` with `name.events.ndjson` (or `.csv`) and
 * `name.expected.ndjson` beside it, and optionally `name.args` (extra `cep run` options,
 * split like a shell splits words, line by line; `#` comments to the end of a line;
 * `$VAR` stays literal). Each runs in-process through {@link runEvents}, exactly as
 * `cep run` would, and its records are compared in order: an expected record gives the
 * fields it cares about (record-match.ts), a full record is compared as a JSON value. `.args` may not set `--input`, `--output` or
 * `--checkpoint*` (the scenario decides them); `--errors`/`--late` paths are relative to
 * the scenario's directory, and without them error lines are discarded. Directories are
 * searched recursively (skipping dot-directories and node_modules) for `.pattern` files
 * that have an events file.
 *
 * Output, on stdout: `PASS name (N records)`, or `FAIL name: …` followed by the
 * missing/unexpected records (each missing one with the fields in which the nearest
 * unexpected one differs), and finally `N passed, N failed`. Exit 0 or 1; 2 when an
 * argument is missing or names no scenario.
 */
import { access, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { Command, CommanderError } from "commander";
import { parse as shellParse } from "shell-quote";
import { type LineSink, MemorySink, openFileSink } from "../io/sinks.js";
import { openInput } from "../io/source.js";
import { ioReason } from "../shell/io-reason.js";
import { type CliEnv, type CompiledProgram, UsageError } from "./api.js";
import { checkPatternNames } from "./load.js";
import { addRunOptions, resolveRunOptions } from "./options.js";
import { diffRecords, formatDiff } from "./record-diff.js";
import { runEvents } from "./run.js";
import { explainMissing } from "./test-why.js";

/** Runs `cep test`; returns the exit code. */
export async function testCommand(
  env: CliEnv,
  paths: string[],
  options: { update: boolean },
): Promise<number> {
  const scenarios: string[] = [];
  for (const path of paths) {
    for (const base of await findScenarios(path)) if (!scenarios.includes(base)) scenarios.push(base);
  }
  let passed = 0;
  let failed = 0;
  for (const base of scenarios) {
    const outcome = await runScenario(env, base, options.update);
    env.stdout.write(`${outcome.lines.join("\n")}\n`);
    if (outcome.ok) passed++;
    else failed++;
  }
  env.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Scenario base paths (`dir/name`, without `.pattern`) named by one argument. */
export async function findScenarios(path: string): Promise<string[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${ioReason(err)}`);
  }
  if (info.isFile()) {
    if (!path.endsWith(".pattern")) throw new UsageError(`${path}: expected a directory or a .pattern file`);
    return [path.slice(0, -".pattern".length)];
  }
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".") && entry.name !== "node_modules") await walk(full);
      } else if (entry.name.endsWith(".pattern")) {
        const base = full.slice(0, -".pattern".length);
        if ((await exists(`${base}.events.ndjson`)) || (await exists(`${base}.events.csv`))) found.push(base);
      }
    }
  };
  await walk(path);
  if (found.length === 0) {
    throw new UsageError(`${path}: no scenarios (name.pattern with name.events.ndjson or name.events.csv)`);
  }
  return found;
}

interface Outcome {
  ok: boolean;
  lines: string[];
}

const fail = (base: string, why: string, details: string[] = []): Outcome => ({
  ok: false,
  lines: [`FAIL ${base}: ${why}`, ...details],
});

/** Options a scenario's `.args` may not set: the scenario decides them. */
const FIXED = ["input", "output", "checkpoint", "checkpointEvery"];

/** Runs one scenario and compares (or, with `update`, rewrites) its expected records. */
export async function runScenario(env: CliEnv, base: string, update: boolean): Promise<Outcome> {
  const dir = dirname(base);
  const expectedFile = `${base}.expected.ndjson`;

  // 1. Files.
  const eventFiles = [`${base}.events.ndjson`, `${base}.events.csv`];
  const present = [];
  for (const f of eventFiles) if (await exists(f)) present.push(f);
  if (present.length === 0) return fail(base, `no events file (${eventFiles.join(" or ")})`);
  if (present.length > 1) return fail(base, `both ${present.join(" and ")} exist`);
  const eventsFile = present[0];
  let source: string;
  try {
    source = await readFile(`${base}.pattern`, "utf8");
  } catch (err) {
    return fail(base, `cannot read ${base}.pattern: ${ioReason(err)}`);
  }

  // 2. Options from `.args`, through the same definitions as `cep run`.
  let argv: string[] = [];
  if (await exists(`${base}.args`)) {
    // Line by line: shell-quote's `#` comment would otherwise run to the end of the file.
    const text = await readFile(`${base}.args`, "utf8");
    const words = text.split(/\r?\n/).flatMap((line) => shellParse(line, (name) => `$${name}`));
    const bad = words.find((w) => typeof w !== "string" && !("comment" in w));
    if (bad !== undefined) return fail(base, `${base}.args: unsupported shell syntax ${JSON.stringify(bad)}`);
    argv = words.filter((w): w is string => typeof w === "string");
  }
  let commanderMessage = "";
  const cmd = addRunOptions(new Command("run"))
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: (s) => (commanderMessage += s) });
  let options: ReturnType<typeof resolveRunOptions>;
  try {
    cmd.parse(argv, { from: "user" });
    const fixed = FIXED.find((name) => cmd.getOptionValueSource(name) === "cli");
    if (fixed) return fail(base, `${base}.args: --${kebab(fixed)} is set by the scenario`);
    options = resolveRunOptions(cmd.opts());
  } catch (err) {
    if (err instanceof CommanderError)
      return fail(base, `${base}.args: ${commanderMessage.trim() || err.message}`);
    if (err instanceof UsageError) return fail(base, `${base}.args: ${err.message}`);
    throw err;
  }
  const format = cmd.getOptionValueSource("format") === "cli" ? options.format : csvOrNdjson(eventsFile);

  // 3. Compile.
  let program: CompiledProgram;
  try {
    program = env.api.compile([{ file: `${base}.pattern`, source }], {
      typeField: options.typeField,
      timeField: options.timeField,
    });
    checkPatternNames(program, options.patterns);
  } catch (err) {
    if (err instanceof env.api.CompileError) {
      const frames = err.diagnostics
        .filter((d) => d.severity === "error")
        .map((d) => env.api.renderDiagnostic(d, source, { color: false }).replace(/\n$/, ""));
      return fail(base, "does not compile", indent(frames.join("\n")));
    }
    if (err instanceof UsageError) return fail(base, `${base}.args: ${err.message}`);
    throw err;
  }

  // 4. Run, exactly as `cep run` would, into memory.
  const output = new MemorySink();
  const sinks: LineSink[] = [];
  const fileSink = async (path: string | null): Promise<LineSink> => {
    const sink = path === null || path === "-" ? new MemorySink() : await openFileSink(resolve(dir, path));
    sinks.push(sink);
    return sink;
  };
  try {
    const input = await openInput(eventsFile, env.stdin);
    const errors = await fileSink(options.errors);
    const late = options.late === null ? null : await fileSink(options.late);
    try {
      await runEvents(env.api, program, options, { input, format, output, errors, late }, env);
    } finally {
      input.close();
      for (const s of sinks) await s.close();
    }
  } catch (err) {
    if ((err as { code?: unknown }).code === undefined) throw err;
    return fail(base, ioReason(err));
  }
  const actualText = output.lines;

  // 5. Compare, or update.
  let expectedText: string[] | null = null;
  try {
    expectedText = (await readFile(expectedFile, "utf8")).split("\n").filter((l) => l.trim() !== "");
  } catch (err) {
    if (!update) return fail(base, `cannot read ${expectedFile}: ${ioReason(err)} (--update creates it)`);
  }
  const expected: unknown[] = [];
  if (expectedText !== null) {
    for (const [i, line] of expectedText.entries()) {
      try {
        expected.push(JSON.parse(line));
      } catch {
        if (!update) return fail(base, `${expectedFile}: record ${i + 1} is not valid JSON`);
        expectedText = null;
        break;
      }
    }
  }
  const actual = actualText.map((line) => JSON.parse(line) as unknown);
  const diff = expectedText === null ? null : diffRecords(expected, actual, expectedText, actualText);
  const same = diff !== null && diff.missing.length === 0 && diff.unexpected.length === 0;
  const count = `${actual.length} record${actual.length === 1 ? "" : "s"}`;
  if (same) return { ok: true, lines: [`PASS ${base} (${count})`] };
  if (update) {
    await writeFile(expectedFile, actualText.map((l) => `${l}\n`).join(""));
    return { ok: true, lines: [`UPDATED ${base} (${count})`] };
  }
  const d = diff!;
  const parts = [
    d.missing.length ? `${d.missing.length} missing` : "",
    d.unexpected.length ? `${d.unexpected.length} unexpected` : "",
  ].filter(Boolean);
  const why = await explainMissing(
    env,
    program,
    options,
    { path: eventsFile, format },
    d.missing,
    expected,
    (file) => (file === `${base}.pattern` ? source : undefined),
  );
  return fail(
    base,
    `${parts.join(", ")} (expected ${expected.length}, got ${actual.length})`,
    formatDiff(d, "    ", why),
  );
}

function csvOrNdjson(file: string): "csv" | "ndjson" {
  return file.endsWith(".csv") ? "csv" : "ndjson";
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function indent(text: string): string[] {
  return text.split("\n").map((l) => `    ${l}`);
}
