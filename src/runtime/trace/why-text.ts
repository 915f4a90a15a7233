/**
 * A {@link WhyReport} as text, for `cep why`, `cep test` and the REPL: each reason with
 * a code frame into the `.pattern` source (the frame `cep check` prints for an error) and
 * each event with its input line.
 *
 * ```
 * p1 reached 1 of 2 terms: a (line 1)
 *   still waiting for b when the input ended; the nearest events b rejected:
 *   line 3: Checkout — amount > 100 is false, amount = 87
 *     {"type":"Checkout","amount":87}
 *     shop.pattern:3:34
 *       3 |   followed by b: Checkout where amount > 100
 *         |                                 ^^^^^^^^^^^^
 * ```
 */
import type { SourceAt } from "../../compile/debug.js";
import { renderDiagnostic } from "../../lang/format.js";
import { reasonText, valueText } from "./describe.js";
import type { TraceReason } from "./records.js";
import {
  atInputEnd,
  type WhyEnd,
  type WhyEventRef,
  type WhyHeld,
  type WhyPartial,
  type WhyReport,
  type WhyVerdict,
} from "./why.js";

/** What {@link whyText} needs besides the report. */
export interface WhyTextOptions {
  /** The text of a pattern file, for code frames (`pattern.debug().source`). */
  readonly source: (file: string) => string | undefined;
  /** An input line's text, printed under the event. */
  readonly lineText?: (line: number) => string | undefined;
}

/** `line 3 (Checkout)`, or `event #3 (Checkout)` without a line. */
export function eventRefText(e: WhyEventRef): string {
  const type = typeof e.type === "string" ? ` (${e.type})` : "";
  return e.line !== null
    ? `line ${e.line}${type}`
    : e.seq >= 0
      ? `event #${e.seq}${type}`
      : `an event${type}`;
}

/** The phrase for a rejection: `amount > 100 is false, amount = 87`; other rules as {@link reasonText}. */
export function rejectionText(r: TraceReason, withTerm = false): string {
  if (r.rule === "condition") {
    const values = r.values.map((v) => `, ${v.expr} = ${valueText(v.value)}`).join("");
    return `${withTerm ? `${r.term}: ` : ""}${r.condition} is ${r.result === null ? "null" : "false"}${values}`;
  }
  return reasonText(r);
}

/** The report as text, ending with a newline. */
export function whyText(report: WhyReport, options: WhyTextOptions): string {
  const out: string[] = [];
  const keyText = valueText(report.key);
  const m = report.matches.length;
  out.push(
    `${report.pattern}, key ${keyText}: ${m === 0 ? "no match" : `${m} match${m === 1 ? "" : "es"}`}, ` +
      `${report.partials} partial match${report.partials === 1 ? "" : "es"} in all`,
  );
  for (const x of report.matches.slice(0, 3)) out.push(`  match ${x.id}: ${heldText(x.events)}`);
  if (report.furthest.length > 0) {
    out.push("");
    out.push(
      report.furthest.length === 1
        ? "The partial match that got furthest:"
        : "The partial matches that got furthest:",
    );
    for (const p of report.furthest) partialText(out, p, report, options);
  } else if (m === 0) {
    out.push("");
    out.push("No partial match was left unfinished.");
  }
  if (
    report.neverStarted.length > 0 &&
    (report.furthest.length === 0 || report.verdict?.outcome === "notStarted")
  ) {
    out.push("");
    out.push("Events that started no partial match (most recent first):");
    for (const r of report.neverStarted) rejectionLines(out, r.event, r.reasons, options, "  ");
  }
  if (report.misnamed.length > 0) {
    out.push("");
    out.push("Events of this key whose type no term takes, close to a term's type (misspelt?):");
    for (const m of report.misnamed) {
      out.push(`  line ${m.event.line}: ${String(m.event.type)} — did you mean ${m.nearest}?`);
      if (m.event.line !== null) inputLine(out, m.event, options, "    ");
    }
  }
  if (report.notFed.length > 0) {
    out.push("");
    out.push(`Events not fed to ${report.pattern}:`);
    for (const n of report.notFed) {
      out.push(`  ${eventRefText(n.event)}: ${reasonText(n.reason)}`);
      inputLine(out, n.event, options, "    ");
    }
  }
  if (report.verdict !== null) {
    out.push("");
    verdictText(out, report.verdict, report, options);
  }
  return `${out.join("\n")}\n`;
}

function heldText(events: readonly WhyHeld[]): string {
  return events.map((e) => `${e.term} (${eventRefText(e.event).replace(/ \(.*\)$/, "")})`).join(", ");
}

function partialText(out: string[], p: WhyPartial, report: WhyReport, options: WhyTextOptions): void {
  const [min, max] = p.pathTerms;
  const total = min === max ? `${min}` : `${min}–${max}`;
  out.push(
    `${p.id} reached ${p.terms.length} of ${total} term${max === 1 ? "" : "s"}: ${heldText(p.events)}`,
  );
  const end = p.end;
  if (end === null) {
    out.push("  (no record of how it ended)");
    return;
  }
  if (atInputEnd(end)) {
    const waiting = waitingFor(p, report);
    const by = rejecter(p, report);
    const then =
      end.op === "timedOut" ? " (and timed out)" : end.op === "ended" ? "" : " (and its window closed)";
    out.push(
      `  still waiting${waiting === null ? "" : ` for ${waiting}`} when the input ended${then}` +
        (p.rejections.length > 0
          ? `; the nearest events ${by ?? "it"} rejected:`
          : "; no event came that it could take"),
    );
    for (const r of p.rejections) rejectionLines(out, r.event, r.reasons, options, "  ");
    return;
  }
  out.push(`  ${endText(end)}`);
  if (end.event !== null) inputLine(out, end.event, options, "    ");
  if (end.reason !== null) frame(out, reasonAt(end.reason), options, "    ");
  if (p.rejections.length > 0) {
    const waiting = rejecter(p, report);
    out.push(`  while it waited, the nearest events ${waiting ?? "it"} rejected:`);
    for (const r of p.rejections) rejectionLines(out, r.event, r.reasons, options, "  ");
  }
}

/** The term the rejections are by, when they all are by the term it waits for; else null ("it"). */
function rejecter(p: WhyPartial, report: WhyReport): string | null {
  const waiting = waitingFor(p, report);
  const terms = new Set(p.rejections.flatMap((r) => r.reasons.map((x) => ("term" in x ? x.term : null))));
  return waiting !== null && [...terms].every((t) => t === waiting) ? waiting : null;
}

/** The term after the last one it reached, by the pattern's order (a guess for loops: the state says more). */
function waitingFor(p: WhyPartial, report: WhyReport): string | null {
  const last = p.terms[p.terms.length - 1];
  const i = report.terms.indexOf(last);
  const state = p.state?.replace(/:\d+$/, "") ?? null;
  if (state !== null && report.terms.includes(state)) return state;
  // At a fork, for whichever alternative starts: no one term to name.
  if (state === "(alt)" || state === "(permute)") return null;
  return i >= 0 && i + 1 < report.terms.length ? report.terms[i + 1] : null;
}

/** How a partial match ended, as a verb. */
const ENDED: Record<WhyEnd["op"], string> = {
  died: "died",
  timedOut: "timed out",
  pruned: "was pruned",
  dropped: "was dropped",
  ended: "was still waiting",
};

function endText(end: WhyEnd): string {
  const where =
    end.event !== null
      ? `at ${eventRefText(end.event)}`
      : end.time !== null
        ? `at time ${end.time}${end.cause !== null ? `, when ${eventRefText(end.cause)} arrived` : ""}`
        : "";
  const why = end.reason === null ? "" : `: ${reasonText(end.reason)}`;
  return `${ENDED[end.op]}${where === "" ? "" : ` ${where}`}${why}`;
}

function rejectionLines(
  out: string[],
  event: WhyEventRef,
  reasons: readonly TraceReason[],
  options: WhyTextOptions,
  indent: string,
): void {
  const type = typeof event.type === "string" ? `${event.type} — ` : "";
  const label = event.line !== null ? `line ${event.line}` : eventRefText(event);
  const many = reasons.length > 1;
  out.push(`${indent}${label}: ${type}${reasons.map((r) => rejectionText(r, many)).join("; ")}`);
  inputLine(out, event, options, `${indent}  `);
  // A type mismatch needs no frame: the line says it all.
  for (const r of reasons) if (r.rule !== "type") frame(out, reasonAt(r), options, `${indent}  `);
}

function inputLine(out: string[], event: WhyEventRef, options: WhyTextOptions, indent: string): void {
  if (event.line === null) return;
  const text = options.lineText?.(event.line);
  if (text !== undefined) out.push(`${indent}${text.length > 200 ? `${text.slice(0, 200)}…` : text}`);
}

/** Where a reason points in the source (a contiguity reason: its failed condition, when it has one). */
function reasonAt(r: TraceReason): SourceAt | null {
  if (r.rule === "contiguity" && r.failed !== null && r.failed.rule === "condition")
    return reasonAt(r.failed);
  return "at" in r ? r.at : null;
}

/** `file:line:col` and the source line with a caret under the span. */
function frame(out: string[], at: SourceAt | null, options: WhyTextOptions, indent: string): void {
  if (at === null) return;
  const source = options.source(at.file);
  out.push(`${indent}${at.file}:${at.line}:${at.col}`);
  if (source === undefined) return;
  const text = renderDiagnostic(
    { code: "", severity: "error", message: "", file: at.file, span: { start: at.start, end: at.end } },
    source,
  );
  for (const l of text.split("\n").slice(1)) out.push(`${indent}${l}`);
}

function verdictText(out: string[], v: WhyVerdict, report: WhyReport, options: WhyTextOptions): void {
  const lines = v.expected.map((e) => e.event.line ?? `#${e.event.seq}`).join(", ");
  const terms = v.expected.every((e) => e.term !== null)
    ? ` as ${v.expected.map((e) => e.term).join(", ")}`
    : "";
  const prefix = v.expected.slice(0, v.taken);
  const took =
    v.partial === null || prefix.length === 0
      ? ""
      : `${v.partial} took ${prefix.map((e) => eventRefText(e.event).replace(/ \(.*\)$/, "")).join(", ")}; `;
  const ev = v.event === null ? "" : eventRefText(v.event);
  const asTerm = v.term === null ? "" : ` as ${v.term}`;
  const timeout = v.outcome === "timedOut";
  out.push(
    `Expected lines ${lines}${terms}: ${v.outcome === "match" ? "it is a match" : timeout ? "they timed out, as expected" : "not a match"}`,
  );
  for (const e of v.expected) {
    if (e.differs === undefined) continue;
    const which = e.term === null ? "expected event" : `expected ${e.term} event`;
    out.push(
      `  no input event equals the ${which}; the nearest is ${eventRefText(e.event)}, which differs in:`,
    );
    for (const d of e.differs) out.push(`    ${d}`);
  }
  let line: string;
  switch (v.outcome) {
    case "match": {
      const held =
        v.by === null
          ? ""
          : ` (held back by ${v.by}, then released${v.at !== null ? ` at ${eventRefText(v.at)}` : v.time !== null ? ` at time ${v.time}` : " at the end of input"})`;
      line = `${v.partial} matched exactly these events${held}`;
      break;
    }
    case "timedOut":
      line = `${v.partial} timed out${v.time !== null ? ` at time ${v.time}` : " at the end of input"}: ${v.reason === null ? "" : reasonText(v.reason)}`;
      break;
    case "notFed":
      line = `${ev} was never fed to ${report.pattern}: ${reasonText(v.reason as TraceReason)}`;
      break;
    case "otherKey":
      line = `${ev} has key ${v.by}, not ${valueText(report.key)}`;
      break;
    case "notStarted":
      line = `${ev} started no partial match${v.reason === null ? "" : `: ${rejectionText(v.reason)}`}`;
      break;
    case "otherTerm":
      line = `${took}${ev} was taken as ${v.other?.term}, not${asTerm}`;
      break;
    case "rejected":
      line = `${took}${ev} was not taken${asTerm}: ${v.reason === null ? "no term took it" : rejectionText(v.reason)}`;
      break;
    case "ended": {
      const at = v.at !== null ? ` at ${eventRefText(v.at)}` : v.time !== null ? ` at time ${v.time}` : "";
      const before =
        v.at !== null && v.event !== null && v.at.seq === v.event.seq ? "" : `, before ${ev}${asTerm}`;
      line = `${took}it ${ENDED[v.ended ?? "died"]}${at}${before}: ${v.reason === null ? "no record says why" : reasonText(v.reason)}`;
      break;
    }
    case "tookOther":
      line =
        `${took}it took ${eventRefText(v.other?.event as WhyEventRef)} as ${v.other?.term} instead, so ${ev} came too late` +
        " (`followed by` takes the first event that fits; `followed by any` would keep both)";
      break;
    case "heldBack":
      line = `${v.partial} completed with these events, but was held back by ${v.by ?? "an earlier partial match"} and then discarded: ${v.reason === null ? "" : reasonText(v.reason)}`;
      break;
    case "discarded":
      line = `${v.partial} completed with these events${v.at !== null ? ` at ${eventRefText(v.at)}` : ""}, but was discarded: ${v.reason === null ? "" : reasonText(v.reason)}`;
      break;
    case "incomplete": {
      const at = v.at !== null ? ` at ${eventRefText(v.at)}` : v.time !== null ? ` at time ${v.time}` : "";
      const needed = v.term !== null && report.terms.includes(v.term) ? `${v.term} too` : "more";
      const why = v.reason === null ? "no record says why" : reasonText(v.reason);
      // A trailing `not followed by` needs no event: its window must pass with no such event.
      const negated = v.reason?.rule === "negation" && v.reason.op === "notFollowedBy";
      line = negated
        ? `${v.partial} took them all and waited for the window of \`not followed by ${v.reason?.rule === "negation" ? v.reason.term : ""}\` to pass; it ${ENDED[v.ended ?? "died"]}${at}: ${why}`
        : `${v.partial} took them all, but ${report.pattern} needed ${needed}; it ${ENDED[v.ended ?? "died"]}${at}: ${why}`;
      break;
    }
    case "moreEvents":
      line = `${v.partial} took them all and then ${eventRefText(v.other?.event as WhyEventRef)} as ${v.other?.term}: its match has more events`;
      break;
    case "completedEarlier":
      line = `${took}it became a match before ${ev}: the match has fewer events`;
      break;
  }
  out.push(`  ${line}`);
  const shown = v.at ?? v.event;
  if (shown !== null && v.outcome !== "match" && !timeout) inputLine(out, shown, options, "    ");
  if (v.reason !== null) frame(out, reasonAt(v.reason), options, "    ");
}
