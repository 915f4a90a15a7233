/**
 * Printing diagnostics. Two renderings (esbuild `internal/logger`, rustc):
 *
 * - {@link formatDiagnostic}: one line, `file:line:col: CODE message` (warnings:
 *   `file:line:col: warning CODE message`), for logs and tests;
 * - {@link renderDiagnostic}: that line, then a code frame — the source line with a
 *   gutter, a caret or underline under the span, and the hint:
 *
 * ```
 * login.pattern:9:20: E1100 expected …, found `folowed`
 *   9 |   match a: LoginOk folowed by b: Logout
 *     |                    ^^^^^^^
 *   = hint: did you mean `followed by`?
 * ```
 *
 * Lines end at `\n` (`\r\n` counts once); columns are 1-based Unicode code points and a
 * tab counts 1 (§1.1). Output is deterministic; colour only when asked.
 */
import type { Diagnostic } from "./diagnostics.js";

/** A 1-based line and column (in code points). */
export interface LineCol {
  readonly line: number;
  readonly column: number;
}

/** The line and column of a UTF-16 offset (clamped to the source). */
export function lineCol(source: string, offset: number): LineCol {
  const end = Math.max(0, Math.min(offset, source.length));
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf("\n"); i !== -1 && i < end; i = source.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: codePoints(source, lineStart, end) + 1 };
}

/**
 * A reusable {@link lineCol} for many offsets into one source (binary search over line
 * starts): for dumps and long diagnostic lists.
 */
export function lineIndex(source: string): (offset: number) => LineCol {
  const starts = [0];
  for (let i = source.indexOf("\n"); i !== -1; i = source.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    const end = Math.max(0, Math.min(offset, source.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= end) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: codePoints(source, starts[lo], end) + 1 };
  };
}

/** Number of code points in `source[from, to)` (a surrogate pair counts once). */
function codePoints(source: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = source.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff || i === from || !isHighSurrogate(source.charCodeAt(i - 1))) n++;
  }
  return n;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** `file:line:col: CODE message`, with `warning ` before the code for warnings. */
export function formatDiagnostic(d: Diagnostic, source: string): string {
  const { line, column } = lineCol(source, d.span.start);
  const severity = d.severity === "warning" ? "warning " : "";
  return `${d.file}:${line}:${column}: ${severity}${d.code} ${d.message}`;
}

/** Options of {@link renderDiagnostic}. */
export interface RenderOptions {
  /** ANSI colours (default false). */
  readonly color?: boolean;
}

const ANSI = {
  bold: "\x1b[1m",
  red: "\x1b[31m",
  yellow: "\x1b[33m",
  cyan: "\x1b[36m",
  dim: "\x1b[2m",
  reset: "\x1b[0m",
};

/**
 * The plain line, the source line under a gutter, `^` under the span (one `^` for an
 * empty span; a span running past the line is underlined to its end), and
 * `  = hint: …` when the diagnostic has a hint. No trailing newline.
 */
export function renderDiagnostic(d: Diagnostic, source: string, options: RenderOptions = {}): string {
  const paint = (code: string, text: string): string =>
    options.color ? `${code}${text}${ANSI.reset}` : text;
  const accent = d.severity === "warning" ? ANSI.yellow : ANSI.red;
  const start = Math.max(0, Math.min(d.span.start, source.length));
  const { line } = lineCol(source, start);
  const lineStart = source.lastIndexOf("\n", start - 1) + 1;
  let lineEnd = source.indexOf("\n", start);
  if (lineEnd === -1) lineEnd = source.length;
  const text = source.slice(lineStart, lineEnd).replace(/\r$/, "");
  const visibleEnd = lineStart + text.length;

  const gutter = String(line);
  const blank = " ".repeat(gutter.length);
  // Mirror tabs in the padding so the caret lines up however wide the terminal draws them.
  const pad = Array.from(source.slice(lineStart, Math.min(start, visibleEnd)), (ch) =>
    ch === "\t" ? "\t" : " ",
  ).join("");
  const underlineEnd = Math.min(Math.max(d.span.end, start), visibleEnd);
  const width = Math.max(1, codePoints(source, Math.min(start, visibleEnd), underlineEnd));

  const out = [
    paint(ANSI.bold, formatDiagnostic(d, source)),
    `  ${paint(ANSI.dim, `${gutter} |`)} ${text}`.trimEnd(),
    `  ${paint(ANSI.dim, `${blank} |`)} ${pad}${paint(accent, "^".repeat(width))}`,
  ];
  if (d.hint) out.push(`  ${paint(ANSI.cyan, "= hint:")} ${d.hint}`);
  return out.join("\n");
}

/** Every diagnostic rendered, separated by blank lines. */
export function renderDiagnostics(
  ds: readonly Diagnostic[],
  source: string,
  options: RenderOptions = {},
): string {
  return ds.map((d) => renderDiagnostic(d, source, options)).join("\n\n");
}
