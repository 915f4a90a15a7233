/**
 * The messages between the reading thread of `cep run --threads` and its worker threads.
 * One message per batch and worker each way (never one per event): the events as one
 * UTF-8 buffer of lines and their input line numbers as an `Int32Array`, both transferred, and the
 * watermark that ends the batch; back, what the batch made, in the order the worker's
 * engine made it, each item placed by its input line and, for watermark steps, by its
 * record key (order.ts).
 */
import type { SourceFile } from "../api.js";
import type { BlockScan } from "./scan.js";

/** One worker's part of a checkpoint: its engine's snapshot and what a structured clone loses. */
export interface WorkerState {
  /** `engine.snapshot()`. */
  readonly snapshot: unknown;
  /** The input text of each of `snapshot.events` (null for none), its input line, and its feed when fed at its push. */
  readonly texts: (string | null)[];
  readonly lines: (number | null)[];
  readonly fed: (number | null)[];
  /** The watermarks so far: values and their input lines (where buffered events were fed). */
  readonly ticks: [number[], number[]];
  /** The worker's own counts of reports so far. */
  readonly counts: { bad: number; late: number; missingKeys: number };
}

/** What a worker is started with (`workerData`). */
export interface ThreadSetup {
  readonly sources: SourceFile[];
  readonly typeField: string;
  readonly timeField: string;
  /** `--pattern` names; empty = all. */
  readonly patterns: string[];
  readonly schemaCheck: boolean;
  /** This engine's share of `--memory-limit`, or null for the engine's default. */
  readonly memory: number | null;
  /** The input's name, as reports give it. */
  readonly file: string;
  /** `--watermarks-only`: an event not after the watermark is fed at its push. */
  readonly watermarksOnly: boolean;
  /** A resumed run: this worker's state at the checkpoint. */
  readonly restore: WorkerState | null;
  /** The partition field's path and the number of workers (the block scan routes events: scan.ts). */
  readonly by: string[];
  readonly threads: number;
}

/** Reading thread → worker: one batch (the per-line path: CSV, checkpoints). */
export interface BatchMessage {
  readonly kind?: undefined;
  /** The events, one JSON text per line, joined by `\n`, as UTF-8 (transferred). */
  readonly bytes: Uint8Array;
  /** The input line of each event. */
  readonly lines: Int32Array;
  /** CSV: each record as read (what error reports quote); NDJSON: absent. */
  readonly raw?: string[];
  /** The watermark after the events, or null. */
  readonly tick: number | null;
  /** The input line the watermark belongs to (after its own reports). */
  readonly tickLine: number;
  /** End of input follows. */
  readonly end: boolean;
  /** Answer with the engine's state after the batch (a checkpoint). */
  readonly snapshot: boolean;
}

/** Reading thread → worker: scan a block of NDJSON lines (scan.ts), the first pass. */
export interface ScanMessage {
  readonly kind: "scan";
  /** The block's number, counted from 0 in input order. */
  readonly block: number;
  readonly sab: SharedArrayBuffer;
  readonly length: number;
  /** The block starts the input (a byte order mark is dropped). */
  readonly first: boolean;
}

/** Worker → reading thread: what a block holds, line by line. */
export interface ScanReply extends BlockScan {
  readonly kind: "scan";
  readonly block: number;
}

/** A batch boundary in a {@link FeedMessage}: after `at` events, {@link BatchMessage}'s `tick`, `end`, `snapshot`. */
export interface Bound {
  readonly at: number;
  readonly tick: number | null;
  readonly tickLine: number;
  readonly end: boolean;
  readonly snapshot: boolean;
}

/** Reading thread → worker: the second pass, this worker's events of one block and the batch boundaries among them. */
export interface FeedMessage {
  readonly kind: "feed";
  readonly block: number;
  /** The block (null when it holds no events of this worker's). */
  readonly sab: SharedArrayBuffer | null;
  /** The block is all ASCII (scan.ts): its lines are read as Latin-1, much faster than UTF-8. */
  readonly ascii: boolean;
  /** Per event, 4 numbers: its line's index in the block, its input line, its text's start and end in the block. */
  readonly events: Int32Array;
  readonly bounds: Bound[];
}

/** Which output an item goes to. */
export const TO_OUTPUT = 0;
export const TO_ERRORS = 1;
export const TO_LATE = 2;

/** One line of output, placed. */
export interface Item {
  /** The input line whose push (or watermark) made it. */
  readonly line: number;
  /** Made by a watermark or the end (merged by {@link key}), not during a push. */
  readonly tick: boolean;
  /** The record key (order.ts) of a record made by a watermark or the end; null otherwise. */
  readonly key: number[] | null;
  /** {@link TO_OUTPUT}, {@link TO_ERRORS} or {@link TO_LATE}. */
  readonly to: number;
  /** The line to write: a record, an error or a late event, as `cep run` writes it. */
  readonly text: string;
  /** Records: the pattern's index in the program; −1 otherwise. */
  readonly pattern: number;
  readonly timeout: boolean;
}

/** Counters a worker reports at the end. */
export interface WorkerCounts {
  events: number;
  bad: number;
  late: number;
  missingKeys: number;
  unkeyed: number;
  schemaErrors: number;
  dropped: number;
}

/** Worker → reading thread: what one batch made. */
export type Reply =
  | ScanReply
  /** The batch replies of one {@link FeedMessage}, in order. */
  | { readonly kind: "replies"; readonly replies: Reply[] }
  | {
      readonly kind: "batch";
      readonly items: Item[];
      readonly warnings: string[];
      /** Live partial matches after the batch (progress display), and events taken so far. */
      readonly partials: number;
      readonly events: number;
      /** When the batch asked for it. */
      readonly state?: WorkerState;
      /** With the last batch. */
      readonly counts?: WorkerCounts;
    }
  | { readonly kind: "failed"; readonly message: string };
