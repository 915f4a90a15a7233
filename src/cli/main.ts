/**
 * Entry point of `bin/cep.js`: the real library and the real process around
 * {@link runCli}.
 *
 * ```sh
 * cep run login.pattern --input events.ndjson --out-of-orderness 5s
 * ```
 */
import { isatty } from "node:tty";
// Not ../index.js: that also exports the scale-out API, whose Redis client would load at every start.
import { compile } from "../compile/program.js";
import { CompileError } from "../lang/diagnostics.js";
import { renderDiagnostic } from "../lang/format.js";
import type { ReplTerminal } from "../repl/command.js";
import { Engine } from "../runtime/engine.js";
import type { CliEnv } from "./api.js";
import { runCli } from "./cli.js";
import { readerLeft, writeFailure } from "./write-error.js";

/** Runs `cep` with `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const env: CliEnv & ReplTerminal = {
    api: { compile, Engine, CompileError, renderDiagnostic },
    // Lazy: touching process.stdin creates a handle, which only `cep run` from stdin needs.
    stdin: { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() },
    // The REPL reads the stream itself (readline, TTY detection).
    stdinStream: () => process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    stderrIsTTY: process.stderr.isTTY === true,
    // isatty(0), not process.stdin.isTTY: that would open the stdin handle.
    stdinIsTTY: isatty(0),
    env: process.env,
    wallClock: Date.now,
    monotonic: () => performance.now(),
  };
  // A failed write to stdout or stderr is an "error" event: without a listener Node dies
  // with a stack trace. Every command's output is then incomplete: exit 2, saying why
  // when stderr still works. EPIPE (the reader went away: `| head`) is not a failure.
  const failed: { stdout: Error | null; stderr: Error | null } = { stdout: null, stderr: null };
  process.stdout.on("error", (err: Error) => {
    failed.stdout ??= err;
  });
  process.stderr.on("error", (err: Error) => {
    failed.stderr ??= err;
  });
  let code = await runCli(argv, env);
  await new Promise((resolve) => setImmediate(resolve)); // the events of the last writes
  if (code === 0 && failed.stdout !== null && !readerLeft(true, failed.stdout)) {
    process.stderr.write(`cep: ${writeFailure("stdout", failed.stdout)}\n`);
    code = 2;
  }
  if (code === 0 && failed.stderr !== null && !readerLeft(true, failed.stderr)) code = 2;
  return code;
}

/** A worker thread of `cep run --threads` (threads/spawn.ts loads this bundle in the worker and calls it). */
export { threadMain } from "./threads/worker.js";
