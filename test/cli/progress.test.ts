import { describe, expect, test } from "vitest";
import type { CliEnv } from "../../src/cli/api.js";
import { createProgress, summaryLine } from "../../src/cli/progress.js";
import { Capture, fakeApi } from "./fake-api.js";

function env(tty: boolean, stderr = new Capture()): CliEnv & { now: number } {
  const e = {
    api: fakeApi,
    stdin: (async function* () {})(),
    stdout: new Capture(),
    stderr,
    stderrIsTTY: tty,
    env: {},
    wallClock: () => 0,
    now: 0,
    monotonic: () => e.now,
  };
  return e;
}

describe("progress", () => {
  test("only on a terminal, for an input of known size", () => {
    expect(createProgress(env(false), 1000)).toBeNull();
    expect(createProgress(env(true), null)).toBeNull();
    expect(createProgress(env(true), 1000)).not.toBeNull();
  });

  test("appears after half a second with events, rate, matches and partial matches", () => {
    // What cli-progress looks at on a terminal stream.
    const stderr = Object.assign(new Capture(), { isTTY: true, columns: 200 });
    const e = env(true, stderr);
    const p = createProgress(e, 1000)!;
    const live = { events: 10, matches: 1, stats: () => ({ partialMatches: 7 }) };
    p.update(100, live);
    expect(stderr.text).toBe(""); // too early
    e.now = 2000;
    live.events = 5000;
    p.update(500, live);
    p.stop();
    expect(stderr.text).toContain("50%");
    expect(stderr.text).toContain("5000 events");
    expect(stderr.text).toContain("2500 events/s");
    expect(stderr.text).toContain("1 matches");
    expect(stderr.text).toContain("7 partial");
  });
});

describe("summaryLine", () => {
  test("events, matches per pattern, timeouts, late, bad lines, elapsed", () => {
    const base = {
      events: 1200,
      matches: { A: 5, B: 2 },
      timeouts: 1,
      late: 0,
      bad: 2,
      missingKeys: 0,
      unkeyed: 0,
      schemaErrors: 0,
      dropped: 0,
      outputError: null,
    };
    expect(summaryLine(base, 310)).toBe(
      "cep: 1200 events, 7 matches (A 5, B 2), 1 timeout, 0 late, 2 bad lines, 0.31s",
    );
    expect(
      summaryLine({ ...base, events: 1, matches: { A: 1 }, timeouts: 0, bad: 1, missingKeys: 3 }, 1234),
    ).toBe("cep: 1 event, 1 match (A 1), 0 timeouts, 0 late, 1 bad line, 3 missing keys, 1.23s");
    expect(summaryLine({ ...base, missingKeys: 1, unkeyed: 28 }, 310)).toBe(
      "cep: 1200 events, 7 matches (A 5, B 2), 1 timeout, 0 late, 2 bad lines, 1 missing key, 28 unkeyed, 0.31s",
    );
    expect(summaryLine({ ...base, schemaErrors: 2 }, 310)).toBe(
      "cep: 1200 events, 7 matches (A 5, B 2), 1 timeout, 0 late, 2 bad lines, 2 schema errors, 0.31s",
    );
    expect(summaryLine({ ...base, dropped: 5 }, 310)).toBe(
      "cep: 1200 events, 7 matches (A 5, B 2), 1 timeout, 0 late, 2 bad lines, 5 partial matches dropped (state limits), 0.31s",
    );
  });
});
