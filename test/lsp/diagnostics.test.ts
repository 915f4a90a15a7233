/**
 * Diagnostics as the user types are `cep check`'s: the same codes, messages, positions,
 * severities and hints, for open and workspace files checked together (a schema in one
 * file, an error it causes in another), re-published when a file's diagnostics change.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, beforeEach, expect, test } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import { CompileError, compile } from "../../src/index.js";
import { lineCol } from "../../src/lang/format.js";
import { cepBin, LspClient, uriOf } from "./client.js";

const FILES: Record<string, string> = {
  "schema.pattern": `// the schemas, shared by the other files
event Login { user: string, ok: boolean, ip: string }
event Logout { user: string }
`,
  "a.pattern": `pattern Brute {
  key by usr
  within 5 minutes
  match f: Login{3,} where not ok
        followed by s: LogIn where ok
  emit { who: f.usr, n: cnt(f) }
}
`,
  "b.pattern": `pattern Broken { match a: Login folowed by b: Logout }
pattern Fine { match a: Login where user == "😀 x" next b: Logout within 1 secnd }
`,
  // Astral characters before the warning: LSP counts UTF-16 units, cep check code points.
  "c.pattern": `/* a block
   comment */
pattern Late {
  key by user
  match a: Login where ip == "😀😀"
        followed by b: Logout within 10 s
}
`,
  "clean.pattern": `pattern Clean { key by user within 1 m match a: Login next b: Logout }
`,
};

let dir: string;
let client: LspClient | null = null;

beforeAll(() => {
  cepBin();
}, 120_000);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cep-lsp-diag-"));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
});

afterEach(() => {
  client?.kill();
  client = null;
  rmSync(dir, { recursive: true, force: true });
});

/** `cep check`'s diagnostic lines (`file:line:col: [warning ]CODE message`) with their hints. */
function cepCheck(files: readonly string[]): string[] {
  const r = spawnSync(process.execPath, [cepBin(), "check", ...files], { cwd: dir, encoding: "utf8" });
  const out: string[] = [];
  for (const line of r.stderr.split("\n")) {
    if (/^\S+\.pattern:\d+:\d+: /.test(line)) out.push(line);
    else if (line.startsWith("  = hint: "))
      out[out.length - 1] += ` | hint: ${line.slice("  = hint: ".length)}`;
  }
  return out.sort();
}

/** The server's latest diagnostics, written as `cep check` writes them. */
function asCheckLines(c: LspClient): string[] {
  const out: string[] = [];
  for (const [uri, diagnostics] of c.latest) {
    const path = fileURLToPath(uri);
    const text = readFileSync(path, "utf8");
    const doc = TextDocument.create(uri, "cep-pattern", 0, text);
    for (const d of diagnostics) {
      const { line, column } = lineCol(text, doc.offsetAt(d.range.start));
      const [message, hint] = String(d.message).split("\nhint: ");
      const warning = d.severity === 2 ? "warning " : "";
      out.push(
        `${basename(path)}:${line}:${column}: ${warning}${d.code} ${message}${hint === undefined ? "" : ` | hint: ${hint}`}`,
      );
      expect((d.data as { hint?: string }).hint).toBe(hint);
    }
  }
  return out.sort();
}

/** Waits until the server has published for `uris` and answered a later request. */
async function settle(c: LspClient, uris: readonly string[]) {
  await Promise.all(uris.map((u) => (c.latest.has(u) ? null : c.diagnostics(u))));
  await c.request("textDocument/documentSymbol", { textDocument: { uri: uris[0] } });
}

test("the server's diagnostics for open and workspace files are cep check's, codes, positions, messages and hints", async () => {
  const c = (client = await LspClient.start(dir));
  // Two files open (one with astral characters), the others read from the folder.
  for (const name of ["a.pattern", "c.pattern"]) c.open(uriOf(join(dir, name)), FILES[name]);
  await settle(
    c,
    ["a.pattern", "b.pattern", "c.pattern"].map((n) => uriOf(join(dir, n))),
  );
  const expected = cepCheck(Object.keys(FILES));
  expect(expected.length).toBe(7);
  expect(asCheckLines(c)).toEqual(expected);
  expect(c.latest.get(uriOf(join(dir, "clean.pattern"))) ?? []).toEqual([]);
});

test("each range is the span compile() gives, in UTF-16 positions", async () => {
  const c = (client = await LspClient.start(dir));
  c.open(uriOf(join(dir, "c.pattern")), FILES["c.pattern"]);
  await settle(
    c,
    ["a.pattern", "b.pattern", "c.pattern"].map((n) => uriOf(join(dir, n))),
  );
  let all: readonly { file: string; span: { start: number; end: number }; code: string }[] = [];
  try {
    compile(Object.entries(FILES).map(([file, source]) => ({ file, source })));
  } catch (err) {
    if (!(err instanceof CompileError)) throw err;
    all = err.diagnostics;
  }
  expect(all.length).toBe(7);
  for (const d of all) {
    const uri = uriOf(join(dir, d.file));
    const doc = TextDocument.create(uri, "cep-pattern", 0, FILES[d.file]);
    const published = c.latest
      .get(uri)
      ?.find((p) => p.code === d.code && doc.offsetAt(p.range.start) === d.span.start);
    expect(published, `${d.file} ${d.code}`).toBeDefined();
    expect(doc.offsetAt(published?.range.end ?? { line: 0, character: 0 })).toBe(d.span.end);
  }
});

test("fixing the schema in one open file clears the errors it caused in another; breaking it again brings them back", async () => {
  const c = (client = await LspClient.start(dir));
  const schema = uriOf(join(dir, "schema.pattern"));
  const a = uriOf(join(dir, "a.pattern"));
  c.open(schema, FILES["schema.pattern"]);
  await c.diagnostics(schema, 1);
  await settle(c, [a]);
  expect(c.latest.get(a)?.map((d) => d.code)).toEqual(["E2073", "W2001", "E2070", "E2060"]);
  // Rename the field `user` to `usr` in the schema (line 1, "event Login { user: …").
  const at = FILES["schema.pattern"].split("\n")[1].indexOf("user");
  const v = c.change(schema, [
    { range: { start: { line: 1, character: at }, end: { line: 1, character: at + 4 } }, text: "usr" },
  ]);
  const next = c.diagnostics(a);
  await c.diagnostics(schema, v);
  expect((await next).diagnostics.map((d) => d.code)).toEqual(["W2001", "E2060"]);
  // Undo: a's errors come back.
  const again = c.diagnostics(a);
  c.change(schema, [
    { range: { start: { line: 1, character: at }, end: { line: 1, character: at + 3 } }, text: "user" },
  ]);
  expect((await again).diagnostics.map((d) => d.code)).toEqual(["E2073", "W2001", "E2070", "E2060"]);
});

test("closing a document that has no file on disk clears its diagnostics; a deleted watched file's are cleared", async () => {
  const c = (client = await LspClient.start(dir));
  const scratch = "untitled:Untitled-1";
  c.open(scratch, "pattern P { match a: A folowed by b: B }");
  expect((await c.diagnostics(scratch, 1)).diagnostics.length).toBe(1);
  const cleared = c.diagnostics(scratch);
  c.close(scratch);
  expect((await cleared).diagnostics).toEqual([]);

  const b = uriOf(join(dir, "b.pattern"));
  await settle(c, [b]);
  expect(c.latest.get(b)?.length).toBe(2);
  rmSync(join(dir, "b.pattern"));
  const gone = c.diagnostics(b);
  c.filesChanged([{ uri: b, type: 3 }]);
  expect((await gone).diagnostics).toEqual([]);
});

test("a closed document is checked as it is on disk then, even when the client watches no files", async () => {
  const c = (client = await LspClient.start(dir, {}));
  const a = uriOf(join(dir, "a.pattern"));
  c.open(a, FILES["a.pattern"]);
  expect((await c.diagnostics(a, 1)).diagnostics.length).toBe(4);
  // The user fixes the file and saves it: the editor sends the edit, and the file is written.
  const fixed = "pattern Brute { key by user match f: Login next s: Logout }\n";
  const v = c.change(a, [
    { range: { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } }, text: fixed },
  ]);
  expect((await c.diagnostics(a, v)).diagnostics).toEqual([]);
  writeFileSync(join(dir, "a.pattern"), fixed);
  // Closed without a watched-file event: the saved text counts, not the one read at start.
  const next = c.diagnostics(a);
  c.close(a);
  expect((await next).diagnostics).toEqual([]);
  const b = uriOf(join(dir, "b.pattern"));
  expect(c.latest.get(b)?.length).toBe(2);
});

test("a watched file created or changed on disk is read and checked with the others", async () => {
  const c = (client = await LspClient.start(dir));
  const d = uriOf(join(dir, "sub", "d.pattern"));
  await settle(c, [uriOf(join(dir, "a.pattern"))]);
  // A new file in a new folder, then an edit on disk that fixes it.
  const { mkdirSync } = await import("node:fs");
  mkdirSync(join(dir, "sub"));
  writeFileSync(join(dir, "sub", "d.pattern"), "pattern D { match a: Logout where usr == 1 }\n");
  const first = c.diagnostics(d);
  c.filesChanged([{ uri: d, type: 1 }]);
  expect((await first).diagnostics.map((x) => x.code)).toEqual(["E2070"]);
  writeFileSync(join(dir, "sub", "d.pattern"), 'pattern D { match a: Logout where user == "x" }\n');
  const fixed = c.diagnostics(d);
  c.filesChanged([{ uri: d, type: 2 }]);
  expect((await fixed).diagnostics).toEqual([]);
});
