/**
 * `cep worker --metrics` (issue #18): Prometheus metrics scraped over real HTTP from a
 * real worker, checked against what the worker committed to Redis.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import { keys } from "../../src/scaleout/functions.js";
import { deploy, versionRecord } from "../../src/scaleout/versions.js";
import { type RedisServer, startRedis } from "../support/redis.js";
import { generate, Job, removePrivateBin, WorkerProcess, waitFor } from "./harness.js";

let redis: RedisServer;
let job: Job;

beforeEach(async () => {
  redis = await startRedis();
});

afterEach(async () => {
  await job?.close();
  await redis?.stop();
});

afterAll(() => removePrivateBin());

/** `name{labels} value` → value, or undefined when the series is absent. */
function value(text: string, series: string): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

describe("cep worker --metrics", () => {
  it("serves the run metrics summed over its partitions and its own, equal to what it committed", async () => {
    job = new Job(redis.url, 4);
    await job.open();
    const w = new WorkerProcess("wm", redis.url, job.patternFile, ["--metrics", "127.0.0.1:0"]);
    job.workers.push(w);
    await waitFor("the metrics address", () => /metrics on http:\/\/127\.0\.0\.1:\d+\/metrics/.test(w.log));
    const base = (
      /metrics on (http:\/\/127\.0\.0\.1:\d+)\/metrics \(and \/healthz\)/.exec(w.log) as RegExpExecArray
    )[1];
    await job.produce(generate(41, 4000), 1000, 0);
    await job.caughtUp();
    const source = "pattern AB {\n  key by k\n  within 2 s\n  match a: A followed by b: B\n}\n";
    expect(
      (await deploy(job.client, job.job, versionRecord([{ file: "v.pattern", source }], compile(source))))
        .version,
    ).toBe(2);
    await job.produce(generate(42, 1000), 1000, 0);
    await job.caughtUp();

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe("ok\n");
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();

    let entries = 0;
    for (let p = 0; p < 4; p++) entries += await job.client.xlen(keys(p).in);
    const outputs = (await job.outputs()).map((o) => JSON.parse(o.m) as { pattern: string; timeout?: true });
    const matchesOf = (pattern: string) => outputs.filter((r) => r.pattern === pattern && !r.timeout).length;
    const timeoutsOf = (pattern: string) => outputs.filter((r) => r.pattern === pattern && r.timeout).length;
    expect(value(text, "cep_worker_partitions_owned")).toBe(4);
    expect(value(text, "cep_events_read_total")).toBe(entries);
    expect(value(text, 'cep_matches_total{pattern="AB"}')).toBe(matchesOf("AB"));
    expect(value(text, 'cep_matches_total{pattern="AB"}')).toBeGreaterThan(0);
    expect(value(text, 'cep_timeouts_total{pattern="SEQ3"}')).toBe(timeoutsOf("SEQ3"));
    expect(value(text, "cep_events_bad_total")).toBe(0);
    expect(value(text, "cep_worker_redis_errors_total")).toBe(0);
    expect(value(text, "cep_worker_fenced_commits_total")).toBe(0);
    expect(value(text, "cep_worker_pattern_set_updates_total")).toBe(4);
    for (let p = 0; p < 4; p++)
      expect(value(text, `cep_worker_pattern_set_version{partition="${p}"}`)).toBe(2);
    // Only AB runs now: its live partial matches are the partitions' sum; SEQ3 has none left.
    expect(value(text, 'cep_partial_matches{pattern="AB"}')).toBeGreaterThanOrEqual(0);
    expect(value(text, 'cep_partial_matches{pattern="SEQ3"}')).toBeUndefined();
    const commits = value(text, "cep_worker_commit_duration_seconds_count") as number;
    expect(commits).toBeGreaterThan(4);
    expect(value(text, "cep_worker_commit_duration_seconds_sum")).toBeGreaterThan(0);
    expect(value(text, 'cep_worker_commit_duration_seconds_bucket{le="+Inf"}')).toBe(commits);
    const lag = value(text, "cep_event_time_lag_seconds") as number;
    expect(lag).toBeGreaterThan(0); // the generated times are in 2023: wall clock is far ahead
  }, 30_000);
});
