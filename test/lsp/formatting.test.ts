/**
 * Formatting through the server: the whole document becomes what `cep fmt`'s formatter
 * makes of it, a range formats only the blocks it touches, a document with a syntax
 * error is left alone.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { TextEdit } from "vscode-languageserver-protocol";
import { TextDocument } from "vscode-languageserver-textdocument";
import { formatSource } from "../../src/lang/fmt/index.js";
import { LspClient } from "./client.js";

const MESSY = `event   A{x:number}
// keep me
pattern P{match a:A   followed by b:A where x>1}

pattern   Q { match   c:A }
`;

let dir: string;
let client: LspClient;
const options = { tabSize: 2, insertSpaces: true };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cep-lsp-fmt-"));
  client = await LspClient.start(dir);
}, 120_000);

afterAll(() => {
  client.kill();
  rmSync(dir, { recursive: true, force: true });
});

test("document formatting gives the formatter's text, as one minimal edit", async () => {
  const uri = "untitled:fmt-doc";
  client.open(uri, MESSY);
  const edits = await client.request<TextEdit[]>("textDocument/formatting", {
    textDocument: { uri },
    options,
  });
  const expected = formatSource(MESSY, "x.pattern");
  if (!expected.ok) throw new Error("the sample must format");
  expect(expected.changed).toBe(true);
  expect(edits.length).toBe(1);
  // Minimal: the unchanged first characters are not in the edit.
  expect(edits[0].range.start).toEqual({ line: 0, character: "event ".length });
  expect(TextDocument.applyEdits(TextDocument.create(uri, "cep-pattern", 1, MESSY), edits)).toBe(
    expected.text,
  );
  // Formatted text formats to nothing.
  const v = client.change(uri, [
    { range: { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } }, text: expected.text },
  ]);
  await client.diagnostics(uri, v);
  expect(await client.request("textDocument/formatting", { textDocument: { uri }, options })).toEqual([]);
  client.close(uri);
});

test("range formatting rewrites only the block the range touches", async () => {
  const uri = "untitled:fmt-range";
  client.open(uri, MESSY);
  const edits = await client.request<TextEdit[]>("textDocument/rangeFormatting", {
    textDocument: { uri },
    range: { start: { line: 4, character: 3 }, end: { line: 4, character: 4 } },
    options,
  });
  const after = TextDocument.applyEdits(TextDocument.create(uri, "cep-pattern", 1, MESSY), edits);
  const lines = after.split("\n");
  expect(lines.slice(0, 4)).toEqual(MESSY.split("\n").slice(0, 4));
  expect(lines.slice(4).join("\n")).not.toBe(MESSY.split("\n").slice(4).join("\n"));
  expect(edits.every((e) => e.range.start.line >= 4)).toBe(true);
  client.close(uri);
});

test("a document with a syntax error gets no edits", async () => {
  const uri = "untitled:fmt-broken";
  client.open(uri, "pattern   P { match a: A folowed by b: B }\n");
  expect(await client.request("textDocument/formatting", { textDocument: { uri }, options })).toEqual([]);
  expect(
    await client.request("textDocument/rangeFormatting", {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } },
      options,
    }),
  ).toEqual([]);
  client.close(uri);
});
