import { describe, expect, test } from "vitest";
import { formatMs, parseDurationArg } from "../../src/shell/duration.js";

describe("parseDurationArg", () => {
  test.each([
    ["250", 250],
    ["5s", 5000],
    ["5ms", 5],
    ["5min", 300_000],
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["2 minutes", 120_000],
    ["1 hour 30 minutes", 5_400_000],
    ["1 week", 604_800_000],
    ["1.5s", 1500],
    ["1.25 seconds", 1250],
    ["2d", 172_800_000],
    ["PT1M", 60_000],
    ["PT1H30M", 5_400_000],
    ["P1W2D", 777_600_000],
    ["P1DT2H3M4S", 93_784_000],
  ])("%s = %d ms", (text, ms) => {
    expect(parseDurationArg(text)).toBe(ms);
  });

  test("0 only where allowed (--out-of-orderness)", () => {
    expect(parseDurationArg("0", { allowZero: true })).toBe(0);
    expect(parseDurationArg("0s", { allowZero: true })).toBe(0);
    expect(() => parseDurationArg("0")).toThrow(/at least 1 ms/);
  });

  test.each([
    ["0.5ms", /whole number of milliseconds/],
    ["5x", /invalid duration/],
    ["5months", /invalid duration/],
    ["s", /invalid duration/],
    ["", /empty duration/],
    ["-5s", /invalid duration/],
    ["PT", /ISO-8601/],
    ["P", /ISO-8601/],
    ["P1.5D", /ISO-8601/],
    ["P1M", /ISO-8601/],
    ["pt1m", /invalid duration/],
    ["99999999999999999999", /too large/],
  ])("%s is rejected", (text, message) => {
    expect(() => parseDurationArg(text, { allowZero: true })).toThrow(message);
  });
});

describe("formatMs", () => {
  test("uses the language's compact syntax", () => {
    expect(formatMs(5_400_000)).toBe("1h30m");
    expect(formatMs(1500)).toBe("1s500ms");
    expect(formatMs(0)).toBe("0ms");
    expect(formatMs(694_861_001)).toBe("1w1d1h1m1s1ms");
  });

  test("reads back as the same duration", () => {
    for (const ms of [1, 999, 60_000, 5_400_000, 694_861_001])
      expect(parseDurationArg(formatMs(ms))).toBe(ms);
  });
});
