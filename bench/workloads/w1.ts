/**
 * W1: SEQ-n (n = 3, 5) over 9 equally likely types T0..T8, ts = event index (ms),
 * `within` 10 / 100 / 1000 ms (and 300 for n = 3 `followed by`: the SASE-shaped run),
 * `followed by` and `followed by any`; plus "never": n = 3 whose last type (T9) never
 * occurs, so partial matches only expire.
 */
import { f1W1 } from "../baselines/f1-w1.js";
import { f2W1 } from "../baselines/f2-w1.js";
import { f3, type NaiveStage } from "../baselines/f3-runlist.js";
import { cached, w1Events } from "../gen.js";
import type { BenchCase } from "../harness.js";

const MAX_N = 4_000_000;
const events = () => cached("W1", () => w1Events(MAX_N, 1));

/** The W1 pattern in our language. */
export function w1Source(types: readonly string[], w: number, any: boolean): string {
  const op = any ? " followed by any " : " followed by ";
  return `pattern W1 { within ${w}ms match ${types.map((t, i) => `e${i}: ${t}`).join(op)} }`;
}

function stages(types: readonly string[], any: boolean): NaiveStage[] {
  return types.map((t) => ({ contiguity: any ? "followedByAny" : "followedBy", test: (e) => e.type === t }));
}

/**
 * Expected matches per T0 for `followed by any`: chains of n−1 later events of the next
 * types in the window, about C(w, n−1)/9^(n−1).
 */
function expectedAnyMatchesPerStart(n: number, w: number): number {
  let c = 1;
  for (let i = 0; i < n - 1; i++) c = (c * (w - i)) / (i + 1);
  return c / 9 ** (n - 1);
}

/** A case of W1 (the id says which). */
function w1Case(n: number, w: number, any: boolean, never: boolean): BenchCase {
  const types = Array.from({ length: n }, (_, i) => (never && i === n - 1 ? "T9" : `T${i}`));
  const heavy = any ? expectedAnyMatchesPerStart(n, w) + (never ? (w / 9) ** (n - 1) / 2 : 0) : 1;
  return {
    workload: "W1",
    id: `W1 n=${n} ${any ? "fb-any" : "fb"} w=${w}${never ? " never" : ""}`,
    source: w1Source(types, w, any),
    events,
    maxN: MAX_N,
    minN: Math.max(3 * w, 1000),
    startN: 1000,
    verifyN: Math.round(Math.max(1.5 * w, Math.min(200_000, 2_000_000 / heavy))),
    keyField: null,
    f1: f1W1(types, w, any),
    f2: f2W1(types, w, any),
    f3: f3([{ key: null, window: w, stages: stages(types, any) }]),
  };
}

/** The W1 cases, and the ones left out with why. */
export function w1Cases(): { cases: BenchCase[]; skipped: string[] } {
  const cases: BenchCase[] = [];
  const skipped: string[] = [];
  // w = 300 only for the SASE-shaped run (n = 3 `followed by`, windows 10/100/300/1000).
  for (const n of [3, 5])
    for (const any of [false, true])
      for (const w of n === 3 && !any ? [10, 100, 300, 1000] : [10, 100, 1000]) {
        const perStart = any ? expectedAnyMatchesPerStart(n, w) : 0;
        if (perStart > 1e5) {
          skipped.push(
            `W1 n=${n} fb-any w=${w}: skipped — about ${perStart.toExponential(1)} matches per T0 event ` +
              `(${(perStart / 9).toExponential(1)} per event) is output no engine or baseline can enumerate here`,
          );
          continue;
        }
        cases.push(w1Case(n, w, any, false));
      }
  for (const any of [false, true]) for (const w of [10, 100, 1000]) cases.push(w1Case(3, w, any, true));
  return { cases, skipped };
}
