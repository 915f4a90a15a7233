/**
 * The distributed commands as a user runs them (cli.md, scale-out.md): `cep produce`,
 * `cep worker`, `cep consume`, `cep status` as real processes (a private copy of the
 * build, test/cli/dist.ts) against one private Redis for the whole file. The cases run
 * in order and share the job the first one creates.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keys } from "../../src/scaleout/functions.js";
import { connect } from "../../src/scaleout/job.js";
import { privateBin, root } from "../cli/dist.js";
import { type RedisServer, startRedis } from "../support/redis.js";
import { generate, PATTERNS } from "./harness.js";

let bin: string;
let redis: RedisServer;
let dir: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  bin = privateBin();
  redis = await startRedis();
  dir = mkdtempSync(join(tmpdir(), "cep-scaleout-cli-"));
}, 60_000);

afterAll(async () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      const gone = new Promise((r) => c.once("exit", r));
      c.kill("SIGKILL");
      await gone;
    }
  }
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (bin) rmSync(dirname(dirname(bin)), { recursive: true, force: true });
});

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Starts `cep args…` in the test directory; `done` resolves when it exits (SIGKILLed after `timeoutMs`). */
function start(args: string[], timeoutMs = 15_000): { proc: ChildProcess; done: Promise<Ran> } {
  const t0 = Date.now();
  const proc = spawn(process.execPath, [bin, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  children.add(proc);
  let stdout = "";
  let stderr = "";
  proc.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  proc.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  const done = new Promise<Ran>((resolve) => {
    proc.on("close", (code) => {
      clearTimeout(timer);
      children.delete(proc);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
  return { proc, done };
}

/** Runs `cep args…` to completion. */
function cep(args: string[], timeoutMs = 15_000): Promise<Ran> {
  return start(args, timeoutMs).done;
}

const at = (name: string) => join(dir, name);
const write = (name: string, text: string) => {
  writeFileSync(at(name), text);
  return at(name);
};
const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l));

const N = 3000;
/** The line (1-based) of the event without the partition field. */
const BAD_LINE = 1001;

describe("cep produce | worker | consume | status", () => {
  let worker: ReturnType<typeof start> | null = null;

  it("produce: partitions an NDJSON file, logs the merged stream, reports a bad line", async () => {
    const events = generate(77, N).map((e) => JSON.stringify(e));
    events.splice(BAD_LINE - 1, 0, JSON.stringify({ type: "A", v: -1, ts: 1_700_000_000_000 }));
    write("events.ndjson", `${events.join("\n")}\n`);
    const r = await cep([
      ...["produce", "--redis", redis.url, "--input", "events.ndjson"],
      ...["--partitions", "4", "--partition-by", "k", "--out-of-orderness", "40ms", "--batch", "500"],
      ...["--late", "late.ndjson", "--end", "--log", "merged.ndjson"],
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /cep: produced \d+ events to 4 of 4 partitions, \d+ watermark ticks, \d+ late, 1 bad lines, end entries appended, [\d.]+s/,
    );
    // The bad event goes to the error output (stderr by default) with its line number.
    const errors = r.stderr.split("\n").filter((l) => l.startsWith("{"));
    expect(errors).toHaveLength(1);
    expect(JSON.parse(errors[0])).toMatchObject({
      file: expect.stringContaining("events.ndjson"),
      line: BAD_LINE,
      reason: "missing partition field k",
    });
    // The merged stream: every event sent and the ticks, as the oracle reads it.
    const merged = jsonLines(readFileSync(at("merged.ndjson"), "utf8"));
    const late = jsonLines(readFileSync(at("late.ndjson"), "utf8"));
    const sent = merged.filter((l) => !("$watermark" in l));
    expect(sent.length + late.length).toBe(N);
    expect(merged.some((l) => "$watermark" in l)).toBe(true);
    const produced = Number(/produced (\d+) events/.exec(r.stderr)?.[1]);
    expect(produced).toBe(sent.length);
  }, 20_000);

  it("produce: a job's settings are fixed (--partitions 8 on a 4-partition job is refused)", async () => {
    write("more.ndjson", `${JSON.stringify({ type: "A", k: "x", ts: 1 })}\n`);
    const r = await cep(["produce", "--redis", redis.url, "--input", "more.ndjson", "--partitions", "8"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--partitions 8 but the job has 4/);
    expect(r.stderr).toMatch(/fixed when the job is created/);
  }, 20_000);

  it("worker: a pattern that cannot be partitioned by the job's field is refused, naming it", async () => {
    write("nokey.pattern", "pattern Loose {\n  within 1 s\n  match a: A followed by b: B\n}\n");
    write("otherkey.pattern", "pattern ByG {\n  key by g\n  within 1 s\n  match a: A followed by b: B\n}\n");
    const noKey = await cep(["worker", "--redis", redis.url, "--id", "bad1", "nokey.pattern"]);
    expect(noKey.code, noKey.stderr).toBe(2);
    expect(noKey.stderr).toMatch(/pattern Loose has no `key by`/);
    const other = await cep(["worker", "--redis", redis.url, "--id", "bad2", "otherkey.pattern"]);
    expect(other.code, other.stderr).toBe(2);
    expect(other.stderr).toMatch(
      /pattern ByG is keyed by g; its `key by` must begin with the partition field k/,
    );
  }, 20_000);

  it("worker + consume --until-end: every match once, with its id, equal to cep run --watermarks-only", async () => {
    write("job.pattern", PATTERNS);
    worker = start(
      ["worker", "--redis", redis.url, "--id", "cli-w0", "--lease", "1s", "--tick", "100ms", "job.pattern"],
      60_000,
    );
    const consumed = await cep(["consume", "--redis", redis.url, "--until-end"], 15_000);
    expect(consumed.code, consumed.stderr).toBe(0);
    const oracle = await cep([
      "run",
      "--watermarks-only",
      "--input",
      "merged.ndjson",
      "--quiet",
      "job.pattern",
    ]);
    expect(oracle.code, oracle.stderr).toBe(0);
    const lines = consumed.stdout.split("\n").filter((l) => l !== "");
    for (const l of lines) expect(l).toMatch(/^\{"id":"\d+:\d+-\d+:\d+",/);
    const ids = lines.map((l) => (JSON.parse(l) as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
    const got = lines.map((l) => {
      const { id: _id, ...record } = JSON.parse(l) as Record<string, unknown>;
      return JSON.stringify(record);
    });
    const want = oracle.stdout.split("\n").filter((l) => l !== "");
    expect(want.length).toBeGreaterThan(100);
    expect(got.sort()).toEqual(want.sort());
  }, 20_000);

  it("consume to a failing output: exit 2 naming it, nothing acknowledged; the next consume gets every match", async () => {
    const full = await cep(
      ["consume", "--redis", redis.url, "--group", "lost", "--until-end", "--output", "/dev/full"],
      15_000,
    );
    expect(full.stderr).toContain("cep: cannot write to --output /dev/full: ENOSPC: no space left on device");
    expect(full.code).toBe(2);
    const again = await cep(["consume", "--redis", redis.url, "--group", "lost", "--until-end"], 15_000);
    expect(again.code, again.stderr).toBe(0);
    const all = await cep(["consume", "--redis", redis.url, "--group", "all", "--until-end"], 15_000);
    expect(all.code, all.stderr).toBe(0);
    const lines = (text: string) =>
      text
        .split("\n")
        .filter((l) => l !== "")
        .sort();
    expect(lines(all.stdout).length).toBeGreaterThan(100);
    expect(lines(again.stdout)).toEqual(lines(all.stdout));
  }, 50_000);

  it("status: the partition table (owners, epochs, lag 0 at the end), and --json", async () => {
    const text = await cep(["status", "--redis", redis.url]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^job: 4 partitions by k \(type field type, time field ts\)$/m);
    expect(text.stdout).toMatch(/^workers: 1 alive \(cli-w0\)$/m);
    expect(text.stdout).toMatch(
      /^partition +owner +lease ms +epoch +position +watermark +lag +keys +matches +ended +version$/m,
    );
    for (let p = 0; p < 4; p++) {
      expect(text.stdout).toMatch(
        new RegExp(`^${p} +cli-w0 +\\d+ +[1-9]\\d* +\\d+-\\d+ +-?\\d+ +0 +0 +\\d+ +yes +1$`, "m"),
      );
    }
    expect(text.stdout).toMatch(/^total lag: 0 entries$/m);
    const json = await cep(["status", "--redis", redis.url, "--json"]);
    expect(json.code, json.stderr).toBe(0);
    const s = JSON.parse(json.stdout) as {
      job: { partitions: number; partitionBy: string };
      workers: { id: string; alive: boolean }[];
      partitions: { p: number; owner: string; epoch: number; lag: number; ended: boolean; matches: number }[];
    };
    expect(s.job).toMatchObject({ partitions: 4, partitionBy: "k" });
    expect(s.workers.filter((w) => w.alive).map((w) => w.id)).toEqual(["cli-w0"]);
    expect(s.partitions.map((p) => p.p)).toEqual([0, 1, 2, 3]);
    for (const p of s.partitions) {
      expect(p).toMatchObject({ owner: "cli-w0", lag: 0, ended: true });
      expect(p.epoch).toBeGreaterThanOrEqual(1);
    }
    // SIGTERM: the worker releases its leases, leaves and prints its counters.
    if (worker === null) throw new Error("no worker from the previous case");
    worker.proc.kill("SIGTERM");
    const w = await worker.done;
    expect(w.code, w.stderr).toBe(0);
    expect(w.stderr).toMatch(/released partition/);
    expect(w.stderr).toMatch(/worker cli-w0: left/);
    expect(w.stderr).toMatch(/worker stopped: \d+ entries, \d+ matches, \d+ commits, 0 fenced/);
    const after = JSON.parse((await cep(["status", "--redis", redis.url, "--json"])).stdout) as typeof s;
    expect(after.partitions.every((p) => p.owner === null)).toBe(true);
  }, 20_000);

  it("produce from CSV: rows go out as JSON objects; the workers' matches equal cep run over the CSV", async () => {
    const own = await startRedis();
    try {
      const rows = ["type,user,ip,ts"];
      let seed = 7;
      const r = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      let ts = 1_700_000_000_000;
      for (let i = 0; i < 3000; i++) {
        ts += Math.floor(r() * 40);
        const type = r() < 0.8 ? "LoginFailed" : "LoginOk";
        rows.push(`${type},u${Math.floor(r() * 100)},10.0.0.${Math.floor(r() * 4)},${ts}`);
      }
      write("logins.csv", `${rows.join("\n")}\n`);
      write("brute.pattern", readFileSync(join(root, "patterns/login-brute-force.pattern"), "utf8"));
      const produced = await cep([
        ...["produce", "--redis", own.url, "--input", "logins.csv", "--partitions", "3"],
        ...["--partition-by", "user", "--end", "--log", "logins-merged.ndjson"],
      ]);
      expect(produced.code, produced.stderr).toBe(0);
      expect(produced.stderr).toMatch(/produced 3000 events to 3 of 3 partitions/);
      // The merged stream holds JSON objects with CSV's conversions (numbers as numbers).
      const firstEvent = jsonLines(readFileSync(at("logins-merged.ndjson"), "utf8"))[0];
      expect(typeof firstEvent.ts).toBe("number");
      const w = start([
        ...["worker", "--redis", own.url, "--id", "csv-w", "--lease", "1s", "--tick", "100ms"],
        ...["--trim-input", "brute.pattern"],
      ]);
      const consumed = await cep(["consume", "--redis", own.url, "--until-end"], 15_000);
      w.proc.kill("SIGTERM");
      const ended = await w.done;
      expect(ended.stderr).not.toMatch(/not a JSON object/);
      // --trim-input (checked once the worker has left: it trims right after each commit):
      // each input stream keeps only its last committed entry (the end entry);
      // status still counts every entry as processed (lag 0).
      const redisClient = connect(own.url);
      try {
        for (let p = 0; p < 3; p++) expect(await redisClient.xlen(keys(p).in)).toBe(1);
      } finally {
        redisClient.disconnect();
      }
      const status = JSON.parse((await cep(["status", "--redis", own.url, "--json"])).stdout) as {
        partitions: { lag: number; ended: boolean }[];
      };
      for (const p of status.partitions) expect(p).toMatchObject({ lag: 0, ended: true });
      const single = await cep(["run", "brute.pattern", "--input", "logins.csv", "--quiet"]);
      const got = consumed.stdout
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => {
          const { id: _id, ...record } = JSON.parse(l) as Record<string, unknown>;
          return JSON.stringify(record);
        });
      const want = single.stdout.split("\n").filter((l) => l !== "");
      expect(want.length).toBeGreaterThan(5);
      expect(got.sort()).toEqual(want.sort());
    } finally {
      await own.stop();
    }
  }, 30_000);

  it("worker: SIGTERM with Redis gone still ends the process (exit 1) within about a lease", async () => {
    const own = await startRedis();
    write("brute2.pattern", readFileSync(join(root, "patterns/login-brute-force.pattern"), "utf8"));
    const w = start([
      ...["worker", "--redis", own.url, "--id", "gone-w", "--lease", "1s", "--tick", "100ms"],
      ...["--partitions", "2", "--partition-by", "user", "brute2.pattern"],
    ]);
    let log = "";
    w.proc.stderr?.on("data", (d: Buffer) => {
      log += d.toString();
    });
    const until = Date.now() + 10_000;
    while (!/claimed partition 1/.test(log) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 50));
    expect(log).toMatch(/claimed partition 1/);
    await own.stop();
    const t0 = Date.now();
    w.proc.kill("SIGTERM");
    const r = await w.done;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/Redis did not answer after the stop request/);
    expect(Date.now() - t0).toBeLessThan(5000);
  }, 20_000);

  it("produce: a failed write to --errors is exit 2, naming it", async () => {
    write("bad-only.ndjson", `${JSON.stringify({ type: "A", v: 1, ts: 1_700_000_000_000 })}\n`);
    const r = await cep(
      ["produce", "--redis", redis.url, "--input", "bad-only.ndjson", "--errors", "/dev/full"],
      15_000,
    );
    expect(r.stderr).toContain("cep: cannot write to --errors /dev/full: ENOSPC: no space left on device");
    expect(r.code).toBe(2);
  }, 20_000);

  it("produce: no Redis listening fails with exit 2 and `cannot connect` within ~6 s of starting", async () => {
    // The bound is on the connection attempts, not on starting the process: a loaded machine
    // can take seconds to start one, so a plain start (`--version`) is timed beside it.
    const startUp = (await cep(["--version"])).ms;
    const r = await cep(["produce", "--redis", "redis://127.0.0.1:1", "--input", "more.ndjson"], 20_000);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/cannot connect to Redis at redis:\/\/127\.0\.0\.1:1/);
    expect(r.ms - startUp).toBeLessThan(6500);
  }, 30_000);
});
