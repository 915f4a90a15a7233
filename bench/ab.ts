/**
 * Same-process A/B of two source trees on bench workloads: `node --import tsx bench/ab.ts
 * <other-tree> "<case id>"…` (W1, W4 and W7 cases; e.g. a `git worktree` of an older commit). Both engines are
 * imported into one process and run alternately on the same events (5 rounds, medians), so
 * machine load moves both alike; `SWAP=1` runs this tree first (order effects read ~±15%
 * here: run both orders), `N` caps the events per case (default 400,000).
 */
import { resolve } from "node:path";
import { w1Cases } from "./workloads/w1.js";
import { w4Cases } from "./workloads/w4.js";
import { w7Cases } from "./workloads/w7.js";

const [other, ...want] = process.argv.slice(2);
if (other === undefined || want.length === 0) {
  console.error('usage: node --import tsx bench/ab.ts <other-tree> "W1 n=3 fb w=10" …');
  process.exit(2);
}
type Lib = typeof import("../src/index.js");
const base = (await import(resolve(other, "src/index.ts"))) as Lib;
const mine = (await import("../src/index.js")) as Lib;
const n = Number(process.env.N ?? 400_000);
const order: [string, Lib][] = process.env.SWAP
  ? [
      ["this", mine],
      ["other", base],
    ]
  : [
      ["other", base],
      ["this", mine],
    ];
for (const c of [...w1Cases().cases, ...w4Cases(), ...w7Cases()].filter((c) => want.includes(c.id))) {
  const events = c.events().slice(0, n);
  const ms: Record<string, number[]> = { this: [], other: [] };
  for (let round = 0; round < 5; round++) {
    for (const [name, lib] of order) {
      const engine = new lib.Engine(lib.compile(c.source));
      const t = performance.now();
      for (const e of events) engine.push(e);
      ms[name].push(performance.now() - t);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2];
  const [a, b] = [median(ms.other), median(ms.this)];
  console.log(
    `${c.id}: ${events.length} events, other ${a.toFixed(1)} ms, this ${b.toFixed(1)} ms, this/other ${(b / a).toFixed(3)}`,
  );
}
