/**
 * A worker thread of `cep run --threads`: parses the lines of its partitions and runs
 * them through its own engine, in partition mode with watermarks only (the reading thread
 * owns time: scale-out.md §2.5). Per batch it answers what the batch made, each item
 * placed so the reading thread can merge all workers into a single engine's order
 * (order.ts, protocol.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { compile } from "../../compile/program.js";
import { keepText, keptText, recordLine } from "../../io/event-text.js";
import { type JsonObject, parseEvent } from "../../io/json.js";
import { errorRecord, lateRecord } from "../../io/sinks.js";
import { Engine, type EngineOptions } from "../../runtime/engine.js";
import type { MatchRecord } from "../../runtime/records.js";
import { parseTime } from "../../runtime/values.js";
import { restoreTexts } from "../checkpoint.js";
import { RecordFields } from "./fields.js";
import { type KeyedEvent, STEP_ADVANCE, STEP_END, STEP_EVENT, stepKey } from "./order.js";
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
  type WorkerState,
} from "./protocol.js";
import { scanBlock } from "./scan.js";

const decoder = new TextDecoder();

/** Each event's input line, on the event itself (a symbol key, like its text: no map lookup). */
const LINE = Symbol("cep.line");
/** An event fed at its own push (order.ts `feed`); events fed at a watermark have none. */
const FED = Symbol("cep.fed");

interface Lined {
  [LINE]?: number;
  [FED]?: number;
}

/** Runs the worker loop of the current thread (started by threads/spawn.ts). */
export function threadMain(): void {
  const port = parentPort;
  if (port === null) throw new Error("threadMain runs in a worker thread");
  let worker: ThreadWorker;
  try {
    worker = new ThreadWorker((workerData as { setup: ThreadSetup }).setup);
  } catch (err) {
    port.postMessage({ kind: "failed", message: messageOf(err) } satisfies Reply);
    return;
  }
  // Tests stop a worker abruptly at this batch, to see the run end instead of hanging.
  const crashAt = Number(process.env.CEP_THREADS_TEST_CRASH ?? 0);
  let batches = 0;
  port.on("message", (m: BatchMessage | ScanMessage | FeedMessage) => {
    try {
      if (m.kind === "scan") {
        const reply = worker.scan(m);
        const { status, times, owners, starts, ends } = reply;
        const arrays = [status.buffer, times.buffer, owners.buffer, starts.buffer, ends.buffer];
        port.postMessage(reply, arrays as ArrayBuffer[]);
        return;
      }
      if (m.kind === "feed") {
        // The block's batch replies in one message (a message costs far more than a reply's few items).
        const replies: Reply[] = [];
        worker.feed(m, (reply) => {
          if (++batches === crashAt) process.exit(3);
          replies.push(reply);
        });
        if (replies.length > 0) port.postMessage({ kind: "replies", replies } satisfies Reply);
        if (m.bounds.some((b) => b.end)) port.close();
        return;
      }
      if (++batches === crashAt) process.exit(3);
      const reply = worker.batch(m);
      port.postMessage(reply);
      if (m.end) port.close();
    } catch (err) {
      port.postMessage({ kind: "failed", message: messageOf(err) } satisfies Reply);
      port.close();
    }
  });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** One worker's engine and the items of the batch being run. */
class ThreadWorker {
  private readonly engine: Engine;
  private readonly timeField: string;
  private readonly file: string;
  /** Per pattern name: its index in the program, its order and its variables' indices. */
  private readonly patterns = new Map<string, { index: number; order: number; vars: Map<string, number> }>();
  private items: Item[] = [];
  private warnings: string[] = [];
  /** Where records go: made during a push (at its line), or by a watermark / the end. */
  private tickPhase = -1;
  private tickLine = 0;
  private curLine = 0;
  private curText = "";
  private counts = { bad: 0, late: 0, missingKeys: 0 };
  private readonly watermarksOnly: boolean;
  /** The watermarks applied so far (increasing) and their input lines: where buffered events were fed. */
  private tickValues: number[] = [];
  private tickLines: number[] = [];
  /** How the block scan reads a record (scan.ts). */
  private readonly fields: RecordFields;

  constructor(setup: ThreadSetup) {
    const program = compile(setup.sources, { typeField: setup.typeField, timeField: setup.timeField });
    // Watermarks only: a key's results depend on its own events and the watermarks alone
    // (engine.ts advanceOwnKeys). Not partition mode: its per-key bookkeeping (for
    // per-key snapshots) cost more than the matching, and the reading thread has already
    // checked that every pattern is keyed by the partition field.
    const options: EngineOptions = {
      typeField: setup.typeField,
      timeField: setup.timeField,
      watermarksOnly: true,
    };
    if (!setup.schemaCheck) options.schemaCheck = false;
    if (setup.patterns.length > 0) options.patterns = setup.patterns;
    if (setup.memory !== null) options.limits = { memory: setup.memory };
    const restore = setup.restore;
    if (restore !== null) {
      // Put back what the structured clone lost: each event's text and line.
      restoreTexts(restore.snapshot, restore.texts);
      const events = (restore.snapshot as { events: unknown[] }).events;
      restore.lines.forEach((line, i) => {
        if (line !== null) (events[i] as Lined)[LINE] = line;
      });
      restore.fed.forEach((feed, i) => {
        if (feed !== null) (events[i] as Lined)[FED] = feed;
      });
      options.restore = restore.snapshot;
      this.counts = { ...restore.counts };
      this.tickValues = [...restore.ticks[0]];
      this.tickLines = [...restore.ticks[1]];
    }
    this.engine = new Engine(program, options);
    this.timeField = setup.timeField;
    this.watermarksOnly = setup.watermarksOnly;
    this.file = setup.file;
    this.fields = new RecordFields(setup.timeField, setup.by, setup.threads);
    program.patterns.forEach((p, index) => {
      const vars = new Map<string, number>();
      p.variables.forEach((v, i) => {
        vars.set(v.name, i);
      });
      this.patterns.set(p.name, { index, order: p.order, vars });
    });
    const e = this.engine;
    e.on("match", (r) => this.record(r, false));
    e.on("timeout", (r) => this.record(r, true));
    e.on("late", (event, reason) => {
      this.counts.late++;
      this.push(TO_LATE, lateRecord(this.file, this.lineOf(event), reason, event));
    });
    e.on("error", ({ reason, event }) => {
      if (reason.startsWith("missing key")) this.counts.missingKeys++;
      else if (!reason.startsWith("schema: ")) this.counts.bad++;
      this.push(TO_ERRORS, errorRecord(this.file, this.lineOf(event), reason, this.curText));
    });
    e.on("warning", (message) => this.warnings.push(message));
  }

  /** Runs one batch; its reply. */
  batch(m: BatchMessage): Reply {
    // 1. The events: parsed here, in parallel with the other workers.
    if (m.lines.length > 0) {
      const texts = decoder.decode(m.bytes).split("\n");
      const lines = m.lines;
      const raw = m.raw;
      for (let i = 0; i < texts.length; i++) {
        const text = texts[i];
        const value = parseEvent(text);
        this.event(value, text, lines[i], raw === undefined ? text : raw[i]);
      }
    }
    return this.boundary(m.tick, m.tickLine, m.end, m.snapshot);
  }

  /** The first pass over a block (scan.ts). */
  scan(m: ScanMessage): ScanReply {
    const found = scanBlock(Buffer.from(m.sab, 0, m.length), m.first, this.fields, this.timeField);
    return { kind: "scan", block: m.block, ...found };
  }

  /**
   * The second pass: this worker's events of one block, on time, with the batch
   * boundaries among them, parsed here; `reply` gets each batch's reply.
   */
  feed(m: FeedMessage, reply: (r: Reply) => void): void {
    const block = m.sab === null ? null : Buffer.from(m.sab);
    const ev = m.events;
    const encoding = m.ascii ? "latin1" : "utf8";
    let b = 0;
    for (let j = 0; j < ev.length; j += 4) {
      for (; b < m.bounds.length && m.bounds[b].at === j / 4; b++) reply(this.bounded(m.bounds[b]));
      const text = (block as Buffer).toString(encoding, ev[j + 2], ev[j + 3]);
      this.event(parseEvent(text), text, ev[j + 1], text);
    }
    for (; b < m.bounds.length; b++) reply(this.bounded(m.bounds[b]));
  }

  private bounded(b: Bound): Reply {
    return this.boundary(b.tick, b.tickLine, b.end, b.snapshot);
  }

  /** One event of this worker's (`raw`: the record as read, for reports), fed to the engine. */
  private event(value: JsonObject | string, text: string, line: number, raw: string): void {
    this.curLine = line;
    this.curText = raw;
    if (typeof value === "string") {
      // The reading thread checked it: not expected, but reported as `cep run` would.
      this.counts.bad++;
      this.push(TO_ERRORS, errorRecord(this.file, line, value, raw));
      return;
    }
    keepText(value, text);
    (value as Lined)[LINE] = line;
    // With watermarks only, an event not after the watermark is fed now, at its push.
    if (this.watermarksOnly && this.timeOf(value) <= this.watermark()) (value as Lined)[FED] = 2 * line;
    this.engine.push(value, text.length);
  }

  /** A batch boundary: the watermark, then the end; their records are merged across workers by key. The batch's reply. */
  private boundary(tick: number | null, tickLine: number, end: boolean, snapshot: boolean): Reply {
    const e = this.engine;
    this.tickLine = tickLine;
    if (tick !== null) {
      this.tickPhase = STEP_ADVANCE;
      this.ticked(tick, tickLine);
      e.advanceTo(tick);
    }
    if (end) {
      this.tickPhase = STEP_ADVANCE;
      this.ticked(Number.POSITIVE_INFINITY, tickLine);
      e.advanceTo(Number.POSITIVE_INFINITY);
      this.tickPhase = STEP_END;
      e.end();
    }
    this.tickPhase = -1;
    const stats = e.stats();
    const items = this.items;
    const warnings = this.warnings;
    this.items = [];
    this.warnings = [];
    return {
      kind: "batch",
      items,
      warnings,
      partials: stats.partialMatches,
      events: stats.events,
      ...(snapshot ? { state: this.state() } : {}),
      ...(end
        ? {
            counts: {
              events: stats.events,
              bad: this.counts.bad,
              late: this.counts.late,
              missingKeys: this.counts.missingKeys,
              unkeyed: stats.unkeyed,
              schemaErrors: stats.schemaErrors,
              dropped: stats.dropped,
            },
          }
        : {}),
    };
  }

  /** The last watermark applied (−∞ before the first). */
  private watermark(): number {
    const n = this.tickValues.length;
    return n === 0 ? Number.NEGATIVE_INFINITY : this.tickValues[n - 1];
  }

  /** Notes a watermark (above every earlier one) and its line, before it is applied. */
  private ticked(value: number, line: number): void {
    if (value <= this.watermark()) return;
    this.tickValues.push(value);
    this.tickLines.push(line);
  }

  /**
   * Where an event was fed (order.ts `feed`): at its push, or at the first watermark not
   * below its time (a buffered event is fed at the first watermark that reaches it).
   */
  private feedOf(event: unknown): number {
    const fed = (event as Lined)[FED];
    if (fed !== undefined) return fed;
    const t = this.timeOf(event);
    const values = this.tickValues;
    let lo = 0;
    let hi = values.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (values[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo < values.length ? 2 * this.tickLines[lo] + 1 : Number.POSITIVE_INFINITY;
  }

  /** This worker's part of a checkpoint. */
  private state(): WorkerState {
    const snapshot = this.engine.snapshot();
    const events = (snapshot as { events?: unknown[] }).events ?? [];
    return {
      snapshot,
      texts: events.map((e) => keptText(e) ?? null),
      lines: events.map((e) => (typeof e === "object" && e !== null ? ((e as Lined)[LINE] ?? null) : null)),
      fed: events.map((e) => (typeof e === "object" && e !== null ? ((e as Lined)[FED] ?? null) : null)),
      ticks: [[...this.tickValues], [...this.tickLines]],
      counts: { ...this.counts },
    };
  }

  private lineOf(event: unknown): number {
    const line = typeof event === "object" && event !== null ? (event as Lined)[LINE] : undefined;
    return line ?? this.curLine;
  }

  private push(to: number, text: string): void {
    const tick = this.tickPhase >= 0;
    this.items.push({
      line: tick ? this.tickLine : this.curLine,
      tick,
      key: null,
      to,
      text,
      pattern: -1,
      timeout: false,
    });
  }

  private record(r: MatchRecord, timeout: boolean): void {
    const info = this.patterns.get(r.pattern);
    const tick = this.tickPhase >= 0;
    let key: number[] | null = null;
    if (tick) {
      const stepping = this.engine.steppingEvent();
      if (stepping !== null) key = [STEP_EVENT, this.timeOf(stepping), this.lineOf(stepping)];
      else {
        const events: KeyedEvent[] = [];
        for (const name in r.events) {
          const variable = info?.vars.get(name) ?? -1;
          for (const ev of r.events[name])
            events.push({ feed: this.feedOf(ev), time: this.timeOf(ev), line: this.lineOf(ev), variable });
        }
        const phase = this.tickPhase === STEP_END ? STEP_END : STEP_ADVANCE;
        key = stepKey(phase, timeout, r.end, events, info?.order ?? 0);
      }
    }
    this.items.push({
      line: tick ? this.tickLine : this.curLine,
      tick,
      key,
      to: TO_OUTPUT,
      text: recordLine(r),
      pattern: info?.index ?? -1,
      timeout,
    });
  }

  /** An event's time, as the engine read it (its events all had a usable one). */
  private timeOf(event: unknown): number {
    const raw = (event as Record<string, unknown>)[this.timeField];
    const t = parseTime(raw);
    return typeof t === "number" ? t : 0;
  }
}
