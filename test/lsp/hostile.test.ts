/**
 * Nothing a user types stops the server: hostile documents (huge lines, deep nesting,
 * lone UTF-16 surrogates, a block far over the token limit, binary junk) and malformed
 * messages, and after each the server still answers every request and publishes
 * diagnostics; at the end it shuts down cleanly (exit code 0: it never died).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { LspClient, uriOf } from "./client.js";

let dir: string;
let client: LspClient;

/** Deterministic junk: every UTF-16 code unit value class, NULs and control characters included. */
function junk(n: number): string {
  let seed = 12345;
  let out = "";
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out += String.fromCharCode(i % 7 === 0 ? seed & 0xff : seed & 0xffff);
  }
  return out;
}

const HOSTILE: Record<string, string> = {
  "huge line": `pattern P { match a: A where x == "${"x".repeat(1_000_000)}" }`,
  "huge line of names": `pattern P { match a: A where ${"x and ".repeat(100_000)}x }`,
  "deep parentheses": `pattern P { match a: A where ${"(".repeat(20_000)}x${")".repeat(20_000)} }`,
  "deep groups": `pattern P { match ${"(".repeat(5_000)}a: A${")".repeat(5_000)} }`,
  "unclosed everything": `pattern P { match ${"(".repeat(3_000)}a: A where ${"[".repeat(3_000)}`,
  "lone surrogates": 'pattern \ud800P { match a: A\udc00 where x == "\udfff\ud800" }\n\ud83d',
  "a block of 30,000 tokens": `pattern P { match a: A where x == 1${" + 1".repeat(15_000)} }`,
  "many blocks": "pattern P { match a: A }\n".repeat(3_000),
  "binary junk": junk(50_000),
  "unterminated comment and string": '/* never closed\npattern P { match a: A where x == "',
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cep-lsp-hostile-"));
  // A hostile file on disk, read at start-up.
  writeFileSync(join(dir, "junk.pattern"), junk(10_000));
  client = await LspClient.start(dir);
}, 120_000);

afterAll(() => {
  client.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** Every request the server serves, on `uri`: each must answer (an empty result is fine). */
async function everyRequest(uri: string) {
  const textDocument = { uri };
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 10 } };
  const options = { tabSize: 2, insertSpaces: true };
  const answers = await Promise.all([
    client.request("textDocument/documentSymbol", { textDocument }),
    client.request("textDocument/semanticTokens/full", { textDocument }),
    client.request("textDocument/foldingRange", { textDocument }),
    client.request("textDocument/codeAction", { textDocument, range, context: { diagnostics: [] } }),
    client.request("textDocument/formatting", { textDocument, options }),
    client.request("textDocument/rangeFormatting", { textDocument, range, options }),
  ]);
  for (const a of answers) expect(a).toBeDefined();
}

test.each(Object.entries(HOSTILE))(
  "%s: diagnostics are published and every request answers",
  async (name, text) => {
    const uri = `untitled:hostile-${name.replaceAll(" ", "-")}`;
    client.open(uri, text);
    const published = await client.diagnostics(uri, 1, 60_000);
    expect(Array.isArray(published.diagnostics)).toBe(true);
    await everyRequest(uri);
    // An edit in the middle of it: still fine.
    const v = client.change(uri, [
      { range: { start: { line: 0, character: 5 }, end: { line: 0, character: 9 } }, text: "\ud800{{" },
    ]);
    await client.diagnostics(uri, v, 60_000);
    await everyRequest(uri);
    client.close(uri);
  },
);

test("malformed messages: changes out of range, missing text, unknown documents, missing params", async () => {
  const uri = "untitled:malformed";
  client.open(uri, "pattern P { match a: A }");
  await client.diagnostics(uri, 1);
  // A range far past the end, and a reversed range.
  client.change(uri, [
    { range: { start: { line: 999, character: 999 }, end: { line: 1999, character: 0 } }, text: "x" },
  ]);
  client.change(uri, [
    { range: { start: { line: 0, character: 20 }, end: { line: 0, character: 3 } }, text: "y" },
  ]);
  // A change without text (an editor bug): not applied, nothing breaks.
  client.connection.sendNotification("textDocument/didChange", {
    textDocument: { uri, version: 99 },
    contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } }],
  });
  // Changes to, and a close of, a document never opened.
  client.connection.sendNotification("textDocument/didChange", {
    textDocument: { uri: "untitled:never", version: 2 },
    contentChanges: [{ text: "pattern" }],
  });
  client.connection.sendNotification("textDocument/didClose", { textDocument: { uri: "untitled:never" } });
  // Watched-file events for odd URIs.
  client.filesChanged([
    { uri: "not a uri", type: 1 },
    { uri: "file:///nonexistent/dir/x.pattern", type: 2 },
    { uri: uriOf(join(dir, "..", "outside.pattern")), type: 1 },
  ]);
  await everyRequest(uri);
  await everyRequest("untitled:never");
  // A request with no params at all answers (an error response is an answer).
  const bare = await client.connection.sendRequest("textDocument/documentSymbol").then(
    () => "answered",
    () => "error answer",
  );
  expect(["answered", "error answer"]).toContain(bare);
  // Still alive and still checking: a new document gets its diagnostics.
  const fresh = "untitled:after";
  client.open(fresh, "pattern Q { match a: A folowed by b: B }");
  expect((await client.diagnostics(fresh, 1)).diagnostics.map((d) => d.code)).toEqual(["E1100"]);
  client.close(fresh);
  client.close(uri);
});

test("after all of it the server shuts down with exit code 0", async () => {
  await everyRequest(uriOf(join(dir, "junk.pattern")));
  expect(await client.shutdown()).toBe(0);
});
