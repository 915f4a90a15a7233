/**
 * `formatSource` and `formatRange`: the canonical layout of a `.pattern` source
 * (`cep fmt`, the language server's formatting requests).
 *
 * A source with any syntax error is refused with its diagnostics: text the parser could
 * not read is never rewritten. Semantic errors do not matter (an unknown type is still
 * laid out). Every comment is kept; the result is a fixed point (formatting it again
 * changes nothing).
 */
import type { Span } from "../ast.js";
import type { Diagnostic } from "../diagnostics.js";
import { identToSource } from "../expr-text.js";
import { parse } from "../parse.js";
import { lexWithComments } from "../tokens.js";
import { Cursor } from "./cursor.js";
import { printDoc } from "./doc.js";
import { type Block, Rules } from "./rules.js";

/** Options of {@link formatSource} and {@link formatRange}. */
export interface FormatOptions {
  /** Maximum line width the layout aims for (default 100). */
  readonly width?: number;
}

/** The formatted text (with `changed` false when it equals the input), or why there is none. */
export type FormatResult =
  | { readonly ok: true; readonly text: string; readonly changed: boolean }
  | { readonly ok: false; readonly diagnostics: Diagnostic[] };

/** The replacement for a run of whole blocks (`span` is in the input), or why there is none. */
export type RangeFormatResult =
  | { readonly ok: true; readonly span: Span; readonly text: string }
  | { readonly ok: false; readonly diagnostics: Diagnostic[] };

/** The default maximum line width. */
export const DEFAULT_WIDTH = 100;

interface Laid {
  readonly text: string;
  readonly blocks: readonly Block[];
  readonly marks: ReadonlyMap<number, number>;
}

/**
 * Formats a whole `.pattern` source. `file` names it in diagnostics.
 *
 * ```ts
 * const r = formatSource("pattern P{match a:A   followed by b:B}", "p.pattern");
 * // r.ok && r.text === "pattern P {\n  match a: A\n        followed by b: B\n}\n"
 * ```
 */
export function formatSource(source: string, file: string, options: FormatOptions = {}): FormatResult {
  const laid = layout(source, file, options);
  if (!("text" in laid)) return laid;
  return { ok: true, text: laid.text, changed: laid.text !== source };
}

/**
 * Formats the smallest run of whole top-level blocks (`event …`, `pattern …`) that
 * covers `span` (or holds it, when it is empty): `span` in the result is what to
 * replace in `source`, `text` what to put there. Outside every block, the result
 * replaces nothing. The whole source must parse.
 */
export function formatRange(
  source: string,
  file: string,
  span: Span,
  options: FormatOptions = {},
): RangeFormatResult {
  const laid = layout(source, file, options);
  if (!("text" in laid)) return laid;
  const hit = (b: Block) =>
    span.start === span.end
      ? b.node.span.start <= span.start && span.start <= b.node.span.end
      : b.node.span.start < span.end && b.node.span.end > span.start;
  const first = laid.blocks.findIndex(hit);
  if (first < 0) return { ok: true, span: { start: span.start, end: span.start }, text: "" };
  let last = first;
  while (last + 1 < laid.blocks.length && hit(laid.blocks[last + 1])) last++;
  const from = laid.marks.get(2 * first) ?? 0;
  const to = laid.marks.get(2 * last + 1) ?? laid.text.length;
  return {
    ok: true,
    span: { start: laid.blocks[first].node.span.start, end: laid.blocks[last].node.span.end },
    text: laid.text.slice(from, to),
  };
}

function layout(
  source: string,
  file: string,
  options: FormatOptions,
): Laid | { ok: false; diagnostics: Diagnostic[] } {
  const { ast, diagnostics } = parse(source, file);
  if (ast === null || diagnostics.some((d) => d.severity === "error")) return { ok: false, diagnostics };
  const { tokens, comments } = lexWithComments(source);
  const nodes = [...ast.events, ...ast.patterns].sort((a, b) => a.span.start - b.span.start);
  // Two `event` declarations on consecutive lines stay together and align their `{`.
  const adjacent = nodes.map(
    (n, i) =>
      i > 0 &&
      n.kind === "EventDecl" &&
      nodes[i - 1].kind === "EventDecl" &&
      !/\n[ \t\r\uFEFF]*\n/.test(source.slice(nodes[i - 1].span.end, n.span.start).replace(/\r\n/g, "\n")),
  );
  const blocks: Block[] = [];
  for (let i = 0; i < nodes.length; ) {
    let j = i + 1;
    while (j < nodes.length && adjacent[j]) j++;
    const run = nodes.slice(i, j);
    const pad = Math.max(...run.map((n) => (n.kind === "EventDecl" ? nameWidth(n.name.name) : 0)));
    for (const n of run) blocks.push(n.kind === "EventDecl" ? { node: n, pad } : { node: n, pad: 0 });
    i = j;
  }
  const cursor = new Cursor(source, tokens, comments);
  let printed: ReturnType<typeof printDoc>;
  try {
    printed = printDoc(new Rules(cursor).file(blocks, adjacent), options.width ?? DEFAULT_WIDTH);
    if (!cursor.done || !cursor.commentsDone) throw new Error("a token or comment was left out");
  } catch (e) {
    return { ok: false, diagnostics: [internalError(file, e)] };
  }
  const text = printed.text === "" ? "" : `${printed.text}\n`;
  return { text, blocks, marks: printed.marks };
}

/** Width of a declared type's name as printed (backticks when needed). */
function nameWidth(name: string): number {
  return identToSource(name).length;
}

function internalError(file: string, e: unknown): Diagnostic {
  return {
    code: "E1999",
    severity: "error",
    message: `internal error in the formatter: ${e instanceof Error ? e.message : String(e)}`,
    file,
    span: { start: 0, end: 0 },
  };
}
