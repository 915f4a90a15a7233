/**
 * Which input the in-process loop runs at step `g`: kinds interleave by weight (events
 * are cheap, patterns dear), and each kind numbers its own inputs, so `events:123` is the
 * same input whichever other kinds run beside it.
 */
import { Rand } from "./rand.js";
import type { Kind } from "./target.js";

/** Inputs of each kind per round when several kinds run together. */
export const WEIGHTS: Readonly<Record<Kind, number>> = { patterns: 1, events: 40, cli: 0 };

/** The kind and the kind's own input number of step `g`. */
export function stepAt(kinds: readonly Kind[], g: number): { kind: Kind; index: number } {
  const round = kinds.reduce((n, k) => n + WEIGHTS[k], 0);
  const r = g % round;
  let from = 0;
  for (const kind of kinds) {
    const w = WEIGHTS[kind];
    if (r < from + w) return { kind, index: Math.floor(g / round) * w + (r - from) };
    from += w;
  }
  throw new Error("no kind");
}

/** Input `index` of `kind`'s generator in a campaign with `seed`. */
export function randFor(seed: number, kind: Kind, index: number): Rand {
  const salt = kind === "patterns" ? 0x1000193 : kind === "events" ? 0x2000193 : 0x3000193;
  return Rand.forInput((seed ^ salt) >>> 0, index);
}
