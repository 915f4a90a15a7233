/**
 * The oracle of `cep run --threads N` (docs/cli.md "Threads"), written independently of
 * src/cli/threads: the single-thread `cep run --watermarks-only` (the real command) over
 * the stream the reading thread must make of the input — late events removed (reported
 * by the reading thread), watermark ticks inserted — with the records compared byte for
 * byte.
 *
 * Line numbers are kept by spacing: input line i becomes line 2i − 1 of the oracle's
 * input, and line 2i holds the tick that follows it, or nothing (blank lines are skipped
 * but counted). The oracle's reports are mapped back (line (l + 1) / 2, the input's file
 * name) and the late reports merged in by line.
 *
 * The time rules, as the reading thread applies them (scale-out.md §2.5, as `cep
 * produce`): B = `--out-of-orderness`; an event is late when its time is below the
 * highest event time so far minus B, or not after the last watermark; a valid
 * `$watermark` record raises the last watermark; after every `every` records (non-blank
 * lines, bad ones included), the watermark becomes highest − B − 1 when that is higher.
 * With `--watermarks-only`, none of this: the input is the oracle's input.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface ThreadRunOptions {
  /** ms. */
  outOfOrderness: number;
  watermarksOnly: boolean;
  /** `--watermark-every`. */
  every: number;
  /** `--late` to a file of its own (else late events go to the error output). */
  lateFile: boolean;
  /** Extra `cep run` arguments (`--format csv`, `--memory-limit`, …). */
  extra?: string[];
}

/** What a run wrote: records, error output, late output (with `lateFile`), the summary without its time. */
export interface RunOutputs {
  status: number | null;
  output: string;
  errors: string;
  late: string;
  summary: string;
  stderr: string;
}

const MAX_TIME = 8.64e15;

/** A time as `cep run` reads it (integer ms, or ISO-8601 with a zone), or null. */
function timeOf(v: unknown): number | null {
  if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) <= MAX_TIME ? v : null;
  if (typeof v === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v)) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** `node bin args…` in `dir`; the outputs read back. */
export function runCep(bin: string, dir: string, args: string[], opts: ThreadRunOptions): RunOutputs {
  const all = [
    ...args,
    "--output",
    "out.ndjson",
    "--errors",
    "errors.ndjson",
    ...(opts.lateFile ? ["--late", "late.ndjson"] : []),
    ...(opts.outOfOrderness > 0 ? ["--out-of-orderness", String(opts.outOfOrderness)] : []),
    ...(opts.extra ?? []),
  ];
  for (const f of ["out.ndjson", "errors.ndjson", "late.ndjson"]) writeFileSync(join(dir, f), "");
  const r = spawnSync(process.execPath, [bin, "run", ...all], { cwd: dir, encoding: "utf8" });
  const read = (f: string) => readFileSync(join(dir, f), "utf8");
  const summary = (
    r.stderr.split("\n").find((l) => l.startsWith("cep: ") && / events?, /.test(l)) ?? ""
  ).replace(/, [\d.]+s$/, "");
  return {
    status: r.status,
    output: read("out.ndjson"),
    errors: read("errors.ndjson"),
    late: read("late.ndjson"),
    summary,
    stderr: r.stderr,
  };
}

/** `cep run --threads N` over `input` (a file in `dir`). */
export function threaded(
  bin: string,
  dir: string,
  pattern: string,
  input: string,
  threads: number,
  opts: ThreadRunOptions,
): RunOutputs {
  const args = [
    pattern,
    "--input",
    input,
    "--threads",
    String(threads),
    "--watermark-every",
    String(opts.every),
  ];
  if (opts.watermarksOnly) args.push("--watermarks-only");
  return runCep(bin, dir, args, opts);
}

/** What `cep run --threads N` must write over `input` (NDJSON text of the file `name` in `dir`). */
export function oracle(
  bin: string,
  dir: string,
  pattern: string,
  name: string,
  opts: ThreadRunOptions,
): RunOutputs {
  const text = readFileSync(join(dir, name), "utf8");
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const out: string[] = [];
  const lates: { line: number; text: string }[] = [];
  let highest = Number.NEGATIVE_INFINITY;
  let wm = Number.NEGATIVE_INFINITY;
  let records = 0;
  lines.forEach((line, i) => {
    const no = i + 1;
    let tick: number | null = null;
    let keep = line;
    if (line.trim() !== "") {
      records++;
      if (!opts.watermarksOnly) {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          value = undefined;
        }
        if (value !== null && typeof value === "object" && !Array.isArray(value)) {
          const o = value as Record<string, unknown>;
          if (Object.hasOwn(o, "$watermark")) {
            const t = timeOf(o.$watermark);
            if (t !== null && t > wm) wm = t;
          } else {
            const t = timeOf(o.ts);
            if (t !== null) {
              if (t < highest - opts.outOfOrderness || t <= wm) {
                lates.push({ line: no, text: line });
                keep = "";
              } else highest = Math.max(highest, t);
            }
          }
        }
        if (records % opts.every === 0 && highest - opts.outOfOrderness - 1 > wm) {
          wm = highest - opts.outOfOrderness - 1;
          tick = wm;
        }
      }
    }
    out.push(keep, tick === null ? "" : JSON.stringify({ $watermark: tick }));
  });
  writeFileSync(join(dir, "oracle-in.ndjson"), `${out.join("\n")}\n`);
  const r = runCep(bin, dir, [pattern, "--input", "oracle-in.ndjson", "--watermarks-only"], opts);
  // Reports back to the input's lines and name; late reports merged in by line.
  const reports: { line: number; text: string }[] = [];
  for (const l of r.errors.split("\n")) {
    if (l === "") continue;
    const e = JSON.parse(l) as { file: string; line: number; reason: string; text: string };
    const line = (e.line + 1) / 2;
    reports.push({ line, text: JSON.stringify({ file: name, line, reason: e.reason, text: e.text }) });
  }
  const lateLines: string[] = [];
  for (const { line, text: t } of lates) {
    if (opts.lateFile)
      lateLines.push(`${JSON.stringify({ file: name, line, reason: "late" }).slice(0, -1)},"event":${t}}`);
    else
      reports.push({
        line,
        text: JSON.stringify({ file: name, line, reason: "late", text: t.slice(0, 200) }),
      });
  }
  reports.sort((a, b) => a.line - b.line);
  const join_ = (ls: string[]) => (ls.length === 0 ? "" : `${ls.join("\n")}\n`);
  return {
    ...r,
    errors: join_(reports.map((x) => x.text)),
    late: join_(lateLines),
    summary: r.summary.replace(/, 0 late, /, `, ${lates.length} late, `),
  };
}
