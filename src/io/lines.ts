/**
 * Physical lines out of a byte stream, fast: big chunks are split on `\n` with
 * `Buffer.indexOf`, every complete line of a chunk is decoded in one `toString`, and
 * lines are handed to a callback (no object per line, no promise per line).
 *
 * A line is what lies between two `\n`; a `\r` just before the `\n` is dropped, a lone
 * `\r` is content. Lines are numbered from 1, blank ones included. A line longer than
 * {@link MAX_LINE_BYTES} is reported through `tooLong` with its first bytes only: the
 * rest is skipped as it streams by, never held whole. A line whose bytes are not valid
 * UTF-8 is reported through `invalidUtf8` (decoding would turn each bad byte into U+FFFD and
 * make different lines equal). Checking costs nothing on clean input: a chunk's lines are
 * decoded at once and only a decoded text holding U+FFFD has its lines' bytes checked (a
 * real U+FFFD, `EF BF BD`, is valid and stays). A character split by a chunk boundary is
 * decoded whole (the unfinished line's bytes are carried over, never decoded in halves).
 *
 * Checkpoints (`cep run --checkpoint`): a `line` callback may return `true` to ask for a
 * pause right after that line; the scanner then awaits `onPause` with the exact
 * {@link ScanPosition} after it (the byte offset just past its `\n` and its line
 * number). Reading resumes later from such a position by opening the file at that byte
 * offset and passing the position as `start`: line numbers and byte offsets go on from
 * there. Offsets count raw bytes, so they stay exact with invalid UTF-8 and `\r\n`.
 *
 * ```ts
 * await scanLines(fs.createReadStream("events.ndjson"), {
 *   line: (n, text) => console.log(n, text),
 *   tooLong: (n, prefix) => console.error(n, "line too long"),
 *   invalidUtf8: (n, text) => console.error(n, "invalid UTF-8"),
 * });
 * ```
 */
import { isAscii, isUtf8 } from "node:buffer";

/** Longest accepted line, in bytes (1 MiB, language.md §6). */
export const MAX_LINE_BYTES = 1 << 20;

/** Bytes kept from a too-long line to show its beginning in an error record. */
const PREFIX_BYTES = 1024;

/** Receives the lines of {@link scanLines}, synchronously, in order. */
export interface LineHandler {
  /**
   * A complete line, without its terminator. Returning exactly `true` asks for a pause
   * after it (`onPause`); any other result is ignored.
   */
  line(lineNo: number, text: string): unknown;
  /** A line over the limit; `prefix` is its beginning (at least 200 characters when it has them). */
  tooLong(lineNo: number, prefix: string): void;
  /** A line whose bytes are not valid UTF-8; `text` is its decoding (bad bytes as U+FFFD). */
  invalidUtf8(lineNo: number, text: string): void;
}

export interface ScanOptions {
  /** Skip lines that are empty or whitespace only (they still count for numbering). Default true. */
  skipBlank?: boolean;
  /** Default {@link MAX_LINE_BYTES}. */
  maxLineBytes?: number;
  /**
   * Called after each chunk with the bytes consumed so far; awaited when it returns a
   * promise, which is how a caller applies output backpressure to reading.
   */
  afterChunk?: (bytesRead: number) => undefined | Promise<void>;
  /**
   * Where `input` starts in its file: the byte offset of its first byte and the number
   * of lines before it (a resumed read). Default: the beginning, line 0. Offsets reported
   * by `afterChunk` and `onPause` count from the beginning of the file.
   */
  start?: ScanPosition;
  /**
   * Awaited after a line whose `line` callback returned `true`, with the position just
   * after that line; reading goes on when it resolves.
   */
  onPause?: (position: ScanPosition) => undefined | Promise<void>;
}

/** A place in a line-oriented file: between two lines. */
export interface ScanPosition {
  /** Bytes from the beginning of the file to the start of the next line. */
  readonly offset: number;
  /** Lines (physical, blank ones included) before that point. */
  readonly line: number;
}

const NL = 10;
const CR = 13;
/** What a UTF-8 decoder puts for a byte sequence it cannot read. */
const REPLACEMENT = "\uFFFD";

/** Feeds every line of `input` to `handler`; resolves at the end of the input with the position there. */
export async function scanLines(
  input: AsyncIterable<Buffer | string>,
  handler: LineHandler,
  options: ScanOptions = {},
): Promise<ScanPosition> {
  const skipBlank = options.skipBlank ?? true;
  const max = options.maxLineBytes ?? MAX_LINE_BYTES;
  // A line of u UTF-16 units has between u and 3u UTF-8 bytes: only lines longer than
  // max/3 units need their byte length measured.
  const measureAbove = Math.floor(max / 3);
  const afterChunk = options.afterChunk;
  const onPause = options.onPause;
  const base = options.start?.offset ?? 0;

  let lineNo = options.start?.line ?? 0; // lines completed so far
  let carry: Buffer[] = []; // the unfinished line's bytes, chunk by chunk
  let carryLen = 0;
  let skipping = false; // inside a too-long line: discard until its `\n`
  let skipPrefix = "";
  let bytesRead = base; // from the beginning of the file

  /**
   * Hands one line over; true when the handler asked for a pause after it. `invalid`: its
   * bytes are not valid UTF-8.
   */
  const emit = (text: string, invalid: boolean): boolean => {
    lineNo++;
    const n = text.length;
    if (n !== 0 && text.charCodeAt(n - 1) === CR) text = text.slice(0, n - 1);
    // A byte order mark is not part of the first line.
    if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (skipBlank && isBlank(text)) return false;
    if (text.length > measureAbove && Buffer.byteLength(text) > max) {
      handler.tooLong(lineNo, text.slice(0, 200));
      return false;
    }
    if (invalid) {
      handler.invalidUtf8(lineNo, text);
      return false;
    }
    return handler.line(lineNo, text) === true;
  };

  /** {@link emit} for one line's bytes (a line that spanned chunks, or the last one). */
  const emitBytes = (bytes: Buffer): boolean => {
    const text = bytes.toString("utf8");
    return emit(text, text.indexOf(REPLACEMENT) !== -1 && !isUtf8(bytes));
  };

  const startSkipping = (): void => {
    const head = Buffer.concat(carry, Math.min(carryLen, PREFIX_BYTES));
    skipPrefix = head.toString("utf8", 0, Math.min(head.length, PREFIX_BYTES));
    carry = [];
    carryLen = 0;
    skipping = true;
  };

  for await (const raw of input) {
    const chunk = typeof raw === "string" ? Buffer.from(raw) : raw;
    const chunkStart = bytesRead; // file offset of chunk[0]
    bytesRead += chunk.length;
    let pos = 0;

    // 1. Finish the line left open by the previous chunk.
    if (skipping || carryLen !== 0) {
      const nl = chunk.indexOf(NL, pos);
      if (nl === -1) {
        if (!skipping) {
          carry.push(Buffer.from(chunk.subarray(pos)));
          carryLen += chunk.length - pos;
          if (carryLen > max) startSkipping();
        }
        if (afterChunk) await afterChunk(bytesRead);
        continue;
      }
      if (skipping) {
        skipping = false;
        lineNo++;
        handler.tooLong(lineNo, skipPrefix.slice(0, 200));
      } else {
        carry.push(chunk.subarray(pos, nl));
        carryLen += nl - pos;
        const whole = Buffer.concat(carry, carryLen);
        carry = [];
        carryLen = 0;
        if (whole.length > max) {
          lineNo++;
          handler.tooLong(lineNo, whole.toString("utf8", 0, PREFIX_BYTES).slice(0, 200));
        } else if (emitBytes(whole) && onPause) {
          await onPause({ offset: chunkStart + nl + 1, line: lineNo });
        }
      }
      pos = nl + 1;
    }

    // 2. Every complete line of the chunk, decoded at once (all-ASCII bytes, the usual
    // case, as Latin-1: the same text without UTF-8's checks).
    const last = chunk.lastIndexOf(NL);
    if (last >= pos) {
      const text = isAscii(chunk.subarray(pos, last))
        ? chunk.toString("latin1", pos, last)
        : chunk.toString("utf8", pos, last);
      // For pauses: the k-th line of `text` ends at the k-th `\n` byte from `pos` (a UTF-8
      // decoder never merges an ASCII byte into a replacement character), found lazily.
      let cursor = pos;
      let cursorLines = 0;
      // One native split (as a bare `JSON.parse` loop does) rather than an indexOf and a
      // slice per line: `cep run` over 1M short lines spent ~9% of its time on the latter.
      const lines = text.split("\n");
      if (text.indexOf(REPLACEMENT) === -1) {
        for (let i = 0; i < lines.length; i++) {
          if (emit(lines[i], false) && onPause) {
            while (cursorLines <= i) {
              cursor = chunk.indexOf(NL, cursor) + 1;
              cursorLines++;
            }
            await onPause({ offset: chunkStart + cursor, line: lineNo });
          }
        }
      } else {
        // Some line may hold invalid UTF-8: follow each line's bytes, check those with U+FFFD.
        for (let i = 0; i < lines.length; i++) {
          const end = chunk.indexOf(NL, cursor);
          const line = lines[i];
          const invalid = line.indexOf(REPLACEMENT) !== -1 && !isUtf8(chunk.subarray(cursor, end));
          cursor = end + 1;
          if (emit(line, invalid) && onPause) await onPause({ offset: chunkStart + cursor, line: lineNo });
        }
      }
      pos = last + 1;
    }

    // 3. Keep the unfinished tail (copied: a source may reuse its buffers).
    if (pos < chunk.length) {
      carry.push(Buffer.from(chunk.subarray(pos)));
      carryLen += chunk.length - pos;
      if (carryLen > max) startSkipping();
    }
    if (afterChunk) await afterChunk(bytesRead);
  }

  // A last line without `\n`.
  if (skipping) {
    lineNo++;
    handler.tooLong(lineNo, skipPrefix.slice(0, 200));
  } else if (carryLen !== 0) {
    const whole = Buffer.concat(carry, carryLen);
    if (whole.length > max) {
      lineNo++;
      handler.tooLong(lineNo, whole.toString("utf8", 0, PREFIX_BYTES).slice(0, 200));
    } else if (emitBytes(whole) && onPause) {
      await onPause({ offset: bytesRead, line: lineNo });
    }
  }
  return { offset: bytesRead, line: lineNo };
}

/** Empty or only whitespace. */
export function isBlank(text: string): boolean {
  if (text.length === 0) return true;
  const c = text.charCodeAt(0);
  // Fast exit for the usual `{`: only a line starting with whitespace can be blank.
  if (c > 32 && c !== 0xa0 && c < 0x1680) return false;
  return text.trim().length === 0;
}

/** One line of {@link readLines}. */
export interface SourceLine {
  /** 1-based physical line number. */
  line: number;
  /** The line without its terminator; for a too-long line, its beginning. */
  text: string;
  /** Set when the line is over the limit (its text is then only a prefix). */
  tooLong?: true;
  /** Set when the line's bytes are not valid UTF-8 (its text is their decoding, with U+FFFD). */
  invalidUtf8?: true;
}

/**
 * The same lines as an async iterable, for callers that prefer a loop to a callback.
 * Slower than {@link scanLines} (an object per line); `cep run` uses the callback.
 * Leaving the loop early stops reading (the input's iterator is returned).
 */
export async function* readLines(
  input: AsyncIterable<Buffer | string>,
  options: Omit<ScanOptions, "afterChunk"> = {},
): AsyncGenerator<SourceLine> {
  let batch: SourceLine[] = [];
  let cancelled = false;
  let finished = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null; // the consumer waits for a chunk
  let proceed: (() => void) | null = null; // the scanner waits for the consumer

  const handler: LineHandler = {
    line: (line, text) => {
      batch.push({ line, text });
    },
    tooLong: (line, text) => {
      batch.push({ line, text, tooLong: true });
    },
    invalidUtf8: (line, text) => {
      batch.push({ line, text, invalidUtf8: true });
    },
  };
  async function* guarded(): AsyncGenerator<Buffer | string> {
    for await (const chunk of input) {
      if (cancelled) return;
      yield chunk;
    }
  }
  const afterChunk = (): Promise<void> =>
    new Promise<void>((res) => {
      proceed = res;
      wake?.();
    });
  scanLines(guarded(), handler, { ...options, afterChunk }).then(
    () => {
      finished = true;
      wake?.();
    },
    (err: unknown) => {
      failure = err;
      finished = true;
      wake?.();
    },
  );

  try {
    for (;;) {
      if (!finished && proceed === null) {
        await new Promise<void>((res) => {
          wake = res;
        });
      }
      wake = null;
      const out = batch;
      batch = [];
      yield* out;
      if (finished) {
        if (failure !== null) throw failure;
        yield* batch;
        return;
      }
      const next = proceed as (() => void) | null;
      proceed = null;
      next?.();
    }
  } finally {
    if (!finished) {
      cancelled = true;
      (proceed as (() => void) | null)?.();
    }
  }
}
