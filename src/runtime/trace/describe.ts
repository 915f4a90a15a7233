/**
 * Trace reasons and records in words, one line each: what `cep why`, `cep run --trace`
 * readers and the REPL print (`amount > 100 is false (amount = 87)`).
 */
import type { TraceReason, TraceRecord, TraceValue } from "./records.js";

/** A value as the language writes it (strings quoted, JSON otherwise). */
export function valueText(v: unknown): string {
  if (v === undefined) return "null";
  return JSON.stringify(v) ?? String(v);
}

function valuesText(values: readonly TraceValue[]): string {
  return values.length === 0 ? "" : ` (${values.map((v) => `${v.expr} = ${valueText(v.value)}`).join(", ")})`;
}

const SKIP_WORDS: Record<string, string> = {
  noSkip: "no skip",
  skipToNext: "skip to next",
  skipPastLastEvent: "skip past last event",
};

/** Durations in the largest unit that divides them (`5 minutes`, `1500 ms`). */
export function durationText(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, "day"],
    [3_600_000, "hour"],
    [60_000, "minute"],
    [1000, "second"],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return `${n} ${name}${n === 1 ? "" : "s"}`;
    }
  }
  return `${ms} ms`;
}

/** One reason as a phrase: `amount > 100 is false (amount = 87)`, `the window of 5 minutes passed …`. */
export function reasonText(r: TraceReason): string {
  switch (r.rule) {
    case "condition":
      return `${r.term}: ${r.condition} is ${r.result === null ? "null" : "false"}${valuesText(r.values)}`;
    case "type":
      return `${r.term} needs type ${r.expected}, the event is ${valueText(r.got)}`;
    case "contiguity": {
      const how =
        r.modifier === "next"
          ? `\`next ${r.term}\` needs the very next event`
          : `\`${r.term}\` is \`consecutive\`: its next event must follow at once`;
      return r.failed === null ? how : `${how}, and ${reasonText(r.failed)}`;
    }
    case "negation":
      return `the event matched the negated term \`${r.op === "notNext" ? "not next" : "not followed by"} ${r.term}\``;
    case "window":
      return r.scope === "pattern"
        ? `the pattern's window of ${durationText(r.ms)} passed (first event at ${r.start}, deadline ${r.deadline})`
        : `${r.term}'s window of ${durationText(r.ms)} passed (previous event at ${r.start}, deadline ${r.deadline})`;
    case "until":
      return `${r.term}'s \`until (${r.condition})\` held${valuesText(r.values)}`;
    case "greedy":
      return `the greedy loop's condition held (${r.condition}), so ${r.term} could not take the event`;
    case "skip":
      return `\`after match ${SKIP_WORDS[r.strategy] ?? r.strategy.replace(/^skipTo(First|Last)/, (_, w: string) => `skip to ${w.toLowerCase()}`)}\` discarded it when ${r.match ?? "a match"} was emitted`;
    case "limit":
      return `the state limit ${r.limit} was reached`;
    case "late":
      return `the event was late (time was already at ${r.watermark})`;
    case "missingKey":
      return `the event has no key (${r.path})`;
    case "schema":
      return "the event does not fit its type's `event` declaration";
    case "end":
      return "the input ended while it waited";
  }
}

/** One record as a line: `line 3 Checkout: p1 ignored it — b: amount > 100 is false (amount = 87)`. */
export function recordText(rec: TraceRecord): string {
  const where = rec.event === null ? (rec.time === null ? "end" : `time ${rec.time}`) : eventLabel(rec.event);
  const who = rec.id ?? "event";
  let what: string;
  switch (rec.op) {
    case "created":
      what = `${who} created: ${rec.term} took it`;
      break;
    case "took":
      what = `${who} took it as ${rec.term}${rec.from ? ` (fork of ${rec.from})` : ""}`;
      break;
    case "ignored":
      what = `${who} ignored it (waits in ${rec.state})`;
      break;
    case "proceeded":
      what = `${who} moved on to ${rec.state} without it${rec.from ? ` (fork of ${rec.from})` : ""}`;
      break;
    case "heldBack":
      what = `${who} completed, held back by ${rec.by ?? "an earlier partial match"}`;
      break;
    default:
      what = `${who} ${rec.op}`;
  }
  const why = rec.reason !== undefined ? ` — ${reasonText(rec.reason)}` : "";
  const rej =
    rec.rejected !== undefined && rec.reason === undefined
      ? ` — ${rec.rejected.map(reasonText).join("; ")}`
      : "";
  return `${where}: ${what}${why}${rej}`;
}

/** `line 3 (Checkout)` when the record has the input line, else `event #3 (Checkout)`. */
export function eventLabel(ev: {
  readonly seq: number;
  readonly type: unknown;
  readonly line?: unknown;
}): string {
  const type = typeof ev.type === "string" ? ` ${ev.type}` : "";
  return typeof ev.line === "number" ? `line ${ev.line}${type}` : `event #${ev.seq}${type}`;
}
