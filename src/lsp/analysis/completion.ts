/**
 * Completion: what may be written at the cursor. Keywords come from the grammar
 * (`assistAt`: Chevrotain's content assist over the block's tokens before the cursor),
 * so they are exactly those valid there; names come from the same answer's context — a
 * term's type, a name in `where`/`until`/`emit`, a field after `v.`, a skip target, a
 * key path — filled from the workspace's symbol index (types and fields, across files)
 * and from the tokens of the pattern being typed (its variables), which works while the
 * block does not parse.
 *
 * ```ts
 * complete(view, uri, offset); // { span, items: [{ label: "where", kind: "keyword" }, …] }
 * ```
 */

import { type AssistToken, assistAt, type Expectation } from "../../lang/assist.js";
import type { Span } from "../../lang/ast.js";
import { identToSource } from "../../lang/expr-text.js";
import { FUNCTIONS } from "../../lang/types.js";
import type { WorkspaceView } from "../view.js";
import { type ScannedTerm, scanTerms, tokenName } from "./scope.js";
import { type SymbolIndex, symbolIndex } from "./symbols.js";
import { FUNCTION_DOCS, KEYWORD_DOCS } from "./words.js";

/** What a completion item is. */
export type CompletionKind = "keyword" | "type" | "variable" | "field" | "function" | "unit" | "fieldType";

/** One completion item. */
export interface CompletionEntry {
  readonly label: string;
  readonly kind: CompletionKind;
  /** One line shown beside the label (a type, a signature). */
  readonly detail?: string;
  /** Markdown. */
  readonly documentation?: string;
  /** The text to insert when it differs from the label; a snippet (`$1`) when `snippet`. */
  readonly insertText?: string;
  readonly snippet?: boolean;
}

/** The items, and the range they replace (the word being typed; empty at the cursor otherwise). */
export interface CompletionResult {
  readonly span: Span;
  readonly items: readonly CompletionEntry[];
}

const NONE: readonly CompletionEntry[] = [];

/** Keywords written as the phrase they always start, in their context. */
const PHRASES: Readonly<Record<string, readonly string[]>> = {
  followed: ["followed by", "followed by any"],
  "not contiguity": ["not next", "not followed by"],
  "key keyByClause": ["key by"],
  after: ["after match"],
  on: ["on timeout"],
  no: ["no skip"],
};

const UNITS = ["ms", "s", "seconds", "min", "minutes", "h", "hours", "d", "days", "w", "weeks"];
const FIELD_TYPES = ["string", "number", "boolean", "time"];

/** Completion at `offset` of document `uri`. */
export function complete(view: WorkspaceView, uri: string, offset: number): CompletionResult {
  const doc = view.byUri.get(uri);
  const empty = { span: { start: offset, end: offset }, items: NONE };
  if (doc === undefined) return empty;
  for (const c of doc.parsed.comments) {
    if (c.start < offset && (offset < c.end || (c.kind === "line" && offset === c.end))) return empty;
  }
  const place = assistAt(doc.text, offset);
  const before = place.tokens[place.cursor - 1];
  // Inside a string or a number: nothing to complete.
  if (place.word === null && before !== undefined && before.end > offset) return empty;
  const span = place.word === null ? empty.span : { start: place.word.start, end: place.word.end };

  const index = symbolIndex(view);
  const terms = scanTerms(place.tokens, place.blockStart);
  const items = new Map<string, CompletionEntry>();
  const add = (e: CompletionEntry) => {
    if (!items.has(`${e.kind} ${e.label}`)) items.set(`${e.kind} ${e.label}`, e);
  };
  for (const exp of place.expected) {
    const rule = exp.rules[exp.rules.length - 1] ?? "";
    if (exp.keyword !== null) {
      keyword(exp, rule, add);
      continue;
    }
    switch (`${exp.type} ${rule}`) {
      case "Identifier term":
        for (const t of index.types)
          add({ label: identToSource(t), kind: "type", detail: typeDetail(index, t) });
        // Types of the block being typed: it does not parse, so the index has not seen them.
        for (const t of terms) {
          if (t.type !== null)
            add({ label: identToSource(t.type), kind: "type", detail: typeDetail(index, t.type) });
        }
        break;
      case "Identifier call":
        names(exp, place.tokens, place.cursor, terms, index, add);
        break;
      case "AnyWord member":
        fieldsAfterDot(place.tokens, place.cursor, terms, exp, index, add);
        break;
      case "Identifier skipClause":
        variables(terms, add);
        break;
      case "Identifier keyPath":
        for (const t of terms) if (t.type !== null) fieldsOf(index, t.type, add);
        break;
      case "Identifier fieldDecl":
        for (const f of FIELD_TYPES) add({ label: f, kind: "fieldType" });
        break;
      case "UnitWord numberOrDuration":
      case "UnitWord durationPart":
        for (const u of UNITS) add({ label: u, kind: "unit" });
        break;
    }
  }
  // Names first, as an editor shows them: what is specific to the place before the keywords.
  return { span, items: [...items.values()].sort((a, b) => RANK[a.kind] - RANK[b.kind]) };
}

const RANK: Readonly<Record<CompletionKind, number>> = {
  field: 0,
  variable: 1,
  type: 2,
  function: 3,
  unit: 4,
  fieldType: 4,
  keyword: 5,
};

function keyword(exp: Expectation, rule: string, add: (e: CompletionEntry) => void): void {
  const word = exp.keyword as string;
  // `first(…)`, `last(…)`, `key()` in an expression are functions, offered as such.
  if (rule === "call") return;
  const phrases = PHRASES[`${word} ${rule}`] ?? PHRASES[word] ?? [word];
  for (const label of phrases) add({ label, kind: "keyword", documentation: KEYWORD_DOCS[word] });
}

function variables(terms: readonly ScannedTerm[], add: (e: CompletionEntry) => void): void {
  for (const t of terms) {
    if (t.negated) continue;
    add({
      label: identToSource(t.variable),
      kind: "variable",
      detail: t.type === null ? "any event" : identToSource(t.type),
    });
  }
}

/** A name in an expression: in `where`/`until`, fields of the current event, variables, functions; in `emit`, variables and functions. */
function names(
  exp: Expectation,
  tokens: readonly AssistToken[],
  cursor: number,
  terms: readonly ScannedTerm[],
  index: SymbolIndex,
  add: (e: CompletionEntry) => void,
): void {
  const inEmit = exp.rules.includes("emitClause");
  if (!inEmit && !exp.rules.includes("modifier")) {
    const current = currentTerm(tokens, cursor, terms);
    if (current?.type != null) fieldsOf(index, current.type, add);
  }
  variables(terms, add);
  for (const [name, fn] of FUNCTIONS) {
    const doc = FUNCTION_DOCS[name];
    add({
      label: name,
      kind: "function",
      detail: doc?.signature,
      documentation: doc?.doc,
      insertText: fn.maxArgs === 0 ? `${name}()` : `${name}($1)`,
      snippet: fn.maxArgs > 0,
    });
  }
}

/** The term whose `where` holds the cursor: the last one starting before it. */
function currentTerm(
  tokens: readonly AssistToken[],
  cursor: number,
  terms: readonly ScannedTerm[],
): ScannedTerm | undefined {
  const offset = tokens[cursor - 1]?.start ?? 0;
  let found: ScannedTerm | undefined;
  for (const t of terms) if (t.start <= offset) found = t;
  return found;
}

/** After `v.`, `first(v).`, `v[i].` or `event.`: the fields of the event's type. */
function fieldsAfterDot(
  tokens: readonly AssistToken[],
  cursor: number,
  terms: readonly ScannedTerm[],
  exp: Expectation,
  index: SymbolIndex,
  add: (e: CompletionEntry) => void,
): void {
  if (tokens[cursor - 1]?.type !== "Dot") return;
  const type = objectType(tokens, cursor - 2, terms, exp);
  if (type !== null) fieldsOf(index, type, add);
}

function objectType(
  tokens: readonly AssistToken[],
  k: number,
  terms: readonly ScannedTerm[],
  exp: Expectation,
): string | null {
  const t = tokens[k];
  if (t === undefined) return null;
  const typeOf = (name: string) => terms.find((x) => x.variable === name)?.type ?? null;
  switch (t.type) {
    case "Identifier":
    case "QuotedIdentifier":
      return tokens[k - 1]?.type === "Dot" ? null : typeOf(tokenName(t));
    case "Event":
      return exp.rules.includes("emitClause") || exp.rules.includes("modifier")
        ? null
        : (currentTerm(tokens, k + 1, terms)?.type ?? null);
    case "RBracket": {
      const open = opening(tokens, k, "LBracket", "RBracket");
      const v = tokens[open - 1];
      return v !== undefined && (v.type === "Identifier" || v.type === "QuotedIdentifier")
        ? typeOf(tokenName(v))
        : null;
    }
    case "RParen": {
      const open = opening(tokens, k, "LParen", "RParen");
      const callee = tokens[open - 1]?.type;
      const arg = tokens[open + 1];
      if ((callee === "First" || callee === "Last") && open + 2 === k && arg !== undefined)
        return typeOf(tokenName(arg));
      return null;
    }
    default:
      return null;
  }
}

function opening(tokens: readonly AssistToken[], close: number, open: string, closeType: string): number {
  let depth = 0;
  for (let k = close; k >= 0; k--) {
    if (tokens[k].type === closeType) depth++;
    else if (tokens[k].type === open && --depth === 0) return k;
  }
  return -1;
}

/** A type's declared fields, then the fields read of it elsewhere (all of them, for an undeclared type). */
function fieldsOf(index: SymbolIndex, type: string, add: (e: CompletionEntry) => void): void {
  const declared = index.events.get(type)?.decl;
  for (const f of declared?.fields ?? []) {
    add({
      label: identToSource(f.name.name, true),
      kind: "field",
      detail: `${f.type}${f.optional ? "?" : ""} — ${identToSource(type)}`,
    });
  }
  for (const name of index.fieldsRead.get(type) ?? []) {
    if (declared?.fields.some((f) => f.name.name === name)) continue;
    add({
      label: identToSource(name, true),
      kind: "field",
      detail: `read of ${identToSource(type)} elsewhere`,
    });
  }
}

function typeDetail(index: SymbolIndex, type: string): string {
  const declared = index.events.get(type);
  if (declared === undefined) return "event type (undeclared)";
  return `event ${identToSource(type)} { ${declared.decl.fields.map((f) => identToSource(f.name.name, true)).join(", ")} }`;
}
