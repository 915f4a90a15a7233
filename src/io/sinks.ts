/**
 * Line outputs: records, error lines and late events, one JSON text per line.
 *
 * Writes are batched: lines are appended to a string (V8 keeps it as a rope, so this
 * does not copy) and handed to the stream in writes of about 64 KiB, so a run costs a
 * few hundred `write` calls per million records, not one each. Backpressure is
 * cooperative: `write` never blocks (records are produced synchronously inside
 * `engine.push`), and the reader awaits `ready()` between input chunks.
 *
 * Files are written through their handle ({@link FileSink}), which can also fsync and
 * report the length written (checkpoints).
 *
 * A sink never throws on a failed write: it keeps the first error (`error`), drops what
 * comes after, and the caller decides (`cep run` stops and exits 2). {@link LineSink.drain}
 * waits until everything written so far has reached the destination or failed, so a
 * caller can know that a line was really written before it claims so (checkpoints).
 *
 * ```ts
 * const out = await openFileSink("matches.ndjson");
 * out.write(JSON.stringify(record));
 * await out.ready();   // between input chunks
 * await out.close();
 * ```
 */
import { type FileHandle, open } from "node:fs/promises";
import type { Writable } from "node:stream";
import { eventJson } from "./event-text.js";
import { snippet } from "./events.js";

/** Where lines go. */
export interface LineSink {
  /** Appends one line (without its `\n`). Never throws; a failed sink drops lines. */
  write(line: string): void;
  /** A promise while the sink is over its buffer limit; `undefined` when it can take more now. */
  ready(): Promise<void> | undefined;
  /**
   * Hands every line written so far to the destination and waits until it took them or
   * failed; `error` is set afterwards when it failed. Does not fsync.
   */
  drain(): Promise<void>;
  /** Flushes everything; closes the file for file sinks. */
  close(): Promise<void>;
  /** The first write error (EPIPE when the reader went away, ENOSPC, …), else null. */
  readonly error: Error | null;
}

/** Bytes (roughly: UTF-16 units) gathered before one `stream.write`. */
const BATCH = 64 * 1024;

/** A {@link LineSink} over a Node stream: stdout, stderr, a file stream. */
export class StreamSink implements LineSink {
  error: Error | null = null;
  private buf = "";
  private waiting: Promise<void> | null = null;
  private release: (() => void) | null = null;

  /**
   * @param stream the destination
   * @param endOnClose end the stream on `close()` (files: yes; stdout/stderr: no)
   */
  constructor(
    private readonly stream: Writable,
    private readonly endOnClose: boolean,
  ) {
    stream.on("error", (err: Error) => {
      this.error ??= err;
      this.unblock();
    });
  }

  write(line: string): void {
    this.buf += line;
    this.buf += "\n";
    if (this.buf.length >= BATCH) this.flush();
  }

  ready(): Promise<void> | undefined {
    return this.waiting ?? undefined;
  }

  /** Hands the gathered lines to the stream now. */
  flush(): void {
    const text = this.buf;
    if (text.length === 0) return;
    this.buf = "";
    if (this.error !== null || this.stream.destroyed) return;
    if (!this.stream.write(text) && this.waiting === null) {
      this.waiting = new Promise<void>((resolve) => {
        this.release = resolve;
      });
      this.stream.once("drain", () => this.unblock());
    }
  }

  async drain(): Promise<void> {
    await this.settle(false);
  }

  async close(): Promise<void> {
    await this.settle(this.endOnClose);
  }

  /** Flushes, then waits for the stream to take everything (ending it when `end`). */
  private async settle(end: boolean): Promise<void> {
    this.flush();
    const stream = this.stream;
    if (this.error !== null || stream.destroyed) return;
    await new Promise<void>((resolve) => {
      const done = (err?: Error | null): void => {
        stream.off("error", done);
        // The stream's own "error" event, which names the real cause, comes a tick later
        // than a callback's error (which may just say the stream was destroyed).
        setImmediate(() => {
          if (err) this.error ??= err;
          resolve();
        });
      };
      stream.once("error", done);
      if (end) stream.end(done);
      else stream.write("", done);
    });
  }

  private unblock(): void {
    const release = this.release;
    this.waiting = null;
    this.release = null;
    release?.();
  }
}

/** Keeps lines in memory (`cep test`, tests). */
export class MemorySink implements LineSink {
  readonly lines: string[] = [];
  readonly error = null;
  write(line: string): void {
    this.lines.push(line);
  }
  ready(): undefined {
    return undefined;
  }
  async drain(): Promise<void> {}
  async close(): Promise<void> {}
}

/** Bytes handed to the file but not yet written, above which {@link FileSink.ready} asks the reader to wait. */
const FILE_HIGH_WATER = 1 << 20;

/**
 * A {@link LineSink} over a file, written through its handle at explicit positions. Besides
 * writing, it can make what it has written durable and say how long the file is
 * ({@link sync}): checkpoints record that length, and a resumed run truncates the file
 * back to it ({@link openFileSink} with `resumeAt`).
 */
export class FileSink implements LineSink {
  error: Error | null = null;
  private buf = "";
  /** File offset of the next batch; once every queued write is done, the file's length. */
  private position: number;
  /** The queued writes, in order; never rejects. */
  private chain: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private closed = false;

  constructor(
    private readonly handle: FileHandle,
    start: number,
  ) {
    this.position = start;
  }

  write(line: string): void {
    this.buf += line;
    this.buf += "\n";
    if (this.buf.length >= BATCH) this.flush();
  }

  ready(): Promise<void> | undefined {
    return this.inFlight > FILE_HIGH_WATER ? this.chain : undefined;
  }

  /** Hands the gathered lines to the file now (the write completes later). */
  flush(): void {
    const text = this.buf;
    if (text.length === 0) return;
    this.buf = "";
    if (this.error !== null || this.closed) return;
    const data = Buffer.from(text, "utf8");
    const at = this.position;
    this.position += data.length;
    this.inFlight += data.length;
    this.chain = this.chain.then(async () => {
      try {
        if (this.error === null) await writeFully(this.handle, data, at);
      } catch (err) {
        this.error ??= err as Error;
      } finally {
        this.inFlight -= data.length;
      }
    });
  }

  async drain(): Promise<void> {
    this.flush();
    await this.chain;
  }

  /**
   * Writes out everything written so far, fsyncs the file and returns its length in
   * bytes. Rejects with the sink's error when a write failed.
   */
  async sync(): Promise<number> {
    await this.drain();
    if (this.error !== null) throw this.error;
    await this.handle.sync();
    return this.position;
  }

  async close(): Promise<void> {
    this.flush();
    await this.chain;
    if (this.closed) return;
    this.closed = true;
    try {
      await this.handle.close();
    } catch (err) {
      this.error ??= err as Error;
    }
  }
}

/** `handle.write` until every byte of `data` is at `position`. */
async function writeFully(handle: FileHandle, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

/** Options of {@link openFileSink}. */
export interface FileSinkOptions {
  /**
   * Keep the file's first `resumeAt` bytes and write after them, dropping the rest (a
   * run resumed from a checkpoint). Rejects with code `ESHORT` when the file is missing
   * or shorter. Default: create or truncate.
   */
  resumeAt?: number;
}

/** Opens (creates or truncates) `path` for writing; rejects with the system error (ENOENT, EACCES, EISDIR…). */
export async function openFileSink(path: string, options: FileSinkOptions = {}): Promise<FileSink> {
  const keep = options.resumeAt ?? 0;
  if (keep === 0) return new FileSink(await open(path, "w"), 0);
  let handle: FileHandle;
  try {
    handle = await open(path, "r+");
  } catch (err) {
    if ((err as { code?: unknown }).code !== "ENOENT") throw err;
    throw shortFile(`${path} is missing; a checkpoint recorded ${keep} bytes of it`);
  }
  try {
    const size = (await handle.stat()).size;
    if (size < keep)
      throw shortFile(`${path} has ${size} bytes, fewer than the ${keep} a checkpoint recorded`);
    await handle.truncate(keep);
    return new FileSink(handle, keep);
  } catch (err) {
    await handle.close();
    throw err;
  }
}

function shortFile(message: string): Error {
  return Object.assign(new Error(message), { code: "ESHORT" });
}

/** An error line: `{"file","line","reason","text"}`, `text` cut to 200 characters (language.md §6). */
export function errorRecord(file: string, line: number | null, reason: string, text: string): string {
  return JSON.stringify({ file, line, reason, text: snippet(text) });
}

/**
 * A late-event line for `--late`: `{"file","line","reason","event"}` (cli.md), the event
 * written as read when its input text is kept (event-text.ts).
 */
export function lateRecord(file: string, line: number | null, reason: string, event: unknown): string {
  return `${JSON.stringify({ file, line, reason }).slice(0, -1)},"event":${eventJson(event)}}`;
}
