/**
 * cli/threads/route.ts: a key hashed from its text goes to the same worker as the same
 * key read as a value (one key's events must all reach one worker, whichever way each
 * line was read), and integer times are read exactly.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { plainInteger, workerOfToken, workerOfValue } from "../../src/cli/threads/route.js";
import { fmix32, fnv1a32String, keyString } from "../../src/scaleout/hash.js";

describe("routing from the text", () => {
  test("an integer key goes where its keyString's hash says (read without building its digits)", () => {
    const n = fc.integer({ min: 1, max: 9 });
    const int = fc.oneof(
      fc.integer(),
      fc.maxSafeInteger(),
      fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER),
    );
    fc.assert(
      fc.property(int, n, (k, threads) => {
        expect(workerOfValue(k, threads)).toBe(fmix32(fnv1a32String(keyString(k))) % threads);
      }),
      { numRuns: 5000 },
    );
  });

  test("a key token and its value go to the same worker", () => {
    const key = fc.oneof(
      fc.integer(),
      fc.maxSafeInteger(),
      fc.double(),
      fc.string(),
      fc.string({ unit: "binary", maxLength: 6 }),
      fc.constantFrom(0, -0, 1e21, "", "é", "\u2028"),
    );
    fc.assert(
      fc.property(key, fc.integer({ min: 1, max: 8 }), fc.constantFrom("", " "), (k, n, pad) => {
        const token = JSON.stringify(k);
        const text = `{"k":${token}${pad}}`;
        const w = workerOfToken(text, 5, 5 + token.length, n);
        if (w >= 0) expect(w).toBe(workerOfValue(JSON.parse(token), n));
        expect(workerOfValue(JSON.parse(token), n)).toBeLessThan(n);
      }),
      { numRuns: 3000 },
    );
    // Read from the text: integers and strings without escapes; others by value.
    expect(workerOfToken('"a\\"b"', 0, 6, 4)).toBe(-1);
    expect(workerOfToken("1.5", 0, 3, 4)).toBe(-1);
    expect(workerOfToken("-0", 0, 2, 4)).toBe(-1);
    expect(workerOfToken("123", 0, 3, 4)).toBeGreaterThanOrEqual(0);
    expect(workerOfValue(undefined, 3)).toBe(0);
  });

  test("plain integers are read exactly; anything else is NaN", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }), (v) => {
        const t = String(v);
        expect(plainInteger(t, 0, t.length)).toBe(v);
      }),
    );
    for (const t of ["", "-", "01", "-0", "1.0", "1e3", "1234567890123456", "x"])
      expect(plainInteger(t, 0, t.length), t).toBeNaN();
  });
});
