/**
 * `cep check <file.pattern>...`: compile, then print per pattern its key, windows
 * (pattern- and term-level), skip strategy, terms and NFA state count on stdout;
 * warnings and errors go to stderr as code frames. Exit 0, 1 (errors) or 2 (unreadable).
 *
 * The facts come from the compiled model (see {@link summarize}), read defensively;
 * anything extra in `pattern.summary` is printed as `name: value`.
 *
 * ```
 * BruteForce (login.pattern)
 *   key:     user
 *   windows: pattern 5m; term ok 10s
 *   skip:    skip past last event
 *   terms:   fail: LoginFailed{3,} consecutive · followed by ok: LoginOk · not followed by Logout
 *   states:  6
 * ```
 */

import { formatMs } from "../shell/duration.js";
import type { CliEnv, CompiledPattern } from "./api.js";
import { isNfaDescription } from "./explain-render.js";
import { compileSources, readSources } from "./load.js";

/** The summary fields `cep check` knows how to print. */
export interface PatternSummary {
  /** `key by` paths; empty or null without `key by`. */
  key?: readonly string[] | string | null;
  /** The pattern-level `within` (ms or source text); null when absent. */
  within?: number | string | null;
  /** Term-level windows: variable → duration (ms or text), or a list of {variable, within}. */
  termWindows?:
    | Readonly<Record<string, number | string>>
    | readonly { variable: string; within: number | string }[];
  /** The after-match skip strategy in source form. */
  skip?: string;
  /** The terms in source form, with their contiguity operators. */
  terms?: readonly string[] | string;
  /** Number of NFA states. */
  states?: number;
}

const KNOWN = new Set(["key", "within", "termWindows", "skip", "terms", "states"]);

/** Runs `cep check`; returns the exit code. */
export async function checkCommand(env: CliEnv, files: string[]): Promise<number> {
  const sources = await readSources(files);
  const program = compileSources(env, sources);
  if (program === null) return 1;
  const blocks = program.patterns.map(describePattern);
  env.stdout.write(blocks.length > 0 ? `${blocks.join("\n")}` : "no patterns\n");
  return 0;
}

/**
 * The facts of one pattern: the compiled model's own fields (`keyPathText`, the NFA's
 * window, `termWindows`, the description's skip, `variables`, the state count),
 * overridden by `pattern.summary` when the compiler gives one.
 */
export function summarize(pattern: CompiledPattern): PatternSummary & Record<string, unknown> {
  const description = isNfaDescription(pattern.description) ? pattern.description : null;
  const nfa = pattern.nfa as { states?: unknown; window?: unknown } | undefined;
  const derived: PatternSummary & Record<string, unknown> = {};
  if (pattern.keyPathText !== undefined) derived.key = pattern.keyPathText;
  const within = description?.window ?? nfa?.window;
  if (within !== undefined) derived.within = typeof within === "number" ? within : null;
  if (pattern.termWindows !== undefined) {
    derived.termWindows = pattern.termWindows.map((t) => ({ variable: t.variable, within: t.ms }));
  }
  if (description !== null) derived.skip = description.skip;
  // Without a compiler summary (older programs): the variables, negated ones marked `not`.
  if (pattern.variables !== undefined) {
    derived.terms = pattern.variables.map((v) => (v.negated ? `not ${v.name}` : v.name));
  }
  const states = description?.states ?? nfa?.states;
  if (Array.isArray(states)) derived.states = states.length;
  const given = pattern.summary;
  if (given !== null && typeof given === "object") Object.assign(derived, given);
  return derived;
}

/** The `cep check` block of one pattern. */
export function describePattern(pattern: CompiledPattern): string {
  const lines = [`${pattern.name} (${pattern.file})`];
  const row = (label: string, value: string) => lines.push(`  ${`${label}:`.padEnd(9)}${value}`);
  if (typeof pattern.summary === "string") {
    for (const line of pattern.summary.replace(/\n$/, "").split("\n")) lines.push(`  ${line}`);
    return `${lines.join("\n")}\n`;
  }
  const s = summarize(pattern);
  if ("key" in s) {
    const key = Array.isArray(s.key) ? s.key.join(", ") : s.key;
    row("key", key ? String(key) : "none (one global partition)");
  }
  if ("within" in s || "termWindows" in s) {
    const windows: string[] = [];
    if (s.within !== undefined && s.within !== null) windows.push(`pattern ${duration(s.within)}`);
    for (const [variable, within] of termWindows(s.termWindows))
      windows.push(`term ${variable} ${duration(within)}`);
    row("windows", windows.length ? windows.join("; ") : "none");
  }
  if (s.skip !== undefined) row("skip", s.skip);
  if (s.terms !== undefined) row("terms", Array.isArray(s.terms) ? s.terms.join(" · ") : String(s.terms));
  if (s.states !== undefined) row("states", String(s.states));
  for (const [name, value] of Object.entries(s)) {
    if (!KNOWN.has(name)) row(name, typeof value === "string" ? value : JSON.stringify(value));
  }
  if (lines.length === 1) row("summary", "not available from this build of the compiler");
  return `${lines.join("\n")}\n`;
}

function duration(d: number | string): string {
  return typeof d === "number" ? formatMs(d) : d;
}

function termWindows(tw: PatternSummary["termWindows"]): [string, number | string][] {
  if (tw === undefined || tw === null) return [];
  if (Array.isArray(tw)) return tw.map((t) => [t.variable, t.within]);
  return Object.entries(tw as Record<string, number | string>);
}
