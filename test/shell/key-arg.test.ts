/**
 * Keys as typed (`--trace`, `.why`, `.trace`): which engine keys a typed text finds, and
 * that the spelled-out list the engine gets (`candidates`) finds exactly the same ones.
 */
import { describe, expect, test } from "vitest";
import { canonicalKey } from "../../src/runtime/values.js";
import { parseKeyArg } from "../../src/shell/key-arg.js";

/** How the engine's tracer compares a `keys` list: primitives by value, composites by canonical JSON. */
const listed = (list: readonly unknown[], key: unknown) =>
  list.some((c) =>
    key !== null && typeof key === "object"
      ? c !== null && typeof c === "object" && canonicalKey(c) === canonicalKey(key)
      : Object.is(c, key) || c === key,
  );

const KEYS: unknown[] = [
  42,
  "42",
  4.2,
  "4.20",
  "4.2",
  "alice",
  true,
  "true",
  null,
  "null",
  ["eu", 7],
  ["eu", "7"],
  ["eu", 8],
  { a: 1 },
  "@x",
  0,
];

describe("parseKeyArg", () => {
  test.each([
    ["42", [42, "42"]],
    ['"42"', ["42"]],
    ["alice", ["alice"]],
    ["4.20", [4.2, "4.20", "4.2"]],
    ["true", [true, "true"]],
    ["null", [null, "null"]],
    [
      '["eu",7]',
      [
        ["eu", 7],
        ["eu", "7"],
      ],
    ],
    ['["eu","7"]', [["eu", "7"]]],
    ['{"a":1}', [{ a: 1 }]],
    ["@x", ["@x"]],
  ])("%s finds %j and no other key; its candidates find the same", (text, found) => {
    const k = parseKeyArg(text);
    const expected = KEYS.filter((key) => found.some((f) => canonicalKey(f) === canonicalKey(key)));
    expect(KEYS.filter((key) => k.test(key))).toEqual(expected);
    expect(k.candidates).not.toBeNull();
    expect(KEYS.filter((key) => listed(k.candidates ?? [], key))).toEqual(expected);
  });

  test("a composite key with many numbers is tested, not spelled out (2^n spellings)", () => {
    const k = parseKeyArg(JSON.stringify([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(k.candidates).toBeNull();
    expect(k.test(["1", 2, "3", 4, 5, 6, 7, 8, "9"])).toBe(true);
  });

  test("empty and too deeply nested texts are refused", () => {
    expect(() => parseKeyArg(" ")).toThrow("a key must not be empty");
    expect(() => parseKeyArg(`${"[".repeat(40)}${"]".repeat(40)}`)).toThrow("nested deeper than 32 levels");
  });
});
