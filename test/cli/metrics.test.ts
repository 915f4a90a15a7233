/**
 * `cep run --follow --metrics` (issue #18): Prometheus metrics scraped over real HTTP on
 * 127.0.0.1 with port 0. In-process, the metrics of a real engine equal its `stats()`;
 * with the real binary, the bound address is printed and the values scraped while it
 * follows a file equal the `stats()` of an engine fed the same events.
 */
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { hostPortOption } from "../../src/cli/live-options.js";
import { startMetrics } from "../../src/cli/metrics.js";
import type { RunStatus } from "../../src/cli/run.js";
import { compile, Engine } from "../../src/index.js";
import { privateBin } from "./dist.js";
import { cleanup, type Live, line, start, waitFor } from "./live.js";

const SOURCE = `
pattern AB { key by k  within 10s  match a: A followed by b: B  on timeout emit { k: key() } }
pattern AC { key by k  match a: A followed by c: C }
`;

const EVENTS = [
  { type: "A", k: 1, ts: 1000 },
  { type: "A", k: 2, ts: 2000 },
  { type: "B", k: 1, ts: 3000 },
  { type: "A", k: 3, ts: 4000 },
  { type: "C", k: 2, ts: 5000 },
  { type: "B", k: 3, ts: 20_000 }, // key 2's AB and key 3's AB time out first
  { type: "A", k: 4, ts: 1000 }, // late
];

/** `name{labels}` → value, from the text format (comments and process metrics left out). */
async function scrape(address: string): Promise<Map<string, number>> {
  const res = await fetch(`http://${address}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  const out = new Map<string, number>();
  for (const l of (await res.text()).split("\n")) {
    const m = /^(cep_[a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(l);
    if (m !== null) out.set(m[1], Number(m[2]));
  }
  return out;
}

/** What the scrape must say for an engine with these stats. */
function expected(
  stats: ReturnType<Engine["stats"]>,
  records: number,
  bad: number,
  timeouts: Record<string, number>,
) {
  const m = new Map<string, number>([
    ["cep_events_read_total", records],
    ["cep_events_late_total", stats.late],
    ["cep_events_bad_total", bad],
    ["cep_state_dropped_total", stats.dropped],
  ]);
  for (const [p, n] of Object.entries(stats.matchesByPattern)) m.set(`cep_matches_total{pattern="${p}"}`, n);
  for (const p of Object.keys(stats.matchesByPattern))
    m.set(`cep_timeouts_total{pattern="${p}"}`, timeouts[p] ?? 0);
  for (const [p, n] of Object.entries(stats.partialMatchesByPattern))
    m.set(`cep_partial_matches{pattern="${p}"}`, n);
  for (const [p, n] of Object.entries(stats.keysByPattern)) m.set(`cep_keys{pattern="${p}"}`, n);
  return m;
}

describe("metrics", () => {
  test("equal the engine's stats(), served over HTTP with /healthz", async () => {
    const engine = new Engine(compile(SOURCE));
    const timeouts: Record<string, number> = {};
    engine.on("timeout", (r) => {
      timeouts[r.pattern] = (timeouts[r.pattern] ?? 0) + 1;
    });
    for (const e of EVENTS) engine.push(e);
    const stats = engine.stats();
    expect(stats.late).toBe(1);
    expect(stats.partialMatches).toBeGreaterThan(0);
    const status = (): RunStatus => ({
      counters: {
        records: EVENTS.length,
        events: stats.events,
        matches: stats.matchesByPattern,
        timeouts: stats.timeouts,
        late: stats.late,
        bad: 2,
        missingKeys: 0,
      },
      timeoutsByPattern: timeouts,
      stats,
    });
    const server = await startMetrics("127.0.0.1", 0, { status, now: () => 25_000 });
    try {
      expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(server.address).not.toBe("127.0.0.1:0");
      const got = await scrape(server.address);
      const lag = got.get("cep_event_time_lag_seconds");
      got.delete("cep_event_time_lag_seconds");
      expect(Object.fromEntries(got)).toEqual(
        Object.fromEntries(expected(stats, EVENTS.length, 2, timeouts)),
      );
      expect(lag).toBe((25_000 - (stats.watermark as number)) / 1000);
      const text = await (await fetch(`http://${server.address}/metrics`)).text();
      expect(text).toContain("# TYPE cep_matches_total counter");
      expect(text).toContain("# TYPE cep_partial_matches gauge");
      expect(text).toContain("process_resident_memory_bytes");
      const health = await fetch(`http://${server.address}/healthz`);
      expect([health.status, await health.text()]).toEqual([200, "ok\n"]);
      expect((await fetch(`http://${server.address}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  test("--metrics takes host:port, [v6]:port or :port", () => {
    expect(hostPortOption("127.0.0.1:0")).toEqual({ host: "127.0.0.1", port: 0 });
    expect(hostPortOption("[::1]:9464")).toEqual({ host: "::1", port: 9464 });
    expect(hostPortOption(":9464")).toEqual({ host: "0.0.0.0", port: 9464 });
    for (const bad of ["9464", "host:", "h:70000", "a b:1"])
      expect(() => hostPortOption(bad)).toThrow(/host:port/);
  });
});

describe("cep run --follow --metrics", () => {
  let bin: string;
  let running: Live | null = null;
  beforeAll(() => {
    bin = privateBin();
  }, 120_000);
  afterEach(() => {
    cleanup(running);
    running = null;
  });

  test("prints the bound address; scraped values equal stats() of an engine fed the same events", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cep-metrics-"));
    writeFileSync(join(dir, "p.pattern"), SOURCE);
    writeFileSync(join(dir, "in.ndjson"), "");
    running = start(
      bin,
      ["run", "p.pattern", "--input", "in.ndjson", "--follow", "--metrics", "127.0.0.1:0", "--quiet"],
      dir,
    );
    const live = running;
    const address = await waitFor(
      "the address",
      () => /metrics on http:\/\/([^/]+)\/metrics/.exec(live.stderr())?.[1],
    );
    appendFileSync(join(dir, "in.ndjson"), `${EVENTS.map(line).join("")}not json\n`);
    const engine = new Engine(compile(SOURCE));
    const timeouts: Record<string, number> = {};
    engine.on("timeout", (r) => {
      timeouts[r.pattern] = (timeouts[r.pattern] ?? 0) + 1;
    });
    for (const e of EVENTS) engine.push(e);
    const want = Object.fromEntries(expected(engine.stats(), EVENTS.length, 1, timeouts));
    let got: Record<string, number> = {};
    await waitFor("every event counted", async () => {
      got = Object.fromEntries(await scrape(address));
      return got.cep_events_bad_total === 1;
    });
    const lag = got.cep_event_time_lag_seconds;
    delete got.cep_event_time_lag_seconds;
    expect(got).toEqual(want);
    // Wall clock minus the watermark (20 s after the epoch), in seconds.
    expect(Math.abs(lag - (Date.now() - 20_000) / 1000)).toBeLessThan(60);
    live.child.kill("SIGTERM");
    expect((await live.exited).code).toBe(0);
  });
});
