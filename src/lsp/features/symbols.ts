/**
 * Document symbols: each `event` with its fields, each `pattern` with its terms (depth
 * first through groups, as the variable table), from the document's AST (a block with a
 * syntax error is not in it, so not listed until it parses).
 */
import { type DocumentSymbol, type ServerCapabilities, SymbolKind } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { FileNode, Sequence, Term } from "../../lang/ast.js";
import { terms as termElements } from "../../lang/items.js";
import type { ServerContext } from "../context.js";
import { spanToRange } from "../positions.js";

/** The symbols of one parsed file. */
export function documentSymbols(doc: TextDocument, ast: FileNode): DocumentSymbol[] {
  const range = (span: { start: number; end: number }) => spanToRange(doc, span);
  const out: DocumentSymbol[] = [];
  for (const e of ast.events) {
    out.push({
      name: e.name.name,
      detail: "event",
      kind: SymbolKind.Struct,
      range: range(e.span),
      selectionRange: range(e.name.span),
      children: e.fields.map((f) => ({
        name: f.name.name,
        detail: `${f.type}${f.optional ? " (optional)" : ""}`,
        kind: SymbolKind.Field,
        range: range(f.span),
        selectionRange: range(f.name.span),
      })),
    });
  }
  for (const p of ast.patterns) {
    out.push({
      name: p.name.name,
      detail: "pattern",
      kind: SymbolKind.Function,
      range: range(p.span),
      selectionRange: range(p.name.span),
      children: terms(p.match).map((t) => ({
        name: t.variable.name,
        detail: `${t.type?.name ?? "*"}${t.quantifier?.raw ?? ""}`,
        kind: SymbolKind.Variable,
        range: range(t.span),
        selectionRange: range(t.variable.span),
      })),
    });
  }
  // Editors show symbols in document order.
  return out.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
}

/** The terms of a sequence in source order, through groups, alternatives and permutes. */
function terms(seq: Sequence): Term[] {
  return [...termElements(seq)].map((el) => el.item);
}

/** `textDocument/documentSymbol`. */
export function register(ctx: ServerContext): ServerCapabilities {
  ctx.connection.onDocumentSymbol(
    ctx.safe("document symbols", [], (params) => {
      const doc = ctx.textDocument(params.textDocument.uri);
      const ast = ctx.view().byUri.get(params.textDocument.uri)?.parsed.ast ?? null;
      return doc === undefined || ast === null ? [] : documentSymbols(doc, ast);
    }),
  );
  return { documentSymbolProvider: true };
}
