/**
 * Folding ranges: brackets (`{…}` blocks, `(…)` groups, `[…]` lists) that span lines,
 * from the lexer's tokens so a block being typed (not yet in the AST) folds too;
 * multi-line block comments and runs of two or more line comments.
 */
import { type FoldingRange, FoldingRangeKind, type ServerCapabilities } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { tokenClasses } from "../../lang/token-classes.js";
import type { ServerContext } from "../context.js";

const PAIR: Record<string, string> = { "}": "{", ")": "(", "]": "[" };

/** The folding ranges of `doc`. */
export function foldingRanges(doc: TextDocument): FoldingRange[] {
  const text = doc.getText();
  const out: FoldingRange[] = [];
  const open: { char: string; line: number }[] = [];
  let run: { start: number; end: number } | null = null;
  const endRun = () => {
    if (run !== null && run.end > run.start)
      out.push({ startLine: run.start, endLine: run.end, kind: FoldingRangeKind.Comment });
    run = null;
  };
  for (const t of tokenClasses(text)) {
    const line = doc.positionAt(t.start).line;
    if (t.cls === "comment") {
      const endLine = doc.positionAt(t.end).line;
      if (text.startsWith("/*", t.start)) {
        endRun();
        if (endLine > line) out.push({ startLine: line, endLine, kind: FoldingRangeKind.Comment });
      } else if (text.slice(doc.offsetAt({ line, character: 0 }), t.start).trim() !== "") {
        endRun(); // a comment after code starts no run
      } else if (run !== null && line === run.end + 1) run.end = line;
      else {
        endRun();
        run = { start: line, end: line };
      }
      continue;
    }
    endRun();
    if (t.cls === "open") open.push({ char: text[t.start], line });
    else if (t.cls === "close") {
      // Unbalanced brackets (a document being typed): match the nearest opener of the same kind.
      const want = PAIR[text[t.start]];
      let i = open.length - 1;
      while (i >= 0 && open[i].char !== want) i--;
      if (i < 0) continue;
      const start = open[i].line;
      open.length = i;
      if (line - 1 > start) out.push({ startLine: start, endLine: line - 1 });
    }
  }
  endRun();
  return out;
}

/** `textDocument/foldingRange`. */
export function register(ctx: ServerContext): ServerCapabilities {
  ctx.connection.onFoldingRanges(
    ctx.safe("folding", [], (params) => {
      const doc = ctx.textDocument(params.textDocument.uri);
      return doc === undefined ? [] : foldingRanges(doc);
    }),
  );
  return { foldingRangeProvider: true };
}
