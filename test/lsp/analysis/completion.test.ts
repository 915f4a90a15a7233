import { describe, expect, it } from "vitest";
import { type CompletionKind, complete } from "../../../src/lsp/analysis/completion.js";
import { SCHEMAS } from "./fixture.js";
import { cursor, makeView, uriOf } from "./make-view.js";

const PROBE = 'pattern Other {\n  match p: Probe where p.host != "x" and p.port > 1\n}\n';

/** Complete at the `|` of `marked`, in a workspace with the schemas and another pattern. */
function labels(marked: string, kind?: CompletionKind): string[] {
  const { text, offset } = cursor(marked);
  const view = makeView({ "schemas.pattern": SCHEMAS, "other.pattern": PROBE, "edit.pattern": text });
  return complete(view, uriOf("edit.pattern"), offset)
    .items.filter((i) => kind === undefined || i.kind === kind)
    .map((i) => i.label);
}

describe("completion", () => {
  it("offers the keywords the grammar allows at the cursor, as phrases", () => {
    expect(labels("pattern P {\n  |")).toEqual(["key by", "within", "after match", "match"]);
    const afterTerm = labels("pattern P {\n  match a: LoginFailed wh|", "keyword");
    expect(afterTerm).toEqual(
      expect.arrayContaining([
        "where",
        "within",
        "consecutive",
        "followed by",
        "followed by any",
        "not next",
        "not followed by",
        "emit",
        "on timeout",
      ]),
    );
    expect(afterTerm).not.toContain("match");
    expect(labels("pattern P {\n  key by user\n  |\n}", "keyword")).toEqual([
      "within",
      "after match",
      "match",
    ]);
  });

  it("offers event types at a term: declared in any file, and undeclared ones already used", () => {
    expect(labels("pattern P {\n  match a: LoginFailed next b: |").sort()).toEqual([
      "LoginFailed",
      "LoginOk",
      "Probe",
    ]);
    expect(labels("pattern P {\n  match |", "type").sort()).toEqual(["LoginFailed", "LoginOk", "Probe"]);
  });

  it("offers the fields of the variable's type after `.`, on incomplete text", () => {
    expect(labels("pattern P {\n  match a: LoginFailed next b: LoginOk where b.|")).toEqual([
      "user",
      "ip",
      "device",
    ]);
    expect(labels("pattern P {\n  match a: LoginFailed next b: LoginOk where first(a).|")).toEqual([
      "user",
      "ip",
    ]);
    expect(labels("pattern P {\n  match a: LoginFailed{2,} next b: LoginOk where a[0].u|")).toEqual([
      "user",
      "ip",
    ]);
    expect(labels("pattern P {\n  match a: LoginFailed next b: LoginOk where event.|")).toEqual([
      "user",
      "ip",
      "device",
    ]);
    // an undeclared type: the fields other patterns read of it
    expect(labels("pattern P {\n  match q: Probe where q.|")).toEqual(["host", "port"]);
    // a path deeper than one step, and `prev`: no guess
    expect(labels("pattern P {\n  match a: LoginFailed where a.ip.|")).toEqual([]);
    expect(labels("pattern P {\n  match a: LoginFailed where prev.|")).toEqual([]);
  });

  it("offers fields of the current event, variables and functions in a where", () => {
    const items = labels("pattern P {\n  match a: LoginFailed next b: LoginOk where |\n}");
    expect(items.slice(0, 5)).toEqual(["user", "ip", "device", "a", "b"]);
    expect(items).toEqual(
      expect.arrayContaining(["count", "first", "matches", "event", "prev", "not", "true"]),
    );
  });

  it("offers variables and functions in emit, not fields; and never negated variables", () => {
    const items = labels(
      "pattern P {\n  match a: LoginFailed not next n: LoginOk followed by b: LoginOk\n  emit { x: |",
    );
    expect(items.filter((l) => ["a", "b", "n", "user"].includes(l))).toEqual(["a", "b"]);
    expect(items).toContain("count");
  });

  it("still completes after a syntax error earlier in the same pattern", () => {
    const items = labels("pattern P {\n  match a: LoginFailed next b: LoginOk where b.\n  emit { x: |");
    expect(items.filter((l) => l === "a" || l === "b")).toEqual(["a", "b"]);
    expect(labels("pattern P {\n  match a: LoginFailed where ) next b: LoginOk where |", "field")).toEqual([
      "user",
      "ip",
      "device",
    ]);
  });

  it("offers variables as a skip target, even of a pattern that does not parse yet", () => {
    expect(labels("pattern P {\n  after match skip to first |\n  match a: A next b: B\n}")).toEqual([
      "a",
      "b",
    ]);
  });

  it("gives functions their signature and a snippet", () => {
    const { text, offset } = cursor("pattern P {\n  match a: A where co|");
    const view = makeView({ "e.pattern": text });
    const result = complete(view, uriOf("e.pattern"), offset);
    expect(result.span).toEqual({ start: offset - 2, end: offset });
    expect(result.items.find((i) => i.label === "count")).toMatchObject({
      kind: "function",
      detail: "count(v) → number",
      insertText: "count($1)",
      snippet: true,
    });
    expect(result.items.find((i) => i.label === "key")).toMatchObject({ insertText: "key()" });
  });

  it("offers duration units after a number, field types in an event declaration", () => {
    expect(labels("pattern P {\n  within 5 |")).toContain("minutes");
    expect(labels("event E { a: |", "fieldType")).toEqual(["string", "number", "boolean", "time"]);
  });

  it("offers nothing inside a comment or a string", () => {
    expect(labels("pattern P {\n  // match |")).toEqual([]);
    expect(labels('pattern P {\n  match a: A where x == "ab|c"\n}')).toEqual([]);
  });
});
