/**
 * W3: rising run and V-shape per symbol (`prev`, `consecutive`, aggregates) over 100 and
 * 10,000 symbols, each a random walk with 70% up-moves (integer cents; ts = event index).
 */
import { f1Rise, f1VShape } from "../baselines/f1-w3.js";
import { f2Rise, f2VShape } from "../baselines/f2-w3.js";
import { f3, type NaiveEvent, prevOf, takenBy } from "../baselines/f3-runlist.js";
import type { BaselineFactory } from "../baselines/types.js";
import { cached, w3Events } from "../gen.js";
import type { BenchCase } from "../harness.js";

const MAX_N = 2_000_000;
const eventsFor = (symbols: number) => () => cached(`W3 ${symbols}`, () => w3Events(MAX_N, symbols, 3));

export const RISE = `pattern Rise {
  key by sym
  match a: Tick followed by r: Tick{3,} consecutive where price > prev.price
  emit { from: a.price, to: last(r).price, ticks: count(r) }
}`;

export const VSHAPE = `pattern V {
  key by sym
  match top: Tick
        next down: Tick{2,} consecutive where price < prev.price
        next up: Tick{2,} consecutive where price > prev.price and price < max(down.price)
  emit { high: top.price, low: min(down.price), close: last(up).price, falling: count(down), rising: count(up) }
}`;

const price = (e: NaiveEvent) => e.price as number;
const isTick = (e: NaiveEvent) => e.type === "Tick";

const f3Rise = f3([
  {
    key: "sym",
    window: null,
    stages: [
      { contiguity: "next", test: isTick },
      {
        contiguity: "followedBy",
        loopMin: 3,
        test: (e, r) => isTick(e) && price(e) > price(prevOf(r) as NaiveEvent),
      },
    ],
    emit: (evs) => ({ from: price(evs[0]), to: price(evs[evs.length - 1]), ticks: evs.length - 1 }),
  },
]);

const f3V = f3([
  {
    key: "sym",
    window: null,
    stages: [
      { contiguity: "next", test: isTick },
      {
        contiguity: "next",
        loopMin: 2,
        test: (e, r) => isTick(e) && price(e) < price(prevOf(r) as NaiveEvent),
      },
      {
        contiguity: "next",
        loopMin: 2,
        test: (e, r) =>
          isTick(e) &&
          price(e) > price(prevOf(r) as NaiveEvent) &&
          price(e) < Math.max(...takenBy(r, 1).map(price)),
      },
    ],
    emit: (evs) => {
      // Stage boundaries: downs fall, ups rise; the first up is the first rise after the top.
      let u = 2;
      while (u < evs.length && price(evs[u]) < price(evs[u - 1])) u++;
      return {
        high: price(evs[0]),
        low: price(evs[u - 1]),
        close: price(evs[evs.length - 1]),
        falling: u - 1,
        rising: evs.length - u,
      };
    },
  },
]);

function w3Case(
  name: "rise" | "V",
  symbols: number,
  source: string,
  f1: BaselineFactory,
  f2: BaselineFactory,
  f3b: BaselineFactory,
): BenchCase {
  return {
    workload: "W3",
    id: `W3 ${name} ${symbols >= 1000 ? `${symbols / 1000}k` : symbols} symbols`,
    source,
    events: eventsFor(symbols),
    maxN: MAX_N,
    minN: Math.min(100_000, symbols * 10),
    startN: 1000,
    verifyN: 100_000,
    keyField: "sym",
    f1,
    f2,
    f3: f3b,
  };
}

export function w3Cases(): BenchCase[] {
  const out: BenchCase[] = [];
  for (const symbols of [100, 10_000]) {
    out.push(w3Case("rise", symbols, RISE, f1Rise, f2Rise, f3Rise));
    out.push(w3Case("V", symbols, VSHAPE, f1VShape, f2VShape, f3V));
  }
  return out;
}
