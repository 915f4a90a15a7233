/**
 * Line outputs: records, error lines and late events, one JSON text per line.
 *
 * Writes are batched: lines are appended to a string (V8 keeps it as a rope, so this
 * does not copy) and handed to the stream in writes of about 64 KiB, so a run costs a
 * few hundred `write` calls per million records, not one each. Backpressure is
 * cooperative: `write` never blocks (records are produced synchronously inside
 * `engine.push`), and the reader awaits `ready()` between input chunks.
 *
 * ```ts
 * const out = await openFileSink("matches.ndjson");
 * out.write(JSON.stringify(record));
 * await out.ready();   // between input chunks
 * await out.close();
 * ```
 */
import { open } from "node:fs/promises";
import type { Writable } from "node:stream";
import { snippet } from "./events.js";

/** Where lines go. */
export interface LineSink {
  /** Appends one line (without its `\n`). Never throws; a failed sink drops lines. */
  write(line: string): void;
  /** A promise while the sink is over its buffer limit; `undefined` when it can take more now. */
  ready(): Promise<void> | undefined;
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

  async close(): Promise<void> {
    this.flush();
    const stream = this.stream;
    if (this.error !== null || stream.destroyed) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        stream.off("error", done);
        resolve();
      };
      stream.once("error", done);
      if (this.endOnClose) stream.end(done);
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
  async close(): Promise<void> {}
}

/** Opens (creates or truncates) `path` for writing; rejects with the system error (ENOENT, EACCES, EISDIR…). */
export async function openFileSink(path: string): Promise<StreamSink> {
  const handle = await open(path, "w");
  const stream = handle.createWriteStream({ highWaterMark: 1 << 20 });
  return new StreamSink(stream, true);
}

/** An error line: `{"file","line","reason","text"}`, `text` cut to 200 characters (language.md §6). */
export function errorRecord(file: string, line: number | null, reason: string, text: string): string {
  return JSON.stringify({ file, line, reason, text: snippet(text) });
}

/** A late-event line for `--late`: `{"file","line","reason","event"}` (cli.md). */
export function lateRecord(file: string, line: number | null, reason: string, event: unknown): string {
  return JSON.stringify({ file, line, reason, event });
}
