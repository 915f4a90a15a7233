/**
 * A stand-in library for in-process CLI tests: plumbing (options, files, error output,
 * exit codes, summaries) is tested here without the real compiler and engine, which the
 * end-to-end tests (`e2e.test.ts`) exercise through `bin/cep.js`.
 *
 * Fake pattern language, one directive per line:
 *   `pattern NAME TYPE [key FIELD]`  every event of TYPE is one match of NAME
 *   `error MESSAGE`                  a compile error at this line
 *   `warn MESSAGE`                   a warning at this line
 * The fake engine follows language.md §4 for lateness (B = out-of-orderness, no
 * buffering), reports missing/invalid times and missing keys like the real one, and
 * treats `{"$watermark": T}` as a watermark.
 */
import { PassThrough, Writable } from "node:stream";
import type {
  CepApi,
  CliEnv,
  CompiledPattern,
  CompiledProgram,
  EngineOptions,
  OutputRecord,
  SourceFile,
} from "../../src/cli/api.js";
import { runCli } from "../../src/cli/cli.js";
import { CompileError, type Diagnostic } from "../../src/lang/diagnostics.js";

interface FakePattern extends CompiledPattern {
  readonly type: string;
  readonly keyField: string | null;
}

function compile(sources: SourceFile[]): CompiledProgram {
  const patterns: FakePattern[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const { file, source } of sources) {
    let offset = 0;
    for (const line of source.split("\n")) {
      const words = line.trim().split(/\s+/);
      const span = { start: offset, end: offset + line.length };
      if (words[0] === "pattern") {
        const keyField = words[3] === "key" ? words[4] : null;
        patterns.push({
          name: words[1],
          file,
          type: words[2],
          keyField,
          keyPathText: keyField ? [keyField] : [],
          termWindows: [{ variable: "a", ms: 10_000 }],
          variables: [
            { name: "a", negated: false },
            { name: "n", negated: true },
          ],
          description: {
            states: [
              {
                name: "a",
                kind: "start",
                window: null,
                edges: [{ action: "take", target: "match", condition: `type == "${words[2]}"` }],
              },
              { name: "match", kind: "final", window: null, edges: [] },
            ],
            window: 300_000,
            skip: "no skip",
          },
          explain: () =>
            `pattern ${words[1]}\n  state a [start]\n    take    -> match  if type == "${words[2]}"\n`,
        });
      } else if (words[0] === "error" || words[0] === "warn") {
        diagnostics.push({
          code: words[0] === "error" ? "E2001" : "W2001",
          severity: words[0] === "error" ? "error" : "warning",
          message: words.slice(1).join(" "),
          file,
          span,
        });
      }
      offset += line.length + 1;
    }
  }
  if (diagnostics.some((d) => d.severity === "error")) throw new CompileError(diagnostics);
  return { patterns, warnings: diagnostics.filter((d) => d.severity === "warning") };
}

type Listener = (...args: any[]) => void;

class FakeEngine {
  private readonly listeners: Record<string, Listener[]> = {
    match: [],
    timeout: [],
    late: [],
    error: [],
    warning: [],
  };
  private readonly patterns: FakePattern[];
  private highest = Number.NEGATIVE_INFINITY;
  private watermark = Number.NEGATIVE_INFINITY;
  private events = 0;

  constructor(
    program: CompiledProgram,
    private readonly options: EngineOptions,
  ) {
    const only = options.patterns;
    this.patterns = (program.patterns as FakePattern[]).filter((p) => !only || only.includes(p.name));
  }

  on(name: string, listener: Listener): this {
    this.listeners[name].push(listener);
    return this;
  }

  private fire(name: string, ...args: unknown[]) {
    for (const l of this.listeners[name]) l(...args);
  }

  push(event: Record<string, unknown>): void {
    if ("$watermark" in event) {
      if (!this.options.processingTime) this.watermark = Math.max(this.watermark, Number(event.$watermark));
      return;
    }
    let time: number;
    if (this.options.processingTime) {
      time = this.options.clock!();
    } else {
      const t = event[this.options.timeField];
      if (t === undefined || t === null) {
        this.fire("error", { reason: `missing time (${this.options.timeField})`, event });
        return;
      }
      time = typeof t === "string" ? Date.parse(t) : (t as number);
      if (typeof time !== "number" || !Number.isFinite(time) || !Number.isInteger(time)) {
        this.fire("error", { reason: `invalid time (${this.options.timeField})`, event });
        return;
      }
      if (
        !this.options.watermarksOnly &&
        (time < this.highest - this.options.outOfOrderness || time <= this.watermark)
      ) {
        this.fire("late", event, "late");
        return;
      }
      this.highest = Math.max(this.highest, time);
    }
    this.events++;
    for (const p of this.patterns) {
      let key: unknown = null;
      if (p.keyField !== null) {
        key = event[p.keyField];
        if (key === undefined || key === null) {
          this.fire("error", { reason: `missing key: ${p.name} (${p.keyField})`, event });
          continue;
        }
      }
      if (event[this.options.typeField] !== p.type) continue;
      const record: OutputRecord = { pattern: p.name, key, start: time, end: time, events: { a: [event] } };
      this.fire("match", record);
    }
  }

  end(): void {}

  stats() {
    return { events: this.events, partialMatches: 0 };
  }
}

/** A fake `renderDiagnostic`: the plain form, in red when colour is on. */
function renderDiagnostic(d: Diagnostic, source: string, options: { color: boolean }): string {
  const before = source.slice(0, d.span.start);
  const line = before.split("\n").length;
  const col = d.span.start - before.lastIndexOf("\n");
  const text = `${d.file}:${line}:${col}: ${d.code} ${d.message}`;
  return options.color ? `\x1b[31m${text}\x1b[0m\n` : `${text}\n`;
}

export const fakeApi: CepApi = { compile, Engine: FakeEngine as any, CompileError, renderDiagnostic };

/** A writable that keeps what is written. */
export class Capture extends Writable {
  text = "";
  writes = 0;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.text += chunk.toString();
    this.writes++;
    done();
  }
}

export interface CepResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cep args…` in-process with the fake library. */
export async function cep(
  args: string[],
  options: { stdin?: string; tty?: boolean; env?: Record<string, string>; api?: CepApi } = {},
): Promise<CepResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? "");
  let clock = 0;
  const env: CliEnv = {
    api: options.api ?? fakeApi,
    stdin,
    stdout,
    stderr,
    stderrIsTTY: options.tty ?? false,
    env: options.env ?? {},
    wallClock: () => 1_700_000_000_000,
    monotonic: () => (clock += 1),
  };
  const code = await runCli(args, env);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Parses NDJSON text into values. */
export function ndjson(text: string): any[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l));
}
