/**
 * The `patterns` target: mutated and grammar-made pattern sources through the library,
 * in process — `compile` (parse, check, build), each diagnostic rendered as `cep check`
 * prints it, each pattern's `explain()`, and for sources that compile a short event
 * stream through the Engine with a snapshot round trip.
 *
 * A failure is any exception but `CompileError`, a diagnostic with an internal-error
 * code (`E1999`, any `…999`), or a run over the time budget.
 */
import {
  CompileError,
  compile,
  type Diagnostic,
  Engine,
  formatDiagnostic,
  renderDiagnostic,
} from "../../src/index.js";
import { seedPatterns } from "./corpus.js";
import { grammarSource } from "./pattern-grammar.js";
import { mutateOnce, tokens } from "./pattern-mutate.js";
import type { Rand } from "./rand.js";
import { exceptionFailure, type Failure, type Reproduction, shrinkText, type Target } from "./target.js";

/** One pattern input: the source, what it was made from, and the events to run it on. */
export interface PatternInput {
  readonly source: string;
  /** e.g. `patterns/sla-breach.pattern +3 mutations`. */
  readonly origin: string;
  /** NDJSON event lines (valid JSON: the events target covers bad lines). */
  readonly events: readonly string[];
  readonly outOfOrderness: number;
}

/** The patterns target; `budgetMs` is the time one input may take. */
export function patternsTarget(budgetMs: number): Target<PatternInput> {
  return {
    kind: "patterns",
    make,
    run: (input) => run(input, budgetMs),
    describe: (input) => `${input.origin} (${input.source.length} chars, ${input.events.length} events)`,
    reproduce,
    *shrink(input) {
      for (const source of shrinkText(input.source)) yield { ...input, source };
      for (let i = 0; i < input.events.length; i++) {
        yield { ...input, events: input.events.filter((_, j) => j !== i) };
      }
    },
  };
}

function make(r: Rand): PatternInput {
  const seeds = seedPatterns();
  let source: string;
  let origin: string;
  if (r.chance(0.25)) {
    source = grammarSource(r);
    origin = "grammar";
  } else {
    const seed = r.pick(seeds);
    source = seed.source;
    origin = seed.file;
  }
  const n = r.chance(0.1) ? 0 : 1 + r.small(5);
  for (let i = 0; i < n; i++) source = mutateOnce(r, source, r.pick(seeds).source);
  return {
    source,
    origin: `${origin} +${n} mutation${n === 1 ? "" : "s"}`,
    events: eventsFor(r, source),
    outOfOrderness: r.pick([0, 0, 0, 1000, 60000]),
  };
}

/** Events whose types and fields are words of the source, with ordinary and odd values. */
function eventsFor(r: Rand, source: string): string[] {
  const words = new Set<string>();
  for (const [a, b] of tokens(source.length > 20000 ? source.slice(0, 20000) : source)) {
    const w = source.slice(a, b);
    if (/^[A-Za-z_]\w*$/.test(w)) words.add(w);
  }
  const all = [...words];
  const types = all.filter((w) => /^[A-Z]/.test(w));
  const fields = all.filter((w) => /^[a-z_]/.test(w));
  if (types.length === 0) types.push("A");
  if (fields.length === 0) fields.push("x");
  const values: (() => unknown)[] = [
    () => r.int(-5, 100),
    () => r.int(0, 3) * 0.5,
    () => r.pick(["a", "b", "", "x".repeat(r.int(0, 50)), "é😀", "__proto__"]),
    () => r.chance(0.5),
    () => null,
    () => r.pick([1e308, -1e308, Number.MAX_SAFE_INTEGER, -0, 0.1]),
    () => ({ x: r.int(0, 3), y: "y" }),
    () => [r.int(0, 3), "a"],
  ];
  const out: string[] = [];
  let ts = 1_000_000;
  for (let i = r.int(0, 40); i > 0; i--) {
    if (r.chance(0.05)) {
      out.push(JSON.stringify({ $watermark: ts + r.int(-1000, 100000) }));
      continue;
    }
    ts += r.chance(0.1) ? -r.int(0, 5000) : r.int(0, 20000);
    const e: Record<string, unknown> = { type: r.pick(types) };
    for (let k = r.small(6); k > 0; k--) e[r.pick(fields)] = r.pick(values)();
    e.ts = r.chance(0.03) ? r.pick(["2024-01-01T00:00:00Z", "soon", null, -1, 1e300]) : ts;
    out.push(JSON.stringify(e));
  }
  return out;
}

function run(input: PatternInput, budgetMs: number): Failure | null {
  const start = performance.now();
  let failure: Failure | null;
  try {
    failure = compileAndRun(input);
  } catch (err) {
    failure = exceptionFailure(err);
  }
  if (failure !== null) return failure;
  const ms = performance.now() - start;
  return ms > budgetMs
    ? { class: "slow", message: `took ${Math.round(ms)} ms (budget ${budgetMs} ms)` }
    : null;
}

function compileAndRun(input: PatternInput): Failure | null {
  const file = "fuzz.pattern";
  let program: ReturnType<typeof compile>;
  try {
    program = compile(input.source, { file });
  } catch (err) {
    if (!(err instanceof CompileError)) return exceptionFailure(err, "compile: ");
    return diagnostics(err.diagnostics, input.source);
  }
  const warned = diagnostics(program.warnings, input.source);
  if (warned !== null) return warned;
  for (const p of program.patterns) p.explain();
  const engine = new Engine(program, { outOfOrderness: input.outOfOrderness });
  const listen = (e: Engine) => {
    e.on("match", () => {});
    e.on("timeout", () => {});
    e.on("late", () => {});
    e.on("error", () => {});
    e.on("warning", () => {});
  };
  listen(engine);
  let current = engine;
  const half = input.events.length >> 1;
  input.events.forEach((line, i) => {
    if (i === half) {
      // A snapshot round trip mid-stream, as checkpoints do.
      const snapshot = JSON.parse(JSON.stringify(current.snapshot()));
      current = new Engine(program, { outOfOrderness: input.outOfOrderness, restore: snapshot });
      listen(current);
    }
    current.push(JSON.parse(line));
  });
  current.end();
  return null;
}

/** Renders every diagnostic as the CLI does; an internal-error code is a failure. */
function diagnostics(list: readonly Diagnostic[], source: string): Failure | null {
  for (const d of list) {
    renderDiagnostic(d, source, { color: false });
    formatDiagnostic(d, source);
    if (!/^[EW]\d{4}$/.test(d.code) || d.code.endsWith("999")) {
      return { class: "internal", message: `${d.code} ${d.message}` };
    }
  }
  return null;
}

function reproduce(input: PatternInput): Reproduction {
  const args = input.outOfOrderness > 0 ? ` --out-of-orderness ${input.outOfOrderness}` : "";
  return {
    files: { "input.pattern": input.source, "events.ndjson": `${input.events.join("\n")}\n` },
    command: [
      'node bin/cep.js check "$DIR/input.pattern"',
      `node bin/cep.js run "$DIR/input.pattern" --input "$DIR/events.ndjson"${args}`,
    ].join("\n"),
  };
}
