/**
 * The `events` target: mutated event lines (NDJSON, and CSV made from the same samples)
 * through the code `cep run` runs for them — `runEvents` of src/cli/run.ts: the io
 * layer's line scanner and NDJSON/CSV readers, then the Engine — in process, with the
 * example patterns of patterns/ and random run settings.
 *
 * A failure is an exception escaping the run, or a broken promise of cli.md: every error
 * line a JSON object with a file, a line number within the input (or null) and a
 * non-empty reason; as many error lines as bad lines plus missing keys; as many late
 * lines as late events.
 */
import { Readable } from "node:stream";
import { type RunSettings, runEvents } from "../../src/cli/run.js";
import { compile, Engine, type Program } from "../../src/index.js";
import { MemorySink } from "../../src/io/sinks.js";
import { seedScenarios } from "./corpus.js";
import type { Rand } from "./rand.js";
import { exceptionFailure, type Failure, type Reproduction, type Target } from "./target.js";

/** One events input: a scenario's pattern, the bytes of the input and the run settings. */
export interface EventsInput {
  /** The example of patterns/ whose pattern runs. */
  readonly scenario: string;
  readonly format: "ndjson" | "csv";
  readonly bytes: Uint8Array;
  /** Offsets where the input is cut into chunks (as a stream would deliver it). */
  readonly cuts: readonly number[];
  readonly settings: RunSettings;
  /** The mutations applied, for the report. */
  readonly origin: string;
}

/** The events target; `budgetMs` is the time one input may take. */
export function eventsTarget(budgetMs: number): Target<EventsInput> {
  return {
    kind: "events",
    make,
    run: (input) => run(input, budgetMs),
    describe: (input) =>
      `${input.scenario} ${input.format} ${input.bytes.length} bytes (${input.origin}) ${flags(input.settings).join(" ")}`.trim(),
    reproduce,
    *shrink(input) {
      // Whole lines first (keeping the CSV header), then single bytes.
      const text = Buffer.from(input.bytes);
      const lines: Buffer[] = [];
      for (let from = 0; from <= text.length; ) {
        const nl = text.indexOf(10, from);
        const to = nl < 0 ? text.length : nl + 1;
        if (to > from) lines.push(text.subarray(from, to));
        if (nl < 0) break;
        from = to;
      }
      const keep = input.format === "csv" ? 1 : 0;
      for (let i = lines.length - 1; i >= keep; i--) {
        yield { ...input, cuts: [], bytes: Buffer.concat(lines.filter((_, j) => j !== i)) };
      }
      if (input.cuts.length > 0) yield { ...input, cuts: [] };
      if (text.length <= 400) {
        for (let i = 0; i < text.length; i++) {
          yield { ...input, bytes: Buffer.concat([text.subarray(0, i), text.subarray(i + 1)]) };
        }
      }
    },
  };
}

// --- Making inputs ---

const WEIRD_VALUES: unknown[] = [
  null,
  true,
  "",
  " ",
  "2024-01-01T00:00:00Z",
  "2024-13-45T25:61:61Z",
  "2024-03-31T02:30:00+02:00",
  "1700000000000",
  " 12 ",
  "1e3",
  "NaN",
  "Infinity",
  "-0",
  "P1D",
  -1,
  0,
  -0.5,
  1.5,
  1e21,
  -1e21,
  1e308,
  2 ** 53 + 2,
  -(2 ** 53 + 2),
  [],
  {},
  [1, [2, [3]]],
  { __proto__: null, x: 1 },
  "é😀",
  "\u0000",
  "\ud800",
  "__proto__",
];

/** Raw lines that are not events (or barely are). */
const GARBAGE = [
  "",
  "   ",
  "\t",
  "{",
  "}",
  "[]",
  "[1,2]",
  "null",
  "42",
  '"text"',
  "{}",
  '{"type":null}',
  '{"ts":1}',
  '{"$watermark":"soon"}',
  '{"$watermark":1e400}',
  '{"$watermark":-1e308}',
  '{"$watermark":9007199254740993}',
  '{"$watermark":null}',
  '{"__proto__":{"polluted":1},"type":"A","ts":1}',
  '{"constructor":{"prototype":{"x":1}},"type":"A","ts":1}',
  '{"type":"A","ts":1,"type":"B"}',
  '{"a":1}garbage',
  "\u0000",
  "\ufeff{}",
  '{"x":"\\ud800"}',
  "{'single':1}",
  "NaN",
  "1e400",
];

/** Byte sequences that are not UTF-8 (or are dubious). */
const BAD_BYTES = [
  [0xff],
  [0xfe, 0xff],
  [0xc3],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0x80],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf0, 0x9f, 0x98],
  [0x00],
  [0x0d],
  [0xef, 0xbb, 0xbf],
];

function make(r: Rand): EventsInput {
  const scenarios = seedScenarios();
  const scenario = r.pick(scenarios);
  const origin: string[] = [];
  const from = r.int(0, scenario.lines.length - 1);
  let lines = scenario.lines.slice(from, from + 1 + r.small(30));
  const format = r.chance(0.25) ? "csv" : "ndjson";
  // Value mutations on the parsed events, then line mutations on the text.
  const nValues = r.small(6);
  if (nValues > 0) origin.push(`${nValues} values`);
  for (let i = 0; i < nValues && lines.length > 0; i++) {
    const k = r.int(0, lines.length - 1);
    lines = lines.with(k, mutateValue(r, lines[k]));
  }
  let text = format === "csv" ? toCsv(r, lines) : lines.join("\n");
  const nLines = r.small(5);
  if (nLines > 0) origin.push(`${nLines} lines`);
  for (let i = 0; i < nLines; i++) text = mutateLines(r, text, format);
  if (r.chance(0.1)) text = text.replaceAll("\n", "\r\n");
  if (r.chance(0.8)) text += "\n";
  let bytes: Uint8Array = Buffer.from(text, "utf8");
  const nBytes = r.chance(0.25) ? 1 + r.small(4) : 0;
  if (nBytes > 0) origin.push(`${nBytes} bytes`);
  for (let i = 0; i < nBytes; i++) bytes = mutateBytes(r, bytes);
  const cuts: number[] = [];
  for (let i = r.small(4); i > 0 && bytes.length > 0; i--) cuts.push(r.int(0, bytes.length));
  cuts.sort((a, b) => a - b);
  return {
    scenario: scenario.name,
    format,
    bytes,
    cuts,
    settings: settings(r),
    origin: origin.length === 0 ? "unmutated" : origin.join(", "),
  };
}

function mutateValue(r: Rand, line: string): string {
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(line);
  } catch {
    return line;
  }
  const keys = Object.keys(event);
  const key = r.chance(0.5) ? r.pick(["ts", "type"]) : r.pick(keys.length > 0 ? keys : ["x"]);
  let nested = "";
  switch (r.int(0, 5)) {
    case 0:
      delete event[key];
      break;
    case 1:
      // Nesting as text: JSON.stringify itself overflows on the deepest.
      nested = deep(r.chance(0.05) ? r.pick([5000, 50000]) : r.pick([5, 50, 500]));
      event[key] = DEEP;
      break;
    case 2:
      event[key] = "x".repeat(r.chance(0.002) ? (1 << 20) + 10 : r.int(100, 5000));
      break;
    default:
      event[key] = r.pick(WEIRD_VALUES);
  }
  let out: string;
  try {
    out = JSON.stringify(event);
  } catch {
    return line; // already nested past what JSON.stringify can write
  }
  if (nested !== "") out = out.replace(JSON.stringify(DEEP), nested);
  if (r.chance(0.1)) out = `{"__proto__":${JSON.stringify(r.pick(WEIRD_VALUES))},${out.slice(1)}`;
  return out;
}

const DEEP = "\u0001deep\u0001";

/** `n` levels of arrays and objects around `1`, as JSON text. */
function deep(n: number): string {
  let open = "";
  let close = "";
  for (let i = 0; i < n; i++) {
    open += i % 2 === 0 ? "[" : '{"v":';
    close += i % 2 === 0 ? "]" : "}";
  }
  return `${open}1${[...close].reverse().join("")}`;
}

function mutateLines(r: Rand, text: string, format: "ndjson" | "csv"): string {
  const lines = text.split("\n");
  const i = r.int(0, lines.length - 1);
  const line = lines[i];
  switch (r.int(0, 7)) {
    case 0:
      lines.splice(i, 1);
      break;
    case 1:
      lines.splice(i, 0, ...lines.slice(i, i + r.int(1, 3)));
      break;
    case 2:
      lines[i] = line.slice(0, r.int(0, line.length));
      break;
    case 3:
      lines.splice(i, 0, r.pick(GARBAGE));
      break;
    case 4: {
      const j = r.int(0, lines.length - 1);
      [lines[i], lines[j]] = [lines[j], line];
      break;
    }
    case 5: {
      // A character inserted or removed (in CSV: quotes, commas and line breaks mostly).
      const at = r.int(0, line.length);
      const c =
        format === "csv"
          ? r.pick(['"', '"', ",", "\r", '""', "\n", " ", ""])
          : r.pick(['"', "{", "}", ",", ":", "\\", ""]);
      lines[i] = line.slice(0, at) + c + line.slice(at + (r.chance(0.5) ? 1 : 0));
      break;
    }
    case 6:
      lines[i] = `${line}\r`;
      break;
    default:
      lines.splice(i, 0, `{"$watermark":${r.pick([0, 1e12, 1717394400000, 2e12, -1, 1e21])}}`);
  }
  return lines.join("\n");
}

function mutateBytes(r: Rand, bytes: Uint8Array): Uint8Array {
  const at = r.int(0, bytes.length);
  if (r.chance(0.4) && bytes.length > 0) {
    const copy = Buffer.from(bytes);
    const i = Math.min(at, bytes.length - 1);
    copy[i] ^= 1 << r.int(0, 7);
    return copy;
  }
  const piece = Buffer.from(r.pick(BAD_BYTES));
  return Buffer.concat([bytes.subarray(0, at), piece, bytes.subarray(at)]);
}

/** A CSV of the events: header from their keys, cells quoted sometimes. */
function toCsv(r: Rand, lines: readonly string[]): string {
  const rows: Record<string, unknown>[] = lines.map((l) => {
    try {
      const v = JSON.parse(l);
      return v !== null && typeof v === "object" && !Array.isArray(v) ? v : {};
    } catch {
      return {};
    }
  });
  const header = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  if (r.chance(0.05)) header.push(r.pick(["", "type", '"q"', "a,b"]));
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return "";
    const s = typeof v === "string" ? v : safeJson(v);
    return typeof v === "string" && (r.chance(0.3) || /[",\r\n]/.test(s))
      ? `"${s.replaceAll('"', '""')}"`
      : s;
  };
  const head = header.map((h) => (/[",\r\n]/.test(h) ? `"${h.replaceAll('"', '""')}"` : h)).join(",");
  return [head, ...rows.map((row) => header.map((h) => cell(row[h])).join(","))].join("\n");
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return "[too deep]";
  }
}

function settings(r: Rand): RunSettings {
  const processingTime = r.chance(0.1);
  return {
    typeField: r.chance(0.05) ? r.pick(["kind", "__proto__", "ts"]) : "type",
    timeField: r.chance(0.05) ? r.pick(["time", "type", "constructor"]) : "ts",
    outOfOrderness: r.chance(0.3) ? r.pick([0, 1, 1000, 5000, 60000, 9007199254740991]) : 0,
    processingTime,
    clock: processingTime ? r.pick([0, 1700000000000, -1, 9007199254740000]) : null,
    watermarksOnly: !processingTime && r.chance(0.1),
    patterns: [],
    csvMaxRecordLines: r.chance(0.1) ? r.pick([1, 2, 100, 100000]) : undefined,
    memoryLimit: r.chance(0.1) ? r.pick([1, 4096, 1 << 20]) : null,
    schemaCheck: !r.chance(0.1),
  };
}

// --- Running ---

const programs = new Map<string, Program>();

function programOf(name: string): Program {
  let p = programs.get(name);
  if (p === undefined) {
    const s = seedScenarios().find((x) => x.name === name);
    if (s === undefined) throw new Error(`no scenario ${name}`);
    p = compile(s.source, { file: s.file });
    programs.set(name, p);
  }
  return p;
}

async function run(input: EventsInput, budgetMs: number): Promise<Failure | null> {
  const start = performance.now();
  const output = new MemorySink();
  const errors = new MemorySink();
  const late = new MemorySink();
  const chunks: Buffer[] = [];
  let at = 0;
  for (const cut of [...input.cuts, input.bytes.length]) {
    chunks.push(Buffer.from(input.bytes.subarray(at, cut)));
    at = cut;
  }
  let result: Awaited<ReturnType<typeof runEvents>>;
  try {
    result = await runEvents(
      { Engine },
      programOf(input.scenario),
      input.settings,
      {
        input: { name: "fuzz", chunks: Readable.from(chunks, { objectMode: true }), size: null, close() {} },
        format: input.format,
        output,
        errors,
        late,
      },
      { wallClock: () => 1_700_000_000_000 },
    );
  } catch (err) {
    return exceptionFailure(err);
  }
  const physical = countLines(input.bytes);
  for (const text of errors.lines) {
    let e: { file?: unknown; line?: unknown; reason?: unknown };
    try {
      e = JSON.parse(text);
    } catch {
      return { class: "invariant", message: `an error line is not JSON: ${text.slice(0, 80)}` };
    }
    if (typeof e.reason !== "string" || e.reason.length === 0) {
      return { class: "invariant", message: "an error line without a reason" };
    }
    const okLine =
      e.line === null ||
      (Number.isInteger(e.line) && (e.line as number) >= 1 && (e.line as number) <= physical);
    if (!okLine)
      return { class: "invariant", message: `error line number ${String(e.line)} outside 1..${physical}` };
  }
  if (errors.lines.length !== result.bad + result.missingKeys + result.schemaErrors) {
    return {
      class: "invariant",
      message: `${errors.lines.length} error lines for ${result.bad} bad lines, ${result.missingKeys} missing keys and ${result.schemaErrors} schema errors`,
    };
  }
  if (late.lines.length !== result.late) {
    return { class: "invariant", message: `${late.lines.length} late lines for ${result.late} late events` };
  }
  const ms = performance.now() - start;
  return ms > budgetMs
    ? { class: "slow", message: `took ${Math.round(ms)} ms (budget ${budgetMs} ms)` }
    : null;
}

/** Physical lines: line breaks, plus one when the last line has no break. */
function countLines(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) if (b === 10) n++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? n + 1 : Math.max(n, 1);
}

function flags(s: RunSettings): string[] {
  const out: string[] = [];
  if (s.typeField !== "type") out.push("--type-field", s.typeField);
  if (s.timeField !== "ts") out.push("--time-field", s.timeField);
  if (s.outOfOrderness !== 0) out.push("--out-of-orderness", String(s.outOfOrderness));
  if (s.processingTime) out.push("--processing-time");
  if (s.clock !== null) out.push("--clock", String(s.clock));
  if (s.watermarksOnly) out.push("--watermarks-only");
  return out;
}

function reproduce(input: EventsInput): Reproduction {
  const file = `input.${input.format}`;
  const args = flags(input.settings).map((a) => (/^[\w.-]+$/.test(a) ? a : `'${a}'`));
  return {
    files: { [file]: input.bytes },
    command: [
      `node bin/cep.js run patterns/${input.scenario}.pattern --input "$DIR/${file}" --format ${input.format} --late "$DIR/late.ndjson" ${args.join(" ")}`.trim(),
      input.cuts.length > 0
        ? `# in process the input arrived in chunks cut at bytes ${input.cuts.join(", ")}`
        : "",
    ]
      .filter((l) => l.length > 0)
      .join("\n"),
  };
}
