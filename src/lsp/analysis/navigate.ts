/**
 * Go to definition and find references: variables → their term, event types → their
 * `event` declaration (across files), patterns → their name, fields → their declaration.
 *
 * ```ts
 * definition(view, uri, offset);        // Place[]: where the name under the cursor is bound
 * references(view, uri, offset, true);  // Place[]: every occurrence, the declaration included
 * ```
 */
import type { Place, WorkspaceView } from "../view.js";
import { type Occurrence, occurrencesAt, type SymbolIndex, type SymbolInfo, symbolIndex } from "./symbols.js";

/**
 * The symbol under the cursor and the occurrence it was found by. On a bare term
 * (`LoginOk`, whose variable is its type's name) the type wins.
 */
export function symbolAt(
  index: SymbolIndex,
  uri: string,
  offset: number,
): { symbol: SymbolInfo; occurrence: Occurrence } | null {
  const found = occurrencesAt(index, uri, offset);
  const occurrence = found.find((o) => index.symbols.get(o.symbol)?.kind === "type") ?? found[0];
  if (occurrence === undefined) return null;
  const symbol = index.symbols.get(occurrence.symbol);
  return symbol === undefined ? null : { symbol, occurrence };
}

function place(o: Occurrence): Place {
  return { uri: o.uri, span: o.span };
}

/** In document order: by URI, then offset. */
function inOrder(places: Place[]): Place[] {
  return places.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.span.start - b.span.start));
}

/**
 * The symbols at `offset`: usually one; a `key by` field names that field of every
 * declared type the pattern reads, so it has one symbol per type.
 */
function symbolsAt(index: SymbolIndex, uri: string, offset: number): string[] {
  const at = symbolAt(index, uri, offset);
  if (at === null) return [];
  if (at.symbol.kind !== "field") return [at.symbol.id];
  return occurrencesAt(index, uri, offset)
    .filter((o) => o.span.start === at.occurrence.span.start && index.symbols.get(o.symbol)?.kind === "field")
    .map((o) => o.symbol);
}

/** Where the symbol at `offset` is bound or declared; empty for an undeclared type or an unknown name. */
export function definition(view: WorkspaceView, uri: string, offset: number): Place[] {
  const index = symbolIndex(view);
  return inOrder(
    symbolsAt(index, uri, offset).flatMap((id) =>
      (index.bySymbol.get(id) ?? []).filter((o) => o.declaration).map(place),
    ),
  );
}

/** Every occurrence of the symbol at `offset`, declarations only when `includeDeclaration`. */
export function references(
  view: WorkspaceView,
  uri: string,
  offset: number,
  includeDeclaration: boolean,
): Place[] {
  const index = symbolIndex(view);
  const places = symbolsAt(index, uri, offset).flatMap((id) =>
    (index.bySymbol.get(id) ?? []).filter((o) => includeDeclaration || !o.declaration).map(place),
  );
  // A `key by` field is one place for several symbols: list it once.
  const unique = new Map(places.map((p) => [`${p.uri} ${p.span.start}`, p]));
  return inOrder([...unique.values()]);
}
