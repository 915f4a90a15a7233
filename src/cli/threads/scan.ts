/**
 * The first pass over a block of NDJSON lines in a worker of `cep run --threads`
 * (docs/cli.md "Threads"): the workers take turns scanning the input's blocks, in
 * parallel, and the reading thread then judges time over compact arrays only. Per
 * physical line it finds what `cep run` finds (io/lines.ts `scanLines`, then `parseEvent`
 * and the time rules of classify.ts): blank, a bad line and why, a watermark, or an event
 * with its time and the worker of its partition key, plus its bytes' place in the block.
 * Nothing is kept: each worker later parses its own events (worker.ts `feed`), so no parsed
 * event waits here for the reading thread's answer (kept, they outlived the young
 * generation and cost more garbage collection than parsing them again saves).
 *
 * A block holds whole lines: every line but possibly the input's last ends with `\n`
 * inside it (blocks.ts cuts them so).
 */
import { isAscii, isUtf8 } from "node:buffer";
import { parseEvent } from "../../io/json.js";
import { isBlank, MAX_LINE_BYTES } from "../../io/lines.js";
import { BAD, type Classified, classify } from "./classify.js";
import type { RecordFields } from "./fields.js";

/** A line that is blank (skipped, not counted as a record). */
export const BLANK = 0;

/** What {@link scanBlock} found, one entry per physical line. */
export interface BlockScan {
  /** Physical lines in the block (blank ones included). */
  readonly count: number;
  /** Per line: {@link BLANK}, classify.ts `EVENT`, `WATERMARK` or `BAD`. */
  readonly status: Uint8Array;
  /** Per line: an event's time or a watermark's value. */
  readonly times: Float64Array;
  /** Per line: the worker of an event's partition key. */
  readonly owners: Uint16Array;
  /** Per line: where its text starts and ends in the block, in bytes (without `\r`, or a leading byte order mark). */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** The bad lines: their index in the block, why, and the text a report quotes. */
  readonly bad: { i: number; reason: string; text: string }[];
  /** The block is all ASCII (a line's text is then its bytes as Latin-1). */
  readonly ascii: boolean;
}

const NL = 10;
const CR = 13;
const REPLACEMENT = "\uFFFD";

/**
 * Scans `block` (`first`: it starts the input, so a byte order mark is dropped), reading
 * each record with `fields` (the run's time field is `timeField`).
 */
export function scanBlock(block: Buffer, first: boolean, fields: RecordFields, timeField: string): BlockScan {
  // Pure ASCII (the usual NDJSON) is decoded as Latin-1: the same text, ~70× faster than UTF-8.
  const ascii = isAscii(block);
  const text = block.toString(ascii ? "latin1" : "utf8");
  const lines = text.split("\n");
  // A block ends with `\n` except at the end of the input: then its last line has none.
  if (block.length > 0 && block[block.length - 1] === NL) lines.pop();
  const count = lines.length;
  const status = new Uint8Array(count);
  const times = new Float64Array(count);
  const owners = new Uint16Array(count);
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  const bad: BlockScan["bad"] = [];
  // ASCII: characters are bytes, so offsets in the text are offsets in the block.
  const checkUtf8 = !ascii && text.indexOf(REPLACEMENT) !== -1;
  const verdict: Classified = { time: 0, reason: "" };
  let at = 0; // the line's first byte
  for (let i = 0; i < count; i++) {
    let line = lines[i];
    const end = ascii ? at + line.length : lineEnd(block, at);
    let from = at;
    let to = end;
    at = end + 1;
    // 1. As scanLines hands it over: without `\r`, the first line without a byte order mark.
    if (line.length !== 0 && line.charCodeAt(line.length - 1) === CR) {
      line = line.slice(0, -1);
      to--;
    }
    if (first && i === 0 && line.charCodeAt(0) === 0xfeff) {
      line = line.slice(1);
      from += 3;
    }
    starts[i] = from;
    ends[i] = to;
    if (isBlank(line)) continue; // BLANK
    // 2. Lines scanLines reports.
    if (line.length > MAX_LINE_BYTES / 3 && Buffer.byteLength(line) > MAX_LINE_BYTES) {
      status[i] = BAD;
      bad.push({ i, reason: "line too long", text: line.slice(0, 200) });
      continue;
    }
    if (checkUtf8 && line.indexOf(REPLACEMENT) !== -1 && !isUtf8(block.subarray(from, to))) {
      status[i] = BAD;
      bad.push({ i, reason: "invalid UTF-8", text: line });
      continue;
    }
    // 3. Read as the reading thread reads a record (fields.ts), parsed only when it must be.
    if (!fields.peek(line)) {
      const value = parseEvent(line);
      if (typeof value === "string") {
        status[i] = BAD;
        bad.push({ i, reason: value, text: line });
        continue;
      }
      fields.read(value);
    }
    const s = classify(fields.wm, fields.hasWm, fields.time, timeField, verdict);
    status[i] = s;
    if (s === BAD) bad.push({ i, reason: verdict.reason, text: line });
    else {
      times[i] = verdict.time;
      owners[i] = fields.worker;
    }
  }
  return { count, status, times, owners, starts, ends, bad, ascii };
}

/** The offset of the `\n` ending the line that starts at `at` (or the block's end). */
function lineEnd(block: Buffer, at: number): number {
  const nl = block.indexOf(NL, at);
  return nl === -1 ? block.length : nl;
}
