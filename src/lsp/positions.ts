/**
 * Our spans are UTF-16 offsets into a document's text, as LSP positions count
 * characters: converting is a line lookup (`TextDocument` keeps the line starts).
 * A position past a line's end or the text's end is clamped, as the protocol asks.
 */
import type { Range } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Span } from "../lang/ast.js";

/** The LSP range of `span` in `doc` (offsets outside the text are clamped). */
export function spanToRange(doc: TextDocument, span: Span): Range {
  return { start: doc.positionAt(span.start), end: doc.positionAt(span.end) };
}

/** The span of an LSP range in `doc`, start ≤ end. */
export function rangeToSpan(doc: TextDocument, range: Range): Span {
  const a = doc.offsetAt(range.start);
  const b = doc.offsetAt(range.end);
  return a <= b ? { start: a, end: b } : { start: b, end: a };
}
