/**
 * Hostile input through the real `cep` binary (issue #13): invalid UTF-8, stray CSV
 * quotes, times out of range or with impossible offsets, events written exactly as read.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { privateBin } from "./dist.js";

let dir: string;
let bin: string;
const at = (name: string) => join(dir, name);

beforeAll(() => {
  bin = privateBin();
  dir = mkdtempSync(join(tmpdir(), "cep-input-"));
  writeFileSync(
    at("brute.pattern"),
    `pattern BruteForce {
  key by user
  within 5 minutes
  match fail: LoginFailed{3,} consecutive followed by ok: LoginOk
  emit { user: ok.user, attempts: count(fail) }
}
`,
  );
}, 120_000);

function cep(args: string[], input: string | Buffer = "") {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, input });
  return { code: r.status, stdout: r.stdout.toString("utf8"), stderr: r.stderr.toString("utf8") };
}

const records = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l));

const FORMS = "expected integer epoch ms within ±8.64e15 or ISO-8601 with Z or ±hh:mm";

describe("invalid UTF-8", () => {
  test("users \\xff, \\xfe, \\xfd, \\xfc stay apart: no false match; each line is a bad line", () => {
    const line = (byte: number | null, type: string, ts: number) =>
      Buffer.concat([
        Buffer.from(`{"type":"${type}","user":"`),
        byte === null ? Buffer.from("\uFFFD") : Buffer.from([byte]),
        Buffer.from(`","ts":${ts}}\n`),
      ]);
    const input = Buffer.concat([
      line(0xff, "LoginFailed", 1000),
      line(0xfe, "LoginFailed", 2000),
      line(0xfd, "LoginFailed", 3000),
      line(0xfc, "LoginOk", 4000),
      // A real U+FFFD is valid UTF-8 and stays a user of its own.
      line(null, "LoginFailed", 5000),
      line(null, "LoginFailed", 6000),
      line(null, "LoginFailed", 7000),
      line(null, "LoginOk", 8000),
    ]);
    const r = cep(["run", "brute.pattern"], input);
    expect(r.code).toBe(0);
    expect(records(r.stdout).map((m) => [m.key, m.start])).toEqual([["\uFFFD", 5000]]);
    expect(records(r.stderr).map((e) => [e.line, e.reason])).toEqual([
      [1, "invalid UTF-8"],
      [2, "invalid UTF-8"],
      [3, "invalid UTF-8"],
      [4, "invalid UTF-8"],
    ]);
    expect(r.stderr).toContain("4 bad lines");
  });
});

describe("CSV", () => {
  test("a stray quote costs one row, reported where it opened; --csv-max-record-lines bounds a record", () => {
    const rows = ["type,user,ts"];
    for (let i = 0; i < 400; i++) {
      const user = `u${Math.floor(i / 4)}`;
      rows.push(`${i % 4 === 3 ? "LoginOk" : "LoginFailed"},${user},${1000 + i}`);
    }
    rows[6] = 'LoginFailed,"stray,1005'; // line 7: opens a quote that never closes
    writeFileSync(at("logins.csv"), `${rows.join("\n")}\n`);
    const r = cep(["run", "brute.pattern", "--input", "logins.csv"]);
    expect(r.code).toBe(0);
    expect(records(r.stderr).map((e) => [e.line, e.reason])).toEqual([
      [7, "quoted field not closed within 100 lines"],
    ]);
    expect(records(r.stdout)).toHaveLength(99); // every user but u1
    const small = cep(["run", "brute.pattern", "--input", "logins.csv", "--csv-max-record-lines", "3"]);
    expect(records(small.stderr).map((e) => [e.line, e.reason])).toEqual([
      [7, "quoted field not closed within 3 lines"],
    ]);
    expect(records(small.stdout)).toHaveLength(99);
    const bad = cep(["run", "brute.pattern", "--input", "logins.csv", "--csv-max-record-lines", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("expected a whole number of lines, at least 1");
  });
});

describe("times", () => {
  test("one range and one offset grammar for ts and $watermark; the reason lists the forms", () => {
    const input = [
      '{"type":"LoginFailed","user":"a","ts":1e300}',
      '{"type":"LoginFailed","user":"a","ts":"2024-03-01T09:00:00+99:99"}',
      '{"type":"LoginFailed","user":"a","ts":"2024-03-01T09:00:00+24:00"}',
      '{"type":"LoginFailed","user":"a","ts":"yesterday"}',
      '{"$watermark":9999999999999999999999}',
      '{"type":"LoginFailed","user":"b","ts":"+275760-09-12T23:59:59.000Z"}',
      "{oops",
    ].join("\n");
    const r = cep(["run", "brute.pattern"], input);
    expect(r.code).toBe(0);
    expect(records(r.stderr).map((e) => [e.line, e.reason])).toEqual([
      [1, `invalid time (ts): ${FORMS}, got 1e+300`],
      [2, `invalid time (ts): ${FORMS}, got "2024-03-01T09:00:00+99:99"`],
      [3, `invalid time (ts): ${FORMS}, got "2024-03-01T09:00:00+24:00"`],
      [4, `invalid time (ts): ${FORMS}, got "yesterday"`],
      [5, `invalid watermark: ${FORMS}, got 1e+22`],
      [7, "invalid JSON: Expected property name or '}' in JSON at position 1"],
    ]);
    expect(r.stderr).toContain("1 event,");
  });

  test("--clock takes the same times; out of range is bad usage", () => {
    writeFileSync(at("any.pattern"), "pattern P { match a: A }\n");
    const ok = cep(
      ["run", "any.pattern", "--processing-time", "--clock", "2024-03-01T09:00:00Z"],
      '{"type":"A"}\n',
    );
    expect(records(ok.stdout)[0].start).toBe(1_709_283_600_000);
    const far = cep(["run", "any.pattern", "--processing-time", "--clock", "9999999999999999999999"], "");
    expect(far.code).toBe(2);
    expect(far.stderr).toContain(FORMS);
  });
});

describe("events written exactly as read", () => {
  test("records and --late lines carry each NDJSON event's text byte for byte; conditions see the parsed values", () => {
    const lines = [
      '{"type":"LoginFailed","user":"a","ts":1000,"n":1e400}',
      '{ "type" : "LoginFailed" , "user":"z", "user":"a", "ts":2000, "neg":-0 }',
      '{"type":"LoginFailed","user":"a","ts":3000,"big":9007199254740993,"s":"\\u00e9\\/"}',
      '{"type":"LoginOk","user":"a","ts":500,"x":1.50}', // late
      '{"type":"LoginOk","user":"a","ts":4000,"x":1.50}',
    ];
    writeFileSync(at("odd.ndjson"), `${lines.join("\r\n")}\r\n`);
    const r = cep(["run", "brute.pattern", "--input", "odd.ndjson", "--late", "late.ndjson"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `{"pattern":"BruteForce","key":"a","start":1000,"end":4000,"events":{"fail":[${lines[0]},${lines[1]},${lines[2]}],"ok":[${lines[4]}]},"emit":{"user":"a","attempts":3}}\n`,
    );
    expect(readFileSync(at("late.ndjson"), "utf8")).toBe(
      `{"file":"odd.ndjson","line":4,"reason":"late","event":${lines[3]}}\n`,
    );
  });

  test("CSV rows are written as converted", () => {
    writeFileSync(
      at("odd.csv"),
      "type,user,ts\nLoginFailed,a,1000\nLoginFailed,a,2000\nLoginFailed,a,3e3\nLoginOk,a,4000.0\n",
    );
    const r = cep(["run", "brute.pattern", "--input", "odd.csv"]);
    expect(r.stdout).toContain(
      '"fail":[{"type":"LoginFailed","user":"a","ts":1000},{"type":"LoginFailed","user":"a","ts":2000},{"type":"LoginFailed","user":"a","ts":3000}],"ok":[{"type":"LoginOk","user":"a","ts":4000}]',
    );
  });
});
