/**
 * W4: keyed `a: A followed by b: B within 10 s` over 1k, 100k and 1M keys, uniform and
 * Zipf(1); 1% A, 1% B, 98% X; 100 events per ms of event time, so one window holds 1M
 * events. Plus the hot key (one key, an A at every event, never a B, `followed by any`)
 * and the memory figures per partial match and per key.
 */

import { compile, Engine } from "../../src/index.js";
import { f1W4 } from "../baselines/f1-w4.js";
import { f2W4 } from "../baselines/f2-w4.js";
import { f3 } from "../baselines/f3-runlist.js";
import { cached, hotKeyEvents, type KeyedEvent, w4Events } from "../gen.js";
import { type BenchCase, heapAfterGc } from "../harness.js";

/** Events per ms of event time. */
export const W4_RATE = 100;
const WINDOW_MS = 10_000;
const MAX_N = 4_000_000;

export const W4_SOURCE = "pattern W4 { key by k  within 10 s  match a: A followed by b: B }";
/** The hot key's window: 10 s at one A every 2 ms = 5,000 live partial matches. */
export const HOT_STEP_MS = 2;
export const HOT_SOURCE = "pattern Hot { key by k  within 10 s  match a: A followed by any b: B }";
const HOT_WINDOW_EVENTS = WINDOW_MS / HOT_STEP_MS;

const isA = (e: { type: string }) => e.type === "A";
const isB = (e: { type: string }) => e.type === "B";

function w4Case(keys: number, dist: "uniform" | "zipf"): BenchCase {
  const id = `W4 ${keys >= 1e6 ? `${keys / 1e6}M` : `${keys / 1000}k`} keys ${dist}`;
  return {
    workload: "W4",
    id,
    source: W4_SOURCE,
    events: () => cached(id, () => w4Events({ n: MAX_N, keys, dist, seed: 4, rate: W4_RATE })),
    maxN: MAX_N,
    minN: 2 * WINDOW_MS * W4_RATE,
    startN: 10_000,
    verifyN: Math.round(1.2 * WINDOW_MS * W4_RATE),
    keyField: "k",
    f1: f1W4(WINDOW_MS, false),
    f2: f2W4(WINDOW_MS, false),
    f3: f3([
      {
        key: "k",
        window: WINDOW_MS,
        stages: [
          { contiguity: "next", test: isA },
          { contiguity: "followedBy", test: isB },
        ],
      },
    ]),
  };
}

function hotCase(): BenchCase {
  const n = 20 * HOT_WINDOW_EVENTS;
  return {
    workload: "W4",
    id: "W4 hot key",
    source: HOT_SOURCE,
    events: () => cached("W4 hot", () => hotKeyEvents(n, HOT_STEP_MS)),
    maxN: n,
    minN: Math.round(2.5 * HOT_WINDOW_EVENTS),
    startN: 1000,
    verifyN: Math.round(1.2 * HOT_WINDOW_EVENTS),
    keyField: "k",
    f1: f1W4(WINDOW_MS, true),
    f2: f2W4(WINDOW_MS, true),
    f3: f3([
      {
        key: "k",
        window: WINDOW_MS,
        stages: [
          { contiguity: "next", test: isA },
          { contiguity: "followedByAny", test: isB },
        ],
      },
    ]),
    checkpoints: [1, 1.5, 2, 2.5, 5, 10, 20].map((x) => Math.round(x * HOT_WINDOW_EVENTS)),
    note: `one key, A every ${HOT_STEP_MS} ms, never B, within 10 s: ${HOT_WINDOW_EVENTS} live partial matches once the window is full`,
  };
}

export function w4Cases(): BenchCase[] {
  const out: BenchCase[] = [];
  for (const keys of [1_000, 100_000, 1_000_000])
    for (const dist of ["uniform", "zipf"] as const) out.push(w4Case(keys, dist));
  out.push(hotCase());
  return out;
}

/** Memory per key, measured as heap after GC divided by the number of keys. */
export interface KeyMemory {
  readonly keys: number;
  /** Each key holding one partial match (one A, window open). */
  readonly withPartialBytes: number;
  readonly partials: number;
  readonly liveKeys: number;
  /** The same keys after their windows passed (partial matches expired). */
  readonly afterExpiryBytes: number;
  readonly liveKeysAfterExpiry: number;
  /** Keys that only ever saw events no term takes (X). */
  readonly idleBytes: number;
  readonly liveKeysIdle: number;
}

const retained: unknown[] = [];

/** W4 memory per key: keys with one partial match, the same after expiry, and keys that saw only X. */
export function keyMemory(keys: number): KeyMemory {
  const program = compile(W4_SOURCE);
  // Events are built before the baseline heap is taken: they are not the engine's.
  const as: KeyedEvent[] = [];
  for (let i = 0; i < keys; i++) as.push({ type: "A", k: i, ts: Math.floor(i / W4_RATE) });
  const lastTs = as[as.length - 1].ts;
  const late: KeyedEvent = { type: "X", k: -1, ts: lastTs + WINDOW_MS + 1 };
  const xs: KeyedEvent[] = [];
  for (let i = 0; i < keys; i++) xs.push({ type: "X", k: i, ts: Math.floor(i / W4_RATE) });

  let h0 = heapAfterGc();
  let engine = new Engine(program);
  for (const e of as) engine.push(e);
  const withPartial = heapAfterGc() - h0;
  const s1 = engine.stats();
  engine.push(late);
  const afterExpiry = heapAfterGc() - h0;
  const s2 = engine.stats();
  engine.end();

  h0 = heapAfterGc();
  engine = new Engine(program);
  for (const e of xs) engine.push(e);
  const idle = heapAfterGc() - h0;
  const s3 = engine.stats();
  engine.end();
  // Keep the events reachable until the last heap figure: a dead local array is collectable.
  retained.push(as, xs, late);
  retained.length = 0;
  return {
    keys,
    withPartialBytes: withPartial / keys,
    partials: s1.partialMatches,
    liveKeys: s1.keys,
    afterExpiryBytes: afterExpiry / keys,
    liveKeysAfterExpiry: s2.keys,
    idleBytes: idle / keys,
    liveKeysIdle: s3.keys,
  };
}
