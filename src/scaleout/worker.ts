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
import { Engine } from "../runtime/engine.js";
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
}

/** Counters of a worker. */
export interface WorkerStats {
  entries: number;
  matches: number;
  commits: number;
  fenced: number;
  claims: number;
  releases: number;
  errors: number;
}

interface Owned {
  readonly p: number;
  readonly epoch: number;
  pos: string;
  engine: Engine;
  ended: boolean;
  entries: number;
}

/** `{"$watermark": T}` as the engine takes it; a tick's value is a number of ms. */
function watermark(value: string): unknown {
  return { $watermark: Number(value) };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Unusable entries logged before they are only counted (`stats.errors`). */
const MAX_LOGGED_ERRORS = 20;

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
  /** Counters so far. */
  readonly stats: WorkerStats = {
    entries: 0,
    matches: 0,
    commits: 0,
    fenced: 0,
    claims: 0,
    releases: 0,
    errors: 0,
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
    this.newEngine();
  }

  /** Joins and works until {@link stop}; then commits, releases its leases and leaves. */
  async run(): Promise<void> {
    await loadFunctions(this.client);
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

  private newEngine(): Engine {
    return new Engine(this.program, {
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
      else if (mine) work.push(this.claimOne(p));
    }
    await Promise.all(work);
  }

  private async renewOne(o: Owned): Promise<void> {
    try {
      if (!(await renew(this.client, o.p, this.options.id, this.leaseMs, o.epoch))) {
        this.drop(o, "lease lost");
      }
    } catch (err) {
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
      this.log(`restore of partition ${p} failed; retrying next tick`);
      return;
    }
    const pos = (res[0][1] as string | null) ?? "0-0";
    const meta = res[1][1] as Record<string, string>;
    const engine = this.newEngine();
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
    });
    this.stats.claims++;
    this.log(
      `claimed partition ${p} (epoch ${epoch}, pos ${pos}, ${names.length} keys restored in ${Date.now() - started} ms)`,
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

  /** Feeds entries to the partition's engine and commits; an `end` entry is committed on its own, after what precedes it. */
  private async process(o: Owned, entries: [string, string[]][]): Promise<void> {
    let from = 0;
    while (from < entries.length && this.owned.get(o.p) === o && !o.ended) {
      let to = from;
      while (to < entries.length && entries[to][1][0] !== "end") to++;
      if (to > from) await this.commitBatch(o, entries.slice(from, to), false);
      if (to < entries.length && this.owned.get(o.p) === o) await this.commitBatch(o, [entries[to]], true);
      from = to + 1;
    }
  }

  private async commitBatch(o: Owned, entries: [string, string[]][], end: boolean): Promise<void> {
    const inputs: unknown[] = [];
    for (const [, fields] of entries) {
      if (fields[0] === "e") inputs.push(parseEntry(fields[1]));
      else if (fields[0] === "wm") inputs.push(watermark(fields[1]));
      else inputs.push(null);
    }
    const result = end ? o.engine.batch([], true) : o.engine.batch(inputs);
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
    const newPos = entries[entries.length - 1][0];
    const entriesRead = o.entries + entries.length;
    const part = o.engine.snapshotPartition();
    const meta: Record<string, string> = {
      wm: String(part.watermark ?? "-inf"),
      part: JSON.stringify(part),
      patterns: o.engine.patternSetId(),
      entries: String(entriesRead),
    };
    if (end) meta.ended = "1";
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
      else this.stats.errors++;
      // The engine is ahead of Redis now: wipe and restore on the next claim.
      this.drop(o, `commit refused: ${message}`);
      return;
    }
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
