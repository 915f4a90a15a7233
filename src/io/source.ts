/**
 * Opening the event input: a file, or stdin for `-`.
 *
 * Opening happens before anything is read so that an unreadable input is a usage error
 * (exit 2) reported before a single event is processed.
 */
import { open } from "node:fs/promises";

/** An opened input. */
export interface InputSource {
  /** The name for error records: the path as given, `-` for stdin. */
  readonly name: string;
  /** Its bytes, in big chunks. */
  readonly chunks: AsyncIterable<Buffer | string>;
  /** Its size in bytes when known (files), for progress. */
  readonly size: number | null;
  /** Releases the file (when the input is not read to its end). Stdin is left alone. */
  close(): void;
  /**
   * Following (`--follow`, io/follow.ts): called when `chunks` ends; the next part to read
   * — the file now at the path after a rotation or truncation, from its start — or null
   * when reading is over.
   */
  next?(): Promise<AsyncIterable<Buffer | string> | null>;
  /** Following: whether reading stopped on request (a signal) rather than at the end of the input. */
  readonly stopped?: boolean;
}

/** Chunk size for file reads: big reads keep the line scanner in its fast loop. */
const READ_CHUNK = 1 << 20;

/**
 * Opens `path` (or stdin for `-`); rejects with the system error when it cannot be read.
 * `start` (files only) is the byte offset to read from: a resumed run seeks instead of
 * re-reading what it has consumed.
 */
export async function openInput(
  path: string,
  stdin: AsyncIterable<Buffer | string>,
  start = 0,
): Promise<InputSource> {
  if (path === "-") return { name: "-", chunks: stdin, size: null, close: () => {} };
  const handle = await open(path, "r");
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) {
      throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${path}'`), {
        code: "EISDIR",
      });
    }
    const size = stat.isFile() ? stat.size : null;
    const stream = handle.createReadStream({ highWaterMark: READ_CHUNK, start });
    return { name: path, chunks: stream, size, close: () => stream.destroy() };
  } catch (err) {
    await handle.close();
    throw err;
  }
}
