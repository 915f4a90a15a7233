/**
 * The scale-out test harness (scale-out.md §3): a job on a private Redis, a producer in
 * this process writing a generated stream in paced batches (so faults land mid-stream),
 * worker processes (`cep worker`, forked from a private copy of the build), and the checks
 * against the oracle — one engine in watermarks-only mode over the producer's merged
 * stream, as `cep run --watermarks-only` runs it:
 * 1. the multiset of output matches equals the oracle's;
 * 2. no two outputs share an id (p, src, i);
 * 3. per key, matches come in the oracle's order;
 * 4. each key's committed snapshot after the last entry before `end` is byte-identical to
 *    the oracle's snapshot of that key before end of input.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { rng } from "../../bench/gen.js";
import { compile, Engine } from "../../src/index.js";
import { canonicalKey } from "../../src/runtime/values.js";
import { type Client, keys } from "../../src/scaleout/functions.js";
import { connect, ensureJob, type JobConfig } from "../../src/scaleout/job.js";
import { Producer } from "../../src/scaleout/producer.js";
import { privateBin } from "../cli/dist.js";

/** W4 (keyed A then B within a window), a W1-style 3-step skip-till-any with timeouts, and a skip strategy. */
export const PATTERNS = `
pattern AB {
  key by k
  within 2 s
  match a: A followed by b: B
}
pattern SEQ3 {
  key by k
  within 300 ms
  match a: A followed by any b: B followed by any c: C
  on timeout emit { k: a.k }
}
pattern Runs {
  key by k, g
  within 1 s
  after match skip past last event
  match x: C{2,} consecutive followed by y: D
}
`;

/** The benchmarks' seeded PRNG (mulberry32), for the same streams from the same seeds. */
export { rng } from "../../bench/gen.js";

/** `n` events over `keyCount` keys, types A–D, times rising ~2 ms per event with up to 30 ms of disorder. */
export function generate(seed: number, n: number, keyCount = 200): Record<string, unknown>[] {
  const r = rng(seed);
  const types = ["A", "B", "C", "D"];
  const out: Record<string, unknown>[] = [];
  let ts = 1_700_000_000_000;
  for (let i = 0; i < n; i++) {
    ts += Math.floor(r() * 4);
    out.push({
      type: types[Math.floor(r() * 4)],
      k: `k${Math.floor(r() * keyCount)}`,
      g: Math.floor(r() * 2),
      v: i,
      ts: ts - Math.floor(r() * 30),
    });
  }
  return out;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `f` until it is true; fails after `ms`. */
export async function waitFor(what: string, f: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

let bin: string | null = null;

/** The private copy of the build's `bin/cep.js` the workers run (made on first use). */
export function cepBin(): string {
  bin ??= privateBin();
  return bin;
}

/** Removes the private copy of the build the workers ran from (call in `afterAll`, once every worker is gone). */
export function removePrivateBin(): void {
  if (bin === null) return;
  rmSync(dirname(dirname(bin)), { recursive: true, force: true });
  bin = null;
}

/** A `cep worker` process. */
export class WorkerProcess {
  readonly proc: ChildProcess;
  log = "";
  exited: Promise<number | null>;

  constructor(
    readonly id: string,
    url: string,
    patternFile: string,
    extra: string[] = [],
  ) {
    bin ??= privateBin();
    this.proc = fork(
      bin,
      [
        "worker",
        "--redis",
        url,
        "--id",
        id,
        "--lease",
        "1s",
        "--tick",
        "100ms",
        "--batch",
        "200",
        ...extra,
        patternFile,
      ],
      { stdio: ["ignore", "pipe", "pipe", "ipc"] },
    );
    this.proc.stderr?.on("data", (d: Buffer) => {
      this.log += d.toString();
    });
    this.proc.stdout?.on("data", (d: Buffer) => {
      this.log += d.toString();
    });
    this.exited = new Promise((resolve) => this.proc.on("exit", (code) => resolve(code)));
  }

  /** kill -9. */
  async kill9(): Promise<void> {
    this.proc.kill("SIGKILL");
    await this.exited;
  }

  /** Graceful leave (SIGTERM): commits, releases its leases. */
  async terminate(): Promise<void> {
    this.proc.kill("SIGTERM");
    await this.exited;
  }

  pause(): void {
    this.proc.kill("SIGSTOP");
  }

  resume(): void {
    this.proc.kill("SIGCONT");
  }
}

/** A job: its Redis client, its producer, the merged stream, the workers. */
export class Job {
  readonly dir = mkdtempSync(join(tmpdir(), "cep-job-"));
  readonly patternFile = join(this.dir, "job.pattern");
  /** The merged stream as written: event texts and `{"$watermark":T}` ticks. */
  readonly merged: string[] = [];
  readonly workers: WorkerProcess[] = [];
  client!: Client;
  job!: JobConfig;
  producer!: Producer;

  constructor(
    readonly url: string,
    readonly partitions = 8,
    readonly options: { cluster?: boolean; patterns?: string } = {},
  ) {
    writeFileSync(this.patternFile, options.patterns ?? PATTERNS);
  }

  async open(): Promise<void> {
    this.client = connect(this.url, { cluster: this.options.cluster });
    this.job = await ensureJob(this.client, { partitions: this.partitions, partitionBy: "k" });
    this.producer = await Producer.open(this.client, this.job, {
      outOfOrderness: 20,
      log: (line) => this.merged.push(line),
    });
  }

  worker(id: string): WorkerProcess {
    const w = new WorkerProcess(
      id,
      this.options.cluster ? `redis://${this.url.replace(/^redis:\/\//, "")}` : this.url,
      this.patternFile,
      this.options.cluster ? ["--cluster"] : [],
    );
    this.workers.push(w);
    return w;
  }

  /** Produces `events` in batches of `batch`, sleeping `pauseMs` between batches. */
  async produce(events: Record<string, unknown>[], batch = 500, pauseMs = 60): Promise<void> {
    for (let i = 0; i < events.length; i += batch) {
      for (const e of events.slice(i, i + batch)) this.producer.add(e, JSON.stringify(e));
      await this.producer.flush();
      if (pauseMs > 0) await sleep(pauseMs);
    }
  }

  /** Last entry id per partition (or 0-0). */
  async lastIds(): Promise<string[]> {
    return Promise.all(
      Array.from({ length: this.partitions }, async (_, p) => {
        const top = await this.client.xrevrange(keys(p).in, "+", "-", "COUNT", 1);
        return top.length > 0 ? top[0][0] : "0-0";
      }),
    );
  }

  /** Waits until every partition's committed position is its last entry. */
  async caughtUp(ms = 15_000): Promise<void> {
    const last = await this.lastIds();
    await waitFor(
      "workers to commit every entry",
      async () => {
        for (let p = 0; p < this.partitions; p++) {
          if (((await this.client.get(keys(p).pos)) ?? "0-0") !== last[p]) return false;
        }
        return true;
      },
      ms,
    );
  }

  /** Every committed key snapshot. */
  async states(): Promise<Map<string, string>> {
    const all = new Map<string, string>();
    for (let p = 0; p < this.partitions; p++) {
      const h = await this.client.hgetall(keys(p).state);
      for (const [k, v] of Object.entries(h)) all.set(k, v);
    }
    return all;
  }

  /** Appends end entries and waits until every partition has committed its end. */
  async end(ms = 15_000): Promise<void> {
    await this.producer.end();
    await waitFor(
      "every partition to reach its end entry",
      async () => {
        for (let p = 0; p < this.partitions; p++) {
          if ((await this.client.hget(keys(p).meta, "ended")) !== "1") return false;
        }
        return true;
      },
      ms,
    );
  }

  /** Every output entry: partition, id parts and the match text. */
  async outputs(): Promise<{ id: string; m: string }[]> {
    const out: { id: string; m: string }[] = [];
    for (let p = 0; p < this.partitions; p++) {
      const entries = await this.client.xrange(keys(p).out, "-", "+");
      for (const [, fields] of entries) {
        const f: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
        out.push({ id: `${p}:${f.src}:${f.i}`, m: f.m });
      }
    }
    return out;
  }

  async close(): Promise<void> {
    for (const w of this.workers) {
      if (w.proc.exitCode === null && w.proc.signalCode === null) {
        w.resume();
        w.proc.kill("SIGKILL");
        await w.exited;
      }
    }
    this.client?.disconnect();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Workers' logs, for failure messages. */
  logs(): string {
    return this.workers.map((w) => `--- ${w.id}\n${w.log}`).join("\n");
  }
}

/** The oracle over the merged stream: records after end, and key snapshots before it. */
export function oracle(merged: readonly string[], patterns = PATTERNS) {
  const engine = new Engine(compile(patterns), { watermarksOnly: true, partitionBy: ["k"] });
  const entries = merged.map((l) => JSON.parse(l));
  const first = engine.batch(entries);
  const snapshots = new Map<string, string>();
  const seen = new Set<string>();
  for (const e of entries) if (typeof e.k === "string") seen.add(e.k);
  for (const k of seen) {
    const s = engine.snapshotKey(k);
    if (s !== null) snapshots.set(canonicalKey(k), s);
  }
  const records = [...first.records, ...engine.batch([], true).records].map((r) => JSON.stringify(r.record));
  return { records, snapshots };
}

function byKey(records: readonly string[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const text of records) {
    const key = (JSON.parse(text) as { key: unknown }).key;
    const k = canonicalKey(Array.isArray(key) ? key[0] : key);
    const l = m.get(k);
    if (l === undefined) m.set(k, [text]);
    else l.push(text);
  }
  return m;
}

/**
 * The four checks of scale-out.md §3 (snapshots taken by the caller before `end`), against
 * `o` (default: the oracle over the merged stream).
 */
export function checkAgainstOracle(
  job: Job,
  outputs: { id: string; m: string }[],
  committedBeforeEnd: Map<string, string>,
  o: { records: string[]; snapshots: Map<string, string> } = oracle(job.merged, job.options.patterns),
): { matches: number } {
  const ids = outputs.map((x) => x.id);
  expect(new Set(ids).size, "duplicate output ids").toBe(ids.length);
  const got = outputs.map((x) => x.m);
  expect(got.length, "number of outputs").toBe(o.records.length);
  expect([...got].sort()).toEqual([...o.records].sort());
  const gotByKey = byKey(got);
  const wantByKey = byKey(o.records);
  for (const [k, list] of wantByKey) expect(gotByKey.get(k), `order of key ${k}`).toEqual(list);
  expect([...committedBeforeEnd.keys()].sort()).toEqual([...o.snapshots.keys()].sort());
  for (const [k, s] of o.snapshots) expect(committedBeforeEnd.get(k), `snapshot of key ${k}`).toBe(s);
  return { matches: o.records.length };
}
