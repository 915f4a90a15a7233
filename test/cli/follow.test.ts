/**
 * `cep run --follow` (issue #18) with the real binary and real files: lines appended
 * while it runs are matched at once; a truncated file and a rotated one (renamed, a new
 * file created at the path) are followed as `tail -F` does; SIGTERM and SIGINT end the
 * run cleanly without end of input — partial matches stay open, kept in the checkpoint
 * when there is one, and a restart goes on from there.
 */
import { appendFileSync, mkdtempSync, readFileSync, renameSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { privateBin } from "./dist.js";
import { cleanup, type Live, line, linesOf, pause, start, waitFor } from "./live.js";

let bin: string;
let dir: string;
const at = (name: string) => join(dir, name);
let running: Live | null = null;

const PATTERN =
  "pattern AB {\n  key by k\n  within 1 minute\n  match a: A followed by b: B\n  on timeout emit { k: key() }\n}\n";

beforeAll(() => {
  bin = privateBin();
}, 120_000);

afterEach(() => {
  cleanup(running);
  running = null;
});

function fresh(): void {
  dir = mkdtempSync(join(tmpdir(), "cep-follow-"));
  writeFileSync(at("ab.pattern"), PATTERN);
}

const keysOf = (records: string[]) => records.map((r) => JSON.parse(r).key);

describe("cep run --follow", () => {
  test("matches lines as they are appended, each record written at once", async () => {
    fresh();
    writeFileSync(at("in.ndjson"), line({ type: "A", k: 0, ts: 0 }));
    running = start(bin, ["run", "ab.pattern", "--input", "in.ndjson", "--follow", "--quiet"], dir);
    const live = running;
    // Each B completes a match: the record must come without more input (no batching).
    const latencies: number[] = [];
    for (let i = 0; i < 6; i++) {
      appendFileSync(at("in.ndjson"), line({ type: "A", k: i + 1, ts: 10 * i + 1 }));
      const before = live.stdout().split("\n").length;
      const t0 = performance.now();
      appendFileSync(at("in.ndjson"), line({ type: "B", k: i + 1, ts: 10 * i + 2 }));
      await waitFor(`the match of key ${i + 1}`, () => live.stdout().split("\n").length > before);
      latencies.push(performance.now() - t0);
    }
    expect(keysOf(live.stdout().trim().split("\n"))).toEqual([1, 2, 3, 4, 5, 6]);
    // The 100 ms target, on the best of six (a loaded machine may stall any one of them).
    expect(Math.min(...latencies)).toBeLessThan(100);
    // A line being written is not read in halves.
    appendFileSync(at("in.ndjson"), '{"type":"B","k":0,');
    await pause(60); // time for a poll or two to see the half line (passes trivially if none does)
    appendFileSync(at("in.ndjson"), '"ts":100}\n');
    await waitFor("the match of key 0", () => live.stdout().includes('"key":0'));
    live.child.kill("SIGTERM");
    expect(await live.exited).toEqual({ code: 0, signal: null });
    expect(live.stderr()).not.toContain("invalid JSON");
  });

  test("follows a truncated file and a rotated one (renamed, a new file at the path)", async () => {
    fresh();
    writeFileSync(at("in.ndjson"), line({ type: "A", k: 1, ts: 1 }) + line({ type: "B", k: 1, ts: 2 }));
    running = start(
      bin,
      ["run", "ab.pattern", "--input", "in.ndjson", "--follow", "--quiet", "--output", "out.ndjson"],
      dir,
    );
    const live = running;
    const out = () => keysOf(linesOf(at("out.ndjson")));
    await waitFor("key 1", () => out().length === 1);
    // Rotation: the old file renamed (with a last line written just before), a new one created.
    appendFileSync(at("in.ndjson"), line({ type: "A", k: 2, ts: 3 }));
    renameSync(at("in.ndjson"), at("in.ndjson.1"));
    appendFileSync(at("in.ndjson.1"), line({ type: "B", k: 2, ts: 4 }));
    const filler = Array.from({ length: 8 }, () => line({ type: "Z", k: 9, ts: 6 })).join("");
    writeFileSync(
      at("in.ndjson"),
      line({ type: "A", k: 3, ts: 5 }) + line({ type: "B", k: 3, ts: 6 }) + filler,
    );
    await waitFor("keys 2 and 3", () => out().length === 3);
    // Truncation (copytruncate), then less written than was there: read again from the start.
    truncateSync(at("in.ndjson"), 0);
    appendFileSync(at("in.ndjson"), line({ type: "A", k: 4, ts: 7 }) + line({ type: "B", k: 4, ts: 8 }));
    await waitFor("key 4", () => out().length === 4, 15_000);
    live.child.kill("SIGINT");
    expect(await live.exited).toEqual({ code: 0, signal: null });
    expect(out()).toEqual([1, 2, 3, 4]);
    expect(live.stderr()).toContain("stopped by SIGINT");
  });

  test("SIGTERM keeps partial matches in the checkpoint (no end of input); a restart goes on", async () => {
    fresh();
    writeFileSync(at("in.ndjson"), line({ type: "A", k: 1, ts: 1 }) + line({ type: "A", k: 2, ts: 2 }));
    const args = [
      "run",
      "ab.pattern",
      "--input",
      "in.ndjson",
      "--output",
      "out.ndjson",
      "--checkpoint",
      "run.ck",
      "--follow",
    ];
    running = start(bin, args, dir);
    let live = running;
    appendFileSync(at("in.ndjson"), line({ type: "B", k: 1, ts: 3 }));
    await waitFor("key 1", () => linesOf(at("out.ndjson")).length === 1);
    // Half a line at the stop: not consumed, read whole after the restart.
    appendFileSync(at("in.ndjson"), '{"type":"B",');
    live.child.kill("SIGTERM");
    expect(await live.exited).toEqual({ code: 0, signal: null });
    expect(live.stderr()).toContain(
      "stopped by SIGTERM; partial matches still open are kept in checkpoint run.ck",
    );
    // No timeout for key 2 (end of input did not happen), and the lock is gone.
    expect(keysOf(linesOf(at("out.ndjson")))).toEqual([1]);
    const ck = JSON.parse(readFileSync(at("run.ck"), "utf8"));
    expect(ck.state.done).toBe(false);
    expect(ck.state.snapshot.runners[0].keys.map((k: { key: unknown }) => k.key)).toEqual([2]);
    appendFileSync(at("in.ndjson"), '"k":2,"ts":4}\n');
    running = start(bin, args, dir);
    live = running;
    await waitFor(
      "key 2, matched with the A from before the stop",
      () => linesOf(at("out.ndjson")).length === 2,
    );
    expect(live.stderr()).toContain("resuming from checkpoint run.ck after line 3");
    live.child.kill("SIGINT");
    expect(await live.exited).toEqual({ code: 0, signal: null });
    const records = linesOf(at("out.ndjson")).map((r) => JSON.parse(r));
    expect(records.map((r) => [r.key, r.start, r.end])).toEqual([
      [1, 1, 3],
      [2, 2, 4],
    ]);
  });

  test("in processing time, windows close and timeouts fire as the clock passes them, without more input", async () => {
    fresh();
    writeFileSync(
      at("short.pattern"),
      PATTERN.replace("pattern AB", "pattern Short").replace("within 1 minute", "within 300 ms"),
    );
    writeFileSync(at("in.ndjson"), line({ type: "A", k: 1, ts: 0 }));
    running = start(
      bin,
      ["run", "short.pattern", "--input", "in.ndjson", "--follow", "--processing-time", "--quiet"],
      dir,
    );
    const live = running;
    // No line after the A: its timeout must come from the clock alone.
    await waitFor("the timeout of key 1", () => live.stdout().includes('"timeout":true'));
    const [record] = live
      .stdout()
      .trim()
      .split("\n")
      .map((r) => JSON.parse(r));
    expect(record).toMatchObject({ pattern: "Short", key: 1, timeout: true, emit: { k: 1 } });
    expect(record.end - record.start).toBeGreaterThanOrEqual(300);
    live.child.kill("SIGTERM");
    expect(await live.exited).toEqual({ code: 0, signal: null });
  });

  test("follows stdin until SIGINT; no end of input, so no timeouts", async () => {
    fresh();
    running = start(bin, ["run", "ab.pattern", "--follow", "--quiet"], dir);
    const live = running;
    live.child.stdin?.write(line({ type: "A", k: 1, ts: 1 }) + line({ type: "A", k: 2, ts: 2 }));
    live.child.stdin?.write(line({ type: "B", k: 1, ts: 3 }));
    await waitFor("key 1", () => live.stdout().includes('"key":1'));
    live.child.kill("SIGINT");
    expect(await live.exited).toEqual({ code: 0, signal: null });
    expect(keysOf(live.stdout().trim().split("\n"))).toEqual([1]);
    expect(live.stderr()).toContain("stopped by SIGINT; partial matches still open are not reported");
  });

  test("stdin's end is the end of input (timeouts fire)", async () => {
    fresh();
    running = start(bin, ["run", "ab.pattern", "--follow", "--quiet"], dir);
    const live = running;
    live.child.stdin?.end(line({ type: "A", k: 1, ts: 1 }));
    expect(await live.exited).toEqual({ code: 0, signal: null });
    expect(JSON.parse(live.stdout())).toMatchObject({ key: 1, timeout: true });
  });

  test("refuses --watch without --follow, and a followed input that is not a file", async () => {
    fresh();
    const a = start(bin, ["run", "ab.pattern", "--input", "x.ndjson", "--watch"], dir);
    expect((await a.exited).code).toBe(2);
    expect(a.stderr()).toContain("--watch needs --follow");
    const b = start(bin, ["run", "ab.pattern", "--input", ".", "--follow"], dir);
    expect((await b.exited).code).toBe(2);
    expect(b.stderr()).toContain("cannot read .: is a directory");
  });
});
