/**
 * The symbol index of a workspace: every occurrence of a variable, an event type, a
 * pattern name and a field in every document, plus the places hover explains (function
 * names, durations, terms). Each document's part is built from its AST once per parse
 * (an edit re-indexes only the edited file); a {@link WorkspaceView}'s index merges the
 * parts once and is cached with the view. Hover, completion, definition, references and
 * rename all read it; the checker's {@link PatternInfo} of a pattern is at `infoOf`.
 *
 * ```ts
 * const index = symbolIndex(view);
 * const here = occurrencesAt(index, uri, offset); // innermost first
 * const all = index.bySymbol.get(here[0].symbol);
 * ```
 */
import type { Duration, EventDecl, PatternDecl, Sequence, Span, Term } from "../../lang/ast.js";
import type { PatternInfo } from "../../lang/check.js";
import { terms } from "../../lang/items.js";
import type { ParseResult } from "../../lang/parse.js";
import type { WorkspaceView } from "../view.js";
import { walkExpr } from "./walk.js";

/** What a symbol names. */
export type SymbolKind = "variable" | "type" | "pattern" | "field";

/** A named thing of the workspace. */
export interface SymbolInfo {
  /** Unique per workspace: `type:LoginOk`, `pattern:P`, `field:LoginOk:ip`, `var:<uri>@<offset>:fail`. */
  readonly id: string;
  readonly kind: SymbolKind;
  readonly name: string;
  /** Variables: their pattern; else null. */
  readonly pattern: PatternScope | null;
  /** Fields: the event type they belong to; else null. */
  readonly owner: string | null;
}

/** A pattern as the index sees it: where it is and its variables' types (from its terms). */
export interface PatternScope {
  readonly uri: string;
  readonly decl: PatternDecl;
  /** Variable name → its event type (null for `*`), first binding wins. */
  readonly variables: ReadonlyMap<string, string | null>;
}

/** One place a symbol is written. */
export interface Occurrence {
  readonly symbol: string;
  readonly uri: string;
  /** The name as written (backticks included). */
  readonly span: Span;
  /** Its binding or declaration (a term's variable, an `event` or `pattern` name, a declared field). */
  readonly declaration: boolean;
  /** A bare term `LoginOk`: the variable is bound by the type's name, nothing is written for it. */
  readonly implicit: boolean;
}

/** Places that hover explains but that are not symbols. */
export type Mark =
  | { readonly kind: "function"; readonly uri: string; readonly span: Span; readonly name: string }
  | { readonly kind: "duration"; readonly uri: string; readonly span: Span; readonly duration: Duration }
  | {
      readonly kind: "term";
      readonly uri: string;
      readonly span: Span;
      readonly term: Term;
      readonly scope: PatternScope;
    };

/** The index of one view. */
export interface SymbolIndex {
  readonly symbols: ReadonlyMap<string, SymbolInfo>;
  /** Per document, sorted by start. */
  readonly byUri: ReadonlyMap<string, readonly Occurrence[]>;
  readonly bySymbol: ReadonlyMap<string, readonly Occurrence[]>;
  /** Per document, sorted by start. */
  readonly marks: ReadonlyMap<string, readonly Mark[]>;
  /** Declared event types: name → the first declaration and its document. */
  readonly events: ReadonlyMap<string, { readonly uri: string; readonly decl: EventDecl }>;
  /** Every event type named anywhere (declared or used in a term). */
  readonly types: ReadonlySet<string>;
  /** Fields read of each type (`a.ip` where `a` is of type T, bare names in T's `where`), declared or not. */
  readonly fieldsRead: ReadonlyMap<string, ReadonlySet<string>>;
  /** Every pattern, in document order. */
  readonly patterns: readonly PatternScope[];
  /** What the checker knows of a pattern (null if it did not see it). */
  readonly infoOf: (scope: PatternScope) => PatternInfo | null;
}

/** The id of an event type's symbol. */
export const typeId = (name: string): string => `type:${name}`;
/** The id of a pattern's symbol. */
export const patternId = (name: string): string => `pattern:${name}`;
/** The id of a field's symbol. */
export const fieldId = (type: string, name: string): string => `field:${type}:${name}`;
/** The id of a variable's symbol (its pattern is identified by document and position). */
export const variableId = (scope: PatternScope, name: string): string =>
  `var:${scope.uri}@${scope.decl.span.start}:${name}`;

const cache = new WeakMap<WorkspaceView, SymbolIndex>();

/** The index of `view`, built on first use and cached for the view's lifetime. */
export function symbolIndex(view: WorkspaceView): SymbolIndex {
  let index = cache.get(view);
  if (index === undefined) {
    index = build(view);
    cache.set(view, index);
  }
  return index;
}

/** Occurrences whose span holds `offset` (a cursor at a name's end counts), in index order. */
export function occurrencesAt(index: SymbolIndex, uri: string, offset: number): Occurrence[] {
  const sorted = index.byUri.get(uri) ?? [];
  // The first occurrence starting after `offset`; occurrences never overlap (a bare
  // term's type and its implicit variable share one span), so look back only while
  // they still reach `offset`.
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].span.start <= offset) lo = mid + 1;
    else hi = mid;
  }
  const out: Occurrence[] = [];
  for (let k = lo - 1; k >= 0 && sorted[k].span.end >= offset; k--) out.push(sorted[k]);
  return out.reverse();
}

/** Marks whose span holds `offset`, innermost (shortest) first. */
export function marksAt(index: SymbolIndex, uri: string, offset: number): Mark[] {
  return (index.marks.get(uri) ?? [])
    .filter((m) => m.span.start <= offset && offset <= m.span.end)
    .sort((a, b) => a.span.end - a.span.start - (b.span.end - b.span.start));
}

/** Collects occurrences and marks while walking the ASTs. */
export class IndexBuilder {
  readonly symbols = new Map<string, SymbolInfo>();
  readonly byUri = new Map<string, Occurrence[]>();
  readonly bySymbol = new Map<string, Occurrence[]>();
  readonly marks = new Map<string, Mark[]>();
  readonly fieldsRead = new Map<string, Set<string>>();
  readonly types = new Set<string>();

  /** Ids made once per symbol: building them per occurrence cost more than the rest of the index. */
  private readonly ids = new Map<unknown, Map<string, string>>();

  private symbol(space: unknown, name: string, make: () => SymbolInfo): string {
    let names = this.ids.get(space);
    if (names === undefined) this.ids.set(space, (names = new Map()));
    let id = names.get(name);
    if (id === undefined) {
      const info = make();
      id = info.id;
      names.set(name, id);
      if (!this.symbols.has(id)) this.symbols.set(id, info);
    }
    return id;
  }

  /** The symbol of event type `name`. */
  typeSymbol(name: string): string {
    return this.symbol("type", name, () => ({
      id: typeId(name),
      kind: "type",
      name,
      pattern: null,
      owner: null,
    }));
  }

  /** The symbol of pattern `name`. */
  patternSymbol(name: string): string {
    return this.symbol("pattern", name, () => ({
      id: patternId(name),
      kind: "pattern",
      name,
      pattern: null,
      owner: null,
    }));
  }

  /** The symbol of field `name` of event type `type`. */
  fieldSymbol(type: string, name: string): string {
    return this.symbol(`field:${type}`, name, () => ({
      id: fieldId(type, name),
      kind: "field",
      name,
      pattern: null,
      owner: type,
    }));
  }

  /** The symbol of variable `name` of `scope`. */
  variableSymbol(scope: PatternScope, name: string): string {
    return this.symbol(scope, name, () => ({
      id: variableId(scope, name),
      kind: "variable",
      name,
      pattern: scope,
      owner: null,
    }));
  }

  add(symbol: string, uri: string, span: Span, declaration: boolean, implicit = false): void {
    const o: Occurrence = { symbol, uri, span, declaration, implicit };
    push(this.byUri, uri, o);
    push(this.bySymbol, symbol, o);
  }

  mark(m: Mark): void {
    push(this.marks, m.uri, m);
  }

  /** A read of field `name` of an event of type `type`. */
  field(type: string, name: string, uri: string, span: Span): void {
    let read = this.fieldsRead.get(type);
    if (read === undefined) this.fieldsRead.set(type, (read = new Set()));
    read.add(name);
    this.add(this.fieldSymbol(type, name), uri, span, false);
  }

  /** A use of variable `name` of `scope` (an unbound name is no symbol). */
  variable(scope: PatternScope, name: string, span: Span): string | null {
    if (!scope.variables.has(name)) return null;
    this.add(this.variableSymbol(scope, name), scope.uri, span, false);
    return scope.variables.get(name) ?? null;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Each document's part of the index, kept per parse: an edit re-indexes only the edited file. */
interface DocPart {
  readonly uri: string;
  readonly b: IndexBuilder;
  readonly events: ReadonlyMap<string, { uri: string; decl: EventDecl }>;
  readonly patterns: readonly PatternScope[];
}

const parts = new WeakMap<ParseResult, DocPart>();

function docPart(uri: string, parsed: ParseResult): DocPart {
  const cached = parts.get(parsed);
  if (cached !== undefined && cached.uri === uri) return cached;
  const b = new IndexBuilder();
  const events = new Map<string, { uri: string; decl: EventDecl }>();
  // 1. Declarations: event types and their fields.
  for (const decl of parsed.ast?.events ?? []) {
    const name = decl.name.name;
    if (!events.has(name)) events.set(name, { uri, decl });
    b.types.add(name);
    b.add(b.typeSymbol(name), uri, decl.name.span, true);
    for (const f of decl.fields) b.add(b.fieldSymbol(name, f.name.name), uri, f.name.span, true);
  }
  // 2. Patterns: names, terms, key paths, skip targets, expressions.
  const patterns: PatternScope[] = [];
  for (const decl of parsed.ast?.patterns ?? []) {
    const terms = termsOf(decl.match);
    const variables = new Map<string, string | null>();
    for (const t of terms)
      if (!variables.has(t.variable.name)) variables.set(t.variable.name, t.type?.name ?? null);
    const scope: PatternScope = { uri, decl, variables };
    patterns.push(scope);
    indexPattern(b, scope, terms);
  }
  const byStart = (a: { span: Span }, c: { span: Span }) => a.span.start - c.span.start;
  for (const list of b.byUri.values()) list.sort(byStart);
  for (const list of b.marks.values()) list.sort(byStart);
  const part = { uri, b, events, patterns };
  parts.set(parsed, part);
  return part;
}

/** Every term of a sequence in source order, depth-first through groups, alternatives and permutes (the checker's variable order). */
function termsOf(seq: Sequence): Term[] {
  return [...terms(seq)].map((el) => el.item);
}

function build(view: WorkspaceView): SymbolIndex {
  const symbols = new Map<string, SymbolInfo>();
  const byUri = new Map<string, readonly Occurrence[]>();
  const bySymbol = new Map<string, readonly Occurrence[]>();
  const marks = new Map<string, readonly Mark[]>();
  const events = new Map<string, { uri: string; decl: EventDecl }>();
  const types = new Set<string>();
  const fieldsRead = new Map<string, ReadonlySet<string>>();
  const patterns: PatternScope[] = [];
  for (const doc of view.docs) {
    const part = docPart(doc.uri, doc.parsed);
    const b = part.b;
    byUri.set(doc.uri, b.byUri.get(doc.uri) ?? []);
    marks.set(doc.uri, b.marks.get(doc.uri) ?? []);
    for (const [id, info] of b.symbols) if (!symbols.has(id)) symbols.set(id, info);
    for (const [id, list] of b.bySymbol) {
      const had = bySymbol.get(id);
      bySymbol.set(id, had === undefined ? list : [...had, ...list]);
    }
    for (const [name, e] of part.events) if (!events.has(name)) events.set(name, e);
    for (const t of b.types) types.add(t);
    for (const [type, read] of b.fieldsRead) {
      const had = fieldsRead.get(type);
      fieldsRead.set(type, had === undefined ? read : new Set([...had, ...read]));
    }
    patterns.push(...part.patterns);
  }
  const infos = new Map<PatternDecl, PatternInfo>();
  for (const info of view.checked.patterns) infos.set(info.decl, info);
  return {
    symbols,
    byUri,
    bySymbol,
    marks,
    events,
    types,
    fieldsRead,
    patterns,
    infoOf: (scope) => infos.get(scope.decl) ?? null,
  };
}

function indexPattern(b: IndexBuilder, scope: PatternScope, terms: readonly Term[]): void {
  const { decl, uri } = scope;
  b.add(b.patternSymbol(decl.name.name), uri, decl.name.span, true);
  if (decl.within !== null) b.mark({ kind: "duration", uri, span: decl.within.span, duration: decl.within });

  // Terms: each binds its variable (explicitly, or implicitly by its type's name).
  for (const term of terms) {
    b.mark({ kind: "term", uri, span: term.span, term, scope });
    const varSymbol = b.variableSymbol(scope, term.variable.name);
    if (term.type !== null) {
      b.types.add(term.type.name);
      b.add(b.typeSymbol(term.type.name), uri, term.type.span, false);
    }
    if (term.explicitVariable || term.type === null) b.add(varSymbol, uri, term.variable.span, true);
    else b.add(varSymbol, uri, term.type.span, true, true);
    if (term.within !== null)
      b.mark({ kind: "duration", uri, span: term.within.span, duration: term.within });
    for (const m of term.modifiers) if (m.condition !== null) walkExpr(b, scope, m.condition, "where", null);
    if (term.where !== null) walkExpr(b, scope, term.where, "where", term.type?.name ?? null);
  }

  // `key by`: the first segment is a field of every type the pattern reads.
  const readTypes = new Set<string>();
  for (const t of scope.variables.values()) if (t !== null) readTypes.add(t);
  for (const path of decl.keyBy) {
    const head = path.segments[0];
    if (head !== undefined) for (const t of readTypes) b.field(t, head.name, uri, head.span);
  }

  const target = decl.skip?.target ?? null;
  if (target !== null) b.variable(scope, target.name, target.span);
  for (const emit of [decl.emit, decl.onTimeout?.emit ?? null]) {
    for (const f of emit?.fields ?? []) walkExpr(b, scope, f.value, "emit", null);
  }
}
