/**
 * `cep run --trace <key>[@Pattern]` (repeatable) and `--trace-out <file>`: the engine's
 * trace records (docs/library.md "Tracing") for the chosen keys, as NDJSON.
 *
 * A key is typed as for every command (key-arg.ts: `42` finds 42 and "42", a JSON array a
 * composite key). `@Pattern` limits it to one pattern: the text after the last `@` is a
 * pattern name when the program has such a pattern; a word there that names no pattern
 * is a usage error (a key containing `@` can be given as JSON: `'"ann@example"'`), and so
 * are an empty key and one nested deeper than a key can be.
 *
 * ```ts
 * const specs = parseTraceArgs(["42@Fraud", '["eu", 7]'], ["Fraud", "Login"], []);
 * const trace = traceOptions(specs, (rec) => out.write(JSON.stringify(rec)), lineOf);
 * ```
 */

import { type KeyArg, parseKeyArg } from "../shell/key-arg.js";
import { UsageError } from "./api.js";

/** One `--trace` value. */
export interface TraceSpec {
  readonly key: KeyArg;
  /** The pattern it is limited to, or null: every pattern run. */
  readonly pattern: string | null;
  /** Records written for it so far (a run that wrote none says so). */
  records: number;
}

/** A trace record as the CLI handles it (the library's `TraceRecord`, read structurally). */
export interface TraceRecordLike {
  readonly pattern: string;
  readonly key: unknown;
  readonly op: string;
}

/** The engine's `trace` option, as the CLI builds it (the library's `TraceOptions`). */
export interface CliTraceOptions {
  readonly patterns?: readonly string[];
  readonly keys: readonly unknown[] | ((key: unknown) => boolean);
  readonly sink: (record: TraceRecordLike) => void;
  readonly describeEvent: (event: unknown) => Record<string, unknown> | undefined;
}

const WORD = /^[\p{L}_][\p{L}\p{N}_]*$/u;

/**
 * Reads the `--trace` values. `names`: the program's patterns; `run`: the `--pattern`
 * names (empty: all). Throws {@link UsageError} for an empty key or a pattern not run.
 */
export function parseTraceArgs(
  values: readonly string[],
  names: readonly string[],
  run: readonly string[],
): TraceSpec[] {
  return values.map((text) => {
    let keyText = text;
    let pattern: string | null = null;
    const at = text.lastIndexOf("@");
    if (at >= 0 && !isJson(text)) {
      const suffix = text.slice(at + 1);
      if (names.includes(suffix)) {
        keyText = text.slice(0, at);
        pattern = suffix;
      } else if (WORD.test(suffix)) {
        throw new UsageError(
          `--trace ${text}: no pattern ${suffix} (patterns: ${names.join(", ")}); ` +
            `a key containing @ can be given as JSON: --trace '${JSON.stringify(text)}'`,
        );
      }
    }
    if (pattern !== null && run.length > 0 && !run.includes(pattern)) {
      throw new UsageError(`--trace ${text}: pattern ${pattern} is not run (--pattern ${run.join(", ")})`);
    }
    let key: KeyArg;
    try {
      key = parseKeyArg(keyText);
    } catch (err) {
      throw new UsageError(
        `--trace ${JSON.stringify(text)}: ${(err as Error).message} (expected <key> or <key>@<Pattern>)`,
      );
    }
    return { key, pattern, records: 0 };
  });
}

/**
 * The engine's `trace` option for `specs`: records of a traced (pattern, key) go to
 * `write`, each event described by its input line (`lineOf`). An event skipped for
 * lacking the key (`skipped`, key null) is written for every traced pattern.
 */
export function traceOptions(
  specs: readonly TraceSpec[],
  write: (record: TraceRecordLike) => void,
  lineOf: (event: unknown) => number | undefined,
): CliTraceOptions {
  // Counts the records of each spec's key; true when the record is for some spec.
  const wanted = (pattern: string, key: unknown, op: string) => {
    let any = false;
    for (const s of specs) {
      if (s.pattern !== null && s.pattern !== pattern) continue;
      if (s.key.test(key)) {
        s.records++;
        any = true;
      } else if (key === null && op === "skipped") {
        any = true;
      }
    }
    return any;
  };
  const all = specs.some((s) => s.pattern === null);
  return {
    ...(all ? {} : { patterns: [...new Set(specs.map((s) => s.pattern as string))] }),
    // A list when every key can be spelled out: the engine tests each key step by set lookup.
    keys: specs.every((s) => s.key.candidates !== null)
      ? specs.flatMap((s) => s.key.candidates ?? [])
      : (key) => specs.some((s) => s.key.test(key)),
    sink: (record) => {
      if (wanted(record.pattern, record.key, record.op)) write(record);
    },
    describeEvent: (event) => {
      const line = lineOf(event);
      return line === undefined ? undefined : { line };
    },
  };
}

/**
 * Notes for the keys that got no record (a typo, or a key no event had): `--trace 4@P: no
 * trace records (no event of pattern P had this key)`.
 */
export function untracedNotes(specs: readonly TraceSpec[]): string[] {
  return specs
    .filter((s) => s.records === 0)
    .map(
      (s) =>
        `--trace ${s.key.text}${s.pattern === null ? "" : `@${s.pattern}`}: no trace records (no event ${s.pattern === null ? "" : `of pattern ${s.pattern} `}had this key)`,
    );
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
