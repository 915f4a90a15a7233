/** `textDocument/definition` and `textDocument/references` from `analysis/navigate.ts`. */
import type { DefinitionParams, Location, ReferenceParams, ServerCapabilities } from "vscode-languageserver";
import { definition, references } from "../analysis/navigate.js";
import type { ServerContext } from "../context.js";
import type { Place } from "../view.js";

/** Registers go to definition and find references. */
export function register(ctx: ServerContext): ServerCapabilities {
  const locations = (places: readonly Place[]): Location[] =>
    places.flatMap((p) => {
      const range = ctx.toRange(p.uri, p.span);
      return range === null ? [] : [{ uri: p.uri, range }];
    });
  ctx.connection.onDefinition(
    ctx.safe("definition", [], (p: DefinitionParams): Location[] => {
      const offset = ctx.toOffset(p.textDocument.uri, p.position);
      return offset === null ? [] : locations(definition(ctx.view(), p.textDocument.uri, offset));
    }),
  );
  ctx.connection.onReferences(
    ctx.safe("references", [], (p: ReferenceParams): Location[] => {
      const offset = ctx.toOffset(p.textDocument.uri, p.position);
      if (offset === null) return [];
      return locations(references(ctx.view(), p.textDocument.uri, offset, p.context.includeDeclaration));
    }),
  );
  return { definitionProvider: true, referencesProvider: true };
}
