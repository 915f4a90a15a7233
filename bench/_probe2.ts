import { compile, Engine } from "../src/index.js";
import * as g from "./gen.js";

function run(name: string, src: string, events: any[]) {
  const t00 = performance.now();
  const e = new Engine(compile(src));
  const tc = performance.now() - t00;
  let m = 0;
  e.on("match", () => {
    m++;
  });
  const t0 = performance.now();
  let peak = 0;
  for (let i = 0; i < events.length; i++) {
    e.push(events[i]);
    if ((i & 1023) === 0) peak = Math.max(peak, e.stats().partialMatches);
  }
  const dt = performance.now() - t0;
  console.log(
    name,
    events.length,
    `${(events.length / dt / 1000).toFixed(3)}M ev/s`,
    "matches",
    m,
    "peak",
    peak,
    `${dt.toFixed(0)}ms`,
    `compile ${tc.toFixed(0)}ms`,
  );
}
const rise = `pattern Rise { key by sym match a: Tick followed by r: Tick{3,} consecutive where price > prev.price emit { from: a.price, to: last(r).price, ticks: count(r) } }`;
const v = `pattern V { key by sym match top: Tick next down: Tick{2,} consecutive where price < prev.price next up: Tick{2,} consecutive where price > prev.price and price < max(down.price) emit { high: top.price, low: min(down.price), close: last(up).price, falling: count(down), rising: count(up) } }`;
for (const s of [100, 10000]) {
  const ev = g.w3Events(500000, s, 3);
  run(`W3 rise ${s}`, rise, ev);
  run(`W3 V ${s}`, v, ev);
}
const w4 = `pattern W4 { key by k within 10 s match a: A followed by b: B }`;
for (const keys of [1000, 100000, 1000000])
  for (const dist of ["uniform", "zipf"] as const) {
    const ev = g.w4Events({ n: 2000000, keys, dist, seed: 4, rate: 100 });
    run(`W4 ${keys} ${dist}`, w4, ev);
  }
const hot = `pattern Hot { key by k within 10 s match a: A followed by any b: B }`;
run("hot", hot, g.hotKeyEvents(10000, 2));
const w7ev = g.w7Events(200000, 1000, 7);
for (const P of [1, 100, 1000]) {
  const src = Array.from({ length: P }, (_, i) => {
    const s = g.symbolName(i);
    return `pattern P_${s} { key by sym within 30s match a: A where sym == "${s}" followed by b: B where sym == "${s}" and price > a.price * 1.01 }`;
  }).join("\n");
  run(`W7 ${P}`, src, w7ev.slice(0, P === 1000 ? 5000 : P === 100 ? 50000 : 200000));
}
