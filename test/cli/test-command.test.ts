/** `cep test` in-process with the fake library: discovery, pass/fail lines, diffs, --update, .args. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { cep } from "./fake-api.js";

let dir: string;
const at = (name: string) => join(dir, name);
const write = (name: string, text: string) => writeFileSync(at(name), text);
const rec = (pattern: string, ts: number, type = pattern === "P" ? "A" : "B") =>
  JSON.stringify({ pattern, key: null, start: ts, end: ts, events: { a: [{ type, ts }] } });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cep-test-"));
  write("ok.pattern", "pattern P A\n");
  write("ok.events.ndjson", '{"type":"A","ts":1}\n{"type":"Z","ts":2}\n{"type":"A","ts":3}\n');
  write("ok.expected.ndjson", `${rec("P", 1)}\n${rec("P", 3)}\n`);
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("cep test", () => {
  test("a passing scenario: one line, then the count; exit 0", async () => {
    const r = await cep(["test", dir]);
    expect(r).toMatchObject({ code: 0, stdout: `PASS ${at("ok")} (2 records)\n1 passed, 0 failed\n` });
  });

  test("records compare as JSON values: key order and number spelling do not matter", async () => {
    write(
      "ok.expected.ndjson",
      '{"events":{"a":[{"ts":1.0,"type":"A"}]},"end":1,"start":1,"key":null,"pattern":"P"}\n' +
        `\n${rec("P", 3)}\n`,
    );
    expect((await cep(["test", at("ok.pattern")])).code).toBe(0);
  });

  test("a failing scenario shows missing and unexpected records; exit 1", async () => {
    write("ok.expected.ndjson", `${rec("P", 1)}\n${rec("P", 2)}\n`);
    const r = await cep(["test", dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        `FAIL ${at("ok")}: 1 missing, 1 unexpected (expected 2, got 2)`,
        `    missing    #2 ${rec("P", 2)}`,
        "      nearest output record #2 differs in:",
        "        start: expected 2, got 3",
        "        end: expected 2, got 3",
        "        events.a[0].ts: expected 2, got 3",
        `    unexpected #2 ${rec("P", 3)}`,
        "0 passed, 1 failed",
        "",
      ].join("\n"),
    );
  });

  test("same records in another order fail, and say so", async () => {
    write("ok.expected.ndjson", `${rec("P", 3)}\n${rec("P", 1)}\n`);
    const r = await cep(["test", dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("same records, different order");
  });

  test("several scenarios, recursive discovery, sorted; the final line counts them", async () => {
    mkdirSync(at("sub"));
    write("sub/b.pattern", "pattern Q B\n");
    write("sub/b.events.csv", "type,ts\nB,5\n");
    write("sub/b.expected.ndjson", `${rec("Q", 5)}\n`);
    write("sub/broken.pattern", "error nope\n");
    write("sub/broken.events.ndjson", "");
    write("sub/broken.expected.ndjson", "");
    write("lonely.pattern", "pattern P A\n"); // no events: not a scenario
    const r = await cep(["test", dir]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`PASS ${at("ok")} (2 records)`);
    expect(lines[1]).toBe(`PASS ${at("sub/b")} (1 record)`);
    expect(lines[2]).toBe(`FAIL ${at("sub/broken")}: does not compile`);
    expect(lines[3]).toContain("E2001 nope");
    expect(lines.at(-1)).toBe("2 passed, 1 failed");
  });

  test("a missing expected file fails; --update creates it, then it passes", async () => {
    write("new.pattern", "pattern P A\n");
    write("new.events.ndjson", '{"type":"A","ts":9}\n');
    let r = await cep(["test", at("new.pattern")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("--update creates it");
    r = await cep(["test", "--update", at("new.pattern")]);
    expect(r).toMatchObject({ code: 0, stdout: `UPDATED ${at("new")} (1 record)\n1 passed, 0 failed\n` });
    expect(readFileSync(at("new.expected.ndjson"), "utf8")).toBe(`${rec("P", 9)}\n`);
    r = await cep(["test", at("new.pattern")]);
    expect(r.stdout).toBe(`PASS ${at("new")} (1 record)\n1 passed, 0 failed\n`);
  });

  test("--update rewrites a failing expected file", async () => {
    write("ok.expected.ndjson", "");
    const r = await cep(["test", "--update", dir]);
    expect(r.code).toBe(0);
    expect(readFileSync(at("ok.expected.ndjson"), "utf8")).toBe(`${rec("P", 1)}\n${rec("P", 3)}\n`);
  });

  test(".args holds extra run options, split like a shell, through the same parser", async () => {
    write("ok.events.ndjson", '{"kind":"A","at":1}\n{"kind":"A","at":3}\n');
    write("ok.expected.ndjson", "");
    write("ok.args", "--type-field 'kind'   # the type\n--time-field \"at\"\n");
    const r = await cep(["test", "--update", dir]);
    expect(r.code).toBe(0);
    expect(readFileSync(at("ok.expected.ndjson"), "utf8").trim().split("\n")).toHaveLength(2);
  });

  test("bad .args fail the scenario with the reason", async () => {
    write("ok.args", "--no-such-option");
    let r = await cep(["test", dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `FAIL ${at("ok")}: ${at("ok.args")}: error: unknown option '--no-such-option'`,
    );
    write("ok.args", "--input other.ndjson");
    r = await cep(["test", dir]);
    expect(r.stdout).toContain("--input is set by the scenario");
    write("ok.args", "--quiet | cat");
    r = await cep(["test", dir]);
    expect(r.stdout).toContain("unsupported shell syntax");
    write("ok.args", "--pattern Nope");
    r = await cep(["test", dir]);
    expect(r.stdout).toContain("--pattern Nope names no pattern");
  });

  test("--errors in .args writes beside the scenario", async () => {
    write("ok.events.ndjson", '{"type":"A","ts":1}\nbroken\n{"type":"A","ts":3}\n');
    write("ok.args", "--errors ok.errors.ndjson");
    expect((await cep(["test", dir])).code).toBe(0);
    expect(JSON.parse(readFileSync(at("ok.errors.ndjson"), "utf8"))).toMatchObject({
      line: 2,
      reason: expect.stringMatching(/^invalid JSON: /),
    });
  });

  test("arguments naming nothing are bad usage (exit 2)", async () => {
    expect((await cep(["test", at("nope")])).code).toBe(2);
    const empty = mkdtempSync(join(tmpdir(), "cep-empty-"));
    const r = await cep(["test", empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no scenarios");
    expect((await cep(["test", at("ok.events.ndjson")])).code).toBe(2);
  });

  test("a named .pattern without events fails", async () => {
    write("lonely.pattern", "pattern P A\n");
    const r = await cep(["test", at("lonely.pattern")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL ${at("lonely")}: no events file`);
  });
});
