/**
 * Commander parsers for the options `cep run` and `cep repl` share (cli.md): one
 * definition each, so both shells accept and reject the same text with the same words.
 *
 * ```ts
 * cmd.option("--out-of-orderness <duration>", "…", durationOption, 0);
 * ```
 */
import { InvalidArgumentError } from "commander";
import { parseTime, TIME_FORMS } from "../runtime/values.js";
import { parseDurationArg } from "./duration.js";

/** Commander parser for a duration option (language.md §3.5; `0` allowed). */
export function durationOption(value: string): number {
  try {
    return parseDurationArg(value, { allowZero: true });
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** Commander parser for `--clock <time>`: a time as everywhere else (`parseTime`), digits as epoch ms. */
export function clockOption(value: string): number {
  const text = value.trim();
  const t = parseTime(/^-?\d+$/.test(text) ? Number(text) : text);
  if (typeof t === "string") throw new InvalidArgumentError(`expected ${TIME_FORMS}`);
  return t;
}

/** Commander parser for a field name (`--type-field`, `--time-field`): any text but the empty one. */
export function nonEmpty(value: string): string {
  if (value.length === 0) throw new InvalidArgumentError("must not be empty");
  return value;
}
