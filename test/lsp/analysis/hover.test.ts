import { describe, expect, it } from "vitest";
import { CONTEXTUAL_KEYWORDS, KEYWORDS } from "../../../src/lang/tokens.js";
import { FUNCTIONS } from "../../../src/lang/types.js";
import { hover, humanDuration, quantifierWords } from "../../../src/lsp/analysis/hover.js";
import { FUNCTION_DOCS, KEYWORD_DOCS } from "../../../src/lsp/analysis/words.js";
import { at, LOGIN, LOGIN_URI, QUICK, QUICK_URI, SCHEMAS, SCHEMAS_URI, view } from "./fixture.js";

const md = (uri: string, offset: number) => hover(view(), uri, offset)?.markdown ?? "";

describe("hover", () => {
  it("describes a term in words, with its type's declaration", () => {
    const text = md(LOGIN_URI, at(LOGIN, "fail:"));
    expect(text).toContain("**fail**: 3 or more `LoginFailed`, strictly consecutive");
    expect(text).toContain("event LoginFailed {\n  user: string,\n  ip: string\n}");
    // on the type of the same term too
    expect(md(LOGIN_URI, at(LOGIN, "LoginFailed", 0, 2))).toContain(
      "3 or more `LoginFailed`, strictly consecutive",
    );
  });

  it("describes a variable use as its term, contiguity included", () => {
    const text = md(LOGIN_URI, at(LOGIN, "ok.user", 0, 1));
    expect(text).toContain(
      "**ok**: one `LoginOk` — after the previous term, skipping events that do not match",
    );
    expect(text).toContain("where `ip != first(fail).ip`");
    expect(md(LOGIN_URI, at(LOGIN, "Logout"))).toContain("must **not** occur before the next term");
    expect(md(LOGIN_URI, at(LOGIN, "Logout"))).toContain("no `event` declaration");
  });

  it("shows a field's declared type and who declares it", () => {
    expect(md(LOGIN_URI, at(LOGIN, "ok.ip", 0, 4))).toBe(
      "field `ip`: `string` — declared by `event LoginOk`",
    );
    expect(md(QUICK_URI, at(QUICK, "x.host", 0, 3))).toContain("field `host` of `Probe` (not declared");
  });

  it("shows an event declaration and notes that data is not renamed", () => {
    const text = md(SCHEMAS_URI, at(SCHEMAS, "LoginOk"));
    expect(text).toContain("device: string?");
    expect(text).toContain("not in the events' data");
  });

  it("shows durations in ms and in words", () => {
    expect(md(LOGIN_URI, at(LOGIN, "5 minutes", 0, 5))).toBe("`5 minutes` = 300000 ms (5 minutes)");
    expect(md(QUICK_URI, at(QUICK, "1s"))).toBe("`1s` = 1000 ms (1 second)");
    expect(humanDuration(5_400_500)).toBe("1 hour 30 minutes 500 milliseconds");
  });

  it("shows a function's signature and a keyword's line", () => {
    expect(md(LOGIN_URI, at(LOGIN, "count(fail)", 0, 2))).toBe(
      "`count(v) → number` — How many events `v` has taken.",
    );
    expect(md(LOGIN_URI, at(LOGIN, "consecutive", 0, 3))).toBe(
      `**consecutive** — ${KEYWORD_DOCS.consecutive}`,
    );
    expect(md(LOGIN_URI, at(LOGIN, "within"))).toContain("**within**");
  });

  it("shows a pattern's summary", () => {
    const text = md(LOGIN_URI, at(LOGIN, "BruteForce"));
    expect(text).toContain("- key: `user`");
    expect(text).toContain("- within: 5 minutes");
    expect(text).toContain("- after match: skip to first fail");
  });

  it("says nothing on punctuation, comments and names after `.` that are keywords", () => {
    expect(hover(view(), LOGIN_URI, at(LOGIN, "{"))).toBeNull();
    expect(hover(view(), LOGIN_URI, 3)).toBeNull();
  });

  it("words every quantifier", () => {
    expect(["?", "+", "*", "{3}", "{2,}", "{2,5}", "{0,4}", null].map(quantifierWords)).toEqual([
      "zero or one",
      "one or more",
      "zero or more",
      "exactly 3",
      "2 or more",
      "2 to 5",
      "zero to 4",
      "one",
    ]);
  });
});

describe("documentation tables", () => {
  it("has one line for every keyword of the lexer and every built-in function", () => {
    expect(Object.keys(KEYWORD_DOCS).sort()).toEqual(
      [...KEYWORDS, ...CONTEXTUAL_KEYWORDS]
        .map((k) => k.name.toLowerCase())
        .concat("|")
        .sort(),
    );
    expect(Object.keys(FUNCTION_DOCS).sort()).toEqual([...FUNCTIONS.keys()].sort());
  });
});
