/**
 * `cep types <file.pattern...> [-o file.d.ts]`: TypeScript declarations of the files'
 * event schemas and match records (lang/dts.ts), on stdout or into `-o`. The files are
 * compiled first as `cep check` does: errors are printed as code frames, exit 1, and
 * nothing is written. `-o` is written whole or not at all (a temporary file renamed).
 *
 * ```sh
 * cep types patterns/*.pattern -o src/patterns.d.ts
 * ```
 */
import { rename, rm, writeFile } from "node:fs/promises";
import { Command } from "commander";
import { generateTypes } from "../lang/dts.js";
import type { CliEnv } from "./api.js";
import { compileSources, readSources } from "./load.js";
import { writeFailure } from "./write-error.js";

/** The options of `cep types`. */
export interface TypesCommandOptions {
  /** The output file; stdout when absent. */
  readonly output?: string;
  readonly typeField: string;
  readonly timeField: string;
}

/** Adds `cep types` to `program`; `done` receives the exit code. */
export function addTypesCommand(program: Command, env: CliEnv, done: (code: number) => void): void {
  program.addCommand(
    new Command("types")
      .description("write TypeScript declarations of the event schemas and match records")
      .argument("<file.pattern...>", "pattern files")
      .option("-o, --output <file.d.ts>", "write to this file instead of stdout")
      .option("--type-field <field>", "field holding the event type", "type")
      .option("--time-field <field>", "field holding the event time", "ts")
      .action(async (files: string[], opts: TypesCommandOptions) => {
        done(await typesCommand(env, files, opts));
      }),
  );
}

/** Runs `cep types`; returns the exit code. */
export async function typesCommand(env: CliEnv, files: string[], opts: TypesCommandOptions): Promise<number> {
  const sources = await readSources(files);
  const roles = { typeField: opts.typeField, timeField: opts.timeField };
  if (compileSources(env, sources, roles) === null) return 1;
  const text = generateTypes(sources, roles);
  if (opts.output === undefined) {
    env.stdout.write(text);
    return 0;
  }
  const tmp = `${opts.output}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, opts.output);
  } catch (err) {
    await rm(tmp, { force: true });
    env.stderr.write(`cep: ${writeFailure(`--output ${opts.output}`, err as Error)}\n`);
    return 2;
  }
  return 0;
}
