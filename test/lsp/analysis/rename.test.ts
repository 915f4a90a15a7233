import { describe, expect, it } from "vitest";
import { prepareRename, rename } from "../../../src/lsp/analysis/rename.js";
import type { Replacement } from "../../../src/lsp/view.js";
import { at, FILES, LOGIN, LOGIN_URI, QUICK, QUICK_URI, SCHEMAS, SCHEMAS_URI, view } from "./fixture.js";
import { applyEdits, makeView } from "./make-view.js";

/** Apply a rename to the fixture's files; the result must re-check with no errors. */
function renamed(uri: string, offset: number, newName: string): Record<string, string> {
  const result = rename(view(), uri, offset, newName);
  if ("error" in result) throw new Error(result.error);
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(FILES)) {
    const edits = result.edits.filter((e: Replacement) => e.uri === `file:///w/${name}`);
    out[name] = applyEdits(text, edits);
  }
  const errors = [...makeView(out).diagnostics.values()].flat().filter((d) => d.severity === "error");
  expect(errors).toEqual([]);
  return out;
}

describe("prepareRename", () => {
  it("gives the name's range and the name", () => {
    expect(prepareRename(view(), LOGIN_URI, at(LOGIN, "count(fail)", 0, 8))).toEqual({
      span: { start: at(LOGIN, "count(fail)", 0, 6), end: at(LOGIN, "count(fail)", 0, 10) },
      placeholder: "fail",
    });
  });

  it("refuses keywords, literals, fields and unknown names, saying why", () => {
    expect(prepareRename(view(), LOGIN_URI, at(LOGIN, "within"))).toEqual({
      error: "`within` is a keyword: it cannot be renamed",
    });
    expect(prepareRename(view(), LOGIN_URI, at(LOGIN, "5 minutes"))).toMatchObject({
      error: expect.stringContaining("nothing to rename"),
    });
    expect(prepareRename(view(), LOGIN_URI, at(LOGIN, "ok.ip", 0, 4))).toMatchObject({
      error: expect.stringContaining("a field cannot be renamed"),
    });
  });
});

describe("rename", () => {
  it("renames a variable within its pattern: binding, conditions, emit, skip target", () => {
    const out = renamed(LOGIN_URI, at(LOGIN, "fail:"), "f");
    expect(out["login.pattern"]).toContain("skip to first f\n");
    expect(out["login.pattern"]).toContain("match f: LoginFailed{3,}");
    expect(out["login.pattern"]).toContain("ip != first(f).ip");
    expect(out["login.pattern"]).toContain("attempts: count(f), from: first(f).ip");
    expect(out["quick.pattern"]).toBe(QUICK);
  });

  it("writes a reserved word or a non-identifier in backticks", () => {
    expect(renamed(LOGIN_URI, at(LOGIN, "fail:"), "timeout")["login.pattern"]).toContain("count(`timeout`)");
    expect(renamed(LOGIN_URI, at(LOGIN, "ok:"), "`ok-2`")["login.pattern"]).toContain("`ok-2`.user");
  });

  it("writes out the binding of a bare term's variable", () => {
    const out = renamed(QUICK_URI, at(QUICK, "LoginOk.ip", 0, 1), "ok");
    expect(out["quick.pattern"]).toContain("match ok: LoginOk next x: Probe within 1s where host == ok.ip");
    expect(out["quick.pattern"]).toContain("who: ok.user");
    expect(out["schemas.pattern"]).toBe(SCHEMAS);
  });

  it("renames an event type across files, with the variables bare terms bind by its name", () => {
    const out = renamed(SCHEMAS_URI, at(SCHEMAS, "LoginOk"), "Success");
    expect(out["schemas.pattern"]).toContain("event Success {");
    expect(out["login.pattern"]).toContain("followed by ok: Success where");
    expect(out["quick.pattern"]).toBe(
      "pattern Quick {\n  match Success next x: Probe within 1s where host == Success.ip\n  emit { who: Success.user, host: x.host }\n}\n",
    );
  });

  it("renames an undeclared type and a pattern", () => {
    expect(renamed(QUICK_URI, at(QUICK, "Probe"), "Scan")["quick.pattern"]).toContain("x: Scan within");
    expect(renamed(QUICK_URI, at(QUICK, "Quick"), "Fast")["quick.pattern"]).toContain("pattern Fast {");
  });

  it("refuses a name taken in the same scope, and an empty name", () => {
    expect(rename(view(), LOGIN_URI, at(LOGIN, "fail:"), "ok")).toEqual({
      error: "`ok` is already a variable of pattern `BruteForce`",
    });
    expect(rename(view(), SCHEMAS_URI, at(SCHEMAS, "LoginOk"), "Probe")).toEqual({
      error: "`Probe` is already an event type",
    });
    expect(rename(view(), QUICK_URI, at(QUICK, "Quick"), "BruteForce")).toEqual({
      error: "`BruteForce` is already a pattern",
    });
    expect(rename(view(), SCHEMAS_URI, at(SCHEMAS, "LoginOk"), "x")).toMatchObject({
      error: expect.stringContaining("`x` is already a variable of pattern `Quick`"),
    });
    expect(rename(view(), LOGIN_URI, at(LOGIN, "fail:"), " ")).toEqual({ error: "the new name is empty" });
  });
});
