/**
 * Deterministic randomness for the fuzz campaign: every input is made from its own
 * generator, seeded by (campaign seed, input number), so any one input can be made again
 * alone (`--replay N`) without replaying those before it.
 */
import { rng } from "../../bench/gen.js";

/** bench/gen.ts's seeded PRNG (mulberry32) with the helpers the mutators use. */
export class Rand {
  /** A float in [0, 1). */
  readonly next: () => number;

  constructor(seed: number) {
    this.next = rng(seed >>> 0);
  }

  /** The generator of input `index` of a campaign with `seed`. */
  static forInput(seed: number, index: number): Rand {
    // splitmix-style mixing: neighbouring indexes give unrelated streams.
    let h = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
    h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
    return new Rand((h ^ (h >>> 16)) >>> 0);
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** A small count, mostly 0–3, sometimes far more (a geometric tail). */
  small(max = 64): number {
    let n = 0;
    while (n < max && this.next() < 0.55) n++;
    return n;
  }
}
