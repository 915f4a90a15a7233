/**
 * `cep fmt [--check] [--stdout] <file.pattern...>`: the canonical layout (src/lang/fmt).
 *
 * - default: rewrites the files that change, each atomically (a temporary file beside
 *   it, then a rename), and prints one summary line to stderr;
 * - `--check`: writes nothing; names every file it would change (`would reformat: path`)
 *   and exits 1 if there is one;
 * - `--stdout`: writes the formatted text to stdout instead of the files;
 * - `-`: stdin → stdout (for editors).
 *
 * A file with a syntax error is never rewritten: its diagnostics are printed as code
 * frames, exit 1, and the other files are still processed. An unreadable file is
 * reported the same way and exits 2 (as `cep check`).
 *
 * ```sh
 * cep fmt patterns/*.pattern           # rewrite in place
 * cep fmt --check patterns/*.pattern   # CI: exit 1 if any file is not formatted
 * cep fmt - < login.pattern            # an editor's format-on-save
 * ```
 */
import { randomBytes } from "node:crypto";
import { readFile, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { formatSource } from "../lang/fmt/index.js";
import { ioReason } from "../shell/io-reason.js";
import type { CliEnv } from "./api.js";
import { printDiagnostics } from "./load.js";

/** The options of `cep fmt`. */
export interface FmtOptions {
  readonly check: boolean;
  readonly stdout: boolean;
}

const STDIN = "-";

/** Runs `cep fmt`; returns the exit code. */
export async function fmtCommand(
  env: CliEnv,
  files: readonly string[],
  options: FmtOptions,
): Promise<number> {
  let unreadable = false;
  let refused = false;
  let failed = 0;
  const changed: string[] = [];
  for (const file of files) {
    let source: string;
    try {
      source = file === STDIN ? await readStdin(env) : await readFile(file, "utf8");
    } catch (err) {
      env.stderr.write(`cep: cannot read ${file}: ${ioReason(err)}\n`);
      unreadable = true;
      failed++;
      continue;
    }
    const shown = file === STDIN ? "<stdin>" : file;
    const result = formatSource(source, shown);
    if (!result.ok) {
      printDiagnostics(env, result.diagnostics, [{ file: shown, source }]);
      refused = true;
      failed++;
      continue;
    }
    if (result.changed) changed.push(shown);
    if (options.check) {
      if (result.changed) env.stderr.write(`would reformat: ${shown}\n`);
    } else if (options.stdout || file === STDIN) {
      env.stdout.write(result.text);
    } else if (result.changed) {
      try {
        await writeAtomically(file, result.text);
      } catch (err) {
        env.stderr.write(`cep: cannot write ${file}: ${ioReason(err)}\n`);
        unreadable = true;
      }
    }
  }
  const toFiles = !options.check && !options.stdout && !files.includes(STDIN);
  if (options.check || toFiles) {
    env.stderr.write(
      `${summary(changed.length, files.length - failed - changed.length, failed, options.check)}\n`,
    );
  }
  if (unreadable) return 2;
  return refused || (options.check && changed.length > 0) ? 1 : 0;
}

function summary(changed: number, unchanged: number, failed: number, check: boolean): string {
  const files = (n: number) => `${n} file${n === 1 ? "" : "s"}`;
  const head = check
    ? `${files(changed)} would be reformatted, ${unchanged} already formatted`
    : `${files(changed)} reformatted, ${unchanged} unchanged`;
  return failed > 0 ? `${head}, ${failed} not formatted (see above)` : head;
}

async function readStdin(env: CliEnv): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of env.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Writes `text` to a temporary file beside `file` (same permissions), then renames it
 * over `file` (over a symlink's target, so the link stays a link).
 */
async function writeAtomically(link: string, text: string): Promise<void> {
  const file = await realpath(link);
  const { mode } = await stat(file);
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeFile(tmp, text, { mode, flag: "wx" });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
