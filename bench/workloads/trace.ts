/**
 * TRACE: what tracing one key costs (issue #14: "with tracing on for one key of 100k,
 * throughput drops by less than 10%"). The W4 100k-keys uniform stream, run by an engine
 * without tracing and by one tracing a single busy key (its records counted, not kept),
 * alternating in the same process (ABBA); the median of the rounds' ratios. The baseline is the same
 * engine without the option, so the ratio is the cost of the tracer alone.
 */
import { compile, Engine, type TraceRecord } from "../../src/index.js";
import { median } from "../harness.js";
import { w4Cases } from "./w4.js";

/** Figures of the TRACE workload (medians over the rounds). */
export interface TraceFigures {
  readonly events: number;
  readonly plainPerSecond: number;
  /** The plain median times the median of the rounds' traced/plain ratios. */
  readonly tracedPerSecond: number;
  /** Records the traced key produced in one run. */
  readonly records: number;
  readonly key: unknown;
}

/** Measures `n` events of W4 100k keys uniform, `rounds` rounds, each plain then traced. */
export function measureTrace(n: number, rounds: number, log: (line: string) => void): TraceFigures {
  const w4 = w4Cases().find((c) => c.id === "W4 100k keys uniform");
  if (w4 === undefined) throw new Error("W4 100k keys uniform is missing");
  const events = w4.events().slice(0, n) as { k: unknown; type: string }[];
  // The key with the most A events (each starts a partial match): it holds state most often.
  const counts = new Map<unknown, number>();
  for (const e of events) if (e.type === "A") counts.set(e.k, (counts.get(e.k) ?? 0) + 1);
  let key: unknown = null;
  let best = -1;
  for (const [k, c] of counts) if (c > best) [key, best] = [k, c];
  const program = compile(w4.source);
  const plain: number[] = [];
  const traced: number[] = [];
  let records = 0;
  for (let r = 0; r < rounds; r++) {
    // ABBA: the order alternates each round, so whichever runs second (after the other's
    // garbage) is not always the same one.
    for (const tracing of r % 2 === 0 ? [false, true] : [true, false]) {
      let seen = 0;
      const sink = (_: TraceRecord) => {
        seen++;
      };
      const engine = new Engine(program, tracing ? { trace: { keys: [key], sink } } : {});
      const t = performance.now();
      for (const e of events) engine.push(e);
      const ms = performance.now() - t;
      engine.end();
      (tracing ? traced : plain).push((events.length / ms) * 1000);
      if (tracing) records = seen;
    }
    log(`  TRACE round ${r + 1}: plain ${Math.round(plain[r])} ev/s, traced ${Math.round(traced[r])} ev/s`);
  }
  // The ratio is the median of the rounds' ratios (each round's pair ran back to back).
  const ratio = median(traced.map((t, i) => t / plain[i]));
  const plainPerSecond = median(plain);
  return { events: events.length, plainPerSecond, tracedPerSecond: plainPerSecond * ratio, records, key };
}
