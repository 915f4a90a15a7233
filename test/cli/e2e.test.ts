/**
 * End to end with the real compiler and engine. A few tests build once and run
 * `node bin/cep.js …` as a user does (stdin, exit codes, stdout/stderr split); the rest
 * drive `runCli` in-process with the real library (same code, no process start-up).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { CompileError, compile, Engine, renderDiagnostic } from "../../src/index.js";
import { ensureBuilt } from "./dist.js";
import { Capture } from "./fake-api.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = join(root, "bin", "cep.js");
let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "cep-e2e-"));
}, 120_000);

/** `node bin/cep.js args…` in the test directory. */
function spawnCep(args: string[], input = "") {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, input, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `cep args…` in-process with the real library; paths are made absolute by `at`. */
async function cep(args: string[], input = "") {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(args, {
    api: { compile, Engine, CompileError, renderDiagnostic },
    stdin: (async function* () {
      yield input;
    })(),
    stdout,
    stderr,
    stderrIsTTY: false,
    env: {},
    wallClock: Date.now,
    monotonic: () => performance.now(),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const at = (name: string) => join(dir, name);
const write = (name: string, text: string) => {
  writeFileSync(at(name), text);
  return at(name);
};
const lines = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l));

const LOGIN = `event LoginFailed { user: string, ip: string }
event LoginOk { user: string, ip: string }

pattern BruteForce {
  key by user
  within 5 minutes
  match fail: LoginFailed{3,} consecutive
        followed by ok: LoginOk
  emit { user: ok.user, attempts: count(fail) }
}
`;

const events = (...evs: object[]) => `${evs.map((e) => JSON.stringify(e)).join("\n")}\n`;
const F = (user: string, ts: number) => ({ type: "LoginFailed", user, ip: "1.2.3.4", ts });
const OK = (user: string, ts: number) => ({ type: "LoginOk", user, ip: "5.6.7.8", ts });

describe("cep with the real engine", () => {
  test("--version and exit codes of usage errors", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    expect(spawnCep(["--version"])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const r = spawnCep(["run", "--inptu", "x", "p.pattern"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Did you mean --input?");
    expect(spawnCep(["run", "missing.pattern"]).code).toBe(2);
  });

  test("run: stdin to stdout, records exactly in language.md §5 form, summary on stderr", () => {
    write("login.pattern", LOGIN);
    const r = spawnCep(
      ["run", "login.pattern"],
      events(F("alice", 1000), F("alice", 2000), F("alice", 3000), OK("alice", 4000)),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `${JSON.stringify({
        pattern: "BruteForce",
        key: "alice",
        start: 1000,
        end: 4000,
        events: { fail: [F("alice", 1000), F("alice", 2000), F("alice", 3000)], ok: [OK("alice", 4000)] },
        emit: { user: "alice", attempts: 3 },
      })}\n`,
    );
    expect(r.stderr).toMatch(
      /^cep: 4 events, 1 match \(BruteForce 1\), 0 timeouts, 0 late, 0 bad lines, [\d.]+s\n$/,
    );
  });

  test("hostile input: each bad line reported with its line, the run goes on, exit 0", async () => {
    write("login.pattern", LOGIN);
    const deep = `{"type":"LoginFailed","user":"alice","ts":1500,"x":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const input = [
      JSON.stringify(F("alice", 1000)), // 1
      '{"__proto__":{"polluted":true},"type":"LoginFailed","user":"alice","ip":"1.2.3.4","ts":2000}', // 2
      deep, // 3
      '{"type":"LoginFailed","user":"alice","ts":1e400}', // 4
      '{"type":"LoginFailed","user":"alice","ts":"yesterday"}', // 5
      "[1,2,3]", // 6
      "", // 7
      "{not json", // 8
      '{"type":"LoginFailed","ts":2500}', // 9: no key, which LoginFailed declares: a schema error
      '{"type":"LoginFailed","user":"x\u0001","ts":2600}', // 10: raw control character
      JSON.stringify(F("alice", 3000)), // 11
      JSON.stringify(OK("alice", 500)), // 12: late
      JSON.stringify(OK("alice", 4000)), // 13
    ].join("\r\n");
    const r = await cep(["run", at("login.pattern"), "--errors", at("errors.ndjson")], input);
    expect(r.code).toBe(0);
    const [match] = lines(r.stdout);
    expect(match.events.fail).toHaveLength(3);
    expect(Object.keys(match.events.fail[1])).toEqual(["__proto__", "type", "user", "ip", "ts"]);
    const errors = lines(readFileSync(join(dir, "errors.ndjson"), "utf8"));
    expect(
      errors.map((e) => [e.line, e.reason.replace(/ \(ts\)$| \(ts\): expected .*|: .* JSON.*/, "")]),
    ).toEqual([
      [3, "nesting too deep"],
      [4, "invalid time"],
      [5, "invalid time"],
      [6, "not a JSON object"],
      [8, "invalid JSON"],
      [9, "schema: LoginFailed.user: missing, expected string"],
      [10, "invalid JSON"],
      [12, "late"],
    ]);
    for (const e of errors) expect(Object.keys(e)).toEqual(["file", "line", "reason", "text"]);
    expect(r.stderr).toMatch(/1 late, 6 bad lines, 1 schema error/);
  });

  test("compile errors: all printed with carets, nothing read, exit 1", () => {
    write(
      "bad.pattern",
      "pattern P {\n  match a: A folowed by b: B\n}\npattern Q {\n  match x: X whre y > 1\n}\n",
    );
    const r = spawnCep(["run", "bad.pattern"], events(F("a", 1)));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("bad.pattern:2:14:");
    expect(r.stderr).toContain("bad.pattern:5:");
    expect(r.stderr).toContain("^");
    expect(r.stderr).not.toContain("\x1b[");
  });

  test("CSV input with the header as line 1", async () => {
    write("login.pattern", LOGIN);
    const csv = write(
      "events.csv",
      "type,user,ip,ts\nLoginFailed,bob,1.1.1.1,1000\nLoginFailed,bob,1.1.1.1,2000\nbroken\nLoginFailed,bob,1.1.1.1,3000\nLoginOk,bob,2.2.2.2,4000\n",
    );
    const r = await cep(["run", at("login.pattern"), "--input", csv, "--quiet"]);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)[0].events.ok).toEqual([{ type: "LoginOk", user: "bob", ip: "2.2.2.2", ts: 4000 }]);
    expect(lines(r.stderr)).toEqual([
      { file: csv, line: 4, reason: "expected 4 fields, got 1", text: "broken" },
    ]);
  });

  test("--out-of-orderness: a shuffled stream still matches; --late collects the rest", async () => {
    write("login.pattern", LOGIN);
    const input = events(F("c", 2000), F("c", 1000), F("c", 3000), OK("c", 4000), F("c", 10));
    expect(lines((await cep(["run", at("login.pattern"), "--quiet"], input)).stdout)).toHaveLength(0);
    const r = await cep(
      ["run", at("login.pattern"), "--out-of-orderness", "2s", "--late", at("late.ndjson"), "--quiet"],
      input,
    );
    expect(lines(r.stdout)).toHaveLength(1);
    expect(lines(readFileSync(join(dir, "late.ndjson"), "utf8"))).toEqual([
      { file: "-", line: 5, reason: "late", event: F("c", 10) },
    ]);
  });

  test("--processing-time --clock stamps records from the clock", async () => {
    write("pair.pattern", "pattern Pair {\n  match a: A next b: B\n}\n");
    const r = await cep(
      ["run", at("pair.pattern"), "--processing-time", "--clock", "5000", "--quiet"],
      '{"type":"A"}\n{"type":"B"}\n',
    );
    expect(lines(r.stdout)).toMatchObject([{ pattern: "Pair", start: 5000, end: 5001 }]);
  });

  test("timeouts are records too", async () => {
    write(
      "slow.pattern",
      "pattern Slow {\n  key by id\n  within 10s\n  match a: Start followed by b: End\n  on timeout emit { id: a.id }\n}\n",
    );
    const r = await cep(
      ["run", at("slow.pattern"), "--quiet"],
      '{"type":"Start","id":1,"ts":0}\n{"type":"Tick","id":2,"ts":60000}\n',
    );
    expect(lines(r.stdout)).toEqual([
      {
        pattern: "Slow",
        key: 1,
        start: 0,
        end: 10000,
        timeout: true,
        events: { a: [{ type: "Start", id: 1, ts: 0 }] },
        emit: { id: 1 },
      },
    ]);
  });

  test("check and explain", async () => {
    write("login.pattern", LOGIN);
    const check = await cep(["check", at("login.pattern")]);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`BruteForce (${at("login.pattern")})`);
    expect(check.stdout).toContain("key:     user");
    expect(check.stdout).toContain("windows: pattern 5m");
    expect(check.stdout).toMatch(/states: {2}\d+/);
    const text = await cep(["explain", at("login.pattern")]);
    expect(text.stdout).toContain("pattern BruteForce");
    expect((await cep(["explain", at("login.pattern"), "--format", "dot"])).stdout).toContain(
      'digraph "BruteForce"',
    );
    expect((await cep(["explain", at("login.pattern"), "--format", "mermaid"])).stdout).toContain(
      "flowchart LR",
    );
  });

  test("cep test: pass, fail with a diff, --update", async () => {
    write("t1.pattern", LOGIN);
    write("t1.events.ndjson", events(F("d", 1), F("d", 2), F("d", 3), OK("d", 4)));
    expect((await cep(["test", at("t1.pattern")])).code).toBe(1); // no expected file yet
    expect((await cep(["test", "--update", at("t1.pattern")])).code).toBe(0);
    expect(await cep(["test", at("t1.pattern")])).toMatchObject({
      code: 0,
      stdout: `PASS ${at("t1")} (1 record)\n1 passed, 0 failed\n`,
    });
    write("t1.events.ndjson", events(F("d", 1), F("d", 2), OK("d", 4)));
    const r = await cep(["test", at("t1.pattern")]);
    expect(r.code).toBe(1);
    expect(
      r.stdout.startsWith(
        `FAIL ${at("t1")}: 1 missing (expected 1, got 0)\n    missing    #1 {"pattern":"BruteForce"`,
      ),
    ).toBe(true);
    expect(r.stdout.endsWith("0 passed, 1 failed\n")).toBe(true);
  });
});
