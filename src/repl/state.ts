/**
 * `.state`: the live partial matches per pattern and key, and what each waits for, read
 * from `engine.snapshot()` and the patterns' NFAs.
 *
 * ```
 * time 1700000020000 (2023-11-14T22:13:40.000Z)
 * BruteForce key "alice": fail ×2 taken, waiting for fail (type == "LoginFailed"); window closes at 2023-11-14T22:18:20.000Z
 * ```
 *
 * What a partial match waits for: from its NFA state, every TAKE edge reachable through
 * PROCEED edges (Flink's decision graph), named by the variable of the state owning the
 * edge, with the edge's condition in source form; a PROCEED into a Stop state is what
 * kills it (`not next` / `not followed by`); a reachable Final state means it can
 * complete without another event; a Pending state (trailing `not followed by`) completes
 * when its window closes.
 */
import type { CompiledPattern } from "../compile/model.js";
import type { NfaState } from "../compile/nfa.js";
import type { BranchRow, CellRow, Snapshot } from "../runtime/snapshot.js";
import { formatTime, type Paint } from "./render.js";

/** The `.state` report (ends with a newline). */
export function describeState(
  snap: Snapshot,
  patterns: ReadonlyMap<string, CompiledPattern>,
  paint: Paint,
): string {
  const lines: string[] = [];
  const now = snap.time.now;
  const wm = snap.time.watermark;
  let header = `time ${now === null ? "not started" : formatTime(now)}`;
  if (now !== null && formatTime(now) !== String(now)) header = `time ${now} (${formatTime(now)})`;
  if (wm !== null) header += `, watermark ${formatTime(wm)}`;
  lines.push(paint(header, "dim"));
  if (snap.buffer.length > 0) {
    const next = snap.buffer[0][1];
    lines.push(
      `${snap.buffer.length} event${snap.buffer.length === 1 ? "" : "s"} buffered (out-of-orderness), the earliest at ${formatTime(next)}`,
    );
  }
  let count = 0;
  for (const runner of snap.runners) {
    const pattern = patterns.get(runner.name);
    // Oldest first, whatever order the engine keeps: keys by their oldest partial match, branches by start.
    const first = (k: (typeof runner.keys)[number]) =>
      Math.min(...[...k.partials, ...k.completed].map((b) => b[2]));
    const keys = [...runner.keys].sort((a, b) => first(a) - first(b));
    for (const k of keys) {
      const who = `${paint(runner.name, "bold")}${k.key === null ? "" : ` key ${paint(JSON.stringify(k.key), "cyan")}`}`;
      for (const row of [...k.partials].sort(byStart)) {
        count++;
        lines.push(`${who}: ${describeBranch(row, snap.cells, pattern)}`);
      }
      for (const row of [...k.completed].sort(byStart)) {
        count++;
        lines.push(
          `${who}: ${taken(row, snap.cells, pattern)}, complete, held back by the after-match skip strategy`,
        );
      }
    }
  }
  if (count === 0) lines.push("no partial matches");
  return `${lines.join("\n")}\n`;
}

/** By start (feed number of the first event), then the longer branch first. */
const byStart = (a: BranchRow, b: BranchRow) => a[2] - b[2] || b[4] - a[4];

/** `fail ×2 taken, waiting for …; window closes at …` */
export function describeBranch(
  row: BranchRow,
  cells: readonly CellRow[],
  pattern: CompiledPattern | undefined,
): string {
  const text = taken(row, cells, pattern);
  const state = pattern?.nfa.states[row[0]];
  if (pattern === undefined || state === undefined) return text;
  const waiting = `${text}, ${waitsFor(pattern, state)}`;
  const closes = closesAt(row, pattern, state);
  return closes === null ? waiting : `${waiting}; window closes at ${formatTime(closes)}`;
}

/** The variables a branch has taken events for, in term order: `fail ×2, ok ×1 taken`. */
function taken(row: BranchRow, cells: readonly CellRow[], pattern: CompiledPattern | undefined): string {
  const counts = new Map<number, number>();
  for (let c = row[1]; c >= 0; c = cells[c][4]) {
    const v = cells[c][3];
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  if (counts.size === 0) return "nothing taken";
  const parts = [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([v, n]) => `${pattern?.variables[v]?.name ?? `#${v}`} ×${n}`);
  return `${parts.join(", ")} taken`;
}

/** What the branch in `state` can do next. */
function waitsFor(pattern: CompiledPattern, state: NfaState): string {
  const states = pattern.nfa.states;
  const varName = (s: NfaState) => pattern.variables[s.variable]?.name ?? s.name.replace(/:.*$/, "");
  const wants: string[] = [];
  const kills: string[] = [];
  let canComplete = false;
  const seen = new Set<number>();
  const visit = (s: NfaState) => {
    if (seen.has(s.id)) return;
    seen.add(s.id);
    if (s.kind === "final") {
      canComplete = true;
      return;
    }
    for (const e of s.edges) {
      const target = states[e.target];
      if (e.action === "take") {
        if (target?.kind === "stop") kills.push(`${varName(s)} (${e.cond.src})`);
        else wants.push(`${varName(s)} (${e.cond.src})`);
      } else if (e.action === "proceed" && target !== undefined) {
        if (target.kind === "stop") kills.push(`${varName(target)} (${e.cond.src})`);
        else visit(target);
      }
    }
  };
  visit(state);
  const unique = (l: string[]) => [...new Set(l)];
  let text: string;
  if (state.kind === "pending") {
    text = "complete when the window closes";
  } else {
    const w = unique(wants);
    text = w.length > 0 ? `waiting for ${w.join(" or ")}` : "waiting";
    if (canComplete) text += w.length > 0 ? ", or complete as is" : ", complete as is";
  }
  const k = unique(kills);
  if (k.length > 0)
    text += state.kind === "pending" ? ` unless ${k.join(" or ")}` : `; killed by ${k.join(" or ")}`;
  return text;
}

/** The earliest window deadline of a branch: pattern window from its start, term window from its last event. */
function closesAt(row: BranchRow, pattern: CompiledPattern, state: NfaState): number | null {
  const deadlines: number[] = [];
  if (pattern.nfa.window !== null) deadlines.push(row[3] + pattern.nfa.window);
  if (state.window !== null) deadlines.push(row[4] + state.window);
  return deadlines.length === 0 ? null : Math.min(...deadlines);
}
