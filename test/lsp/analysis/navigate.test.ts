import { describe, expect, it } from "vitest";
import { definition, references } from "../../../src/lsp/analysis/navigate.js";
import { occurrencesAt, symbolIndex } from "../../../src/lsp/analysis/symbols.js";
import type { Place } from "../../../src/lsp/view.js";
import { at, LOGIN, LOGIN_URI, QUICK, QUICK_URI, SCHEMAS, SCHEMAS_URI, view } from "./fixture.js";
import { cursor, makeView, uriOf } from "./make-view.js";

/** Each place as `file:text` for readable expectations. */
function show(places: readonly Place[]): string[] {
  const v = view();
  return places.map((p) => {
    const doc = v.byUri.get(p.uri);
    return `${p.uri.replace("file:///w/", "")}:${doc?.text.slice(p.span.start, p.span.end)}@${p.span.start}`;
  });
}

describe("symbol index", () => {
  it("is built once per view and cached", () => {
    const v = view();
    expect(symbolIndex(v)).toBe(symbolIndex(v));
    expect(symbolIndex(view())).not.toBe(symbolIndex(v));
  });

  it("indexes variables in terms, conditions, emit and the skip target", () => {
    const v = view();
    const index = symbolIndex(v);
    const [occ] = occurrencesAt(index, LOGIN_URI, at(LOGIN, "fail:"));
    const all = index.bySymbol.get(occ.symbol) ?? [];
    // binding, skip target, first(fail) in where, count(fail) and first(fail) in emit
    expect(all.map((o) => o.declaration)).toEqual([true, false, false, false, false]);
    expect(new Set(all.map((o) => LOGIN.slice(o.span.start, o.span.end)))).toEqual(new Set(["fail"]));
  });

  it("indexes fields read of undeclared types", () => {
    const index = symbolIndex(view());
    expect([...(index.fieldsRead.get("Probe") ?? [])]).toEqual(["host"]);
    expect(index.types.has("Logout")).toBe(true);
  });
});

describe("definition", () => {
  it("takes a variable use to its term", () => {
    expect(show(definition(view(), LOGIN_URI, at(LOGIN, "count(fail)", 0, 7)))).toEqual([
      `login.pattern:fail@${at(LOGIN, "fail:")}`,
    ]);
  });

  it("takes a type in a term to its event declaration in another file", () => {
    expect(show(definition(view(), LOGIN_URI, at(LOGIN, "LoginOk", 0, 3)))).toEqual([
      `schemas.pattern:LoginOk@${at(SCHEMAS, "LoginOk")}`,
    ]);
  });

  it("takes a bare term's variable use to the bare term", () => {
    expect(show(definition(view(), QUICK_URI, at(QUICK, "LoginOk.ip", 0, 2)))).toEqual([
      `quick.pattern:LoginOk@${at(QUICK, "LoginOk")}`,
    ]);
  });

  it("takes a field read to its declaration, and a key path to every declared type having it", () => {
    expect(show(definition(view(), LOGIN_URI, at(LOGIN, "ok.ip", 0, 4)))).toEqual([
      `schemas.pattern:ip@${at(SCHEMAS, "ip", 1)}`,
    ]);
    expect(show(definition(view(), LOGIN_URI, at(LOGIN, "key by user", 0, 8)))).toEqual([
      `schemas.pattern:user@${at(SCHEMAS, "user")}`,
      `schemas.pattern:user@${at(SCHEMAS, "user", 1)}`,
    ]);
  });

  it("finds nothing on an undeclared type, a keyword or a literal", () => {
    const v = view();
    expect(definition(v, LOGIN_URI, at(LOGIN, "Logout"))).toEqual([]);
    expect(definition(v, LOGIN_URI, at(LOGIN, "within"))).toEqual([]);
    expect(definition(v, LOGIN_URI, at(LOGIN, "5 minutes"))).toEqual([]);
  });
});

describe("references", () => {
  it("finds a type across files, honouring includeDeclaration", () => {
    const v = view();
    expect(show(references(v, SCHEMAS_URI, at(SCHEMAS, "LoginOk"), true))).toEqual([
      `login.pattern:LoginOk@${at(LOGIN, "LoginOk")}`,
      `quick.pattern:LoginOk@${at(QUICK, "LoginOk")}`,
      `schemas.pattern:LoginOk@${at(SCHEMAS, "LoginOk")}`,
    ]);
    expect(references(v, SCHEMAS_URI, at(SCHEMAS, "LoginOk"), false)).toHaveLength(2);
  });

  it("finds a field's declaration and reads: bare names in where, v.f, first(v).f", () => {
    const places = show(references(view(), SCHEMAS_URI, at(SCHEMAS, "ip", 1), true));
    expect(places).toEqual([
      `login.pattern:ip@${at(LOGIN, "ip !=")}`,
      `login.pattern:ip@${at(LOGIN, "ok.ip", 0, 3)}`,
      `quick.pattern:ip@${at(QUICK, "LoginOk.ip", 0, 8)}`,
      `schemas.pattern:ip@${at(SCHEMAS, "ip", 1)}`,
    ]);
    // first(fail).ip reads LoginFailed's ip, not LoginOk's
    expect(show(references(view(), SCHEMAS_URI, at(SCHEMAS, "ip"), false))).toEqual([
      `login.pattern:ip@${at(LOGIN, "first(fail).ip", 0, 12)}`,
      `login.pattern:ip@${at(LOGIN, "first(fail).ip", 1, 12)}`,
    ]);
  });

  it("keeps variables of different patterns apart", () => {
    const { text, offset } = cursor(
      "pattern A { match x: T emit { n: count(|x) } }\npattern B { match x: T emit { n: count(x) } }",
    );
    const v = makeView({ "a.pattern": text });
    const refs = references(v, uriOf("a.pattern"), offset, true);
    expect(refs.map((p) => p.span.start)).toEqual([text.indexOf("x"), offset]);
  });
});
