/**
 * The one time grammar (language.md §2): event `ts`, `$watermark` records, REPL
 * `.watermark`, `--clock`. Integers of epoch ms within Date's range, ISO-8601 with `Z` or
 * `±hh:mm` (hh ≤ 23, mm ≤ 59) within the same range.
 */
import { describe, expect, test } from "vitest";
import { compile } from "../../src/index.js";
import { Engine } from "../../src/runtime/engine.js";
import { invalidTime, MAX_TIME, parseTime } from "../../src/runtime/values.js";

describe("parseTime", () => {
  test("integers within ±8.64e15 ms; nothing beyond, nothing fractional or non-finite", () => {
    for (const t of [0, -0, 1, -1, 1_709_283_600_000, MAX_TIME, -MAX_TIME]) expect(parseTime(t)).toBe(t);
    for (const t of [MAX_TIME + 1, -MAX_TIME - 1, 1e20, 1e300, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(parseTime(t)).toBe("invalid time");
  });

  test("ISO-8601 with Z or ±hh:mm, hh ≤ 23 and mm ≤ 59", () => {
    expect(parseTime("2024-03-01T09:00:00Z")).toBe(1_709_283_600_000);
    expect(parseTime("2024-03-01T10:00:00+01:00")).toBe(1_709_283_600_000);
    expect(parseTime("2024-03-01T09:00:00.5Z")).toBe(1_709_283_600_500);
    expect(parseTime("2024-03-01T09:00Z")).toBe(1_709_283_600_000);
    expect(parseTime("2024-03-01T23:59:00+23:59")).toBe(Date.parse("2024-03-01T00:00:00Z"));
    expect(parseTime("2024-03-01T00:00:00-23:59")).toBe(Date.parse("2024-03-01T23:59:00Z"));
    for (const s of [
      "2024-03-01T09:00:00+24:00",
      "2024-03-01T09:00:00+99:99",
      "2024-03-01T09:00:00+01:60",
      "2024-03-01T09:00:00-24:00",
      "2024-03-01T09:00:00",
      "2024-03-01T09:00:00+0100",
      "2024-03-01",
      "2024-13-45T00:00:00Z",
      "1709283600000",
      "yesterday",
    ])
      expect(parseTime(s), s).toBe("invalid time");
  });

  test("the ISO forms of the range's ends are accepted, as the numbers are; one ms beyond is not", () => {
    const max = new Date(MAX_TIME).toISOString(); // +275760-09-13T00:00:00.000Z
    const min = new Date(-MAX_TIME).toISOString(); // -271821-04-20T00:00:00.000Z
    expect(parseTime(max)).toBe(MAX_TIME);
    expect(parseTime(min)).toBe(-MAX_TIME);
    expect(parseTime("+010000-01-01T00:00:00Z")).toBe(Date.parse("+010000-01-01T00:00:00Z"));
    expect(parseTime("+275760-09-13T00:00:00.001Z")).toBe("invalid time");
    expect(parseTime("+275760-09-13T00:00:00-01:00")).toBe("invalid time");
    expect(parseTime("-000000-01-01T00:00:00Z")).toBe("invalid time");
  });

  test("missing and other values", () => {
    expect(parseTime(undefined)).toBe("missing time");
    expect(parseTime(null)).toBe("missing time");
    for (const v of [true, {}, [], 5n]) expect(parseTime(v)).toBe("invalid time");
  });

  test("the reason lists the accepted forms and shows the value, cut short", () => {
    expect(invalidTime("invalid time (ts)", "yesterday")).toBe(
      'invalid time (ts): expected integer epoch ms within ±8.64e15 or ISO-8601 with Z or ±hh:mm, got "yesterday"',
    );
    expect(invalidTime("x", 1e300)).toMatch(/, got 1e\+300$/);
    expect(invalidTime("x", { a: 1 })).toMatch(/, got an object$/);
    expect(invalidTime("x", "y".repeat(1000)).length).toBeLessThan(150);
  });
});

describe("the engine uses it for event times and watermarks", () => {
  test("a time beyond Date's range or a bad offset is a bad event; a watermark too", () => {
    const engine = new Engine(compile("pattern P { match a: A }"));
    const errors: string[] = [];
    const matches: number[] = [];
    engine.on("error", (e) => errors.push(e.reason));
    engine.on("match", (m) => matches.push(m.start));
    engine.push({ type: "A", ts: 1e300 });
    engine.push({ type: "A", ts: -9e15 });
    engine.push({ type: "A", ts: "2024-03-01T09:00:00+99:99" });
    engine.push({ $watermark: 1e22 });
    engine.push({ $watermark: "2024-03-01T09:00:00+24:00" });
    engine.push({ type: "A", ts: MAX_TIME - 1 });
    engine.end();
    expect(errors).toEqual([
      invalidTime("invalid time (ts)", 1e300),
      invalidTime("invalid time (ts)", -9e15),
      invalidTime("invalid time (ts)", "2024-03-01T09:00:00+99:99"),
      invalidTime("invalid watermark", 1e22),
      invalidTime("invalid watermark", "2024-03-01T09:00:00+24:00"),
    ]);
    expect(matches).toEqual([MAX_TIME - 1]);
  });
});
