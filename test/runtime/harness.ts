/**
 * A fluent harness for runtime tests (style.md §17, after Flink's NFATestHarness):
 * `harness(src).feed(events)` returns the records; `ids()` maps them to event ids.
 */
import { compile, Engine, type EngineOptions, type MatchRecord } from "../../src/index.js";

export interface Fed {
  matches: MatchRecord[];
  timeouts: MatchRecord[];
  late: unknown[];
  errors: { reason: string; event: unknown }[];
  /** Every record (matches and timeouts) in emission order. */
  all: MatchRecord[];
}

/** The ids of a record's events, sorted by arrival id. */
export function idsOf(r: MatchRecord): number[] {
  return Object.values(r.events)
    .flat()
    .map((e) => (e as { id: number }).id)
    .sort((a, b) => a - b);
}

/** Multiset comparison helper: ids of every record, sorted. */
export function sortedIds(rs: MatchRecord[]): number[][] {
  return rs.map(idsOf).sort((a, b) => a.join(",").localeCompare(b.join(","), "en", { numeric: true }));
}

class Harness {
  private options: EngineOptions = {};
  private endInput = true;
  constructor(private readonly source: string) {}
  with(options: EngineOptions): this {
    this.options = { ...this.options, ...options };
    return this;
  }
  /** Do not call `end()` (like Flink's NFA harness, which never advances to the end). */
  noEnd(): this {
    this.endInput = false;
    return this;
  }
  feed(events: readonly unknown[]): Fed {
    const engine = new Engine(compile(this.source, { file: "test.pattern" }), this.options);
    const fed: Fed = { matches: [], timeouts: [], late: [], errors: [], all: [] };
    engine.on("match", (r) => {
      fed.matches.push(r);
      fed.all.push(r);
    });
    engine.on("timeout", (r) => {
      fed.timeouts.push(r);
      fed.all.push(r);
    });
    engine.on("late", (e) => fed.late.push(e));
    engine.on("error", (e) => fed.errors.push(e));
    for (const e of events) engine.push(e);
    if (this.endInput) engine.end();
    return fed;
  }
}

/** Starts a harness over a pattern source. */
export function harness(source: string): Harness {
  return new Harness(source);
}

/** Builds events `{id, type, ts, ...}` from a compact spec: "A:1 B:2" → type A at ts 1 (ids from 1). */
export function events(spec: string, extra: Record<string, unknown> = {}): Record<string, unknown>[] {
  return spec
    .trim()
    .split(/\s+/)
    .map((tok, i) => {
      const [type, ts] = tok.split(":");
      return { id: i + 1, type, ts: Number(ts ?? i), ...extra };
    });
}
