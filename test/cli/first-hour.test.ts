/**
 * What a new user trips over in the first hour (issue #12), through the real `cep`
 * (`node bin/cep.js` of a private copy of the build, see dist.ts): hints for events given
 * without `--input` and for a terminal stdin, `cep test` with hand-written expectations,
 * and `cep explain` pictures without internal names.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { privateBin, root } from "./dist.js";

let bin: string;
let dir: string;

beforeAll(() => {
  bin = privateBin();
  dir = mkdtempSync(join(tmpdir(), "cep-first-hour-"));
}, 120_000);

const at = (name: string) => join(dir, name);
const write = (name: string, text: string) => {
  writeFileSync(at(name), text);
  return at(name);
};

/** `node bin/cep.js args…` in the test directory, stdin piped (not a terminal). */
function cep(args: string[], input = "") {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, input, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const LOGIN = join(root, "patterns", "login-brute-force.pattern");
const LOGIN_EVENTS = join(root, "patterns", "login-brute-force.events.ndjson");

describe("cep run: hints", () => {
  test("an events file given where a pattern file goes: did you mean --input", () => {
    const r = cep(["run", LOGIN, LOGIN_EVENTS]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `cep: ${LOGIN_EVENTS} looks like an events file, not a pattern file: did you mean --input ${LOGIN_EVENTS}?\n`,
    );
  });

  test("any name: a file whose text starts with `{` is events too (the suggestion quoted for the shell)", () => {
    write("my events.txt", '\n  {"type":"LoginFailed","user":"a","ip":"x","ts":1}\n');
    const r = cep(["run", LOGIN, "my events.txt"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("did you mean --input 'my events.txt'?");
    for (const name of ["e.jsonl", "e.json", "e.CSV"]) {
      write(name, "type,ts\nA,1\n");
      expect(cep(["run", LOGIN, name]).stderr).toContain(`did you mean --input ${name}?`);
    }
  });

  test("stdin on a terminal: one line says events are read from there; piped stdin: nothing", () => {
    const piped = cep(["run", LOGIN], "");
    expect(piped.code).toBe(0);
    expect(piped.stderr).not.toContain("stdin");
    // `script` runs the command on a pseudo-terminal; its empty stdin ends the input.
    const r = spawnSync(
      "script",
      [
        "-qec",
        `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} run ${JSON.stringify(LOGIN)}`,
        "/dev/null",
      ],
      { cwd: dir, input: "", encoding: "utf8" },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      "cep: reading events from stdin (end with Ctrl-D; use --input FILE to read a file)",
    );
    expect(r.stdout).toContain("cep: 0 events");
  });

  test("the reserved-word hint shows the backticked name once", () => {
    write("reserved.pattern", "event A { ts: time }\npattern P {\n  match key: A\n}\n");
    const r = cep(["check", "reserved.pattern"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("= hint: write it in backticks to use it as a name: `key`\n");
    expect(r.stderr).not.toContain("``");
  });
});

describe("cep test: hand-written expectations", () => {
  const scenario = (expected: string) => {
    write("brute.pattern", readFileSync(LOGIN, "utf8"));
    write("brute.events.ndjson", readFileSync(LOGIN_EVENTS, "utf8"));
    write("brute.expected.ndjson", expected);
    return cep(["test", "brute.pattern"]);
  };

  test("an expected record gives only the fields it cares about", () => {
    const r = scenario('{"pattern":"BruteForce","key":"alice","emit":{"attempts":4,"to":"192.168.7.7"}}\n');
    expect(r.stdout).toBe("PASS brute (1 record)\n1 passed, 0 failed\n");
    expect(r.code).toBe(0);
  });

  test("a record that differs shows the fields in which the nearest output record differs", () => {
    const r = scenario('{"pattern":"BruteForce","key":"alice","end":1700000040000,"emit":{"attempts":3}}\n');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      [
        "FAIL brute: 1 missing, 1 unexpected (expected 1, got 1)",
        '    missing    #1 {"pattern":"BruteForce","key":"alice","end":1700000040000,"emit":{"attempts":3}}',
        "      nearest output record #1 differs in:",
        "        end: expected 1700000040000, got 1700000042000",
        "        emit.attempts: expected 3, got 4",
        '    unexpected #1 {"pattern":"BruteForce","key":"alice","start":1700000000000,',
      ].join("\n"),
    );
  });
});
