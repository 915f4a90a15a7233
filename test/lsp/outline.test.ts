/**
 * Document symbols, semantic tokens and folding ranges, through the real server.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { DocumentSymbol, FoldingRange, SemanticTokens } from "vscode-languageserver-protocol";
import { LspClient } from "./client.js";

const SOURCE = `// Card testing:
// small charges, then a big one.
event Charge { card: string, amount: number, merchant: string? }

/* a block
   comment */
pattern CardTesting {
  key by card
  within 10 minutes
  match small: Charge{3,} where amount < 5 // cep-ignore W2006 a short window
        followed by (x: Charge next y: Charge) // cep-ignore W2008 only their shape matters
        followed by big: Charge where amount >= 200 and card == small.card
  emit {
    card: big.card,
    probes: count(small),
    label: "big",
  }
}
`;

let dir: string;
let client: Awaited<ReturnType<typeof LspClient.start>>;
const uri = "untitled:outline";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cep-lsp-outline-"));
  client = await LspClient.start(dir);
  client.open(uri, SOURCE);
  expect((await client.diagnostics(uri, 1)).diagnostics).toEqual([]);
}, 120_000);

afterAll(() => {
  client.kill();
  rmSync(dir, { recursive: true, force: true });
});

test("document symbols: events with their fields, patterns with their terms (through groups)", async () => {
  const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", {
    textDocument: { uri },
  });
  const shape = (s: DocumentSymbol): unknown => ({
    name: s.name,
    kind: s.kind,
    detail: s.detail,
    line: s.selectionRange.start.line,
    ...(s.children && s.children.length > 0 ? { children: s.children.map(shape) } : {}),
  });
  expect(symbols.map(shape)).toEqual([
    {
      name: "Charge",
      kind: 23,
      detail: "event",
      line: 2,
      children: [
        { name: "card", kind: 8, detail: "string", line: 2 },
        { name: "amount", kind: 8, detail: "number", line: 2 },
        { name: "merchant", kind: 8, detail: "string (optional)", line: 2 },
      ],
    },
    {
      name: "CardTesting",
      kind: 12,
      detail: "pattern",
      line: 6,
      children: [
        { name: "small", kind: 13, detail: "Charge{3,}", line: 9 },
        { name: "x", kind: 13, detail: "Charge", line: 10 },
        { name: "y", kind: 13, detail: "Charge", line: 10 },
        { name: "big", kind: 13, detail: "Charge", line: 11 },
      ],
    },
  ]);
  // The range holds the selection range (the name).
  const pattern = symbols[1];
  expect(pattern.range.start.line).toBe(6);
  expect(pattern.range.end.line).toBe(17);
});

test("semantic tokens: keywords, event types, variables, fields, functions, numbers, strings, comments, operators", async () => {
  const legend = (
    client.initializeResult.capabilities.semanticTokensProvider as { legend: { tokenTypes: string[] } }
  ).legend.tokenTypes;
  const tokens = await client.request<SemanticTokens>("textDocument/semanticTokens/full", {
    textDocument: { uri },
  });
  // Decode the relative encoding into "line:char text type[+declaration]".
  const lines = SOURCE.split("\n");
  const decoded: { line: number; text: string }[] = [];
  let line = 0;
  let char = 0;
  for (let i = 0; i < tokens.data.length; i += 5) {
    const [dl, dc, len, type, mods] = tokens.data.slice(i, i + 5);
    line += dl;
    char = dl === 0 ? char + dc : dc;
    decoded.push({
      line,
      text: `${lines[line].slice(char, char + len)} ${legend[type]}${mods & 1 ? "+decl" : ""}`,
    });
  }
  const at = (n: number) => decoded.filter((d) => d.line === n).map((d) => d.text);
  expect(at(0)).toEqual(["// Card testing: comment"]);
  expect(at(2)).toEqual([
    "event keyword",
    "Charge type+decl",
    "card property+decl",
    "string type",
    "amount property+decl",
    "number type",
    "merchant property+decl",
    "string type",
  ]);
  // A block comment is one token per line.
  expect(at(4)).toEqual(["/* a block comment"]);
  expect(at(5)).toEqual(["   comment */ comment"]);
  expect(at(6)).toEqual(["pattern keyword", "CardTesting namespace+decl"]);
  expect(at(7)).toEqual(["key keyword", "by keyword", "card property"]);
  expect(at(8)).toEqual(["within keyword", "10 number", "minutes number"]);
  expect(at(9)).toEqual([
    "match keyword",
    "small variable+decl",
    "Charge type",
    "3 number",
    "where keyword",
    "amount property",
    "< operator",
    "5 number",
    "// cep-ignore W2006 a short window comment",
  ]);
  expect(at(11)).toEqual([
    "followed keyword",
    "by keyword",
    "big variable+decl",
    "Charge type",
    "where keyword",
    "amount property",
    ">= operator",
    "200 number",
    "and keyword",
    "card property",
    "== operator",
    "small variable",
    "card property",
  ]);
  expect(at(13)).toEqual(["card property+decl", "big variable", "card property"]);
  expect(at(14)).toEqual(["probes property+decl", "count function", "small variable"]);
  expect(at(15)).toEqual(["label property+decl", '"big" string']);
});

test("folding: blocks and groups spanning lines, a multi-line comment, a run of line comments", async () => {
  const ranges = await client.request<FoldingRange[]>("textDocument/foldingRange", { textDocument: { uri } });
  const shape = ranges.map((r) => `${r.startLine}-${r.endLine}${r.kind ? ` ${r.kind}` : ""}`).sort();
  expect(shape).toEqual(["0-1 comment", "12-15", "4-5 comment", "6-16"].sort());
});

test("an unknown document answers empty results", async () => {
  const other = { textDocument: { uri: "untitled:nothing" } };
  expect(await client.request("textDocument/documentSymbol", other)).toEqual([]);
  expect(await client.request("textDocument/semanticTokens/full", other)).toEqual({ data: [] });
  expect(await client.request("textDocument/foldingRange", other)).toEqual([]);
});
