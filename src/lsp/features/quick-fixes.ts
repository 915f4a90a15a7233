/**
 * Quick fixes (`textDocument/codeAction`, kind `quickfix`): every diagnostic whose hint
 * is "did you mean `X`?" — a misspelt keyword, unit, duration, field type, event type,
 * variable, field, key field, skip target or function — gets one that replaces the
 * diagnostic's span with `X`. Two adjustments keep the result valid:
 *
 * - a keyword phrase whose tail already follows the span (`folowed by` → hint
 *   `followed by`) replaces only the misspelt word;
 * - a name that is not a plain identifier, or is a reserved word, is written quoted
 *   (`` `two words` ``).
 *
 * The diagnostics come from the view (the same as published), so a client that drops
 * `data` still gets its fixes.
 */
import {
  type CodeAction,
  CodeActionKind,
  type CodeActionParams,
  type ServerCapabilities,
} from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Diagnostic } from "../../lang/diagnostics.js";
import { identToSource } from "../../lang/expr-text.js";
import type { ServerContext } from "../context.js";
import { rangeToSpan } from "../positions.js";
import { toLspDiagnostic } from "./diagnostics.js";

const DID_YOU_MEAN = /did you mean `([^`]+)`\?/;

/** The text that replaces `d`'s span, or null when its hint suggests nothing to write. */
export function replacementFor(d: Diagnostic, text: string): string | null {
  const m = d.hint === undefined ? null : DID_YOU_MEAN.exec(d.hint);
  if (m === null || d.span.end <= d.span.start) return null;
  const suggestion = m[1];
  // Lexical and syntax errors (E1xxx) suggest keywords, units and durations as written.
  if (d.code.startsWith("E1")) {
    const words = suggestion.split(" ");
    for (let k = 1; k < words.length; k++) {
      const escaped = words.slice(k).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
      const tail = new RegExp(`^\\s+${escaped.join("\\s+")}(?![A-Za-z0-9_])`);
      if (tail.test(text.slice(d.span.end))) return words.slice(0, k).join(" ");
    }
    return suggestion;
  }
  // Semantic ones suggest names.
  return identToSource(suggestion);
}

/** The quick fixes of `diagnostics` (those of `doc`) that touch `span`. */
export function quickFixes(
  doc: TextDocument,
  diagnostics: readonly Diagnostic[],
  span: { start: number; end: number },
): CodeAction[] {
  const text = doc.getText();
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.span.end < span.start || d.span.start > span.end) continue;
    const newText = replacementFor(d, text);
    if (newText === null || newText === text.slice(d.span.start, d.span.end)) continue;
    const lsp = toLspDiagnostic(doc, d);
    out.push({
      title: `Change to \`${newText}\``,
      kind: CodeActionKind.QuickFix,
      diagnostics: [lsp],
      isPreferred: true,
      edit: { changes: { [doc.uri]: [{ range: lsp.range, newText }] } },
    });
  }
  return out;
}

/** `textDocument/codeAction` for quick fixes. */
export function register(ctx: ServerContext): ServerCapabilities {
  ctx.connection.onCodeAction(
    ctx.safe("quick fixes", [], (params: CodeActionParams) => {
      const only = params.context.only;
      if (only !== undefined && !only.some((k) => CodeActionKind.QuickFix.startsWith(k))) return [];
      const uri = params.textDocument.uri;
      const doc = ctx.textDocument(uri);
      if (doc === undefined) return [];
      const diagnostics = ctx.view().diagnostics.get(uri) ?? [];
      return quickFixes(doc, diagnostics, rangeToSpan(doc, params.range));
    }),
  );
  return { codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] } };
}
