/**
 * F0: a loop that only reads each event (its type, key and time) — the floor of what
 * any matcher over pre-built event objects can cost.
 */
import type { Baseline, BaselineFactory } from "./types.js";

interface Readable {
  type: string;
  ts: number;
  [field: string]: unknown;
}

class ReadLoop implements Baseline {
  /** Kept so the reads cannot be optimised away. */
  sink = 0;
  constructor(private readonly keyField: string | null) {}

  run(events: readonly object[], from: number, to: number): void {
    const kf = this.keyField;
    let acc = 0;
    for (let i = from; i < to; i++) {
      const e = events[i] as Readable;
      acc += e.ts + e.type.length;
      if (kf !== null && e[kf] !== undefined) acc++;
    }
    this.sink += acc;
  }
}

/** F0 for events keyed by `keyField` (null: unkeyed). */
export function f0(keyField: string | null): BaselineFactory {
  return () => new ReadLoop(keyField);
}
