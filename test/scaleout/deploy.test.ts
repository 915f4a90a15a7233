/**
 * `cep deploy` (issue #18): a new pattern-set version published while the producer writes
 * and the workers run, with and without faults, against the oracle — one watermarks-only
 * engine per partition over that partition's entries in stream order, applying
 * `updatePatterns` exactly at the partition's marker (docs/scale-out.md "Changing the
 * patterns while it runs" explains why that is the single-engine oracle, per partition).
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { compile, Engine } from "../../src/index.js";
import { canonicalKey } from "../../src/runtime/values.js";
import { JOB, keys } from "../../src/scaleout/functions.js";
import { deploy, versionRecord } from "../../src/scaleout/versions.js";
import { type RedisServer, startRedis } from "../support/redis.js";
import {
  cepBin,
  checkAgainstOracle,
  generate,
  Job,
  PATTERNS,
  removePrivateBin,
  type WorkerProcess,
  waitFor,
} from "./harness.js";

/**
 * Version 2 of the fault tests: AB kept (its partial matches survive the switch), SEQ3
 * changed (restarts empty), Runs removed, BA added.
 */
const V2 = `
pattern BA {
  key by k
  within 500 ms
  match b: B followed by a: A
}
pattern AB {
  key by k
  within 2 s
  match a: A followed by b: B
}
pattern SEQ3 {
  key by k
  within 600 ms
  match a: A followed by any b: B followed by any c: C
  on timeout emit { k: a.k, v: 2 }
}
`;

/**
 * Version 2 of the no-fault test: Runs and AB kept but in the other order (every
 * committed key snapshot is rewritten at the marker: they list patterns in running
 * order), SEQ3 changed, BA added.
 */
const V2_REORDERED = `
pattern Runs {
  key by k, g
  within 1 s
  after match skip past last event
  match x: C{2,} consecutive followed by y: D
}
pattern BA {
  key by k
  within 500 ms
  match b: B followed by a: A
}
pattern AB {
  key by k
  within 2 s
  match a: A followed by b: B
}
pattern SEQ3 {
  key by k
  within 600 ms
  match a: A followed by any b: B followed by any c: C
  on timeout emit { k: a.k, v: 2 }
}
`;

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

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type Entry = [string, string[]];

/** Every partition's input entries, in stream order. */
async function streams(j: Job): Promise<Entry[][]> {
  return Promise.all(
    Array.from({ length: j.partitions }, (_, p) => j.client.xrange(keys(p).in, "-", "+") as Promise<Entry[]>),
  );
}

/**
 * The oracle: per partition, one engine in watermarks-only mode over the partition's
 * entries (events, ticks) that applies `updatePatterns(version n)` at the `deploy n`
 * marker and ends at `end`. Records after end, key snapshots just before it (or after
 * the last entry, when the stream has not ended).
 */
function partitionOracle(parts: Entry[][], versions: Map<number, string>) {
  const records: string[] = [];
  const snapshots = new Map<string, string>();
  for (const entries of parts) {
    const engine = new Engine(compile(versions.get(1) as string), {
      watermarksOnly: true,
      partitionBy: ["k"],
    });
    const seen = new Set<string>();
    const snapshot = () => {
      for (const k of seen) {
        const s = engine.snapshotKey(k);
        if (s !== null) snapshots.set(canonicalKey(k), s);
      }
    };
    let ended = false;
    for (const [, f] of entries) {
      if (f[0] === "e") {
        const e = JSON.parse(f[1]);
        seen.add(e.k);
        records.push(...engine.batch([e]).records.map((r) => JSON.stringify(r.record)));
      } else if (f[0] === "wm") {
        records.push(
          ...engine.batch([{ $watermark: Number(f[1]) }]).records.map((r) => JSON.stringify(r.record)),
        );
      } else if (f[0] === "deploy") {
        engine.updatePatterns(compile(versions.get(Number(f[1])) as string));
      } else if (f[0] === "end") {
        snapshot();
        records.push(...engine.batch([], true).records.map((r) => JSON.stringify(r.record)));
        ended = true;
        break;
      }
    }
    if (!ended) snapshot();
  }
  return { records, snapshots };
}

/**
 * The streams hold exactly what the producer wrote, in its order (markers aside): each
 * partition's events and ticks are the merged log's, filtered to that partition.
 */
function checkStreamsAreTheLog(j: Job, parts: Entry[][]): void {
  const byKey = new Map<string, number>();
  parts.forEach((entries, p) => {
    for (const [, f] of entries) if (f[0] === "e") byKey.set(JSON.parse(f[1]).k, p);
  });
  parts.forEach((entries, p) => {
    const want = j.merged.filter((l) => l.startsWith('{"$watermark"') || byKey.get(JSON.parse(l).k) === p);
    const got = entries
      .filter(([, f]) => f[0] === "e" || f[0] === "wm")
      .map(([, f]) => (f[0] === "wm" ? `{"$watermark":${f[1]}}` : f[1]));
    expect(got, `partition ${p}'s stream`).toEqual(want);
  });
}

/** Catch up, snapshot the committed state, end, and check against the partition oracle. */
async function finish(j: Job, versions: Map<number, string>): Promise<{ matches: number; parts: Entry[][] }> {
  await j.caughtUp();
  const states = await j.states();
  await j.end();
  const parts = await streams(j);
  checkStreamsAreTheLog(j, parts);
  const { matches } = checkAgainstOracle(j, await j.outputs(), states, partitionOracle(parts, versions));
  return { matches, parts };
}

/** Publishes `source` as the next version through the library (the fault tests time it exactly). */
async function deployLib(j: Job, source: string): Promise<number> {
  const record = versionRecord([{ file: "v.pattern", source }], compile(source));
  return (await deploy(j.client, j.job, record)).version;
}

/** Runs `cep args…` (the private build) to completion. */
function cep(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [cepBin(), ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    proc.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    proc.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `f`; on failure, rethrows with `context` and the workers' logs appended. */
async function explained<T>(j: Job, context: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    throw new Error(`${(err as Error).message}\n(${context})\n${j.logs()}`);
  }
}

/** Waits until the leases are held by exactly the workers `ws` (every partition owned). */
async function owned(j: Job, ws: readonly WorkerProcess[]): Promise<void> {
  const ids = new Set(ws.map((w) => w.id));
  await waitFor("every partition to be owned", async () => {
    for (let p = 0; p < j.partitions; p++)
      if (!ids.has((await j.client.get(keys(p).lease)) ?? "")) return false;
    return true;
  });
}

const versions = new Map([
  [1, PATTERNS],
  [2, V2],
]);

describe("cep deploy: a new pattern set while events flow", () => {
  it("no fault: equals the partition oracle; a kept pattern's match straddles the marker; cep status shows the versions", async () => {
    job = new Job(redis.url, 8);
    await job.open();
    const ws = ["w0", "w1"].map((id) => job.worker(id));
    await owned(job, ws);
    const v2file = join(job.dir, "v2.pattern");
    writeFileSync(v2file, V2_REORDERED);
    const events = generate(21, 8000);
    await job.produce(events.slice(0, 3000), 500, 60);
    // The producer keeps writing while `cep deploy` runs (a process start can take seconds
    // on a loaded machine), and at least 1000 events follow it.
    let deployed = false;
    const deploying = cep(["deploy", "--redis", redis.url, v2file]).then((r) => {
      deployed = true;
      return r;
    });
    let i = 3000;
    for (; !deployed && i < 7000; i += 250) await job.produce(events.slice(i, i + 250), 250, 40);
    const d = await deploying;
    await job.produce(events.slice(i), 500, 60);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stderr).toMatch(
      /^cep: deployed pattern-set version 2 \(8 of 8 partitions marked\): added BA; changed SEQ3; kept Runs, AB$/m,
    );
    const { parts } = await explained(job, "deploy mid-stream", () =>
      finish(
        job,
        new Map([
          [1, PATTERNS],
          [2, V2_REORDERED],
        ]),
      ),
    );
    // Each partition switched once, between two of the producer's entries.
    for (const entries of parts) {
      const marks = entries.filter(([, f]) => f[0] === "deploy");
      expect(marks.map(([, f]) => f[1])).toEqual(["2"]);
    }
    // AB is kept: some AB match has its A before the marker and its B after it.
    const entryOf = new Map<number, { p: number; i: number }>();
    const markerAt: number[] = [];
    parts.forEach((entries, p) => {
      entries.forEach(([, f], i) => {
        if (f[0] === "e") entryOf.set(JSON.parse(f[1]).v, { p, i });
        else if (f[0] === "deploy") markerAt[p] = i;
      });
    });
    const straddling = (await job.outputs())
      .map((o) => JSON.parse(o.m))
      .filter((r) => r.pattern === "AB" && !r.timeout)
      .filter((r) => {
        const a = entryOf.get(r.events.a[0].v);
        const b = entryOf.get(r.events.b[0].v);
        return a !== undefined && b !== undefined && a.i < markerAt[a.p] && b.i > markerAt[b.p];
      });
    expect(straddling.length, "AB matches across the marker").toBeGreaterThan(0);
    // The workers said what changed, per partition.
    expect(job.logs()).toMatch(
      /partition \d+: pattern-set version 2 in force from \d+-\d+ \(was 1\): added BA; changed SEQ3; kept Runs,AB; \d+ partial matches replaced/,
    );
    const st = await cep(["status", "--redis", redis.url]);
    expect(st.code, st.stderr).toBe(0);
    expect(st.stdout).toMatch(/^pattern set: version 2$/m);
    expect(st.stdout).toMatch(/^partition +owner .* +ended +version$/m);
    for (let p = 0; p < 8; p++) expect(st.stdout).toMatch(new RegExp(`^${p} +w[01] .* yes +2$`, "m"));
    const json = JSON.parse((await cep(["status", "--redis", redis.url, "--json"])).stdout);
    expect(json.version).toBe(2);
    // Its counters at the stop include the updates it applied.
    await ws[0].terminate();
    expect(ws[0].log).toMatch(
      /worker stopped: .*, [1-9]\d* pattern-set updates \(\d+ partial matches replaced, 0 versions not runnable\)\n/,
    );
    expect(
      json.partitions.map((p: { version: number; pendingVersion: null }) => [p.version, p.pendingVersion]),
    ).toEqual(Array(8).fill([2, null]));
  }, 40_000);

  it("kept patterns reordered: every committed key snapshot is rewritten at the marker, as a restore would rebuild it", async () => {
    job = new Job(redis.url, 4);
    await job.open();
    const w = job.worker("w0");
    await owned(job, [w]);
    await job.produce(generate(25, 3000), 1000, 0);
    await job.caughtUp();
    expect(await deployLib(job, V2_REORDERED)).toBe(2);
    await waitFor("every partition to pass its marker", async () => {
      for (let p = 0; p < 4; p++) if ((await job.client.hget(keys(p).meta, "version")) !== "2") return false;
      return true;
    });
    const states = await job.states();
    const o = partitionOracle(
      await streams(job),
      new Map([
        [1, PATTERNS],
        [2, V2_REORDERED],
      ]),
    );
    const both = [...states.values()].filter((t) => {
      const names = (JSON.parse(t) as { patterns: { name: string }[] }).patterns.map((x) => x.name);
      return names.includes("AB") && names.includes("Runs");
    });
    expect(both.length, "keys holding state of both kept patterns").toBeGreaterThan(0);
    expect([...states.keys()].sort()).toEqual([...o.snapshots.keys()].sort());
    for (const [k, snap] of o.snapshots) expect(states.get(k), `snapshot of key ${k}`).toBe(snap);
  }, 20_000);

  it("a worker taking over restores the version committed in each partition, not the job's newest, and crosses the marker itself", async () => {
    job = new Job(redis.url, 4);
    await job.open();
    const first = job.worker("w0");
    await owned(job, [first]);
    const events = generate(26, 3000);
    await job.produce(events.slice(0, 1500), 500, 0);
    await job.caughtUp();
    await first.terminate();
    // Nobody reads while version 2 is published and more events follow its markers.
    expect(await deployLib(job, V2)).toBe(2);
    await job.produce(events.slice(1500), 500, 0);
    const second = job.worker("w1");
    await explained(job, "takeover after the deploy", () => finish(job, versions));
    for (let p = 0; p < 4; p++) {
      expect(second.log).toMatch(new RegExp(`claimed partition ${p} \\(epoch 2, pos \\d+-\\d+, version 1, `));
      expect(second.log).toMatch(
        new RegExp(`partition ${p}: pattern-set version 2 in force from \\d+-\\d+ \\(was 1\\)`),
      );
    }
    // Its files are version 1's: it says it runs the stored versions instead.
    expect(second.log).toMatch(/the files given are not the job's newest pattern set \(version 2\)/);
  }, 20_000);

  it("a set that does not compile is refused with cep check's diagnostics: exit 1, nothing published", async () => {
    job = new Job(redis.url, 4);
    // No job yet, then a job but no pattern set (no worker has started): usage errors.
    const none = await cep(["deploy", "--redis", redis.url, job.patternFile]);
    expect([none.code, none.stderr]).toEqual([
      2,
      "cep: no job in this Redis (run cep produce or cep worker first)\n",
    ]);
    await job.open();
    const early = await cep(["deploy", "--redis", redis.url, job.patternFile]);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/the job has no pattern set yet: start a worker first/);
    const w = job.worker("w0");
    await owned(job, [w]);
    await job.produce(generate(22, 1000), 500, 0);
    const bad = join(job.dir, "bad.pattern");
    writeFileSync(bad, "pattern AB {\n  key by k\n  match a: A folowed by b: B\n}\n");
    const before = await Promise.all([0, 1, 2, 3].map((p) => job.client.xlen(keys(p).in)));
    const d = await cep(["deploy", "--redis", redis.url, bad]);
    const check = await cep(["check", bad]);
    expect(d.code).toBe(1);
    expect(check.code).toBe(1);
    expect(d.stderr).toBe(check.stderr);
    expect(d.stderr).toMatch(/bad\.pattern:3/);
    expect(await job.client.hget(JOB, "version")).toBe("1");
    expect(await job.client.hget(JOB, "v:2")).toBeNull();
    expect(await Promise.all([0, 1, 2, 3].map((p) => job.client.xlen(keys(p).in)))).toEqual(before);
    // A set keyed by another field compiles but cannot run partitioned: refused as cep
    // worker refuses it (a usage error, exit 2), nothing published.
    const other = join(job.dir, "other.pattern");
    writeFileSync(other, "pattern X {\n  key by g\n  match a: A followed by b: B\n}\n");
    const o = await cep(["deploy", "--redis", redis.url, other]);
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/^cep: cannot deploy: .*X/m);
    expect(await job.client.hget(JOB, "version")).toBe("1");
  }, 20_000);

  it("a version a worker cannot compile: the partition is released before its marker; cep status shows it pending", async () => {
    job = new Job(redis.url, 4);
    await job.open();
    const w = job.worker("w0");
    await owned(job, [w]);
    await job.produce(generate(23, 2000), 500, 0);
    await job.caughtUp();
    // As a newer cep could publish: a record this worker's compiler refuses.
    const broken = {
      format: 1,
      files: [{ file: "new.pattern", source: "pattern N { match a: A then b: B }" }],
      fingerprint: "N@x",
      at: "",
    };
    await deploy(job.client, job.job, broken);
    await job.produce(generate(24, 500), 500, 0);
    await waitFor("the worker to release every partition", async () => {
      for (let p = 0; p < 4; p++) if ((await job.client.get(keys(p).lease)) !== null) return false;
      return true;
    });
    for (let p = 0; p < 4; p++) {
      const entries = (await job.client.xrange(keys(p).in, "-", "+")) as Entry[];
      const marker = entries.findIndex(([, f]) => f[0] === "deploy");
      expect(
        await job.client.get(keys(p).pos),
        `partition ${p}: committed up to the entry before the marker`,
      ).toBe(entries[marker - 1][0]);
    }
    expect(w.log).toMatch(
      /partition \d: cannot run pattern-set version 2 \(marker \d+-\d+\): it does not compile here .*; released the partition, not claiming it again for 1 s/,
    );
    const st = await cep(["status", "--redis", redis.url]);
    for (let p = 0; p < 4; p++)
      expect(st.stdout).toMatch(new RegExp(`^${p} +- .* no +1 \\(2 pending\\)$`, "m"));
    // The back-off: one attempt per partition in the first second, not a tight loop.
    await sleep(500);
    expect((w.log.match(/cannot run pattern-set version 2/g) ?? []).length).toBeLessThanOrEqual(8);
    expect(w.proc.exitCode).toBeNull();
  }, 20_000);
});

describe("cep deploy under faults: exactly once across the switch", () => {
  /**
   * Three workers, 9k events; the deploy after the first 4k, while the producer writes the
   * rest (10 paced batches); `fault` strikes right after it.
   */
  async function withFault(seed: number, fault: (ws: WorkerProcess[]) => Promise<string>): Promise<void> {
    job = new Job(redis.url, 8);
    await job.open();
    const ws = ["w0", "w1", "w2"].map((id) => job.worker(id));
    await owned(job, ws);
    const events = generate(seed, 9000);
    await job.produce(events.slice(0, 4000), 500, 60);
    const producing = job.produce(events.slice(4000), 500, 60);
    producing.catch(() => {}); // awaited below
    const deploying = deployLib(job, V2);
    const what = await fault(ws);
    expect(await deploying).toBe(2);
    await producing;
    await explained(job, what, () => finish(job, versions));
    expect(job.logs()).toMatch(
      /pattern-set version 2 in force from \d+-\d+ \(was 1\): added BA; removed Runs; changed SEQ3; kept AB;/,
    );
  }

  it("(b) kill -9 of a worker just after the deploy", async () => {
    await withFault(31, async (ws) => {
      await sleep(150);
      await ws[1].kill9();
      return "killed w1 150 ms after the deploy";
    });
  }, 40_000);

  it("(c) a worker paused (SIGSTOP) past its lease across the deploy", async () => {
    await withFault(32, async (ws) => {
      ws[1].pause();
      await sleep(2500);
      ws[1].resume();
      return "paused w1 for 2.5 s at the deploy";
    });
  }, 40_000);

  it("(d) kill -9 of redis-server just after the deploy, restarted from its AOF", async () => {
    await withFault(33, async () => {
      await sleep(100);
      await redis.kill9();
      await sleep(400);
      await redis.restart();
      return "redis killed 100 ms after the deploy";
    });
  }, 40_000);
});
