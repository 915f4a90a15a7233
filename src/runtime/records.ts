/**
 * Output records (language.md §5): `pattern`, `key`, `start`, `end`, `timeout` (timeouts
 * only), `events` (variables in term order, each an array in time order, the input
 * events unchanged), `emit` (when the pattern has a projection for this kind of record).
 */
import type { EvalContext } from "../compile/eval-context.js";
import type { Cell, Outcome } from "./matcher.js";
import { put } from "./values.js";

/** One match or timeout, as the engine emits it and the CLI writes it (one JSON line). */
export interface MatchRecord {
  pattern: string;
  key: unknown;
  start: number;
  end: number;
  timeout?: true;
  events: Record<string, unknown[]>;
  emit?: Record<string, unknown>;
}

/** The evaluation context of an `emit` clause: the finished record's events. */
class RecordContext implements EvalContext {
  event: unknown = null;
  constructor(
    public time: number,
    public key: unknown,
    private readonly byVar: unknown[][],
    private readonly timesByVar: number[][],
    private readonly lastCell: Cell,
  ) {}
  taken(v: number): readonly unknown[] {
    return this.byVar[v] ?? [];
  }
  takenTimes(v: number): readonly number[] {
    return this.timesByVar[v] ?? [];
  }
  lastTaken(v: number): unknown {
    const evs = this.byVar[v];
    return evs === undefined || evs.length === 0 ? null : evs[evs.length - 1];
  }
  prev(): unknown {
    return this.lastCell.event;
  }
  prevTime(): number | null {
    return this.lastCell.time;
  }
}

/** Builds the output record of a match or timeout. */
export function buildRecord(o: Outcome): MatchRecord {
  const p = o.pattern;
  const emit = o.stamp === null ? p.emit : p.timeoutEmit;
  // Cells run newest first: count per variable, then fill each array from its end — no
  // intermediate list of cells, no reverse (output-heavy patterns build millions of these).
  const byVar: unknown[][] = [];
  // Event times per variable only serve an `emit` clause (time(v), …).
  const timesByVar: number[][] = [];
  const counts: number[] = [];
  let first: Cell = o.last;
  for (let c: Cell | null = o.last; c !== null; c = c.prev) {
    counts[c.variable] = (counts[c.variable] ?? 0) + 1;
    first = c;
  }
  for (let v = 0; v < counts.length; v++) {
    const n = counts[v];
    if (n === undefined) continue;
    byVar[v] = new Array(n);
    if (emit !== null) timesByVar[v] = new Array(n);
  }
  for (let c: Cell | null = o.last; c !== null; c = c.prev) {
    const i = --counts[c.variable];
    byVar[c.variable][i] = c.event;
    if (emit !== null) timesByVar[c.variable][i] = c.time;
  }
  const events: Record<string, unknown[]> = {};
  for (let v = 0; v < p.variables.length; v++)
    if (byVar[v] !== undefined) put(events, p.variables[v].name, byVar[v]);
  const start = first.time;
  const end = o.stamp ?? o.last.time;
  const record: MatchRecord =
    o.stamp === null
      ? { pattern: p.name, key: o.key, start, end, events }
      : { pattern: p.name, key: o.key, start, end, timeout: true, events };
  if (emit !== null) record.emit = emit(new RecordContext(end, o.key, byVar, timesByVar, o.last));
  return record;
}
