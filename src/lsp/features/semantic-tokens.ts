/**
 * Semantic tokens (full document): keywords, numbers, strings, comments and operators
 * from the lexer (`lang/token-classes.ts`); what a name is — an event type, a variable,
 * a field (`property`), a function, a pattern (`namespace`) — from the AST (`names.ts`).
 * A name in a block with a syntax error (not in the AST) gets no token: the editor's
 * grammar colours it.
 */
import { type SemanticTokens, SemanticTokensBuilder, type ServerCapabilities } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { FileNode } from "../../lang/ast.js";
import { type TokenClass, tokenClasses } from "../../lang/token-classes.js";
import type { ServerContext } from "../context.js";
import { type NameRole, namesOf } from "../names.js";

/** The legend's token types; a token's type is its index here. */
export const TOKEN_TYPES = [
  "keyword",
  "type",
  "variable",
  "property",
  "function",
  "number",
  "string",
  "comment",
  "operator",
  "namespace",
] as const;
/** The legend's modifiers (bit i is modifier i). */
export const TOKEN_MODIFIERS = ["declaration"] as const;

const TYPE = new Map<string, number>(TOKEN_TYPES.map((t, i) => [t, i]));
const OF_CLASS: Partial<Record<TokenClass, number>> = {
  keyword: TYPE.get("keyword"),
  number: TYPE.get("number"),
  duration: TYPE.get("number"),
  string: TYPE.get("string"),
  comment: TYPE.get("comment"),
  operator: TYPE.get("operator"),
};
const OF_ROLE: Record<NameRole, number> = {
  type: TYPE.get("type") as number,
  variable: TYPE.get("variable") as number,
  property: TYPE.get("property") as number,
  function: TYPE.get("function") as number,
  pattern: TYPE.get("namespace") as number,
  duration: TYPE.get("number") as number,
};

/** The semantic tokens of `doc` (`ast`: its parse, null when none). */
export function semanticTokens(doc: TextDocument, ast: FileNode | null): SemanticTokens {
  const text = doc.getText();
  const names = new Map<number, { end: number; type: number; mods: number }>();
  const durations: { start: number; end: number }[] = [];
  if (ast !== null) {
    for (const n of namesOf(ast)) {
      if (n.role === "duration") durations.push(n.span);
      else names.set(n.span.start, { end: n.span.end, type: OF_ROLE[n.role], mods: n.declaration ? 1 : 0 });
    }
  }
  durations.sort((a, b) => a.start - b.start);
  // The field types of an `event` block are its only names the AST does not keep as names.
  const events = ast?.events.map((e) => e.span) ?? [];
  let ev = 0;
  const builder = new SemanticTokensBuilder();
  let d = 0;
  for (const t of tokenClasses(text)) {
    while (d < durations.length && durations[d].end <= t.start) d++;
    const inDuration = d < durations.length && durations[d].start <= t.start;
    let type: number | undefined;
    let mods = 0;
    if (inDuration) type = OF_ROLE.duration;
    else if (t.cls === "name") {
      const n = names.get(t.start);
      while (ev < events.length && events[ev].end <= t.start) ev++;
      if (n !== undefined && n.end === t.end) ({ type, mods } = n);
      else if (ev < events.length && events[ev].start <= t.start) type = OF_ROLE.type;
    } else type = OF_CLASS[t.cls];
    if (type === undefined) continue;
    // A token may not span lines (block comments): one per line.
    const from = doc.positionAt(t.start);
    const to = doc.positionAt(t.end);
    for (let line = from.line; line <= to.line; line++) {
      const startChar = line === from.line ? from.character : 0;
      const length = (line === to.line ? to.character : lineLength(text, doc, line)) - startChar;
      if (length > 0) builder.push(line, startChar, length, type, mods);
    }
  }
  return builder.build();
}

/** The length of `line` without its line break. */
function lineLength(text: string, doc: TextDocument, line: number): number {
  const start = doc.offsetAt({ line, character: 0 });
  let end = doc.offsetAt({ line: line + 1, character: 0 });
  if (end > start && text[end - 1] === "\n") end--;
  if (end > start && text[end - 1] === "\r") end--;
  return end - start;
}

/** `textDocument/semanticTokens/full`. */
export function register(ctx: ServerContext): ServerCapabilities {
  ctx.connection.languages.semanticTokens.on(
    ctx.safe("semantic tokens", { data: [] }, (params) => {
      const doc = ctx.textDocument(params.textDocument.uri);
      if (doc === undefined) return { data: [] };
      const ast = ctx.view().byUri.get(params.textDocument.uri)?.parsed.ast ?? null;
      return semanticTokens(doc, ast);
    }),
  );
  return {
    semanticTokensProvider: {
      legend: { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] },
      full: true,
    },
  };
}
