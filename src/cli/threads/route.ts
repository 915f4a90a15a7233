/**
 * The reading thread's per-line reads, kept allocation-free for the common shapes: an
 * integer time and a number or string key are read straight from the line's text (a
 * token io/peek.ts found), everything else through its value. Routing only has to send
 * equal keys to the same worker, and both ways hash the same text: FNV-1a over
 * `keyString` (scaleout/hash.ts), which for a plain integer is its digits and for a
 * string without escapes is its characters.
 */
import { fmix32, fnv1a32String, keyString } from "../../scaleout/hash.js";

const QUOTE = 34;
const BACKSLASH = 92;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * The value of a number token when it is a plain integer (`-?[1-9][0-9]{0,14}` or `0`:
 * exact in a double, and written back the same), else NaN.
 */
export function plainInteger(text: string, start: number, end: number): number {
  let i = start;
  const negative = text.charCodeAt(i) === MINUS;
  if (negative) i++;
  const digits = end - i;
  if (digits < 1 || digits > 15) return Number.NaN;
  let v = 0;
  for (; i < end; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return Number.NaN;
    v = v * 10 + d;
  }
  // A leading zero (`01`) is not JSON, `-0` is written back as `0`: not plain.
  if (digits > 1 && text.charCodeAt(end - digits) === ZERO) return Number.NaN;
  if (negative && v === 0) return Number.NaN;
  return negative ? -v : v;
}

/** The worker (0 ≤ w < n) of a key value; 0 when the event has none. */
export function workerOfValue(v: unknown, n: number): number {
  if (typeof v === "number" && Number.isSafeInteger(v)) return workerOfInteger(v, n);
  return v === undefined || v === null ? 0 : fmix32(fnv1a32String(keyString(v))) % n;
}

const digits = new Uint8Array(16);

/** {@link workerOfValue} of a safe integer: FNV-1a over its decimal digits (its `keyString`), with no string built. */
function workerOfInteger(v: number, n: number): number {
  let h = FNV_OFFSET;
  if (v < 0) h = Math.imul(h ^ MINUS, FNV_PRIME);
  let a = Math.abs(v);
  let k = 0;
  do {
    digits[k++] = ZERO + (a % 10);
    a = Math.floor(a / 10);
  } while (a > 0);
  while (k > 0) h = Math.imul(h ^ digits[--k], FNV_PRIME);
  return fmix32(h >>> 0) % n;
}

/**
 * The worker of a key token (its span in `text`) when it can be hashed from the text as
 * it stands — a plain integer, or a string without escapes — else −1 (the caller reads
 * its value and uses {@link workerOfValue}).
 */
export function workerOfToken(text: string, start: number, end: number, n: number): number {
  const c = text.charCodeAt(start);
  let from = start;
  let to = end;
  if (c === QUOTE) {
    from = start + 1;
    to = end - 1;
  } else if (!((c >= ZERO && c <= NINE) || c === MINUS) || Number.isNaN(plainInteger(text, start, end)))
    return -1;
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i);
    if (d === BACKSLASH) return -1;
    // Beyond ASCII, a character's UTF-8 bytes are hashed: fnv1a32String does that.
    if (d >= 0x80) {
      const s = text.slice(from, to);
      return s.includes("\\") ? -1 : fmix32(fnv1a32String(s)) % n;
    }
    h = Math.imul(h ^ d, FNV_PRIME);
  }
  return fmix32(h >>> 0) % n;
}
