/** Nothing a document holds may make a language feature throw: every feature at every offset of odd sources. */
import { describe, expect, it } from "vitest";
import { complete } from "../../../src/lsp/analysis/completion.js";
import { hover } from "../../../src/lsp/analysis/hover.js";
import { definition, references } from "../../../src/lsp/analysis/navigate.js";
import { prepareRename, rename } from "../../../src/lsp/analysis/rename.js";
import { LOGIN } from "./fixture.js";
import { makeView, uriOf } from "./make-view.js";

const SOURCES = [
  LOGIN,
  "pattern",
  "pattern P {",
  "event E { a: ",
  "`",
  'pattern `a``b` { match `x`: `T T` where `x`.`y` > 1 and event.`z` == "é" emit { `k-1`: `x` } }',
  'pattern P { match a: A where a.b.c[0].d(1) == first(a)[2] and "unterminated',
  "pattern P { match a: A next a: A followed by * where prev.x > 1 emit { a: a, b: count(zz), c: first(prev).y } }",
  "event E { a: string } event E { a: number } pattern P { match E E emit { x: E.a } } pattern P { match E }",
  "pattern P { match (a: A (b: B next c: C)+ )* where ) emit } }}}} ((( [[[",
  "/* unterminated comment pattern P { match a: A }",
  "pattern P { match 😀: A where 😀 > 1 }",
  "pattern P { key by user, order.id within 1h30m after match skip to last zz match a: A{0} until (x) }",
];

describe("robustness", () => {
  it("answers every request at every offset of odd sources without throwing", () => {
    for (const text of SOURCES) {
      const view = makeView({ "a.pattern": text, "b.pattern": "event A { x: number }\n" });
      const uri = uriOf("a.pattern");
      for (let offset = 0; offset <= text.length; offset++) {
        expect(
          () => {
            hover(view, uri, offset);
            complete(view, uri, offset);
            definition(view, uri, offset);
            references(view, uri, offset, true);
            prepareRename(view, uri, offset);
            rename(view, uri, offset, "n");
            rename(view, uri, offset, "`we``ird name`");
          },
          `${JSON.stringify(text)} at ${offset}`,
        ).not.toThrow();
      }
      // Offsets outside the text and unknown documents are no error either.
      expect(hover(view, uri, text.length + 10)).toBeNull();
      expect(complete(view, uriOf("nope.pattern"), 0).items).toEqual([]);
    }
  });

  it("refuses a multi-line name and keeps backticks inside a name", () => {
    const { text } = { text: "pattern P { match a: A emit { n: count(a) } }" };
    const view = makeView({ "a.pattern": text });
    const at = text.indexOf("a:");
    expect(rename(view, uriOf("a.pattern"), at, "x\ny")).toEqual({ error: "a name is one line of text" });
    const r = rename(view, uriOf("a.pattern"), at, "`a``b`");
    expect(r).toMatchObject({ edits: [{ newText: "`a``b`" }, { newText: "`a``b`" }] });
  });
});
