/**
 * How the REPL shows records and times on a terminal. Off a terminal a record is its
 * JSON line (language.md §5), exactly as `cep run` writes it.
 *
 * ```
 * match BruteForce  key "alice"  2023-11-14T22:13:20.000Z → 22:14:02.000Z  (42s)
 *   fail  {"type":"LoginFailed","user":"alice","ip":"10.0.0.1","ts":1700000000000}
 *         {"type":"LoginFailed","user":"alice","ip":"10.0.0.1","ts":1700000010000}
 *   ok    {"type":"LoginOk","user":"alice","ip":"192.168.7.7","ts":1700000042000}
 *   emit  {"user":"alice","attempts":2}
 * ```
 */
import { formatMs } from "../shell/duration.js";

const ANSI = {
  reset: "\x1b[0m",
  bold: "\x1b[1m",
  dim: "\x1b[2m",
  red: "\x1b[31m",
  green: "\x1b[32m",
  yellow: "\x1b[33m",
  blue: "\x1b[34m",
  magenta: "\x1b[35m",
  cyan: "\x1b[36m",
} as const;

export type Style = keyof typeof ANSI;

/** Wraps text in ANSI styles, or leaves it alone. */
export type Paint = (text: string, ...styles: Style[]) => string;

/** A painter: colours when `color`, plain text otherwise. */
export function painter(color: boolean): Paint {
  if (!color) return (text) => text;
  return (text, ...styles) =>
    styles.length === 0 ? text : `${styles.map((s) => ANSI[s]).join("")}${text}${ANSI.reset}`;
}

/**
 * Times at or above this (1973-03-03) are shown as ISO-8601 UTC; smaller ones are taken
 * for test clocks and shown as plain numbers.
 */
export const EPOCH_DISPLAY_FROM = 100_000_000_000;

/** A time for people: ISO-8601 for epoch-like times, the number otherwise; ±∞ in words. */
export function formatTime(t: number): string {
  if (t === Number.POSITIVE_INFINITY) return "end of input";
  if (t === Number.NEGATIVE_INFINITY) return "none";
  if (Math.abs(t) >= EPOCH_DISPLAY_FROM && Number.isFinite(t)) {
    const d = new Date(t);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  return String(t);
}

/** `start → end`, the end shortened to its time of day when both are ISO on the same day. */
export function formatRange(start: number, end: number): string {
  const a = formatTime(start);
  const b = formatTime(end);
  if (start === end) return a;
  if (a.length === 24 && b.length === 24 && a.slice(0, 11) === b.slice(0, 11)) return `${a} → ${b.slice(11)}`;
  return `${a} → ${b}`;
}

/** A record as the engine emits it (language.md §5), read defensively. */
interface RecordLike {
  pattern?: unknown;
  key?: unknown;
  start?: unknown;
  end?: unknown;
  timeout?: unknown;
  events?: unknown;
  emit?: unknown;
}

/** The multi-line terminal rendering of a match or timeout record (ends with a newline). */
export function renderRecord(record: object, paint: Paint): string {
  const r = record as RecordLike;
  const timeout = r.timeout === true;
  const kind = timeout ? paint("timeout", "bold", "yellow") : paint("match", "bold", "green");
  const head: string[] = [`${kind} ${paint(String(r.pattern), "bold")}`];
  if (r.key !== null && r.key !== undefined) head.push(`key ${paint(JSON.stringify(r.key), "cyan")}`);
  if (typeof r.start === "number" && typeof r.end === "number") {
    const span = r.end - r.start;
    const range = formatRange(r.start, r.end);
    head.push(`${paint(range, "dim")}${span > 0 ? `  ${paint(`(${formatMs(span)})`, "dim")}` : ""}`);
  }
  const lines = [head.join("  ")];
  const events =
    r.events !== null && typeof r.events === "object"
      ? Object.entries(r.events as Record<string, unknown>)
      : [];
  const labels = events.map(([name]) => name);
  if (r.emit !== undefined) labels.push("emit");
  const width = Math.max(0, ...labels.map((l) => l.length));
  for (const [name, list] of events) {
    const items = Array.isArray(list) ? list : [list];
    items.forEach((ev, i) => {
      const label = i === 0 ? paint(name.padEnd(width), "blue") : " ".repeat(width);
      lines.push(`  ${label}  ${JSON.stringify(ev)}`);
    });
  }
  if (r.emit !== undefined)
    lines.push(`  ${paint("emit".padEnd(width), "magenta")}  ${JSON.stringify(r.emit)}`);
  return `${lines.join("\n")}\n`;
}
