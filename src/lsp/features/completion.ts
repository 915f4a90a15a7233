/**
 * `textDocument/completion`: {@link complete} of `analysis/completion.ts`. Items replace
 * the word being typed; functions insert a snippet (`count($1)`); the analysis's order
 * (names specific to the place first, keywords last) is kept with `sortText`.
 */
import {
  type CompletionItem,
  CompletionItemKind,
  type CompletionParams,
  InsertTextFormat,
  MarkupKind,
  type ServerCapabilities,
} from "vscode-languageserver";
import { type CompletionKind, complete } from "../analysis/completion.js";
import type { ServerContext } from "../context.js";

const KIND: Readonly<Record<CompletionKind, CompletionItemKind>> = {
  keyword: CompletionItemKind.Keyword,
  type: CompletionItemKind.Class,
  variable: CompletionItemKind.Variable,
  field: CompletionItemKind.Field,
  function: CompletionItemKind.Function,
  unit: CompletionItemKind.Unit,
  fieldType: CompletionItemKind.TypeParameter,
};

/** Registers the completion handler; `.` triggers it (fields after `v.`). */
export function register(ctx: ServerContext): ServerCapabilities {
  ctx.connection.onCompletion(
    ctx.safe("completion", [], (p: CompletionParams): CompletionItem[] => {
      const uri = p.textDocument.uri;
      const offset = ctx.toOffset(uri, p.position);
      if (offset === null) return [];
      const result = complete(ctx.view(), uri, offset);
      const range = ctx.toRange(uri, result.span);
      if (range === null) return [];
      return result.items.map((item, i) => ({
        label: item.label,
        kind: KIND[item.kind],
        detail: item.detail,
        documentation:
          item.documentation === undefined
            ? undefined
            : { kind: MarkupKind.Markdown, value: item.documentation },
        sortText: String(i).padStart(4, "0"),
        textEdit: { range, newText: item.insertText ?? item.label },
        insertTextFormat: item.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      }));
    }),
  );
  return { completionProvider: { triggerCharacters: ["."], resolveProvider: false } };
}
