/**
 * The lexer's tokens as plain data for editors (semantic tokens, folding): each
 * token's span and a coarse class, comments included. Names are only `name` here;
 * what a name is (type, variable, field…) comes from the AST.
 *
 * ```ts
 * tokenClasses("a: A where x > 1 // c")
 * // [{start:0,end:1,cls:"name"}, {start:1,end:2,cls:"punctuation"}, …, {start:17,end:21,cls:"comment"}]
 * ```
 */
import { tokenMatcher } from "chevrotain";
import * as T from "./tokens.js";

/** What a token is, lexically. */
export type TokenClass =
  | "keyword"
  | "name"
  | "number"
  | "duration"
  | "string"
  | "operator"
  | "open"
  | "close"
  | "punctuation"
  | "comment"
  | "error";

/** One token of the source. */
export interface ClassifiedToken {
  /** UTF-16 offsets, end exclusive. */
  readonly start: number;
  readonly end: number;
  readonly cls: TokenClass;
}

const OPERATORS = [
  T.Plus,
  T.Star,
  T.Minus,
  T.Slash,
  T.Percent,
  T.EqEq,
  T.NotEq,
  T.LessEq,
  T.GreaterEq,
  T.Less,
  T.Greater,
  T.Pipe,
];
const OPEN = [T.LCurly, T.LParen, T.LBracket];
const CLOSE = [T.RCurly, T.RParen, T.RBracket];

/** Every token and comment of `source`, in source order. Never throws on any input. */
export function tokenClasses(source: string): ClassifiedToken[] {
  const { tokens, comments } = T.lexWithComments(source);
  const out: ClassifiedToken[] = [];
  let c = 0;
  for (const t of tokens) {
    while (c < comments.length && comments[c].start < t.startOffset) {
      out.push({ start: comments[c].start, end: comments[c].end, cls: "comment" });
      c++;
    }
    const type = t.tokenType;
    const cls: TokenClass = tokenMatcher(t, T.LexError)
      ? "error"
      : tokenMatcher(t, T.Keyword) || type === T.Permute
        ? "keyword"
        : type === T.DurationLiteral || type === T.IsoDuration
          ? "duration"
          : tokenMatcher(t, T.AnyWord)
            ? "name"
            : type === T.NumberLiteral
              ? "number"
              : type === T.StringLiteral
                ? "string"
                : OPERATORS.includes(type)
                  ? "operator"
                  : OPEN.includes(type)
                    ? "open"
                    : CLOSE.includes(type)
                      ? "close"
                      : "punctuation";
    out.push({ start: t.startOffset, end: t.startOffset + t.image.length, cls });
  }
  for (; c < comments.length; c++)
    out.push({ start: comments[c].start, end: comments[c].end, cls: "comment" });
  return out;
}
