/**
 * What the grammar allows at a place of a source, for editors (completion): the tokens
 * of the block before the cursor are fed to Chevrotain's content assist
 * (`computeContentAssist`) on the same parser `parse` runs, so the answer is the grammar's,
 * not a guess. Works on incomplete text: only the tokens before the cursor matter.
 *
 * ```ts
 * const at = assistAt("pattern P { match a: A wh", 25);
 * // at.word: the `wh` being typed; at.expected: `where`, `within`, a quantifier, …
 * ```
 */
import type { IToken, TokenType } from "chevrotain";
import { shortPrefix } from "./assist-prefix.js";
import { getStrictParser } from "./parser.js";
import * as T from "./tokens.js";

/** One token of the source, as plain data. */
export interface AssistToken {
  /** The token type's name: `Identifier`, `QuotedIdentifier`, `Where`, `Dot`, `NumberLiteral`… */
  readonly type: string;
  readonly image: string;
  /** UTF-16 offsets, end exclusive. */
  readonly start: number;
  readonly end: number;
  /** A reserved word (§1.1), or a contextual keyword where it is one (`permute` before `(`). */
  readonly keyword: boolean;
  /** A word: a name, a quoted name, a keyword or a unit word. */
  readonly word: boolean;
}

/** One token the grammar accepts next, with the rules that would consume it. */
export interface Expectation {
  /** The token type's name (`Identifier` and `AnyWord` mean a name). */
  readonly type: string;
  /** The keyword's text when the token is a reserved or contextual keyword (`where`, `permute`), else null. */
  readonly keyword: string | null;
  /** The rule stack from `block` down to the rule consuming the token. */
  readonly rules: readonly string[];
  /** Which occurrence of the token in that rule (`term`: 1 = the first name, 2 = the type after `:`). */
  readonly occurrence: number;
}

/** The grammar's view of a cursor position. */
export interface AssistPlace {
  /** Every token of the source. */
  readonly tokens: readonly AssistToken[];
  /** The word being typed (the cursor is inside it or at its end), or null. */
  readonly word: AssistToken | null;
  /** Index in `tokens` of the first token of the block around the cursor (its `event`/`pattern`). */
  readonly blockStart: number;
  /** Index in `tokens` of the first token after the prefix (the word being typed, or the next token). */
  readonly cursor: number;
  /** What may come at the cursor; empty when the prefix is not a valid beginning of a block. */
  readonly expected: readonly Expectation[];
}

const KEYWORD_TYPES: ReadonlySet<TokenType> = new Set([...T.KEYWORDS, ...T.CONTEXTUAL_KEYWORDS]);
const WORD_TYPES: ReadonlySet<TokenType> = new Set([
  ...T.KEYWORDS,
  ...T.CONTEXTUAL_KEYWORDS,
  T.Identifier,
  T.QuotedIdentifier,
  T.UnitWord,
]);

/** The last few sources lexed: completion and hover ask about the same text repeatedly. */
const lexed = new Map<string, { raw: IToken[]; tokens: AssistToken[] }>();

function lexCached(source: string): { raw: IToken[]; tokens: AssistToken[] } {
  const hit = lexed.get(source);
  if (hit !== undefined) return hit;
  const raw = T.lex(source);
  const tokens = raw.map((t) => ({
    type: t.tokenType.name,
    image: t.image,
    start: t.startOffset,
    end: t.startOffset + t.image.length,
    keyword: KEYWORD_TYPES.has(t.tokenType),
    word: WORD_TYPES.has(t.tokenType),
  }));
  if (lexed.size >= 4) lexed.delete(lexed.keys().next().value as string);
  const entry = { raw, tokens };
  lexed.set(source, entry);
  return entry;
}

/** Every token of `source` (cached for the last few sources). */
export function assistTokens(source: string): readonly AssistToken[] {
  return lexCached(source).tokens;
}

/** Index of the first token starting at or after `offset` (binary search). */
export function tokenIndexAt(tokens: readonly AssistToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first token of the block holding token `i`: the last `event`/`pattern` before it followed by a name and `{`. */
export function blockStartOf(tokens: readonly AssistToken[], i: number): number {
  for (let k = Math.min(i, tokens.length - 1); k >= 0; k--) {
    const t = tokens[k];
    if (
      (t.type === "Event" || t.type === "Pattern") &&
      k + 2 < tokens.length &&
      (tokens[k + 1].type === "Identifier" || tokens[k + 1].type === "QuotedIdentifier") &&
      tokens[k + 2].type === "LCurly"
    ) {
      return k;
    }
  }
  return 0;
}

type Paths = ReturnType<ReturnType<typeof getStrictParser>["computeContentAssist"]>;

function contentAssist(rule: string, prefix: IToken[]): Paths {
  try {
    return getStrictParser().computeContentAssist(rule, prefix);
  } catch {
    // A prefix the grammar rejects has no continuation.
    return [];
  }
}

/**
 * Where content assist may start again inside a block: the rule a token starts (or, with
 * `after`, the rule starting after it), and the rules around it, so rule stacks read as
 * from the block.
 */
const ANCHORS: Readonly<Record<string, { rule: string; after: boolean; outer: readonly string[] }>> = {
  Emit: { rule: "emitClause", after: false, outer: ["block", "patternDecl"] },
  Where: {
    rule: "expression",
    after: true,
    outer: ["block", "patternDecl", "matchClause", "sequence", "element", "term"],
  },
  Until: {
    rule: "modifier",
    after: false,
    outer: ["block", "patternDecl", "matchClause", "sequence", "element", "term"],
  },
  Match: { rule: "matchClause", after: false, outer: ["block", "patternDecl"] },
  After: { rule: "skipClause", after: false, outer: ["block", "patternDecl"] },
};

/** How many tokens back from the cursor {@link assistAt} looks for a place to start again. */
const ANCHOR_REACH = 24;

/** Whether the block's own `{ … }` closes within `prefix`. */
function blockEnded(prefix: readonly IToken[]): boolean {
  let depth = 0;
  for (let k = 0; k < prefix.length; k++) {
    const t = prefix[k].tokenType;
    if (t === T.LCurly) depth++;
    else if (t === T.RCurly && --depth === 0) return true;
  }
  return false;
}

/** What the grammar allows at `offset` of `source`. */
export function assistAt(source: string, offset: number): AssistPlace {
  const { raw, tokens } = lexCached(source);
  let cursor = tokenIndexAt(tokens, offset);
  let word: AssistToken | null = null;
  const before = cursor > 0 ? tokens[cursor - 1] : undefined;
  // The cursor inside a word or at its end: that word is being typed.
  if (before?.word && before.end >= offset) {
    word = before;
    cursor--;
  }
  const blockStart = blockStartOf(tokens, cursor - 1);
  const prefix = raw.slice(blockStart, cursor);
  // After the block's closing `}`, the next block may start.
  let paths = blockEnded(prefix) ? contentAssist("block", []) : contentAssist("block", shortPrefix(prefix));
  // An error earlier in the block (the user is mid-edit elsewhere) rejects the whole
  // prefix: start again from the last clause or condition shortly before the cursor (a
  // few tokens back only: content assist's cost grows steeply with the prefix).
  for (let k = cursor - 1; paths.length === 0 && k > Math.max(blockStart, cursor - ANCHOR_REACH); k--) {
    const anchor = ANCHORS[tokens[k].type];
    if (anchor === undefined || (tokens[k].type === "Match" && tokens[k - 1]?.type === "After")) continue;
    const from = anchor.after ? k + 1 : k;
    paths = contentAssist(anchor.rule, raw.slice(from, cursor)).map((p) => ({
      ...p,
      ruleStack: [...anchor.outer, ...p.ruleStack],
    }));
  }
  const seen = new Set<string>();
  const expected: Expectation[] = [];
  for (const p of paths) {
    const rules = p.ruleStack;
    const key = `${p.nextTokenType.name} ${rules.join(" ")} ${p.nextTokenOccurrence}`;
    if (seen.has(key)) continue;
    seen.add(key);
    expected.push({
      type: p.nextTokenType.name,
      keyword: KEYWORD_TYPES.has(p.nextTokenType) ? p.nextTokenType.name.toLowerCase() : null,
      rules,
      occurrence: p.nextTokenOccurrence,
    });
  }
  return { tokens, word, blockStart, cursor, expected };
}
