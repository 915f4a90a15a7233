/**
 * The VS Code extension (editors/vscode), checked without VS Code: `npm test` builds and
 * packages it (scripts/vscode-extension.sh, so a broken build fails the run), the .vsix
 * holds what the editor reads and its manifest agrees with itself and with the grammar, and
 * the bundled extension, loaded with a stub `vscode` module, starts `cep lsp --stdio`
 * found as a user would have it (workspace node_modules/.bin/cep, a setting, the PATH).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { requireWithVscode, vscodeStub } from "./vscode-stub.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const ext = join(root, "editors", "vscode");
const manifest = JSON.parse(readFileSync(join(ext, "package.json"), "utf8"));
const grammarText = readFileSync(join(root, "grammar", "cepheus.tmLanguage.json"), "utf8");
const vsix = join(ext, `${manifest.name}-${manifest.version}.vsix`);
const bundle = join(ext, "dist", "extension.js");

/** The .vsix's files by name (a zip; read with yauzl, which vsce itself brings). */
let packaged: Map<string, Buffer>;

function unzip(file: string): Promise<Map<string, Buffer>> {
  const yauzl = createRequire(join(ext, "package.json"))("yauzl");
  const files = new Map<string, Buffer>();
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error: Error | null, zip: any) => {
      if (error) return reject(error);
      zip.on("error", reject);
      zip.on("end", () => resolve(files));
      zip.on("entry", (entry: { fileName: string }) => {
        zip.openReadStream(entry, (err: Error | null, stream: NodeJS.ReadableStream) => {
          if (err) return reject(err);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("error", reject);
          stream.on("end", () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

beforeAll(async () => {
  try {
    execFileSync("bash", [join(root, "scripts", "vscode-extension.sh")], { stdio: "pipe", encoding: "utf8" });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `the VS Code extension does not build: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`,
    );
  }
  packaged = await unzip(vsix);
}, 300_000);

const inVsix = (path: string) => packaged.get(`extension/${path.replace(/^\.\//, "")}`);
const json = (path: string) => JSON.parse(inVsix(path)!.toString("utf8"));

describe("the .vsix", () => {
  test("holds the bundle, the grammar byte for byte as in grammar/, the language configuration and the manifest", () => {
    expect(inVsix(manifest.main)?.toString("utf8")).toBe(readFileSync(bundle, "utf8"));
    const grammar = manifest.contributes.grammars[0];
    expect(inVsix(grammar.path)?.toString("utf8")).toBe(grammarText);
    expect(json("package.json")).toEqual(manifest);
    for (const file of ["language-configuration.json", "readme.md", "LICENSE.txt"])
      expect([...packaged.keys()]).toContain(`extension/${file}`);
    // Bundled: no node_modules, no sources, no build leftovers.
    const stray = [...packaged.keys()].filter((f) => /node_modules|\/src\/|\.ts$|\.map$|scripts\//.test(f));
    expect(stray).toEqual([]);
  });

  test("the manifest's language, grammar, command and settings agree with each other and with the grammar", () => {
    const grammarJson = JSON.parse(grammarText);
    const { languages, grammars, commands, configuration } = manifest.contributes;
    expect(languages).toHaveLength(1);
    const [language] = languages;
    expect(language.id).toBe("cepheus");
    expect(language.extensions).toEqual([".pattern"]);
    expect(grammarJson.fileTypes).toEqual(["pattern"]);
    expect(grammars).toEqual([
      { language: "cepheus", scopeName: grammarJson.scopeName, path: grammars[0].path },
    ]);
    expect(grammarJson.scopeName).toBe("source.cepheus");
    expect(manifest.activationEvents).toContain(`onLanguage:${language.id}`);
    expect(commands.map((c: { command: string }) => c.command)).toEqual(["cepheus.restartServer"]);
    expect(Object.keys(configuration.properties).sort()).toEqual([
      "cepheus.server.args",
      "cepheus.server.path",
      "cepheus.trace.server",
    ]);
    // vsce refuses @types/vscode newer than engines.vscode; the client library states its own minimum.
    expect(manifest.engines.vscode).toMatch(/^\^1\.\d+\.0$/);
    const cepheus = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    expect(manifest.engines.node).toBe(cepheus.engines.node);

    const config = json(language.configuration);
    expect(config.comments).toEqual({ lineComment: "//", blockComment: ["/*", "*/"] });
    const closing = config.autoClosingPairs.map((p: { open: string; close: string }) => p.open + p.close);
    expect(closing).toEqual(expect.arrayContaining(["{}", "[]", "()", '""', "``"]));
    expect(config.brackets).toEqual([
      ["{", "}"],
      ["[", "]"],
      ["(", ")"],
    ]);
    const indent = config.indentationRules;
    expect(new RegExp(indent.increaseIndentPattern).test("pattern CardTesting {")).toBe(true);
    expect(new RegExp(indent.decreaseIndentPattern).test("  }")).toBe(true);
    expect("x1 `user-id` 2.5".match(new RegExp(config.wordPattern, "g"))).toEqual(["x1", "`user-id`", "2.5"]);
  });
});

describe("serverOptions: which program runs `cep lsp --stdio`", () => {
  let serverOptions: (settings: object, env: object) => { command: string; args: string[]; options: object };
  beforeAll(() => {
    const { exports, unhook } = requireWithVscode(bundle, vscodeStub({ folders: [], settings: {} }).module);
    unhook();
    serverOptions = exports.serverOptions;
  });
  const has =
    (...files: string[]) =>
    (file: string) =>
      files.includes(file);

  test("the workspace's node_modules/.bin/cep, else cep on the PATH", () => {
    const local = join("/ws", "node_modules", ".bin", "cep");
    expect(serverOptions({}, { folders: ["/ws"], exists: has(local), platform: "linux" })).toEqual({
      command: local,
      args: ["lsp", "--stdio"],
      options: { cwd: "/ws" },
    });
    const second = join("/b", "node_modules", ".bin", "cep");
    expect(serverOptions({}, { folders: ["/a", "/b"], exists: has(second), platform: "linux" }).command).toBe(
      second,
    );
    expect(serverOptions({ path: "" }, { folders: ["/ws"], exists: has(), platform: "linux" })).toEqual({
      command: "cep",
      args: ["lsp", "--stdio"],
      options: { cwd: "/ws" },
    });
    expect(serverOptions({}, { folders: [], exists: has(), platform: "linux" })).toEqual({
      command: "cep",
      args: ["lsp", "--stdio"],
      options: {},
    });
  });

  test("cepheus.server.path wins (relative to the first folder) and cepheus.server.args go after --stdio", () => {
    const local = join("/ws", "node_modules", ".bin", "cep");
    const env = { folders: ["/ws"], exists: has(local), platform: "linux" };
    expect(serverOptions({ path: "/opt/cep/bin/cep", args: ["--log", "x y"] }, env)).toMatchObject({
      command: "/opt/cep/bin/cep",
      args: ["lsp", "--stdio", "--log", "x y"],
    });
    expect(serverOptions({ path: "tools/cep" }, env).command).toBe(join("/ws", "tools", "cep"));
    expect(serverOptions({ path: "my-cep" }, env).command).toBe("my-cep");
  });

  test("an untrusted workspace's own node_modules/.bin/cep is not run", () => {
    const local = join("/ws", "node_modules", ".bin", "cep");
    const env = { folders: ["/ws"], exists: has(local), platform: "linux", trusted: false };
    expect(serverOptions({}, env).command).toBe("cep");
    expect(serverOptions({}, { ...env, trusted: true }).command).toBe(local);
  });

  test("on Windows npm's cep.cmd shim is found and run through a shell", () => {
    const local = join("C:\\ws", "node_modules", ".bin", "cep.cmd");
    const found = serverOptions({}, { folders: ["C:\\ws"], exists: has(local), platform: "win32" });
    expect(found).toMatchObject({ command: local, options: { shell: true } });
    expect(serverOptions({}, { folders: [], exists: has(), platform: "win32" }).options).toEqual({
      shell: true,
    });
  });
});

// A stand-in for `cep`: records its arguments, then either answers the LSP handshake over
// stdio (Content-Length framing, as the real server) or fails as an old cep without `lsp`.
const FAKE_SERVER = `#!/usr/bin/env node
const fs = require("node:fs");
const log = (entry) => fs.appendFileSync(process.env.FAKE_CEP_LOG, JSON.stringify(entry) + "\\n");
log({ argv: process.argv.slice(2), cwd: process.cwd(), program: process.argv[1] });
if (process.env.FAKE_CEP_MODE === "old") {
  process.stderr.write("error: unknown command 'lsp'\\n");
  process.exit(1);
}
let buffer = Buffer.alloc(0);
const send = (message) => {
  const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }));
  process.stdout.write("Content-Length: " + body.length + "\\r\\n\\r\\n");
  process.stdout.write(body);
};
process.stdin.on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf("\\r\\n\\r\\n");
    if (end < 0) return;
    const length = Number(/Content-Length: (\\d+)/i.exec(buffer.subarray(0, end).toString())[1]);
    if (buffer.length < end + 4 + length) return;
    const message = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString());
    buffer = buffer.subarray(end + 4 + length);
    log({ method: message.method, params: message.method === "initialize" ? message.params : undefined });
    if (message.method === "initialize") send({ id: message.id, result: { capabilities: { textDocumentSync: 1 } } });
    else if (message.method === "shutdown") send({ id: message.id, result: null });
    else if (message.method === "exit") process.exit(0);
  }
});
`;

describe("activate: the language client runs the server", () => {
  let ws: string;
  let logFile: string;
  const entries = () =>
    readFileSync(logFile, "utf8")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));

  let logDir: string;
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), "cep-vscode-"));
    // The log lives outside the workspace: a fake server still starting or exiting when the
    // test ends may append to it, which must not race the workspace's removal (ENOTEMPTY).
    logDir = mkdtempSync(join(tmpdir(), "cep-vscode-log-"));
    logFile = join(logDir, "fake-cep.log");
    writeFileSync(logFile, "");
    mkdirSync(join(ws, "node_modules", ".bin"), { recursive: true });
    const cep = join(ws, "node_modules", ".bin", "cep");
    writeFileSync(cep, FAKE_SERVER);
    chmodSync(cep, 0o755);
    process.env.FAKE_CEP_LOG = logFile;
  });
  afterEach(() => {
    delete process.env.FAKE_CEP_LOG;
    delete process.env.FAKE_CEP_MODE;
    rmSync(ws, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    // A late append by an exiting fake server can recreate the log after this: best effort.
    try {
      rmSync(logDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    } catch {
      // ENOTEMPTY from such an append: a stray temp file, not a failure of the test.
    }
  });

  /** The log once every server started has received `exit` (it is sent without waiting for an answer), or after 10 s. */
  async function settled() {
    const count = (log: { argv?: string[]; method?: string }[], what: (e: (typeof log)[number]) => boolean) =>
      log.filter(what).length;
    for (let waited = 0; waited < 10_000; waited += 50) {
      const log = entries();
      if (count(log, (e) => e.method === "exit") >= count(log, (e) => e.argv !== undefined)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return entries();
  }

  async function activated(settings: Record<string, unknown>, trusted = true) {
    const { module, record } = vscodeStub({ folders: [ws], settings, trusted });
    const { exports, unhook } = requireWithVscode(bundle, module);
    const context = { subscriptions: [] as { dispose(): unknown }[] };
    await exports.activate(context);
    return { exports, record, context, unhook };
  }

  test("starts the workspace's cep with `lsp --stdio`, initializes it, and stops it on deactivate", async () => {
    const { exports, record, unhook } = await activated({});
    try {
      expect(record.errors).toEqual([]);
      expect(record.commands.has("cepheus.restartServer")).toBe(true);
      await exports.deactivate();
      const log = await settled();
      expect(log[0]).toEqual({
        argv: ["lsp", "--stdio"],
        cwd: ws,
        program: join(ws, "node_modules", ".bin", "cep"),
      });
      const methods = log.slice(1).map((e) => e.method);
      expect(methods.slice(0, 2)).toEqual(["initialize", "initialized"]);
      expect(methods.slice(-2)).toEqual(["shutdown", "exit"]);
      expect(log[1].params.capabilities.textDocument).toBeTypeOf("object");
    } finally {
      unhook();
    }
  }, 30_000);

  test("a server that cannot start gets an error naming the command and what to install; restart runs it again", async () => {
    process.env.FAKE_CEP_MODE = "old";
    const { record, unhook } = await activated({ "server.args": ["--verbose"] });
    try {
      expect(record.errors).toHaveLength(1);
      const cep = join(ws, "node_modules", ".bin", "cep");
      expect(record.errors[0]).toContain(`${cep} lsp --stdio --verbose`);
      expect(record.errors[0]).toMatch(/npm install --save-dev cepheus/);
      expect(record.errors[0]).toMatch(/cepheus\.server\.path/);
      await record.commands.get("cepheus.restartServer")!();
      expect(entries().map((e) => e.argv)).toEqual([
        ["lsp", "--stdio", "--verbose"],
        ["lsp", "--stdio", "--verbose"],
      ]);
      expect(record.errors).toHaveLength(2);
    } finally {
      unhook();
    }
  }, 30_000);

  test("restarts run one after another: two at once leave one server, and every server started is stopped", async () => {
    const { exports, record, unhook } = await activated({});
    try {
      const restart = record.commands.get("cepheus.restartServer")!;
      await Promise.all([restart(), restart()]);
      await exports.deactivate();
      const log = await settled();
      const started = log.filter((e) => e.argv !== undefined).length;
      const exited = log.filter((e) => e.method === "exit").length;
      expect([started, exited]).toEqual([3, 3]);
      expect(record.errors).toEqual([]);
    } finally {
      unhook();
    }
  }, 30_000);

  test("in an untrusted workspace the server is cep from the PATH, not the workspace's own", async () => {
    const bin = join(ws, "on-path");
    mkdirSync(bin);
    writeFileSync(join(bin, "cep"), FAKE_SERVER);
    chmodSync(join(bin, "cep"), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}${delimiter}${path}`;
    try {
      const { exports, record, unhook } = await activated({}, false);
      try {
        expect(record.errors).toEqual([]);
        await exports.deactivate();
        expect(entries()[0]).toMatchObject({ argv: ["lsp", "--stdio"], program: join(bin, "cep") });
      } finally {
        unhook();
      }
    } finally {
      process.env.PATH = path;
    }
  }, 30_000);

  test("a missing program (cepheus.server.path) is reported, not thrown", async () => {
    const missing = join(ws, "no-such-cep");
    const { record, unhook } = await activated({ "server.path": missing });
    try {
      expect(record.errors).toHaveLength(1);
      expect(record.errors[0]).toContain(`${missing} lsp --stdio`);
      expect(record.errors[0]).toMatch(/npm install -g cepheus/);
    } finally {
      unhook();
    }
  }, 30_000);
});
