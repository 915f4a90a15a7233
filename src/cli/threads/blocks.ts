/**
 * The reading thread's cut of an NDJSON input into blocks for `cep run --threads`: big
 * runs of whole lines in `SharedArrayBuffer`s, which the workers scan (scan.ts) and then
 * read their own events from, so the reading thread never touches a line itself. Only
 * `\n` is looked for, once per block (`lastIndexOf`), never per line.
 *
 * Lines keep io/lines.ts's limits: a line longer than {@link MAX_LINE_BYTES} (its bytes
 * before `\n`) is not put in a block; it becomes a {@link Block} of its own with the
 * first bytes a report quotes, and the rest is skipped as it streams by. A block grows
 * (up to the limit) when one line does not fit, so memory stays bounded by the block size,
 * the limit, and the blocks in flight.
 */
import { MAX_LINE_BYTES } from "../../io/lines.js";

/** Bytes of a block (a test may ask for tiny ones: `CEP_THREADS_TEST_BLOCK`). */
export const BLOCK_BYTES = 1 << 20;

/** Bytes kept from a too-long line to show its beginning in a report (io/lines.ts). */
const PREFIX_BYTES = 1024;
const NL = 10;

/** One block: whole lines (the input's last one may lack its `\n`), or one too-long line. */
export interface Block {
  /** The lines' bytes (the first `length`), or null for a too-long line. */
  readonly sab: SharedArrayBuffer | null;
  readonly length: number;
  /** A too-long line's beginning, as a report quotes it. */
  readonly prefix: string;
}

/** Cuts a byte stream into {@link Block}s, handed to `onBlock` in input order. */
export class Blocker {
  private buf: Buffer;
  private len = 0;
  /** Inside a too-long line: bytes are dropped until its `\n`. */
  private skipping = false;
  private prefix = "";

  /**
   * `alloc` gives the shared memory of a block of so many bytes (fresh, or one handed over
   * earlier that nobody reads any more).
   */
  private readonly size: number;

  constructor(
    private readonly onBlock: (block: Block) => void,
    private readonly alloc: (bytes: number) => SharedArrayBuffer = (bytes) => new SharedArrayBuffer(bytes),
    size = BLOCK_BYTES,
    private readonly max = MAX_LINE_BYTES,
  ) {
    // No bigger than the limit: a line in a block is then never too long (only a grown
    // block, of limit + 1 bytes, can hold one, and that one is cut out).
    this.size = Math.min(size, max);
    this.buf = this.fresh(this.size);
  }

  /** The next bytes of the input. */
  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.skipping) {
        const nl = chunk.indexOf(NL, pos);
        if (nl === -1) return;
        this.skipping = false;
        this.onBlock({ sab: null, length: 0, prefix: this.prefix });
        pos = nl + 1;
        continue;
      }
      if (this.len === this.buf.length) {
        this.full();
        continue;
      }
      const n = Math.min(this.buf.length - this.len, chunk.length - pos);
      // TypedArray#set: one memcpy (Buffer#copy into shared memory goes byte by byte).
      this.buf.set(chunk.subarray(pos, pos + n), this.len);
      this.len += n;
      pos += n;
    }
  }

  /** The end of the input: what is left is the last block (its last line without `\n`). */
  end(): void {
    if (this.skipping) {
      this.skipping = false;
      this.onBlock({ sab: null, length: 0, prefix: this.prefix });
    } else if (this.len > 0) {
      const last = this.buf.lastIndexOf(NL, this.len - 1);
      if (this.len - last - 1 > this.max) {
        // A last line without `\n`, over the limit (a grown block's whole room).
        if (last !== -1) this.emit(last + 1);
        this.onBlock({ sab: null, length: 0, prefix: this.quote(last + 1) });
      } else this.emit(this.len);
    }
    this.len = 0;
  }

  /** The beginning of the line starting at `from`, as a too-long report quotes it. */
  private quote(from: number): string {
    return this.buf.toString("utf8", from, Math.min(this.len, from + PREFIX_BYTES)).slice(0, 200);
  }

  /** A full block: cut after its last `\n`; with none, the one line grows it or is too long. */
  private full(): void {
    const buf = this.buf;
    const last = buf.lastIndexOf(NL, this.len - 1);
    if (last !== -1) {
      const tail = this.len - last - 1;
      const next = this.fresh(tail > this.size / 2 ? buf.length : this.size);
      next.set(buf.subarray(last + 1, this.len));
      this.emit(last + 1);
      this.buf = next;
      this.len = tail;
    } else if (this.len > this.max) {
      this.prefix = this.quote(0);
      this.skipping = true;
      this.len = 0;
    } else {
      const next = this.fresh(Math.min(2 * buf.length, this.max + 1));
      next.set(buf.subarray(0, this.len));
      this.buf = next;
    }
  }

  private fresh(bytes: number): Buffer {
    return Buffer.from(this.alloc(bytes));
  }

  /** Hands over the current block's first `length` bytes. */
  private emit(length: number): void {
    this.onBlock({ sab: this.buf.buffer as SharedArrayBuffer, length, prefix: "" });
  }
}
