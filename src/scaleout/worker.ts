/**
 * A worker of the distributed mode (scale-out.md §2.3–§2.7, §2.10): it heartbeats into
 * `cep:members`, computes the shared assignment table, claims, renews and releases
 * partition leases, restores each claimed partition from its committed state, and runs
 * one engine per partition over the partition's input stream, committing state, input
 * position and matches in one atomic call per batch.
 *
 * One loop does everything in turn (membership tick, then a read–process–commit round over
 * the owned partitions), so a partition is never released with a batch in flight.
 */
import type { Program } from "../compile/model.js";
import type { SourceFile } from "../compile/program.js";
import { Engine, type EngineStats, type PatternUpdate } from "../runtime/engine.js";
import type { PartitionSnapshot } from "../runtime/snapshot.js";
import { assign } from "./assign.js";
import {
  type Client,
  type CommitArgs,
  claim,
  commit,
  keys,
  loadFunctions,
  MEMBERS,
  release,
  renew,
} from "./functions.js";
import type { JobConfig } from "./job.js";
import { compileVersion, initVersions, readVersion, setFingerprint, versionRecord } from "./versions.js";

/** Worker settings. */
export interface WorkerOptions {
  /** The worker's id: give a stable one (host or pod name) so a restarted worker gets its partitions back. */
  id: string;
  /** Lease and heartbeat TTL in ms (default 3000). */
  leaseMs?: number;
  /** Membership tick in ms (default 300). */
  tickMs?: number;
  /** Entries read per partition per round (default 1000). */
  batch?: number;
  /** Diagnostics: claims, hand-offs, fencing. */
  log?: (message: string) => void;
  /**
   * After each commit, delete the partition's input entries below the committed position
   * (`XTRIM MINID`): a replay never reads them again. Off by default: the input is also
   * the record of what was processed.
   */
  trimInput?: boolean;
  /** Called when a stop request gives up on an unreachable Redis (the process may then end with `run` unsettled). */
  onAbandon?: () => void;
  /**
   * The source files `program` was compiled from: stored as the job's pattern-set version 1
   * when the job has none yet (`cep deploy` publishes the next ones). Without them the
   * worker runs `program` as version 1 and stores nothing.
   */
  sources?: readonly SourceFile[];
  /** Called with each successful commit's duration in seconds (the `cep worker --metrics` histogram). */
  onCommit?: (seconds: number) => void;
}

/** Counters of a worker. */
export interface WorkerStats {
  entries: number;
  matches: number;
  commits: number;
  fenced: number;
  claims: number;
  releases: number;
  /** Unusable entries and failed Redis calls. */
  errors: number;
  /** Failed Redis calls (reads, commits other than fenced ones, claims, renewals, ticks). */
  redisErrors: number;
  /** Pattern-set markers applied (one per partition and deploy). */
  deploys: number;
  /** Partial and held-back matches dropped by those updates (changed patterns restart empty). */
  replaced: number;
  /** Pattern-set versions that could not be loaded or compiled (the partition was released). */
  versionErrors: number;
  /** Matches and timeouts committed, per pattern. */
  matchesByPattern: Record<string, number>;
  /** Timeouts committed, per pattern. */
  timeoutsByPattern: Record<string, number>;
}

/** An owned partition as {@link Worker.partitions} reports it. */
export interface OwnedPartition {
  readonly p: number;
  /** The pattern-set version in force. */
  readonly version: number;
  /** Its engine's statistics. */
  readonly stats: EngineStats;
}

interface Owned {
  readonly p: number;
  readonly epoch: number;
  pos: string;
  engine: Engine;
  ended: boolean;
  entries: number;
  /** The pattern-set version in force (committed in `meta` as `version`). */
  version: number;
}

/** `{"$watermark": T}` as the engine takes it; a tick's value is a number of ms. */
function watermark(value: string): unknown {
  return { $watermark: Number(value) };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Unusable entries logged before they are only counted (`stats.errors`). */
const MAX_LOGGED_ERRORS = 20;

/** Back-off before claiming again a partition whose pattern-set version could not be run: first, and at most (ms). */
const VERSION_RETRY_MS = [1000, 60_000] as const;

/** Runs a job's patterns on the partitions assigned to it. */
export class Worker {
  private readonly leaseMs: number;
  private readonly tickMs: number;
  private readonly batchSize: number;
  private readonly owned = new Map<number, Owned>();
  private readonly partitionBy: readonly string[];
  private stopping = false;
  private stopTimer: NodeJS.Timeout | undefined;
  /** Why the worker stopped on its own (it then leaves and `run` rejects with it). */
  private fatal: Error | null = null;
  private nextTick = 0;
  /** Compiled pattern-set versions, by number. */
  private readonly programs = new Map<number, Program>();
  /** Partitions released because their version could not be run: not claimed again before `until`. */
  private readonly backoff = new Map<number, { until: number; delay: number }>();
  /** Counters so far. */
  readonly stats: WorkerStats = {
    entries: 0,
    matches: 0,
    commits: 0,
    fenced: 0,
    claims: 0,
    releases: 0,
    errors: 0,
    redisErrors: 0,
    deploys: 0,
    replaced: 0,
    versionErrors: 0,
    matchesByPattern: {},
    timeoutsByPattern: {},
  };

  /**
   * Checks that every pattern can be partitioned by the job's field (each `key by` must
   * begin with it); throws a clear error otherwise.
   */
  constructor(
    private readonly client: Client,
    private readonly program: Program,
    readonly job: JobConfig,
    private readonly options: WorkerOptions,
  ) {
    this.leaseMs = options.leaseMs ?? 3000;
    this.tickMs = options.tickMs ?? 300;
    this.batchSize = options.batch ?? 1000;
    this.partitionBy = job.partitionBy.split(".");
    this.newEngine(program);
  }

  /** Joins and works until {@link stop}; then commits, releases its leases and leaves. */
  async run(): Promise<void> {
    await loadFunctions(this.client);
    await this.initVersions();
    while (!this.stopping) {
      if (Date.now() >= this.nextTick) {
        this.nextTick = Date.now() + this.tickMs;
        await this.tick();
      }
      const worked = await this.round();
      if (!worked && !this.stopping) await sleep(Math.max(1, Math.min(20, this.nextTick - Date.now())));
    }
    await this.leave();
    clearTimeout(this.stopTimer);
    if (this.fatal !== null) throw this.fatal;
  }

  /**
   * Asks the loop to stop after the current round (graceful: leases are released). If
   * Redis does not answer, the round never ends: after one lease TTL the connection is
   * closed, its commands fail, and the loop stops anyway.
   */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.stopTimer = setTimeout(() => {
      this.log("Redis did not answer after the stop request: leaving without releasing (the leases expire)");
      this.options.onAbandon?.();
      this.client.disconnect();
    }, this.leaseMs + 500);
    this.stopTimer.unref();
  }

  private log(message: string): void {
    this.options.log?.(`worker ${this.options.id}: ${message}`);
  }

  /** The owned partitions, their versions and engine statistics (for metrics). */
  partitions(): OwnedPartition[] {
    return [...this.owned.values()].map((o) => ({ p: o.p, version: o.version, stats: o.engine.stats() }));
  }

  /**
   * Stores the worker's files as version 1 when the job has no versions yet. Partitions
   * then run the version in force there, compiled from Redis when first needed; the
   * worker's own program serves any version with the same set.
   */
  private async initVersions(): Promise<void> {
    const sources = this.options.sources;
    if (sources === undefined) {
      this.programs.set(1, this.program);
      return;
    }
    const newest = await initVersions(this.client, versionRecord(sources, this.program));
    const record = await readVersion(this.client, newest);
    if (record.fingerprint !== setFingerprint(this.program)) {
      this.log(
        `the files given are not the job's newest pattern set (version ${newest}): each partition runs the version in force there, loaded from Redis`,
      );
    }
  }

  /** The compiled pattern set of version `n` (loaded from Redis once); throws when it cannot be had. */
  private async programOf(n: number): Promise<Program> {
    const cached = this.programs.get(n);
    if (cached !== undefined) return cached;
    const program = compileVersion(await readVersion(this.client, n), n, this.job, this.program);
    // The set must be able to run partitioned by the job's field (an engine checks).
    if (program !== this.program) this.newEngine(program);
    this.programs.set(n, program);
    return program;
  }

  private newEngine(program: Program): Engine {
    return new Engine(program, {
      watermarksOnly: true,
      partitionBy: this.partitionBy,
      typeField: this.job.typeField,
      timeField: this.job.timeField,
      // The default limits, as `cep run` (the oracle) has them: the per-key one drops the
      // same partial matches there and here; a failing limit would crash every worker in turn.
    }).on("warning", (message) => this.log(`state limit: ${message}`));
  }

  /** Heartbeat, assignment, renew / release / claim (§2.3). */
  private async tick(): Promise<void> {
    const now = Date.now();
    const id = this.options.id;
    let res: [Error | null, unknown][] | null;
    try {
      res = await this.client
        .multi()
        .zadd(MEMBERS, now + this.leaseMs, id)
        .zremrangebyscore(MEMBERS, "-inf", String(now))
        .zrange(MEMBERS, "0", "-1")
        .exec();
    } catch (err) {
      // A connection cut mid-transaction: skip this tick; leases and commits stay fenced.
      this.stats.errors++;
      this.stats.redisErrors++;
      this.log(`membership tick failed: ${(err as Error).message}`);
      return;
    }
    const live = (res?.[2]?.[1] as string[] | undefined) ?? [id];
    if (!live.includes(id)) live.push(id);
    const table = assign(live, this.job.partitions);
    const work: Promise<void>[] = [];
    for (let p = 0; p < this.job.partitions; p++) {
      const mine = table[p] === id;
      const o = this.owned.get(p);
      if (o !== undefined && mine) work.push(this.renewOne(o));
      else if (o !== undefined) work.push(this.releaseOne(o));
      else if (mine && (this.backoff.get(p)?.until ?? 0) <= now) work.push(this.claimOne(p));
    }
    await Promise.all(work);
  }

  private async renewOne(o: Owned): Promise<void> {
    try {
      if (!(await renew(this.client, o.p, this.options.id, this.leaseMs, o.epoch))) {
        this.drop(o, "lease lost");
      }
    } catch (err) {
      this.stats.redisErrors++;
      this.drop(o, `renew failed: ${(err as Error).message}`);
    }
  }

  private async releaseOne(o: Owned): Promise<void> {
    this.owned.delete(o.p);
    try {
      if (await release(this.client, o.p, this.options.id)) {
        this.stats.releases++;
        this.log(`released partition ${o.p} (epoch ${o.epoch}, pos ${o.pos})`);
      } else this.log(`partition ${o.p} (epoch ${o.epoch}) was no longer ours to release`);
    } catch (err) {
      this.log(`release of partition ${o.p} failed: ${(err as Error).message}`);
    }
  }

  private async claimOne(p: number): Promise<void> {
    let epoch: number | null;
    try {
      epoch = await claim(this.client, p, this.options.id, this.leaseMs);
    } catch (err) {
      this.stats.redisErrors++;
      this.log(`claim of partition ${p} failed: ${(err as Error).message}`);
      return;
    }
    if (epoch === null) return; // still held by its previous owner: retried next tick
    const started = Date.now();
    const k = keys(p);
    const res = await this.client
      .pipeline()
      .get(k.pos)
      .hgetall(k.meta)
      .exec()
      .catch(() => null);
    const state = res === null ? null : await this.readState(k.state);
    if (res === null || res.some(([err]) => err !== null) || state === null) {
      this.stats.redisErrors++;
      this.log(`restore of partition ${p} failed; retrying next tick`);
      return;
    }
    const pos = (res[0][1] as string | null) ?? "0-0";
    const meta = res[1][1] as Record<string, string>;
    // The version committed with the state (not the job's newest): markers after `pos` move it on.
    const version = Number(meta.version ?? 1);
    let program: Program;
    try {
      program = await this.programOf(version);
    } catch (err) {
      await this.refuse(p, version, `${(err as Error).message}`, `pos ${pos}`);
      return;
    }
    const engine = this.newEngine(program);
    const names = Object.keys(state).sort();
    try {
      if (meta.part !== undefined) engine.restorePartition(JSON.parse(meta.part) as PartitionSnapshot);
      for (const name of names) engine.restoreKey(JSON.parse(name), state[name]);
    } catch (err) {
      // Other patterns than the committed state's, or state this version cannot read: stop, do not guess.
      await release(this.client, p, this.options.id).catch(() => false);
      this.fatal = new Error(`partition ${p}: cannot restore its committed state: ${(err as Error).message}`);
      this.stopping = true;
      return;
    }
    this.owned.set(p, {
      p,
      epoch,
      pos,
      engine,
      ended: meta.ended === "1",
      entries: Number(meta.entries ?? 0),
      version,
    });
    this.stats.claims++;
    this.log(
      `claimed partition ${p} (epoch ${epoch}, pos ${pos}, version ${version}, ${names.length} keys restored in ${Date.now() - started} ms)`,
    );
  }

  /**
   * A partition's committed key snapshots, read with HSCAN in pages (a large partition's
   * HGETALL would block Redis and build one huge reply); null on a connection error.
   * Only this worker writes the hash while it holds the lease, so the scan sees one state.
   */
  private async readState(key: string): Promise<Record<string, string> | null> {
    const out: Record<string, string> = Object.create(null);
    let cursor = "0";
    try {
      do {
        const [next, flat] = await this.client.hscan(key, cursor, "COUNT", 1000);
        for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = flat[i + 1];
        cursor = next;
      } while (cursor !== "0");
    } catch {
      return null;
    }
    return out;
  }

  /** Forgets a partition's in-memory state; it is restored from Redis on the next claim (§2.6). */
  private drop(o: Owned, why: string): void {
    if (this.owned.get(o.p) === o) this.owned.delete(o.p);
    this.log(`dropped partition ${o.p} (epoch ${o.epoch}): ${why}`);
  }

  /** One read–process–commit round over the owned partitions; false when there was nothing to read. */
  private async round(): Promise<boolean> {
    const parts = [...this.owned.values()].filter((o) => !o.ended);
    if (parts.length === 0) return false;
    const reads = await Promise.all(
      parts.map((o) =>
        this.client
          .xrange(keys(o.p).in, `(${o.pos}`, "+", "COUNT", this.batchSize)
          .then((entries) => ({ o, entries }))
          .catch((err: Error) => {
            this.stats.errors++;
            this.stats.redisErrors++;
            this.log(`read of partition ${o.p} failed: ${err.message}`);
            return { o, entries: [] as [string, string[]][] };
          }),
      ),
    );
    let worked = false;
    const commits: Promise<void>[] = [];
    for (const { o, entries } of reads) {
      if (entries.length === 0 || this.owned.get(o.p) !== o) continue;
      worked = true;
      commits.push(this.process(o, entries));
    }
    await Promise.all(commits);
    return worked;
  }

  /**
   * Feeds entries to the partition's engine and commits. An `end` entry is committed on
   * its own, after what precedes it; so is a `deploy` marker, after the new pattern set
   * was applied — or, when that set cannot be run, the partition is released with the
   * marker not committed.
   */
  private async process(o: Owned, entries: [string, string[]][]): Promise<void> {
    let from = 0;
    while (from < entries.length && this.owned.get(o.p) === o && !o.ended) {
      let to = from;
      while (to < entries.length && entries[to][1][0] !== "end" && entries[to][1][0] !== "deploy") to++;
      if (to > from) await this.commitBatch(o, entries.slice(from, to), "events");
      if (to < entries.length && this.owned.get(o.p) === o) {
        if (entries[to][1][0] === "end") await this.commitBatch(o, [entries[to]], "end");
        else if (!(await this.deployAt(o, entries[to]))) return;
      }
      from = to + 1;
    }
  }

  /**
   * A `deploy <n>` marker: loads and compiles version n, applies it to the partition's
   * engine (`updatePatterns`: kept patterns keep their state, changed ones restart
   * empty) and commits the marker alone with the new version in `meta`. False when the
   * version cannot be run: the partition is then released, not committed past the marker.
   */
  private async deployAt(o: Owned, entry: [string, string[]]): Promise<boolean> {
    const version = Number(entry[1][1]);
    if (!(Number.isInteger(version) && version > o.version)) {
      // An older or repeated marker changes nothing: commit past it.
      await this.commitBatch(o, [entry], "marker");
      return true;
    }
    let program: Program;
    try {
      program = await this.programOf(version);
    } catch (err) {
      this.owned.delete(o.p);
      await this.refuse(o.p, version, (err as Error).message, `marker ${entry[0]}`);
      return false;
    }
    const before = o.engine.patternNames();
    let update: PatternUpdate;
    try {
      update = o.engine.updatePatterns(program);
    } catch (err) {
      this.owned.delete(o.p);
      await this.refuse(o.p, version, (err as Error).message, `marker ${entry[0]}`);
      return false;
    }
    // Key snapshots list patterns in running order: when the kept ones were reordered,
    // every committed key is written again, so Redis holds what a restore would rebuild.
    const kept = new Set(update.kept);
    const order = (names: string[]) => names.filter((n) => kept.has(n)).join(",");
    const rewrite = order(before) !== order(o.engine.patternNames());
    const previous = o.version;
    o.version = version;
    await this.commitBatch(o, [entry], "marker", rewrite);
    if (this.owned.get(o.p) !== o) return false;
    this.backoff.delete(o.p);
    this.stats.deploys++;
    this.stats.replaced += update.replaced;
    const list = (what: string, names: string[]) => (names.length > 0 ? ` ${what} ${names.join(",")};` : "");
    this.log(
      `partition ${o.p}: pattern-set version ${version} in force from ${entry[0]} (was ${previous}):` +
        `${list("added", update.added)}${list("removed", update.removed)}${list("changed", update.changed)}${list("kept", update.kept)}` +
        ` ${update.replaced} partial matches replaced`,
    );
    return true;
  }

  /**
   * A partition whose pattern-set version cannot be run here: released (another worker, or
   * this one later, takes it from its committed state), and not claimed again by this
   * worker for a back-off that doubles from 1 s up to 60 s per failure.
   */
  private async refuse(p: number, version: number, why: string, where: string): Promise<void> {
    const delay = Math.min(
      VERSION_RETRY_MS[1],
      Math.max(VERSION_RETRY_MS[0], 2 * (this.backoff.get(p)?.delay ?? 0)),
    );
    this.backoff.set(p, { until: Date.now() + delay, delay });
    this.stats.versionErrors++;
    await release(this.client, p, this.options.id).catch(() => false);
    this.log(
      `partition ${p}: cannot run pattern-set version ${version} (${where}): ${why}; released the partition, not claiming it again for ${delay / 1000} s`,
    );
  }

  private async commitBatch(
    o: Owned,
    entries: [string, string[]][],
    mode: "events" | "end" | "marker",
    rewriteAll = false,
  ): Promise<void> {
    const end = mode === "end";
    const inputs: unknown[] = [];
    if (mode === "events") {
      for (const [, fields] of entries) {
        if (fields[0] === "e") inputs.push(parseEntry(fields[1]));
        else if (fields[0] === "wm") inputs.push(watermark(fields[1]));
        else inputs.push(null);
      }
    }
    const result = mode === "marker" ? { records: [], errors: [] } : o.engine.batch(inputs, end);
    const counts = new Map<number, number>();
    const out: CommitArgs["out"] = [];
    for (const { entry, record } of result.records) {
      const i = counts.get(entry) ?? 0;
      counts.set(entry, i + 1);
      const src = entries[Math.min(entry, entries.length - 1)][0];
      out.push({ m: JSON.stringify(record), src, i });
    }
    for (const e of result.errors) {
      // Unusable entries (a missing key, a bad time): the first ones are logged, all counted.
      if (++this.stats.errors <= MAX_LOGGED_ERRORS) {
        const src = entries[Math.min(e.entry, entries.length - 1)][0];
        this.log(
          `partition ${o.p} entry ${src}: ${e.reason}${this.stats.errors === MAX_LOGGED_ERRORS ? " (further errors are only counted)" : ""}`,
        );
      }
    }
    const dirty = o.engine.drainDirty();
    if (rewriteAll) {
      const written = new Set([...dirty.put.map(([k]) => k), ...dirty.del]);
      const committed = await this.client.hkeys(keys(o.p).state).catch(() => null);
      if (committed === null) {
        this.stats.redisErrors++;
        this.drop(o, "reading the committed keys failed");
        return;
      }
      for (const name of committed.sort()) {
        if (written.has(name)) continue;
        const snap = o.engine.snapshotKey(JSON.parse(name));
        if (snap === null) dirty.del.push(name);
        else dirty.put.push([name, snap]);
      }
    }
    const newPos = entries[entries.length - 1][0];
    const entriesRead = o.entries + entries.length;
    const part = o.engine.snapshotPartition();
    const meta: Record<string, string> = {
      wm: String(part.watermark ?? "-inf"),
      part: JSON.stringify(part),
      patterns: o.engine.patternSetId(),
      version: String(o.version),
      entries: String(entriesRead),
    };
    if (end) meta.ended = "1";
    const started = performance.now();
    try {
      await commit(this.client, o.p, {
        epoch: o.epoch,
        expectedPos: o.pos,
        newPos,
        put: dirty.put,
        del: dirty.del,
        out,
        meta,
      });
    } catch (err) {
      const message = (err as Error).message;
      if (/FENCED/.test(message)) this.stats.fenced++;
      else {
        this.stats.errors++;
        this.stats.redisErrors++;
      }
      // The engine is ahead of Redis now: wipe and restore on the next claim.
      this.drop(o, `commit refused: ${message}`);
      return;
    }
    this.options.onCommit?.((performance.now() - started) / 1000);
    o.pos = newPos;
    o.entries = entriesRead;
    if (this.options.trimInput) {
      // Best effort, outside the commit: entries below a committed position are never read again.
      await this.client.xtrim(keys(o.p).in, "MINID", newPos).catch(() => 0);
    }
    if (end) {
      o.ended = true;
      this.log(`partition ${o.p} reached its end entry`);
    }
    this.stats.commits++;
    this.stats.entries += entries.length;
    this.stats.matches += out.length;
    for (const { record } of result.records) {
      const by = record.timeout ? this.stats.timeoutsByPattern : this.stats.matchesByPattern;
      by[record.pattern] = (by[record.pattern] ?? 0) + 1;
    }
  }

  /**
   * Releases the leases and leaves the membership — best effort, bounded by one lease TTL:
   * with Redis unreachable the commands would wait forever, and what they do (free the
   * partitions early) happens anyway when the leases and the heartbeat expire.
   */
  private async leave(): Promise<void> {
    const releases = [...this.owned.values()].map((o) => this.releaseOne(o));
    const done = Promise.all([...releases, this.client.zrem(MEMBERS, this.options.id).catch(() => 0)]);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = await Promise.race([
      done.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.leaseMs);
      }),
    ]);
    clearTimeout(timer);
    if (gaveUp) {
      this.log("Redis did not answer after the stop request: left without releasing (the leases expire)");
      this.options.onAbandon?.();
    } else this.log("left");
  }
}

/** An input entry's event; unusable text reaches the engine as a non-object and is reported by it. */
function parseEntry(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? "");
  } catch {
    return null;
  }
}
