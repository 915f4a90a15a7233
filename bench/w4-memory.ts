/**
 * W4 smoke measurement (issue 3): `a: A followed by b: B within 10 s`, 100k keys, 1M
 * events, 1% A / 1% B / 98% other, ts = index ms. Prints events/s and heap checkpoints
 * to show memory stays flat (expired branches are freed).
 * Run: `node --expose-gc --import tsx bench/w4-memory.ts` (N and KEYS from the environment).
 */
import { compile, Engine } from "../src/index.js";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const N = Number(process.env.N ?? 1_000_000);
const KEYS = Number(process.env.KEYS ?? 100_000);
const rand = rng(42);
const events: { type: string; k: number; ts: number }[] = new Array(N);
for (let i = 0; i < N; i++) {
  const r = rand();
  events[i] = { type: r < 0.01 ? "A" : r < 0.02 ? "B" : "X", k: Math.floor(rand() * KEYS), ts: i };
}
const program = compile("pattern W4 { key by k  within 10 s  match a: A followed by b: B }");
const gc = (globalThis as { gc?: () => void }).gc;
const heap = () => {
  gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1e6);
};
const engine = new Engine(program);
let matches = 0;
engine.on("match", () => {
  matches++;
});
const h0 = heap();
const t0 = performance.now();
const marks: string[] = [];
for (let i = 0; i < N; i++) {
  engine.push(events[i]);
  if ((i + 1) % (N / 4) === 0) marks.push(`${i + 1}: ${heap()} MB, ${engine.stats().partialMatches} partial`);
}
engine.end();
const secs = (performance.now() - t0) / 1000;
console.log(
  `W4 ${N} events, ${KEYS} keys: ${(N / secs / 1e6).toFixed(2)}M events/s (incl. GC checkpoints), ${matches} matches`,
);
console.log(`heap before: ${h0} MB; ${marks.join("; ")}; after end: ${heap()} MB`);
