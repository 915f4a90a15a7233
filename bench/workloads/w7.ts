/**
 * W7: many patterns — 1, 100 and 1,000 patterns `P_s { key by sym within 30s match a: A
 * where sym == "s" followed by b: B where sym == "s" and price > a.price * 1.01 }`, one per
 * symbol, over events of 1,000 symbols (half A, half B; ts = event index, so one window
 * holds 30,000 events, 30 per symbol).
 */
import { f1W7 } from "../baselines/f1-w7.js";
import { f2W7 } from "../baselines/f2-w7.js";
import { f3, type NaiveEvent, prevOf } from "../baselines/f3-runlist.js";
import { cached, symbolName, w7Events } from "../gen.js";
import type { BenchCase } from "../harness.js";

const SYMBOLS = 1000;
const WINDOW_MS = 30_000;
const MAX_N = 2_000_000;
const events = () => cached("W7", () => w7Events(MAX_N, SYMBOLS, 7));

export function w7Source(symbols: readonly string[]): string {
  return symbols
    .map(
      (s) =>
        `pattern P_${s} { key by sym  within 30s  match a: A where sym == "${s}" followed by b: B where sym == "${s}" and price > a.price * 1.01 }`,
    )
    .join("\n");
}

function w7Case(patterns: number): BenchCase {
  const symbols = Array.from({ length: patterns }, (_, i) => symbolName(i));
  const price = (e: NaiveEvent) => e.price as number;
  return {
    workload: "W7",
    id: `W7 ${patterns.toLocaleString("en-US")} pattern${patterns === 1 ? "" : "s"}`,
    source: w7Source(symbols),
    events,
    maxN: MAX_N,
    // At least two windows where the engine allows it; with 1,000 patterns the current
    // engine would need minutes for that, so those runs stay inside the first window.
    minN: patterns >= 1000 ? 3000 : 2 * WINDOW_MS,
    startN: 1000,
    verifyN: patterns >= 1000 ? 3000 : 40_000,
    keyField: "sym",
    f1: f1W7(symbols, WINDOW_MS),
    f2: f2W7(symbols, WINDOW_MS),
    f3: f3(
      symbols.map((s) => ({
        key: "sym",
        window: WINDOW_MS,
        stages: [
          { contiguity: "next" as const, test: (e: NaiveEvent) => e.type === "A" && e.sym === s },
          {
            contiguity: "followedBy" as const,
            test: (e: NaiveEvent, r) =>
              e.type === "B" && e.sym === s && price(e) > price(prevOf(r) as NaiveEvent) * 1.01,
          },
        ],
      })),
    ),
  };
}

export function w7Cases(): BenchCase[] {
  return [1, 100, 1000].map(w7Case);
}
