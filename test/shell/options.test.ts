import { InvalidArgumentError } from "commander";
import { describe, expect, test } from "vitest";
import { clockOption, durationOption, nonEmpty } from "../../src/shell/options.js";

describe("the option parsers cep run and cep repl share", () => {
  test("durationOption: the language's durations, ISO-8601, bare ms, and 0", () => {
    expect(durationOption("1h30m")).toBe(5_400_000);
    expect(durationOption("PT1M")).toBe(60_000);
    expect(durationOption("250")).toBe(250);
    expect(durationOption("0")).toBe(0);
  });

  test("durationOption: a bad duration is commander's InvalidArgumentError with the reason", () => {
    expect(() => durationOption("5x")).toThrow(InvalidArgumentError);
    expect(() => durationOption("5x")).toThrow(/invalid duration '5x'/);
  });

  test("clockOption: digits are epoch ms, else a time as events give it", () => {
    expect(clockOption("1700000000000")).toBe(1_700_000_000_000);
    expect(clockOption(" 0 ")).toBe(0);
    expect(clockOption("2024-01-01T00:00:00Z")).toBe(Date.UTC(2024, 0, 1));
    expect(() => clockOption("yesterday")).toThrow(InvalidArgumentError);
  });

  test("nonEmpty: any text but the empty one", () => {
    expect(nonEmpty("kind")).toBe("kind");
    expect(() => nonEmpty("")).toThrow(/must not be empty/);
  });
});
