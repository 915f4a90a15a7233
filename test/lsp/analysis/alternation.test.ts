/**
 * The language server over alternation and `permute` (language §3.3a): variables inside
 * alternatives and permute elements are symbols like any other (outline, definition,
 * references, rename), `permute` and `|` are coloured and documented, and completion
 * offers `permute` where an element may start.
 */

import { describe, expect, it } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import { parse } from "../../../src/lang/parse.js";
import { tokenClasses } from "../../../src/lang/token-classes.js";
import { complete } from "../../../src/lsp/analysis/completion.js";
import { hover } from "../../../src/lsp/analysis/hover.js";
import { definition, references } from "../../../src/lsp/analysis/navigate.js";
import { rename } from "../../../src/lsp/analysis/rename.js";
import { KEYWORD_DOCS } from "../../../src/lsp/analysis/words.js";
import { documentSymbols } from "../../../src/lsp/features/symbols.js";
import { at } from "./fixture.js";
import { applyEdits, makeView, uriOf } from "./make-view.js";

const FUNNEL = `pattern Funnel {
  within 30 minutes
  match a: Login
        followed by (p: Purchase where amount > 0 | o: Logout next r: Rating)
        followed by permute(n: Nps, f: Feedback where score > n.score)
  emit { bought: count(p), rating: coalesce(r.stars, f.score) }
}
`;
const URI = uriOf("funnel.pattern");
const view = () => makeView({ "funnel.pattern": FUNNEL });

function cls2(seq: string, needle: string): string | undefined {
  const src = `pattern P { match ${seq} }`;
  return tokenClasses(src).find((t) => t.start === at(src, needle))?.cls;
}

/** `‸` marks the cursor (`|` is the alternation's). */
function completeAt(marked: string): string[] {
  const offset = marked.indexOf("‸");
  const text = marked.replace("‸", "");
  return complete(makeView({ "edit.pattern": text }), uriOf("edit.pattern"), offset).items.map(
    (i) => i.label,
  );
}

describe("language server: alternation and permute", () => {
  it("lists variables inside alternatives and permute elements in the outline", () => {
    const doc = TextDocument.create(URI, "cep", 1, FUNNEL);
    const [pattern] = documentSymbols(doc, parse(FUNNEL, "funnel.pattern").ast!);
    expect(pattern.children?.map((c) => c.name)).toEqual(
      expect.arrayContaining(["a", "p", "o", "r", "n", "f"]),
    );
  });

  it("finds definitions and references of a variable in an alternative", () => {
    const v = view();
    const defs = definition(v, URI, at(FUNNEL, "r.stars"));
    expect(defs.map((d) => FUNNEL.slice(d.span.start, d.span.start + 9))).toEqual(["r: Rating"]);
    const refs = references(v, URI, at(FUNNEL, "n: Nps"), true);
    expect(refs.map((r) => r.span.start)).toEqual([at(FUNNEL, "n: Nps"), at(FUNNEL, "n.score")]);
  });

  it("renames a variable of an alternative everywhere", () => {
    const result = rename(view(), URI, at(FUNNEL, "p: Purchase"), "purchase");
    if ("error" in result) throw new Error(result.error);
    const text = applyEdits(FUNNEL, result.edits);
    expect(text).toContain("(purchase: Purchase where amount > 0 | o: Logout");
    expect(text).toContain("count(purchase)");
  });

  it("colours `permute` as a keyword and `|` as an operator, `permute` as a name elsewhere", () => {
    const src = "pattern P { match permute: permute next (a: A | b: B) followed by permute(c: C, d: D) }";
    // `permute next (` starts a permute even after `:` — a syntax error there; without `(` it is a name.
    expect(cls2("x: permute next (a: A)", "permute")).toBe("keyword");
    expect(cls2("x: permute next b: B", "permute")).toBe("name");
    const cls = (needle: string, n = 0) => tokenClasses(src).find((t) => t.start === at(src, needle, n))?.cls;
    expect(cls("permute(")).toBe("keyword");
    expect(cls("permute:")).toBe("name");
    expect(cls("|")).toBe("operator");
  });

  it("documents `permute` and `|` on hover, and says which choice a term is in", () => {
    const v = view();
    expect(hover(v, URI, at(FUNNEL, "permute", 0, 2))?.markdown).toBe(
      `**permute** — ${KEYWORD_DOCS.permute}`,
    );
    expect(hover(v, URI, at(FUNNEL, "| o:"))?.markdown).toBe(`**|** — ${KEYWORD_DOCS["|"]}`);
    const onR = hover(v, URI, at(FUNNEL, "r: Rating"))?.markdown ?? "";
    expect(onR).toContain("one of: `p: Purchase` | `o: Logout next r: Rating`");
    const onF = hover(v, URI, at(FUNNEL, "f: Feedback"))?.markdown ?? "";
    expect(onF).toContain("in any order: `n: Nps`, `f: Feedback`");
  });

  it("offers `permute` where an element may start, not after a term", () => {
    expect(completeAt("pattern P { match a: A followed by ‸")).toContain("permute");
    expect(completeAt("pattern P { match a: A followed by (b: B | ‸")).toContain("permute");
    expect(completeAt("pattern P { match ‸")).toContain("permute");
    expect(completeAt("pattern P { match a: A ‸")).not.toContain("permute");
  });
});
