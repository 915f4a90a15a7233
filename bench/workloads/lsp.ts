/**
 * LSP: `cep lsp --stdio` driven over stdio by the test client (test/lsp/client.ts), on
 * a generated workspace of ~2,000 lines in 9 files (a schema file and 8 files of
 * patterns using it). The targets (#15): diagnostics after an edit < 50 ms,
 * completion and hover < 20 ms, start-up < 300 ms. Each figure has a baseline in the
 * same process:
 *
 * - start-up (spawn → `initialize` answered) against spawning `node -e 0` (→ exit);
 * - diagnostics (didChange → `publishDiagnostics` of that version) against the same
 *   front-end work done directly: re-parse the edited file, `checkParsed` over all;
 * - requests (hover, completion when a feature registers them; document symbols,
 *   semantic tokens, folding) against a protocol round trip (a request for an unknown
 *   method, answered at once with an error).
 *
 * Rounds alternate (server, baseline); medians are reported.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkParsed } from "../../src/compile/program.js";
import { parse } from "../../src/lang/parse.js";
import { LspClient, uriOf } from "../../test/lsp/client.js";
import { median } from "../harness.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(REPO, "bin", "cep.js");
const FILES = 8;
const PATTERNS_PER_FILE = 15;
const EVENTS = 40;

/** One request's figures: median ms, and the baseline's. */
export interface RequestFigure {
  readonly name: string;
  /** Null when the server does not offer the request (a feature not registered yet). */
  readonly ms: number | null;
}

/** Figures of the LSP workload (medians). */
export interface LspFigures {
  readonly lines: number;
  readonly files: number;
  readonly startupMs: number;
  readonly nodeStartMs: number;
  /** Spawn → initialize → a file opened → its diagnostics (the workspace read and checked). */
  readonly readyMs: number;
  readonly diagnosticsMs: number;
  readonly frontEndMs: number;
  readonly edits: number;
  readonly requests: readonly RequestFigure[];
  readonly roundTripMs: number;
  readonly buildNote: string;
}

/** The generated workspace: file name → text. */
export function lspWorkspace(): Map<string, string> {
  const files = new Map<string, string>();
  const events: string[] = [];
  for (let e = 0; e < EVENTS; e++)
    events.push(`event E${e} { user: string, amount: number, ip: string, ok: boolean, ts: time }`);
  files.set("schema.pattern", `// The event types every file uses.\n${events.join("\n")}\n`);
  for (let f = 0; f < FILES; f++) {
    const blocks: string[] = [];
    for (let p = 0; p < PATTERNS_PER_FILE; p++) {
      const [a, b, c] = [(f * 7 + p) % EVENTS, (f * 11 + p + 1) % EVENTS, (f + p * 3 + 2) % EVENTS];
      blocks.push(`// Pattern ${p} of file ${f}: probes, then a big one, no logout between.
pattern P${f}_${p} {
  key by user
  within 10 minutes
  after match skip past last event
  match probe: E${a}{3,} consecutive where amount < 5 and ok
        followed by big: E${b} where amount >= 200 and ip != probe.ip
        not followed by out: E${c} where user == probe.user
        followed by fin: E${a} where amount > 1
  emit {
    user: big.user,
    probes: count(probe),
    total: sum(probe.amount),
    firstIp: first(probe).ip,
    seconds: (time(fin) - first(probe).ts) / 1s,
  }
}`);
    }
    files.set(`rules-${f}.pattern`, `${blocks.join("\n\n")}\n`);
  }
  return files;
}

/** Measures the server; `rounds` start-ups and ~`edits` edits. */
export async function measureLsp(
  rounds: number,
  edits: number,
  log: (s: string) => void,
): Promise<LspFigures> {
  log("  LSP: npm run build");
  const b = spawnSync("npm", ["run", "build"], { cwd: REPO, encoding: "utf8" });
  const buildNote =
    b.status === 0
      ? "built with `npm run build`"
      : `\`npm run build\` failed (exit ${b.status}); the existing dist/ was used`;
  const dir = mkdtempSync(join(tmpdir(), "cep-bench-lsp-"));
  try {
    const files = lspWorkspace();
    let lines = 0;
    for (const [name, text] of files) {
      writeFileSync(join(dir, name), text);
      lines += text.split("\n").length - 1;
    }

    // 1. Start-up, alternating with `node -e 0`.
    const startup: number[] = [];
    const nodeStart: number[] = [];
    const ready: number[] = [];
    const firstFile = uriOf(join(dir, "rules-0.pattern"));
    for (let r = 0; r < rounds; r++) {
      let t = performance.now();
      spawnSync(process.execPath, ["-e", "0"]);
      nodeStart.push(performance.now() - t);
      t = performance.now();
      const c = await LspClient.start(dir, undefined, BIN);
      startup.push(performance.now() - t);
      // Ready: a file opened right away has its diagnostics (the workspace read and checked).
      c.open(firstFile, files.get("rules-0.pattern") ?? "");
      await c.diagnostics(firstFile, 1);
      ready.push(performance.now() - t);
      await c.shutdown();
    }

    // 2. Diagnostics after an edit, and requests, on one server.
    const c = await LspClient.start(dir, undefined, BIN);
    const caps = c.initializeResult.capabilities;
    const text = files.get("rules-0.pattern") ?? "";
    c.open(firstFile, text);
    await c.diagnostics(firstFile, 1);
    // The edit: `amount < 5` of pattern 7 becomes `amout < 5` (an unknown field) and back.
    const all = text.split("\n");
    const lineNo = all.findIndex((l, i) => i > all.indexOf("pattern P0_7 {") && l.includes("amount < 5"));
    const col = text.split("\n")[lineNo].indexOf("amount < 5");
    const typo = { start: { line: lineNo, character: col }, end: { line: lineNo, character: col + 6 } };
    const fixed = { start: { line: lineNo, character: col }, end: { line: lineNo, character: col + 5 } };
    const brokenLines = text.split("\n");
    brokenLines[lineNo] = brokenLines[lineNo].replace("amount < 5", "amout < 5");
    const brokenText = brokenLines.join("\n");
    const diag: number[] = [];
    const direct: number[] = [];
    const parsed = [...files].map(([name, t]) => parse(t, name));
    for (let i = 0; i < edits; i++) {
      const broken = i % 2 === 0;
      const t = performance.now();
      const v = c.change(firstFile, [{ range: broken ? typo : fixed, text: broken ? "amout" : "amount" }]);
      const published = await c.diagnostics(firstFile, v);
      diag.push(performance.now() - t);
      if (published.diagnostics.length !== (broken ? 1 : 0))
        throw new Error(`edit ${i}: ${published.diagnostics.length} diagnostics, expected ${broken ? 1 : 0}`);
      // The baseline: the same front-end work without the protocol.
      const source = broken ? brokenText : text;
      const t2 = performance.now();
      parsed[1] = parse(source, "rules-0.pattern");
      checkParsed(parsed);
      direct.push(performance.now() - t2);
    }

    // 3. Requests: what is registered, against a protocol round trip.
    const lines0 = text.split("\n");
    const termLine = lines0.findIndex((l) => l.includes("followed by big"));
    const termPos = { line: termLine, character: lines0[termLine].indexOf("big") };
    const dotLine = lines0.findIndex((l) => l.includes("ip != probe.ip"));
    const dotPos = { line: dotLine, character: lines0[dotLine].indexOf("probe.ip") + "probe.".length };
    const textDocument = { uri: firstFile };
    const wanted: [string, boolean, string, unknown][] = [
      [
        "hover on a term",
        caps.hoverProvider !== undefined,
        "textDocument/hover",
        { textDocument, position: termPos },
      ],
      [
        "completion after `.`",
        caps.completionProvider !== undefined,
        "textDocument/completion",
        { textDocument, position: dotPos, context: { triggerKind: 2, triggerCharacter: "." } },
      ],
      [
        "document symbols",
        caps.documentSymbolProvider !== undefined,
        "textDocument/documentSymbol",
        { textDocument },
      ],
      [
        "semantic tokens (full)",
        caps.semanticTokensProvider !== undefined,
        "textDocument/semanticTokens/full",
        { textDocument },
      ],
      [
        "folding ranges",
        caps.foldingRangeProvider !== undefined,
        "textDocument/foldingRange",
        { textDocument },
      ],
    ];
    const roundTrip: number[] = [];
    const times = wanted.map(() => [] as number[]);
    for (let r = 0; r < Math.max(20, rounds * 5); r++) {
      let t = performance.now();
      await c.request("cep/unknownMethod", {}).catch(() => null);
      roundTrip.push(performance.now() - t);
      for (const [i, [, offered, method, params]] of wanted.entries()) {
        if (!offered) continue;
        t = performance.now();
        await c.request(method, params);
        times[i].push(performance.now() - t);
      }
    }
    await c.shutdown();
    return {
      lines,
      files: files.size,
      startupMs: median(startup),
      nodeStartMs: median(nodeStart),
      readyMs: median(ready),
      diagnosticsMs: median(diag),
      frontEndMs: median(direct),
      edits,
      requests: wanted.map(([name, offered], i) => ({ name, ms: offered ? median(times[i]) : null })),
      roundTripMs: median(roundTrip),
      buildNote,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
