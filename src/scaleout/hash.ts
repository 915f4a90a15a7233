/**
 * Key → partition hashing for the distributed mode (scale-out.md §2.2) and the mixing
 * function of the assignment table (§2.3). Producers and workers must agree bit for bit,
 * so everything here is fixed: FNV-1a 32 over UTF-8 bytes, murmur3's finaliser, and the
 * runtime's canonical JSON for non-string keys.
 */
import { canonicalKey } from "../runtime/values.js";

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * FNV-1a 32-bit hash of a byte string, as an unsigned integer.
 *
 * @example fnv1a32(new TextEncoder().encode("a")) === 0xe40c292c
 */
export function fnv1a32(bytes: Uint8Array): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME);
  return h >>> 0;
}

/**
 * FNV-1a 32-bit hash of the UTF-8 bytes of a string, unsigned. Equals
 * `fnv1a32(new TextEncoder().encode(s))`, lone surrogates included (encoded as U+FFFD),
 * but walks the code points directly so no buffer is allocated per key.
 *
 * @example fnv1a32String("foobar") === 0xbf9cf968
 */
export function fnv1a32String(s: string): number {
  let h = FNV_OFFSET;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, FNV_PRIME);
      continue;
    }
    if (c < 0x800) {
      h = Math.imul(h ^ (0xc0 | (c >> 6)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | (c & 0x3f)), FNV_PRIME);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        h = Math.imul(h ^ (0xf0 | (cp >> 18)), FNV_PRIME);
        h = Math.imul(h ^ (0x80 | ((cp >> 12) & 0x3f)), FNV_PRIME);
        h = Math.imul(h ^ (0x80 | ((cp >> 6) & 0x3f)), FNV_PRIME);
        h = Math.imul(h ^ (0x80 | (cp & 0x3f)), FNV_PRIME);
        continue;
      }
      c = 0xfffd; // a lone surrogate, as TextEncoder and Buffer encode it
    }
    h = Math.imul(h ^ (0xe0 | (c >> 12)), FNV_PRIME);
    h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), FNV_PRIME);
    h = Math.imul(h ^ (0x80 | (c & 0x3f)), FNV_PRIME);
  }
  return h >>> 0;
}

/**
 * Murmur3's 32-bit finaliser (`fmix32`), unsigned. FNV-1a alone mixes short, similar
 * strings such as `w1#7` and `w2#7` badly; this spreads them over the whole range.
 *
 * @example fmix32(0) === 0
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The text a partition key is hashed as: a string as it is, any other value as the
 * runtime's canonical JSON (object keys sorted recursively), so `{b:1,a:2}` and
 * `{a:2,b:1}` land in the same partition and `7` differs from `"7"`.
 *
 * @example keyString({ b: 1, a: [2, "x"] }) === '{"a":[2,"x"],"b":1}'
 */
export function keyString(v: unknown): string {
  return typeof v === "string" ? v : canonicalKey(v);
}

/**
 * The partition (0 ≤ p < partitions) of a key value: FNV-1a 32 of the UTF-8 bytes of
 * {@link keyString}, modulo the partition count (scale-out.md §2.2).
 *
 * @example partitionOf("user-42", 64)
 * @throws RangeError when `partitions` is not a positive integer.
 */
export function partitionOf(v: unknown, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  }
  return fnv1a32String(keyString(v)) % partitions;
}
