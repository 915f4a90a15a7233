/**
 * A short prefix with the same continuations as a block's prefix, for content assist.
 *
 * Chevrotain's `computeContentAssist` explores every grammar path through the prefix, and
 * its cost grows steeply with long conditions (a 40-token term with `and` chains takes
 * tens of ms). What may come next depends only on the innermost construct the cursor is
 * in, so the prefix is cut where the grammar repeats: before the current element of the
 * sequence (`match e1 next e2…` continues as `match e2…`), before the current `emit`
 * field, and after the last top-level `and`/`or` of a condition (`a and b…` continues as
 * `b…`). The tokens kept are the block's own, behind a few real ones (`pattern P {
 * match`), so rule stacks still read from `block`.
 */
import type { IToken, TokenType } from "chevrotain";
import * as T from "./tokens.js";

const OPENERS: ReadonlySet<TokenType> = new Set([T.LParen, T.LBracket, T.LCurly]);
const CLOSERS: ReadonlySet<TokenType> = new Set([T.RParen, T.RBracket, T.RCurly]);

/**
 * `prefix` (a block's tokens before the cursor, from its `pattern`) cut to the current
 * element or `emit` field; any other prefix is returned as it is.
 */
export function shortPrefix(prefix: readonly IToken[]): IToken[] {
  if (prefix[0]?.tokenType !== T.Pattern || prefix.length < 4) return [...prefix];
  let depth = 0;
  let match = -1;
  let element = -1;
  let clause = -1; // `emit` or `on` of the pattern
  let field = -1; // first token of the current emit field
  for (let k = 3; k < prefix.length; k++) {
    const t = prefix[k].tokenType;
    if (OPENERS.has(t)) {
      depth++;
      if (depth === 1 && clause >= 0 && t === T.LCurly) field = k + 1;
      continue;
    }
    if (CLOSERS.has(t)) {
      depth--;
      continue;
    }
    if (t === T.Comma && depth === 1 && field >= 0) field = k + 1;
    if (depth !== 0) continue;
    if (t === T.Match && prefix[k - 1].tokenType !== T.After && match < 0) element = (match = k) + 1;
    else if (
      match >= 0 &&
      clause < 0 &&
      (t === T.Next || (t === T.By && prefix[k - 1].tokenType === T.Followed)) &&
      // `permute next (`, `permute followed by (`: a permute's operator, not the sequence's.
      prefix[t === T.Next ? k - 1 : k - 2]?.tokenType !== T.Permute
    ) {
      // From the operator on (`not`, `followed`, `by`, `any` included), after a stand-in
      // term: the pattern's name, a real name token.
      const op = t === T.Next ? k : k - 1;
      element = prefix[op - 1]?.tokenType === T.Not ? op - 1 : op;
    } else if (match >= 0 && t === T.On) {
      // `on timeout [emit {…}]` comes last: the `emit` before it no longer matters.
      clause = k;
      field = -1;
    } else if (match >= 0 && clause < 0 && t === T.Emit) clause = k;
  }
  if (match < 0) return [...prefix];
  const head = [prefix[0], prefix[1], prefix[2], prefix[match]];
  if (clause < 0) {
    const standIn = element === match + 1 ? [] : [prefix[1]];
    return [...head, ...standIn, ...cutCondition(prefix, element, T.Where)];
  }
  if (field < 0) return [...head, prefix[1], ...prefix.slice(clause)];
  const open = prefix.slice(clause, prefix.findIndex((t, k) => k > clause && t.tokenType === T.LCurly) + 1);
  return [...head, prefix[1], ...open, ...cutCondition(prefix, field, T.Colon)];
}

/** Tokens from `from`, with the condition after the first `start` token (`where`, or an emit field's `:`) cut after its last top-level `and`/`or`. */
function cutCondition(prefix: readonly IToken[], from: number, start: TokenType): IToken[] {
  let at = -1;
  for (let k = from; k < prefix.length; k++) {
    if (prefix[k].tokenType === start) {
      at = k;
      break;
    }
  }
  if (at < 0) return prefix.slice(from);
  let depth = 0;
  let cut = at + 1;
  let between = false;
  for (let k = at + 1; k < prefix.length; k++) {
    const t = prefix[k].tokenType;
    if (OPENERS.has(t)) depth++;
    else if (CLOSERS.has(t)) depth--;
    else if (depth !== 0) continue;
    else if (t === T.Between) between = true;
    else if (t === T.And && between) between = false;
    else if (t === T.And || t === T.Or) cut = k + 1;
  }
  return [...prefix.slice(from, at + 1), ...prefix.slice(cut)];
}
