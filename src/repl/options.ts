/**
 * The options of `cep repl`: the engine options of `cep run` (cli.md), with the same
 * names, defaults and validation. No runtime import of the library here, so `cli.ts`
 * can wire the command without loading the engine.
 */
import type { Command } from "commander";
import { UsageError } from "../shell/env.js";
import { clockOption, durationOption, nonEmpty } from "../shell/options.js";

/** `cep repl` options after validation. */
export interface ReplOptions {
  typeField: string;
  timeField: string;
  /** ms, ≥ 0. */
  outOfOrderness: number;
  processingTime: boolean;
  /** `--clock`: processing time starts there, +1 ms per event; null = wall clock. */
  clock: number | null;
  /** `false` (`--no-schema-check`): events are not checked against declared schemas (default: checked). */
  schemaCheck?: boolean;
}

/** Adds the `cep repl` options to `cmd`. */
export function addReplOptions(cmd: Command): Command {
  return cmd
    .option("--type-field <field>", "field holding the event type", nonEmpty, "type")
    .option("--time-field <field>", "field holding the event time", nonEmpty, "ts")
    .option(
      "--out-of-orderness <duration>",
      "how late an event may arrive and still be matched (5s, 2 minutes, PT1M, ms)",
      durationOption,
      0,
    )
    .option("--processing-time", "arrival order and wall-clock time")
    .option(
      "--clock <time>",
      "with --processing-time: start the clock there (epoch ms or ISO-8601), +1 ms per event",
      clockOption,
    )
    .option("--no-schema-check", "do not check events against the `event` declarations");
}

/** Validates commander's values; throws {@link UsageError} (exit 2). */
export function resolveReplOptions(opts: Record<string, unknown>): ReplOptions {
  const raw = opts as {
    typeField: string;
    timeField: string;
    outOfOrderness: number;
    processingTime?: boolean;
    clock?: number;
    schemaCheck?: boolean;
  };
  if (raw.clock !== undefined && !raw.processingTime) throw new UsageError("--clock needs --processing-time");
  return {
    typeField: raw.typeField,
    timeField: raw.timeField,
    outOfOrderness: raw.outOfOrderness,
    processingTime: raw.processingTime ?? false,
    clock: raw.clock ?? null,
    schemaCheck: raw.schemaCheck !== false,
  };
}
