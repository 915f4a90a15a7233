/**
 * `cep` in-process with the fake library (fake-api.ts): options, exit codes, files,
 * error output, summary. The real engine is exercised by e2e.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { cep, ndjson } from "./fake-api.js";

let dir: string;
const at = (name: string) => join(dir, name);
const write = (name: string, text: string) => {
  writeFileSync(at(name), text);
  return at(name);
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cep-cli-"));
  write("a.pattern", "pattern P A key user\npattern Q B\n");
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("usage and exit codes", () => {
  test("--version prints package.json's version", async () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    const r = await cep(["--version"]);
    expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  test("--help and help <command> exit 0 and list the commands and options", async () => {
    const r = await cep(["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["run", "check", "explain", "test", "repl"]) expect(r.stdout).toContain(c);
    const run = await cep(["run", "--help"]);
    expect(run.code).toBe(0);
    for (const o of ["--input", "--out-of-orderness", "--watermarks-only", "--late", "--errors", "--quiet"]) {
      expect(run.stdout).toContain(o);
    }
  });

  test("no command is bad usage", async () => {
    expect((await cep([])).code).toBe(2);
  });

  test("an unknown option exits 2 with a suggestion", async () => {
    const r = await cep(["run", "--outpt", "x", at("a.pattern")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--outpt'");
    expect(r.stderr).toContain("Did you mean --output?");
    expect(r.stdout).toBe("");
  });

  test("an unknown command exits 2 with a suggestion", async () => {
    const r = await cep(["chek", at("a.pattern")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Did you mean check?");
  });

  test("a missing pattern file argument exits 2", async () => {
    expect((await cep(["run"])).code).toBe(2);
  });

  test("unreadable files exit 2 before anything runs", async () => {
    let r = await cep(["run", at("nope.pattern")]);
    expect(r).toMatchObject({ code: 2, stdout: "" });
    expect(r.stderr).toContain(`cannot read ${at("nope.pattern")}: no such file or directory`);
    r = await cep(["run", at("a.pattern"), "--input", at("nope.ndjson")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot read");
    r = await cep(["run", at("a.pattern"), "--input", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is a directory");
    r = await cep(["run", at("a.pattern"), "--output", join(dir, "no", "such", "dir.ndjson")], { stdin: "" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot write");
    expect((await cep(["check", at("nope.pattern")])).code).toBe(2);
    expect((await cep(["explain", at("nope.pattern")])).code).toBe(2);
  });

  test("--pattern naming nothing exits 2 and names the nearest", async () => {
    const r = await cep(["run", at("a.pattern"), "--pattern", "p"], { stdin: '{"type":"A","ts":1}\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--pattern p names no pattern (did you mean P?); patterns: P, Q");
    expect(r.stdout).toBe("");
  });

  test("invalid option values exit 2", async () => {
    for (const args of [
      ["--out-of-orderness", "5x"],
      ["--out-of-orderness", "0.5ms"],
      ["--format", "xml"],
      ["--clock", "soon", "--processing-time"],
      ["--clock", "5"],
      ["--processing-time", "--watermarks-only"],
      ["--type-field", ""],
    ]) {
      const r = await cep(["run", at("a.pattern"), ...args]);
      expect(r.code, args.join(" ")).toBe(2);
    }
  });

  test("--checkpoint needs file input and output; --checkpoint-every needs --checkpoint and a count", async () => {
    const input = write("in.ndjson", "{}\n");
    const ck = at("state.json");
    const cases: [string[], string][] = [
      [["--checkpoint", ck, "--output", at("o")], "--checkpoint needs a file input"],
      [["--checkpoint", ck, "--input", input], "--checkpoint needs a file output"],
      [
        ["--checkpoint-every", "10", "--input", input, "--output", at("o")],
        "--checkpoint-every needs --checkpoint",
      ],
      [["--checkpoint", ck, "--checkpoint-every", "0", "--input", input, "--output", at("o")], "at least 1"],
      [
        ["--checkpoint", ck, "--checkpoint-every", "1e3", "--input", input, "--output", at("o")],
        "whole number",
      ],
      [["--checkpoint", input, "--input", input, "--output", at("o")], "is the input file"],
      [["--checkpoint", ck, "--input", input, "--output", ck], "is the checkpoint file"],
    ];
    for (const [args, message] of cases) {
      const r = await cep(["run", at("a.pattern"), ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toContain(message);
    }
  });

  test("writing over the input is refused", async () => {
    const input = write("in.ndjson", "{}\n");
    const r = await cep(["run", at("a.pattern"), "--input", input, "--output", input]);
    expect(r.code).toBe(2);
    expect(readFileSync(input, "utf8")).toBe("{}\n");
  });

  test("repl rejects an unknown option", async () => {
    const r = await cep(["repl", "--bogus"]);
    expect(r.code).toBe(2);
  });
});

describe("compile errors", () => {
  test("every error is printed, nothing is read, exit 1", async () => {
    write("bad.pattern", "pattern P A\nerror first problem\nerror second problem\n");
    const r = await cep(["run", at("bad.pattern"), at("a.pattern")], { stdin: '{"type":"A","ts":1}\n' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${at("bad.pattern")}:2:1: E2001 first problem`);
    expect(r.stderr).toContain(`${at("bad.pattern")}:3:1: E2001 second problem`);
    expect(r.stderr).not.toContain("events");
  });

  test("colour only on a TTY and never with NO_COLOR", async () => {
    write("bad.pattern", "error oops\n");
    const args = ["check", at("bad.pattern")];
    expect((await cep(args)).stderr).not.toContain("\x1b[");
    expect((await cep(args, { tty: true })).stderr).toContain("\x1b[31m");
    expect((await cep(args, { tty: true, env: { NO_COLOR: "1" } })).stderr).not.toContain("\x1b[");
    expect((await cep(args, { tty: true, env: { NO_COLOR: "" } })).stderr).toContain("\x1b[31m");
  });

  test("warnings are printed and change nothing", async () => {
    write("w.pattern", "pattern P A\nwarn did you mean B?\n");
    const r = await cep(["run", at("w.pattern"), "--quiet"], { stdin: '{"type":"A","ts":1}\n' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("W2001 did you mean B?");
    expect(ndjson(r.stdout)).toHaveLength(1);
  });
});

describe("cep run", () => {
  test("reads stdin, writes records to stdout and a summary to stderr", async () => {
    const r = await cep(["run", at("a.pattern")], {
      stdin: '{"type":"A","ts":1,"user":"u"}\n{"type":"B","ts":2}\n{"type":"C","ts":3,"user":"u"}\n',
    });
    expect(r.code).toBe(0);
    expect(ndjson(r.stdout)).toEqual([
      { pattern: "P", key: "u", start: 1, end: 1, events: { a: [{ type: "A", ts: 1, user: "u" }] } },
      { pattern: "Q", key: null, start: 2, end: 2, events: { a: [{ type: "B", ts: 2 }] } },
    ]);
    const [missing, summary, end] = r.stderr.split("\n");
    expect(JSON.parse(missing)).toEqual({
      file: "-",
      line: 2,
      reason: "missing key: P (user)",
      text: '{"type":"B","ts":2}',
    });
    expect(summary).toMatch(
      /^cep: 3 events, 2 matches \(P 1, Q 1\), 0 timeouts, 0 late, 0 bad lines, 1 missing key, \d+\.\d\ds$/,
    );
    expect(end).toBe("");
  });

  test("hostile lines go to the error output with their line numbers; the run goes on, exit 0", async () => {
    const deep = `{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const lines = [
      '{"type":"A","ts":1,"user":"u"}', // 1
      '{"__proto__":{"polluted":true},"type":"A","ts":2,"user":"v"}', // 2: fine, plain data
      deep, // 3
      '{"type":"A","ts":1e400,"user":"u"}', // 4: time not finite
      '{"type":"A","ts":3,"user":"\u0001"}', // 5: raw control character
      "[1,2]", // 6
      "", // 7 blank
      '"just a string"', // 8
      "{oops", // 9
      '{"type":"A","user":"u"}', // 10: no time
      '{"type":"A","ts":4,"user":"w"}', // 11
    ];
    const r = await cep(["run", at("a.pattern"), "--pattern", "P"], { stdin: `${lines.join("\r\n")}\r\n` });
    expect(r.code).toBe(0);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    const records = ndjson(r.stdout);
    expect(records.map((x) => x.key)).toEqual(["u", "v", "w"]);
    expect(Object.keys(records[1].events.a[0])).toEqual(["__proto__", "type", "ts", "user"]);
    const errors = r.stderr.split("\n").filter((l) => l.startsWith("{"));
    expect(errors.map((l) => JSON.parse(l)).map((e) => [e.line, e.reason])).toEqual([
      [3, "nesting too deep"],
      [4, "invalid time (ts)"], // the fake engine's reason
      [5, expect.stringMatching(/^invalid JSON: /)],
      [6, "not a JSON object"],
      [8, "not a JSON object"],
      [9, expect.stringMatching(/^invalid JSON: /)],
      [10, "missing time (ts)"],
    ]);
    for (const e of errors.map((l) => JSON.parse(l))) {
      expect(Object.keys(e)).toEqual(["file", "line", "reason", "text"]);
      expect(e.file).toBe("-");
      expect(e.text.length).toBeLessThanOrEqual(200);
    }
    expect(r.stderr).toContain("7 bad lines");
  });

  test("a line over 1 MiB is a bad line", async () => {
    const r = await cep(["run", at("a.pattern"), "--quiet"], {
      stdin: `{"x":"${"a".repeat(1 << 20)}"}\n{"type":"B","ts":1}\n`,
    });
    expect(r.code).toBe(0);
    const [err] = ndjson(r.stderr);
    expect(err).toMatchObject({ file: "-", line: 1, reason: "line too long" });
    expect(err.text).toHaveLength(200);
    expect(ndjson(r.stdout)).toHaveLength(1);
  });

  test("--input, --output, --errors and --late files; late events with their line", async () => {
    const input = write(
      "events.ndjson",
      '{"type":"A","ts":10,"user":"u"}\n{"type":"A","ts":5,"user":"u"}\nnope\n',
    );
    const r = await cep([
      "run",
      at("a.pattern"),
      "--input",
      input,
      "--output",
      at("out.ndjson"),
      "--errors",
      at("errors.ndjson"),
      "--late",
      at("late.ndjson"),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(ndjson(readFileSync(at("out.ndjson"), "utf8"))).toHaveLength(1);
    expect(ndjson(readFileSync(at("errors.ndjson"), "utf8"))).toEqual([
      { file: input, line: 3, reason: expect.stringMatching(/^invalid JSON: /), text: "nope" },
    ]);
    expect(readFileSync(at("late.ndjson"), "utf8")).toBe(
      `${JSON.stringify({ file: input, line: 2, reason: "late", event: { type: "A", ts: 5, user: "u" } })}\n`,
    );
    expect(r.stderr).toContain("1 late");
  });

  test("without --late, late events go to the error output as text", async () => {
    const r = await cep(["run", at("a.pattern"), "--quiet"], {
      stdin: '{"type":"A","ts":10,"user":"u"}\n{"type":"A","ts":5,"user":"u"}\n',
    });
    expect(ndjson(r.stderr)).toEqual([
      { file: "-", line: 2, reason: "late", text: '{"type":"A","ts":5,"user":"u"}' },
    ]);
  });

  test("--late and --errors naming the same file share it", async () => {
    const r = await cep(["run", at("a.pattern"), "--late", at("x.ndjson"), "--errors", at("x.ndjson")], {
      stdin: '{"type":"A","ts":10,"user":"u"}\n{"type":"A","ts":5,"user":"u"}\nbad\n',
    });
    expect(r.code).toBe(0);
    expect(ndjson(readFileSync(at("x.ndjson"), "utf8")).map((e) => e.reason)).toEqual([
      "late",
      expect.stringMatching(/^invalid JSON: /),
    ]);
  });

  test("--out-of-orderness lets a late-ish event through", async () => {
    const stdin = '{"type":"A","ts":10000,"user":"u"}\n{"type":"A","ts":6000,"user":"u"}\n';
    expect(
      ndjson((await cep(["run", at("a.pattern"), "--out-of-orderness", "5s"], { stdin })).stdout),
    ).toHaveLength(2);
    expect(
      ndjson((await cep(["run", at("a.pattern"), "--out-of-orderness", "3s"], { stdin })).stdout),
    ).toHaveLength(1);
  });

  test("--type-field and --time-field", async () => {
    const r = await cep(["run", at("a.pattern"), "--type-field", "kind", "--time-field", "at"], {
      stdin: '{"kind":"B","at":1}\n{"type":"B","ts":1}\n',
    });
    expect(ndjson(r.stdout)).toEqual([
      { pattern: "Q", key: null, start: 1, end: 1, events: { a: [{ kind: "B", at: 1 }] } },
    ]);
    const reasons = ndjson(
      r.stderr
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .join("\n"),
    ).map((e) => e.reason);
    expect(reasons).toEqual(["missing key: P (user)", "missing time (at)"]);
  });

  test("--processing-time --clock: the clock starts there, +1 ms per record", async () => {
    const r = await cep(["run", at("a.pattern"), "--processing-time", "--clock", "1000", "--quiet"], {
      stdin: '{"type":"B"}\n{"type":"B","ts":"garbage"}\n{"type":"B"}\n',
    });
    expect(ndjson(r.stdout).map((x) => x.start)).toEqual([1000, 1001, 1002]);
  });

  test("CSV by extension or flag; header is line 1", async () => {
    const input = write("events.csv", "type,ts,user\nA,1,u\nA,x\nB,2,\n");
    const r = await cep(["run", at("a.pattern"), "--input", input, "--quiet"]);
    expect(r.code).toBe(0);
    expect(ndjson(r.stdout)).toEqual([
      { pattern: "P", key: "u", start: 1, end: 1, events: { a: [{ type: "A", ts: 1, user: "u" }] } },
      { pattern: "Q", key: null, start: 2, end: 2, events: { a: [{ type: "B", ts: 2, user: null }] } },
    ]);
    expect(ndjson(r.stderr)[0]).toEqual({
      file: input,
      line: 3,
      reason: "expected 3 fields, got 2",
      text: "A,x",
    });
    const viaFlag = await cep(["run", at("a.pattern"), "--format", "csv", "--quiet"], {
      stdin: "type,ts\nB,7\n",
    });
    expect(ndjson(viaFlag.stdout)[0].start).toBe(7);
  });

  test("--quiet: nothing on stderr for a clean run", async () => {
    const r = await cep(["run", at("a.pattern"), "--quiet"], { stdin: '{"type":"B","ts":1,"user":"u"}\n' });
    expect(r.stderr).toBe("");
    expect(ndjson(r.stdout)).toHaveLength(1);
  });

  test("$watermark records are passed to the engine and count as lines", async () => {
    const r = await cep(["run", at("a.pattern"), "--quiet"], {
      stdin: '{"$watermark":100}\n{"type":"B","ts":50}\n{"type":"B","ts":150}\n',
    });
    expect(ndjson(r.stdout).map((x) => x.start)).toEqual([150]);
    expect(ndjson(r.stderr)[0]).toMatchObject({ line: 2, reason: "late" });
  });

  test("a closed stdout (EPIPE) stops the run quietly", async () => {
    const { Writable } = await import("node:stream");
    const { runCli } = await import("../../src/cli/cli.js");
    const { fakeApi, Capture } = await import("./fake-api.js");
    const stdout = new Writable({
      write(_c, _e, done) {
        done(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      },
    });
    stdout.on("error", () => {});
    const stderr = new Capture();
    const lines = Array.from({ length: 20_000 }, (_, i) => `{"type":"B","ts":${i}}`).join("\n");
    const code = await runCli(["run", at("a.pattern")], {
      api: fakeApi,
      stdin: (async function* () {
        yield Buffer.from(lines);
      })(),
      stdout,
      stderr,
      stderrIsTTY: false,
      env: {},
      wallClock: () => 0,
      monotonic: () => 0,
    });
    expect(code).toBe(0);
  });
});

describe("cep check and explain", () => {
  test("check prints a summary per pattern and exits 0", async () => {
    const r = await cep(["check", at("a.pattern")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `P (${at("a.pattern")})`,
        "  key:     user",
        "  windows: pattern 5m; term a 10s",
        "  skip:    no skip",
        "  terms:   a · not n",
        "  states:  2",
        "",
        `Q (${at("a.pattern")})`,
        "  key:     none (one global partition)",
        "  windows: pattern 5m; term a 10s",
        "  skip:    no skip",
        "  terms:   a · not n",
        "  states:  2",
        "",
      ].join("\n"),
    );
  });

  test("check exits 1 on errors", async () => {
    write("bad.pattern", "error nope\n");
    expect((await cep(["check", at("bad.pattern")])).code).toBe(1);
  });

  test("explain: text dump, dot and mermaid; --pattern selects", async () => {
    const text = await cep(["explain", at("a.pattern"), "--pattern", "Q"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe('pattern Q\n  state a [start]\n    take    -> match  if type == "B"\n');
    const dot = await cep(["explain", at("a.pattern"), "--format", "dot"]);
    // Several patterns: one graph (so `| dot -Tsvg` gives one SVG), one cluster each.
    expect(dot.stdout.match(/^digraph /gm)).toHaveLength(1);
    expect(dot.stdout.match(/^ {2}subgraph "cluster_\d+"/gm)).toHaveLength(2);
    const mermaid = await cep(["explain", at("a.pattern"), "--format", "mermaid", "--pattern", "P"]);
    expect(mermaid.stdout).toContain("flowchart LR");
    expect((await cep(["explain", at("a.pattern"), "--pattern", "Nope"])).code).toBe(2);
    expect((await cep(["explain", at("a.pattern"), "--format", "svg"])).code).toBe(2);
  });
});
