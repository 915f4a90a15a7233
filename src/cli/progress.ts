/**
 * What `cep run` tells a person on stderr: a progress bar for long runs from a file on a
 * terminal, and a one-line summary at the end.
 */
import { createRequire } from "node:module";
import type { SingleBar } from "cli-progress";
import type { CliEnv } from "./api.js";
import type { LiveCounts, RunResult } from "./run.js";

/** A progress display; `update` is called once per input chunk. */
export interface Progress {
  update(bytesRead: number, live: LiveCounts): void;
  stop(): void;
}

/**
 * cli-progress, loaded the first time a bar is drawn: most runs (pipes, short files,
 * --quiet) never draw one, and loading it is ~15 ms of every start-up.
 */
export function newBar(options: ConstructorParameters<typeof SingleBar>[0]): SingleBar {
  const { SingleBar: Bar } = createRequire(import.meta.url)("cli-progress") as typeof import("cli-progress");
  return new Bar(options);
}

/** Runs shorter than this never show a bar. */
const SHOW_AFTER_MS = 500;
/** engine.stats() is read at most this often. */
const REFRESH_MS = 200;

/**
 * A bar over the input's bytes with events read, events/s, matches and partial matches
 * held; null unless stderr is a terminal and the input size is known.
 */
export function createProgress(env: CliEnv, totalBytes: number | null): Progress | null {
  if (!env.stderrIsTTY || totalBytes === null || totalBytes === 0) return null;
  const started = env.monotonic();
  let bar: SingleBar | null = null;
  let last = 0;
  return {
    update(bytesRead, live) {
      const now = env.monotonic();
      if (now - started < SHOW_AFTER_MS || now - last < REFRESH_MS) return;
      last = now;
      const seconds = (now - started) / 1000;
      const partial = live.stats().partialMatches;
      const payload = {
        events: live.events,
        rate: Math.round(live.events / seconds),
        matches: live.matches,
        partial: typeof partial === "number" ? partial : "?",
      };
      if (bar === null) {
        bar = newBar({
          stream: env.stderr,
          format:
            "{bar} {percentage}% | {events} events | {rate} events/s | {matches} matches | {partial} partial",
          hideCursor: true,
          clearOnComplete: true,
          fps: 5,
        });
        bar.start(totalBytes, bytesRead, payload);
      } else {
        bar.update(bytesRead, payload);
      }
    },
    stop() {
      bar?.stop();
    },
  };
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/**
 * `cep: 1200 events, 7 matches (BruteForce 5, PortScan 2), 1 timeout, 0 late, 2 bad lines, 0.31s`
 */
export function summaryLine(result: RunResult, elapsedMs: number): string {
  const perPattern = Object.entries(result.matches);
  let total = 0;
  for (const [, n] of perPattern) total += n;
  const parts = [
    plural(result.events, "event"),
    `${plural(total, "match", "matches")}${
      perPattern.length > 0 ? ` (${perPattern.map(([name, n]) => `${name} ${n}`).join(", ")})` : ""
    }`,
    plural(result.timeouts, "timeout"),
    `${result.late} late`,
    plural(result.bad, "bad line"),
  ];
  if (result.missingKeys > 0) parts.push(plural(result.missingKeys, "missing key"));
  if (result.unkeyed > 0) parts.push(`${result.unkeyed} unkeyed`);
  if (result.schemaErrors > 0) parts.push(plural(result.schemaErrors, "schema error"));
  if (result.dropped > 0)
    parts.push(`${plural(result.dropped, "partial match", "partial matches")} dropped (state limits)`);
  parts.push(`${(elapsedMs / 1000).toFixed(2)}s`);
  return `cep: ${parts.join(", ")}`;
}
