/**
 * `cep lsp --stdio` as an editor starts it: the command line, `initialize`, document
 * sync, the workspace folder's files, `shutdown`/`exit`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, expect, test } from "vitest";
import { cepBin, LspClient, uriOf } from "./client.js";

let dir: string;
let client: LspClient | null = null;

beforeAll(() => {
  cepBin();
}, 120_000);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cep-lsp-"));
});

afterEach(() => {
  client?.kill();
  client = null;
  rmSync(dir, { recursive: true, force: true });
});

test("cep lsp without --stdio is bad usage, with a clear message", () => {
  const r = spawnSync(process.execPath, [cepBin(), "lsp"], { encoding: "utf8", input: "" });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("lsp needs --stdio");
  expect(r.stdout).toBe("");
});

test("initialize answers incremental sync; shutdown then exit ends the process with 0", async () => {
  const c = (client = await LspClient.start(dir));
  expect(c.initializeResult.capabilities.textDocumentSync).toMatchObject({ openClose: true, change: 2 });
  expect(c.initializeResult.serverInfo?.name).toBe("cep lsp");
  expect(await c.shutdown()).toBe(0);
});

test("an open document's errors are published for its version; an incremental edit that fixes them clears them", async () => {
  const c = (client = await LspClient.start(dir));
  const uri = uriOf(join(dir, "a.pattern"));
  c.open(uri, "pattern P { match a: A folowed by b: B }\n");
  const first = await c.diagnostics(uri, 1);
  expect(first.diagnostics).toMatchObject([
    {
      code: "E1100",
      severity: 1,
      range: { start: { line: 0, character: 23 }, end: { line: 0, character: 30 } },
    },
  ]);
  // "folowed" is at columns 23-30 of line 0: replace it.
  const v = c.change(uri, [
    { range: { start: { line: 0, character: 23 }, end: { line: 0, character: 30 } }, text: "followed" },
  ]);
  expect((await c.diagnostics(uri, v)).diagnostics).toEqual([]);
});

test("a file of the workspace folder that is not open gets its diagnostics too", async () => {
  writeFileSync(join(dir, "b.pattern"), "pattern Q { match x: X followed by x: Y }\n");
  const c = (client = await LspClient.start(dir));
  const published = await c.diagnostics(uriOf(join(dir, "b.pattern")));
  expect(published.diagnostics.length).toBeGreaterThan(0);
  expect(published.version).toBeUndefined();
});
