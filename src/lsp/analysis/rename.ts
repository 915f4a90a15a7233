/**
 * Rename of variables (within their pattern), event types (their declaration and every
 * term, across files) and patterns, with `prepareRename`'s check of what is under the
 * cursor. A new name that is a reserved word or not a plain identifier is written in
 * backticks (§1.1); a name already taken in the same scope is refused.
 *
 * Renaming a type renames a bare term's variable with it (`LoginOk` binds the variable
 * `LoginOk`; its uses follow the type's new name); renaming such a variable writes the
 * binding out (`LoginOk` → `ok: LoginOk`). Events in data are not renamed.
 *
 * ```ts
 * prepareRename(view, uri, offset); // { span, placeholder } | { error }
 * rename(view, uri, offset, "ok");  // { edits: Replacement[] } | { error }
 * ```
 */
import type { Span } from "../../lang/ast.js";
import { identToSource } from "../../lang/expr-text.js";
import type { Replacement, WorkspaceView } from "../view.js";
import { keywordAt } from "./keyword.js";
import { symbolAt } from "./navigate.js";
import {
  type Occurrence,
  occurrencesAt,
  type SymbolIndex,
  type SymbolInfo,
  symbolIndex,
  typeId,
} from "./symbols.js";

/** A refusal, with the sentence to show. */
export interface RenameError {
  readonly error: string;
}

/** The range to rename and the current name. */
export interface RenamePlace {
  readonly span: Span;
  readonly placeholder: string;
}

/** What can be renamed at `offset`, or why nothing can. */
export function prepareRename(view: WorkspaceView, uri: string, offset: number): RenamePlace | RenameError {
  const found = renameable(view, uri, offset);
  if ("error" in found) return found;
  return { span: found.occurrence.span, placeholder: found.symbol.name };
}

/** The edits renaming the symbol at `offset` to `newName` (as typed: plain, or in backticks). */
export function rename(
  view: WorkspaceView,
  uri: string,
  offset: number,
  newName: string,
): { readonly edits: Replacement[] } | RenameError {
  const found = renameable(view, uri, offset);
  if ("error" in found) return found;
  const name = parseName(newName);
  if (typeof name !== "string") return name;
  const { symbol, index } = found;
  if (name === symbol.name) return { edits: [] };
  const text = identToSource(name);
  const taken = collision(index, symbol, name);
  if (taken !== null) return { error: taken };

  const edits = new Map<string, Replacement>();
  const replace = (o: Occurrence, newText: string, span: Span = o.span) =>
    edits.set(`${o.uri} ${span.start} ${span.end}`, { uri: o.uri, span, newText });
  for (const o of index.bySymbol.get(symbol.id) ?? []) {
    if (o.implicit) replace(o, `${text}: `, { start: o.span.start, end: o.span.start });
    else replace(o, text);
  }
  if (symbol.kind === "type") {
    // Bare terms of this type bind a variable by the type's name: its uses follow.
    for (const v of implicitVariables(index, symbol.name)) {
      for (const o of index.bySymbol.get(v.id) ?? []) if (!o.implicit) replace(o, text);
    }
  }
  return {
    edits: [...edits.values()].sort((a, b) => a.uri.localeCompare(b.uri) || a.span.start - b.span.start),
  };
}

function renameable(
  view: WorkspaceView,
  uri: string,
  offset: number,
): { symbol: SymbolInfo; occurrence: Occurrence; index: SymbolIndex } | RenameError {
  const index = symbolIndex(view);
  const at = symbolAt(index, uri, offset);
  if (at === null) {
    const kw = keywordAt(view, uri, offset);
    if (kw !== null) return { error: `\`${kw.word}\` is a keyword: it cannot be renamed` };
    return { error: "nothing to rename here: variables, event types and patterns can be renamed" };
  }
  if (at.symbol.kind === "field") {
    return { error: "a field cannot be renamed: its name is in the events' data" };
  }
  return { ...at, index };
}

/** The name as typed: `` `a b` `` is unquoted (a doubled backtick is one). */
function parseName(typed: string): string | RenameError {
  let name = typed.trim();
  const quoted = /^`(.*)`$/s.exec(name);
  if (quoted !== null) name = quoted[1].replaceAll("``", "`");
  if (name === "") return { error: "the new name is empty" };
  if (/[\r\n\u2028\u2029]/.test(name)) return { error: "a name is one line of text" };
  return name;
}

/** Why `name` is taken in `symbol`'s scope, or null. */
function collision(index: SymbolIndex, symbol: SymbolInfo, name: string): string | null {
  const quoted = `\`${identToSource(name)}\``;
  switch (symbol.kind) {
    case "variable": {
      const scope = symbol.pattern;
      if (scope?.variables.has(name))
        return `${quoted} is already a variable of pattern \`${scope.decl.name.name}\``;
      return null;
    }
    case "type": {
      if (index.types.has(name)) return `${quoted} is already an event type`;
      for (const v of implicitVariables(index, symbol.name)) {
        const scope = v.pattern;
        if (scope?.variables.has(name)) {
          return `${quoted} is already a variable of pattern \`${scope.decl.name.name}\`, where the bare term \`${identToSource(symbol.name)}\` would bind it too`;
        }
      }
      return null;
    }
    case "pattern":
      return index.patterns.some((p) => p.decl.name.name === name) ? `${quoted} is already a pattern` : null;
    case "field":
      return "a field cannot be renamed";
  }
}

/** The variables bound by bare terms of `type` (`LoginOk` binds `LoginOk`). */
function implicitVariables(index: SymbolIndex, type: string): SymbolInfo[] {
  const out: SymbolInfo[] = [];
  for (const o of index.bySymbol.get(typeId(type)) ?? []) {
    for (const other of occurrencesAt(index, o.uri, o.span.start)) {
      if (!other.implicit || other.span.start !== o.span.start) continue;
      const sym = index.symbols.get(other.symbol);
      if (sym !== undefined) out.push(sym);
    }
  }
  return out;
}
