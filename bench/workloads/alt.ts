/**
 * ALT: what alternation costs (issue #17: "`permute` of 4 elements over W4-like keyed
 * traffic ≥ 2M events/s"; "a pattern without alternation runs exactly as fast as before").
 * W4-like keyed traffic — 10k keys, uniform, 100 events per ms of event time — with five
 * event types at 1% each (A, B, C, D, E) and 95% X, run in the same process (ABBA) by
 * (10k keys, not W4's 100k: a 10 s window then holds ~1 event of each type per key, and
 * with 100k keys almost no key would ever see all five):
 *
 * - PERMUTE: `a: A followed by permute(b: B, c: C, d: D, e: E)` within 10 s (24 orders);
 * - SEQUENCE, the baseline: `a: A followed by b: B followed by c: C followed by d: D
 *   followed by e: E` within 10 s — the same terms as one of the 24 orders, no fork.
 *
 * The ratio (permute time / sequence time) is the price of waiting for four first terms at
 * once and of the branches that the first step starts (six per A that sees a B, C, D or E).
 */
import { compile, Engine } from "../../src/index.js";
import { rng } from "../gen.js";
import { median } from "../harness.js";

const KEYS = 10_000;
const RATE = 100;
const TYPES = ["A", "B", "C", "D", "E"];

export const PERMUTE_SOURCE =
  "pattern Permute4 { key by k  within 10 s  match a: A followed by permute(b: B, c: C, d: D, e: E) }";
export const SEQUENCE_SOURCE =
  "pattern Sequence5 { key by k  within 10 s  match a: A followed by b: B followed by c: C followed by d: D followed by e: E }";

/** Figures of the ALT workload (medians over the rounds). */
export interface AltFigures {
  readonly events: number;
  readonly permutePerSecond: number;
  readonly sequencePerSecond: number;
  /** Median of the rounds' permute/sequence time ratios. */
  readonly ratio: number;
  readonly permuteMatches: number;
  readonly sequenceMatches: number;
}

function altEvents(n: number): { type: string; k: number; ts: number }[] {
  const r = rng(17);
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    const type = u < 0.05 ? TYPES[Math.floor(u * 100)] : "X";
    out[i] = { type, k: Math.floor(r() * KEYS), ts: Math.floor(i / RATE) };
  }
  return out;
}

function run(
  program: ReturnType<typeof compile>,
  events: readonly object[],
): { ms: number; matches: number } {
  const engine = new Engine(program);
  let matches = 0;
  engine.on("match", () => {
    matches++;
  });
  const t = performance.now();
  for (let i = 0; i < events.length; i++) engine.push(events[i]);
  const ms = performance.now() - t;
  return { ms, matches };
}

/** Measures `n` events, `rounds` ABBA rounds (after one untimed run of each). */
export function measureAlt(n: number, rounds: number, log: (line: string) => void): AltFigures {
  const events = altEvents(n);
  const permute = compile(PERMUTE_SOURCE);
  const sequence = compile(SEQUENCE_SOURCE);
  run(permute, events);
  run(sequence, events);
  const p: number[] = [];
  const s: number[] = [];
  let permuteMatches = 0;
  let sequenceMatches = 0;
  for (let r = 0; r < rounds; r++) {
    for (const which of r % 2 === 0 ? ["permute", "sequence"] : ["sequence", "permute"]) {
      const res = run(which === "permute" ? permute : sequence, events);
      if (which === "permute") {
        p.push(res.ms);
        permuteMatches = res.matches;
      } else {
        s.push(res.ms);
        sequenceMatches = res.matches;
      }
    }
    log(
      `  ALT round ${r + 1}: permute ${Math.round((n / p[r]) * 1000)} ev/s, sequence ${Math.round((n / s[r]) * 1000)} ev/s`,
    );
  }
  const ratio = median(p.map((t, i) => t / s[i]));
  return {
    events: n,
    permutePerSecond: (n / median(p)) * 1000,
    sequencePerSecond: (n / median(s)) * 1000,
    ratio,
    permuteMatches,
    sequenceMatches,
  };
}
