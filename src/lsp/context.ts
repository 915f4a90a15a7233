/**
 * The seam between the server and its features: what a feature module
 * (`features/*.ts`) gets to register its handlers, and nothing more.
 */
import type { Connection, Position, Range, ServerCapabilities, TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Span } from "../lang/ast.js";
import type { WorkspaceView } from "./view.js";

/** What a feature gets from the server. */
export interface ServerContext {
  readonly connection: Connection;
  /** The open documents, as the editor has them (incremental sync). */
  readonly documents: TextDocuments<TextDocument>;
  /** The workspace now: every `.pattern` file parsed, checked together. Cached until a change. */
  view(): WorkspaceView;
  /** The text of any workspace document (open, or read from disk); undefined when unknown. */
  textDocument(uri: string): TextDocument | undefined;
  /** A position of `uri` as a UTF-16 offset; null when the document is unknown. */
  toOffset(uri: string, position: Position): number | null;
  /** A span of `uri` as an LSP range; null when the document is unknown. */
  toRange(uri: string, span: Span): Range | null;
  /**
   * Wraps a request handler so that an internal error is logged (`connection.console.error`)
   * and the request answers `fallback` instead of failing: nothing a user types may break the server.
   */
  safe<P, R>(name: string, fallback: R, handler: (params: P) => R): (params: P) => R;
  /** Called with each new view after a change (after the debounce), e.g. to publish diagnostics. */
  onViewChanged(listener: (view: WorkspaceView) => void): void;
}

/**
 * A feature module's entry: registers its handlers on `ctx.connection` and returns the
 * capabilities it adds (merged into the `initialize` result).
 */
export type Feature = (ctx: ServerContext) => ServerCapabilities;

/**
 * {@link ServerContext.safe} over `log`: the handler's result, or — when it throws —
 * `fallback`, with the error and the handler's name logged.
 *
 * ```ts
 * const safe = guard((m) => connection.console.error(m));
 * connection.onHover(safe("hover", null, (params) => hover(params)));
 * ```
 */
export function guard(log: (message: string) => void): ServerContext["safe"] {
  return (name, fallback, handler) => (params) => {
    try {
      return handler(params);
    } catch (err) {
      log(`cep lsp: internal error in ${name}: ${err instanceof Error ? err.stack : String(err)}`);
      return fallback;
    }
  };
}
