/**
 * CLI: `cep run` end to end (a spawned `node bin/cep.js run … --quiet`, after `npm run
 * build`) over an NDJSON file of 1M W4 events (100k keys, uniform), against a spawned bare
 * JSON.parse-per-line loop over the same file. Wall time of each process, alternating;
 * the CLI's record count must equal F2's match count on the same events. The same run with
 * `--threads 2` and `--threads 4` (issue #19) in the same rounds. The shares of the work
 * (issue #19): in-process, `JSON.parse` of every line and an `Engine` over the parsed
 * events (as one thread runs it, and watermarks-only as the workers do); and one
 * `--threads 2` run's CPU time per thread (bench/baselines/thread-cpu.cjs).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile, Engine } from "../../src/index.js";
import { f2W4 } from "../baselines/f2-w4.js";
import { w4Events } from "../gen.js";
import { median } from "../harness.js";
import { W4_RATE, W4_SOURCE } from "./w4.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const N = 1_000_000;

export interface CliResult {
  readonly available: boolean;
  /** Why not, when not available. */
  readonly reason: string;
  readonly n: number;
  readonly fileBytes: number;
  readonly cliMs: number;
  readonly bareMs: number;
  /** `cep run` over an empty file: process start, module load, compile. */
  readonly startupMs: number;
  /** `cep run --threads N` (N = 2, 4; issue #19) over the same file, by N. */
  readonly threadsMs: Readonly<Record<number, number>>;
  readonly matches: number;
  readonly errors: readonly string[];
  readonly buildNote: string;
  /** In-process, best of the rounds: `JSON.parse` of every line; an Engine over the parsed events, as one thread runs it and watermarks-only (a watermark every 4096 events). */
  readonly parseMs: number;
  readonly matchMs: number;
  readonly matchWoMs: number;
  /** One `--threads 2` run: CPU ms of the reading thread, of each worker, and of V8's and libuv's helper threads (null: not measured). */
  readonly threadCpu: { main: number; workers: number[]; helpers: number } | null;
}

function timed(
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
): {
  ms: number;
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: REPO, encoding: "utf8", maxBuffer: 1 << 30, env });
  return { ms: performance.now() - t0, status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

export function measureCli(rounds: number, log: (s: string) => void): CliResult {
  const dir = join(tmpdir(), "cepheus-bench");
  mkdirSync(dir, { recursive: true });
  const events = w4Events({ n: N, keys: 100_000, dist: "uniform", seed: 4, rate: W4_RATE });
  const file = join(dir, "w4-1m.ndjson");
  const empty = join(dir, "empty.ndjson");
  const pattern = join(dir, "w4.pattern");
  const text = `${events.map((e) => JSON.stringify(e)).join("\n")}\n`;
  writeFileSync(file, text);
  writeFileSync(empty, "");
  writeFileSync(pattern, `${W4_SOURCE}\n`);
  let matches = 0;
  f2W4(
    10_000,
    false,
  )(() => {
    matches++;
  }).run(events, 0, N);

  const base = { n: N, fileBytes: Buffer.byteLength(text), matches };
  const notAvailable = (reason: string, buildNote: string): CliResult => ({
    available: false,
    reason,
    cliMs: Number.NaN,
    bareMs: Number.NaN,
    startupMs: Number.NaN,
    threadsMs: {},
    errors: [],
    buildNote,
    parseMs: Number.NaN,
    matchMs: Number.NaN,
    matchWoMs: Number.NaN,
    threadCpu: null,
    ...base,
  });

  log("  CLI: npm run build");
  const b = spawnSync("npm", ["run", "build"], { cwd: REPO, encoding: "utf8" });
  const buildNote =
    b.status === 0
      ? "built with `npm run build`"
      : `\`npm run build\` failed (exit ${b.status}); the existing dist/ was used: ${(b.stdout + b.stderr).trim().split("\n").slice(-3).join(" / ")}`;
  const cliArgs = ["bin/cep.js", "run", pattern, "--input", file, "--quiet"];
  const first = timed(cliArgs);
  if (first.status !== 0)
    return notAvailable(
      `cep run exited ${first.status}: ${first.stderr.trim().split("\n").slice(0, 3).join(" / ")}`,
      buildNote,
    );
  const lines = (s: string) => s.split("\n").filter((l) => l.length > 0).length;
  const errors: string[] = [];
  const check = (out: string, round: string) => {
    const got = lines(out);
    if (got !== matches)
      errors.push(`CLI: ${round}: cep run wrote ${got} records, F2 finds ${matches} matches`);
  };
  check(first.stdout, "warm-up");
  const cli: number[] = [];
  const bare: number[] = [];
  const threads: Record<number, number[]> = { 2: [], 4: [] };
  for (let r = 0; r < rounds; r++) {
    const c = timed(cliArgs);
    check(c.stdout, `round ${r + 1}`);
    cli.push(c.ms);
    for (const n of [2, 4]) {
      const t = timed([...cliArgs, "--threads", String(n)]);
      if (t.status !== 0)
        errors.push(`CLI: --threads ${n} exited ${t.status}: ${t.stderr.trim().split("\n")[0]}`);
      check(t.stdout, `--threads ${n}, round ${r + 1}`);
      threads[n].push(t.ms);
    }
    const j = timed(["bench/baselines/json-parse-loop.mjs", file]);
    if (j.status !== 0 || Number.parseInt(j.stdout, 10) !== N)
      errors.push(`CLI: bare loop failed: ${j.stderr}`);
    bare.push(j.ms);
  }
  const startup: number[] = [];
  for (let r = 0; r < rounds; r++)
    startup.push(timed(["bin/cep.js", "run", pattern, "--input", empty, "--quiet"]).ms);
  // The shares: parsing and matching alone, in this process (best of the rounds).
  const texts = text.split("\n");
  texts.pop();
  const program = compile([{ file: "w4.pattern", source: W4_SOURCE }]);
  let parseMs = Number.POSITIVE_INFINITY;
  let matchMs = Number.POSITIVE_INFINITY;
  let matchWoMs = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    const parsed = texts.map((l) => JSON.parse(l) as { ts: number });
    parseMs = Math.min(parseMs, performance.now() - t0);
    for (const wo of [false, true]) {
      const events = wo ? texts.map((l) => JSON.parse(l) as { ts: number }) : parsed;
      const engine = new Engine(program, { watermarksOnly: wo });
      const t1 = performance.now();
      let highest = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < events.length; i++) {
        engine.push(events[i]);
        if (wo) {
          highest = Math.max(highest, events[i].ts);
          if (i % 4096 === 4095) engine.advanceTo(highest - 1);
        }
      }
      engine.end();
      const ms = performance.now() - t1;
      if (wo) matchWoMs = Math.min(matchWoMs, ms);
      else matchMs = Math.min(matchMs, ms);
    }
  }
  // Where a threaded run's CPU goes, thread by thread (Linux /proc; null elsewhere).
  let threadCpu: CliResult["threadCpu"] = null;
  const cpuFile = join(dir, "thread-cpu.txt");
  writeFileSync(cpuFile, "");
  const t = timed(["--require", "./bench/baselines/thread-cpu.cjs", ...cliArgs, "--threads", "2"], {
    ...process.env,
    CEP_THREAD_CPU_FILE: cpuFile,
  });
  const cpuLine = t.stderr.split("\n").find((l) => l.startsWith("cep-thread-cpu: "));
  if (cpuLine !== undefined) threadCpu = JSON.parse(cpuLine.slice("cep-thread-cpu: ".length));

  return {
    parseMs,
    matchMs,
    matchWoMs,
    threadCpu,
    available: true,
    reason: "",
    cliMs: median(cli),
    bareMs: median(bare),
    startupMs: median(startup),
    threadsMs: { 2: median(threads[2]), 4: median(threads[4]) },
    errors,
    buildNote,
    ...base,
  };
}
