/**
 * `cep test`'s explanation of a missing record: the scenario is run again with tracing on
 * for the record's pattern and key, and `cep why`'s report for its events (the closest
 * partial match and what stopped it) is shown under the record in the failure.
 */
import type { CompiledPattern } from "../compile/model.js";
import { explainWhy, type WhyExpectation, WhyExpectationError } from "../runtime/trace/why.js";
import { whyText } from "../runtime/trace/why-text.js";
import type { CliEnv, CompiledProgram } from "./api.js";
import type { DiffEntry } from "./record-diff.js";
import type { RunSettings } from "./run.js";
import { keyJson, tracedRun } from "./why-run.js";

/** Missing records explained at most (each costs nothing more: one traced run for all). */
const EXPLAINED = 3;

interface Wanted {
  readonly entry: DiffEntry;
  readonly pattern: CompiledPattern;
  readonly key: unknown;
  readonly expect: WhyExpectation | undefined;
}

/**
 * Explanations of the first missing records, by their index: the report's lines. A record
 * that names no pattern (with several in the file) or no key (for a keyed pattern) is not
 * explained, nor one without `events` whose key matched (the diff says it all); nor
 * anything when the engine keeps no trace.
 */
export async function explainMissing(
  env: CliEnv,
  program: CompiledProgram,
  settings: RunSettings,
  input: { path: string; format: "ndjson" | "csv" },
  missing: readonly DiffEntry[],
  expected: readonly unknown[],
  sources: (file: string) => string | undefined,
): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  // Only the real compiled model can be explained (it has the debug model and variables).
  const patterns = (program.patterns as unknown as CompiledPattern[]).filter(
    (p) =>
      typeof p.debug === "function" && (settings.patterns.length === 0 || settings.patterns.includes(p.name)),
  );
  const wanted: Wanted[] = [];
  for (const entry of missing.slice(0, EXPLAINED)) {
    const rec = expected[entry.index - 1];
    if (rec === null || typeof rec !== "object" || Array.isArray(rec)) continue;
    const r = rec as Record<string, unknown>;
    const pattern =
      typeof r.pattern === "string"
        ? patterns.find((p) => p.name === r.pattern)
        : patterns.length === 1
          ? patterns[0]
          : undefined;
    if (pattern === undefined) continue;
    if (!Object.hasOwn(r, "key") && pattern.keyPaths.length > 0) continue;
    const key = Object.hasOwn(r, "key") ? r.key : null;
    const ev = r.events;
    const lists =
      ev !== null && typeof ev === "object" && !Array.isArray(ev)
        ? Object.entries(ev as Record<string, unknown>).filter(([, l]) => Array.isArray(l))
        : [];
    // A timeout record expects that timeout, not a match.
    const expect =
      lists.length === 0
        ? undefined
        : {
            events: Object.fromEntries(lists) as Record<string, unknown[]>,
            ...(Object.hasOwn(r, "timeout") ? { timeout: true } : {}),
          };
    wanted.push({ entry, pattern, key, expect });
  }
  if (wanted.length === 0) return out;
  const keys = new Set(wanted.map((w) => keyJson(w.key)));
  const run = await tracedRun(
    env,
    program,
    settings,
    input,
    [...new Set(wanted.map((w) => w.pattern.name))],
    (k) => keys.has(keyJson(k)),
  );
  if (run.records.length === 0) return out;
  for (const w of wanted) {
    let text: string;
    try {
      const report = explainWhy({
        pattern: w.pattern,
        key: w.key,
        records: run.records,
        events: run.fed,
        expect: w.expect,
        typeField: settings.typeField,
      });
      // Without events to explain, a key that matched has nothing to add to the diff.
      if (w.expect === undefined && report.matches.length > 0) continue;
      text = whyText(report, { source: sources, lineText: (l) => run.texts.get(l) });
    } catch (err) {
      if (!(err instanceof WhyExpectationError)) throw err;
      text = `cannot explain it: ${err.message}\n`;
    }
    out.set(w.entry.index, [
      "why (cep why):",
      ...text
        .trimEnd()
        .split("\n")
        .map((l) => (l === "" ? "" : `  ${l}`)),
    ]);
  }
  return out;
}
