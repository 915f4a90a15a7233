/**
 * Seeded workload generators (issue: the benchmark suite). Every generator is a pure
 * function of its parameters and seed, so a figure can be reproduced exactly; events are
 * plain objects built up front (the library API is measured, not event construction).
 *
 * ```ts
 * const events = w4Events({ n: 1_000_000, keys: 100_000, dist: "zipf", seed: 4 });
 * ```
 */

/**
 * Holds one generated data set at a time (by id): cases that share events share them, and
 * a workload's events are released when the next one's are made (full GCs, run between
 * measurements, take time in proportion to the live heap).
 */
let held: { id: string; events: readonly object[] } | null = null;
export function cached(id: string, make: () => readonly object[]): readonly object[] {
  if (held?.id !== id) {
    held = null;
    held = { id, events: make() };
  }
  return held.events;
}

/** Drops the data set {@link cached} holds. */
export function releaseCached(): void {
  held = null;
}

/** mulberry32: small, fast, good enough for workloads (not for cryptography). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Zipf(s) over `0..n-1` (rank 0 the most frequent) by inverse CDF and binary search:
 * O(log n) per draw, n doubles of table.
 */
export function zipf(n: number, s: number, rand: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += 1 / (i + 1) ** s;
    cdf[i] = total;
  }
  for (let i = 0; i < n; i++) cdf[i] /= total;
  return () => {
    const u = rand();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

// --- W1: SEQ-n over 9 equally likely types ---

export interface TypedEvent {
  type: string;
  ts: number;
}

/** The 9 type names of W1: T0..T8. */
export const W1_TYPES = Array.from({ length: 9 }, (_, i) => `T${i}`);

/** W1: `n` events, type uniform over T0..T8, ts = event index (ms). */
export function w1Events(n: number, seed: number): TypedEvent[] {
  const rand = rng(seed);
  const out: TypedEvent[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { type: W1_TYPES[Math.floor(rand() * 9)], ts: i };
  return out;
}

// --- W3: per-symbol random walk ---

export interface TickEvent {
  type: string;
  sym: string;
  /** Integer cents, so sums and comparisons are exact in every implementation. */
  price: number;
  ts: number;
}

/** Symbol names `S00000`…: fixed width so they sort and print evenly. */
export function symbolName(i: number): string {
  return `S${String(i).padStart(5, "0")}`;
}

/**
 * W3: `n` ticks over `symbols` symbols (uniform), each symbol a random walk whose moves are
 * up with probability `pUp` (default 0.7), by 1–100 cents (never 0, so no equal prices
 * between consecutive ticks of a symbol); ts = event index (ms).
 */
export function w3Events(n: number, symbols: number, seed: number, pUp = 0.7): TickEvent[] {
  const rand = rng(seed);
  const names = Array.from({ length: symbols }, (_, i) => symbolName(i));
  const price = new Array<number>(symbols).fill(100_000);
  const out: TickEvent[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const s = Math.floor(rand() * symbols);
    const step = 1 + Math.floor(rand() * 100);
    price[s] += rand() < pUp ? step : -step;
    out[i] = { type: "Tick", sym: names[s], price: price[s], ts: i };
  }
  return out;
}

// --- W4: keyed A → B ---

export interface KeyedEvent {
  type: string;
  k: number;
  ts: number;
}

export interface W4Params {
  n: number;
  keys: number;
  dist: "uniform" | "zipf";
  seed: number;
  /** Events per millisecond of event time (ts = floor(i / rate)). */
  rate: number;
  /** Zipf exponent (default 1). */
  s?: number;
}

/** W4: 1% A, 1% B, 98% X; key uniform or Zipf over `keys`. */
export function w4Events(p: W4Params): KeyedEvent[] {
  const rand = rng(p.seed);
  const keyRand = rng(p.seed ^ 0x5bd1e995);
  const draw = p.dist === "zipf" ? zipf(p.keys, p.s ?? 1, keyRand) : () => Math.floor(keyRand() * p.keys);
  const out: KeyedEvent[] = new Array(p.n);
  for (let i = 0; i < p.n; i++) {
    const r = rand();
    out[i] = { type: r < 0.01 ? "A" : r < 0.02 ? "B" : "X", k: draw(), ts: Math.floor(i / p.rate) };
  }
  return out;
}

/** W4 hot key: one key, an A at every event, never a B; ts = i * stepMs. */
export function hotKeyEvents(n: number, stepMs: number): KeyedEvent[] {
  const out: KeyedEvent[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { type: "A", k: 0, ts: i * stepMs };
  return out;
}

// --- W7: many patterns, one per symbol ---

/**
 * W7: `n` events over `symbols` symbols (uniform), A or B with equal probability, price a
 * per-symbol random walk of ±0–1% steps (doubles: every implementation evaluates the same
 * `price > a.price * 1.01`); ts = event index (ms).
 */
export function w7Events(n: number, symbols: number, seed: number): TickEvent[] {
  const rand = rng(seed);
  const names = Array.from({ length: symbols }, (_, i) => symbolName(i));
  const price = new Array<number>(symbols).fill(100);
  const out: TickEvent[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const s = Math.floor(rand() * symbols);
    price[s] *= 1 + (rand() - 0.5) * 0.02;
    out[i] = { type: rand() < 0.5 ? "A" : "B", sym: names[s], price: price[s], ts: i };
  }
  return out;
}
