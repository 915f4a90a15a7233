/**
 * `cep run --threads N`: the reading thread of a run split over N worker threads
 * (docs/cli.md "Threads", docs/architecture.md "cli/threads").
 *
 * Time is judged here, over the whole stream, as `cep produce` does (scale-out.md §2.5):
 * an event is late when its time is below the highest time so far minus the
 * out-of-orderness bound B, or not after the last watermark; every `watermarkEvery`
 * records the watermark becomes highest − B − 1 when that is higher. Each event goes to
 * the worker of its partition key's hash (so one key's events keep their order in one
 * worker); at each watermark every worker's batch ends. Each worker parses its events and
 * runs an engine with watermarks only (worker.ts). The answers are merged back into the
 * order one engine would have written (order.ts): reports by input line, then the
 * watermark's records by step.
 *
 * NDJSON read from its start without checkpoints goes in blocks: the input is cut into
 * blocks of whole lines in shared memory (blocks.ts), the workers take turns scanning
 * them (scan.ts: each line's status, time and worker, in typed arrays), and this thread
 * judges each block's arrays in input order and sends every worker the places of its
 * events in the block, with the batch boundaries among them (no line is touched here).
 * CSV and checkpointed runs read each record here instead (io/peek.ts finds the time, key
 * and `$watermark` of an NDJSON line without parsing it) and send each worker its batch's
 * lines as one transferred UTF-8 buffer.
 *
 * The run therefore writes exactly what `cep run --watermarks-only` writes over the
 * events on time with the watermarks in between (plus the late reports): with
 * `--watermarks-only`, the input itself.
 */
import type { Worker } from "node:worker_threads";
import { readCsv } from "../../io/csv.js";
import type { EventHandler, ReadPosition } from "../../io/events.js";
import { type JsonObject, parseEvent } from "../../io/json.js";
import { scanLines } from "../../io/lines.js";
import { errorRecord } from "../../io/sinks.js";
import {
  type CompiledPattern,
  type CompiledProgram,
  type EngineStats,
  type SourceFile,
  UsageError,
} from "../api.js";
import {
  drained,
  type LiveCounts,
  OutputFailed,
  type RunCheckpoints,
  type RunCounters,
  type RunResult,
  type RunResume,
  type RunSettings,
  type RunStreams,
  savingWith,
  total,
  waitAll,
} from "../run.js";
import { BLOCK_BYTES, type Block, Blocker } from "./blocks.js";
import { BAD, type Classified, classify, WATERMARK } from "./classify.js";
import { RecordFields } from "./fields.js";
import { mergeByKey } from "./order.js";
import {
  type BatchMessage,
  type Bound,
  type FeedMessage,
  type Item,
  type Reply,
  type ScanMessage,
  type ScanReply,
  type ThreadSetup,
  TO_ERRORS,
  TO_LATE,
  TO_OUTPUT,
  type WorkerCounts,
  type WorkerState,
} from "./protocol.js";
import { BLANK } from "./scan.js";
import { startWorker } from "./spawn.js";

/** Batches sent and not yet written before reading waits (memory stays bounded). */
const MAX_IN_FLIGHT = 8;
/** Reading in blocks: blocks not yet judged, and batches not yet written, before reading waits. */
const MAX_BLOCKS = 8;
const MAX_BATCHES = 64;

/** The block size: {@link BLOCK_BYTES}, or tiny ones in tests (`CEP_THREADS_TEST_BLOCK`). */
function blockBytes(): number {
  const v = Number(process.env.CEP_THREADS_TEST_BLOCK);
  return Number.isInteger(v) && v > 0 ? v : BLOCK_BYTES;
}

/**
 * The partition field of a threaded run: the path every selected pattern's `key by`
 * begins with. Throws {@link UsageError} naming the patterns that have none or another.
 */
export function partitionField(program: CompiledProgram, selected: readonly string[]): string[] {
  const patterns = program.patterns.filter((p) => selected.length === 0 || selected.includes(p.name));
  // The compiled model's paths (the CLI's view of a pattern names only their text).
  const pathsOf = (p: CompiledPattern) =>
    (p as { keyPaths?: readonly (readonly string[])[] }).keyPaths ??
    (p.keyPathText ?? []).map((t) => t.split("."));
  const first = patterns.length > 0 ? pathsOf(patterns[0])[0] : undefined;
  const problems: string[] = [];
  for (const p of patterns) {
    const k = pathsOf(p)[0];
    if (k === undefined) problems.push(`pattern ${p.name} has no \`key by\``);
    else if (first === undefined || k.join("\u0000") !== first.join("\u0000"))
      problems.push(`pattern ${p.name} is keyed by ${(p.keyPathText ?? []).join(", ")}`);
  }
  if (first === undefined || problems.length > 0) {
    const by = first === undefined ? "" : ` (${patterns[0].name} begins with ${first.join(".")})`;
    throw new UsageError(
      `--threads splits the events by key: every pattern's \`key by\` must begin with the same field${by}; ${problems.join("; ")}`,
    );
  }
  return [...first];
}

/** What a threaded run needs besides {@link RunSettings}. */
export interface ThreadedSettings extends RunSettings {
  threads: number;
  /** Records between watermarks of the reading thread. */
  watermarkEvery: number;
  sources: SourceFile[];
}

/** A batch on its way: the reading thread's own reports, and the workers' answers. */
interface Pending {
  readonly own: Item[];
  readonly replies: (Reply | null)[];
  left: number;
  /** Reading in blocks: the block being judged when the batch ended (every worker is done with those before). */
  readonly block: number;
}

/**
 * A threaded run's part of a checkpoint (`snapshot` in checkpoint.ts): the reading
 * thread's time and reports, and each worker's state, all at one batch boundary.
 */
export interface ThreadedSnapshot {
  readonly threads: number;
  readonly watermarkEvery: number;
  /** The highest event time and the last watermark (null: none yet, as JSON has no −∞). */
  readonly highest: number | null;
  readonly lastTick: number | null;
  /** The reading thread's own reports so far. */
  readonly late: number;
  readonly bad: number;
  readonly workers: WorkerState[];
}

/** Whether a checkpoint's snapshot is a threaded run's (else a single engine's). */
export function isThreadedSnapshot(snapshot: unknown): snapshot is ThreadedSnapshot {
  return (
    typeof snapshot === "object" &&
    snapshot !== null &&
    typeof (snapshot as { threads?: unknown }).threads === "number"
  );
}

/** Thrown when a worker thread failed; the run stops, exit 70. */
export class ThreadFailure extends Error {}

/**
 * Runs `program` over `streams.input` on `settings.threads` worker threads; resolves
 * with the same summary `cep run` gives. Rejects with {@link ThreadFailure} when a worker
 * fails (all are stopped).
 */
export async function runThreaded(
  program: CompiledProgram,
  settings: ThreadedSettings,
  streams: RunStreams,
  checkpoints: RunCheckpoints | null = null,
  resume: RunResume | null = null,
): Promise<RunResult> {
  const n = settings.threads;
  const saved = resume === null ? null : (resume.snapshot as ThreadedSnapshot);
  const by = partitionField(program, settings.patterns);
  const file = streams.input.name;
  const { output, errors, late: lateSink } = streams;
  const sinks = lateSink === null ? [output, errors] : [output, errors, lateSink];

  // 1. The workers.
  const setup: ThreadSetup = {
    sources: settings.sources,
    typeField: settings.typeField,
    timeField: settings.timeField,
    patterns: settings.patterns,
    schemaCheck: settings.schemaCheck,
    memory: settings.memoryLimit === null ? null : Math.max(1, Math.floor(settings.memoryLimit / n)),
    file,
    watermarksOnly: settings.watermarksOnly,
    restore: null,
    by,
    threads: n,
  };
  // NDJSON from the start, without checkpoints: the workers scan blocks (blocks.ts,
  // scan.ts) and the reading thread judges time over their compact answers. CSV and
  // checkpointed runs take the per-line path (each record read here).
  const fast = streams.format !== "csv" && checkpoints === null && resume === null;
  const workers: Worker[] = [];
  const queue: Pending[] = []; // batches not yet written, oldest first
  const answered = new Array<number>(n).fill(0); // per worker: replies so far
  let written = 0; // batches written
  let failure: ThreadFailure | null = null;
  let wake: (() => void) | null = null;
  let finished = 0;
  const counts: WorkerCounts[] = [];
  const partials = new Array<number>(n).fill(0);
  const done = new Array<boolean>(n).fill(false);
  const taken = new Array<number>(n).fill(0); // events each worker's engine took
  const states: WorkerState[] = []; // answers to a checkpoint's batch
  const warned = new Set<string>();

  const fail = (w: number, message: string) => {
    if (failure !== null) return;
    failure = new ThreadFailure(`worker thread ${w + 1} of ${n} failed: ${message}`);
    for (const worker of workers) void worker.terminate();
    wake?.();
  };
  for (let w = 0; w < n; w++) {
    const worker = startWorker(saved === null ? setup : { ...setup, restore: saved.workers[w] });
    const onReply = (reply: Reply): void => {
      if (reply.kind === "failed") {
        fail(w, reply.message);
        return;
      }
      if (reply.kind === "scan") {
        scanned(reply);
        return;
      }
      if (reply.kind === "replies") {
        for (const r of reply.replies) onReply(r);
        return;
      }
      const k = answered[w]++ - written;
      const p = queue[k];
      if (p === undefined) {
        fail(w, "an answer to no batch");
        return;
      }
      p.replies[w] = reply;
      partials[w] = reply.partials;
      taken[w] = reply.events;
      if (reply.state !== undefined) states[w] = reply.state;
      if (reply.counts !== undefined) {
        counts.push(reply.counts);
        done[w] = true;
        finished++;
      }
      if (--p.left === 0) writeReady();
    };
    worker.on("message", onReply);
    worker.on("error", (err) => fail(w, err.stack ?? err.message));
    worker.on("exit", (code) => {
      if (!done[w]) fail(w, `it stopped (exit code ${code}) before the end of the input`);
    });
    workers.push(worker);
  }

  // 2. Writing: batches in order, each merged into one engine's order.
  const matches: Record<string, number> = Object.create(null);
  for (const p of program.patterns) {
    if (settings.patterns.length === 0 || settings.patterns.includes(p.name)) matches[p.name] = 0;
  }
  let timeouts = 0;
  let late = 0; // the reading thread's own
  let bad = 0;
  if (resume !== null && saved !== null) {
    const c = resume.counters;
    for (const name in matches) matches[name] = Object.hasOwn(c.matches, name) ? c.matches[name] : 0;
    timeouts = c.timeouts;
    late = saved.late;
    bad = saved.bad;
  }
  const writeItem = (item: Item) => {
    if (item.to === TO_OUTPUT) {
      if (item.timeout) timeouts++;
      else {
        const name = program.patterns[item.pattern]?.name;
        if (name !== undefined) matches[name] = (matches[name] ?? 0) + 1;
      }
      output.write(item.text);
    } else if (item.to === TO_LATE) (lateSink ?? errors).write(item.text);
    else errors.write(item.text);
  };
  function writeReady(): void {
    while (queue.length > 0 && queue[0].left === 0) {
      const p = queue.shift() as Pending;
      written++;
      // Every worker answered this batch, so it has read every block before it: they can be reused.
      while (held.length > 0 && held[0].block < p.block)
        pool.push((held.shift() as { sab: SharedArrayBuffer }).sab);
      const replies = p.replies as (Reply & { kind: "batch" })[];
      for (const r of replies) {
        for (const m of r.warnings) {
          if (warned.has(m)) continue;
          warned.add(m);
          streams.onWarning?.(m);
        }
      }
      // Reports and records made during pushes, by input line (each line is in one list).
      const pushed = [p.own, ...replies.map((r) => r.items.filter((i) => !i.tick))];
      for (const item of mergeByLine(pushed)) writeItem(item);
      // The watermark's (or the end's) records, by step.
      const ticked = replies.map((r) => r.items.filter((i) => i.tick));
      for (const item of mergeByKey(ticked, (i) => i.key ?? NO_KEY)) writeItem(item);
    }
    wake?.();
  }

  // 3. Reading: time judged here, events routed, batches sent.
  const bound = settings.outOfOrderness;
  const generate = !settings.watermarksOnly;
  const every = settings.watermarkEvery;
  let highest = saved?.highest ?? Number.NEGATIVE_INFINITY;
  let lastTick = saved?.lastTick ?? Number.NEGATIVE_INFINITY;
  let records = resume?.counters.records ?? 0;
  let events = resume?.counters.events ?? 0;
  let lastLine = resume?.position.line ?? 0;
  let due = checkpoints === null ? Number.POSITIVE_INFINITY : records + checkpoints.every;
  let own: Item[] = [];
  const texts: string[][] = Array.from({ length: n }, () => []);
  const lines: number[][] = Array.from({ length: n }, () => []);
  const raws: string[][] | null = streams.format === "csv" ? Array.from({ length: n }, () => []) : null;

  const report = (to: number, line: number, text: string) =>
    own.push({ line, tick: false, key: null, to, text, pattern: -1, timeout: false });
  const badLine = (line: number, reason: string, text: string) => {
    bad++;
    report(TO_ERRORS, line, errorRecord(file, line, reason, text));
  };
  const send = (tick: number | null, tickLine: number, end: boolean, snapshot = false) => {
    const p: Pending = { own, replies: new Array(n).fill(null), left: n, block: blocksJudged };
    own = [];
    queue.push(p);
    if (fast) {
      bounds.push({ tick, tickLine, end, snapshot });
      for (let w = 0; w < n; w++) at[w].push(fed[w] / 4);
      return;
    }
    for (let w = 0; w < n; w++) {
      const ln = Int32Array.from(lines[w]);
      // The lines as UTF-8 in a buffer of their own, transferred (a string would be copied).
      const joined = texts[w].join("\n");
      const bytes = new Uint8Array(Buffer.byteLength(joined));
      encoder.encodeInto(joined, bytes);
      const m: BatchMessage = {
        bytes,
        lines: ln,
        tick,
        tickLine,
        end,
        snapshot,
        ...(raws === null ? {} : { raw: raws[w] }),
      };
      workers[w].postMessage(m, [ln.buffer, bytes.buffer]);
      texts[w] = [];
      lines[w] = [];
      if (raws !== null) raws[w] = [];
    }
  };
  /**
   * After each record: every `every` records, a batch (with a watermark when time moved
   * on). True when a checkpoint is due: reading pauses there, at a batch boundary.
   */
  const counted = (line: number): boolean => {
    lastLine = line;
    if (++records % every !== 0) return false;
    const tick = highest - bound - 1;
    if (generate && tick > lastTick) {
      lastTick = tick;
      send(tick, line, false);
    } else send(null, line, false);
    return records >= due;
  };
  /** A watermark record at `line`: time moves on when it is above the last one. */
  const watermarkAt = (t: number, line: number) => {
    if (t > lastTick) {
      lastTick = t;
      send(t, line, false);
    }
  };
  /** Whether an event at time `t` is on time (then it counts, and raises the highest time). */
  const onTime = (t: number): boolean => {
    if (generate && (t < highest - bound || t <= lastTick)) return false;
    if (t > highest) highest = t;
    events++;
    return true;
  };
  /** A late event at `line` (`json`: its JSON text; `text`: the record as read), reported. */
  const reportLate = (line: number, text: string, json: string) => {
    late++;
    if (lateSink !== null) report(TO_LATE, line, lateLine(file, line, json));
    else report(TO_ERRORS, line, errorRecord(file, line, "late", text));
  };
  const verdict: Classified = { time: 0, reason: "" };
  /**
   * One record with its fields read: a watermark, a bad time, a late event, or an event
   * for worker `w` (`json`: its JSON text; `text`: the record as read, for reports).
   */
  const take = (
    line: number,
    text: string,
    wm: unknown,
    hasWm: boolean,
    time: unknown,
    w: number,
    json: string,
  ) => {
    const status = classify(wm, hasWm, time, settings.timeField, verdict);
    if (status === WATERMARK) watermarkAt(verdict.time, line);
    else if (status === BAD) badLine(line, verdict.reason, text);
    else if (!onTime(verdict.time)) reportLate(line, text, json);
    else {
      texts[w].push(json);
      lines[w].push(line);
      if (raws !== null) raws[w].push(text);
    }
  };

  const fields = new RecordFields(settings.timeField, by, n);
  const fromObject = (line: number, value: JsonObject, text: string, json: string) => {
    fields.read(value);
    take(line, text, fields.wm, fields.hasWm, fields.time, fields.worker, json);
  };
  const onLine = (line: number, text: string) => {
    if (fields.peek(text)) take(line, text, fields.wm, fields.hasWm, fields.time, fields.worker, text);
    else {
      const value = parseEvent(text);
      if (typeof value === "string") badLine(line, value, text);
      else fromObject(line, value, text, text);
    }
    return counted(line);
  };

  // 3'. Reading in blocks: the workers scan them in turn; here, each block's answer is
  // judged in input order, line by line over its arrays, and each worker is sent its events.
  const pendingBlocks: { block: Block; scan: ScanReply | null }[] = []; // not judged yet, in order
  let blocksMade = 0;
  let blocksJudged = 0;
  let lineBase = resume?.position.line ?? 0;
  // Per worker: 4 numbers per event (FeedMessage), the first `fed[w]` of `feeds[w]` in use.
  const feeds: Int32Array[] = Array.from({ length: n }, () => new Int32Array(1 << 14));
  const fed = new Array<number>(n).fill(0);
  const at: number[][] = Array.from({ length: n }, () => []); // per worker: each bound's event count
  const bounds: Omit<Bound, "at">[] = [];
  // Blocks of the usual size are reused once every worker is done with them: fresh shared
  // memory costs a page fault per 4 KiB, several times the copy into it.
  const pool: SharedArrayBuffer[] = [];
  const held: { block: number; sab: SharedArrayBuffer }[] = [];
  const size = blockBytes();
  const alloc = (bytes: number) => (bytes === size ? pool.pop() : undefined) ?? new SharedArrayBuffer(bytes);
  const onBlock = (block: Block) => {
    const b = blocksMade++;
    pendingBlocks.push({ block, scan: null });
    if (block.sab !== null && block.sab.byteLength === size) held.push({ block: b, sab: block.sab });
    if (block.sab !== null) {
      const m: ScanMessage = { kind: "scan", block: b, sab: block.sab, length: block.length, first: b === 0 };
      workers[b % n].postMessage(m);
    } else judgeReady();
  };
  const scanned = (reply: ScanReply) => {
    const entry = pendingBlocks[reply.block - blocksJudged];
    if (entry === undefined) return fail(reply.block % n, "an answer to no block");
    entry.scan = reply;
    judgeReady();
  };
  function judgeReady(): void {
    while (
      pendingBlocks.length > 0 &&
      (pendingBlocks[0].scan !== null || pendingBlocks[0].block.sab === null)
    ) {
      const { block, scan } = pendingBlocks.shift() as { block: Block; scan: ScanReply | null };
      if (scan === null) {
        lineBase++;
        badLine(lineBase, "line too long", block.prefix);
        counted(lineBase);
      } else judge(block, scan);
      flushFeeds(blocksJudged++, block.sab, scan?.ascii ?? false);
    }
    wake?.();
  }
  /** One scanned block's lines, as `take` and `counted` judge them one by one. */
  const judge = (block: Block, scan: ScanReply) => {
    const { count, status, times, owners, starts, ends, bad } = scan;
    const text = (i: number) =>
      Buffer.from(block.sab as SharedArrayBuffer).toString("utf8", starts[i], ends[i]);
    let b = 0;
    for (let i = 0; i < count; i++) {
      const s = status[i];
      if (s === BLANK) continue;
      const line = lineBase + i + 1;
      if (s === BAD) {
        badLine(line, bad[b].reason, bad[b].text);
        b++;
      } else if (s === WATERMARK) watermarkAt(times[i], line);
      else if (!onTime(times[i])) {
        const t = text(i);
        reportLate(line, t, t);
      } else {
        const w = owners[i];
        const f = feeds[w];
        let k = fed[w];
        if (k === f.length) {
          feeds[w] = new Int32Array(Math.max(64, 2 * k));
          feeds[w].set(f);
        }
        const g = feeds[w];
        g[k++] = i;
        g[k++] = line;
        g[k++] = starts[i];
        g[k++] = ends[i];
        fed[w] = k;
      }
      counted(line);
    }
    lineBase += count;
  };
  /** Sends each worker its events of block `b` (and the bounds among them), or the bounds alone. */
  const flushFeeds = (b: number, sab: SharedArrayBuffer | null, ascii: boolean) => {
    for (let w = 0; w < n; w++) {
      const events = feeds[w].slice(0, fed[w]);
      const m: FeedMessage = {
        kind: "feed",
        block: b,
        sab: events.length > 0 ? sab : null,
        ascii,
        events,
        bounds: bounds.map((x, k) => ({ ...x, at: at[w][k] })),
      };
      workers[w].postMessage(m, [events.buffer]);
      fed[w] = 0;
      at[w] = [];
    }
    bounds.length = 0;
  };

  const live: LiveCounts = {
    events: 0,
    matches: 0,
    stats: () => ({ partialMatches: partials.reduce((a, b) => a + b, 0) }) as EngineStats,
  };
  const afterChunk = (bytesRead: number): undefined | Promise<void> => {
    if (failure !== null) throw failure;
    if (streams.onChunk) {
      live.events = events;
      live.matches = total(matches);
      streams.onChunk(bytesRead, live);
    }
    const failed = sinks.find((s) => s.error !== null);
    if (failed) throw new OutputFailed(failed.error?.message);
    if (fast) {
      if (pendingBlocks.length <= MAX_BLOCKS && queue.length <= MAX_BATCHES) return waitAll(sinks);
      return until(() => pendingBlocks.length <= MAX_BLOCKS / 2 && queue.length <= MAX_BATCHES / 2).then(() =>
        waitAll(sinks),
      );
    }
    if (queue.length <= MAX_IN_FLIGHT) return waitAll(sinks);
    return until(() => queue.length <= MAX_IN_FLIGHT / 2).then(() => waitAll(sinks));
  };
  /** Resolves when `done()` holds (checked after each written batch); rejects when a worker failed. */
  const until = (done: () => boolean): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (failure !== null) {
          wake = null;
          reject(failure);
        } else if (done()) {
          wake = null;
          resolve();
        } else wake = check;
      };
      check();
    });

  const sum = (f: keyof WorkerCounts) => counts.reduce((a, c) => a + c[f], 0);
  /** The run's counters as a checkpoint keeps them (totals: the summary of a resumed run covers it all). */
  const counters = (): RunCounters => ({
    records,
    events: taken.reduce((a, b) => a + b, 0),
    matches: { ...matches },
    timeouts,
    // The workers' own counts: at a checkpoint from their states, at the end from their last answers.
    late: late + (finished === n ? sum("late") : states.reduce((a, st) => a + st.counts.late, 0)),
    bad: bad + (finished === n ? sum("bad") : states.reduce((a, st) => a + st.counts.bad, 0)),
    missingKeys: finished === n ? sum("missingKeys") : states.reduce((a, st) => a + st.counts.missingKeys, 0),
  });
  /**
   * A checkpoint, after the batch that ended at `position`: every worker answers one more
   * (empty) batch with its state; once everything before is written, the cut is saved.
   */
  const onPause = async (position: ReadPosition): Promise<void> => {
    const ck = checkpoints as RunCheckpoints;
    due = records + ck.every;
    states.length = 0;
    send(null, lastLine, false, true);
    await until(() => queue.length === 0);
    const snapshot: ThreadedSnapshot = {
      threads: n,
      watermarkEvery: every,
      highest: Number.isFinite(highest) ? highest : null,
      lastTick: Number.isFinite(lastTick) ? lastTick : null,
      late,
      bad,
      workers: [...states],
    };
    const now = counters();
    await drained(sinks);
    await saving(() => ck.save(position, snapshot, now));
  };
  const saving = (save: () => Promise<void>) => savingWith(sinks, save);

  let outputError: Error | null = null;
  try {
    if (streams.format === "csv") {
      const handler: EventHandler = {
        event(line: number, value: JsonObject, text: string) {
          fromObject(line, value, text, JSON.stringify(value));
          return counted(line);
        },
        bad(line: number, reason: string, text: string) {
          badLine(line, reason, text);
          counted(line);
        },
      };
      await readCsv(streams.input.chunks, handler, {
        afterChunk,
        onPause,
        start: resume?.position,
        maxRecordLines: settings.csvMaxRecordLines,
      });
    } else if (fast) {
      const blocker = new Blocker(onBlock, alloc, size);
      let bytesRead = 0;
      for await (const chunk of streams.input.chunks) {
        const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
        blocker.push(bytes);
        bytesRead += bytes.length;
        await afterChunk(bytesRead);
      }
      blocker.end();
      await until(() => pendingBlocks.length === 0);
    } else {
      await scanLines(
        streams.input.chunks,
        {
          line: onLine,
          tooLong(line, prefix) {
            badLine(line, "line too long", prefix);
            counted(line);
          },
          invalidUtf8(line, text) {
            badLine(line, "invalid UTF-8", text);
            counted(line);
          },
        },
        { afterChunk, onPause, start: resume?.position },
      );
    }
    // 4. End of input: the last batch ends every worker's engine.
    send(null, lastLine + 1, true);
    if (fast) flushFeeds(blocksMade, null, false);
    await until(() => queue.length === 0 && finished === n);
    await drained(sinks);
    if (checkpoints !== null) await saving(() => checkpoints.finish(counters()));
  } catch (err) {
    for (const worker of workers) void worker.terminate();
    if (!(err instanceof OutputFailed)) throw err;
    outputError = sinks.find((s) => s.error !== null)?.error ?? err;
  }
  outputError ??= sinks.find((s) => s.error !== null)?.error ?? null;

  return {
    events: sum("events"),
    matches,
    timeouts,
    late: late + sum("late"),
    bad: bad + sum("bad"),
    missingKeys: sum("missingKeys"),
    unkeyed: sum("unkeyed"),
    schemaErrors: sum("schemaErrors"),
    dropped: sum("dropped"),
    outputError,
  };
}

const NO_KEY: readonly number[] = [0, 0, 0];
const encoder = new TextEncoder();

/** A late-event line for `--late`, the event as read. */
function lateLine(file: string, line: number, json: string): string {
  return `${JSON.stringify({ file, line, reason: "late" }).slice(0, -1)},"event":${json}}`;
}

/** Items of several lists, each in line order, merged by line (a line is in one list only). */
function mergeByLine(lists: readonly Item[][]): Item[] {
  const all: Item[] = [];
  for (const l of lists) for (const i of l) all.push(i);
  if (lists.filter((l) => l.length > 0).length <= 1) return all;
  // Stable: a line's items keep their order.
  return all.sort((a, b) => a.line - b.line);
}
