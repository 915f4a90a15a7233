/**
 * The language features end to end, as an editor uses them: hover, completion (after
 * `.`, on incomplete text), definition, references across files, and rename of a
 * variable, an event type across files and a pattern — the WorkspaceEdit applied and
 * the result re-checked with no errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type {
  CompletionItem,
  Hover,
  Location,
  Position,
  TextEdit,
  WorkspaceEdit,
} from "vscode-languageserver-protocol";
import { check } from "../../src/lang/check.js";
import { parse } from "../../src/lang/parse.js";
import { cepBin, LspClient, uriOf } from "./client.js";

const SCHEMAS = `event LoginFailed { user: string, ip: string }
event LoginOk { user: string, ip: string, device: string? }
`;

const LOGIN = `pattern BruteForce {
  key by user
  within 5 minutes
  match fail: LoginFailed{3,} consecutive
        followed by ok: LoginOk where ip != first(fail).ip
  emit { user: ok.user, attempts: count(fail) }
}
`;

const QUICK = `pattern Quick {
  match LoginOk next x: Probe
  emit { who: LoginOk.user }
}
`;

let dir: string;
let client: LspClient | null = null;
const file = (name: string) => join(dir, name);
const uri = (name: string) => uriOf(file(name));

beforeAll(() => {
  cepBin();
}, 120_000);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cep-lsp-intel-"));
  writeFileSync(file("schemas.pattern"), SCHEMAS);
  writeFileSync(file("login.pattern"), LOGIN);
  writeFileSync(file("quick.pattern"), QUICK);
});

afterEach(() => {
  client?.kill();
  client = null;
  rmSync(dir, { recursive: true, force: true });
});

/** The position of the `n`-th `needle` in `text`, `delta` characters in. */
function pos(text: string, needle: string, delta = 0, n = 0): Position {
  let i = -1;
  for (let k = 0; k <= n; k++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`${needle} not found`);
  const before = text.slice(0, i + delta).split("\n");
  return { line: before.length - 1, character: before[before.length - 1].length };
}

function offsetOf(text: string, p: Position): number {
  const lines = text.split("\n");
  let offset = 0;
  for (let l = 0; l < p.line; l++) offset += lines[l].length + 1;
  return offset + p.character;
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetOf(text, b.range.start) - offsetOf(text, a.range.start));
  let out = text;
  for (const e of sorted)
    out = out.slice(0, offsetOf(text, e.range.start)) + e.newText + out.slice(offsetOf(text, e.range.end));
  return out;
}

/** Apply a WorkspaceEdit to the files (the open one from `open`); the result must check with no errors. */
function applyAndCheck(edit: WorkspaceEdit, open: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ["schemas.pattern", "login.pattern", "quick.pattern"]) {
    const text = open[name] ?? readFileSync(file(name), "utf8");
    out[name] = applyEdits(text, edit.changes?.[uri(name)] ?? []);
  }
  const asts = Object.entries(out).map(([name, text]) => {
    const parsed = parse(text, name);
    expect(parsed.diagnostics).toEqual([]);
    return parsed.ast!;
  });
  expect(check(asts).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return out;
}

const at = (name: string, position: Position) => ({ textDocument: { uri: uri(name) }, position });

describe("cep lsp language features", () => {
  test("initialize announces hover, completion (triggered by `.`), definition, references and rename", async () => {
    const c = (client = await LspClient.start(dir));
    expect(c.initializeResult.capabilities).toMatchObject({
      hoverProvider: true,
      completionProvider: { triggerCharacters: ["."] },
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
    });
  });

  test("hover: a term in words with its type's fields, a field's type, a duration, a keyword", async () => {
    const c = (client = await LspClient.start(dir));
    const hover = (p: Position) => c.request<Hover | null>("textDocument/hover", at("login.pattern", p));
    /** The Markdown of a hover ("" when none). */
    const markdown = async (p: Position) => {
      const h = await hover(p);
      expect(h === null || (h.contents as { kind: string }).kind === "markdown").toBe(true);
      return h === null ? "" : (h.contents as { value: string }).value;
    };
    const term = await hover(pos(LOGIN, "fail:"));
    expect(term?.range).toEqual({ start: pos(LOGIN, "fail:"), end: pos(LOGIN, "fail:", 4) });
    const text = await markdown(pos(LOGIN, "fail:"));
    expect(text).toContain("**fail**: 3 or more `LoginFailed`, strictly consecutive");
    expect(text).toContain("user: string");
    expect(await markdown(pos(LOGIN, "ok.user", 4))).toBe(
      "field `user`: `string` — declared by `event LoginOk`",
    );
    expect(await markdown(pos(LOGIN, "5 minutes", 1))).toBe("`5 minutes` = 300000 ms (5 minutes)");
    expect(await markdown(pos(LOGIN, "within"))).toContain("**within** —");
    expect(await hover(pos(LOGIN, "{"))).toBeNull();
  });

  test("completion after `.` and on incomplete text, as the user types", async () => {
    const c = (client = await LspClient.start(dir));
    const name = "quick.pattern";
    c.open(uri(name), QUICK);
    // Type ` where LoginOk.` after `x: Probe`, one keystroke group at a time.
    let text = QUICK;
    const end = pos(QUICK, "x: Probe", 8);
    for (const piece of [" where", " LoginOk", "."]) {
      const insertAt: Position = { line: end.line, character: text.split("\n")[end.line].length };
      c.change(uri(name), [{ range: { start: insertAt, end: insertAt }, text: piece }]);
      text = `${text.slice(0, offsetOf(text, insertAt))}${piece}${text.slice(offsetOf(text, insertAt))}`;
    }
    const cursor: Position = { line: end.line, character: text.split("\n")[end.line].length };
    const items = await c.request<CompletionItem[]>("textDocument/completion", at(name, cursor));
    expect(items.map((i) => i.label)).toEqual(["user", "ip", "device"]);
    expect(items[0]).toMatchObject({ kind: 5, detail: "string — LoginOk", textEdit: { newText: "user" } });

    // Start a new term: event types from every file, and the keywords the grammar allows.
    const atTerm: Position = { line: 1, character: "  match ".length };
    const terms = await c.request<CompletionItem[]>("textDocument/completion", at(name, atTerm));
    expect(
      terms
        .filter((i) => i.kind === 7)
        .map((i) => i.label)
        .sort(),
    ).toEqual(["LoginFailed", "LoginOk", "Probe"]);

    // In emit: variables and functions with snippets.
    const inEmit = pos(text, "who: ", 5);
    const emitItems = await c.request<CompletionItem[]>("textDocument/completion", at(name, inEmit));
    expect(emitItems.filter((i) => i.kind === 6).map((i) => i.label)).toEqual(["LoginOk", "x"]);
    expect(emitItems.find((i) => i.label === "count")).toMatchObject({
      insertTextFormat: 2,
      textEdit: { newText: "count($1)" },
      detail: "count(v) → number",
    });
  });

  test("definition and references across files, includeDeclaration honoured", async () => {
    const c = (client = await LspClient.start(dir));
    const def = await c.request<Location[]>(
      "textDocument/definition",
      at("login.pattern", pos(LOGIN, "LoginOk", 2)),
    );
    expect(def).toEqual([
      {
        uri: uri("schemas.pattern"),
        range: { start: pos(SCHEMAS, "LoginOk"), end: pos(SCHEMAS, "LoginOk", 7) },
      },
    ]);
    const varDef = await c.request<Location[]>(
      "textDocument/definition",
      at("login.pattern", pos(LOGIN, "count(fail)", 7)),
    );
    expect(varDef).toEqual([
      { uri: uri("login.pattern"), range: { start: pos(LOGIN, "fail:"), end: pos(LOGIN, "fail:", 4) } },
    ]);

    const refs = (includeDeclaration: boolean) =>
      c.request<Location[]>("textDocument/references", {
        ...at("schemas.pattern", pos(SCHEMAS, "LoginOk")),
        context: { includeDeclaration },
      });
    const withDecl = await refs(true);
    expect(withDecl.map((l) => l.uri.slice(l.uri.lastIndexOf("/") + 1))).toEqual([
      "login.pattern",
      "quick.pattern",
      "schemas.pattern",
    ]);
    expect((await refs(false)).map((l) => l.uri.slice(l.uri.lastIndexOf("/") + 1))).toEqual([
      "login.pattern",
      "quick.pattern",
    ]);
  });

  test("rename a variable: the edit re-checks with no errors", async () => {
    const c = (client = await LspClient.start(dir));
    const p = at("login.pattern", pos(LOGIN, "count(fail)", 8));
    expect(await c.request("textDocument/prepareRename", p)).toEqual({
      range: { start: pos(LOGIN, "count(fail)", 6), end: pos(LOGIN, "count(fail)", 10) },
      placeholder: "fail",
    });
    const edit = await c.request<WorkspaceEdit>("textDocument/rename", { ...p, newName: "failures" });
    const out = applyAndCheck(edit);
    expect(out["login.pattern"]).toContain("match failures: LoginFailed{3,}");
    expect(out["login.pattern"]).toContain("first(failures).ip");
    expect(out["login.pattern"]).toContain("count(failures)");
  });

  test("rename an event type across files, from an open, edited document", async () => {
    const c = (client = await LspClient.start(dir));
    c.open(uri("quick.pattern"), QUICK);
    // An edit the rename must see: a second reference to LoginOk.
    const line2 = pos(QUICK, "who: LoginOk.user", 17);
    c.change(uri("quick.pattern"), [{ range: { start: line2, end: line2 }, text: ", ip: LoginOk.ip" }]);
    const edited = QUICK.replace("LoginOk.user", "LoginOk.user, ip: LoginOk.ip");
    const edit = await c.request<WorkspaceEdit>("textDocument/rename", {
      ...at("quick.pattern", pos(edited, "LoginOk", 2)),
      newName: "Success",
    });
    const out = applyAndCheck(edit, { "quick.pattern": edited });
    expect(out["schemas.pattern"]).toContain("event Success {");
    expect(out["login.pattern"]).toContain("followed by ok: Success where");
    expect(out["quick.pattern"]).toContain("match Success next x: Probe");
    expect(out["quick.pattern"]).toContain("emit { who: Success.user, ip: Success.ip }");
  });

  test("rename a pattern; refusals come back as errors with a sentence", async () => {
    const c = (client = await LspClient.start(dir));
    const edit = await c.request<WorkspaceEdit>("textDocument/rename", {
      ...at("quick.pattern", pos(QUICK, "Quick")),
      newName: "Fast",
    });
    expect(applyAndCheck(edit)["quick.pattern"]).toContain("pattern Fast {");
    await expect(
      c.request("textDocument/prepareRename", at("login.pattern", pos(LOGIN, "within"))),
    ).rejects.toThrow("`within` is a keyword: it cannot be renamed");
    await expect(
      c.request("textDocument/rename", {
        ...at("quick.pattern", pos(QUICK, "Quick")),
        newName: "BruteForce",
      }),
    ).rejects.toThrow("`BruteForce` is already a pattern");
    // The server is still there.
    expect(
      await c.request<Hover | null>("textDocument/hover", at("quick.pattern", pos(QUICK, "Quick"))),
    ).not.toBeNull();
  });
});
