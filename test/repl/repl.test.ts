/**
 * `cep repl` end to end: `node bin/cep.js repl` with piped stdin, as a script drives it.
 * stdout must carry only records (JSON lines) and requested output; messages, errors and
 * diagnostics go to stderr. Plus in-process checks of the terminal rendering, `.state`
 * wording, completion and history.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";
import { History, historyPath } from "../../src/repl/history.js";
import { renderRecord } from "../../src/repl/render.js";
import { Session, type SessionConfig } from "../../src/repl/session.js";
import { ensureBuilt } from "../cli/dist.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = join(root, "bin", "cep.js");
let dir: string;

/** Newest modification time of any file under `path`. */
function _newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of readdirSync(path)) max = Math.max(max, _newest(join(path, e)));
  return max;
}

beforeAll(() => {
  // Build once when dist is missing or older than the sources (as test/cli/e2e.test.ts does).
  const built = join(root, "dist", "repl", "command.js");
  ensureBuilt();
  if (!existsSync(built)) throw new Error("npm run build produced no dist/repl/command.js");
  dir = mkdtempSync(join(tmpdir(), "cep-repl-"));
}, 120_000);

/** `node bin/cep.js repl args…` with `input` piped to stdin. */
function repl(input: string, args: string[] = []) {
  const r = spawnSync(process.execPath, [bin, "repl", ...args], {
    cwd: dir,
    input,
    encoding: "utf8",
    maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: "", CEP_HISTORY: join(dir, "history") },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every stdout line parsed as JSON (fails when a line is not JSON: no prompt noise allowed). */
const records = (stdout: string) =>
  stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));

const at = (name: string) => join(dir, name);
const ev = (o: object) => JSON.stringify(o);
const F = (user: string, ts: number, ip = "10.0.0.1") => ev({ type: "LoginFailed", user, ip, ts });
const OK = (user: string, ts: number, ip = "192.168.7.7") => ev({ type: "LoginOk", user, ip, ts });

const BRUTE = `event LoginFailed { user: string, ip: string }
pattern BruteForce {
  key by user
  within 5 minutes
  match fail: LoginFailed{3,} consecutive
        followed by ok: LoginOk where ip != first(fail).ip
  emit { user: ok.user, attempts: count(fail) }
}`;

const input = (...lines: string[]) => `${lines.join("\n")}\n`;

describe("cep repl (piped stdin)", () => {
  test("multi-line pattern, then events: a match as one JSON line on stdout, nothing else there", () => {
    const r = repl(input(BRUTE, F("alice", 1000), F("alice", 2000), F("alice", 3000), OK("alice", 4000)));
    expect(r.code).toBe(0);
    const recs = records(r.stdout);
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({
      pattern: "BruteForce",
      key: "alice",
      start: 1000,
      end: 4000,
      emit: { user: "alice", attempts: 3 },
    });
    expect(recs[0].events.fail).toHaveLength(3);
    expect(recs[0].events.ok).toEqual([JSON.parse(OK("alice", 4000))]);
    expect(r.stderr).toContain("added pattern BruteForce");
    expect(r.stderr).not.toContain("cep>");
  });

  test("the match prints as soon as it happens, before later input is handled", () => {
    const r = repl(input(BRUTE, F("a", 1), F("a", 2), F("a", 3), OK("a", 4), ".patterns"));
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^\{"pattern":"BruteForce"/);
    expect(lines[1]).toMatch(/^BruteForce /);
  });

  test("a pattern with an existing name replaces it; it starts fresh, the others keep their state", () => {
    const r = repl(
      input(
        "pattern P { match a: A followed by b: B }",
        "pattern Q { match a: A followed by c: C }",
        ev({ type: "A", n: 1, ts: 1 }),
        "pattern P {",
        "  match a: A followed by b: B",
        "  emit { replaced: true }",
        "}",
        ev({ type: "A", n: 2, ts: 2 }),
        ev({ type: "B", ts: 3 }),
        ev({ type: "C", ts: 4 }),
      ),
    );
    const recs = records(r.stdout);
    // New P saw only the second A; Q kept the first A from before the replacement.
    expect(recs.filter((x) => x.pattern === "P")).toEqual([
      {
        pattern: "P",
        key: null,
        start: 2,
        end: 3,
        events: { a: [{ type: "A", n: 2, ts: 2 }], b: [{ type: "B", ts: 3 }] },
        emit: { replaced: true },
      },
    ]);
    expect(recs.filter((x) => x.pattern === "Q").map((x) => x.events.a[0].n)).toEqual([1, 2]);
    expect(r.stderr).toContain("replaced pattern P");
  });

  test("a bad pattern shows the caret diagnostic on stderr; the session continues", () => {
    const r = repl(
      input(
        "pattern Oops {",
        "  match a: A folowed by b: B",
        "}",
        "pattern Good { match a: A }",
        ev({ type: "A", ts: 1 }),
      ),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("<stdin:1>:2:14: E1100");
    expect(r.stderr).toContain("  2 |   match a: A folowed by b: B");
    expect(r.stderr).toContain("^^^^^^^");
    expect(r.stderr).toContain("did you mean `followed by`?");
    expect(r.stderr).not.toContain("\x1b[");
    expect(records(r.stdout).map((x) => x.pattern)).toEqual(["Good"]);
  });

  test("a rejected pattern leaves the old definition running", () => {
    const r = repl(
      input(
        "pattern P { match a: A }",
        "pattern P { match a: A where nope( }",
        ev({ type: "A", ts: 1 }),
        ".patterns",
      ),
    );
    expect(r.stderr).toMatch(/<stdin:2>:1:\d+: E\d+/);
    expect(r.stdout.split("\n")[0]).toMatch(/^\{"pattern":"P"/);
  });

  test("bad event lines get an error saying which; the session continues", () => {
    const r = repl(
      input(
        "pattern P { match a: A }",
        '{"type":"A", ts: 1}',
        ev({ type: "A" }),
        ev({ type: "A", ts: "yesterday" }),
        ev({ type: "A", ts: 5 }),
      ),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "line 2: error: bad event: invalid JSON: Expected double-quoted property name in JSON at position 13",
    );
    expect(r.stderr).toContain("line 3: error: bad event: missing time (ts)");
    expect(r.stderr).toContain(
      'line 4: error: bad event: invalid time (ts): expected integer epoch ms within ±8.64e15 or ISO-8601 with Z or ±hh:mm, got "yesterday"',
    );
    expect(records(r.stdout)).toHaveLength(1);
  });

  test("a line holding only `}` gets the diagnostic `cep check` gives for a stray `}`", () => {
    writeFileSync(at("stray.pattern"), "}\n");
    const check = spawnSync(process.execPath, [bin, "check", "stray.pattern"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(check.status).toBe(1);
    const message = /stray\.pattern:1:1: (E\d+ .*)/.exec(check.stderr)?.[1];
    expect(message).toBeDefined();
    const r = repl(input("pattern P { match a: A }", "}", "  }  ", ev({ type: "A", ts: 1 })));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`<stdin:2>:1:1: ${message}`);
    expect(r.stderr).toContain(`<stdin:3>:1:3: ${message}`);
    // The session goes on: the pattern still runs.
    expect(records(r.stdout).map((x) => x.pattern)).toEqual(["P"]);
  });

  test("event lines over 1 MiB are refused as `cep run` refuses them: one limit, one reason", () => {
    // UTF-8 bytes count, not characters: pad with "é" (2 bytes) to exactly 1 MiB, then one byte more.
    const line = (bytes: number) => {
      const base = ev({ type: "A", ts: 1, pad: "" });
      const room = bytes - Buffer.byteLength(base);
      const text = ev({ type: "A", ts: 1, pad: "é".repeat(Math.floor(room / 2)) + "x".repeat(room % 2) });
      expect(Buffer.byteLength(text)).toBe(bytes);
      return text;
    };
    const limit = 1024 * 1024;
    const lines = [line(limit), line(limit + 1)];
    writeFileSync(at("long.pattern"), "pattern P { match a: A }\n");
    writeFileSync(at("long.ndjson"), input(...lines));
    const run = spawnSync(
      process.execPath,
      [bin, "run", "long.pattern", "--input", "long.ndjson", "--quiet"],
      {
        cwd: dir,
        encoding: "utf8",
        maxBuffer: 64 << 20,
      },
    );
    expect(run.status).toBe(0);
    expect(records(run.stdout)).toHaveLength(1);
    const bad = JSON.parse(run.stderr.trim().split("\n")[0]);
    expect(bad).toMatchObject({ line: 2, reason: "line too long" });

    const r = repl(input("pattern P { match a: A }", ...lines));
    expect(r.code).toBe(0);
    expect(records(r.stdout)).toHaveLength(1);
    expect(r.stderr).toContain(`line 3: error: bad event: ${bad.reason}`);
    expect(r.stderr).not.toContain("line 2: error");
  });

  test(".watermark fires a timeout (epoch ms or ISO-8601)", () => {
    const pattern = input(
      "pattern Unpaid {",
      "  key by id",
      "  within 10s",
      "  match o: Order followed by p: Pay",
      "  on timeout emit { id: o.id }",
      "}",
    );
    const r = repl(
      `${pattern}${input(ev({ type: "Order", id: "a", ts: 1000 }), ".watermark 11000", ".patterns")}`,
    );
    const first = r.stdout.split("\n")[0];
    expect(JSON.parse(first)).toEqual({
      pattern: "Unpaid",
      key: "a",
      start: 1000,
      end: 11000,
      timeout: true,
      events: { o: [{ type: "Order", id: "a", ts: 1000 }] },
      emit: { id: "a" },
    });
    const iso = repl(
      `${pattern}${input(ev({ type: "Order", id: "b", ts: "2024-01-01T00:00:00Z" }), ".watermark 2024-01-01T00:00:10Z")}`,
    );
    expect(records(iso.stdout)[0]).toMatchObject({ key: "b", timeout: true });
    const bad = repl(
      input(
        ".watermark soon",
        ".watermark",
        ".watermark 9999999999999999999999",
        ".watermark 2024-01-01T00:00:00+24:00",
      ),
    );
    const forms = "expected integer epoch ms within ±8.64e15 or ISO-8601 with Z or ±hh:mm";
    expect(bad.stderr).toContain(`line 1: error: .watermark: invalid time: ${forms}, got "soon"`);
    expect(bad.stderr).toContain("line 2: error: usage: .watermark <time>");
    expect(bad.stderr).toContain(
      `line 3: error: .watermark: invalid time: ${forms}, got 9999999999999999999999`,
    );
    expect(bad.stderr).toContain(
      `line 4: error: .watermark: invalid time: ${forms}, got "2024-01-01T00:00:00+24:00"`,
    );
    expect(bad.stdout).not.toContain("watermark");
  });

  test(".flush releases a trailing `not followed by` match, then resets time and state", () => {
    const r = repl(
      input(
        "pattern NoShip {",
        "  key by id",
        "  within 1 hour",
        "  match o: Order not followed by s: Ship",
        "}",
        ev({ type: "Order", id: "a", ts: 5000 }),
        ev({ type: "Order", id: "b", ts: 6000 }),
        ev({ type: "Ship", id: "b", ts: 7000 }),
        ".state",
        ".flush",
        ".state",
        // Time was reset: an earlier time is not late any more.
        ev({ type: "Order", id: "c", ts: 1 }),
      ),
    );
    const out = r.stdout.split("\n");
    const i = out.findIndex((l) => l.startsWith("{"));
    expect(out.slice(0, i).join("\n")).toContain(
      'NoShip key "a": o ×1 taken, complete when the window closes unless s',
    );
    expect(JSON.parse(out[i])).toEqual({
      pattern: "NoShip",
      key: "a",
      start: 5000,
      end: 5000,
      events: { o: [{ type: "Order", id: "a", ts: 5000 }] },
    });
    expect(out[i + 1]).toBe("time not started");
    expect(out[i + 2]).toBe("no partial matches");
    // End of input flushes c.
    expect(JSON.parse(out[i + 3])).toMatchObject({ pattern: "NoShip", key: "c" });
    expect(r.stderr).toContain("flushed");
    expect(r.stderr).not.toContain("late");
  });

  test(".state names each partial match's variables and what it waits for", () => {
    const r = repl(input(BRUTE, F("alice", 1700000000000), F("alice", 1700000001000), ".state"));
    expect(r.stdout).toBe(
      [
        "time 1700000001000 (2023-11-14T22:13:21.000Z)",
        'BruteForce key "alice": fail ×2 taken, waiting for fail (type == "LoginFailed"); window closes at 2023-11-14T22:18:20.000Z',
        'BruteForce key "alice": fail ×1 taken, waiting for fail (type == "LoginFailed"); window closes at 2023-11-14T22:18:21.000Z',
        "",
      ].join("\n"),
    );
    const three = repl(input(BRUTE, F("bob", 1), F("bob", 2), F("bob", 3), ".state"));
    expect(three.stdout).toContain(
      'BruteForce key "bob": fail ×3 taken, waiting for ok (type == "LoginOk" and ip != first(fail).ip) or fail (type == "LoginFailed"); window closes at 300001',
    );
  });

  test(".patterns lists the patterns with their key, windows and counts", () => {
    const r = repl(input(BRUTE, "pattern Any { match a: * }", F("x", 1), ".patterns"));
    const lines = r.stdout.split("\n").filter((l) => !l.startsWith("{"));
    expect(lines[0]).toBe(
      "BruteForce  key by user · within 5m · no skip · 1 partial · 0 matches  (<stdin:2>)",
    );
    expect(lines[1]).toBe("Any  no key · no skip · 0 partial · 1 match  (<stdin:9>)");
    expect(lines[2]).toBe("event types: LoginFailed");
    expect(repl(".patterns\n").stdout).toBe("no patterns (type one, or .load a file)\n");
  });

  test(".explain prints the NFA; an unknown name gets a suggestion", () => {
    const r = repl(input(BRUTE, ".explain BruteForce", ".explain Brute"));
    expect(r.stdout).toContain("pattern BruteForce\n  key: user\n");
    expect(r.stdout).toContain('take    -> fail:1  if type == "LoginFailed"');
    expect(r.stdout).toContain("  state match   [final]\n");
    expect(r.stderr).toContain("error: no pattern Brute (did you mean BruteForce?)");
  });

  test(".save writes a file that `cep check` accepts; .load reads it back", () => {
    const saved = at("saved.pattern");
    const r = repl(
      input(
        BRUTE,
        "pattern Other { key by id  match a: A followed by b: B }",
        "pattern Other { match a: A }",
        `.save ${saved}`,
      ),
    );
    expect(r.stderr).toContain(`saved 2 patterns and 1 event declaration to ${saved}`);
    const text = readFileSync(saved, "utf8");
    const [decl, ...rest] = BRUTE.split("\n");
    expect(text).toBe(`${decl}\n\n${rest.join("\n")}\n\npattern Other { match a: A }\n`);
    const check = spawnSync(process.execPath, [bin, "check", saved], { cwd: dir, encoding: "utf8" });
    expect(check.status).toBe(0);
    expect(check.stdout).toContain("BruteForce (");
    expect(check.stdout).toContain("Other (");

    const loaded = repl(
      input(`.load ${saved}`, F("u", 1), F("u", 2), F("u", 3), OK("u", 4), ev({ type: "A", ts: 5 })),
    );
    expect(loaded.stderr).toContain(
      `loaded ${saved}; declared event LoginFailed; added pattern BruteForce; added pattern Other`,
    );
    expect(records(loaded.stdout).map((x) => x.pattern)).toEqual(["BruteForce", "Other"]);
  });

  test("files on the command line are loaded; loading a file again replaces what it defined", () => {
    const file = at("two.pattern");
    writeFileSync(file, "pattern A1 { match a: A }\npattern B1 { match b: B }\n");
    const r = repl(input(ev({ type: "B", ts: 1 }), `.load ${file}`, ".patterns"), [file]);
    expect(records(r.stdout.split("\n")[0])[0]).toMatchObject({ pattern: "B1" });
    expect(r.stdout).toContain("A1  no key");
    expect(r.stderr).toContain("replaced pattern A1");
    expect(repl(".load nowhere.pattern\n").stderr).toContain(
      "line 1: error: cannot read nowhere.pattern: no such file or directory",
    );
  });

  test("event declarations are shared across typed texts and replaced by name", () => {
    const r = repl(
      input(
        "event T { n: number }",
        'pattern P { match a: T where n == "x" }',
        "event T { n: string }",
        'pattern P { match a: T where n == "x" }',
        ev({ type: "T", n: "x", ts: 1 }),
      ),
    );
    expect(r.stderr).toContain("<stdin:2>");
    expect(r.stderr).toContain("redeclared event T");
    expect(records(r.stdout)).toHaveLength(1);
  });

  test("end of stdin flushes: timeouts fire and held-back matches are released", () => {
    const r = repl(
      input(
        "pattern Unpaid { key by id  within 1 hour  match o: Order followed by p: Pay  on timeout }",
        ev({ type: "Order", id: "z", ts: 1 }),
      ),
    );
    expect(records(r.stdout)).toEqual([
      {
        pattern: "Unpaid",
        key: "z",
        start: 1,
        end: 3600001,
        timeout: true,
        events: { o: [{ type: "Order", id: "z", ts: 1 }] },
      },
    ]);
  });

  test(".exit flushes and ends the session; later lines are not read", () => {
    const r = repl(
      input(
        "pattern NoShip { within 1s  match o: Order not followed by s: Ship }",
        ev({ type: "Order", ts: 1 }),
        ".exit",
        ev({ type: "Ship", ts: 2 }),
        ".patterns",
      ),
    );
    expect(records(r.stdout)).toHaveLength(1);
    expect(r.stdout).not.toContain("NoShip  ");
  });

  test("unfinished pattern text at end of input gets its diagnostic", () => {
    const r = repl(input("pattern P {", "  match a: A"));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("end of input inside pattern text");
    expect(r.stderr).toContain("<stdin:1>:");
  });

  test("comments and blank lines between inputs are ignored", () => {
    const r = repl(
      input(
        "// a script",
        "",
        "pattern P { match a: A } // inline",
        "/* block",
        "comment */",
        ev({ type: "A", ts: 1 }),
      ),
    );
    expect(r.stderr).not.toContain("error");
    expect(records(r.stdout)).toHaveLength(1);
  });

  test(".help, unknown commands, .reset", () => {
    const r = repl(
      input(
        ".help",
        ".flsh",
        "pattern P { match a: A followed by b: B }",
        ev({ type: "A", ts: 10 }),
        ".reset",
        ev({ type: "B", ts: 1 }),
      ),
    );
    expect(r.stdout).toContain(".watermark <time>");
    expect(r.stdout).toContain(".exit");
    expect(r.stderr).toContain("error: unknown command .flsh (did you mean .flush?)");
    expect(r.stderr).toContain("reset: time and state cleared (1 partial match dropped), patterns kept");
    expect(r.stdout).not.toContain('"pattern"');
  });

  test("--type-field, --time-field, --out-of-orderness like cep run", () => {
    const r = repl(
      input(
        "pattern P { match a: A followed by b: B }",
        ev({ kind: "B", at: 20 }),
        ev({ kind: "A", at: 15 }),
        ev({ kind: "B", at: 25 }),
        ev({ kind: "A", at: 1 }),
      ),
      ["--type-field", "kind", "--time-field", "at", "--out-of-orderness", "10ms"],
    );
    expect(records(r.stdout).map((x) => [x.start, x.end])).toEqual([[15, 20]]);
    // With B = 10 the B at 20 waits in the buffer: A at 15 is on time and matched before it; A at 1 is late.
    expect(r.stderr).toContain("line 5: error: late event, not matched");
  });

  test("--processing-time with --clock: arrival order, the clock's times", () => {
    const r = repl(
      input("pattern P { match a: A followed by b: B }", ev({ type: "A" }), ev({ type: "B", ts: -5 })),
      ["--processing-time", "--clock", "100"],
    );
    expect(records(r.stdout)).toMatchObject([{ start: 100, end: 101 }]);
    expect(repl(".watermark 5\n", ["--processing-time"]).stderr).toContain("processing time");
  });

  test("bad usage exits 2", () => {
    expect(repl("", ["--clock", "5"]).code).toBe(2);
    expect(repl("", ["--nope"]).code).toBe(2);
  });
});

describe("session in-process", () => {
  function session(over: Partial<SessionConfig> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const s = new Session({
      options: { typeField: "type", timeField: "ts", outOfOrderness: 0, processingTime: false, clock: null },
      interactive: true,
      readable: true,
      outColor: false,
      errColor: false,
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      ...over,
    });
    return { s, out, err };
  }

  test("on a terminal a record renders readably: pattern, key, time range, variables with events, emit", () => {
    const { s, out } = session();
    for (const l of BRUTE.split("\n")) s.handleLine(l);
    s.handleLine(F("alice", 1700000000000));
    s.handleLine(F("alice", 1700000010000));
    s.handleLine(F("alice", 1700000020000));
    s.handleLine(OK("alice", 1700000042000));
    expect(out.join("")).toBe(
      [
        'match BruteForce  key "alice"  2023-11-14T22:13:20.000Z → 22:14:02.000Z  (42s)',
        `  fail  ${F("alice", 1700000000000)}`,
        `        ${F("alice", 1700000010000)}`,
        `        ${F("alice", 1700000020000)}`,
        `  ok    ${OK("alice", 1700000042000)}`,
        '  emit  {"user":"alice","attempts":3}',
        "",
      ].join("\n"),
    );
  });

  test("timeouts render with their kind; colours only when asked", () => {
    const rec = {
      pattern: "P",
      key: null,
      start: 1,
      end: 5,
      timeout: true,
      events: { a: [{ type: "A", ts: 1 }] },
    };
    expect(renderRecord(rec, (t) => t)).toBe('timeout P  1 → 5  (4ms)\n  a  {"type":"A","ts":1}\n');
    const { s, out } = session({ outColor: true });
    s.handleLine("pattern P { match a: A }");
    s.handleLine(ev({ type: "A", ts: 1 }));
    expect(out.join("")).toContain("\x1b[");
  });

  test("interactive messages have no line numbers; typed text is <repl#N>", () => {
    const { s, err } = session();
    s.handleLine("pattern P { match a: A folowed by b: B }");
    s.handleLine("{oops");
    expect(err.join("")).toContain("<repl#1>:1:24: E1100");
    expect(err.join("")).toContain("error: bad event: invalid JSON");
    expect(err.join("")).not.toContain("line ");
  });

  test("completion: commands, pattern names after .explain, names in pattern text, files after .load", () => {
    const { s } = session();
    s.handleLine("pattern BruteForce { match a: A }");
    s.handleLine("pattern Burst { match a: A }");
    expect(s.complete(".ex")).toEqual([[".explain ", ".exit"], ".ex"]);
    expect(s.complete(".w")).toEqual([[".watermark ", ".why "], ".w"]);
    expect(s.complete(".explain B")).toEqual([["BruteForce", "Burst"], "B"]);
    expect(s.complete(".explain Br")).toEqual([["BruteForce"], "Br"]);
    expect(s.complete("pattern Bu")).toEqual([["Burst"], "Bu"]);
    expect(s.complete('{"type":"A"')).toEqual([[], '{"type":"A"']);
    const d = mkdtempSync(join(tmpdir(), "cep-complete-"));
    writeFileSync(join(d, "login.pattern"), "");
    writeFileSync(join(d, "login.txt"), "");
    expect(s.complete(`.load ${d}/lo`)).toEqual([[`${d}/login.pattern`], `${d}/lo`]);
  });

  test("loading a file again replaces everything the earlier load defined", () => {
    const { s, err } = session({ readable: false });
    const file = join(mkdtempSync(join(tmpdir(), "cep-reload-")), "shrink.pattern");
    writeFileSync(file, "pattern S1 { match a: A }\npattern S2 { match b: B }\n");
    expect(s.load(file)).toBe(true);
    expect(s.patternNames()).toEqual(["S1", "S2"]);
    writeFileSync(file, "pattern S1 { match a: A followed by c: C }\n");
    expect(s.load(file)).toBe(true);
    expect(s.patternNames()).toEqual(["S1"]);
    expect(err.at(-1)).toContain("removed pattern S2 (no longer in shrink.pattern); replaced pattern S1");
  });

  test("Ctrl+C discards pattern text being collected", () => {
    const { s, out } = session({ readable: false });
    s.handleLine("pattern P {");
    expect(s.collecting).toBe(true);
    expect(s.discardPending()).toBe(true);
    expect(s.collecting).toBe(false);
    s.handleLine("pattern P { match a: A }");
    s.handleLine(ev({ type: "A", ts: 1 }));
    expect(out).toHaveLength(1);
  });
});

describe("history", () => {
  test("CEP_HISTORY overrides the path; empty turns history off", () => {
    expect(historyPath({ CEP_HISTORY: "/tmp/h" })).toBe("/tmp/h");
    expect(historyPath({ CEP_HISTORY: "" })).toBeNull();
    expect(historyPath({})).toMatch(/\.cep_history$/);
  });

  test("lines are appended and loaded newest first, without blanks or repeats", () => {
    const file = join(mkdtempSync(join(tmpdir(), "cep-hist-")), "h");
    const h = new History(file, () => {});
    expect(h.load()).toEqual([]);
    for (const l of [".help", ".help", "", "pattern P {", "}"]) h.add(l);
    expect(readFileSync(file, "utf8")).toBe(".help\npattern P {\n}\n");
    expect(new History(file, () => {}).load()).toEqual(["}", "pattern P {", ".help"]);
  });
});
