/**
 * The terms of the pattern around a cursor, read from its tokens: the document being
 * typed usually has a syntax error in that very block, which leaves the block out of the
 * AST, but its tokens are still there. A term starts with a name right after `match`, a
 * contiguity operator or a group's `(`; `v: T` and `v: *` bind `v`, a bare `T` binds `T`.
 */
import type { AssistToken } from "../../lang/assist.js";

/** One term found in the tokens. */
export interface ScannedTerm {
  readonly variable: string;
  /** The event type; null for `*`. */
  readonly type: string | null;
  readonly negated: boolean;
  /** Offset of the term's first token. */
  readonly start: number;
}

const NAME = new Set(["Identifier", "QuotedIdentifier"]);

/** The text of a name token (`` `a``b` `` → a`b). */
export function tokenName(t: AssistToken): string {
  return t.type === "QuotedIdentifier" ? t.image.slice(1, -1).replaceAll("``", "`") : t.image;
}

/** Whether token `k` stands where a term or group may start. */
function atTermStart(tokens: readonly AssistToken[], k: number): boolean {
  const prev = tokens[k - 1];
  if (prev === undefined) return false;
  switch (prev.type) {
    case "Match":
      return tokens[k - 2]?.type !== "After";
    case "Next":
      return tokens[k - 2]?.type !== "To";
    case "By":
      return tokens[k - 2]?.type === "Followed";
    case "Any":
      return tokens[k - 2]?.type === "By";
    case "LParen":
      return atTermStart(tokens, k - 1);
    case "Permute":
    case "Pipe":
      return true;
    case "Comma":
      return inPermute(tokens, k - 1);
    default:
      return false;
  }
}

/** Whether the innermost `(` open before token `k` is a permute's: `permute [op] (`. */
function inPermute(tokens: readonly AssistToken[], k: number): boolean {
  let depth = 0;
  for (let j = k - 1; j >= 0; j--) {
    const t = tokens[j].type;
    if (t === "RParen") depth++;
    else if (t === "LParen" && depth-- === 0) {
      let i = j - 1;
      while (i >= 0 && ["Next", "Followed", "By", "Any"].includes(tokens[i].type)) i--;
      return tokens[i]?.type === "Permute";
    }
  }
  return false;
}

/**
 * Every term of the pattern block starting at token `blockStart`, in source order (up to
 * its `emit`, `on timeout` or closing `}`).
 */
export function scanTerms(tokens: readonly AssistToken[], blockStart: number): ScannedTerm[] {
  const out: ScannedTerm[] = [];
  if (tokens[blockStart]?.type !== "Pattern") return out;
  let depth = 0;
  for (let k = blockStart + 3; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.type === "LParen" || t.type === "LBracket" || t.type === "LCurly") depth++;
    else if (t.type === "RParen" || t.type === "RBracket") depth--;
    else if (t.type === "RCurly") {
      if (depth === 0) break;
      depth--;
    } else if (
      depth === 0 &&
      (t.type === "Emit" || t.type === "On" || t.type === "Pattern" || t.type === "Event")
    ) {
      break;
    }
    if (!NAME.has(t.type) || !atTermStart(tokens, k)) continue;
    const negated =
      (tokens[k - 1].type === "Next" && tokens[k - 2]?.type === "Not") ||
      (tokens[k - 1].type === "By" && tokens[k - 3]?.type === "Not");
    const next = tokens[k + 1];
    if (next?.type === "Colon") {
      const type = tokens[k + 2];
      if (type === undefined || (!NAME.has(type.type) && type.type !== "Star")) continue;
      out.push({
        variable: tokenName(t),
        type: type.type === "Star" ? null : tokenName(type),
        negated,
        start: t.start,
      });
    } else if (next?.type !== "LParen") {
      out.push({ variable: tokenName(t), type: tokenName(t), negated, start: t.start });
    }
  }
  return out;
}
