/**
 * Checkpoints of `cep run --checkpoint <file>`: exactly-once output across crashes.
 *
 * A checkpoint is one consistent cut of a run: the engine snapshot after some input
 * record, the input position just after that record (byte offset and line number), the
 * run's counters, and the length of every output file at that moment. It is written
 * every `--checkpoint-every` input records and once at the end. A run started with an
 * existing checkpoint resumes: it seeks the input to the offset, truncates the output,
 * late and error files to the recorded lengths (dropping whatever a killed run wrote
 * after its last checkpoint), restores the engine and goes on. Output is deterministic,
 * so after any number of `kill -9` and restarts the files end byte-identical to those of
 * an uninterrupted run.
 *
 * Order of a checkpoint (each step durable before the next):
 * 1. the output files are flushed and fsynced, and their lengths read;
 * 2. the checkpoint is written to `<file>.tmp`, fsynced, renamed over `<file>`, and the
 *    directory fsynced.
 * A crash before the rename leaves the previous checkpoint, whose lengths are at most
 * the files' lengths; a crash after it leaves the new one. Either way a restart finds
 * every recorded byte in place.
 *
 * The end checkpoint has `done: true` (no snapshot, no input position): the run is
 * complete. Starting again with it changes nothing — no output file is opened, the
 * summary of the finished run is printed and the exit code is 0 — so a rerun never
 * duplicates output; delete the checkpoint to run again from the start.
 *
 * The file is one JSON document:
 *
 * ```
 * {"format":"cepheus-checkpoint","version":1,"sha256":"<hex of the state's JSON text>","state":{
 *   "done": false,
 *   "run": { "input", "format", "output", "errors", "late",          // absolute paths, "-", null
 *            "typeField", "timeField", "outOfOrderness", "processingTime", "clock",
 *            "watermarksOnly", "select",                              // --pattern names, sorted
 *            "patterns": [{ "name", "fingerprint" }] },               // the patterns run, in order
 *   "input": { "offset", "line", "header", "tail" },                  // null when done
 *   "outputs": [{ "path", "bytes" }],                                 // each output file once
 *   "counters": { "records", "events", "matches": {P: n}, "timeouts", "late", "bad", "missingKeys",
 *                 "unkeyed", "schemaErrors", "dropped" },
 *   "numbers": [[["events", 3, "x"], "Infinity"]],                    // see below
 *   "texts": ["{\"type\":\"A\", \"n\":1e400}", null, …],                  // see below; absent when none
 *   "sources": [{ "file", "source" }],                                 // --watch: the pattern files in force
 *   "snapshot": { …engine.snapshot()… }                               // null when done
 * }}
 * ```
 *
 * - `run` holds every option that decides the results; resuming with any of them changed
 *   is refused (exit 2) — the engine refuses changed patterns too.
 * - `input.tail` is the SHA-256 of the (up to) 4 KiB before `offset`: a resumed run
 *   checks it, so an input replaced since the checkpoint is refused rather than read
 *   from the middle of some other line. Appending to the input is fine.
 * - `input.header` is the CSV header (null for NDJSON): a resumed CSV read needs it.
 * - `numbers`: JSON has no `Infinity`, `-Infinity`, `NaN` or `-0`, and an event may hold
 *   them (`1e400` parses to `Infinity`); their paths inside the snapshot are listed and
 *   put back on resume, so a restored event is the event as parsed.
 * - `texts`: the input text of each event of `snapshot.events` (null for an event
 *   without one, e.g. a CSV row), put back on the restored events: events are written
 *   exactly as read (io/event-text.ts), before and after a resume alike.
 * - `sources` (`--watch`): the pattern files as last reloaded; a restart with `--watch`
 *   resumes with them (then reloads the files as they are now), so the snapshot always
 *   restores into the patterns it was taken with. `run.patterns` is the same set.
 * - `sha256` covers the state's text: a damaged file is reported as corrupt (exit 2)
 *   instead of resuming from garbage.
 *
 * What is not exactly-once: records sent to stderr (`--errors -`, or late events without
 * `--late` when errors go to stderr) are written again for the records between the last
 * checkpoint and a crash; only files can be truncated.
 */
import { createHash } from "node:crypto";
import { type FileHandle, open, readFile, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { keepText, keptText } from "../io/event-text.js";
import type { ReadPosition } from "../io/events.js";
import type { FileSink } from "../io/sinks.js";
import { type Fingerprinted, upgradeFingerprint } from "../runtime/snapshot.js";
import { ioReason } from "../shell/io-reason.js";
import { type CompiledProgram, type SourceFile, UsageError } from "./api.js";
import type { RunOptions } from "./options.js";
import type { RunCheckpoints, RunCounters } from "./run.js";

export const CHECKPOINT_FORMAT = "cepheus-checkpoint";
export const CHECKPOINT_VERSION = 1;

/** Bytes before the input position whose hash identifies the input. */
const TAIL_BYTES = 4096;

/** The options that decide a run's results: a resumed run must have the same. */
export interface RunIdentity {
  /** Absolute path. */
  input: string;
  format: "ndjson" | "csv";
  /** Absolute path. */
  output: string;
  /** Absolute path, or "-" for stderr. */
  errors: string;
  /** Absolute path, "-" for stderr, or null (late events go to the error output). */
  late: string | null;
  typeField: string;
  timeField: string;
  outOfOrderness: number;
  processingTime: boolean;
  clock: number | null;
  watermarksOnly: boolean;
  /** `--csv-max-record-lines`, when given (absent in checkpoints of runs without it). */
  csvMaxRecordLines?: number;
  /** `--pattern` names, sorted; empty = all. */
  select: string[];
  /** The patterns run, in program order, with their fingerprints (null when the library gives none). */
  patterns: { name: string; fingerprint: string | null }[];
}

/** Where the input stands at a checkpoint. */
export interface InputMark {
  offset: number;
  line: number;
  /** CSV header; null for NDJSON. */
  header: string[] | null;
  /** SHA-256 (hex) of the up to 4 KiB before `offset`. */
  tail: string;
}

/** A number JSON cannot hold, and where it is in the snapshot. */
export type SpecialNumber = [path: (string | number)[], value: "Infinity" | "-Infinity" | "NaN" | "-0"];

/** The content of a checkpoint file. */
export interface CheckpointState {
  done: boolean;
  run: RunIdentity;
  input: InputMark | null;
  outputs: { path: string; bytes: number }[];
  counters: RunCounters;
  numbers: SpecialNumber[];
  /** The input texts of `snapshot.events`, in order; absent when no event has one. */
  texts?: (string | null)[];
  /** `--watch`: the pattern files in force (as reloaded), which a restart resumes with; absent otherwise. */
  sources?: SourceFile[];
  snapshot: unknown;
}

/** What `cep run` needs to describe its run. */
export function runIdentity(
  options: RunOptions,
  program: CompiledProgram,
  absolute: (p: string) => string,
): RunIdentity {
  const selected = program.patterns.filter(
    (p) => options.patterns.length === 0 || options.patterns.includes(p.name),
  );
  return {
    input: absolute(options.input),
    format: options.format,
    output: absolute(options.output),
    errors: options.errors === null || options.errors === "-" ? "-" : absolute(options.errors),
    late: options.late === null ? null : options.late === "-" ? "-" : absolute(options.late),
    typeField: options.typeField,
    timeField: options.timeField,
    outOfOrderness: options.outOfOrderness,
    processingTime: options.processingTime,
    clock: options.clock,
    watermarksOnly: options.watermarksOnly,
    ...(options.csvMaxRecordLines === undefined ? {} : { csvMaxRecordLines: options.csvMaxRecordLines }),
    select: [...new Set(options.patterns)].sort(),
    patterns: selected.map((p) => {
      const fp = (p as { fingerprint?: unknown }).fingerprint;
      return { name: p.name, fingerprint: typeof fp === "string" ? fp : null };
    }),
  };
}

/**
 * A checkpoint's run with the fingerprints of earlier versions (a hash of the pattern's
 * source text, today its `sourceFingerprint`) replaced by today's, so it resumes as before.
 */
export function upgradeFingerprints(saved: RunIdentity, program: CompiledProgram): RunIdentity {
  const running = new Map<string, Fingerprinted>();
  for (const p of program.patterns) {
    const { fingerprint, sourceFingerprint } = p as { fingerprint?: unknown; sourceFingerprint?: unknown };
    if (typeof fingerprint !== "string") continue;
    const source = typeof sourceFingerprint === "string" ? sourceFingerprint : undefined;
    running.set(p.name, { name: p.name, fingerprint, sourceFingerprint: source });
  }
  return {
    ...saved,
    patterns: saved.patterns.map(({ name, fingerprint }) => ({
      name,
      fingerprint: fingerprint === null ? null : upgradeFingerprint(name, fingerprint, running),
    })),
  };
}

/** The differences between the run a checkpoint was written by and this one, readably; empty when none. */
export function runDifferences(saved: RunIdentity, now: RunIdentity): string[] {
  const out: string[] = [];
  const show = (v: unknown): string =>
    v === null || v === undefined ? "none" : typeof v === "string" ? v : JSON.stringify(v);
  const fields: [keyof RunIdentity, string][] = [
    ["input", "--input"],
    ["format", "--format"],
    ["output", "--output"],
    ["errors", "--errors"],
    ["late", "--late"],
    ["typeField", "--type-field"],
    ["timeField", "--time-field"],
    ["outOfOrderness", "--out-of-orderness (ms)"],
    ["processingTime", "--processing-time"],
    ["clock", "--clock"],
    ["watermarksOnly", "--watermarks-only"],
    ["csvMaxRecordLines", "--csv-max-record-lines"],
    ["select", "--pattern"],
  ];
  for (const [field, flag] of fields) {
    const a = JSON.stringify(saved[field]);
    const b = JSON.stringify(now[field]);
    if (a !== b) out.push(`${flag}: ${show(saved[field])} then, ${show(now[field])} now`);
  }
  const names = (l: RunIdentity["patterns"]) => l.map((p) => p.name).join(", ") || "(none)";
  if (saved.patterns.map((p) => p.name).join("\n") !== now.patterns.map((p) => p.name).join("\n")) {
    out.push(`patterns: ${names(saved.patterns)} then, ${names(now.patterns)} now`);
  } else {
    for (let i = 0; i < now.patterns.length; i++) {
      if (saved.patterns[i].fingerprint !== now.patterns[i].fingerprint) {
        out.push(`pattern ${now.patterns[i].name} has changed`);
      }
    }
  }
  return out;
}

/** Reads a checkpoint; null when the file does not exist. Throws {@link UsageError} when it cannot be used. */
export async function readCheckpoint(path: string): Promise<CheckpointState | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as { code?: unknown }).code === "ENOENT") return null;
    throw new UsageError(`cannot read checkpoint ${path}: ${ioReason(err)}`);
  }
  return parseCheckpoint(path, text);
}

const PREFIX = `{"format":"${CHECKPOINT_FORMAT}","version":${CHECKPOINT_VERSION},"sha256":"`;
const STATE = `","state":`;

/** The text of a checkpoint file. */
export function formatCheckpoint(state: CheckpointState): string {
  const body = JSON.stringify(state);
  return `${PREFIX}${sha256(body)}${STATE}${body}}\n`;
}

/** Parses and validates the text of a checkpoint file; throws {@link UsageError} naming what is wrong. */
export function parseCheckpoint(path: string, text: string): CheckpointState {
  const corrupt = (why: string) =>
    new UsageError(`checkpoint ${path} is corrupt (${why}); delete it to run from the start`);
  const end = text.endsWith("}\n") ? text.length - 2 : text.endsWith("}") ? text.length - 1 : -1;
  const hashEnd = PREFIX.length + 64;
  if (!text.startsWith(PREFIX) || end < hashEnd || !text.startsWith(STATE, hashEnd)) {
    // Not our layout: say what it is if it is JSON at all.
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw corrupt(text.length === 0 ? "empty file" : "not JSON");
    }
    const o = value as { format?: unknown; version?: unknown } | null;
    if (o === null || typeof o !== "object" || o.format !== CHECKPOINT_FORMAT) {
      throw new UsageError(`${path} is not a Cepheus checkpoint`);
    }
    if (o.version !== CHECKPOINT_VERSION) {
      throw new UsageError(
        `checkpoint ${path} has format version ${JSON.stringify(o.version)}; this cep reads version ${CHECKPOINT_VERSION}`,
      );
    }
    throw corrupt("unexpected layout");
  }
  const hash = text.slice(PREFIX.length, hashEnd);
  const body = text.slice(hashEnd + STATE.length, end);
  if (sha256(body) !== hash) throw corrupt("checksum mismatch");
  let state: unknown;
  try {
    state = JSON.parse(body);
  } catch {
    throw corrupt("not JSON");
  }
  const problem = validateState(state);
  if (problem !== null) throw corrupt(problem);
  const s = state as CheckpointState;
  if (s.snapshot !== null && !restoreNumbers(s.snapshot, s.numbers)) throw corrupt("numbers");
  if (s.texts !== undefined && !restoreTexts(s.snapshot, s.texts)) throw corrupt("texts");
  return s;
}

/** Writes `state` to `path` atomically and durably: temporary file, fsync, rename, fsync of the directory. */
export async function writeCheckpoint(path: string, state: CheckpointState): Promise<void> {
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, "w");
  try {
    await handle.writeFile(formatCheckpoint(state));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  await syncDirectory(dirname(path));
}

/**
 * Checks before a run that the checkpoint can be written (its temporary file can be
 * created); throws {@link UsageError} otherwise.
 */
export async function checkWritable(path: string): Promise<void> {
  const tmp = `${path}.tmp`;
  try {
    const handle = await open(tmp, "w");
    await handle.close();
    await unlink(tmp);
  } catch (err) {
    throw new UsageError(`cannot write checkpoint ${path}: ${ioReason(err)}`);
  }
}

/** fsyncs a directory so a rename or a new file in it is durable (not possible everywhere: then skipped). */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(dir, "r");
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch {
    // Some platforms and file systems cannot fsync a directory (EISDIR, EINVAL, EPERM).
  } finally {
    await handle.close();
  }
}

/** SHA-256 (hex) of the up to {@link TAIL_BYTES} bytes of `path` before `offset`. */
export async function inputTail(path: string, offset: number): Promise<string> {
  const from = Math.max(0, offset - TAIL_BYTES);
  const buf = Buffer.alloc(offset - from);
  const handle = await open(path, "r");
  try {
    let done = 0;
    while (done < buf.length) {
      const { bytesRead } = await handle.read(buf, done, buf.length - done, from + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return createHash("sha256").update(buf.subarray(0, done)).digest("hex");
  } finally {
    await handle.close();
  }
}

/**
 * The checkpoints of one `cep run`: syncs the output files, then writes the checkpoint.
 * `files` are the output file sinks by absolute path (each file once).
 */
export class Checkpointer implements RunCheckpoints {
  private dirsSynced = false;
  /** `--watch`: the pattern files in force, saved with every checkpoint (null: not watching). */
  private sources: SourceFile[] | null = null;

  constructor(
    readonly path: string,
    readonly every: number,
    private run: RunIdentity,
    private readonly files: ReadonlyMap<string, FileSink>,
  ) {}

  /** `--watch`: the pattern set in force changed (or is first known); later checkpoints record it. */
  patternsInForce(patterns: RunIdentity["patterns"], sources: SourceFile[]): void {
    this.run = { ...this.run, patterns };
    this.sources = sources;
  }

  async save(position: ReadPosition, snapshot: unknown, counters: RunCounters): Promise<void> {
    const outputs = await this.syncOutputs();
    const numbers = findSpecialNumbers(snapshot);
    const texts = eventTexts(snapshot);
    await this.write(async () => ({
      done: false,
      run: this.run,
      input: {
        offset: position.offset,
        line: position.line,
        header: position.header === undefined ? null : [...position.header],
        tail: await inputTail(this.run.input, position.offset),
      },
      outputs,
      counters,
      numbers,
      ...(texts === null ? {} : { texts }),
      ...(this.sources === null ? {} : { sources: this.sources }),
      snapshot,
    }));
  }

  async finish(counters: RunCounters): Promise<void> {
    const outputs = await this.syncOutputs();
    await this.write(async () => ({
      done: true,
      run: this.run,
      input: null,
      outputs,
      counters,
      numbers: [],
      snapshot: null,
    }));
  }

  /** Writes the checkpoint `state()` gives; a failure is a usage error (exit 2) naming the file. */
  private async write(state: () => Promise<CheckpointState>): Promise<void> {
    try {
      await writeCheckpoint(this.path, await state());
    } catch (err) {
      throw new UsageError(`cannot write checkpoint ${this.path}: ${ioReason(err)}`);
    }
  }

  /** Flushes and fsyncs every output file; returns their lengths. */
  private async syncOutputs(): Promise<{ path: string; bytes: number }[]> {
    const outputs: { path: string; bytes: number }[] = [];
    for (const [path, sink] of this.files) outputs.push({ path, bytes: await sink.sync() });
    if (!this.dirsSynced) {
      // New output files must stay in their directories as surely as the checkpoint does.
      for (const dir of new Set([...this.files.keys()].map((p) => dirname(p)))) await syncDirectory(dir);
      this.dirsSynced = true;
    }
    return outputs;
  }
}

/**
 * Paths (inside `root`) of the numbers JSON cannot represent: ±Infinity, NaN, -0.
 * Iterative, so deeply nested events cannot overflow the stack.
 */
export function findSpecialNumbers(root: unknown): SpecialNumber[] {
  const found: SpecialNumber[] = [];
  interface Frame {
    value: object;
    parent: Frame | null;
    key: string | number;
  }
  const pathOf = (frame: Frame | null, last: string | number): (string | number)[] => {
    const path: (string | number)[] = [last];
    for (let f = frame; f !== null && f.parent !== null; f = f.parent) path.push(f.key);
    return path.reverse();
  };
  const check = (v: unknown, frame: Frame, key: string | number): void => {
    if (typeof v === "number") {
      if (!Number.isFinite(v) || (v === 0 && 1 / v < 0)) {
        const kind = Number.isNaN(v) ? "NaN" : v === 0 ? "-0" : v > 0 ? "Infinity" : "-Infinity";
        found.push([pathOf(frame, key), kind]);
      }
    } else if (v !== null && typeof v === "object") {
      stack.push({ value: v, parent: frame, key });
    }
  };
  if (root === null || typeof root !== "object") return found;
  const stack: Frame[] = [{ value: root, parent: null, key: "" }];
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const v = frame.value;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) check(v[i], frame, i);
    } else {
      for (const k of Object.keys(v)) check((v as Record<string, unknown>)[k], frame, k);
    }
  }
  return found;
}

/** Puts the numbers of {@link findSpecialNumbers} back; false when a path does not fit `root`. */
export function restoreNumbers(root: unknown, numbers: readonly SpecialNumber[]): boolean {
  const hasOwn = Object.prototype.hasOwnProperty;
  const values = { Infinity: Infinity, "-Infinity": -Infinity, NaN: NaN, "-0": -0 } as const;
  for (const [path, kind] of numbers) {
    if (!Array.isArray(path) || path.length === 0 || !hasOwn.call(values, kind)) return false;
    let obj: unknown = root;
    for (let i = 0; i < path.length; i++) {
      const key = path[i];
      if (obj === null || typeof obj !== "object" || !hasOwn.call(obj, key)) return false;
      if (i === path.length - 1) {
        // Own data properties only (a key may be "__proto__"): define, never assign through a setter.
        Object.defineProperty(obj, key, {
          value: values[kind],
          writable: true,
          enumerable: true,
          configurable: true,
        });
      } else {
        obj = (obj as Record<string | number, unknown>)[key];
      }
    }
  }
  return true;
}

/** The kept input texts of a snapshot's events (null for one without), or null when none has one. */
export function eventTexts(snapshot: unknown): (string | null)[] | null {
  const events = (snapshot as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return null;
  let any = false;
  const texts = events.map((e) => {
    const t = keptText(e);
    if (t === undefined) return null;
    any = true;
    return t;
  });
  return any ? texts : null;
}

/** Puts the texts of {@link eventTexts} back on the snapshot's events; false when they do not fit. */
export function restoreTexts(snapshot: unknown, texts: readonly (string | null)[]): boolean {
  const events = (snapshot as { events?: unknown } | null)?.events;
  if (!Array.isArray(events) || texts.length !== events.length) return false;
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i];
    const e = events[i];
    if (t === null) continue;
    if (e === null || typeof e !== "object") return false;
    keepText(e, t);
  }
  return true;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

// --- validation of a parsed state (a checksum match makes damage unlikely; this catches the rest) ---

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function validateState(s: unknown): string | null {
  if (!isObj(s)) return "state";
  if (typeof s.done !== "boolean") return "done";
  const run = s.run;
  if (!isObj(run)) return "run";
  for (const f of ["input", "format", "output", "errors", "typeField", "timeField"]) {
    if (typeof run[f] !== "string") return `run.${f}`;
  }
  if (run.late !== null && typeof run.late !== "string") return "run.late";
  if (typeof run.outOfOrderness !== "number" || typeof run.processingTime !== "boolean") return "run";
  if (typeof run.watermarksOnly !== "boolean" || (run.clock !== null && typeof run.clock !== "number"))
    return "run";
  if (!Array.isArray(run.select) || !run.select.every((n) => typeof n === "string")) return "run.select";
  if (
    !Array.isArray(run.patterns) ||
    !run.patterns.every(
      (p) =>
        isObj(p) &&
        typeof p.name === "string" &&
        (p.fingerprint === null || typeof p.fingerprint === "string"),
    )
  ) {
    return "run.patterns";
  }
  if (
    !Array.isArray(s.outputs) ||
    !s.outputs.every((o) => isObj(o) && typeof o.path === "string" && isInt(o.bytes))
  ) {
    return "outputs";
  }
  const c = s.counters;
  if (!isObj(c)) return "counters";
  for (const f of ["records", "events", "timeouts", "late", "bad", "missingKeys"])
    if (!isInt(c[f])) return `counters.${f}`;
  if (!isObj(c.matches) || !Object.values(c.matches).every(isInt)) return "counters.matches";
  for (const f of ["unkeyed", "schemaErrors", "dropped"])
    if (c[f] !== undefined && !isInt(c[f])) return `counters.${f}`;
  if (s.done) return null;
  const input = s.input;
  if (!isObj(input) || !isInt(input.offset) || !isInt(input.line) || typeof input.tail !== "string")
    return "input";
  if (
    input.header !== null &&
    (!Array.isArray(input.header) || !input.header.every((h) => typeof h === "string"))
  ) {
    return "input.header";
  }
  if (!Array.isArray(s.numbers)) return "numbers";
  if (
    s.texts !== undefined &&
    (!Array.isArray(s.texts) || !s.texts.every((t) => t === null || typeof t === "string"))
  )
    return "texts";
  if (!isObj(s.snapshot)) return "snapshot";
  if (
    s.sources !== undefined &&
    (!Array.isArray(s.sources) ||
      !s.sources.every((f) => isObj(f) && typeof f.file === "string" && typeof f.source === "string"))
  )
    return "sources";
  return null;
}
