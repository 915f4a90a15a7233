/**
 * Formatting (whole document and range) through `cep fmt`'s formatter
 * (`lang/fmt`). A document with a syntax error is left as it is (no edits), as
 * `cep fmt` refuses it. The whole-document result is sent as one edit of the part that
 * changed, so the editor keeps the cursor and folds outside it.
 */
import type { ServerCapabilities, TextEdit } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { formatRange, formatSource } from "../../lang/fmt/index.js";
import type { ServerContext } from "../context.js";
import { rangeToSpan, spanToRange } from "../positions.js";

/** One edit turning `doc`'s `[start, end)` into `text`, trimmed to the part that differs; none when equal. */
export function minimalEdit(doc: TextDocument, start: number, end: number, text: string): TextEdit[] {
  const old = doc.getText().slice(start, end);
  if (old === text) return [];
  let prefix = 0;
  const max = Math.min(old.length, text.length);
  while (prefix < max && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < max - prefix &&
    old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)
  )
    suffix++;
  // Never split a surrogate pair.
  if (prefix > 0 && isHigh(old.charCodeAt(prefix - 1))) prefix--;
  if (suffix > 0 && isLow(old.charCodeAt(old.length - suffix))) suffix--;
  return [
    {
      range: spanToRange(doc, { start: start + prefix, end: end - suffix }),
      newText: text.slice(prefix, text.length - suffix),
    },
  ];
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** `textDocument/formatting` and `textDocument/rangeFormatting`. */
export function register(ctx: ServerContext): ServerCapabilities {
  const fileOf = (uri: string) => ctx.view().byUri.get(uri)?.file ?? uri;
  ctx.connection.onDocumentFormatting(
    ctx.safe("formatting", [] as TextEdit[], (params) => {
      const doc = ctx.textDocument(params.textDocument.uri);
      if (doc === undefined) return [];
      const r = formatSource(doc.getText(), fileOf(params.textDocument.uri));
      return r.ok ? minimalEdit(doc, 0, doc.getText().length, r.text) : [];
    }),
  );
  ctx.connection.onDocumentRangeFormatting(
    ctx.safe("range formatting", [] as TextEdit[], (params) => {
      const doc = ctx.textDocument(params.textDocument.uri);
      if (doc === undefined) return [];
      const r = formatRange(doc.getText(), fileOf(params.textDocument.uri), rangeToSpan(doc, params.range));
      return r.ok ? minimalEdit(doc, r.span.start, r.span.end, r.text) : [];
    }),
  );
  return { documentFormattingProvider: true, documentRangeFormattingProvider: true };
}
