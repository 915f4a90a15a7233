/**
 * The options of a long-running `cep run` (issue #18): `--follow` (keep reading a growing
 * input; a signal ends the run without end of input), `--watch` (reload the pattern files
 * when they change), `--metrics` (Prometheus metrics over HTTP). `cep run` only: a
 * `cep test` scenario reads a finished file.
 */
import { type Command, InvalidArgumentError } from "commander";
import { UsageError } from "./api.js";
import type { RunOptions } from "./options.js";

/** A long-running `cep run`'s options, after validation. */
export interface LiveOptions {
  /** `--follow`: read on as the input grows (rotation and truncation followed), until SIGINT/SIGTERM. */
  follow: boolean;
  /** `--watch`: apply the pattern files' changes while running (needs `--follow`). */
  watch: boolean;
  /** `--metrics`: where to serve Prometheus metrics and `/healthz` (needs `--follow`), or null. */
  metrics: { host: string; port: number } | null;
}

/** No `--follow`, no `--watch`: a run over a finished input. */
export const NOT_LIVE: LiveOptions = { follow: false, watch: false, metrics: null };

/** Commander parser for `--metrics`: `host:port`, `[v6]:port`, or `:port` (every interface); port 0 picks a free one. */
export function hostPortOption(value: string): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]*)):(\d{1,5})$/.exec(value.trim());
  const port = m === null ? Number.NaN : Number(m[3]);
  if (m === null || !(port <= 65535)) {
    throw new InvalidArgumentError(
      "expected host:port (127.0.0.1:9464, [::1]:9464, or :9464 for every interface)",
    );
  }
  return { host: m[1] ?? (m[2] === "" ? "0.0.0.0" : m[2]), port };
}

/** Adds `--follow` and `--watch` to `cep run`. */
export function addLiveOptions(cmd: Command): Command {
  return cmd
    .option(
      "--follow",
      "keep reading the input as it grows (a file: as tail -F; or stdin) until SIGINT/SIGTERM",
    )
    .option("--watch", "with --follow: apply changes of the pattern files while running")
    .option(
      "--metrics <host:port>",
      "with --follow: serve Prometheus metrics (/metrics) and /healthz there (port 0: any free port)",
      hostPortOption,
    );
}

/** Validates the live options against the run's; throws {@link UsageError} (exit 2). */
export function resolveLiveOptions(opts: Record<string, unknown>, run: RunOptions): LiveOptions {
  const follow = opts.follow === true;
  const watch = opts.watch === true;
  if (watch && !follow) {
    throw new UsageError("--watch needs --follow (a run over a finished input has no time to reload)");
  }
  const metrics = (opts.metrics as LiveOptions["metrics"] | undefined) ?? null;
  if (metrics !== null && !follow) throw new UsageError("--metrics needs --follow (a long-running run)");
  if (follow && run.threads > 1) {
    // Not yet: the threaded run reads a finished input (issue #19 asks for it once both exist).
    throw new UsageError(
      "--threads cannot be combined with --follow yet: follow on one thread (--threads 1)",
    );
  }
  if (follow && run.checkpoint !== null && run.input === "-") {
    throw new UsageError("--checkpoint needs a file input (--input <file>): stdin cannot be resumed");
  }
  return { follow, watch, metrics };
}
