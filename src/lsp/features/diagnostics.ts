/**
 * Diagnostics as the user types: `cep check`'s (the view's — syntax, semantic, compile;
 * same codes, messages, spans, severities), for every workspace file, published for each
 * file whose diagnostics changed after each change (an empty list clears a fixed file).
 *
 * The hint goes after the message (`hint: …`, as `cep check` prints it under the code
 * frame) and in `data.hint`, which quick fixes read.
 */
import {
  DiagnosticSeverity,
  type Diagnostic as LspDiagnostic,
  type ServerCapabilities,
} from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Diagnostic } from "../../lang/diagnostics.js";
import type { ServerContext } from "../context.js";
import { spanToRange } from "../positions.js";

/** What `data` of a published diagnostic holds. */
export interface DiagnosticData {
  readonly hint?: string;
}

/** The LSP form of one of our diagnostics in `doc`. */
export function toLspDiagnostic(doc: TextDocument, d: Diagnostic): LspDiagnostic {
  const data: DiagnosticData = d.hint === undefined ? {} : { hint: d.hint };
  return {
    range: spanToRange(doc, d.span),
    severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    source: "cep",
    message: d.hint === undefined ? d.message : `${d.message}\nhint: ${d.hint}`,
    data,
  };
}

/** Publishes diagnostics after every change of the workspace. */
export function register(ctx: ServerContext): ServerCapabilities {
  /** What was last published per URI (as JSON, to publish only changes). */
  const published = new Map<string, string>();
  ctx.onViewChanged((view) => {
    const seen = new Set<string>();
    for (const doc of view.docs) {
      seen.add(doc.uri);
      const text = ctx.textDocument(doc.uri);
      if (text === undefined) continue;
      const list = (view.diagnostics.get(doc.uri) ?? []).map((d) => toLspDiagnostic(text, d));
      const key = JSON.stringify(list);
      // An open document's new version gets its diagnostics even when unchanged: editors wait for them.
      const versioned = doc.version === null ? key : `${doc.version}\n${key}`;
      if (published.get(doc.uri) === versioned) continue;
      if (published.get(doc.uri) === undefined && list.length === 0 && doc.version === null) {
        published.set(doc.uri, versioned);
        continue;
      }
      published.set(doc.uri, versioned);
      void ctx.connection.sendDiagnostics({
        uri: doc.uri,
        version: doc.version ?? undefined,
        diagnostics: list,
      });
    }
    for (const uri of [...published.keys()]) {
      if (seen.has(uri)) continue;
      published.delete(uri);
      void ctx.connection.sendDiagnostics({ uri, diagnostics: [] });
    }
  });
  return {};
}
