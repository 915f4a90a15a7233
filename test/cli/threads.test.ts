/**
 * `cep run --threads N` (issue #19), through the real command: every output byte for byte
 * equal to the oracle (threads-oracle.ts: the single-thread `cep run --watermarks-only`
 * over the stream the reading thread must make), on a fixed stream with every kind of
 * line and on random pattern sets and streams; CSV; option errors; a crashed worker.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import { patternArb, renderPattern } from "../property/pattern-arb.js";
import { privateBin } from "./dist.js";
import { oracle, type RunOutputs, runCep, type ThreadRunOptions, threaded } from "./threads-oracle.js";

let bin: string;
let dir: string;

beforeAll(() => {
  bin = privateBin();
  dir = mkdtempSync(join(tmpdir(), "cep-threads-"));
}, 120_000);

/** Timeouts, `not followed by`, a composite key, emit, skip strategies. */
const PATTERNS = `pattern T { key by k  within 6ms  match a: A followed by b: B+ followed by c: C  on timeout emit { n: count(b), first: a.ts } }
pattern N { key by k  within 5ms  after match skip past last event  match a: A followed by any b: B not followed by c: C }
pattern M { key by k, v  within 8ms  match a: A followed by any b: B+ }
pattern W { key by k  within 20ms  match a: A followed by b: B within 4ms  on timeout  emit { x: a.v + b.v } }
`;

/** A small deterministic generator (xorshift), so the fixed stream is the same everywhere. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

/**
 * `n` lines: events of types A–D on keys 0–5 (some as strings, some missing), times mostly
 * rising with some out of order, plus bad JSON, non-objects, bad and missing times, ISO
 * times, blank lines and `$watermark` records.
 */
function stream(n: number, seed: number): string {
  const r = rng(seed);
  const out: string[] = [];
  let ts = 1_000;
  for (let i = 0; i < n; i++) {
    ts += [0, 1, 1, 2, 5][Math.floor(r() * 5)];
    const x = r();
    if (x < 0.015) out.push('{"type":"A","k":1,"ts":');
    else if (x < 0.025) out.push("[1,2]");
    else if (x < 0.035) out.push("");
    else if (x < 0.045) out.push(JSON.stringify({ type: "A", k: 2 }));
    else if (x < 0.05) out.push(JSON.stringify({ type: "B", k: 2, ts: "yesterday" }));
    else if (x < 0.06) out.push(JSON.stringify({ $watermark: ts - Math.floor(r() * 8) }));
    else {
      const e: Record<string, unknown> = {
        type: "ABCD"[Math.floor(r() * 4)],
        k: Math.floor(r() * 6),
        v: Math.floor(r() * 3),
        ts: ts - (r() < 0.2 ? Math.floor(r() * 8) : 0),
      };
      const y = r();
      if (y < 0.03) delete e.k;
      else if (y < 0.06) e.k = String(e.k);
      else if (y < 0.08) e.ts = new Date(e.ts as number).toISOString();
      out.push(JSON.stringify(e));
    }
  }
  return `${out.join("\n")}\n`;
}

function same(got: RunOutputs, want: RunOutputs, what: string): void {
  expect(got.status, `${what}: ${got.stderr}`).toBe(0);
  expect(want.status, `oracle: ${want.stderr}`).toBe(0);
  expect(got.errors, `${what}: errors`).toBe(want.errors);
  expect(got.late, `${what}: late`).toBe(want.late);
  expect(got.output, `${what}: records`).toBe(want.output);
  expect(got.summary, `${what}: summary`).toBe(want.summary);
}

describe("cep run --threads equals the single-thread oracle byte for byte", () => {
  test("a stream with out-of-order, late and bad lines, missing keys, watermarks: 2 and 3 threads", () => {
    writeFileSync(join(dir, "fixed.pattern"), PATTERNS);
    writeFileSync(join(dir, "fixed.ndjson"), stream(3000, 19));
    const cases: ThreadRunOptions[] = [
      { outOfOrderness: 3, watermarksOnly: false, every: 7, lateFile: false },
      { outOfOrderness: 0, watermarksOnly: false, every: 50, lateFile: true },
    ];
    for (const opts of cases) {
      const want = oracle(bin, dir, "fixed.pattern", "fixed.ndjson", opts);
      // Every kind of output is there: matches, timeouts, bad lines, missing keys, late events.
      expect(want.output).toContain('"timeout":true');
      expect(want.output.split("\n").length).toBeGreaterThan(100);
      expect(want.errors).toContain("invalid JSON");
      expect(want.errors).toContain("missing key");
      expect(want.errors).toContain("invalid time");
      expect(opts.lateFile ? want.late : want.errors).toContain('"reason":"late"');
      for (const n of [2, 3])
        same(threaded(bin, dir, "fixed.pattern", "fixed.ndjson", n, opts), want, `${n} threads`);
    }
  }, 120_000);

  test("with --watermarks-only, the oracle is `cep run --watermarks-only` over the same input", () => {
    const opts: ThreadRunOptions = { outOfOrderness: 0, watermarksOnly: true, every: 13, lateFile: false };
    const want = runCep(bin, dir, ["fixed.pattern", "--input", "fixed.ndjson", "--watermarks-only"], opts);
    expect(want.output).toContain('"timeout":true');
    same(threaded(bin, dir, "fixed.pattern", "fixed.ndjson", 4, opts), want, "4 threads");
  }, 60_000);

  test("--watermarks-only: an event behind the watermark is fed at once, and its records sort by that feed", () => {
    // Keys 1 and 10 are on different workers of 2. Key 1's A is fed at the watermark of
    // line 3, key 10's A (earlier in time) at its own push, later: at the end, the two
    // timeouts stamped 170 come in that feed order, not in time order.
    writeFileSync(
      join(dir, "tie.pattern"),
      "pattern P1 { key by k  within 20ms  match a: A followed by b: B  on timeout emit { n: 1 } }\n" +
        "pattern P2 { key by k  within 30ms  match a: A followed by b: B  on timeout emit { n: 2 } }\n",
    );
    writeFileSync(
      join(dir, "tie.ndjson"),
      '{"$watermark":100}\n{"type":"A","k":1,"ts":150}\n{"$watermark":150}\n{"type":"A","k":10,"ts":140}\n',
    );
    const opts: ThreadRunOptions = { outOfOrderness: 0, watermarksOnly: true, every: 1, lateFile: false };
    const want = runCep(bin, dir, ["tie.pattern", "--input", "tie.ndjson", "--watermarks-only"], opts);
    expect(want.output.split("\n").map((l) => l.slice(0, 40))).toContain(
      '{"pattern":"P1","key":1,"start":150,"end',
    );
    for (const n of [2, 3])
      same(threaded(bin, dir, "tie.pattern", "tie.ndjson", n, opts), want, `${n} threads`);
  }, 60_000);

  test("random pattern sets and streams, 2–4 threads", () => {
    const lineArb = fc.oneof(
      {
        weight: 20,
        arbitrary: fc.record({
          type: fc.constantFrom("A", "B", "C", "D"),
          k: fc.integer({ min: 1, max: 8 }),
          v: fc.integer({ min: 0, max: 4 }),
          dt: fc.constantFrom(0, 1, 1, 2, 5),
          back: fc.constantFrom(0, 0, 0, 1, 3, 7),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          "{oops",
          "7",
          "",
          '{"type":"A","k":1}',
          '{"type":"B","ts":"soon","k":2}',
          '{"type":"A","v":1,"ts":1000}',
        ),
      },
      { weight: 1, arbitrary: fc.record({ wm: fc.integer({ min: -3, max: 10 }) }) },
    );
    const caseArb = fc.record({
      patterns: fc.array(
        patternArb.map((p) => ({ ...p, keyed: true })),
        { minLength: 1, maxLength: 3 },
      ),
      extra: fc.subarray(PATTERNS.trim().split("\n"), { maxLength: 2 }),
      lines: fc.array(lineArb, { minLength: 1, maxLength: 400 }),
      opts: fc.record({
        outOfOrderness: fc.constantFrom(0, 0, 2, 5),
        watermarksOnly: fc.boolean(),
        every: fc.integer({ min: 1, max: 25 }),
        lateFile: fc.boolean(),
      }),
      threads: fc.integer({ min: 2, max: 4 }),
    });
    let run = 0;
    fc.assert(
      fc.property(caseArb, ({ patterns, extra, lines, opts, threads }) => {
        run++;
        const source = [...patterns.map((p, i) => renderPattern(p, `G${i}`)), ...extra].join("\n");
        let ts = 1_000;
        const text = lines.map((l) => {
          if (typeof l === "string") return l;
          if ("wm" in l) return JSON.stringify({ $watermark: ts + l.wm });
          ts += l.dt;
          return JSON.stringify({ type: l.type, k: l.k, v: l.v, ts: ts - l.back });
        });
        writeFileSync(join(dir, `r${run}.pattern`), `${source}\n`);
        writeFileSync(join(dir, `r${run}.ndjson`), `${text.join("\n")}\n`);
        const want = opts.watermarksOnly
          ? runCep(bin, dir, [`r${run}.pattern`, "--input", `r${run}.ndjson`, "--watermarks-only"], opts)
          : oracle(bin, dir, `r${run}.pattern`, `r${run}.ndjson`, opts);
        same(
          threaded(bin, dir, `r${run}.pattern`, `r${run}.ndjson`, threads, opts),
          want,
          `${threads} threads`,
        );
      }),
      // Three processes per run on a shared 2-core machine: a few runs here, the fixed stream above covers volume.
      { numRuns: 6 },
    );
  }, 240_000);
});

/** Runs `f` with the threaded run's NDJSON blocks `bytes` long (blocks.ts; the real ones are 1 MiB). */
function withBlocks<T>(bytes: number, f: () => T): T {
  process.env.CEP_THREADS_TEST_BLOCK = String(bytes);
  try {
    return f();
  } finally {
    delete process.env.CEP_THREADS_TEST_BLOCK;
  }
}

describe("cep run --threads reads NDJSON in blocks", () => {
  test("blocks of a few lines: lines cut anywhere, late events, watermarks, bad lines, 2 and 3 threads", () => {
    writeFileSync(join(dir, "fixed.pattern"), PATTERNS);
    writeFileSync(join(dir, "blocks.ndjson"), stream(1500, 31));
    const opts: ThreadRunOptions = { outOfOrderness: 2, watermarksOnly: false, every: 11, lateFile: true };
    const want = oracle(bin, dir, "fixed.pattern", "blocks.ndjson", opts);
    expect(want.late).toContain('"reason":"late"');
    for (const [bytes, n] of [
      [97, 2],
      [300, 3],
    ])
      withBlocks(bytes, () =>
        same(
          threaded(bin, dir, "fixed.pattern", "blocks.ndjson", n, opts),
          want,
          `${bytes}-byte blocks, ${n} threads`,
        ),
      );
  }, 120_000);

  test("blocks reused while reading goes on (the input in several chunks): nothing read is overwritten", () => {
    writeFileSync(join(dir, "fixed.pattern"), PATTERNS);
    // About 1.8 MB: two read chunks, between which reading waits for the workers and
    // blocks they are done with come back to be filled again.
    writeFileSync(join(dir, "reuse.ndjson"), stream(30_000, 41));
    const opts: ThreadRunOptions = { outOfOrderness: 3, watermarksOnly: false, every: 64, lateFile: false };
    const want = oracle(bin, dir, "fixed.pattern", "reuse.ndjson", opts);
    withBlocks(4096, () =>
      same(threaded(bin, dir, "fixed.pattern", "reuse.ndjson", 2, opts), want, "4 KiB blocks, 2 threads"),
    );
  }, 120_000);

  test("CRLF, a byte order mark, invalid UTF-8, a line over 1 MiB, non-ASCII keys, no final newline", () => {
    writeFileSync(join(dir, "fixed.pattern"), PATTERNS);
    const lines = stream(400, 37).split("\n").slice(0, -1);
    const parts: Buffer[] = [Buffer.from([0xef, 0xbb, 0xbf])];
    lines.forEach((line, i) => {
      if (i % 17 === 3) parts.push(Buffer.from(`${line}\r\n`));
      else if (i % 41 === 9)
        parts.push(Buffer.from('{"type":"A","k":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","ts":1}\n'));
      else if (i % 29 === 5) parts.push(Buffer.from(`${line.replace(/"k":(\d)/, '"k":"ké$1"')}\n`));
      else if (i === 200)
        parts.push(Buffer.from(`{"type":"A","k":1,"ts":1,"pad":"${"é".repeat(600_000)}"}\n`));
      else parts.push(Buffer.from(`${line}\n`));
    });
    parts.push(Buffer.from('{"type":"B","k":1,"ts":999999}'));
    writeFileSync(join(dir, "bytes.ndjson"), Buffer.concat(parts));
    const opts: ThreadRunOptions = { outOfOrderness: 0, watermarksOnly: true, every: 5, lateFile: false };
    const want = runCep(bin, dir, ["fixed.pattern", "--input", "bytes.ndjson", "--watermarks-only"], opts);
    expect(want.errors).toContain("invalid UTF-8");
    expect(want.errors).toContain("line too long");
    for (const [bytes, n] of [
      [0, 2],
      [150, 3],
    ]) {
      const run = () => threaded(bin, dir, "fixed.pattern", "bytes.ndjson", n, opts);
      same(bytes === 0 ? run() : withBlocks(bytes, run), want, `${bytes || "1 MiB"} blocks, ${n} threads`);
    }
  }, 120_000);
});

describe("cep run --threads: input forms and errors", () => {
  test("CSV: equal to the single-thread run with --watermarks-only, line numbers included", () => {
    const r = rng(7);
    const rows = ["type,k,v,ts"];
    let ts = 100;
    for (let i = 0; i < 400; i++) {
      ts += Math.floor(r() * 3);
      if (i % 50 === 7) rows.push(`A,1,"2`);
      else if (i % 40 === 3) rows.push(`A,,1,${ts}`);
      else if (i % 60 === 5) rows.push(`B,2,1,later`);
      else rows.push(`${"ABCD"[Math.floor(r() * 4)]},${Math.floor(r() * 5)},${Math.floor(r() * 3)},${ts}`);
      if (i % 30 === 29) rows.push(`,,,`);
    }
    writeFileSync(join(dir, "c.csv"), `${rows.join("\n")}\n`);
    writeFileSync(join(dir, "fixed.pattern"), PATTERNS);
    const opts: ThreadRunOptions = { outOfOrderness: 0, watermarksOnly: true, every: 9, lateFile: false };
    const want = runCep(bin, dir, ["fixed.pattern", "--input", "c.csv", "--watermarks-only"], opts);
    expect(want.output).not.toBe("");
    expect(want.errors).not.toBe("");
    same(threaded(bin, dir, "fixed.pattern", "c.csv", 3, opts), want, "CSV, 3 threads");
  }, 60_000);

  test("--threads 1 is the single-thread run itself", () => {
    writeFileSync(join(dir, "fixed.pattern"), PATTERNS);
    writeFileSync(join(dir, "one.ndjson"), stream(500, 3));
    const opts: ThreadRunOptions = { outOfOrderness: 2, watermarksOnly: false, every: 1, lateFile: false };
    const plain = runCep(bin, dir, ["fixed.pattern", "--input", "one.ndjson"], opts);
    same(
      runCep(bin, dir, ["fixed.pattern", "--input", "one.ndjson", "--threads", "1"], opts),
      plain,
      "--threads 1",
    );
  }, 60_000);

  const cep = (...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8" });

  test("bad --threads values, options it cannot take yet, and patterns it cannot split are usage errors", () => {
    writeFileSync(join(dir, "fixed.pattern"), PATTERNS);
    writeFileSync(join(dir, "e.ndjson"), "");
    for (const [args, message] of [
      [
        ["--threads", "0"],
        /--threads <n>' argument '0' is invalid. expected a whole number of threads, at least 1, or auto/,
      ],
      [["--threads", "two"], /argument 'two' is invalid/],
      [["--threads", "1.5"], /argument '1.5' is invalid/],
      [["--watermark-every", "5"], /--watermark-every needs --threads with 2 or more threads/],
      [["--threads", "2", "--processing-time"], /--threads cannot be combined with --processing-time yet/],
      [["--threads", "2", "--follow"], /--threads cannot be combined with --follow yet/],
    ] as const) {
      const r = cep("run", "fixed.pattern", "--input", "e.ndjson", ...args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    writeFileSync(
      join(dir, "mixed.pattern"),
      "pattern U { match a: A followed by b: B }\npattern K { key by user match a: A }\npattern J { key by k match a: A }\n",
    );
    const r = cep("run", "mixed.pattern", "--input", "e.ndjson", "--threads", "2");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      "--threads splits the events by key: every pattern's `key by` must begin with the same field",
    );
    expect(r.stderr).toContain("pattern U has no `key by`");
    expect(r.stderr).toContain("pattern J is keyed by k");
    // `--pattern` narrows the set to what can be split.
    expect(
      cep("run", "mixed.pattern", "--input", "e.ndjson", "--threads", "2", "--pattern", "K", "--quiet")
        .status,
    ).toBe(0);
    expect(cep("run", "fixed.pattern", "--input", "e.ndjson", "--threads", "auto", "--quiet").status).toBe(0);
  }, 60_000);

  test("kill -9 during a threaded checkpointed run, restart until done: output byte-identical", async () => {
    writeFileSync(join(dir, "fixed.pattern"), PATTERNS);
    writeFileSync(join(dir, "ck.ndjson"), stream(12_000, 23));
    const opts: ThreadRunOptions = { outOfOrderness: 3, watermarksOnly: false, every: 50, lateFile: true };
    const want = oracle(bin, dir, "fixed.pattern", "ck.ndjson", opts);
    const args = [
      bin,
      "run",
      "fixed.pattern",
      "--input",
      "ck.ndjson",
      "--threads",
      "3",
      "--watermark-every",
      "50",
      "--out-of-orderness",
      "3",
      "--output",
      "k-out.ndjson",
      "--errors",
      "k-errors.ndjson",
      "--late",
      "k-late.ndjson",
      "--checkpoint",
      "k.checkpoint",
      "--checkpoint-every",
      "500",
      "--quiet",
    ];
    const ck = join(dir, "k.checkpoint");
    const stamp = () => (existsSync(ck) ? statSync(ck).mtimeMs : 0);
    const done = () => existsSync(ck) && readFileSync(ck, "utf8").includes('"done":true');
    const r = rng(11);
    let kills = 0;
    let resumedMidway = 0;
    // Each run is killed a random moment (0–40 ms) after it writes a checkpoint of its own.
    while (!done() && kills < 8) {
      const before = stamp();
      const child = spawn(process.execPath, args, { cwd: dir, stdio: "ignore" });
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      let running = true;
      void exited.then(() => {
        running = false;
      });
      while (running && stamp() === before) await new Promise((w) => setTimeout(w, 10));
      if (!running) break;
      await new Promise((w) => setTimeout(w, Math.floor(r() * 40)));
      if (child.kill("SIGKILL")) kills++;
      await exited;
      if (!done()) resumedMidway++;
    }
    const last = spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8" });
    expect(last.status, last.stderr).toBe(0);
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(resumedMidway).toBeGreaterThanOrEqual(3);
    const read = (f: string) => readFileSync(join(dir, f), "utf8");
    expect(read("k-errors.ndjson")).toBe(want.errors);
    expect(read("k-late.ndjson")).toBe(want.late);
    expect(read("k-out.ndjson")).toBe(want.output);
  }, 180_000);

  test("a checkpoint resumes only with the thread count it was written with", () => {
    writeFileSync(join(dir, "fixed.pattern"), PATTERNS);
    writeFileSync(join(dir, "t.ndjson"), stream(3000, 29));
    const base = [
      "run",
      "fixed.pattern",
      "--input",
      "t.ndjson",
      "--output",
      "t-out.ndjson",
      "--checkpoint",
      "t.checkpoint",
    ];
    // A checkpoint left mid-run: every 500 records, the run stopped by a worker crash after it.
    const crashed = spawnSync(
      process.execPath,
      [bin, ...base, "--threads", "2", "--watermark-every", "100", "--checkpoint-every", "500"],
      { cwd: dir, encoding: "utf8", env: { ...process.env, CEP_THREADS_TEST_CRASH: "12" } },
    );
    expect(crashed.status, crashed.stderr).toBe(70);
    expect(readFileSync(join(dir, "t.checkpoint"), "utf8")).toContain('"done":false');
    for (const other of [[], ["--threads", "3", "--watermark-every", "100"], ["--threads", "2"]]) {
      const r = spawnSync(process.execPath, [bin, ...base, ...other], { cwd: dir, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(
        /cannot resume from checkpoint t.checkpoint: it was written by a run on --threads 2 --watermark-every 100, this one is on/,
      );
    }
    const same = spawnSync(
      process.execPath,
      [bin, ...base, "--threads", "2", "--watermark-every", "100", "--quiet"],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    expect(same.status, same.stderr).toBe(0);
  }, 60_000);

  test("a worker that dies ends the run with exit 70 and a message, without hanging", () => {
    writeFileSync(join(dir, "fixed.pattern"), PATTERNS);
    writeFileSync(join(dir, "crash.ndjson"), stream(2000, 5));
    const r = spawnSync(
      process.execPath,
      [
        bin,
        "run",
        "fixed.pattern",
        "--input",
        "crash.ndjson",
        "--threads",
        "2",
        "--watermark-every",
        "100",
        "--output",
        "o.ndjson",
      ],
      { cwd: dir, encoding: "utf8", timeout: 30_000, env: { ...process.env, CEP_THREADS_TEST_CRASH: "3" } },
    );
    expect(r.signal).toBeNull();
    expect(r.status).toBe(70);
    expect(r.stderr).toMatch(
      /cep: worker thread [12] of 2 failed: it stopped \(exit code 3\) before the end of the input/,
    );
  }, 60_000);
});
