/**
 * `cep run --checkpoint`: exactly-once output across crashes (cli.md, checkpoint.ts).
 *
 * - Real processes: `node bin/cep.js run … --checkpoint` (a private copy of the build,
 *   see dist.ts) is killed with SIGKILL at
 *   seeded random moments and restarted until it exits 0; its output, late and error
 *   files must then be byte-identical to those of one uninterrupted run.
 * - In-process crashes: the engine's `push` throws after a seeded number of records (a
 *   crash at any record, with buffered output flushed past the last checkpoint), for
 *   NDJSON and CSV input, then the run is resumed.
 * - Refusals (exit 2): other options or patterns, a corrupt checkpoint, an input changed
 *   since the checkpoint, an output shorter than recorded.
 */
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { formatCheckpoint, parseCheckpoint } from "../../src/cli/checkpoint.js";
import { runCli } from "../../src/cli/cli.js";
import { CompileError, compile, Engine, renderDiagnostic } from "../../src/index.js";
import { privateBin } from "./dist.js";
import { Capture } from "./fake-api.js";

/** `bin/cep.js` of a private copy of the build (see dist.ts: other tests may rebuild meanwhile). */
let bin: string;
let dir: string;
const at = (name: string) => join(dir, name);

/** Windows (pattern-level and term-level), `on timeout`, two skip strategies, a loop. */
const PATTERNS = `pattern Funnel {
  key by user
  within 30 seconds
  after match skip past last event
  match v: View
        followed by a: Add where sku == v.sku
        followed by c: Checkout
  emit { user: key(), sku: v.sku, total: c.amount }
  on timeout emit { user: key(), sku: v.sku, stage: if(count(a) > 0, "cart", "view") }
}

pattern Burst {
  key by user
  within 2 minutes
  after match skip to next
  match f: Fail{3,} consecutive
        followed by ok: Ok within 20 seconds
  emit { n: count(f), first: first(f).ts, big: first(f).amount > 0 }
  on timeout emit { n: count(f) }
}
`;

/** A seeded generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES = ["View", "Add", "Checkout", "Fail", "Fail", "Ok", "Noise"];

/**
 * `n` events over `keys` users, mostly in time order with up to 2 s of disorder, plus
 * bad lines (invalid JSON, no time, a string time, not an object), blank lines, events
 * without a key, late events, non-ASCII text, an `Infinity` amount (`1e400`), `\r\n`, and
 * text that `JSON.stringify` would not give back (spacing, duplicate keys, `-0`, integers
 * beyond 2^53, escapes): events are written exactly as read, resumed or not.
 */
function generate(seed: number, n: number, keys: number): { ndjson: string; csv: string } {
  const rnd = random(seed);
  const json: string[] = [];
  const csv: string[] = ["type,user,sku,amount,ts"];
  let t = 1_700_000_000_000;
  for (let i = 0; i < n; i++) {
    t += Math.floor(rnd() * 40);
    const r = rnd();
    const user = `u${Math.floor(rnd() * keys)}`;
    const type = TYPES[Math.floor(rnd() * TYPES.length)];
    const sku = `s${Math.floor(rnd() * 3)}`;
    const amount = Math.floor(rnd() * 1000);
    let ts = t - Math.floor(rnd() * 2000);
    if (r < 0.002) {
      json.push(`{"type":"View","user":"${user}", oops`);
      csv.push(`View,${user},"unterminated`);
      csv.push(`",1,2`);
      continue;
    }
    if (r < 0.003) {
      json.push(JSON.stringify({ type, user, sku }));
      csv.push(`${type},${user},${sku},${amount},`);
      continue;
    }
    if (r < 0.0035) {
      json.push(JSON.stringify({ type, user, ts: "yesterday" }), "[1,2]", "");
      csv.push(`${type},${user}`, "");
      continue;
    }
    if (r < 0.005) ts = t - 9000; // late by far
    const noUser = r >= 0.005 && r < 0.006;
    const ev: Record<string, unknown> = { type };
    if (!noUser) ev.user = user;
    ev.sku = r > 0.998 ? "ß✓é" : sku;
    ev.amount = amount;
    ev.ts = ts;
    let line = JSON.stringify(ev);
    if (r > 0.9995) line = line.replace(`"amount":${amount}`, '"amount":1e400');
    if (r > 0.98 && r < 0.985)
      line = line.replace('"ts":', '"big":9007199254740993,"neg":-0,"esc":"\\u00e9\\/","ts":');
    if (r > 0.985 && r < 0.99)
      line = line
        .replace(`"amount":${amount}`, `"amount": ${amount}.0 , "amount" :${amount}`)
        .replace('{"type"', '{ "type"');
    if (r > 0.99 && r < 0.991) line += "\r";
    json.push(line);
    csv.push(`${type},${noUser ? "" : user},${ev.sku},${amount},${ts}`);
  }
  return { ndjson: `${json.join("\n")}\n`, csv: `${csv.join("\n")}\n` };
}

const read = (name: string) => (existsSync(at(name)) ? readFileSync(at(name)) : Buffer.alloc(0));
const summaryOf = (stderr: string) =>
  stderr
    .split("\n")
    .filter((l) => /^cep: \d+ events/.test(l))
    .map((l) => l.replace(/, [\d.]+s$/, ""));

beforeAll(() => {
  bin = privateBin();
  dir = mkdtempSync(join(tmpdir(), "cep-checkpoint-"));
  writeFileSync(at("p.pattern"), PATTERNS);
  const { ndjson, csv } = generate(20240611, 60_000, 300);
  writeFileSync(at("in.ndjson"), ndjson);
  writeFileSync(at("in.csv"), csv);
}, 120_000);

/** When to kill a process: `ms` after it starts, or `ms` after it writes its first checkpoint (`watch`). */
interface Kill {
  ms: number;
  watch?: string;
}

/** `node bin/cep.js args…` in the test directory, killed with SIGKILL as `kill` says unless it exits first. */
function spawnCep(args: string[], kill: Kill | null) {
  const started = performance.now();
  return new Promise<{ code: number | null; killed: boolean; stderr: string; ms: number }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], {
        cwd: dir,
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (s: string) => {
        stderr += s;
      });
      let killed = false;
      let timer: NodeJS.Timeout | null = null;
      const arm = () => {
        timer = setTimeout(() => {
          killed = child.kill("SIGKILL");
        }, kill?.ms);
      };
      let poll: NodeJS.Timeout | null = null;
      if (kill !== null && kill.watch === undefined) arm();
      else if (kill?.watch !== undefined) {
        // Under load, start-up takes anything from 0.3 to 2 s: wait for this run's first
        // checkpoint (a new mtime of the file), then kill at a random moment after it.
        const file = kill.watch;
        const mtime = () =>
          existsSync(file) ? statSync(file, { throwIfNoEntry: false })?.mtimeMs : undefined;
        const before = mtime();
        poll = setInterval(() => {
          if (mtime() === before) return;
          if (poll) clearInterval(poll);
          poll = null;
          arm();
        }, 5);
      }
      child.on("error", reject);
      child.on("close", (code, signal) => {
        if (timer) clearTimeout(timer);
        if (poll) clearInterval(poll);
        resolve({ code, killed: killed && signal === "SIGKILL", stderr, ms: performance.now() - started });
      });
    },
  );
}

/** `cep args…` in-process with the real library (or `engine` in its place). */
async function cep(args: string[], engine: typeof Engine = Engine) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(args, {
    api: { compile, Engine: engine, CompileError, renderDiagnostic },
    stdin: (async function* () {})(),
    stdout,
    stderr,
    stderrIsTTY: false,
    env: {},
    wallClock: Date.now,
    monotonic: () => performance.now(),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const runArgs = (input: string, out: string, extra: string[] = []) => [
  "run",
  at("p.pattern"),
  "--input",
  at(input),
  "--output",
  at(`${out}.out`),
  "--errors",
  at(`${out}.err`),
  "--late",
  at(`${out}.late`),
  "--out-of-orderness",
  "2s",
  ...extra,
];

describe("kill -9 at random moments", () => {
  test("restarted until done, the output, late and error files equal an uninterrupted run's", async () => {
    // The reference: one uninterrupted run without a checkpoint.
    const ref = await spawnCep(runArgs("in.ndjson", "ref"), null);
    expect(ref.code).toBe(0);
    expect(read("ref.out").length).toBeGreaterThan(100_000);
    expect(read("ref.err").length).toBeGreaterThan(10_000);
    expect(read("ref.late").length).toBeGreaterThan(10_000);
    // Start-up time on this machine now (compile included), for the start-up kills.
    writeFileSync(at("empty.ndjson"), "");
    const startup = (await spawnCep(runArgs("empty.ndjson", "empty"), null)).ms;

    const rnd = random(7);
    const ck = at("ck.json");
    const args = runArgs("in.ndjson", "ck", ["--checkpoint", ck, "--checkpoint-every", "2000"]);
    rmSync(ck, { force: true });
    const began = performance.now();
    let kills = 0;
    let midRun = 0;
    let resumed = 0;
    let last: Awaited<ReturnType<typeof spawnCep>>;
    for (;;) {
      // Kill for at most ~10 s or 40 times; then let it finish. A quarter of the kills
      // land anywhere in start-up (before the first checkpoint, or while resuming:
      // truncating files, restoring the engine), the rest 0–150 ms after the run's first
      // checkpoint (between checkpoints, inside one, or at the end).
      const killing = kills < 40 && performance.now() - began < 10_000;
      const kill: Kill =
        rnd() < 0.25 ? { ms: Math.round(50 + rnd() * startup) } : { ms: Math.round(rnd() * 150), watch: ck };
      if (existsSync(ck)) resumed++;
      last = await spawnCep(args, killing ? kill : null);
      if (!last.killed) break;
      kills++;
      if (kill.watch !== undefined) midRun++;
    }
    expect(last.stderr).not.toContain("internal error");
    expect(last.code).toBe(0);
    expect(read("ck.out").equals(read("ref.out"))).toBe(true);
    expect(read("ck.err").equals(read("ref.err"))).toBe(true);
    expect(read("ck.late").equals(read("ref.late"))).toBe(true);
    // The summary of the last run covers the whole run.
    expect(summaryOf(last.stderr)).toEqual(summaryOf(ref.stderr));
    // The kills did interrupt runs in the middle, which then resumed.
    expect(midRun).toBeGreaterThanOrEqual(3);
    expect(resumed).toBeGreaterThanOrEqual(3);
    console.log(
      `checkpoint kill test: ${kills} kills (${midRun} after a checkpoint), ${resumed} resumed runs`,
    );
    // A finished run is not run again.
    const again = await spawnCep(args, null);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("records a finished run; nothing to do");
    expect(read("ck.out").equals(read("ref.out"))).toBe(true);
  }, 120_000);
});

/** An engine whose `push` throws after `budget.n` pushes: a crash at an arbitrary record. */
class Crash extends Error {}
const budget = { n: Number.POSITIVE_INFINITY };
class CrashingEngine extends Engine {
  override push(event: unknown): void {
    if (--budget.n < 0) throw new Crash("crash");
    super.push(event);
  }
}

/** Runs `args` in-process, crashing after seeded random numbers of records, until a run completes. */
async function crashUntilDone(args: string[], seed: number, maxRecords: number) {
  const rnd = random(seed);
  let crashes = 0;
  for (;;) {
    budget.n = crashes < 8 ? Math.floor(rnd() * maxRecords) : Number.POSITIVE_INFINITY;
    try {
      const r = await cep(args, CrashingEngine);
      return { ...r, crashes };
    } catch (err) {
      if (!(err instanceof Crash)) throw err;
      crashes++;
    }
  }
}

describe("crashes in-process, resumed", () => {
  for (const input of ["in.ndjson", "in.csv"]) {
    test(`${input}: crashes at arbitrary records (output past the checkpoint on disk) resume exactly`, async () => {
      const ref = await cep(runArgs(input, `ip-ref-${input}`));
      expect(ref.code).toBe(0);
      rmSync(at(`ip-${input}.json`), { force: true });
      const args = runArgs(input, `ip-${input}`, [
        "--checkpoint",
        at(`ip-${input}.json`),
        "--checkpoint-every",
        "3000",
      ]);
      const r = await crashUntilDone(args, input.length, 12_000);
      expect(r.code).toBe(0);
      expect(r.crashes).toBeGreaterThanOrEqual(5);
      for (const ext of ["out", "err", "late"]) {
        expect(read(`ip-${input}.${ext}`).equals(read(`ip-ref-${input}.${ext}`)), ext).toBe(true);
      }
      expect(summaryOf(r.stderr)).toEqual(summaryOf(ref.stderr));
    }, 60_000);
  }

  test("--processing-time --clock, and errors and late events in one file, resume exactly", async () => {
    const extra = ["--processing-time", "--clock", "5000"];
    const shared = (out: string) =>
      runArgs("in.ndjson", out, extra).map((a) => (a === at(`${out}.late`) ? at(`${out}.err`) : a));
    const ref = await cep(shared("pt-ref"));
    expect(ref.code).toBe(0);
    rmSync(at("pt.json"), { force: true });
    const r = await crashUntilDone(
      [...shared("pt"), "--checkpoint", at("pt.json"), "--checkpoint-every", "5000"],
      3,
      20_000,
    );
    expect(r.code).toBe(0);
    expect(r.crashes).toBeGreaterThanOrEqual(3);
    expect(read("pt.out").equals(read("pt-ref.out"))).toBe(true);
    expect(read("pt.err").equals(read("pt-ref.err"))).toBe(true);
    expect(summaryOf(r.stderr)).toEqual(summaryOf(ref.stderr));
  }, 60_000);

  test("numbers JSON cannot hold (1e400 → Infinity) survive a checkpoint inside a partial match", async () => {
    writeFileSync(
      at("big.ndjson"),
      [
        '{"type":"Fail","user":"x","amount":1e400,"ts":1000}',
        '{"type":"Fail","user":"x","amount":-1e400,"ts":2000}',
        '{"type":"Fail","user":"x","amount":-0,"ts":3000}',
        '{"type":"Noise","user":"y","ts":3500}',
        '{"type":"Noise","user":"y","ts":3600}',
        '{"type":"Ok","user":"x","ts":4000}',
      ].join("\n"),
    );
    const ref = await cep(runArgs("big.ndjson", "big-ref"));
    expect(ref.code).toBe(0);
    expect(JSON.parse(read("big-ref.out").toString()).emit.big).toBe(true);
    // Written as read, not as `JSON.stringify` would (null, null, 0).
    expect(read("big-ref.out").toString()).toContain(
      '"events":{"f":[{"type":"Fail","user":"x","amount":1e400,"ts":1000},{"type":"Fail","user":"x","amount":-1e400,"ts":2000},{"type":"Fail","user":"x","amount":-0,"ts":3000}]',
    );
    rmSync(at("big.json"), { force: true });
    const args = runArgs("big.ndjson", "big", ["--checkpoint", at("big.json"), "--checkpoint-every", "1"]);
    budget.n = 4;
    await expect(cep(args, CrashingEngine)).rejects.toBeInstanceOf(Crash);
    const state = parseCheckpoint("big.json", readFileSync(at("big.json"), "utf8"));
    expect(state.numbers.map(([, v]) => v).sort()).toEqual(["-0", "-Infinity", "Infinity"]);
    expect(state.texts).toContain('{"type":"Fail","user":"x","amount":-1e400,"ts":2000}');
    budget.n = Number.POSITIVE_INFINITY;
    expect((await cep(args)).code).toBe(0);
    expect(read("big.out").equals(read("big-ref.out"))).toBe(true);
  });
});

describe("what a resume refuses (exit 2) and a finished run", () => {
  /** A finished checkpointed run of a small input; returns its arguments. */
  async function finished(name: string) {
    writeFileSync(at(`${name}.ndjson`), generate(5, 3000, 20).ndjson);
    rmSync(at(`${name}.json`), { force: true });
    const args = runArgs(`${name}.ndjson`, name, [
      "--checkpoint",
      at(`${name}.json`),
      "--checkpoint-every",
      "500",
    ]);
    const first = await cep(args);
    expect(first.code).toBe(0);
    lastSummary = summaryOf(first.stderr);
    return args;
  }
  let lastSummary: string[] = [];

  test("a finished run: nothing is opened or written, exit 0, the summary of the whole run", async () => {
    const args = await finished("fin");
    const before = read("fin.out");
    const mtime = statSync(at("fin.out")).mtimeMs;
    const r = await cep(args);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`checkpoint ${at("fin.json")} records a finished run; nothing to do`);
    expect(r.stderr).toMatch(/^cep: 2\d{3} events, \d+ matches/m);
    // The whole summary, the engine's counts too (unkeyed events: it said 0 after a finished run).
    expect(lastSummary.join("")).toMatch(/ unkeyed/);
    expect(summaryOf(r.stderr)).toEqual(lastSummary);
    expect(read("fin.out").equals(before)).toBe(true);
    expect(statSync(at("fin.out")).mtimeMs).toBe(mtime);
    // Its outputs must still be what it wrote.
    truncateSync(at("fin.late"), 5);
    let r2 = await cep(args);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`its output ${at("fin.late")} has 5 bytes, not the`);
    rmSync(at("fin.late"));
    r2 = await cep(args);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`its output ${at("fin.late")} cannot be read (no such file or directory)`);
  });

  test("other options, patterns or files are refused with what differs", async () => {
    const args = await finished("opt");
    const cases: [string[], string][] = [
      [[...args, "--out-of-orderness", "3s"], "--out-of-orderness (ms): 2000 then, 3000 now"],
      [[...args, "--time-field", "time"], "--time-field: ts then, time now"],
      [[...args, "--type-field", "kind"], "--type-field: type then, kind now"],
      [[...args, "--pattern", "Funnel"], '--pattern: [] then, ["Funnel"] now'],
      [[...args, "--watermarks-only"], "--watermarks-only: false then, true now"],
      [[...args, "--csv-max-record-lines", "5"], "--csv-max-record-lines: none then, 5 now"],
      [args.map((a) => (a === at("opt.out") ? at("other.out") : a)), "--output"],
      [args.map((a) => (a === at("opt.late") ? at("other.late") : a)), "--late"],
    ];
    for (const [argv, message] of cases) {
      const r = await cep(argv);
      expect(r.code, message).toBe(2);
      expect(r.stderr, message).toContain(`cannot resume from checkpoint ${at("opt.json")}`);
      expect(r.stderr, message).toContain(message);
    }
    // A changed pattern (same name) and a different set of patterns.
    writeFileSync(at("changed.pattern"), PATTERNS.replace("within 30 seconds", "within 31 seconds"));
    let r = await cep(args.map((a) => (a === at("p.pattern") ? at("changed.pattern") : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("pattern Funnel has changed");
    writeFileSync(at("one.pattern"), PATTERNS.slice(0, PATTERNS.indexOf("pattern Burst")));
    r = await cep(args.map((a) => (a === at("p.pattern") ? at("one.pattern") : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("patterns: Funnel, Burst then, Funnel now");
  });

  test("the engine refuses a snapshot of other patterns even when the run description was edited", async () => {
    const args = await finished("eng");
    // Make it a resumable checkpoint whose run description matches a changed pattern.
    writeFileSync(at("eng-changed.pattern"), PATTERNS.replace("within 2 minutes", "within 3 minutes"));
    const changedArgs = args.map((a) => (a === at("p.pattern") ? at("eng-changed.pattern") : a));
    rmSync(at("eng.json"));
    budget.n = 1200;
    await expect(cep(args, CrashingEngine)).rejects.toBeInstanceOf(Crash);
    const text = readFileSync(at("eng.json"), "utf8");
    const state = parseCheckpoint("eng.json", text);
    const burst = compile(readFileSync(at("eng-changed.pattern"), "utf8")).patterns[1];
    state.run.patterns[1].fingerprint = burst.fingerprint;
    writeFileSync(at("eng.json"), formatCheckpoint(state));
    const outBefore = read("eng.out");
    const r = await cep(changedArgs);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "cannot resume from the checkpoint: snapshot was taken with different patterns",
    );
    expect(read("eng.out").equals(outBefore)).toBe(true);
  });

  test("a checkpoint that recorded the earlier source-text fingerprints resumes as before", async () => {
    const args = await finished("legacy");
    const whole = read("legacy.out");
    rmSync(at("legacy.json"));
    budget.n = 1200;
    await expect(cep(args, CrashingEngine)).rejects.toBeInstanceOf(Crash);
    const state = parseCheckpoint("legacy.json", readFileSync(at("legacy.json"), "utf8"));
    const program = compile(PATTERNS);
    const legacy = new Map(program.patterns.map((p) => [p.fingerprint, p.sourceFingerprint]));
    expect([...legacy].every(([now, then]) => now !== then)).toBe(true);
    for (const p of state.run.patterns) p.fingerprint = legacy.get(p.fingerprint ?? "") ?? null;
    const snap = state.snapshot as { patterns: { fingerprint: string }[] };
    for (const p of snap.patterns) p.fingerprint = legacy.get(p.fingerprint) ?? "";
    writeFileSync(at("legacy.json"), formatCheckpoint(state));
    const r = await cep(args);
    expect(r.stderr).toContain(`resuming from checkpoint ${at("legacy.json")}`);
    expect(r.code).toBe(0);
    expect(read("legacy.out").equals(whole)).toBe(true);
  });

  test("a checkpoint that cannot be written is a usage error before anything is read", async () => {
    const args = runArgs("in.ndjson", "nowrite", ["--checkpoint", at("no/such/dir/ck.json")]);
    const r = await cep(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `cannot write checkpoint ${at("no/such/dir/ck.json")}: no such file or directory`,
    );
    expect(existsSync(at("nowrite.out"))).toBe(false);
  });

  test("a corrupt or foreign checkpoint is a clear error, exit 2", async () => {
    const args = await finished("bad");
    const good = readFileSync(at("bad.json"), "utf8");
    const cases: [string, string][] = [
      ["", "is corrupt (empty file)"],
      ["garbage\u0000\u0001", "is corrupt (not JSON)"],
      [good.slice(0, good.length >> 1), "is corrupt"],
      [good.replace('"bad":', '"bda":'), "is corrupt (checksum mismatch)"],
      ['{"format":"something-else"}', "is not a Cepheus checkpoint"],
      ['{"format":"cepheus-checkpoint","version":99}', "has format version 99"],
      ["[1,2,3]", "is not a Cepheus checkpoint"],
    ];
    for (const [text, message] of cases) {
      writeFileSync(at("bad.json"), text);
      const r = await cep(args);
      expect(r.code, message).toBe(2);
      expect(r.stderr, message).toContain(message);
      expect(r.stderr).not.toContain("internal error");
    }
    // Structurally wrong state with a matching checksum.
    const state = JSON.parse(good.slice(good.indexOf('"state":') + 8, good.lastIndexOf("}")));
    state.counters.records = -1;
    writeFileSync(at("bad.json"), formatCheckpoint(state));
    const r = await cep(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is corrupt (counters.records)");
  });

  test("an input changed since the checkpoint, or an output shorter than recorded, is refused", async () => {
    const { ndjson } = generate(9, 3000, 20);
    writeFileSync(at("chg.ndjson"), ndjson);
    rmSync(at("chg.json"), { force: true });
    const args = runArgs("chg.ndjson", "chg", ["--checkpoint", at("chg.json"), "--checkpoint-every", "500"]);
    budget.n = 1700;
    await expect(cep(args, CrashingEngine)).rejects.toBeInstanceOf(Crash);
    const state = parseCheckpoint("chg.json", readFileSync(at("chg.json"), "utf8"));
    expect(state.input?.line).toBeGreaterThanOrEqual(1500);
    // Appending to the input is fine; rewriting what was consumed is not.
    const offset = state.input?.offset ?? 0;
    const bytes = Buffer.from(ndjson);
    const edited = Buffer.from(bytes);
    edited[offset - 20] = edited[offset - 20] === 0x31 ? 0x32 : 0x31;
    writeFileSync(at("chg.ndjson"), edited);
    let r = await cep(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "has changed since checkpoint was written (its bytes before the checkpoint differ)",
    );
    writeFileSync(at("chg.ndjson"), bytes.subarray(0, 100));
    r = await cep(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `has changed since checkpoint was written (100 bytes, the checkpoint is at byte ${offset})`,
    );
    writeFileSync(at("chg.ndjson"), bytes);
    const file = state.outputs.find((o) => o.bytes > 0);
    if (file === undefined) throw new Error("no output written before the checkpoint");
    truncateSync(file.path, file.bytes - 1);
    r = await cep(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${file.path} has ${file.bytes - 1} bytes, fewer than the ${file.bytes} a checkpoint recorded`,
    );
    rmSync(file.path);
    r = await cep(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file.path} is missing; a checkpoint recorded ${file.bytes} bytes of it`);
  });
});
