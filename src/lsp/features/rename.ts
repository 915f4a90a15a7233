/**
 * `textDocument/prepareRename` and `textDocument/rename` from `analysis/rename.ts`. A
 * refusal (a keyword, a field, a name taken in the scope) is a `RequestFailed` error
 * carrying the analysis's sentence, which editors show.
 */
import {
  LSPErrorCodes,
  type PrepareRenameParams,
  type Range,
  type RenameParams,
  ResponseError,
  type ServerCapabilities,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver";
import { prepareRename, rename } from "../analysis/rename.js";
import type { ServerContext } from "../context.js";

/** Registers rename with its prepare step. */
export function register(ctx: ServerContext): ServerCapabilities {
  ctx.connection.onPrepareRename(
    ctx.safe(
      "prepareRename",
      null,
      (p: PrepareRenameParams): { range: Range; placeholder: string } | ResponseError<void> | null => {
        const uri = p.textDocument.uri;
        const offset = ctx.toOffset(uri, p.position);
        if (offset === null) return null;
        const found = prepareRename(ctx.view(), uri, offset);
        if ("error" in found) return new ResponseError(LSPErrorCodes.RequestFailed, found.error);
        const range = ctx.toRange(uri, found.span);
        return range === null ? null : { range, placeholder: found.placeholder };
      },
    ),
  );
  ctx.connection.onRenameRequest(
    ctx.safe("rename", null, (p: RenameParams): WorkspaceEdit | ResponseError<void> | null => {
      const uri = p.textDocument.uri;
      const offset = ctx.toOffset(uri, p.position);
      if (offset === null) return null;
      const result = rename(ctx.view(), uri, offset, p.newName);
      if ("error" in result) return new ResponseError(LSPErrorCodes.RequestFailed, result.error);
      const changes: Record<string, TextEdit[]> = {};
      for (const e of result.edits) {
        const range = ctx.toRange(e.uri, e.span);
        if (range === null) continue;
        (changes[e.uri] ??= []).push({ range, newText: e.newText });
      }
      return { changes };
    }),
  );
  return { renameProvider: { prepareProvider: true } };
}
