/**
 * `cep repl [file.pattern...]`: the readline shell around a {@link Session}.
 *
 * - **Interactive** (stdin is a terminal): a prompt (`cep> `, `...> ` inside pattern
 *   text) and a banner on the terminal, line editing, history in `~/.cep_history` (or
 *   `$CEP_HISTORY`), tab completion of commands, pattern names and file names; Ctrl+C
 *   clears the line or discards unfinished pattern text, twice on an empty line leaves.
 *   The prompt goes to stdout when it is the terminal, else to stderr, so
 *   `cep repl > out.ndjson` keeps stdout clean.
 * - **Piped** (no TTY): no prompt, no banner, no history; stdout carries only records
 *   (one JSON line each, unless stdout is a terminal) and the output of `.patterns`,
 *   `.explain`, `.state`, `.help`. Messages and errors go to stderr with line numbers.
 *
 * `.exit` and the end of input flush first (the engine's end of input).
 */

import { createInterface, type Interface } from "node:readline";
import { Readable, type Writable } from "node:stream";
import type { ShellEnv } from "../shell/env.js";
import { HISTORY_SIZE, History, historyPath } from "./history.js";
import type { ReplOptions } from "./options.js";
import { Session } from "./session.js";

/** What `main.ts` adds to the CLI environment for the REPL: the real stdin stream. */
export interface ReplTerminal {
  /** The process's stdin (a TTY stream when interactive); read lazily. */
  readonly stdinStream?: () => NodeJS.ReadableStream & { isTTY?: boolean };
}

const isTTY = (s: unknown): boolean => (s as { isTTY?: unknown } | null)?.isTTY === true;

/** Runs the REPL until `.exit` or the end of input; resolves to the exit code (0). */
export async function replCommand(
  env: ShellEnv & ReplTerminal,
  files: readonly string[],
  options: ReplOptions,
): Promise<number> {
  const input = env.stdinStream ? env.stdinStream() : Readable.from(env.stdin);
  const interactive = isTTY(input);
  const noColor = env.env.NO_COLOR !== undefined && env.env.NO_COLOR !== "";
  const stdoutIsTTY = isTTY(env.stdout);
  // The prompt's terminal: stdout when it is one, else stderr.
  const promptStream: Writable | null = !interactive
    ? null
    : stdoutIsTTY
      ? env.stdout
      : env.stderrIsTTY
        ? env.stderr
        : null;

  let rl: Interface | undefined;
  let outputFailed = false;
  const onOutputError = () => {
    // EPIPE and the like: nobody reads the records any more; end quietly.
    outputFailed = true;
    rl?.close();
  };
  env.stdout.on("error", onOutputError);

  const session = new Session({
    options,
    interactive,
    readable: stdoutIsTTY,
    outColor: stdoutIsTTY && !noColor,
    errColor: env.stderrIsTTY && !noColor,
    stdout: (text) => {
      if (!outputFailed) env.stdout.write(text);
    },
    stderr: (text) => {
      env.stderr.write(text);
    },
    wallClock: env.wallClock,
  });

  const path = interactive ? historyPath(env.env) : null;
  const history = path === null ? null : new History(path, (m) => env.stderr.write(`cep repl: ${m}\n`));

  if (promptStream !== null) {
    promptStream.write(
      `Cepheus REPL — type a pattern, or events as JSON lines; .help for commands, .exit or Ctrl+D to leave\n`,
    );
  }
  for (const file of files) session.load(file);

  rl = createInterface({
    input,
    output: promptStream ?? undefined,
    terminal: promptStream !== null,
    history: history?.load() ?? [],
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: (line: string): [string[], string] => session.complete(line),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const prompt = () => {
    if (promptStream === null || session.done) return;
    rl?.setPrompt(session.collecting ? "...> " : "cep> ");
    rl?.prompt();
  };

  let lastWasInterrupt = false;
  rl.on("SIGINT", () => {
    // Ctrl+C: clear the line, else discard pattern text, else (twice) leave.
    const current = rl?.line ?? "";
    if (current.length > 0) {
      lastWasInterrupt = false;
      rl?.write(null, { ctrl: true, name: "e" });
      rl?.write(null, { ctrl: true, name: "u" });
      promptStream?.write("\n");
      prompt();
      return;
    }
    if (session.discardPending()) {
      lastWasInterrupt = false;
      promptStream?.write("^C (pattern text discarded)\n");
      prompt();
      return;
    }
    if (lastWasInterrupt) {
      rl?.close();
      return;
    }
    lastWasInterrupt = true;
    promptStream?.write("\n(To leave, press Ctrl+C again or Ctrl+D, or type .exit)\n");
    prompt();
  });

  const closed = new Promise<void>((resolve) => {
    rl.on("close", () => {
      // Ctrl+D leaves the cursor after the prompt: end that line first.
      if (!session.done) promptStream?.write("\n");
      if (!outputFailed) session.finish();
      resolve();
    });
  });
  rl.on("line", (line: string) => {
    if (session.done) return;
    lastWasInterrupt = false;
    history?.add(line);
    if (session.handleLine(line) === "exit") {
      rl?.close();
      return;
    }
    prompt();
  });
  prompt();
  await closed;
  env.stdout.off("error", onOutputError);
  return 0;
}
