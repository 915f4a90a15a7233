/**
 * The REPL's `.trace` and `.why`, over the engine's trace records (docs/library.md
 * "Tracing"). The session's engine traces every key; {@link TraceLog} keeps, per pattern
 * and key, the records since that key's last event and the newest record of each live
 * partial match, and prints the records of the keys `.trace on` asked for.
 *
 * `.why [key]` reads the live partial matches from `engine.snapshot()` (what `.state`
 * shows, so it cannot disagree with it) and pairs each with its trace id by its NFA state
 * and the feed numbers of its events:
 *
 * ```
 * AB key 42: 1 partial match
 *   p1: a = line 1; waiting for b (v > 10)
 *     line 4 B: p1 ignored it (waits in b) — b: v > 10 is false (v = 5)
 *       at <stdin:1>:3:33
 *       3 |   match a: A followed by b: B where v > 10
 *         |                                 ^^^^^^
 * ```
 */

import type { CompiledPattern } from "../compile/model.js";
import { renderDiagnostic } from "../lang/format.js";
import type { BranchRow, CellRow, Snapshot } from "../runtime/snapshot.js";
import { recordText } from "../runtime/trace/describe.js";
import type { TraceReason, TraceRecord } from "../runtime/trace/records.js";
import { canonicalKey, path } from "../runtime/values.js";
import type { KeyArg } from "../shell/key-arg.js";
import type { Paint } from "./render.js";
import { describeBranch } from "./state.js";

/** Ops after which a partial match is gone (`completed` is followed by `heldBack` when it stays). */
const ENDS = new Set(["died", "completed", "timedOut", "released", "pruned", "dropped", "ended"]);

/** Pattern-and-key logs kept at most (oldest dropped): a long piped session stays bounded. */
const MAX_KEYS = 10_000;

/** What the log keeps for one (pattern, key). */
interface KeyLog {
  readonly pattern: string;
  readonly key: unknown;
  /** Feed number of the key's last event, and the records since (that event's and time's). */
  seq: number;
  step: TraceRecord[];
  /**
   * Live partial matches by id: the step of their newest records and those records by
   * state (a branch that splits without taking the event can come out with one id in two
   * states).
   */
  readonly live: Map<string, { step: string; byState: Map<string, TraceRecord> }>;
}

/** Trace records of the session's engine: kept for `.why`, printed for `.trace on`. */
export class TraceLog {
  private logs = new Map<string, KeyLog>();
  /** `.trace on` without a key: every key; else the keys asked for (by text). */
  private all = false;
  private readonly keys = new Map<string, KeyArg>();

  /** `print`: a traced record's line (`.trace on`). */
  constructor(private readonly print: (record: TraceRecord) => void) {}

  /** The engine's trace sink. */
  readonly sink = (record: TraceRecord): void => {
    const id = `${record.pattern}\0${canonicalKey(record.key)}`;
    let log = this.logs.get(id);
    if (log === undefined) {
      log = { pattern: record.pattern, key: record.key, seq: -1, step: [], live: new Map() };
      if (this.logs.size >= MAX_KEYS) this.logs.delete(this.logs.keys().next().value as string);
      this.logs.set(id, log);
    }
    if (record.event !== null && record.event.seq !== log.seq) {
      log.seq = record.event.seq;
      log.step = [];
      // Re-inserted at each event of the key: the map stays in order of last use.
      this.logs.delete(id);
      this.logs.set(id, log);
    }
    log.step.push(record);
    if (record.id !== null) {
      const step = record.event === null ? `t${record.time}` : `e${record.event.seq}`;
      let live = log.live.get(record.id);
      if (live === undefined || live.step !== step) {
        live = { step, byState: new Map() };
        log.live.set(record.id, live);
      }
      // An ending record names the state it ended in; the partial match's other records of the step stay.
      if (ENDS.has(record.op)) live.byState.delete(record.state ?? "");
      else live.byState.set(record.state ?? "", record);
      if (live.byState.size === 0) log.live.delete(record.id);
    }
    if (this.traced(record.key)) this.print(record);
  };

  /** Forgets every record (a new engine: ids start again). */
  clear(): void {
    this.logs = new Map();
  }

  /** `.trace on [key]`. */
  on(key: KeyArg | null): void {
    if (key === null) this.all = true;
    else this.keys.set(key.text, key);
  }

  /** `.trace off [key]`; returns false when that key was not traced. */
  off(key: KeyArg | null): boolean {
    if (key === null) {
      this.all = false;
      this.keys.clear();
      return true;
    }
    return this.keys.delete(key.text);
  }

  /** What is traced, in words. */
  status(): string {
    if (this.all) return "tracing every key";
    if (this.keys.size === 0) return "tracing is off";
    return `tracing key${this.keys.size === 1 ? "" : "s"} ${[...this.keys.keys()].join(", ")}`;
  }

  private traced(key: unknown): boolean {
    if (this.all) return true;
    for (const k of this.keys.values()) if (k.test(key)) return true;
    return false;
  }

  /** The log of (pattern, key), if any record was seen. */
  log(pattern: string, key: unknown): KeyLog | undefined {
    return this.logs.get(`${pattern}\0${canonicalKey(key)}`);
  }
}

/** What `.why` needs from the session. */
export interface WhyContext {
  readonly snapshot: Snapshot;
  readonly patterns: ReadonlyMap<string, CompiledPattern>;
  readonly log: TraceLog;
  /** The input line an event was typed on. */
  readonly lineOf: (event: unknown) => number | undefined;
  /** The source of a pattern file (chunk) by its name, for code frames. */
  readonly sourceOf: (file: string) => string | undefined;
  readonly paint: Paint;
}

/** The (pattern, key) pairs `.why <key>` explains: every key of a running pattern the typed key matches. */
export function keysMatching(ctx: WhyContext, key: KeyArg): { pattern: string; key: unknown }[] {
  const out: { pattern: string; key: unknown }[] = [];
  const seen = new Set<string>();
  const add = (pattern: string, k: unknown) => {
    const id = `${pattern}\0${canonicalKey(k)}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push({ pattern, key: k });
    }
  };
  for (const runner of ctx.snapshot.runners) {
    for (const k of runner.keys) if (key.test(k.key)) add(runner.name, k.key);
  }
  // Keys without partial matches now, whose last event did something (a death, a match).
  for (const name of ctx.patterns.keys()) {
    for (const candidate of [key.value, key.text]) {
      const log = ctx.log.log(name, candidate);
      if (log !== undefined && key.test(log.key)) add(name, log.key);
    }
  }
  return out;
}

/**
 * The (pattern, key) pairs `.why` without a key explains: the event's key in each running
 * pattern where that key holds partial matches or has trace records.
 */
export function eventKeys(ctx: WhyContext, event: unknown): { pattern: string; key: unknown }[] {
  const out: { pattern: string; key: unknown }[] = [];
  for (const pattern of ctx.patterns.values()) {
    const key = eventKey(pattern, event);
    if (key === undefined) continue;
    const held = ctx.snapshot.runners.some(
      (r) => r.name === pattern.name && r.keys.some((k) => canonicalKey(k.key) === canonicalKey(key)),
    );
    if (held || ctx.log.log(pattern.name, key) !== undefined) out.push({ pattern: pattern.name, key });
  }
  return out;
}

/** The key of `event` for `pattern` (its `key by` paths), or undefined when it lacks one. */
function eventKey(pattern: CompiledPattern, event: unknown): unknown {
  const paths = pattern.keyPaths;
  if (paths.length === 0) return null;
  const values = paths.map((p) => path(event, p));
  if (values.some((v) => v === undefined || v === null)) return undefined;
  return paths.length === 1 ? values[0] : values;
}

/**
 * `.why` for one (pattern, key): its live partial matches — events, what each waits for,
 * and what its key's last event did to it — then the partial matches that event (or time
 * since) ended, and an event that started none. Ends with a newline.
 */
export function whyText(ctx: WhyContext, patternName: string, key: unknown): string {
  const { snapshot, paint } = ctx;
  const pattern = ctx.patterns.get(patternName);
  const log = ctx.log.log(patternName, key);
  const runner = snapshot.runners.find((r) => r.name === patternName);
  const ks = runner?.keys.find((k) => canonicalKey(k.key) === canonicalKey(key));
  const rows = [...(ks?.partials ?? [])].sort((a, b) => a[2] - b[2]);
  const held = [...(ks?.completed ?? [])].sort((a, b) => a[2] - b[2]);
  const who = `${paint(patternName, "bold")}${key === null ? "" : ` key ${paint(JSON.stringify(key), "cyan")}`}`;
  const n = rows.length + held.length;
  const lines: string[] = [
    `${who}: ${n === 0 ? "no partial matches" : `${n} partial match${n === 1 ? "" : "es"}`}`,
  ];
  const shown = new Set<TraceRecord>();
  const branch = (row: BranchRow, complete: boolean) => {
    const id = log === undefined ? null : idOf(row, snapshot.cells, pattern, log);
    const state = pattern?.nfa.states[row[0]]?.name;
    const events = eventsText(row, snapshot, pattern, ctx.lineOf);
    const waits = complete
      ? "complete, held back by the after-match skip strategy"
      : describeBranch(row, snapshot.cells, pattern).replace(/^.*? taken, /, "");
    lines.push(`  ${paint(id ?? "?", "bold")}: ${events}; ${waits}`);
    for (const r of log?.step ?? []) {
      if (r.id === null || r.id !== id || (r.state !== state && !complete)) continue;
      shown.add(r);
      lines.push(...recordLines(ctx, r, "    "));
    }
  };
  for (const row of rows) branch(row, false);
  for (const row of held) branch(row, true);
  // What the last event (and time since) did besides: partial matches it ended, forks gone, an event that started none.
  const rest = (log?.step ?? []).filter((r) => !shown.has(r));
  if (rest.length > 0) {
    const ev = log?.step.find((r) => r.event !== null)?.event;
    lines.push(
      `  ${paint(ev ? `the last event that reached one (line ${String(ev.line ?? `#${ev.seq}`)}), and time since:` : "since:", "dim")}`,
    );
    for (const r of rest) lines.push(...recordLines(ctx, r, "    "));
  } else if (n === 0) {
    lines.push(`  ${paint("no event of this key has reached a partial match yet", "dim")}`);
  }
  return `${lines.join("\n")}\n`;
}

/** A record as a line, and under it a code frame for each reason that points into the source. */
function recordLines(ctx: WhyContext, r: TraceRecord, indent: string): string[] {
  const out = [`${indent}${recordText(r)}`];
  const reasons: TraceReason[] = [];
  if (r.reason !== undefined) reasons.push(r.reason);
  else if (r.rejected !== undefined) reasons.push(...r.rejected);
  for (const reason of reasons) {
    const inner = reason.rule === "contiguity" && reason.failed !== null ? reason.failed : reason;
    const at = "at" in inner ? inner.at : null;
    if (at === null || at === undefined) continue;
    const source = ctx.sourceOf(at.file);
    out.push(`${indent}  at ${at.file}:${at.line}:${at.col}`);
    if (source === undefined) continue;
    const frame = renderDiagnostic(
      { code: "", severity: "error", message: "", file: at.file, span: { start: at.start, end: at.end } },
      source,
    ).split("\n");
    // The frame without renderDiagnostic's heading line (`at …` says where).
    for (const l of frame.slice(1)) out.push(`${indent}${l}`);
  }
  return out;
}

/** `a = line 1, b = lines 2, 3` (input lines, or feed numbers for events not typed here). */
function eventsText(
  row: BranchRow,
  snap: Snapshot,
  pattern: CompiledPattern | undefined,
  lineOf: (event: unknown) => number | undefined,
): string {
  const byVar = new Map<number, string[]>();
  const chain: CellRow[] = [];
  for (let c = row[1]; c >= 0; c = snap.cells[c][4]) chain.push(snap.cells[c]);
  chain.reverse();
  for (const cell of chain) {
    const line = lineOf(snap.events[cell[0]]);
    const list = byVar.get(cell[3]) ?? [];
    list.push(line === undefined ? `#${cell[2]}` : String(line));
    byVar.set(cell[3], list);
  }
  if (byVar.size === 0) return "nothing taken";
  return [...byVar.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(
      ([v, ls]) =>
        `${pattern?.variables[v]?.name ?? `#${v}`} = line${ls.length === 1 ? "" : "s"} ${ls.join(", ")}`,
    )
    .join(", ");
}

/** The trace id of a snapshot branch: the live record in the same state with the same events. */
function idOf(
  row: BranchRow,
  cells: readonly CellRow[],
  pattern: CompiledPattern | undefined,
  log: KeyLog,
): string | null {
  const seqs: number[] = [];
  for (let c = row[1]; c >= 0; c = cells[c][4]) seqs.push(cells[c][2]);
  seqs.reverse();
  const state = pattern?.nfa.states[row[0]]?.name;
  const sig = seqs.join(",");
  for (const { byState } of log.live.values()) {
    for (const r of byState.values()) {
      if (r.events === undefined || (state !== undefined && r.state !== state)) continue;
      if (r.events.map((e) => e.seq).join(",") === sig) return r.id;
    }
  }
  return null;
}
