/**
 * The example scenarios in `patterns/` as the tests read them: `name.args` (the `cep run`
 * options a scenario needs) turned into engine and compile options, and NDJSON files as
 * their non-blank lines. Shared by test/patterns/patterns.test.ts and near-miss.test.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's `patterns/` directory. */
export const PATTERNS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "patterns");

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

export interface ScenarioOptions {
  outOfOrderness: number;
  typeField: string;
  timeField: string;
}

/** The words of an `.args` text (`#` starts a comment). */
export function argWords(text: string): string[] {
  return text
    .split("\n")
    .flatMap((line) => line.replace(/#.*/, "").split(/\s+/))
    .filter(Boolean);
}

/** The words of `patterns/<name>.args`, or none: the options to give `cep` for that example. */
export function scenarioArgWords(name: string): string[] {
  const args = join(PATTERNS_DIR, `${name}.args`);
  return existsSync(args) ? argWords(readFileSync(args, "utf8")) : [];
}

/** The `cep run` options the scenarios use; `#` starts a comment. */
export function parseArgs(text: string): ScenarioOptions {
  const options: ScenarioOptions = { outOfOrderness: 0, typeField: "type", timeField: "ts" };
  const words = argWords(text);
  for (let i = 0; i < words.length; i++) {
    const [flag, inline] = words[i].split("=", 2);
    const value = inline ?? words[++i];
    if (value === undefined) throw new Error(`${flag}: missing value`);
    if (flag === "--out-of-orderness") {
      const m = /^(\d+)(ms|s|m|min|h)?$/.exec(value);
      if (!m) throw new Error(`--out-of-orderness: unsupported duration ${value}`);
      options.outOfOrderness = Number(m[1]) * (m[2] ? UNIT_MS[m[2]] : 1);
    } else if (flag === "--type-field") options.typeField = value;
    else if (flag === "--time-field") options.timeField = value;
    else throw new Error(`unsupported option ${flag}`);
  }
  return options;
}

/** A file's non-blank lines. */
export const readLines = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "");

/** The options of scenario `name`: from `patterns/name.args` when there is one. */
export function scenarioOptions(name: string): ScenarioOptions {
  const args = join(PATTERNS_DIR, `${name}.args`);
  return parseArgs(existsSync(args) ? readFileSync(args, "utf8") : "");
}
