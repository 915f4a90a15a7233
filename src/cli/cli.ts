/**
 * The `cep` command line (cli.md): commander wiring, exit codes, nothing else.
 *
 * Exit codes: 0 success (bad input lines do not change it); 1 compile errors or a
 * failing `cep test`; 2 bad usage — unknown option (commander suggests the nearest),
 * unreadable file, `--pattern` naming nothing. Nothing here calls `process.exit`: every
 * path returns its code to `main`.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { addReplOptions, resolveReplOptions } from "../repl/options.js";
import { type CliEnv, UsageError } from "./api.js";
import { checkCommand } from "./check.js";
import { type ExplainFormat, explainCommand } from "./explain.js";
import { fmtCommand } from "./fmt-command.js";
import { addLiveOptions, resolveLiveOptions } from "./live-options.js";
import { addRunOptions, addThreadOptions, addTraceOptions, resolveRunOptions } from "./options.js";
import { runCommand } from "./run-command.js";
import { addScaleOutCommands } from "./scaleout-commands.js";
import { testCommand } from "./test-command.js";
import { addTypesCommand } from "./types-command.js";
import { addWhyCommand } from "./why-command.js";

/** The package version, read from package.json (two levels up from src/cli and dist/cli). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}

/** Parses `argv` (without `node` and the script) and runs the command; resolves to the exit code. */
export async function runCli(argv: readonly string[], env: CliEnv): Promise<number> {
  let code = 0;
  const program = new Command("cep")
    .description("Complex event processing with Apache Flink CEP semantics")
    .version(packageVersion(), "-V, --version", "print the version")
    .helpOption("-h, --help", "print help")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => env.stdout.write(s),
      writeErr: (s) => env.stderr.write(s),
    })
    .showSuggestionAfterError(true);

  addLiveOptions(
    addThreadOptions(
      addTraceOptions(
        addRunOptions(
          program
            .command("run")
            .description("compile patterns, read events, write match and timeout records")
            .argument("<file.pattern...>", "pattern files"),
        ),
      ),
    ),
  ).action(async (files: string[], opts: Record<string, unknown>) => {
    const options = resolveRunOptions(opts);
    code = await runCommand(env, files, options, resolveLiveOptions(opts, options));
  });

  program
    .command("check")
    .description("compile and summarise patterns (key, windows, skip, terms, states)")
    .argument("<file.pattern...>", "pattern files")
    .action(async (files: string[]) => {
      code = await checkCommand(env, files);
    });

  program
    .command("fmt")
    .description("format pattern files in the canonical layout (in place; `-` = stdin to stdout)")
    .argument("<file.pattern...>", "pattern files, or - for stdin")
    .option("--check", "write nothing; exit 1 naming every file that would change")
    .option("--stdout", "write the formatted text to stdout instead of the files")
    .action(async (files: string[], opts: { check?: boolean; stdout?: boolean }) => {
      code = await fmtCommand(env, files, { check: opts.check ?? false, stdout: opts.stdout ?? false });
    });

  program
    .command("explain")
    .description("print the compiled NFA of a pattern file")
    .argument("<file.pattern>", "pattern file")
    .option("--pattern <name>", "only this pattern")
    .addOption(
      new Option("--format <format>", "output format").choices(["text", "dot", "mermaid"]).default("text"),
    )
    .addOption(
      // The code is JavaScript: no picture of it (a --format given with it is an error, not ignored).
      new Option("--code", "print the JavaScript generated for each pattern's matcher").conflicts("format"),
    )
    .action(async (file: string, opts: { pattern?: string; format: ExplainFormat; code?: boolean }) => {
      code = await explainCommand(env, file, opts);
    });

  program
    .command("test")
    .description("run scenarios: name.pattern + name.events.ndjson|csv + name.expected.ndjson [+ name.args]")
    .argument("<path...>", "scenario directories or .pattern files")
    .option("--update", "rewrite the expected files from the current output")
    .action(async (paths: string[], opts: { update?: boolean }) => {
      code = await testCommand(env, paths, { update: opts.update ?? false });
    });

  addWhyCommand(program, env, (c) => {
    code = c;
  });

  addTypesCommand(program, env, (c) => {
    code = c;
  });

  addReplOptions(
    program
      .command("repl")
      .description("interactive session: type patterns, events (JSON lines) and .commands")
      .argument("[file.pattern...]", "pattern files to load"),
  ).action(async (files: string[], opts: Record<string, unknown>) => {
    // Loaded on use: the REPL imports the library itself (see src/repl/command.ts).
    const { replCommand } = await import("../repl/command.js");
    code = await replCommand(env, files, resolveReplOptions(opts));
  });

  program
    .command("lsp")
    .description("language server for editors: LSP over stdin/stdout (pass --stdio)")
    .option("--stdio", "speak LSP over stdin/stdout (the only transport; editors pass it)")
    .action(async (opts: { stdio?: boolean }) => {
      if (opts.stdio !== true)
        throw new UsageError("lsp needs --stdio: the language server speaks LSP over stdin/stdout");
      // Loaded on use: the protocol library is for this command only.
      code = await (await import("../lsp/command.js")).lspCommand();
    });

  addScaleOutCommands(program, env, (c) => {
    code = c;
  });

  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (err) {
    // Help and version exit 0; every other commander error is bad usage.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UsageError) {
      env.stderr.write(`cep: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  return code;
}
