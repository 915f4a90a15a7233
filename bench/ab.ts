/**
 * Same-process A/B of two source trees on bench workloads: `node --import tsx bench/ab.ts
 * <other-tree> "<case id>"…` (W1, W4 and W7 cases; e.g. a `git worktree` of an older commit). Both engines are
 * imported into one process and run alternately on the same events, so machine load moves
 * both alike: `ROUNDS` rounds (default 8) in ABBA order (running second, after the other's
 * garbage, read ~±15% here), the ratio the median of the rounds' ratios; `N` caps the
 * events per case (default 400,000). `bench/ab.ts codegen "<case id>"…` compares this tree's
 * interpreter (other) with its generated matchers (this) instead (issue #16).
 */
import { resolve } from "node:path";
import { median } from "./harness.js";
import { w1Cases } from "./workloads/w1.js";
import { w3Cases } from "./workloads/w3.js";
import { w4Cases } from "./workloads/w4.js";
import { w7Cases } from "./workloads/w7.js";

const [other, ...want] = process.argv.slice(2);
if (other === undefined || want.length === 0) {
  console.error('usage: node --import tsx bench/ab.ts <other-tree> "W1 n=3 fb w=10" …');
  process.exit(2);
}
type Lib = typeof import("../src/index.js");
const mine = (await import("../src/index.js")) as Lib;
const codegen = other === "codegen";
const base = codegen ? mine : ((await import(resolve(other, "src/index.ts"))) as Lib);
const options: Record<string, { codegen?: boolean }> = codegen
  ? { other: { codegen: false }, this: { codegen: true } }
  : { other: {}, this: {} };
const n = Number(process.env.N ?? 400_000);
const rounds = Number(process.env.ROUNDS ?? 8);
const pair: [string, Lib][] = [
  ["other", base],
  ["this", mine],
];
const cases = [...w1Cases().cases, ...w3Cases(), ...w4Cases(), ...w7Cases()];
for (const c of cases.filter((c) => want.includes(c.id))) {
  const events = c.events().slice(0, n);
  const ms: Record<string, number[]> = { this: [], other: [] };
  for (let round = 0; round < rounds; round++) {
    // ABBA: the order alternates, so running second (after the other's garbage) evens out.
    const order = round % 2 === 0 ? pair : [pair[1], pair[0]];
    for (const [name, lib] of order) {
      const engine = new lib.Engine(lib.compile(c.source), options[name]);
      const t = performance.now();
      for (const e of events) engine.push(e);
      ms[name].push(performance.now() - t);
    }
  }
  // The ratio is the median of the rounds' ratios (each round's pair ran back to back).
  const ratio = median(ms.this.map((t, i) => t / ms.other[i]));
  console.log(
    `${c.id}: ${events.length} events, other ${median(ms.other).toFixed(1)} ms, this ${median(ms.this).toFixed(1)} ms, this/other ${ratio.toFixed(3)} (median of ${rounds} ABBA rounds)`,
  );
}
