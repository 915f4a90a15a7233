/**
 * Quick fixes for every kind of "did you mean `X`?" hint: the code action replaces the
 * diagnostic's span, and the document, edited as the editor applies it, is then clean.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { CodeAction, TextEdit } from "vscode-languageserver-protocol";
import { TextDocument } from "vscode-languageserver-textdocument";
import { LspClient } from "./client.js";

const SCHEMA = "event Login { user: string, ok: boolean, amount: number }\nevent Logout { user: string }\n";

/** Per kind of hint: the source after the schema, the code, and the fixed text. */
const CASES: readonly [kind: string, source: string, code: string, fixed: string][] = [
  [
    "a misspelt keyword phrase whose tail is there",
    "pattern P { match a: Login folowed by b: Logout }",
    "E1100",
    "followed",
  ],
  ["a misspelt keyword", "pattern P { key by user withn 5 m match a: Login }", "E1100", "within"],
  ["a misspelt unit", "pattern P { within 5 minuts match a: Login }", "E1100", "minutes"],
  [
    "a misspelt unit in a duration literal",
    "pattern P { within 5minuts match a: Login }",
    "E1009",
    "5minutes",
  ],
  ["a misspelt field type", "event Ev { a: strng }", "E1220", "string"],
  [
    "an undeclared event type near a declared one",
    "pattern P { match a: Logn next b: Logout }",
    "W2001",
    "Login",
  ],
  [
    "a misspelt skip target",
    "pattern P { after match skip to first aa match a: Login next b: Logout }",
    "E2013",
    "a",
  ],
  ["a misspelt key field", "pattern P { key by usr match a: Login }", "E2073", "user"],
  ["a misspelt field in where", "pattern P { match a: Login where amout > 1 }", "E2070", "amount"],
  [
    "a misspelt field of a variable",
    "pattern P { match a: Login next b: Logout where user == a.usr }",
    "E2070",
    "user",
  ],
  [
    "a misspelt variable",
    "pattern P { match a: Login next b: Logout emit { u: aa.user, v: b.user } }",
    "E2011",
    "a",
  ],
  ["a misspelt function", "pattern P { match a: Login emit { u: lowr(a.user) } }", "E2060", "lower"],
  [
    "a name that must be quoted",
    "event `Log In` { user: string }\npattern P { match a: `Log Inn` next b: Logout }",
    "W2001",
    "`Log In`",
  ],
];

let dir: string;
let client: LspClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cep-lsp-fix-"));
  client = await LspClient.start(dir);
}, 120_000);

afterAll(() => {
  client.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe("a quick fix per kind of did-you-mean hint", () => {
  test.each(CASES.map((c, i) => [...c, i] as const))("%s", async (_kind, source, code, fixed, i) => {
    const uri = `untitled:fix-${i}`;
    const text = SCHEMA + source;
    client.open(uri, text);
    const published = await client.diagnostics(uri, 1);
    expect(published.diagnostics.map((d) => d.code)).toEqual([code]);
    const diagnostic = published.diagnostics[0];
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ["quickfix"] },
    });
    expect(actions.length).toBe(1);
    const [action] = actions;
    expect(action.kind).toBe("quickfix");
    expect(action.diagnostics?.[0]).toMatchObject({ code, range: diagnostic.range });
    const edits = action.edit?.changes?.[uri] as TextEdit[];
    expect(edits).toEqual([{ range: diagnostic.range, newText: fixed }]);
    // Applied as an editor does: the document is clean.
    const doc = TextDocument.create(uri, "cep-pattern", 1, text);
    const v = client.change(
      uri,
      edits.map((e) => ({ range: e.range, text: e.newText })),
    );
    expect(TextDocument.applyEdits(doc, edits)).not.toBe(text);
    expect((await client.diagnostics(uri, v)).diagnostics).toEqual([]);
    // Documents share one workspace (their names would clash): this one goes.
    client.close(uri);
  });
});

test("no quick fix for a hint that suggests no text, nor outside the diagnostic's range, nor for other kinds", async () => {
  const uri = "untitled:no-fix";
  client.open(
    uri,
    `${SCHEMA}pattern P { match a: Login emit { u: nosuchthing(a.user) } }\npattern Q { match a: Logn }`,
  );
  const published = await client.diagnostics(uri, 1);
  expect(published.diagnostics.map((d) => d.code).sort()).toEqual(["E2060", "W2001"]);
  const unknownFunction = published.diagnostics.find((d) => d.code === "E2060");
  const at = (range: unknown, only?: string[]) =>
    client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range,
      context: { diagnostics: [], ...(only ? { only } : {}) },
    });
  expect(await at(unknownFunction?.range)).toEqual([]);
  expect(await at({ start: { line: 0, character: 0 }, end: { line: 0, character: 5 } })).toEqual([]);
  const typo = published.diagnostics.find((d) => d.code === "W2001")?.range;
  expect((await at(typo)).length).toBe(1);
  expect(await at(typo, ["refactor"])).toEqual([]);
  client.close(uri);
});
