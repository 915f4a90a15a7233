/**
 * The `cli` target: random commands of the real `cep` binary (run, check, explain, test,
 * repl) with random flags and arguments — bad values, missing files, directories, odd
 * durations, broken checkpoints — each in a scratch directory, with a timeout.
 *
 * A failure is exit code 70 or "internal error", death by a signal, a timeout, or a
 * stack trace on stderr. (The scale-out commands need Redis and are left out.)
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, seedPatterns, seedScenarios } from "./corpus.js";
import { mutateOnce } from "./pattern-mutate.js";
import type { Rand } from "./rand.js";
import type { Failure, Target } from "./target.js";

/** One command line: its arguments, the files of its scratch directory, its stdin. */
export interface CliInput {
  readonly args: readonly string[];
  readonly files: Readonly<Record<string, string>>;
  readonly stdin: string;
}

/**
 * A private copy of the built command (`dist/`, `bin/`, `package.json`, a link to
 * `node_modules`), so that a rebuild during a long campaign cannot break it; returns
 * its `bin/cep.js`.
 */
export function privateBin(): string {
  if (!existsSync(join(ROOT, "dist", "bundle", "cep.cjs"))) {
    throw new Error("dist/bundle/cep.cjs is missing: run `npm run build` first");
  }
  const app = mkdtempSync(join(tmpdir(), "cep-fuzz-app-"));
  cpSync(join(ROOT, "dist"), join(app, "dist"), { recursive: true });
  cpSync(join(ROOT, "bin"), join(app, "bin"), { recursive: true });
  cpSync(join(ROOT, "package.json"), join(app, "package.json"));
  symlinkSync(join(ROOT, "node_modules"), join(app, "node_modules"), "dir");
  process.on("exit", () => rmSync(app, { recursive: true, force: true }));
  return join(app, "bin", "cep.js");
}

/** The cli target running `bin` with `timeoutMs` per command. */
export function cliTarget(bin: string, timeoutMs: number): Target<CliInput> {
  return {
    kind: "cli",
    make,
    run: (input) => run(bin, timeoutMs, input),
    describe: (input) =>
      `cep ${input.args.map(quote).join(" ")}${input.stdin.length > 0 ? ` < stdin (${input.stdin.length} chars)` : ""}`,
    reproduce: (input) => ({
      files: { ...input.files, stdin: input.stdin },
      command: `(cd "$DIR" && node "$REPO/bin/cep.js" ${input.args.map(quote).join(" ")} < stdin; echo "exit $?")`,
    }),
  };
}

const DURATIONS = [
  "0",
  "5s",
  "2 minutes",
  "PT1M",
  "-1",
  "1e400",
  "",
  "5 parsecs",
  "9007199254740993",
  "1h30m",
  "P1Y",
  "0.5ms",
  "NaN",
  " 5s ",
];
const CLOCKS = ["0", "-5", "abc", "1e3", "99999999999999999999", "", "1700000000000", "-0", "0x10"];
const COUNTS = ["0", "1", "10", "abc", "-1", "1.5", "99999999999999999999", ""];
const NAMES = ["BruteForce", "Nope", "", "constructor", "__proto__", "P1", "a b"];
// No NUL: arguments cannot carry one (spawn refuses it, as the OS would).
const FIELDS = ["type", "ts", "", "kind", "__proto__", "a.b", "ts\u00e9"];

function make(r: Rand): CliInput {
  const scenarios = seedScenarios();
  const s = r.pick(scenarios);
  const files: Record<string, string> = {
    "s.pattern": s.source,
    "s.events.ndjson": `${s.lines.join("\n")}\n`,
    "m.pattern": mutateOnce(r, mutateOnce(r, s.source, r.pick(seedPatterns()).source), s.source),
    "empty.pattern": "",
    "e.csv": `type,ts,user\nA,1,u\n"B,2,u\nC,x\n`,
    "bad.checkpoint": r.pick([
      "",
      "{",
      "{}",
      '{"version":1}',
      "null",
      JSON.stringify({ snapshot: { version: 99 } }),
    ]),
  };
  if (r.chance(0.5)) {
    files["dir/s.pattern"] = s.source;
    files["dir/s.events.ndjson"] = files["s.events.ndjson"];
    files["dir/s.expected.ndjson"] = r.chance(0.5) ? "" : '{"pattern":"X"}\nnot json\n';
    if (r.chance(0.3))
      files["dir/s.args"] = r.pick([
        "--out-of-orderness 5s",
        "--bogus",
        "'unbalanced",
        "--input x",
        "--pattern",
      ]);
  }
  const pattern = () =>
    r.pick([
      "s.pattern",
      "m.pattern",
      "m.pattern",
      "empty.pattern",
      "missing.pattern",
      "dir",
      ".",
      "s.events.ndjson",
    ]);
  const command = r.pick([
    "run",
    "run",
    "run",
    "check",
    "explain",
    "test",
    "repl",
    "",
    "bogus",
    "--help",
    "--version",
  ]);
  const args: string[] = command === "" ? [] : [command];
  let stdin = "";
  switch (command) {
    case "run":
      for (let i = 1 + r.small(2); i > 0; i--) args.push(pattern());
      for (let i = r.small(8); i > 0; i--) args.push(...runFlag(r));
      if (!args.includes("--input") || args.includes("-")) stdin = files["s.events.ndjson"];
      break;
    case "check":
      for (let i = 1 + r.small(2); i > 0; i--) args.push(pattern());
      if (r.chance(0.2)) args.push(r.pick(["--bogus", "--pattern", "-"]));
      break;
    case "explain":
      args.push(pattern());
      if (r.chance(0.5)) args.push("--pattern", r.pick(NAMES));
      if (r.chance(0.5)) args.push("--format", r.pick(["text", "dot", "mermaid", "svg", ""]));
      break;
    case "test":
      args.push(r.pick(["dir", "dir/s.pattern", "s.pattern", "missing", "."]));
      if (r.chance(0.3)) args.push("--update");
      break;
    case "repl":
      if (r.chance(0.5)) args.push(pattern());
      for (let i = r.small(3); i > 0; i--) args.push(...runFlag(r).filter((a) => !a.startsWith("--input")));
      stdin = replSession(r, files["m.pattern"], s.lines);
      break;
    default:
      for (let i = r.small(3); i > 0; i--) args.push(...runFlag(r));
  }
  return { args, files, stdin };
}

function runFlag(r: Rand): string[] {
  switch (r.int(0, 17)) {
    case 0:
      return ["--input", r.pick(["s.events.ndjson", "e.csv", "-", "missing.ndjson", "dir", "", "s.pattern"])];
    case 1:
      return ["--format", r.pick(["ndjson", "csv", "xml", ""])];
    case 2:
      return ["--output", r.pick(["out.ndjson", "-", "dir", "nodir/out.ndjson", "", "s.events.ndjson"])];
    case 3:
      return ["--pattern", r.pick(NAMES)];
    case 4:
      return ["--type-field", r.pick(FIELDS)];
    case 5:
      return ["--time-field", r.pick(FIELDS)];
    case 6:
      return ["--out-of-orderness", r.pick(DURATIONS)];
    case 7:
      return ["--processing-time"];
    case 8:
      return ["--clock", r.pick(CLOCKS)];
    case 9:
      return ["--watermarks-only"];
    case 10:
      return ["--late", r.pick(["late.ndjson", "-", "dir", "out.ndjson"])];
    case 11:
      return ["--errors", r.pick(["errors.ndjson", "-", "dir", "late.ndjson"])];
    case 12:
      return ["--checkpoint", r.pick(["run.checkpoint", "bad.checkpoint", "-", "", "dir", "out.ndjson"])];
    case 13:
      return ["--checkpoint-every", r.pick(COUNTS)];
    case 14:
      return ["--quiet"];
    case 15:
      return [r.pick(["--bogus", "-x", "--", "--input=s.events.ndjson", "--out-of-orderness=5s", "--help"])];
    default:
      return r.chance(0.5) ? ["--input", "s.events.ndjson"] : ["--output", "out.ndjson"];
  }
}

function replSession(r: Rand, pattern: string, lines: readonly string[]): string {
  const out: string[] = [];
  for (let i = r.small(12); i >= 0; i--) {
    out.push(
      r.pick([
        () => r.pick(lines),
        () => r.pick(lines).slice(0, r.int(0, 40)),
        () => pattern,
        () => r.pick([".patterns", ".state", ".flush", ".reset", ".help", ".exit", ".bogus", "."]),
        () => `.load ${r.pick(["s.pattern", "m.pattern", "missing.pattern", "dir", ""])}`,
        () => `.watermark ${r.pick(["1e12", "abc", "", "-1", "2024-01-01T00:00:00Z", "1e400"])}`,
        () => `.explain ${r.pick(NAMES)}`,
        () => `.save ${r.pick(["state.json", "dir", "", "nodir/x"])}`,
        () => r.pick(["{", "{}", '{"type":"A"}', "pattern X {", "}", "pattern Y { match a: A }"]),
      ])(),
    );
  }
  return `${out.join("\n")}\n`;
}

function quote(arg: string): string {
  return /^[\w./=:-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

async function run(bin: string, timeoutMs: number, input: CliInput): Promise<Failure | null> {
  const dir = mkdtempSync(join(tmpdir(), "cep-fuzz-"));
  try {
    for (const [name, text] of Object.entries(input.files)) {
      const path = join(dir, name);
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, text);
    }
    mkdirSync(join(dir, "dir"), { recursive: true });
    const { code, signal, stderr, timedOut } = await spawnCep(bin, dir, input, timeoutMs);
    const tail = stderr.slice(-2000);
    if (timedOut) return { class: "timeout", message: `no exit within ${timeoutMs} ms` };
    if (signal !== null) return { class: "signal", message: `killed by ${signal}`, stack: tail };
    if (code === 70 || /internal error/i.test(stderr)) {
      return {
        class: "exit-70",
        message: firstLine(stderr, /internal error/i) ?? `exit ${code}`,
        stack: tail,
      };
    }
    if (STACK.test(stderr))
      return { class: "stack-trace", message: firstLine(stderr, /Error/) ?? "stack trace", stack: tail };
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function firstLine(text: string, re: RegExp): string | null {
  return text.split("\n").find((l) => re.test(l)) ?? null;
}

function spawnCep(
  bin: string,
  cwd: string,
  input: CliInput,
  timeoutMs: number,
): Promise<{ code: number | null; signal: string | null; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...input.args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", HOME: cwd },
      stdio: ["pipe", "ignore", "pipe"],
    });
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => {
      if (stderr.length < 1 << 20) stderr += d;
    });
    child.stdin.on("error", () => {}); // the command may exit before reading its stdin
    child.stdin.end(input.stdin);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal: timedOut ? null : signal, stderr, timedOut });
    });
  });
}
