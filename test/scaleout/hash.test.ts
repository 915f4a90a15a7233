/**
 * The partition hash (scale-out.md §2.2): FNV-1a 32 against published test vectors, the
 * string walk against hashing the real UTF-8 bytes, and the key text of non-string keys.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fmix32, fnv1a32, fnv1a32String, keyString, partitionOf } from "../../src/scaleout/hash.js";

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));

describe("fnv1a32", () => {
  // Vectors from the FNV reference test suite (Landon Curt Noll's fnv test vectors).
  const vectors: [string, number][] = [
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["b", 0xe70c2de5],
    ["foo", 0xa9f37ed7],
    ["foobar", 0xbf9cf968],
    ["chongo was here!\n", 0xd49930d5],
  ];

  it.each(vectors)("hashes %j to the reference value", (s, h) => {
    expect(fnv1a32(utf8(s))).toBe(h);
    expect(fnv1a32String(s)).toBe(h);
  });

  it("gives unsigned 32-bit results", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        const h = fnv1a32(b);
        return Number.isInteger(h) && h >= 0 && h <= 0xffffffff;
      }),
    );
  });
});

describe("fnv1a32String", () => {
  it.each([
    ["ü", "two-byte"],
    ["€ and 中文", "three-byte"],
    ["😀 key", "astral (surrogate pair)"],
    ["a\ud800b", "lone high surrogate → U+FFFD"],
    ["\udc00", "lone low surrogate → U+FFFD"],
    ["\ud83d", "high surrogate at the end"],
    ["\udc00\ud83d", "reversed pair"],
  ])("hashes %j (%s) as its UTF-8 bytes", (s) => {
    expect(fnv1a32String(s)).toBe(fnv1a32(utf8(s)));
    expect(fnv1a32String(s)).toBe(fnv1a32(new TextEncoder().encode(s)));
  });

  it("equals hashing the UTF-8 bytes for any string, lone surrogates included", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (s) => fnv1a32String(s) === fnv1a32(utf8(s))),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 }), (units) => {
        const s = String.fromCharCode(...units);
        return fnv1a32String(s) === fnv1a32(new TextEncoder().encode(s));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("fmix32", () => {
  it("is murmur3's finaliser (reference values)", () => {
    expect(fmix32(0)).toBe(0);
    // Values of MurmurHash3.cpp's fmix32, recomputed with arbitrary-precision integers.
    expect(fmix32(1)).toBe(0x514e28b7);
    expect(fmix32(0xffffffff)).toBe(0x81f16f39);
  });

  it("gives unsigned 32-bit results", () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), (h) => {
        const r = fmix32(h);
        return Number.isInteger(r) && r >= 0 && r <= 0xffffffff;
      }),
    );
  });
});

describe("keyString", () => {
  it("keeps strings as they are and writes other values as canonical JSON", () => {
    expect(keyString("user-1")).toBe("user-1");
    expect(keyString("7")).toBe("7");
    expect(keyString(7)).toBe("7");
    expect(keyString(-1.5)).toBe("-1.5");
    expect(keyString(true)).toBe("true");
    expect(keyString(null)).toBe("null");
    expect(keyString({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("does not depend on object key order", () => {
    expect(keyString({ x: 1, y: 2 })).toBe(keyString({ y: 2, x: 1 }));
    expect(partitionOf({ x: 1, y: 2 }, 64)).toBe(partitionOf({ y: 2, x: 1 }, 64));
  });
});

describe("partitionOf", () => {
  it("is FNV-1a of the key text modulo P, always in [0, P)", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.integer(), fc.dictionary(fc.string(), fc.integer())),
        fc.integer({ min: 1, max: 1024 }),
        (v, P) => {
          const p = partitionOf(v, P);
          return Number.isInteger(p) && p >= 0 && p < P && p === fnv1a32(utf8(keyString(v))) % P;
        },
      ),
    );
  });

  it("matches a worked example", () => {
    expect(partitionOf("foobar", 64)).toBe(0xbf9cf968 % 64);
    expect(partitionOf("a", 1)).toBe(0);
  });

  it("rejects a partition count that is not a positive integer", () => {
    expect(() => partitionOf("a", 0)).toThrow(RangeError);
    expect(() => partitionOf("a", 2.5)).toThrow(RangeError);
  });
});
