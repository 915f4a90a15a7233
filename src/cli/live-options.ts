/**
 * The options of a long-running `cep run` (issue #18): `--follow` (keep reading a growing
 * input; a signal ends the run without end of input), `--watch` (reload the pattern files
 * when they change). `cep run` only: a `cep test` scenario reads a finished file.
 */
import type { Command } from "commander";
import { UsageError } from "./api.js";
import type { RunOptions } from "./options.js";

/** A long-running `cep run`'s options, after validation. */
export interface LiveOptions {
  /** `--follow`: read on as the input grows (rotation and truncation followed), until SIGINT/SIGTERM. */
  follow: boolean;
  /** `--watch`: apply the pattern files' changes while running (needs `--follow`). */
  watch: boolean;
}

/** No `--follow`, no `--watch`: a run over a finished input. */
export const NOT_LIVE: LiveOptions = { follow: false, watch: false };

/** Adds `--follow` and `--watch` to `cep run`. */
export function addLiveOptions(cmd: Command): Command {
  return cmd
    .option(
      "--follow",
      "keep reading the input as it grows (a file: as tail -F; or stdin) until SIGINT/SIGTERM",
    )
    .option("--watch", "with --follow: apply changes of the pattern files while running");
}

/** Validates the live options against the run's; throws {@link UsageError} (exit 2). */
export function resolveLiveOptions(opts: Record<string, unknown>, run: RunOptions): LiveOptions {
  const follow = opts.follow === true;
  const watch = opts.watch === true;
  if (watch && !follow) {
    throw new UsageError("--watch needs --follow (a run over a finished input has no time to reload)");
  }
  if (follow && run.checkpoint !== null && run.input === "-") {
    throw new UsageError("--checkpoint needs a file input (--input <file>): stdin cannot be resumed");
  }
  return { follow, watch };
}
