/**
 * The producer side of the distributed mode (scale-out.md §2.2, §2.5): partitions events
 * by FNV-1a of their key, owns time (judges lateness over the whole stream and appends
 * watermark ticks to every partition), and appends `end` entries on request.
 *
 * Entry IDs are explicit and increasing per partition (`<base ms>-<n>`), so a command that
 * ioredis resends after a lost reply is refused by Redis as "equal or smaller than the
 * top item" instead of duplicating the input; that refusal counts as written. This makes
 * retries safe for one producer at a time per job.
 */
import { invalidTime, parseTime, path } from "../runtime/values.js";
import { type Client, keys } from "./functions.js";
import { partitionOf } from "./hash.js";
import type { JobConfig } from "./job.js";

/** Producer settings. */
export interface ProducerOptions {
  /** B: how late (ms) an event may be, against the highest time written to any partition. */
  outOfOrderness?: number;
  /** Called with each line of the merged stream as written: event text and `{"$watermark":T}` ticks (the oracle's input). */
  log?: (line: string) => void;
}

/** Why {@link Producer.add} did not take an event. */
export type Refusal = { kind: "late"; reason: string } | { kind: "bad"; reason: string };

/** Counters of a producer. */
export interface ProducerStats {
  events: number;
  late: number;
  bad: number;
  ticks: number;
  /** Commands Redis refused as already written (resent after a lost reply). */
  duplicatesRefused: number;
  /** Events per partition. */
  perPartition: number[];
}

interface Pending {
  readonly p: number;
  readonly text: string;
}

const DUPLICATE = /equal or smaller than the target stream top item/i;

/** A command ioredis dropped because its connection closed before the reply. */
function isAbort(err: Error): boolean {
  return (
    err.name === "AbortError" || /aborted due to connection close|connection is closed/i.test(err.message)
  );
}

function anotherProducer(key: string, id: string): Error {
  return new Error(
    `${key}: entry ${id} was refused and is not ours: another producer is writing to this job ` +
      "(run one producer at a time: its explicit entry ids make retries safe only then)",
  );
}

/** Writes events, ticks and end entries to a job's partitions. */
export class Producer {
  private readonly bound: number;
  private readonly partitionPath: readonly string[];
  private highest = Number.NEGATIVE_INFINITY;
  private lastTick = Number.NEGATIVE_INFINITY;
  private pending: Pending[] = [];
  private base = 0;
  private readonly next: number[];
  private writing: Promise<void> = Promise.resolve();
  /** Counters so far. */
  readonly stats: ProducerStats;

  private constructor(
    private readonly client: Client,
    readonly job: JobConfig,
    private readonly options: ProducerOptions,
  ) {
    this.bound = options.outOfOrderness ?? 0;
    this.partitionPath = job.partitionBy.split(".");
    this.next = new Array(job.partitions).fill(0);
    this.stats = {
      events: 0,
      late: 0,
      bad: 0,
      ticks: 0,
      duplicatesRefused: 0,
      perPartition: new Array(job.partitions).fill(0),
    };
  }

  /** A producer for `job`; reads each partition's last entry so new IDs come after it. */
  static async open(client: Client, job: JobConfig, options: ProducerOptions = {}): Promise<Producer> {
    const producer = new Producer(client, job, options);
    let top = 0;
    const tops = await Promise.all(
      Array.from({ length: job.partitions }, (_, p) => client.xrevrange(keys(p).in, "+", "-", "COUNT", 1)),
    );
    for (const entries of tops) {
      if (entries.length > 0) top = Math.max(top, Number(entries[0][0].split("-")[0]));
    }
    producer.base = Math.max(Date.now(), top + 1);
    return producer;
  }

  /**
   * Takes one event (its parsed object and its text) into the current batch, or says why
   * not: late (against the highest time written and the last tick), or bad (no partition
   * field, no usable time). Synchronous; {@link flush} writes.
   */
  add(event: Record<string, unknown>, text: string): Refusal | null {
    const value = path(event, this.partitionPath);
    if (value === undefined || value === null) {
      this.stats.bad++;
      return { kind: "bad", reason: `missing partition field ${this.job.partitionBy}` };
    }
    const raw = event[this.job.timeField];
    const time = parseTime(raw);
    if (typeof time === "string") {
      this.stats.bad++;
      const what = `${time} (${this.job.timeField})`;
      return { kind: "bad", reason: time === "missing time" ? what : invalidTime(what, raw) };
    }
    if (time < this.highest - this.bound || time <= this.lastTick) {
      this.stats.late++;
      return { kind: "late", reason: "late" };
    }
    if (time > this.highest) this.highest = time;
    const p = partitionOf(value, this.job.partitions);
    this.pending.push({ p, text });
    this.stats.events++;
    this.stats.perPartition[p]++;
    return null;
  }

  /** Events taken but not yet written. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Writes the batch: each partition's events, then — when time moved on — a watermark
   * tick (highest time − bound − 1) to every partition, one pipeline per partition (a
   * pipeline must stay in one Cluster slot). Calls are serialised: a flush waits for the
   * previous one.
   */
  flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    // As Flink's bounded-out-of-orderness watermark: an event at exactly highest − bound is still on time.
    const tick = this.highest - this.bound - 1;
    const ticking = Number.isFinite(tick) && tick > this.lastTick;
    if (ticking) this.lastTick = tick;
    if (batch.length === 0 && !ticking) return this.writing;
    this.writing = this.writing.then(() => this.write(batch, ticking ? tick : null, false));
    return this.writing;
  }

  /** Flushes, then appends an `end` entry to every partition (end of input for the workers). */
  async end(): Promise<void> {
    await this.flush();
    this.writing = this.writing.then(() => this.write([], null, true));
    await this.writing;
  }

  private async write(batch: Pending[], tick: number | null, end: boolean): Promise<void> {
    const P = this.job.partitions;
    const byPartition: string[][] = Array.from({ length: P }, () => []);
    for (const e of batch) byPartition[e.p].push(e.text);
    const log = this.options.log;
    if (log) for (const e of batch) log(e.text);
    if (tick !== null && log) log(`{"$watermark":${tick}}`);
    const calls: Promise<void>[] = [];
    for (let p = 0; p < P; p++) {
      const texts = byPartition[p];
      if (texts.length === 0 && tick === null && !end) continue;
      const ops: string[][] = [];
      for (const t of texts) ops.push([this.id(p), "e", t]);
      if (tick !== null) ops.push([this.id(p), "wm", String(tick)]);
      if (end) ops.push([this.id(p), "end", "1"]);
      calls.push(this.append(p, ops));
    }
    if (tick !== null) this.stats.ticks++;
    await Promise.all(calls);
  }

  /**
   * Appends entries to one partition in one pipeline (one Cluster slot), in order. A
   * connection that closes after part of the replies makes ioredis abort the rest of the
   * pipeline: that tail is sent again, and what Redis had already applied is refused as
   * "equal or smaller than the top item" (the ids are explicit) and counted as written.
   */
  private async append(p: number, ops: string[][]): Promise<void> {
    const key = keys(p).in;
    let from = 0;
    for (let attempt = 0; from < ops.length; attempt++) {
      const pipe = this.client.pipeline();
      for (let i = from; i < ops.length; i++) pipe.xadd(key, ...(ops[i] as [string, string, string]));
      let results: [Error | null, unknown][];
      try {
        results = (await pipe.exec()) ?? [];
      } catch (err) {
        if (attempt >= 100) throw err;
        continue; // the whole pipeline failed: send it all again
      }
      let next = ops.length;
      for (let j = 0; j < results.length; j++) {
        const err = results[j][0];
        if (err === null) continue;
        if (DUPLICATE.test(err.message)) {
          if (await this.checkOwn(key, ops[from + j])) {
            this.stats.duplicatesRefused++;
            continue;
          }
          // A deploy marker landed before this entry: it and the rest go after the marker.
          await this.renumberAfterMarker(p, ops, from + j);
          next = from + j;
          break;
        } else if (isAbort(err) && attempt < 100) {
          next = from + j;
          break;
        } else throw err;
      }
      if (results.length < ops.length - from && next === ops.length) next = from + results.length;
      from = next;
    }
  }

  /**
   * Whether a refused id holds this very entry (written before its reply was lost); false
   * when no entry has that id (a deploy marker may have been written past it:
   * {@link renumberAfterMarker} decides).
   */
  private async checkOwn(key: string, op: string[]): Promise<boolean> {
    const [id, ...fields] = op;
    const found = await this.client.xrange(key, id, id);
    if (found.length === 0) return false;
    const same = found[0][1].length === fields.length && found[0][1].every((f, i) => f === fields[i]);
    if (!same) throw anotherProducer(key, id);
    return true;
  }

  /**
   * `cep deploy` wrote a marker past the id of `ops[at]` (its id is the stream's last one
   * plus 2³² in the sequence: functions.ts), so that entry and every later one were
   * refused. If only markers follow the refused id, the remaining entries get new ids
   * after the last marker — same millisecond part, so the next markers still follow
   * them; anything else is another producer's entry, and the producer stops.
   */
  private async renumberAfterMarker(p: number, ops: string[][], at: number): Promise<void> {
    const key = keys(p).in;
    const id = ops[at][0];
    const after = await this.client.xrange(key, `(${id}`, "+", "COUNT", 1000);
    const top = after[after.length - 1];
    const [ms, seq] = (top?.[0] ?? "").split("-");
    if (top === undefined || after.some(([, f]) => f[0] !== "deploy") || Number(ms) !== this.base) {
      throw anotherProducer(key, id);
    }
    this.next[p] = Number(seq) + 1;
    for (let i = at; i < ops.length; i++) ops[i][0] = this.id(p);
  }

  private id(p: number): string {
    return `${this.base}-${this.next[p]++}`;
  }
}
