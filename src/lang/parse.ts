/**
 * Source text → AST + diagnostics. Never throws (style: "parsing returns data").
 *
 * The error policy of §7:
 *
 * 1. The file is parsed one block (`event …` / `pattern …`) at a time.
 * 2. A block's syntax error is reported at the first token that cannot be consumed —
 *    unless that token could follow a single missing `)`, `]` or `}`; then the error is
 *    "missing `)`", an empty span just after the previous token. A lexical error is the
 *    block's syntax error when the parser reaches it.
 * 3. At most one syntax error per block; the parser then skips to the next `event` or
 *    `pattern` token that is followed by a name and `{`. A block longer than
 *    `MAX_BLOCK_TOKENS` is parsed only that far: without an error before it, its error
 *    is "longer than … tokens" (E1104) at the first token beyond the limit.
 * 4. Blocks with an error (syntax, or a bad value found while building the tree) are left
 *    out of the returned AST; every other block is in it, for the checker.
 *
 * ```ts
 * const { ast, diagnostics } = parse(source, "login.pattern");
 * ```
 */
import {
  createTokenInstance,
  EOF,
  type IRecognitionException,
  type IToken,
  type TokenType,
  tokenMatcher,
} from "chevrotain";
import type { EventDecl, FileNode, PatternDecl, Span } from "./ast.js";
import { buildBlock, deepFreeze } from "./build-ast.js";
import { check } from "./check.js";
import type { Diagnostic } from "./diagnostics.js";
import { lineCol } from "./format.js";
import { MAX_BLOCK_TOKENS, MAX_NESTING } from "./limits.js";
import { Messages, type MessageTemplate, message, orList, quote, suggest } from "./messages.js";
import { canFollow, expectedAfter, getStrictParser, NestingTooDeep } from "./parser.js";
import { ignoreDirectives } from "./suppress.js";
import * as T from "./tokens.js";

/** The result of {@link parse}. */
export interface ParseResult {
  /**
   * The blocks without errors, in file order (`events` and `patterns` each). Null only
   * if the parser failed internally (then `diagnostics` says so).
   */
  readonly ast: FileNode | null;
  /** Lexical, syntax and value errors (codes `E1xxx`), in source order. */
  readonly diagnostics: Diagnostic[];
  /** Every comment of the source, in order (the AST has none; the formatter puts them back). */
  readonly comments: readonly T.Comment[];
}

/** Parses one `.pattern` source. `file` is used in diagnostics and `FileNode.file`. */
export function parse(source: string, file: string): ParseResult {
  try {
    return parseUnsafe(source, file);
  } catch (e) {
    return {
      ast: null,
      comments: [],
      diagnostics: [
        {
          code: Messages.internalError.code,
          severity: "error",
          message: message(Messages.internalError, e instanceof Error ? e.message : String(e)),
          file,
          span: { start: 0, end: 0 },
        },
      ],
    };
  }
}

/**
 * Every diagnostic of one source, for golden tests and `cep check`: syntax errors, then
 * the semantic checks of every block without one (`check.ts`), sorted by position.
 */
export function diagnose(source: string, file: string): Diagnostic[] {
  const { ast, diagnostics } = parse(source, file);
  const all = ast === null ? diagnostics : [...diagnostics, ...check([ast]).diagnostics];
  // Stable: at the same position, syntax errors come first.
  return all.sort((a, b) => a.span.start - b.span.start);
}

const NESTING_HINT =
  "brackets, groups, `not`, unary `-` and path steps count; split the expression or flatten it (`a and b and c` needs no parentheses)";

const BLOCK_HINT =
  "words, numbers, strings, operators and brackets count (comments do not); split the pattern or compute the value in the events";

function parseUnsafe(source: string, file: string): ParseResult {
  const { tokens, comments } = T.lexWithComments(source);
  const parser = getStrictParser();
  const diagnostics: Diagnostic[] = [];
  const events: EventDecl[] = [];
  const patterns: PatternDecl[] = [];
  let i = 0;
  while (i < tokens.length) {
    // A valid block never contains `event|pattern Name {` after its first token, and
    // a parse that runs into one fails at its name at the latest: parsing up to there
    // gives the same result as parsing to the end of the file, and keeps the whole
    // loop linear in the file (no copy of the rest of the file per block).
    const end = nextBlockStart(tokens, i + 1);
    // A block longer than the limit is parsed only up to it (bounded time): an error
    // before the limit is still the block's one error; reaching the limit is E1104.
    const tooLong = end - i > MAX_BLOCK_TOKENS;
    const slice = tokens.slice(i, tooLong ? i + MAX_BLOCK_TOKENS : Math.min(tokens.length, end + 2));
    parser.input = slice;
    let cst: ReturnType<typeof parser.block>;
    try {
      cst = parser.block();
    } catch (e) {
      if (!(e instanceof NestingTooDeep)) throw e;
      // The block's one syntax error: nothing before this token failed to parse.
      const at = i + tokenIndex(slice, e.token);
      diagnostics.push(
        diag(Messages.nestingTooDeep, file, tokSpan(e.token), [String(MAX_NESTING)], NESTING_HINT),
      );
      i = nextBlockStart(tokens, Math.max(at, i + 1));
      continue;
    }
    const first = parser.errors[0] as IRecognitionException | undefined;
    if (first === undefined || first.name === "NotAllInputParsedException") {
      const built = buildBlock(cst, source, file);
      diagnostics.push(...built.diagnostics);
      if (built.diagnostics.length === 0) {
        if (built.node.kind === "EventDecl") events.push(built.node);
        else patterns.push(built.node);
      }
      i += parser.position();
      continue;
    }
    const at = i + tokenIndex(slice, first.token);
    if (tooLong && at === i + slice.length) {
      const block = `${tokens[i].image} ${quote(tokens[i + 1].image)}`;
      diagnostics.push(
        diag(
          Messages.blockTooLong,
          file,
          tokSpan(tokens[at]),
          [block, MAX_BLOCK_TOKENS.toLocaleString("en-US")],
          BLOCK_HINT,
        ),
      );
      i = nextBlockStart(tokens, at);
      continue;
    }
    diagnostics.push(syntaxError(source, file, tokens, i, at));
    i = nextBlockStart(tokens, Math.max(at, i + 1));
  }
  parser.input = [];
  const ignores = ignoreDirectives(source, tokens, comments);
  const ast: FileNode = {
    kind: "File",
    file,
    events,
    patterns,
    span: { start: 0, end: source.length },
    ignores,
  };
  return { ast: deepFreeze(ast), diagnostics, comments };
}

/** Index of `tok` in `tokens`; the end of input (EOF or an unknown token) is `tokens.length`. */
function tokenIndex(tokens: readonly IToken[], tok: IToken): number {
  if (tok.tokenType === EOF) return tokens.length;
  // Tokens are sorted by offset: binary search.
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = tokens[mid];
    if (t === tok) return mid;
    if (t.startOffset < tok.startOffset) lo = mid + 1;
    else hi = mid - 1;
  }
  return tokens.length;
}

/** The next `event`/`pattern` token at or after `from` that is followed by a name and `{`. */
function nextBlockStart(tokens: readonly IToken[], from: number): number {
  for (let k = from; k < tokens.length; k++) {
    const t = tokens[k];
    if (
      (t.tokenType === T.Event || t.tokenType === T.Pattern) &&
      k + 2 < tokens.length &&
      tokenMatcher(tokens[k + 1], T.Identifier) &&
      tokens[k + 2].tokenType === T.LCurly
    ) {
      return k;
    }
  }
  return tokens.length;
}

// ---------------------------------------------------------------------------
// Syntax error diagnostics

function tokSpan(t: IToken): Span {
  return { start: t.startOffset, end: t.startOffset + t.image.length };
}

function diag(
  template: MessageTemplate,
  file: string,
  span: Span,
  args: string[],
  hint?: string,
): Diagnostic {
  return {
    code: template.code,
    severity: "error",
    message: message(template, ...args),
    file,
    span,
    ...(hint ? { hint } : {}),
  };
}

const CLOSERS: ReadonlyArray<[open: TokenType, close: TokenType, text: string]> = [
  [T.LParen, T.RParen, ")"],
  [T.LBracket, T.RBracket, "]"],
  [T.LCurly, T.RCurly, "}"],
];

function fakeToken(type: TokenType, image: string): IToken {
  return createTokenInstance(
    type,
    image,
    Number.NaN,
    Number.NaN,
    Number.NaN,
    Number.NaN,
    Number.NaN,
    Number.NaN,
  );
}

/** The diagnostic for a block starting at token `start` whose parse failed at token `at`. */
function syntaxError(
  source: string,
  file: string,
  tokens: readonly IToken[],
  start: number,
  at: number,
): Diagnostic {
  const tok = at < tokens.length ? tokens[at] : fakeToken(EOF, "");
  const prev = at > 0 ? tokens[at - 1] : undefined;
  const here: Span =
    at < tokens.length
      ? tokSpan(tok)
      : {
          start: prev ? prev.startOffset + prev.image.length : 0,
          end: prev ? prev.startOffset + prev.image.length : 0,
        };

  // A lexical error where the parser stopped is the block's error.
  const problem = T.lexProblem(tok);
  if (problem) {
    return diag(
      problem.template,
      file,
      { start: problem.start, end: problem.end },
      problem.args,
      problem.hint,
    );
  }

  const prefix = tokens.slice(start, at);

  // Could the token follow a single missing `)`, `]` or `}`? Try the innermost open one first.
  if (prev) {
    for (const [open, close, text] of closerOrder(prefix)) {
      if (canFollow([...prefix, fakeToken(close, text)], tok)) {
        const opener = innermostOpen(prefix, open, close);
        const after = prev.startOffset + prev.image.length;
        const hint = opener
          ? `to close the ${quote(opener.image)} at ${at2(source, opener.startOffset)}`
          : undefined;
        return diag(Messages.missingCloser, file, { start: after, end: after }, [quote(text)], hint);
      }
    }
  }

  const expected = expectedAfter(prefix) ?? [];

  // `first`, `last`, `key` are calls; anywhere else they are reserved words.
  if (
    prev &&
    at > start &&
    (prev.tokenType === T.First || prev.tokenType === T.Last || prev.tokenType === T.Key) &&
    expected.length === 1 &&
    expected[0] === T.LParen
  ) {
    return diag(
      Messages.reservedWordAsName,
      file,
      tokSpan(prev),
      [quote(prev.image)],
      `write it in backticks to use it as a name (${quote(`\`${prev.image}\``)}), or call it: \`${prev.image}(…)\``,
    );
  }
  const termExpected = expected.includes(T.Identifier) && expected.includes(T.LParen);
  // `( a: A | )`, `( | b: B )`, `( a: A | | b: B )`: an empty alternative (§3.3a).
  const negation = tok.tokenType === T.Not || tok.tokenType === T.Next || tok.tokenType === T.Followed;
  if (
    termExpected &&
    !negation &&
    (prev?.tokenType === T.Pipe || (tok.tokenType === T.Pipe && prev?.tokenType === T.LParen))
  ) {
    return diag(
      Messages.missingAlternative,
      file,
      here,
      [prev?.tokenType === T.Pipe ? "after" : "before"],
      "each alternative of `( … | … )` is one or more terms; with a single alternative, drop the `|`",
    );
  }
  if (termExpected && negation) {
    const startOfSequence = prev?.tokenType === T.Match || prev?.tokenType === T.LParen;
    const inPermute = inPermuteList(prefix) && (prev?.tokenType === T.LParen || prev?.tokenType === T.Comma);
    return diag(
      Messages.unexpectedToken,
      file,
      here,
      [describeExpected(expected), quote(tok.image)],
      inPermute
        ? "the elements of a `permute` are terms or groups: they cannot be negated"
        : startOfSequence
          ? "a sequence starts with a term; a negated term needs a term before it"
          : prev?.tokenType === T.Pipe
            ? "an alternative starts with a term; a negated term needs a term before it"
            : "two operators in a row: a term is missing between them",
    );
  }
  // A reserved word where a name would have fitted — the two tokens after it make sense
  // after a name — is reported as such (`match key: A`, `where timeout > 1`).
  const tokenAt = (k: number) => (k < tokens.length ? tokens[k] : fakeToken(EOF, ""));
  const asName = [...prefix, fakeToken(T.Identifier, tok.image)];
  if (
    tokenMatcher(tok, T.Keyword) &&
    expected.includes(T.Identifier) &&
    canFollow(asName, tokenAt(at + 1)) &&
    (at + 1 >= tokens.length || canFollow([...asName, tokenAt(at + 1)], tokenAt(at + 2)))
  ) {
    return diag(
      Messages.reservedWordAsName,
      file,
      here,
      [quote(tok.image)],
      `write it in backticks to use it as a name: ${quote(`\`${tok.image}\``)}`,
    );
  }

  const found = at < tokens.length ? quote(tok.image) : "end of file";
  return diag(
    Messages.unexpectedToken,
    file,
    here,
    [describeExpected(expected), found],
    hintFor(tok, prev, prefix, expected),
  );
}

/** Whether the innermost open `(` of `prefix` is a permute's: `permute [op] (`. */
function inPermuteList(prefix: readonly IToken[]): boolean {
  let depth = 0;
  for (let k = prefix.length - 1; k >= 0; k--) {
    const t = prefix[k].tokenType;
    if (t === T.RParen) depth++;
    else if (t === T.LParen && depth-- === 0) {
      let j = k - 1;
      while (j >= 0 && [T.Next, T.Followed, T.By, T.Any].includes(prefix[j].tokenType)) j--;
      return j >= 0 && prefix[j].tokenType === T.Permute;
    }
  }
  return false;
}

function at2(source: string, offset: number): string {
  const { line, column } = lineCol(source, offset);
  return `${line}:${column}`;
}

/** Closers to try: the innermost unclosed opener's first, then the rest. */
function closerOrder(prefix: readonly IToken[]): typeof CLOSERS {
  const stack: TokenType[] = [];
  for (const t of prefix) {
    const opener = CLOSERS.find(([o]) => o === t.tokenType);
    if (opener) stack.push(t.tokenType);
    else {
      const closer = CLOSERS.find(([, c]) => c === t.tokenType);
      if (closer && stack[stack.length - 1] === closer[0]) stack.pop();
    }
  }
  const top = stack[stack.length - 1];
  return [...CLOSERS].sort((a, b) => Number(b[0] === top) - Number(a[0] === top));
}

function innermostOpen(prefix: readonly IToken[], open: TokenType, close: TokenType): IToken | undefined {
  const stack: IToken[] = [];
  for (const t of prefix) {
    if (t.tokenType === open) stack.push(t);
    else if (t.tokenType === close) stack.pop();
  }
  return stack[stack.length - 1];
}

// -- describing what was expected ---------------------------------------------

const EXPRESSION_START: readonly TokenType[] = [
  T.NumberLiteral,
  T.DurationLiteral,
  T.StringLiteral,
  T.True,
  T.False,
  T.Null,
  T.Event,
  T.Prev,
  T.First,
  T.Last,
  T.Key,
  T.Permute,
  T.Identifier,
  T.LBracket,
  T.LParen,
  T.Minus,
  T.Not,
];
const OPERATORS: readonly TokenType[] = [
  T.EqEq,
  T.NotEq,
  T.Less,
  T.LessEq,
  T.Greater,
  T.GreaterEq,
  T.In,
  T.Between,
  T.Is,
  T.Plus,
  T.Minus,
  T.Star,
  T.Slash,
  T.Percent,
  T.And,
  T.Or,
  T.Dot,
  T.LBracket,
  T.UnitWord,
];
const QUANTIFIER_START: readonly TokenType[] = [T.Question, T.Plus, T.Star, T.LCurly];
const MODIFIERS: readonly TokenType[] = [T.Optional, T.Greedy, T.Consecutive, T.Combinations, T.Until];

/** Display order of single tokens in "expected …" lists. */
const DISPLAY_ORDER: readonly TokenType[] = [
  T.Identifier,
  T.AnyWord,
  T.UnitWord,
  T.NumberLiteral,
  T.Event,
  T.Pattern,
  T.Key,
  T.Within,
  T.After,
  T.Match,
  T.No,
  T.Skip,
  T.To,
  T.Past,
  T.First,
  T.Last,
  T.Where,
  T.Next,
  T.Followed,
  T.Not,
  T.By,
  T.Any,
  T.Emit,
  T.On,
  T.Timeout,
  ...MODIFIERS,
  T.Or,
  T.And,
  T.In,
  T.Between,
  T.Is,
  T.True,
  T.False,
  T.Null,
  T.Prev,
  T.Question,
  T.Plus,
  T.Star,
  T.Colon,
  T.Comma,
  T.Dot,
  T.LParen,
  T.RParen,
  T.LBracket,
  T.RBracket,
  T.LCurly,
  T.RCurly,
];

/** Keyword phrases shown in messages: a keyword that always starts a phrase is shown as the phrase. */
const PHRASE: ReadonlyMap<TokenType, string> = new Map([
  [T.Followed, "followed by"],
  [T.Key, "key by"],
  [T.After, "after match"],
  [T.On, "on timeout"],
  [T.No, "no skip"],
]);

function tokenDisplay(t: TokenType, operatorPosition: boolean): string {
  if (t === T.Identifier || t === T.AnyWord) return "a name";
  if (t === T.UnitWord) return "a duration unit";
  if (t === T.NumberLiteral) return "a number";
  if (t === T.Not && operatorPosition) return "`not next`, `not followed by`";
  const phrase = PHRASE.get(t);
  if (phrase) return `\`${phrase}\``;
  if (t === EOF) return "end of file";
  const label = t.LABEL ?? t.name;
  return `\`${label.replace(/^'(.*)'$/, "$1")}\``;
}

/** "an expression", "`,` or `}`", … — tokens grouped into what a reader thinks of. */
export function describeExpected(expected: readonly TokenType[]): string {
  const set = new Set(expected);
  const items: string[] = [];
  const take = (group: readonly TokenType[]) => {
    for (const t of group) set.delete(t);
  };
  if (set.has(T.StringLiteral)) {
    items.push("an expression");
    take(EXPRESSION_START);
  }
  if (set.has(T.And)) {
    items.push("an operator");
    take(OPERATORS);
  }
  if (set.has(T.IsoDuration) || set.has(T.DurationLiteral)) {
    items.push("a duration");
    take([T.IsoDuration, T.DurationLiteral, T.NumberLiteral]);
  }
  if (set.has(T.Identifier) && set.has(T.LParen)) {
    items.push("a term");
    take([T.Identifier, T.LParen, T.Permute]);
  }
  if (set.has(T.Identifier) && set.has(T.Any)) {
    items.push("a field type (`string`, `number`, `boolean`, `time` or `any`)");
    take([T.Identifier, T.Any]);
  }
  if (set.has(T.Question) && set.has(T.LCurly) && set.has(T.Plus)) {
    items.push("a quantifier");
    take(QUANTIFIER_START);
  }
  if (set.has(T.Optional)) {
    items.push("a modifier");
    take(MODIFIERS);
  }
  const operatorPosition = set.has(T.Next) && set.has(T.Followed);
  for (const t of DISPLAY_ORDER) {
    if (set.delete(t)) items.push(tokenDisplay(t, operatorPosition));
  }
  for (const t of set) if (t !== EOF) items.push(tokenDisplay(t, operatorPosition));
  return items.length > 0 ? orList(items) : "nothing more";
}

// -- hints ----------------------------------------------------------------------

const CLAUSE_ORDER =
  "clauses go in this order: `key by`, `within`, `after match`, `match`, `emit`, `on timeout`";
/** The words that start a pattern's clauses, in their order. */
const CLAUSES: readonly TokenType[] = [T.Key, T.Within, T.After, T.Match, T.Emit, T.On];

function hintFor(
  tok: IToken,
  prev: IToken | undefined,
  prefix: readonly IToken[],
  expected: readonly TokenType[],
): string | undefined {
  const has = (t: TokenType) => expected.includes(t);
  const type = tok.tokenType;

  // A misspelt keyword or unit.
  if (tokenMatcher(tok, T.Identifier) && type !== T.QuotedIdentifier) {
    const candidates = new Map<string, string>();
    for (const t of expected) {
      if (!tokenMatcher(fakeToken(t, ""), T.Keyword)) continue;
      const word = (t.LABEL ?? t.name).replace(/^'(.*)'$/, "$1");
      const phrases =
        t === T.Not ? ["not next", "not followed by"] : PHRASE.has(t) ? [PHRASE.get(t) as string] : [word];
      candidates.set(word, phrases.length === 1 ? phrases[0] : word);
      for (const p of phrases) candidates.set(p, p);
    }
    const keyword = suggest(tok.image, candidates.keys());
    if (keyword) return `did you mean \`${candidates.get(keyword)}\`?`;
    if (has(T.UnitWord) && tok.image.length >= 3) {
      const unit = suggest(tok.image, T.UNIT_WORDS);
      if (unit) return `did you mean \`${unit}\`?`;
    }
  }

  if (has(T.IsoDuration) && /^p[0-9a-z.]*$/i.test(tok.image)) {
    if (/^p(?:t?\d)/.test(tok.image)) {
      return `ISO-8601 durations are written in upper case: \`${tok.image.toUpperCase()}\``;
    }
    if (/^PT?$/.test(tok.image)) return "an ISO-8601 duration needs at least one field, e.g. `PT1M`";
  }
  if (type === T.Star && has(T.Identifier) && has(T.LParen)) return "a `*` term needs a variable: `x: *`";
  if (type === T.Pipe) {
    return has(T.Or)
      ? "to combine conditions, write `or`; `|` separates alternatives: `( a: A | b: B )`"
      : "alternatives are written in parentheses: `( a: A | b: B )`";
  }
  if (type === T.Permute && has(T.Identifier)) {
    return has(T.LParen)
      ? "a `permute` inside a `permute` is written in parentheses: `(permute(…))`"
      : "`permute` before `(` starts a permute: write `` `permute` `` for a name";
  }
  if ((type === T.In || type === T.Between) && prev?.tokenType === T.Not) {
    return `there is no \`not ${tok.image}\`: write \`not (x ${tok.image} …)\``;
  }
  if (type === T.Within && has(T.And)) return "a term's `within` goes before its `where`";
  if ((type === T.Within || type === T.Where) && has(T.Optional) && !has(T.Within)) {
    return "`within` and `where` apply to single terms, not to groups";
  }
  const rank = CLAUSES.indexOf(type);
  if (rank >= 0 && !has(type) && prefix[0]?.tokenType === T.Pattern) {
    if (prefix.some((t) => CLAUSES.indexOf(t.tokenType) > rank)) return CLAUSE_ORDER;
    if (prev?.tokenType === T.Match) return "`match` needs at least one term";
    if (has(T.Match)) return "every pattern has a `match` clause, before `emit` and `on timeout`";
  }
  if (type === T.Colon && prev && tokenMatcher(prev, T.Keyword)) {
    return `${quote(prev.image)} is a reserved word: write it in backticks to use it as a name: ${quote(`\`${prev.image}\``)}`;
  }
  if (has(T.Comma) && type !== EOF && canFollow([...prefix, fakeToken(T.Comma, ",")], tok)) {
    return "is a `,` missing?";
  }
  return undefined;
}
