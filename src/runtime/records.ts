/**
 * Output records (language.md §5): `pattern`, `key`, `start`, `end`, `timeout` (timeouts
 * only), `events` (variables in term order, each an array in time order, the input
 * events unchanged), `emit` (when the pattern has a projection for this kind of record).
 */
import type { EvalContext } from "../compile/eval-context.js";
import type { CompiledPattern } from "../compile/model.js";
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

/** Variables per pattern above which `events` is built property by property (mask bits). */
const MAX_TEMPLATED = 30;

/**
 * Builds the output records of one pattern. Output-heavy patterns (`followed by any`, W1:
 * hundreds of matches per event) spend most of their time here, so the per-record work
 * is kept to the record's own objects: counts and the per-variable list live in reused
 * scratch arrays, and `events` is cloned from a template object with the same keys in
 * the same order (one clone, then stores to existing properties: no shape transitions).
 */
export class RecordBuilder {
  private readonly names: readonly string[];
  private readonly counts: Int32Array;
  private readonly byVar: (unknown[] | undefined)[];
  private readonly timesByVar: (number[] | undefined)[];
  /** Templates of `events` by the mask of variables present; null: a name (`__proto__`) or too many variables. */
  private readonly templates: Map<number, Record<string, unknown>> | null;

  constructor(private readonly pattern: CompiledPattern) {
    this.names = pattern.variables.map((v) => v.name);
    const n = this.names.length;
    this.counts = new Int32Array(n);
    this.byVar = new Array(n).fill(undefined);
    this.timesByVar = new Array(n).fill(undefined);
    this.templates = n <= MAX_TEMPLATED && !this.names.includes("__proto__") ? new Map() : null;
  }

  /** The output record of a match or timeout of this pattern. */
  build(o: Outcome): MatchRecord {
    const p = this.pattern;
    const emit = o.stamp === null ? p.emit : p.timeoutEmit;
    const names = this.names;
    const n = names.length;
    const counts = this.counts;
    const byVar = this.byVar;
    const timesByVar = this.timesByVar;
    counts.fill(0);
    // Cells run newest first: count per variable, then fill each array from its end — no
    // intermediate list of cells, no reverse.
    let first: Cell = o.last;
    for (let c: Cell | null = o.last; c !== null; c = c.prev) {
      counts[c.variable]++;
      first = c;
    }
    let mask = 0;
    for (let v = 0; v < n; v++) {
      const k = counts[v];
      if (k === 0) {
        byVar[v] = undefined;
        timesByVar[v] = undefined;
        continue;
      }
      mask |= 1 << v;
      byVar[v] = new Array(k);
      // Event times per variable only serve an `emit` clause (time(v), …).
      timesByVar[v] = emit !== null ? new Array(k) : undefined;
    }
    for (let c: Cell | null = o.last; c !== null; c = c.prev) {
      const v = c.variable;
      const i = --counts[v];
      (byVar[v] as unknown[])[i] = c.event;
      if (emit !== null) (timesByVar[v] as number[])[i] = c.time;
    }
    let events: Record<string, unknown[]>;
    const templates = this.templates;
    if (templates !== null) {
      let t = templates.get(mask);
      if (t === undefined) {
        t = {};
        for (let v = 0; v < n; v++) if ((mask & (1 << v)) !== 0) t[names[v]] = null;
        templates.set(mask, t);
      }
      events = { ...t } as Record<string, unknown[]>;
      for (let v = 0; v < n; v++) if ((mask & (1 << v)) !== 0) events[names[v]] = byVar[v] as unknown[];
    } else {
      events = {};
      for (let v = 0; v < n; v++) if (byVar[v] !== undefined) put(events, names[v], byVar[v]);
    }
    const start = first.time;
    const end = o.stamp ?? o.last.time;
    const record: MatchRecord =
      o.stamp === null
        ? { pattern: p.name, key: o.key, start, end, events }
        : { pattern: p.name, key: o.key, start, end, timeout: true, events };
    if (emit !== null)
      record.emit = emit(
        new RecordContext(end, o.key, byVar as unknown[][], timesByVar as number[][], o.last),
      );
    return record;
  }
}
