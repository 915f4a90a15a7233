/**
 * EVICT: new keys per second under a state limit and past it (issue #13: each key past
 * `limits.keys` used to cost time proportional to the key count). The W4 pattern, one A
 * per key, every key new. The baseline is the same engine filling up to the limit, in the
 * same process and round; the figure is the ratio past / under, which eviction in O(1)
 * amortised keeps within a small factor. Rounds alternate the two limits.
 */
import { compile, Engine } from "../../src/index.js";
import type { KeyedEvent } from "../gen.js";
import { median } from "../harness.js";
import { W4_SOURCE } from "./w4.js";

/** One limit's figures: medians over the rounds. */
export interface EvictionFigures {
  readonly limit: "keys" | "memory";
  /** Keys held when the limit is reached (the limit, or what the memory budget holds). */
  readonly held: number;
  /** New keys per second while filling up to the limit. */
  readonly underPerSecond: number;
  /** New keys per second past it (each one evicts the oldest). */
  readonly pastPerSecond: number;
  readonly dropped: number;
}

/** One run: `keys` new keys up to the limit, then `2 × keys` past it. */
function once(events: KeyedEvent[], keys: number, limits: { keys?: number; memory?: number }) {
  const engine = new Engine(compile(W4_SOURCE), { limits });
  let t = performance.now();
  for (let i = 0; i < keys; i++) engine.push(events[i]);
  const under = performance.now() - t;
  const held = engine.stats().keys;
  t = performance.now();
  for (let i = keys; i < events.length; i++) engine.push(events[i]);
  const past = performance.now() - t;
  const s = engine.stats();
  engine.end();
  return {
    under: (keys / under) * 1000,
    past: ((events.length - keys) / past) * 1000,
    held,
    dropped: s.dropped,
  };
}

/** Measures both limits with `keys` keys held, `rounds` rounds each (alternating). */
export function measureEviction(
  keys: number,
  rounds: number,
  log: (line: string) => void,
): EvictionFigures[] {
  const events: KeyedEvent[] = [];
  for (let i = 0; i < 3 * keys; i++) events.push({ type: "A", k: i, ts: 0 });
  // A budget that holds about `keys` keys: measure what one key costs first.
  const probe = new Engine(compile(W4_SOURCE));
  for (let i = 0; i < 1000; i++) probe.push(events[i]);
  const perKey = probe.stats().memory / 1000;
  probe.end();
  const kinds = [
    { limit: "keys" as const, limits: { keys } },
    { limit: "memory" as const, limits: { memory: Math.round(perKey * keys * 1.05) } },
  ];
  const runs = kinds.map(() => [] as ReturnType<typeof once>[]);
  for (let r = 0; r < rounds; r++) {
    kinds.forEach((k, i) => {
      const run = once(events, keys, k.limits);
      log(`  EVICT ${k.limit}: ${Math.round(run.under)} keys/s under, ${Math.round(run.past)} keys/s past`);
      runs[i].push(run);
    });
  }
  return kinds.map((k, i) => ({
    limit: k.limit,
    held: median(runs[i].map((x) => x.held)),
    underPerSecond: median(runs[i].map((x) => x.under)),
    pastPerSecond: median(runs[i].map((x) => x.past)),
    dropped: median(runs[i].map((x) => x.dropped)),
  }));
}
