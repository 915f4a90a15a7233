/**
 * The checkpoint lock (issue #13, item 6; lock.ts): two runs of one `--checkpoint` never
 * write at once. Real processes: the first run is held inside the lock by reading its
 * pattern file from a FIFO this test keeps open; a second run meanwhile is refused
 * (exit 2, naming the lock file, the holder's pid and host). A lock left by a dead pid on
 * this host is taken over with a note; one from another host is refused. The lock is
 * removed when the run ends: normally, with an error, on SIGTERM and on SIGINT.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { privateBin } from "./dist.js";

let bin: string;
let dir: string;
const at = (name: string) => join(dir, name);
const PATTERN = "pattern P {\n  match a: A\n}\n";

beforeAll(() => {
  bin = privateBin();
  dir = mkdtempSync(join(tmpdir(), "cep-lock-"));
  writeFileSync(at("a.pattern"), PATTERN);
  const lines: string[] = [];
  for (let i = 0; i < 50; i++) lines.push(JSON.stringify({ type: "A", ts: i }));
  writeFileSync(at("in.ndjson"), `${lines.join("\n")}\n`);
}, 120_000);

/** `cep run <pattern> --input in.ndjson --output <name>.out --checkpoint <name>.ck`. */
const args = (pattern: string, name: string) => [
  bin,
  "run",
  pattern,
  "--input",
  "in.ndjson",
  "--output",
  `${name}.out`,
  "--checkpoint",
  `${name}.ck`,
];

function runSync(pattern: string, name: string) {
  const r = spawnSync(process.execPath, args(pattern, name), { cwd: dir, encoding: "utf8" });
  return { code: r.status, stderr: r.stderr };
}

/**
 * A first run that holds the lock and waits: its pattern file is a FIFO opened here for
 * reading and writing, so its read blocks until {@link Held.release} writes the pattern.
 */
interface Held {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  release(): void;
}

async function holdLock(name: string): Promise<Held> {
  const fifo = at(`${name}.fifo`);
  expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
  const fd = openSync(fifo, "r+"); // O_RDWR: never blocks, and keeps the FIFO open for the reader
  const child = spawn(process.execPath, args(`${name}.fifo`, name), {
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (s: string) => {
    stderr += s;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => child.on("close", (code, signal) => resolve({ code, signal, stderr })),
  );
  let open = true;
  const release = () => {
    if (!open) return;
    open = false;
    writeSync(fd, PATTERN);
    closeSync(fd);
  };
  // The lock appears (whole: it is created by link) once the run has started.
  const lock = at(`${name}.ck.lock`);
  for (let waited = 0; !existsSync(lock); waited += 20) {
    if (waited > 20_000 || child.exitCode !== null) {
      release();
      throw new Error(`no lock after ${waited} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, exited, release };
}

describe("checkpoint lock", () => {
  test("a second run while the first holds the lock is refused; it touches nothing", async () => {
    const held = await holdLock("two");
    try {
      const lock = JSON.parse(readFileSync(at("two.ck.lock"), "utf8"));
      expect(lock).toMatchObject({ pid: held.child.pid, host: hostname() });
      writeFileSync(at("two.out"), "first run's output\n");
      const second = runSync("a.pattern", "two");
      expect(second.code).toBe(2);
      expect(second.stderr).toContain(
        `cep: checkpoint two.ck is in use by another run: pid ${held.child.pid} on host ${hostname()}`,
      );
      expect(second.stderr).toContain("holds lock two.ck.lock");
      expect(second.stderr).toContain(`kill ${held.child.pid}`);
      expect(readFileSync(at("two.out"), "utf8")).toBe("first run's output\n");
    } finally {
      held.release();
    }
    const first = await held.exited;
    expect(first.stderr).not.toContain("internal error");
    expect(first.code).toBe(0);
    expect(readFileSync(at("two.out"), "utf8").split("\n")).toHaveLength(51);
    expect(existsSync(at("two.ck.lock"))).toBe(false);
    // Released: the next run goes ahead (and finds the run finished).
    const third = runSync("a.pattern", "two");
    expect(third.code).toBe(0);
    expect(third.stderr).toContain("records a finished run");
    expect(existsSync(at("two.ck.lock"))).toBe(false);
  });

  test("a stale lock (its pid is not running on this host) is taken over, with a note", () => {
    const gone = spawnSync(process.execPath, ["-e", "process.pid"]);
    const dead = gone.pid as number;
    expect(() => process.kill(dead, 0)).toThrow();
    writeFileSync(
      at("stale.ck.lock"),
      `${JSON.stringify({ pid: dead, host: hostname(), started: "2026-01-01T00:00:00.000Z" })}\n`,
    );
    const r = runSync("a.pattern", "stale");
    expect(r.stderr).toContain(
      `cep: taking over lock stale.ck.lock: its holder, pid ${dead} on this host, is not running`,
    );
    expect(r.code).toBe(0);
    expect(readFileSync(at("stale.out"), "utf8").split("\n")).toHaveLength(51);
    expect(existsSync(at("stale.ck.lock"))).toBe(false);
  });

  test("a lock from another host is refused, saying how to remove it; a file that is no lock too", () => {
    const text = `${JSON.stringify({ pid: 4242, host: "elsewhere.example", started: "2026-01-01T00:00:00.000Z" })}\n`;
    writeFileSync(at("remote.ck.lock"), text);
    const r = runSync("a.pattern", "remote");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("checkpoint remote.ck is locked by pid 4242 on host elsewhere.example");
    expect(r.stderr).toContain("delete remote.ck.lock and run again");
    expect(readFileSync(at("remote.ck.lock"), "utf8")).toBe(text);
    expect(existsSync(at("remote.out"))).toBe(false);

    writeFileSync(at("junk.ck.lock"), "\0\0\0");
    const j = runSync("a.pattern", "junk");
    expect(j.code).toBe(2);
    expect(j.stderr).toContain("junk.ck.lock is not a Cepheus lock file");
  });

  test.each(["SIGTERM", "SIGINT"] as const)(
    "the lock is removed on %s; the signal still ends the run",
    async (signal) => {
      const name = signal.toLowerCase();
      const held = await holdLock(name);
      try {
        held.child.kill(signal);
        const end = await held.exited;
        expect(end.signal).toBe(signal);
        expect(existsSync(at(`${name}.ck.lock`))).toBe(false);
      } finally {
        held.release();
      }
    },
  );

  test("the lock is removed when the run fails", () => {
    const r = spawnSync(
      process.execPath,
      [bin, "run", "a.pattern", "--input", "in.ndjson", "--output", "/dev/full", "--checkpoint", "fail.ck"],
      { cwd: dir, encoding: "utf8" },
    );
    expect(r.status).toBe(2);
    expect(existsSync(at("fail.ck.lock"))).toBe(false);
    const missing = runSync("missing.pattern", "fail");
    expect(missing.code).toBe(2);
    expect(existsSync(at("fail.ck.lock"))).toBe(false);
  });
});
