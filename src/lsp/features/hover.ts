/** `textDocument/hover`: {@link hover} of `analysis/hover.ts` as Markdown. */
import { type Hover, type HoverParams, MarkupKind, type ServerCapabilities } from "vscode-languageserver";
import { hover } from "../analysis/hover.js";
import type { ServerContext } from "../context.js";

/** Registers the hover handler. */
export function register(ctx: ServerContext): ServerCapabilities {
  ctx.connection.onHover(
    ctx.safe("hover", null, (p: HoverParams): Hover | null => {
      const uri = p.textDocument.uri;
      const offset = ctx.toOffset(uri, p.position);
      if (offset === null) return null;
      const found = hover(ctx.view(), uri, offset);
      if (found === null) return null;
      return {
        contents: { kind: MarkupKind.Markdown, value: found.markdown },
        range: ctx.toRange(uri, found.span) ?? undefined,
      };
    }),
  );
  return { hoverProvider: true };
}
