/**
 * Following an input as it grows (`cep run --follow`), as `tail -F` does: a file is read
 * to its end, then waits for more (woken by a watch on its directory, polled every 20 ms
 * in case the watch misses it); when the path comes to name another file (rotation:
 * the old one renamed, a new one created) or the file gets shorter than what was read
 * (truncation), the rest of the old file is read and reading goes on from the start of the
 * file now at the path. Stdin is read until it ends. Either stops when `signal` aborts.
 *
 * Only complete lines are handed on: bytes after the last `\n` wait for the rest of their
 * line, so a line being written is never read in halves, and a run stopped by a signal
 * stands exactly after its last complete line (a resumed run reads the rest). The last
 * line of a rotated or truncated file gets a `\n` if it lacks one (it is over).
 *
 * Each incarnation of the file is one part (`chunks`, then `next()`): byte offsets and
 * line numbers of a part count from its own start, so checkpoints and error records name
 * positions in the file as it is now.
 */
import { type FSWatcher, type Stats, watch } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import { basename, dirname } from "node:path";
import type { InputSource } from "./source.js";

/** How often a followed file is looked at when nothing new was there (ms). */
export const FOLLOW_POLL_MS = 20;

/** Bytes read at once. */
const READ_CHUNK = 1 << 20;
const NEWLINE = Buffer.from("\n");

/** Follows `path` from byte `start` until `signal` aborts; rejects with the system error when it cannot be opened. */
export async function followFile(
  path: string,
  start: number,
  signal: AbortSignal,
  pollMs = FOLLOW_POLL_MS,
): Promise<InputSource> {
  const handle = await open(path, "r");
  let st: Stats;
  try {
    st = await handle.stat();
    if (st.isDirectory()) {
      throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${path}'`), {
        code: "EISDIR",
      });
    }
    if (!st.isFile()) {
      throw Object.assign(new Error(`--follow needs a regular file or stdin, and ${path} is not a file`), {
        code: "ENOTFILE",
      });
    }
  } catch (err) {
    await handle.close();
    throw err;
  }
  return new Follower(path, handle, st, start, signal, pollMs).source();
}

/**
 * Reads `stdin` until it ends or `signal` aborts (the line being written then is dropped:
 * stdin cannot be resumed). `release` is called on a stop: a read still pending keeps the
 * iterator busy, so only destroying the stream lets the process end.
 */
export function followStdin(
  stdin: AsyncIterable<Buffer | string>,
  signal: AbortSignal,
  release: () => void = () => {},
): InputSource {
  const state = { stopped: false };
  async function* chunks(): AsyncGenerator<Buffer | string> {
    const it = stdin[Symbol.asyncIterator]();
    const aborted = new Promise<null>((resolve) => {
      if (signal.aborted) resolve(null);
      signal.addEventListener("abort", () => resolve(null), { once: true });
    });
    try {
      for (;;) {
        const r = await Promise.race([it.next(), aborted]);
        if (r === null) {
          state.stopped = true;
          release();
          return;
        }
        if (r.done === true) return;
        yield r.value;
      }
    } finally {
      if (!state.stopped) void it.return?.();
    }
  }
  return {
    name: "-",
    chunks: chunks(),
    size: null,
    close: () => {},
    get stopped() {
      return state.stopped;
    },
  };
}

/** One followed file: its handle, where reading stands, and what it saw at the end of the last read. */
class Follower {
  /** Set once the signal stopped reading. */
  stopped = false;
  /** Why the current part ended: the path names another file, or the file got shorter. */
  private change: "rotated" | "truncated" | null = null;

  constructor(
    private readonly path: string,
    private handle: FileHandle,
    private st: Stats,
    private pos: number,
    private readonly signal: AbortSignal,
    private readonly pollMs: number,
  ) {}

  source(): InputSource {
    const self = this;
    return {
      name: this.path,
      chunks: this.part(),
      size: this.st.size,
      close: () => {
        self.unwatch();
        void self.handle.close().catch(() => {});
      },
      next: () => this.next(),
      get stopped() {
        return self.stopped;
      },
    };
  }

  /** The file's complete lines from `pos` on, until it is rotated or truncated, or the signal stops it. */
  private async *part(): AsyncGenerator<Buffer> {
    let tail: Buffer | null = null;
    let lastLook = false;
    for (;;) {
      if (this.signal.aborted) {
        this.stopped = true;
        return;
      }
      const buf = Buffer.allocUnsafe(READ_CHUNK);
      const { bytesRead } = await this.handle.read(buf, 0, READ_CHUNK, this.pos);
      if (bytesRead > 0) {
        this.pos += bytesRead;
        let data = buf.subarray(0, bytesRead);
        if (tail !== null) data = Buffer.concat([tail, data]);
        const nl = data.lastIndexOf(10);
        tail = nl === data.length - 1 ? null : Buffer.from(data.subarray(nl + 1));
        if (nl >= 0) yield data.subarray(0, nl + 1);
        continue;
      }
      const change = await this.look();
      if (change !== null) {
        // Bytes written to the old file just before it was renamed: one more read first.
        if (change === "rotated" && !lastLook) {
          lastLook = true;
          continue;
        }
        if (tail !== null) yield Buffer.concat([tail, NEWLINE]);
        this.change = change;
        return;
      }
      await this.sleep();
    }
  }

  /** Whether the path now names another file, or the file is shorter than what was read. */
  private async look(): Promise<"rotated" | "truncated" | null> {
    let now: Stats;
    try {
      now = await stat(this.path);
    } catch {
      return null; // renamed away, the new one not there yet: wait for it
    }
    if (now.ino !== this.st.ino || now.dev !== this.st.dev) return "rotated";
    if (now.size < this.pos) return "truncated";
    return null;
  }

  /** The next part: the file now at the path, from its start; null when the signal stopped reading. */
  private async next(): Promise<AsyncIterable<Buffer> | null> {
    if (this.stopped || this.change === null) return null;
    if (this.change === "rotated") {
      for (;;) {
        try {
          const handle = await open(this.path, "r");
          await this.handle.close().catch(() => {});
          this.handle = handle;
          this.st = await handle.stat();
          break;
        } catch {
          // Gone again between the look and the open: wait for the next one.
          if (this.signal.aborted) {
            this.stopped = true;
            return null;
          }
          await this.sleep();
        }
      }
    }
    this.pos = 0;
    this.change = null;
    return this.part();
  }

  /** Waits `pollMs`, or less when the file's directory reports a change or the signal aborts. */
  private sleep(): Promise<void> {
    this.watchDirectory();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        this.signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, this.pollMs);
      this.wake = done;
      this.signal.addEventListener("abort", done, { once: true });
    });
  }

  /** Ends the current {@link sleep} early (a change was reported). */
  private wake: (() => void) | null = null;
  private watcher: FSWatcher | null | undefined;

  /**
   * A watch on the file's directory (so a new file at the path is seen too) wakes the
   * reader at once; the poll stays, for file systems where watching misses changes.
   */
  private watchDirectory(): void {
    if (this.watcher !== undefined) return;
    const name = basename(this.path);
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, file) => {
        if (file === null || file.toString() === name) this.wake?.();
      });
      this.watcher.on("error", () => this.watcher?.close());
    } catch {
      this.watcher = null; // not watchable here: polling alone
    }
  }

  /** Stops watching (the input is closed). */
  unwatch(): void {
    this.watcher?.close();
  }
}
