/**
 * Helpers for tests of long-running `cep run` processes (`--follow`, `--watch`,
 * `--metrics`): start the real binary, read what it wrote so far, wait for a condition
 * with a deadline (polling; never a fixed sleep), stop it with a signal.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

/** A running `cep` with what it has written so far. */
export interface Live {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal) once it has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node <bin> ...args` in `cwd`; stdin is a pipe the test may write to (and must end or leave). */
export function start(bin: string, args: string[], cwd: string): Live {
  const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.setEncoding("utf8").on("data", (s: string) => {
    out += s;
  });
  child.stderr?.setEncoding("utf8").on("data", (s: string) => {
    err += s;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Polls `check` every 5 ms until it returns (or resolves to) a value other than undefined/false, or throws after `ms` with `what`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The lines of a file (empty when it does not exist yet). */
export function linesOf(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "");
}

/** One NDJSON line. */
export const line = (event: object): string => `${JSON.stringify(event)}\n`;

/** Kills a process left running by a failed test (by its own pid only). */
export function cleanup(live: Live | null): void {
  if (live !== null && live.child.exitCode === null && live.child.signalCode === null)
    live.child.kill("SIGKILL");
}

/** Lets time pass (for the process to act), never as an assertion: tests then poll with {@link waitFor}. */
export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
