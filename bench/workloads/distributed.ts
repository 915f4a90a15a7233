/**
 * Distributed section (scale-out.md; not a test): a private redis-server, W4 events, and
 * - the producer's rate (in this process, P = 16 partitions, ticks after every 1,000 events);
 * - the drain rate of a preloaded backlog with 1, 2 and 3 `cep worker` processes (from
 *   the moment every worker has joined until every partition has committed its end entry);
 * - the commit duration and Redis µs per event from `INFO commandstats`;
 * - the failover gap: 3 workers, kill -9 of one while draining; the time until each of
 *   its partitions commits again;
 * always beside the single-process engine on the same merged stream, in this process.
 * On a 2-core machine Redis, the workers and this process share two cores: this shows the
 * protocol's cost, not scale-out.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile, Engine } from "../../src/index.js";
import { type Client, keys, MEMBERS } from "../../src/scaleout/functions.js";
import { connect, ensureJob } from "../../src/scaleout/job.js";
import { Producer } from "../../src/scaleout/producer.js";
import { redisAvailable, startRedis } from "../../test/support/redis.js";
import { w4Events } from "../gen.js";
import { W4_RATE, W4_SOURCE } from "./w4.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const P = 16;

/** What the distributed section measured. */
export interface DistResult {
  readonly available: boolean;
  readonly reason: string;
  readonly n: number;
  readonly keys: number;
  readonly singleMs: number;
  readonly singleMatches: number;
  readonly produceMs: number;
  readonly drains: {
    workers: number;
    ms: number;
    matches: number;
    commits: number;
    commitUs: number;
    redisUsPerEvent: number;
  }[];
  readonly failover: { gapsMs: number[]; leaseMs: number; tickMs: number } | null;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(f: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function commandStats(info: string): Map<string, { calls: number; usec: number }> {
  const m = new Map<string, { calls: number; usec: number }>();
  for (const line of info.split("\n")) {
    const r = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (r) m.set(r[1], { calls: Number(r[2]), usec: Number(r[3]) });
  }
  return m;
}

async function allEnded(client: Client): Promise<boolean> {
  for (let p = 0; p < P; p++) if ((await client.hget(keys(p).meta, "ended")) !== "1") return false;
  return true;
}

function startWorkers(url: string, file: string, n: number, extra: string[]): ChildProcess[] {
  return Array.from({ length: n }, (_, i) =>
    spawn(
      process.execPath,
      [join(REPO, "bin/cep.js"), "worker", "--redis", url, "--id", `w${i}`, "--quiet", ...extra, file],
      {
        stdio: "ignore",
      },
    ),
  );
}

async function stopAll(procs: ChildProcess[]): Promise<void> {
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.exitCode !== null || p.signalCode !== null) return resolve();
          p.once("exit", () => resolve());
          p.kill("SIGKILL");
        }),
    ),
  );
}

/** Runs the section; `n` events of W4 over `keyCount` keys. */
export async function measureDistributed(
  n: number,
  keyCount: number,
  log: (s: string) => void,
): Promise<DistResult> {
  const empty = {
    n,
    keys: keyCount,
    singleMs: 0,
    singleMatches: 0,
    produceMs: 0,
    drains: [],
    failover: null,
  };
  if (!redisAvailable()) return { available: false, reason: "redis-server is not installed", ...empty };
  const dir = mkdtempSync(join(tmpdir(), "cep-bench-dist-"));
  const file = join(dir, "w4.pattern");
  writeFileSync(file, W4_SOURCE);
  const events = w4Events({ n, keys: keyCount, dist: "uniform", seed: 4, rate: W4_RATE }).map((e) => ({
    ...e,
    k: `k${e.k}`,
  }));
  const texts = events.map((e) => JSON.stringify(e));
  const server = await startRedis();
  const client = connect(server.url);
  const drains: DistResult["drains"][number][] = [];
  let produceMs = 0;
  let merged: string[] = [];
  try {
    const load = async (): Promise<number> => {
      await client.flushall();
      const job = await ensureJob(client, { partitions: P, partitionBy: "k" });
      merged = [];
      const producer = await Producer.open(client, job, { log: (l) => merged.push(l) });
      const t0 = performance.now();
      for (let i = 0; i < events.length; i++) {
        producer.add(events[i] as unknown as Record<string, unknown>, texts[i]);
        if (producer.pendingCount >= 1000) await producer.flush();
      }
      await producer.end();
      return performance.now() - t0;
    };
    for (const workers of [1, 2, 3]) {
      log(`distributed: ${workers} worker(s) …`);
      produceMs = await load();
      await client.config("RESETSTAT");
      const procs = startWorkers(server.url, file, workers, []);
      try {
        await until(async () => (await client.zcard(MEMBERS)) >= workers, 10_000, "workers to join");
        const t0 = performance.now();
        await until(() => allEnded(client), 300_000, "the backlog to drain");
        const ms = performance.now() - t0;
        const stats = commandStats((await client.info("commandstats")) as string);
        const fcall = stats.get("fcall") ?? { calls: 0, usec: 0 };
        let usec = 0;
        for (const [name, s] of stats) if (name !== "info" && name !== "config|resetstat") usec += s.usec;
        let matches = 0;
        for (let p = 0; p < P; p++) matches += await client.xlen(keys(p).out);
        drains.push({
          workers,
          ms,
          matches,
          commits: fcall.calls,
          commitUs: fcall.calls === 0 ? 0 : fcall.usec / fcall.calls,
          redisUsPerEvent: usec / n,
        });
      } finally {
        await stopAll(procs);
      }
    }
    // Failover: 3 workers, kill -9 one mid-drain, time until its partitions commit again.
    log("distributed: failover …");
    await load();
    const leaseMs = 1000;
    const tickMs = 100;
    const procs = startWorkers(server.url, file, 3, ["--lease", "1s", "--tick", "100ms", "--batch", "200"]);
    let failover: DistResult["failover"] = null;
    try {
      await until(async () => (await client.zcard(MEMBERS)) >= 3, 10_000, "workers to join");
      await sleep(300);
      const owned: number[] = [];
      for (let p = 0; p < P; p++) if ((await client.get(keys(p).lease)) === "w1") owned.push(p);
      const before = await Promise.all(owned.map((p) => client.get(keys(p).pos)));
      procs[1].kill("SIGKILL");
      const killed = performance.now();
      const gaps: number[] = new Array(owned.length).fill(Number.NaN);
      await until(
        async () => {
          for (let i = 0; i < owned.length; i++) {
            if (!Number.isNaN(gaps[i])) continue;
            const pos = await client.get(keys(owned[i]).pos);
            const ended = (await client.hget(keys(owned[i]).meta, "ended")) === "1";
            if (pos !== before[i] && (await client.get(keys(owned[i]).lease)) !== "w1")
              gaps[i] = performance.now() - killed;
            else if (ended) gaps[i] = 0;
          }
          return gaps.every((g) => !Number.isNaN(g));
        },
        30_000,
        "the killed worker's partitions to move",
      );
      failover = { gapsMs: gaps.filter((g) => g > 0), leaseMs, tickMs };
    } finally {
      await stopAll(procs);
    }
    // The single-process engine on the same merged stream (watermarks only, as the oracle).
    const program = compile(W4_SOURCE);
    const entries = merged.map((l) => JSON.parse(l));
    let singleMs = Number.POSITIVE_INFINITY;
    let singleMatches = 0;
    for (let r = 0; r < 3; r++) {
      const engine = new Engine(program, { watermarksOnly: true });
      let m = 0;
      engine.on("match", () => m++);
      const t0 = performance.now();
      for (const e of entries) engine.push(e);
      engine.end();
      singleMs = Math.min(singleMs, performance.now() - t0);
      singleMatches = m;
    }
    return {
      available: true,
      reason: "",
      n,
      keys: keyCount,
      singleMs,
      singleMatches,
      produceMs,
      drains,
      failover,
    };
  } finally {
    client.disconnect();
    await server.stop();
  }
}

/** The section as markdown lines. */
export function distSection(d: DistResult, rate: (n: number, ms: number) => string): string[] {
  if (!d.available) return [`Distributed: not measured — ${d.reason}.`];
  const rows = [
    `| run | wall time | events/s | matches | commits | µs per commit (Redis) | Redis µs per event |`,
    `|---|---|---|---|---|---|---|`,
    `| single process (\`Engine\`, watermarks only, same merged stream) | ${d.singleMs.toFixed(0)} ms | ${rate(d.n, d.singleMs)} | ${d.singleMatches.toLocaleString("en-US")} | – | – | – |`,
    `| producer (\`XADD\` pipelines per partition, ${P} partitions) | ${d.produceMs.toFixed(0)} ms | ${rate(d.n, d.produceMs)} | – | – | – | – |`,
    ...d.drains.map(
      (x) =>
        `| drain, ${x.workers} worker${x.workers > 1 ? "s" : ""} | ${x.ms.toFixed(0)} ms | ${rate(d.n, x.ms)} (${(x.ms / d.singleMs).toFixed(1)}× single's time) | ${x.matches.toLocaleString("en-US")}${x.matches === d.singleMatches ? "" : " ≠ single!"} | ${x.commits.toLocaleString("en-US")} | ${x.commitUs.toFixed(0)} | ${x.redisUsPerEvent.toFixed(2)} |`,
    ),
  ];
  const f = d.failover;
  const gaps =
    f === null || f.gapsMs.length === 0
      ? "–"
      : `${Math.min(...f.gapsMs).toFixed(0)}–${Math.max(...f.gapsMs).toFixed(0)} ms over ${f.gapsMs.length} partitions`;
  return [
    ...rows,
    "",
    `${d.n.toLocaleString("en-US")} W4 events (${d.keys.toLocaleString("en-US")} keys), ${P} partitions, batch 1,000, one private redis-server (AOF, \`appendfsync always\`) on the same 2 cores as the workers and this process: the drain rates show the protocol's cost, not scale-out — on two cores, more workers only share the same CPUs with Redis. Redis µs per event = all commands' \`usec\` in \`INFO commandstats\` during the drain ÷ events (commits, reads, heartbeats): the figure that carries over to a bigger machine. µs per commit = \`cmdstat_fcall\` usec ÷ calls (commits, plus the few claim/renew calls).`,
    `Failover gap (kill -9 of one of 3 workers mid-drain; lease ${f?.leaseMs ?? "–"} ms, tick ${f?.tickMs ?? "–"} ms): ${gaps} from the kill until a new owner's first commit of each of the dead worker's partitions.`,
  ];
}
