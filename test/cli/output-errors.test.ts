/**
 * Failed writes (issue #13, item 5): a write that fails on any output of `cep run` —
 * records, bad lines, late events, stdout itself — ends the run with exit 2 and a message
 * naming the output and the error; nothing is lost silently. EPIPE on stdout (the reader
 * went away: `cep run … | head`) is the one quiet case. With `--checkpoint`, a checkpoint
 * never claims output that was not written, and a rerun with a working output produces
 * the whole output.
 *
 * Linux: `/dev/full` fails every write with ENOSPC; `ulimit -f` makes a file fail with
 * EFBIG once it reaches a size (Node ignores SIGXFSZ, so the write just fails).
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { parseCheckpoint } from "../../src/cli/checkpoint.js";
import { privateBin } from "./dist.js";

let bin: string;
let dir: string;
const at = (name: string) => join(dir, name);

beforeAll(() => {
  bin = privateBin();
  dir = mkdtempSync(join(tmpdir(), "cep-write-"));
  writeFileSync(at("a.pattern"), "pattern P {\n  match a: A\n}\n");
  // Two matches, a bad line (to --errors) and a late event (to --late).
  writeFileSync(
    at("few.ndjson"),
    ['{"type":"A","ts":5}', '{"type":"A","ts":6}', '{"ts":"x"}', '{"type":"A","ts":1}', ""].join("\n"),
  );
  // Records of ~350 bytes: a few KiB of output.
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) lines.push(JSON.stringify({ type: "A", ts: i, pad: "x".repeat(300) }));
  writeFileSync(at("big.ndjson"), `${lines.join("\n")}\n`);
}, 120_000);

/** `node bin/cep.js run a.pattern args…`; `stdout` may be a file descriptor. */
function run(args: string[], stdout: "pipe" | number = "pipe") {
  const r = spawnSync(process.execPath, [bin, "run", "a.pattern", ...args], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", stdout, "pipe"],
  });
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr };
}

const SUMMARY = /^cep: \d+ events?, /m;

describe("a failed write ends the run with exit 2, naming the output", () => {
  test.each(["--output", "--errors", "--late"])("%s /dev/full", (flag) => {
    const r = run(["--input", "few.ndjson", flag, "/dev/full"]);
    expect(r.stderr).toContain(`cep: cannot write to ${flag} /dev/full: ENOSPC: no space left on device\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(SUMMARY);
    expect(r.stderr).not.toContain("internal error");
  });

  test("one file named by two flags is named by both", () => {
    const r = run(["--input", "few.ndjson", "--errors", "/dev/full", "--late", "/dev/full"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cep: cannot write to --errors and --late /dev/full: ENOSPC");
  });

  test("an output that nothing is written to does not fail", () => {
    // No late event in big.ndjson: --late is never written.
    const r = run(["--input", "big.ndjson", "--late", "/dev/full", "--output", "big.out"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(SUMMARY);
  });

  test("stdout on a full device (--output -)", () => {
    const fd = openSync("/dev/full", "w");
    try {
      const r = run(["--input", "few.ndjson"], fd);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("cep: cannot write to --output - (stdout): ENOSPC: no space left on device");
    } finally {
      closeSync(fd);
    }
  });

  test("EPIPE on stdout (the reader went away, `| head`) is a quiet end: exit 0, no message", async () => {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(JSON.stringify({ type: "A", ts: i, pad: "y".repeat(100) }));
    writeFileSync(at("many.ndjson"), `${lines.join("\n")}\n`);
    const child = spawn(process.execPath, [bin, "run", "a.pattern", "--input", "many.ndjson"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (s: string) => {
      stderr += s;
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    expect(stderr).not.toContain("cannot write");
    expect(stderr).not.toContain("internal error");
    expect(code).toBe(0);
  });
});

describe("stdout and stderr of every command", () => {
  /** `node bin/cep.js args…` with stdout or stderr on /dev/full. */
  function onFull(args: string[], stream: "stdout" | "stderr") {
    const fd = openSync("/dev/full", "w");
    try {
      const stdio: ["pipe", "pipe" | number, "pipe" | number] =
        stream === "stdout" ? ["pipe", fd, "pipe"] : ["pipe", "pipe", fd];
      // An event for the REPL to match (and print).
      const input = '{"type":"A","ts":1}\n';
      const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8", stdio, input });
      return { code: r.status, stderr: r.stderr ?? "" };
    } finally {
      closeSync(fd);
    }
  }

  test.each([
    ["explain", ["explain", "a.pattern"]],
    ["check", ["check", "a.pattern"]],
    ["repl", ["repl", "a.pattern"]],
  ])("cep %s with stdout on a full device: exit 2 and a message, no stack trace", (_name, args) => {
    const r = onFull(args, "stdout");
    expect(r.stderr).toContain("cep: cannot write to stdout: ENOSPC: no space left on device");
    expect(r.stderr).not.toContain("Unhandled 'error' event");
    expect(r.code).toBe(2);
  });

  test("cep run with only stderr on a full device (the summary is lost): exit 2, no crash", () => {
    const r = onFull(
      [
        "run",
        "a.pattern",
        "--input",
        "few.ndjson",
        "--output",
        "s.out",
        "--errors",
        "s.err",
        "--late",
        "s.late",
      ],
      "stderr",
    );
    expect(r.code).toBe(2);
    expect(readFileSync(at("s.out"), "utf8").split("\n")).toHaveLength(3);
  });
});

describe("--checkpoint with a failing output", () => {
  test("the checkpoint never claims lost records; a rerun with a working output writes them all", () => {
    const ref = run(["--input", "big.ndjson", "--output", "ref.out"]);
    expect(ref.code).toBe(0);
    const full = readFileSync(at("ref.out"));
    expect(full.length).toBeGreaterThan(4 * 4096);

    // The output file fails at 4 KiB (EFBIG); the checkpoint (~1 KiB) still fits.
    const limited = spawnSync(
      "sh",
      [
        "-c",
        `ulimit -f 8 && exec "$0" "$@"`,
        process.execPath,
        bin,
        "run",
        "a.pattern",
        "--input",
        "big.ndjson",
        "--output",
        "cut.out",
        "--checkpoint",
        "cut.ck",
        "--checkpoint-every",
        "2",
      ],
      { cwd: dir, encoding: "utf8" },
    );
    expect(limited.stderr).toContain(`cep: cannot write to --output cut.out: EFBIG: file too large`);
    expect(limited.status).toBe(2);
    const written = statSync(at("cut.out")).size;
    expect(written).toBeLessThan(full.length);
    const ck = parseCheckpoint(at("cut.ck"), readFileSync(at("cut.ck"), "utf8"));
    expect(ck.done).toBe(false);
    const claimed = ck.outputs.find((o) => o.path === at("cut.out"))?.bytes;
    expect(claimed).toBeDefined();
    // What the checkpoint claims is on disk, whole records, as the reference has them.
    expect(claimed).toBeGreaterThan(0);
    expect(claimed).toBeLessThanOrEqual(written);
    expect(readFileSync(at("cut.out")).subarray(0, claimed)).toEqual(full.subarray(0, claimed));
    expect(full[claimed! - 1]).toBe(0x0a);
    expect(ck.counters.matches.P).toBe(full.subarray(0, claimed).toString().split("\n").length - 1);

    // The same command without the limit resumes and completes the output.
    const again = run([
      "--input",
      "big.ndjson",
      "--output",
      "cut.out",
      "--checkpoint",
      "cut.ck",
      "--checkpoint-every",
      "2",
    ]);
    expect(again.stderr).toContain("resuming from checkpoint");
    expect(again.code).toBe(0);
    expect(readFileSync(at("cut.out"))).toEqual(full);
  });

  test("--output /dev/full: no checkpoint is written at all", () => {
    const r = run([
      "--input",
      "big.ndjson",
      "--output",
      "/dev/full",
      "--checkpoint",
      "full.ck",
      "--checkpoint-every",
      "1",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cep: cannot write to --output /dev/full: ENOSPC");
    expect(() => statSync(at("full.ck"))).toThrow();
  });
});
