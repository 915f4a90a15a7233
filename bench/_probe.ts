import { compile, Engine } from "../src/index.js";
import * as g from "./gen.js";

function run(name: string, src: string, events: any[]) {
  const e = new Engine(compile(src));
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
  );
}
const seq = (n: number, w: number, any: boolean, never = false) => {
  const terms = Array.from({ length: n }, (_, i) => `e${i}: ${never && i === n - 1 ? "T9" : "T" + i}`);
  return `pattern W1 { within ${w}ms match ${terms.join(any ? " followed by any " : " followed by ")} }`;
};
const w1 = g.w1Events(200000, 1);
for (const n of [3, 5])
  for (const w of [10, 100, 1000])
    for (const any of [false, true]) {
      if (n === 5 && any && w === 1000) continue;
      const N =
        any && w === 1000 ? 3000 : any && w === 100 && n === 5 ? 5000 : any && w === 100 ? 50000 : 200000;
      run(`W1 n=${n} w=${w} ${any ? "any" : "fb"}`, seq(n, w, any), w1.slice(0, N));
    }
for (const w of [10, 100, 1000])
  for (const any of [false, true])
    run(
      `W1 never w=${w} ${any ? "any" : "fb"}`,
      seq(3, w, any, true),
      w1.slice(0, any && w === 1000 ? 5000 : 100000),
    );
