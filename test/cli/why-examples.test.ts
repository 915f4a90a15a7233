/**
 * A near miss for each example of patterns/: one event changed so that an expected match
 * disappears, and `cep why --expect <that record>` (the real binary) must name the
 * changed line and the rule that now rejects it — the promise of issue 14.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { scenarioArgWords } from "../support/scenarios.js";
import { ensureBuilt, root } from "./dist.js";

const bin = join(root, "bin", "cep.js");
let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "cep-why-examples-"));
}, 120_000);

interface NearMiss {
  /** Input line changed, and the text replaced in it. */
  readonly line: number;
  readonly from: string;
  readonly to: string;
  /** The expected record (line of name.expected.ndjson) that disappears. */
  readonly record: number;
  readonly args?: readonly string[];
  /** What the explanation must say. */
  readonly says: readonly string[];
}

const CASES: Record<string, NearMiss> = {
  "card-testing": {
    line: 9,
    from: '"amount":849.99',
    to: '"amount":49.99',
    record: 1,
    says: ["line 9 (Charge) was not taken as big: amount >= 200 is false, amount = 49.99"],
  },
  "cart-abandonment": {
    line: 9,
    from: '"sku":"SKU-KETTLE-22"',
    to: '"sku":"SKU-LAMP-07"',
    record: 1,
    says: [
      'line 9 (AddToCart) was not taken as a: sku == v.sku is false, sku = "SKU-LAMP-07", v.sku = "SKU-KETTLE-22"',
    ],
  },
  "checkout-paths": {
    line: 4,
    from: '"sku":"desk"',
    to: '"sku":"lamp"',
    record: 1,
    says: ['line 4 (BuyNow) was not taken as buy: sku == view.sku is false, sku = "lamp", view.sku = "desk"'],
  },
  "flapping-health": {
    line: 42,
    from: '"status":"up"',
    to: '"status":"down"',
    record: 1,
    says: ["line 42 (HealthCheck) was taken as d, not as settled"],
  },
  "impossible-travel": {
    line: 11,
    from: '"lat":51.51,"lon":-0.13',
    to: '"lat":40.9,"lon":-74.2',
    record: 1,
    says: ["it died at line 11 (Login): `next b` needs the very next event, and b: (abs(lat - a.lat)"],
  },
  "iot-overheating": {
    line: 20,
    from: '"celsius":91.2',
    to: '"celsius":81.2',
    record: 1,
    says: [
      "it died at line 20 (Temperature): `next hot` needs the very next event, and hot: celsius >= 85 is false (celsius = 81.2)",
    ],
  },
  "login-brute-force": {
    line: 7,
    from: '"ip":"192.168.7.7"',
    to: '"ip":"10.0.0.1"',
    record: 1,
    says: [
      'line 7 (LoginOk) was not taken as ok: ip != first(fail).ip is false, ip = "10.0.0.1", first(fail).ip = "10.0.0.1"',
    ],
  },
  "order-lifecycle": {
    line: 11,
    from: '"amount":25',
    to: '"amount":20',
    record: 2,
    says: [
      "line 11 (PaymentReceived) was not taken as p: amount >= order.total is false, amount = 20, order.total = 25",
    ],
  },
  "order-unpaid": {
    line: 3,
    from: '"amount":59.9',
    to: '"amount":19.9',
    record: 1,
    says: [
      "line 3 (PaymentReceived) was not taken as paid: amount >= order.total is false, amount = 19.9, order.total = 59.9",
    ],
  },
  "payments-fraud": {
    line: 16,
    from: '"amount":2400',
    to: '"amount":240',
    record: 1,
    args: ["--pattern", "AccountTakeover"],
    says: ["line 16 (Transfer) was not taken as t: amount >= 1000 is false, amount = 240"],
  },
  "request-burst": {
    line: 16,
    from: '"path":"/products/111"',
    to: '"path":"/healthz"',
    record: 1,
    says: ['line 16 (HttpRequest) was not taken as r: path != "/healthz" is false, path = "/healthz"'],
  },
  "sensor-stuck": {
    line: 47,
    from: '"value":41.7',
    to: '"value":41.9',
    record: 1,
    says: ["it died at line 47 (Reading): `s` is `consecutive`", "value = 41.9, first(s).value = 41.7"],
  },
  "sla-breach": {
    line: 3,
    from: '"ts":1708447502317',
    to: '"ts":1708447504317',
    record: 1,
    says: [
      "timed out at time 1708447504317, before line 3 (HttpResponse) as resp: resp's window of 2 seconds passed",
    ],
  },
  "stock-rising-run": {
    line: 31,
    from: '"price":476.58',
    to: '"price":480',
    record: 1,
    says: ["line 31 (Tick) was taken as rise, not as stall"],
  },
  "stock-v-shape": {
    line: 40,
    from: '"price":189.22',
    to: '"price":185',
    record: 1,
    says: [
      "it died at line 40 (Tick): `up` is `consecutive`",
      "up: price > prev.price is false (price = 185, prev.price = 188.04)",
    ],
  },
};

describe("cep why names the changed event of a near miss of every example", () => {
  test("every example has one", () => {
    const names = readdirSync(join(root, "patterns"))
      .filter((f) => f.endsWith(".pattern"))
      .map((f) => f.slice(0, -".pattern".length));
    expect(names.length).toBeGreaterThan(0);
    expect(Object.keys(CASES).sort()).toEqual(names.sort());
  });

  for (const [name, c] of Object.entries(CASES)) {
    test(name, () => {
      const base = join(root, "patterns", name);
      const lines = readFileSync(`${base}.events.ndjson`, "utf8").split("\n");
      expect(lines[c.line - 1]).toContain(c.from);
      lines[c.line - 1] = lines[c.line - 1].replace(c.from, c.to);
      const events = join(dir, `${name}.ndjson`);
      writeFileSync(events, lines.join("\n"));
      const record = readFileSync(`${base}.expected.ndjson`, "utf8").split("\n")[c.record - 1];
      const key = JSON.stringify(JSON.parse(record).key);
      // The example's own run options (`name.args`: words, `#` comments).
      const extra = scenarioArgWords(name);
      const r = spawnSync(
        process.execPath,
        [
          bin,
          "why",
          `${base}.pattern`,
          "--input",
          events,
          "--key",
          key,
          "--expect",
          record,
          ...extra,
          ...(c.args ?? []),
        ],
        { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
      );
      expect(r.status).toBe(0);
      const verdict = r.stdout.slice(r.stdout.indexOf("\nExpected lines"));
      expect(verdict).toMatch(new RegExp(`the nearest is line ${c.line}[ ,]`));
      expect(verdict).toContain("not a match");
      for (const s of c.says) expect(verdict).toContain(s);
    });
  }
});

/** How `cep why` words each rule of patterns/near-miss/<name>.json. */
const RULE_WORDS: Record<string, RegExp> = {
  condition: / is (false|null)/,
  type: /needs type /,
  contiguity: /needs the very next event|is `consecutive`/,
  negation: /matched the negated term/,
  window: /window of .* passed/,
  skip: /`after match skip/,
  late: /the event was late/,
  missingKey: /the event has no key/,
  schema: /does not fit its type's `event` declaration/,
  "never started": /started no partial match/,
};

describe("cep why over patterns/near-miss: the changed line and the rule of each", () => {
  const dirNm = join(root, "patterns", "near-miss");
  const names = readdirSync(dirNm)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length));

  test("there is one per example", () => {
    expect(names.length).toBe(Object.keys(CASES).length);
  });

  for (const name of names) {
    test(name, () => {
      const nm = JSON.parse(readFileSync(join(dirNm, `${name}.json`), "utf8")) as {
        line: number;
        pattern: string;
        key: unknown;
        match: number[];
        rule: string;
      };
      const base = join(root, "patterns", name);
      const extra = scenarioArgWords(name);
      const r = spawnSync(
        process.execPath,
        [
          bin,
          "why",
          `${base}.pattern`,
          "--input",
          join(dirNm, `${name}.events.ndjson`),
          "--pattern",
          nm.pattern,
          "--key",
          JSON.stringify(nm.key),
          "--expect",
          nm.match.join(","),
          ...extra,
        ],
        { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
      );
      expect(r.status).toBe(0);
      const verdict = r.stdout.slice(r.stdout.indexOf("\nExpected lines"));
      // The verdict's own line: the changed event, and the rule in words.
      const because = verdict.split("\n")[2];
      expect(because).toContain(`line ${nm.line} (`);
      expect(because).toMatch(RULE_WORDS[nm.rule]);
    });
  }
});
