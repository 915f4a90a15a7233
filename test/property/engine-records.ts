/**
 * The engine's records in the property tests' canonical form (pattern-arb.ts `canonical`),
 * with anything a generated pattern must not produce (timeouts, late or bad events, a wrong
 * pattern name, `start`/`end` not the matched events' times) flagged inside the record.
 */
import { compile, Engine, type MatchRecord } from "../../src/index.js";
import { canonical, type GenEvent } from "./pattern-arb.js";

/** Run `source` (one pattern named P) over `events`; the records, canonical, sorted. */
export function engineRecords(
  source: string,
  events: readonly GenEvent[],
  file = "differential.pattern",
): string[] {
  const engine = new Engine(compile(source, { file }), {});
  const out: string[] = [];
  engine.on("match", (r: MatchRecord) => {
    const taken = Object.entries(r.events).flatMap(([variable, evs]) =>
      evs.map((e) => ({ variable, e: e as GenEvent })),
    );
    const times = taken.map((t) => t.e.ts);
    const problems: string[] = [];
    if (r.pattern !== "P") problems.push(`pattern ${JSON.stringify(r.pattern)}`);
    if (r.timeout) problems.push("timeout flag on a match");
    if (r.start !== Math.min(...times) || r.end !== Math.max(...times))
      problems.push(`start/end ${r.start}/${r.end}`);
    out.push(
      canonical(
        r.key,
        taken.map((t) => ({ id: t.e.id, variable: t.variable })),
      ) + (problems.length > 0 ? `  !! ${problems.join(", ")}` : ""),
    );
  });
  engine.on("timeout", (r: unknown) => out.push(`!! unexpected timeout ${JSON.stringify(r)}`));
  engine.on("late", (e: unknown, reason: unknown) =>
    out.push(`!! unexpected late ${JSON.stringify({ e, reason })}`),
  );
  engine.on("error", (x: unknown) => out.push(`!! unexpected error ${JSON.stringify(x)}`));
  for (const e of events) engine.push({ ...e });
  engine.end();
  return out.sort();
}

/** Multiset difference a − b. */
export function minus(a: readonly string[], b: readonly string[]): string[] {
  const count = new Map<string, number>();
  for (const x of b) count.set(x, (count.get(x) ?? 0) + 1);
  return a.filter((x) => {
    const c = count.get(x) ?? 0;
    if (c === 0) return true;
    count.set(x, c - 1);
    return false;
  });
}

/** Throws a readable report unless the two multisets are equal. */
export function assertSameRecords(
  what: string,
  sources: readonly string[],
  events: readonly GenEvent[],
  expected: readonly string[],
  actual: readonly string[],
): void {
  const missing = minus(expected, actual);
  const unexpected = minus(actual, expected);
  if (missing.length === 0 && unexpected.length === 0) return;
  throw new Error(
    [
      what,
      ...sources,
      "events (id type v ts k):",
      ...events.map((e) => `  ${e.id} ${e.type} v=${e.v} ts=${e.ts} k=${e.k}`),
      `missing (${missing.length}):`,
      ...missing.map((m) => `  ${m}`),
      `unexpected (${unexpected.length}):`,
      ...unexpected.map((m) => `  ${m}`),
    ].join("\n"),
  );
}
