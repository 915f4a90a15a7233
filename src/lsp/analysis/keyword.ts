/**
 * The keyword under the cursor (a reserved word, `permute` where it starts a permute, or
 * the `|` of an alternation), when it is used as one: after `.`, as an `emit` key and as
 * an `event` field name any word is a plain name (§1.1).
 */

import { assistTokens, tokenIndexAt } from "../../lang/assist.js";
import type { Span } from "../../lang/ast.js";
import type { WorkspaceView } from "../view.js";

/** The keyword at `offset` of document `uri` (the cursor inside it or at its end), or null. */
export function keywordAt(
  view: WorkspaceView,
  uri: string,
  offset: number,
): { word: string; span: Span } | null {
  const doc = view.byUri.get(uri);
  if (doc === undefined) return null;
  const tokens = assistTokens(doc.text);
  const i = tokenIndexAt(tokens, offset + 1) - 1;
  const t = tokens[i];
  if (t === undefined || t.end < offset) return null;
  // `|` between alternatives is documented like a keyword.
  if (t.type === "Pipe") return { word: t.image, span: { start: t.start, end: t.end } };
  if (!t.keyword) return null;
  if (tokens[i - 1]?.type === "Dot" || tokens[i + 1]?.type === "Colon") return null;
  return { word: t.image, span: { start: t.start, end: t.end } };
}
