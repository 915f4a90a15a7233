/**
 * Generates the example scenarios in `patterns/`: for every `name.pattern`, realistic
 * events in `name.events.ndjson` (deterministic: one seeded PRNG per scenario), and with
 * `--expected` the records the library engine emits for them in `name.expected.ndjson`
 * (honouring `name.args`). Run from the repository root:
 *
 *   node --import tsx scripts/gen-patterns.ts              # events only
 *   node --import tsx scripts/gen-patterns.ts --expected   # events and expected records
 *   node --import tsx scripts/gen-patterns.ts --expected --only card-testing
 *
 * Expected files are claims that the output is right: after regenerating them, read the
 * diff against each pattern's header comment before committing.
 *
 * `login-brute-force.events.ndjson` is hand-written (the README quotes its output) and is
 * never overwritten; its expected file is still computed.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile, Engine, type MatchRecord } from "../src/index.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DIR = join(ROOT, "patterns");
const SEED = 20240305;

// --- Deterministic randomness ---

/** mulberry32: a small, fast, seedable PRNG. */
class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** A number in [lo, hi) rounded to `digits` decimals. */
  num(lo: number, hi: number, digits = 2): number {
    return round(lo + this.next() * (hi - lo), digits);
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

// --- Events ---

type Ev = { type: string; ts: number; [field: string]: unknown };

/** An event with `type` first and `ts` last, as the files show them. */
function ev(type: string, fields: Record<string, unknown>, ts: number): Ev {
  return { type, ...fields, ts };
}

/** Stable sort by time (equal times keep their order of creation). */
function byTime(events: Ev[]): Ev[] {
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.ts - b.e.ts || a.i - b.i)
    .map((x) => x.e);
}

const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;

// --- Scenarios ---

/** 2. Card testing: probes under 5.00, then a big charge (see card-testing.pattern). */
function cardTesting(r: Rng): Ev[] {
  const t0 = Date.UTC(2024, 2, 5, 14, 0, 0);
  const out: Ev[] = [];
  const charge = (card: string, merchant: string, amount: number, at: number) =>
    out.push(ev("Charge", { card, merchant, amount, currency: "EUR" }, t0 + at));
  // Ordinary cardholders: 8.00 to 180.00, spread over the hour.
  const merchants = [
    "Carrefour Market",
    "Shell Station 114",
    "Fnac",
    "Uber",
    "Decathlon",
    "Pharmacie Centrale",
    "Amazon EU",
    "Boulangerie Paul",
  ];
  const legit = ["4556********2210", "4485********6603", "5301********1187", "4917********4432"];
  for (const card of legit) {
    const n = r.int(4, 6);
    for (let i = 0; i < n; i++) charge(card, r.pick(merchants), r.num(8, 180), r.int(0, 58 * MIN));
  }
  // A: four probes (one genuine lunch in between), then a laptop. Alert.
  const a = "4929********3816";
  charge(a, "donate-kids.org", 1.0, 5 * MIN + r.int(0, 9) * S);
  charge(a, "AppStore Tx", 0.99, 5 * MIN + 40 * S);
  charge(a, "e-books-now.com", 2.49, 6 * MIN + 55 * S);
  charge(a, "Bistro Lyon", 38.2, 7 * MIN + 20 * S);
  charge(a, "parkme.io", 0.5, 8 * MIN + 10 * S);
  charge(a, "TechMart Online", 849.99, 11 * MIN + 30 * S);
  // B: a coffee, later a flight: one small charge only. No alert.
  const b = "4539********0078";
  charge(b, "Starbucks", 3.2, 2 * MIN);
  charge(b, "Monoprix", 12.5, 25 * MIN);
  charge(b, "Air France", 250.0, 40 * MIN);
  // C: three probes, then the fraudster gives up. No alert.
  const c = "5412********7745";
  charge(c, "donate-kids.org", 0.89, 20 * MIN);
  charge(c, "AppStore Tx", 1.5, 20 * MIN + 45 * S);
  charge(c, "e-books-now.com", 0.75, 21 * MIN + 30 * S);
  // D: three probes, the big charge 11 minutes after the first one. No alert (window).
  const d = "4716********0051";
  charge(d, "parkme.io", 1.0, 30 * MIN);
  charge(d, "donate-kids.org", 2.0, 31 * MIN + 10 * S);
  charge(d, "AppStore Tx", 0.99, 32 * MIN);
  charge(d, "TechMart Online", 1150.0, 41 * MIN);
  // E: five probes around a genuine purchase, a watch, then gift cards. One alert, on the watch.
  const e = "4024********9921";
  charge(e, "parkme.io", 2.0, 45 * MIN);
  charge(e, "AppStore Tx", 3.0, 45 * MIN + 20 * S);
  charge(e, "Boulangerie Paul", 27.0, 46 * MIN);
  charge(e, "e-books-now.com", 0.99, 46 * MIN + 30 * S);
  charge(e, "donate-kids.org", 1.49, 47 * MIN + 10 * S);
  charge(e, "streamflix", 4.99, 47 * MIN + 40 * S);
  charge(e, "LuxWatch Boutique", 1299.0, 49 * MIN);
  charge(e, "GiftCards4U", 620.0, 50 * MIN + 30 * S);
  return byTime(out);
}

/** Price paths for ticks: a list of moves, +1 up, -1 down, 0 unchanged. */
function walk(r: Rng, start: number, moves: readonly number[], step: [number, number]): number[] {
  const prices = [start];
  let p = start;
  for (const m of moves) {
    p = round(p * (1 + m * r.num(step[0], step[1], 5)), 2);
    prices.push(p);
  }
  return prices;
}

const zigzag = (n: number, firstUp: boolean): number[] =>
  Array.from({ length: n }, (_, i) => ((i % 2 === 0) === firstUp ? 1 : -1));

function ticks(
  r: Rng,
  symbol: string,
  prices: number[],
  t0: number,
  every: [number, number],
  vol: [number, number],
) {
  const out: Ev[] = [];
  let t = t0;
  for (const price of prices) {
    out.push(ev("Tick", { symbol, price, volume: r.int(vol[0], vol[1]) }, t));
    t += r.int(every[0], every[1]) * S;
  }
  return out;
}

/** 3. Stock V-shape (see stock-v-shape.pattern). */
function stockVShape(r: Rng): Ev[] {
  const t0 = Date.UTC(2024, 4, 14, 13, 30, 0);
  // AAPL: chop, a 4-tick drop of ~2.4%, a 3-tick recovery, chop. One V.
  const aapl = walk(
    r,
    189.4,
    [...zigzag(6, true), 1, -1, -1, -1, -1, 1, 1, 1, ...zigzag(5, false)],
    [0.005, 0.007],
  );
  // MSFT: a shallow V (3 drops of ~0.1-0.2%, under 1% in all), then chop. No V.
  const msft = walk(
    r,
    415.2,
    [...zigzag(5, true), -1, -1, -1, 1, 1, 1, 1, ...zigzag(6, true)],
    [0.001, 0.002],
  );
  // NVDA: a drop, one unchanged tick, a rise: the flat tick breaks it. Later a real V
  // with five drops and four rises.
  const nvda = walk(
    r,
    903.5,
    [...zigzag(3, true), -1, -1, -1, -1, 0, 1, 1, 1, ...zigzag(4, false), -1, -1, -1, -1, -1, 1, 1, 1, 1, -1],
    [0.004, 0.006],
  );
  return byTime([
    ...ticks(r, "AAPL", aapl, t0, [20, 40], [200, 1500]),
    ...ticks(r, "MSFT", msft, t0 + 7 * S, [20, 40], [150, 1200]),
    ...ticks(r, "NVDA", nvda, t0 + 13 * S, [20, 40], [300, 2500]),
  ]);
}

/** 4. Stock rising run (see stock-rising-run.pattern). */
function stockRisingRun(r: Rng): Ev[] {
  const t0 = Date.UTC(2024, 4, 15, 14, 0, 0);
  const out: Ev[] = [];
  const add = (symbol: string, start: number, moves: number[], thin: number[], offset: number) => {
    const prices = walk(r, start, moves, [0.001, 0.004]);
    const evs = ticks(r, symbol, prices, t0 + offset, [15, 35], [120, 900]);
    for (const i of thin) evs[i].volume = r.int(20, 80);
    out.push(...evs);
  };
  // AMZN: chop, a 5-tick run then a drop (alert), chop, a 3-tick run then a drop (too short).
  add("AMZN", 183.1, [...zigzag(4, true), 1, 1, 1, 1, 1, -1, ...zigzag(4, true), 1, 1, 1, -1, 1, -1], [], 0);
  // GOOG: a 6-tick rise whose 3rd tick trades thin volume: no run of 4 qualified ticks.
  add("GOOG", 171.6, [...zigzag(3, false), 1, 1, 1, 1, 1, 1, -1, ...zigzag(5, true)], [6], 9 * S);
  // META: chop, a 4-tick run ending on an unchanged tick (alert), chop.
  add("META", 472.8, [...zigzag(5, false), 1, 1, 1, 1, 0, ...zigzag(6, false)], [], 17 * S);
  return byTime(out);
}

/** 5. IoT overheating without a FanBoost within 2 minutes (see iot-overheating.pattern). */
function iotOverheating(r: Rng): Ev[] {
  const t0 = Date.UTC(2024, 6, 2, 8, 0, 0);
  const out: Ev[] = [];
  const series = (device: string, site: string, offset: number, temps: number[]) => {
    temps.forEach((c, i) => {
      out.push(ev("Temperature", { device, site, celsius: c }, t0 + offset + i * 15 * S + r.int(0, 800)));
    });
  };
  const normal = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => r.num(lo, hi, 1));
  const fan = (device: string, at: number) =>
    out.push(ev("FanBoost", { device, rpm: r.int(4200, 6000) }, t0 + at));
  // press-01: crosses into 85+ at reading 8, stays hot for a while, nobody reacts. Alert.
  series("press-01", "lyon", 0, [...normal(7, 70, 80), 86.4, 88.1, 89.0, 87.7, 86.2, ...normal(8, 72, 79)]);
  // oven-07: crosses at reading 6, a FanBoost 40 s later. No alert.
  series("oven-07", "lyon", 4 * S, [...normal(5, 74, 83), 85.9, 87.2, ...normal(13, 76, 82)]);
  fan("oven-07", 4 * S + 5 * 15 * S + 40 * S);
  // chiller-03: reads exactly 85.0 at reading 10; the FanBoost comes exactly 2 minutes
  // after that reading, which is already too late (windows are half-open). Alert.
  series("chiller-03", "gdansk", 9 * S, [...normal(9, 60, 70), 85.0, 85.3, ...normal(9, 62, 70)]);
  // press-02: crosses at reading 4, FanBoost after 2 min 30 s. Alert.
  series("press-02", "gdansk", 11 * S, [...normal(3, 75, 82), 91.2, 90.4, 88.8, ...normal(14, 70, 80)]);
  fan("press-02", 11 * S + 3 * 15 * S + 150 * S);
  // kiln-02: hot from its first reading (warm-up), never crossing from below. No alert.
  series("kiln-02", "lyon", 6 * S, [95.0, 93.1, 90.2, 86.0, ...normal(16, 70, 80)]);
  const events = byTime(out);
  // chiller-03's exact-deadline FanBoost: its reading at index 9 is the hot one.
  const chillerHot = events.filter((e) => e.device === "chiller-03" && e.type === "Temperature")[9];
  events.push(ev("FanBoost", { device: "chiller-03", rpm: 5100 }, chillerHot.ts + 2 * MIN));
  const sorted = byTime(events);
  // Gateway buffering: swap a few neighbours that are less than 5 s apart (on time with
  // --out-of-orderness 5s), and deliver one normal reading 40 s late (reported as late).
  let swaps = 0;
  for (let i = 10; i < sorted.length - 1 && swaps < 6; i += 13) {
    if (sorted[i + 1].ts - sorted[i].ts < 4 * S && sorted[i].device !== sorted[i + 1].device) {
      [sorted[i], sorted[i + 1]] = [sorted[i + 1], sorted[i]];
      swaps++;
    }
  }
  const lateAt = sorted.findIndex((e) => e.device === "kiln-02" && e.ts > t0 + 3 * MIN);
  const [late] = sorted.splice(lateAt, 1);
  const lateIndex = sorted.findIndex((e) => e.ts > late.ts + 40 * S);
  sorted.splice(lateIndex, 0, late);
  return sorted;
}

/** 6. Orders not paid within an hour (see order-unpaid.pattern). */
function orderUnpaid(r: Rng): Ev[] {
  const t0 = Date.UTC(2024, 10, 29, 9, 0, 0);
  const out: Ev[] = [];
  const customers = ["c-2201", "c-1877", "c-3090", "c-0412", "c-5120", "c-2954", "c-0078", "c-4411"];
  type Pay = [amount: number, method: string, at: number];
  const card = (total: number, at: number): Pay => [total, "card", at + r.int(2, 9) * MIN];
  // [placed at, total, payments]; order ids are assigned in time order.
  const plan: [number, number, Pay[]][] = [];
  // Paid by card within a few minutes.
  for (const [at, total] of [
    [0, 59.9],
    [7 * MIN, 129.0],
    [38 * MIN, 18.5],
    [95 * MIN, 74.2],
  ] as const) {
    const placed = at + r.int(0, 59) * S;
    plan.push([placed, total, [card(total, placed)]]);
  }
  // Paid by bank transfer after 52 minutes.
  plan.push([12 * MIN, 349.0, [[349.0, "bank-transfer", 64 * MIN]]]);
  // Underpaid first (a transfer of the wrong amount), paid in full later, in time.
  plan.push([
    21 * MIN,
    150.0,
    [
      [50.0, "bank-transfer", 40 * MIN],
      [150.0, "bank-transfer", 70 * MIN],
    ],
  ]);
  // Paid after 70 minutes: too late, the order timed out at 60.
  plan.push([30 * MIN, 89.99, [[89.99, "bank-transfer", 100 * MIN]]]);
  // Never paid.
  plan.push([50 * MIN, 42.0, []]);
  plan.push([110 * MIN, 260.0, []]);
  // Underpaid only.
  plan.push([120 * MIN, 99.0, [[49.5, "card", 125 * MIN]]]);
  plan.sort((a, b) => a[0] - b[0]);
  plan.forEach(([at, total, payments], i) => {
    const orderId = `ORD-${10421 + i}`;
    out.push(ev("OrderPlaced", { orderId, customer: r.pick(customers), total, currency: "EUR" }, t0 + at));
    for (const [amount, method, paidAt] of payments)
      out.push(ev("PaymentReceived", { orderId, amount, method }, t0 + paidAt));
    // The customer of the underpaid-then-paid order moves the delivery in between.
    if (payments.length === 2)
      out.push(ev("ShippingAddressChanged", { orderId, city: "Utrecht" }, t0 + payments[0][2] + 5 * MIN));
    // The first order's payment is notified twice.
    if (i === 0)
      out.push(
        ev("PaymentReceived", { orderId, amount: total, method: "card" }, t0 + payments[0][2] + 20 * S),
      );
  });
  // A payment for an order placed before the capture started: no OrderPlaced, nothing to do.
  out.push(
    ev("PaymentReceived", { orderId: "ORD-10388", amount: 25.0, method: "card" }, t0 + 3 * MIN + 30 * S),
  );
  return byTime(out);
}

/** 7. Cart abandonment funnel (see cart-abandonment.pattern). */
function cartAbandonment(r: Rng): Ev[] {
  const t0 = Date.UTC(2024, 10, 30, 19, 0, 0);
  const out: Ev[] = [];
  const price: Record<string, number> = {
    "SKU-HEADPH-01": 129.0,
    "SKU-KETTLE-22": 39.9,
    "SKU-LAMP-07": 54.5,
    "SKU-SNEAK-42": 89.0,
    "SKU-BACKPK-3": 64.0,
    "SKU-MUG-11": 12.0,
  };
  const session = (id: string, user: string, start: number, steps: [string, string | number, number][]) => {
    for (const [kind, arg, at] of steps) {
      const ts = t0 + start + at;
      const base = { session: id, user };
      if (kind === "view")
        out.push(ev("ProductView", { ...base, sku: arg, price: price[arg as string] }, ts));
      else if (kind === "add")
        out.push(ev("AddToCart", { ...base, sku: arg, qty: 1, price: price[arg as string] }, ts));
      else if (kind === "checkout") out.push(ev("CheckoutStarted", { ...base, cartValue: arg }, ts));
      else if (kind === "buy")
        out.push(ev("Purchase", { ...base, orderId: `W-${r.int(70000, 79999)}`, total: arg }, ts));
    }
  };
  const m = (x: number) => x * MIN + r.int(0, 50) * S;
  // s-101: views, adds, checks out and buys within the window. Nothing.
  session("s-101", "u-48", 0, [
    ["view", "SKU-HEADPH-01", 0],
    ["add", "SKU-HEADPH-01", m(2)],
    ["checkout", 129.0, m(4)],
    ["buy", 129.0, m(7)],
  ]);
  // s-102: views two products, adds one, checks out, leaves. Abandoned at checkout, and
  // the other product times out at "view".
  session("s-102", "u-12", 3 * MIN, [
    ["view", "SKU-KETTLE-22", 0],
    ["view", "SKU-LAMP-07", m(1)],
    ["add", "SKU-KETTLE-22", m(3)],
    ["checkout", 39.9, m(5)],
  ]);
  // s-103: adds to cart, never checks out. Times out at "cart".
  session("s-103", "u-77", 6 * MIN, [
    ["view", "SKU-SNEAK-42", 0],
    ["add", "SKU-SNEAK-42", m(4)],
  ]);
  // s-104: views the same product twice, adds it, checks out, leaves: one record.
  session("s-104", "u-31", 9 * MIN, [
    ["view", "SKU-BACKPK-3", 0],
    ["view", "SKU-BACKPK-3", m(2)],
    ["add", "SKU-BACKPK-3", m(3)],
    ["checkout", 64.0, m(6)],
  ]);
  // s-105: buys, but 35 minutes after the first view: the window has closed, so the
  // funnel counts as abandoned at checkout.
  session("s-105", "u-90", 14 * MIN, [
    ["view", "SKU-MUG-11", 0],
    ["add", "SKU-MUG-11", m(5)],
    ["checkout", 12.0, m(12)],
    ["buy", 12.0, 35 * MIN],
  ]);
  // s-106: a bounce: one view. Times out at "view".
  session("s-106", "u-05", 20 * MIN, [["view", "SKU-LAMP-07", 0]]);
  // Page views (home, search, category pages) of these and other sessions, all evening:
  // no term takes them, they only move time forward.
  const pages = ["/", "/search?q=lamp", "/c/kitchen", "/c/audio", "/c/shoes", "/help/shipping"];
  const visitors: [string, string][] = [
    ["s-101", "u-48"],
    ["s-102", "u-12"],
    ["s-107", "u-63"],
    ["s-108", "anonymous"],
    ["s-109", "u-22"],
  ];
  for (let at = r.int(0, 60) * S; at < 58 * MIN; at += r.int(90, 240) * S) {
    const [id, user] = r.pick(visitors);
    out.push(ev("PageView", { session: id, user, path: r.pick(pages) }, t0 + at));
  }
  return byTime(out);
}

/** 8. Flapping health checks (see flapping-health.pattern). */
function flappingHealth(r: Rng): Ev[] {
  const t0 = Date.UTC(2024, 8, 9, 3, 0, 0);
  const out: Ev[] = [];
  const checks = (service: string, region: string, offset: number, pattern: string) => {
    [...pattern].forEach((c, i) => {
      const up = c === "u";
      out.push(
        ev(
          "HealthCheck",
          { service, region, status: up ? "up" : "down", latencyMs: up ? r.int(18, 240) : null },
          t0 + offset + i * 30 * S + r.int(0, 900),
        ),
      );
    });
  };
  // checkout-api eu-west-1: four flaps, then steady. Alert (4 flaps).
  checks("checkout-api", "eu-west-1", 0, "uuududududuuuuu");
  // checkout-api us-east-1: three flaps, then steady. Alert (3 flaps); key differs by region.
  checks("checkout-api", "us-east-1", 5 * S, "uuuudududuuuuuu");
  // search eu-west-1: two flaps only. No alert.
  checks("search", "eu-west-1", 10 * S, "uuududuuuuuuuuu");
  // auth eu-west-1: a real outage, not flapping. No alert.
  checks("auth", "eu-west-1", 15 * S, "uuuddddduuuuuuu");
  return byTime(out);
}

/** 9. SLA breach: requests without a response within 2 s (see sla-breach.pattern). */
function slaBreach(r: Rng): Ev[] {
  const t0 = Date.UTC(2024, 1, 20, 16, 45, 0);
  const out: Ev[] = [];
  const routes = ["GET /api/cart", "POST /api/checkout", "GET /api/products", "GET /api/user/me"];
  const clients = ["web", "ios", "android"];
  // Latencies in ms; null: no response at all.
  const latencies: (number | null)[] = [
    120,
    85,
    430,
    2600,
    60,
    1999,
    2000,
    310,
    null,
    95,
    780,
    150,
    1500,
    null,
    40,
    220,
  ];
  let at = 0;
  latencies.forEach((lat, i) => {
    at += r.int(300, 2500);
    const id = `4bf92f35${(0x77a0 + i).toString(16)}`;
    out.push(
      ev(
        "HttpRequest",
        { trace: { id, span: `sp-${r.int(1000, 9999)}` }, route: r.pick(routes), client: r.pick(clients) },
        t0 + at,
      ),
    );
    if (lat !== null)
      out.push(
        ev("HttpResponse", { trace: { id }, status: r.pick([200, 200, 200, 201, 404, 500]) }, t0 + at + lat),
      );
  });
  // A response whose request was never seen (captured mid-flight).
  out.push(ev("HttpResponse", { trace: { id: "4bf92f35776f" }, status: 200 }, t0 + 150));
  return byTime(out);
}

/** 10. Request burst from one IP (see request-burst.pattern). */
function requestBurst(r: Rng): Ev[] {
  const t0 = Date.UTC(2024, 3, 11, 10, 20, 0);
  const out: Ev[] = [];
  const browsers = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4) Mobile/15E148",
  ];
  const pages = ["/", "/products", "/products/42", "/cart", "/search?q=lamp", "/account", "/products/17"];
  const req = (ip: string, path: string, userAgent: string, at: number, status = 200) =>
    out.push(ev("HttpRequest", { ip, method: "GET", path, status, userAgent }, t0 + at));
  // Browsers: a page every 1.5 to 6 s, for about 30 s.
  ["203.0.113.14", "203.0.113.87", "198.51.100.4"].forEach((ip, i) => {
    const ua = browsers[i];
    for (let at = r.int(0, 2000); at < 30 * S; at += r.int(1500, 6000)) req(ip, r.pick(pages), ua, at);
  });
  // A scraper walking the catalogue: 26 requests 150 to 300 ms apart. Two alerts.
  let at = 4 * S;
  for (let i = 0; i < 26; i++) {
    req("198.51.100.23", `/products/${100 + i}`, "python-requests/2.31", at);
    at += r.int(150, 300);
  }
  // A mobile app syncing: 11 requests in about 3 s, one short of the threshold. No alert.
  at = 15 * S;
  for (let i = 0; i < 11; i++) {
    req("203.0.113.200", `/api/sync?page=${i}`, "ShopApp/3.2 (Android 14)", at);
    at += r.int(200, 300);
  }
  // The load balancer's health probe every 400 ms for 8 s: excluded by the `where`.
  for (let t = 20 * S; t < 28 * S; t += 400) req("10.0.0.2", "/healthz", "ELB-HealthChecker/2.0", t);
  return byTime(out);
}

/** 11. Stuck sensor (see sensor-stuck.pattern). */
function sensorStuck(r: Rng): Ev[] {
  const t0 = Date.UTC(2024, 0, 17, 6, 0, 0);
  const out: Ev[] = [];
  // A random walk that never repeats a value twice in a row, then `stuck` readings of `at`.
  const series = (
    sensor: string,
    unit: string,
    start: number,
    step: number,
    digits: number,
    plan: number[],
  ) => {
    let v = start;
    let t = t0 + r.int(0, 9) * S;
    for (const p of plan) {
      if (Number.isNaN(p)) {
        let next = v;
        while (next === v) next = round(v + (r.next() - 0.5) * 2 * step, digits);
        v = next;
      } else v = p;
      out.push(ev("Reading", { sensor, unit, value: v }, t));
      t += 10 * S;
    }
    return t;
  };
  const walkN = (n: number) => Array.from({ length: n }, () => Number.NaN);
  // hum-2f-01: stuck at 41.7 for 14 readings: two alerts (readings 1-6 and 7-12).
  series("hum-2f-01", "%", 44.2, 0.6, 1, [...walkN(6), ...Array(14).fill(41.7), ...walkN(5)]);
  // temp-roof-01: five equal readings, one short. No alert.
  series("temp-roof-01", "°C", 3.4, 0.3, 2, [...walkN(8), ...Array(5).fill(2.95), ...walkN(8)]);
  // temp-2f-02: exactly six equal readings. One alert.
  series("temp-2f-02", "°C", 21.8, 0.2, 2, [...walkN(10), ...Array(6).fill(21.55), ...walkN(6)]);
  // co2-3f-01: seven equal readings, but a battery status event of the sensor after the
  // third one: `consecutive` counts every event of the key, so both runs are too short.
  const end = series("co2-3f-01", "ppm", 612, 14, 0, [...walkN(9), ...Array(7).fill(655), ...walkN(5)]);
  const battery = end - 5 * 10 * S - 7 * 10 * S + 3 * 10 * S - 5 * S;
  out.push(ev("SensorStatus", { sensor: "co2-3f-01", battery: 0.18, rssi: -81 }, battery));
  return byTime(out);
}

/** 12. Impossible travel (see impossible-travel.pattern). */
function impossibleTravel(r: Rng): Ev[] {
  const t0 = Date.UTC(2024, 5, 3, 6, 0, 0);
  const cities: Record<string, [number, number]> = {
    "New York": [40.71, -74.01],
    London: [51.51, -0.13],
    Paris: [48.86, 2.35],
    Berlin: [52.52, 13.4],
    Singapore: [1.35, 103.82],
    Boston: [42.36, -71.06],
    Frankfurt: [50.11, 8.68],
    Toronto: [43.65, -79.38],
  };
  const out: Ev[] = [];
  const ip = () => `${r.pick([81, 92, 145, 176, 203])}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
  const login = (user: string, city: string, at: number, addr = ip()) => {
    const [lat, lon] = cities[city];
    out.push(ev("Login", { user, ip: addr, city, lat, lon }, t0 + at));
  };
  // alice: New York all morning, then London 40 minutes later (a VPN or a stolen session).
  // One alert; her next London login is fine (same place).
  login("alice", "New York", 0);
  login("alice", "New York", 95 * MIN);
  login("alice", "New York", 3 * HOUR);
  login("alice", "London", 3 * HOUR + 40 * MIN);
  login("alice", "London", 4 * HOUR + 10 * MIN);
  // bob: Paris, then Frankfurt four hours later by train. No alert.
  login("bob", "Paris", 20 * MIN);
  login("bob", "Frankfurt", 4 * HOUR + 20 * MIN);
  // carol: Berlin, Singapore 3 hours later, Berlin again 5 hours after that. Two alerts.
  login("carol", "Berlin", 45 * MIN);
  login("carol", "Singapore", 3 * HOUR + 45 * MIN);
  login("carol", "Berlin", 8 * HOUR + 45 * MIN);
  // dave: Boston, then New York 90 minutes later (a shuttle flight). No alert.
  login("dave", "Boston", 1 * HOUR);
  login("dave", "New York", 2 * HOUR + 30 * MIN);
  // erin: web and mobile log in from Toronto in the same millisecond (division by zero
  // is null, so no alert), then London 7 hours later: outside the 6-hour window.
  const erinIp = ip();
  login("erin", "Toronto", 2 * HOUR, erinIp);
  login("erin", "Toronto", 2 * HOUR, erinIp);
  login("erin", "London", 9 * HOUR);
  // frank: London, then Paris three hours later. No alert.
  login("frank", "London", 5 * HOUR);
  login("frank", "Paris", 8 * HOUR);
  // Routine logins: same city as the user's previous login.
  for (const [user, city, from] of [
    ["bob", "Frankfurt", 5 * HOUR],
    ["dave", "New York", 3 * HOUR],
    ["frank", "Paris", 9 * HOUR],
  ] as const) {
    for (let at = from + r.int(5, 40) * MIN; at < from + 3 * HOUR; at += r.int(30, 70) * MIN)
      login(user, city, at);
  }
  return byTime(out);
}

/** 13. Payments fraud signals, three patterns in one file (see payments-fraud.pattern). */
function paymentsFraud(r: Rng): Ev[] {
  const t0 = Date.UTC(2024, 9, 8, 21, 0, 0);
  const out: Ev[] = [];
  const e = (type: string, account: string, at: number, fields: Record<string, unknown> = {}) =>
    out.push(ev(type, { account, ...fields }, t0 + at));
  const payees = [
    "Energie Plus",
    "Landlord GmbH",
    "Stadtwerke",
    "Kita Sonnenschein",
    "Telekom",
    "AutoHaus Weber",
  ];
  const login = (account: string, at: number) =>
    e("BankLogin", account, at, { ip: `84.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}` });
  const transfer = (account: string, at: number, payee: string, amount: number) =>
    e("Transfer", account, at, { payee, amount });
  // ACC-1001: a takeover. Reset, contact change, a new payee, then four transfers to it:
  // AccountTakeover and NewPayeeCashOut on the first transfer, TransferVelocity on the 4th.
  login("ACC-1001", 0);
  e("PasswordReset", "ACC-1001", 2 * MIN, { channel: "sms" });
  login("ACC-1001", 4 * MIN);
  e("ContactChanged", "ACC-1001", 6 * MIN, { field: "phone" });
  e("PayeeAdded", "ACC-1001", 9 * MIN, { payee: "M. Kowalski", iban: "PL61109010140000071219812874" });
  transfer("ACC-1001", 15 * MIN, "M. Kowalski", 2400);
  transfer("ACC-1001", 17 * MIN, "M. Kowalski", 1900);
  transfer("ACC-1001", 19 * MIN, "M. Kowalski", 1500);
  transfer("ACC-1001", 21 * MIN, "M. Kowalski", 800);
  // ACC-1002: ordinary month-end: a new landlord paid 950. Nothing.
  login("ACC-1002", 1 * MIN);
  e("PayeeAdded", "ACC-1002", 3 * MIN, { payee: "Landlord GmbH", iban: "DE89370400440532013000" });
  transfer("ACC-1002", 6 * MIN, "Landlord GmbH", 950);
  transfer("ACC-1002", 8 * MIN, "Stadtwerke", 84.2);
  e("Statement", "ACC-1002", 10 * MIN, { month: "2024-09" });
  // ACC-1003: a new payee paid 2500 after 20 minutes (too late for the 15-minute window),
  // and 3000 to another payee in between. Nothing.
  e("PayeeAdded", "ACC-1003", 5 * MIN, { payee: "AutoHaus Weber", iban: "DE02120300000000202051" });
  transfer("ACC-1003", 12 * MIN, "Energie Plus", 3000);
  transfer("ACC-1003", 25 * MIN, "AutoHaus Weber", 2500);
  // ACC-1004: forgot the password, then pays a car deposit, no contact change. Nothing.
  e("PasswordReset", "ACC-1004", 7 * MIN, { channel: "email" });
  login("ACC-1004", 9 * MIN);
  transfer("ACC-1004", 14 * MIN, "AutoHaus Weber", 3000);
  // ACC-1005: five transfers of 900 to 1400 within 8 minutes; the 5th takes the total
  // over 5000. TransferVelocity.
  login("ACC-1005", 30 * MIN);
  const amounts = [1200, 1350, 900, 1400, 1100];
  for (const [i, a] of amounts.entries()) transfer("ACC-1005", 31 * MIN + i * 2 * MIN, r.pick(payees), a);
  // ACC-1006: six small transfers. Nothing.
  login("ACC-1006", 33 * MIN);
  for (let i = 0; i < 6; i++) transfer("ACC-1006", 34 * MIN + i * MIN, r.pick(payees), r.int(40, 160));
  return byTime(out);
}

// --- Writing ---

const GENERATORS: Record<string, (r: Rng) => Ev[]> = {
  "card-testing": cardTesting,
  "stock-v-shape": stockVShape,
  "stock-rising-run": stockRisingRun,
  "iot-overheating": iotOverheating,
  "order-unpaid": orderUnpaid,
  "cart-abandonment": cartAbandonment,
  "flapping-health": flappingHealth,
  "sla-breach": slaBreach,
  "request-burst": requestBurst,
  "sensor-stuck": sensorStuck,
  "impossible-travel": impossibleTravel,
  "payments-fraud": paymentsFraud,
};

/** Scenarios whose events file is maintained by hand. */
const HAND_WRITTEN = ["login-brute-force"];

/** The options of a `.args` file this script understands (a subset of `cep run`'s). */
export interface ScenarioArgs {
  outOfOrderness?: number;
  typeField?: string;
  timeField?: string;
}

const UNIT: Record<string, number> = { ms: 1, s: S, m: MIN, min: MIN, h: HOUR };

/** Parses `--out-of-orderness 5s`, `--type-field f`, `--time-field f`; `#` starts a comment. */
export function parseArgs(text: string): ScenarioArgs {
  const words = text
    .split("\n")
    .map((line) => line.replace(/#.*/, ""))
    .join(" ")
    .split(/\s+/)
    .filter(Boolean);
  const args: ScenarioArgs = {};
  for (let i = 0; i < words.length; i++) {
    const [flag, inline] = words[i].split("=", 2);
    const value = inline ?? words[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--out-of-orderness") {
      const m = /^(\d+)(ms|s|m|min|h)?$/.exec(value);
      if (!m) throw new Error(`unsupported duration ${value}`);
      args.outOfOrderness = Number(m[1]) * (m[2] ? UNIT[m[2]] : 1);
    } else if (flag === "--type-field") args.typeField = value;
    else if (flag === "--time-field") args.timeField = value;
    else throw new Error(`unsupported option ${flag}`);
  }
  return args;
}

/** Runs a scenario through the library engine: the records in emission order. */
export function runScenario(dir: string, name: string): MatchRecord[] {
  const file = join(dir, `${name}.pattern`);
  let argsText = "";
  try {
    argsText = readFileSync(join(dir, `${name}.args`), "utf8");
  } catch {
    // no .args
  }
  const args = parseArgs(argsText);
  const typeField = args.typeField ?? "type";
  const timeField = args.timeField ?? "ts";
  const program = compile(readFileSync(file, "utf8"), {
    file: `patterns/${name}.pattern`,
    typeField,
    timeField,
  });
  const engine = new Engine(program, { typeField, timeField, outOfOrderness: args.outOfOrderness ?? 0 });
  const records: MatchRecord[] = [];
  engine.on("match", (rec) => records.push(rec));
  engine.on("timeout", (rec) => records.push(rec));
  for (const line of readFileSync(join(dir, `${name}.events.ndjson`), "utf8").split("\n")) {
    if (line.trim() !== "") engine.push(JSON.parse(line));
  }
  engine.end();
  return records;
}

const ndjson = (items: readonly unknown[]) => items.map((x) => `${JSON.stringify(x)}\n`).join("");

function main(argv: string[]): void {
  const expected = argv.includes("--expected");
  const onlyAt = argv.indexOf("--only");
  const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
  const names = [...Object.keys(GENERATORS), ...HAND_WRITTEN].filter((n) => only === undefined || n === only);
  if (names.length === 0) throw new Error(`no scenario ${only}`);
  for (const name of names) {
    const gen = GENERATORS[name];
    if (gen) {
      const events = gen(new Rng(SEED ^ hash(name)));
      writeFileSync(join(DIR, `${name}.events.ndjson`), ndjson(events));
      console.log(`${name}.events.ndjson: ${events.length} events`);
    }
    if (expected) {
      const records = runScenario(DIR, name);
      writeFileSync(join(DIR, `${name}.expected.ndjson`), ndjson(records));
      console.log(`${name}.expected.ndjson: ${records.length} records`);
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
