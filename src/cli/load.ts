/**
 * Reading and compiling pattern files, with the exit-code rules of cli.md: an
 * unreadable file is a usage error (2), compile errors are all printed (1).
 */
import { readFile } from "node:fs/promises";
import type { Diagnostic } from "../lang/diagnostics.js";
import { ioReason } from "../shell/io-reason.js";
import { editDistance } from "../util/nearest.js";
import { type CliEnv, type CompiledProgram, type SourceFile, UsageError, useColor } from "./api.js";

/** Reads every pattern file; throws {@link UsageError} on the first unreadable one. */
export async function readSources(files: readonly string[]): Promise<SourceFile[]> {
  const sources: SourceFile[] = [];
  for (const file of files) {
    try {
      sources.push({ file, source: await readFile(file, "utf8") });
    } catch (err) {
      throw new UsageError(`cannot read ${file}: ${ioReason(err)}`);
    }
  }
  return sources;
}

/** Writes diagnostics to stderr as code frames (colour on a TTY, never with NO_COLOR). */
export function printDiagnostics(
  env: CliEnv,
  diagnostics: readonly Diagnostic[],
  sources: readonly SourceFile[],
) {
  const color = useColor(env);
  diagnostics.forEach((d, i) => {
    const source = sources.find((s) => s.file === d.file)?.source ?? "";
    const text = env.api.renderDiagnostic(d, source, { color });
    // Code frames are separated by a blank line, as `renderDiagnostics` does.
    env.stderr.write(`${i > 0 ? "\n" : ""}${text.endsWith("\n") ? text : `${text}\n`}`);
  });
}

/**
 * Compiles `sources`. On compile errors prints every diagnostic and returns null (exit
 * code 1); on success prints the warnings (unless `printWarnings` is false) and returns the program.
 * Anything else thrown by `compile` is a bug and propagates.
 */
export function compileSources(
  env: CliEnv,
  sources: SourceFile[],
  options: { printWarnings?: boolean; typeField?: string; timeField?: string } = {},
): CompiledProgram | null {
  let program: CompiledProgram;
  try {
    program = env.api.compile(sources, { typeField: options.typeField, timeField: options.timeField });
  } catch (err) {
    if (err instanceof env.api.CompileError) {
      printDiagnostics(env, err.diagnostics, sources);
      return null;
    }
    throw err;
  }
  if (options.printWarnings !== false) printDiagnostics(env, program.warnings ?? [], sources);
  return program;
}

/** Checks that every `--pattern` name exists; throws {@link UsageError} naming the nearest. */
export function checkPatternNames(program: CompiledProgram, names: readonly string[]): void {
  const known = program.patterns.map((p) => p.name);
  for (const name of names) {
    if (known.includes(name)) continue;
    const near = known
      .map((k) => ({ k, d: editDistance(name.toLowerCase(), k.toLowerCase()) }))
      .filter((x) => x.d <= 2)
      .sort((x, y) => x.d - y.d)[0];
    const hint = near ? ` (did you mean ${near.k}?)` : "";
    const list = known.length ? `; patterns: ${known.join(", ")}` : "; no patterns were compiled";
    throw new UsageError(`--pattern ${name} names no pattern${hint}${list}`);
  }
}
