/**
 * The process around a shell command (`cep …` or `cep repl`): its streams, environment
 * and clocks, injected so tests can run a command in-process; and the usage error both
 * shells turn into `cep: <message>` and exit code 2.
 */
import type { Writable } from "node:stream";

/** Streams, environment, clocks. The CLI adds the library it drives (`CliEnv` in cli/api.ts). */
export interface ShellEnv {
  readonly stdin: AsyncIterable<Buffer | string>;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** stderr is a terminal: progress and colours are allowed there. */
  readonly stderrIsTTY: boolean;
  /** stdin is a terminal: `cep run` without `--input` says it is waiting for events there. */
  readonly stdinIsTTY?: boolean;
  /** Environment variables (NO_COLOR). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Wall clock in ms (processing time without `--clock`). */
  readonly wallClock: () => number;
  /** Monotonic ms for elapsed time. */
  readonly monotonic: () => number;
}

/** A usage problem: printed as `cep: <message>`, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Colours on stderr: only on a terminal, never with NO_COLOR (no-color.org: set and non-empty). */
export function useColor(env: ShellEnv): boolean {
  const noColor = env.env.NO_COLOR;
  return env.stderrIsTTY && (noColor === undefined || noColor === "");
}
