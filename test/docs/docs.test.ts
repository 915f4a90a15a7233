/**
 * The documentation is executable: every code block in README.md and docs/*.md (except
 * docs/architecture.md) is checked against the code as it is.
 *
 * What runs, by the fence's info string:
 *
 * - ```` ```pattern ```` — compiled with `compile` from src/index.ts; any error fails.
 * - ```` ```ts runnable ```` — written to a temporary `.mts` file (`from "cepheus"`
 *   rewritten to this checkout's src/index.ts), type-checked with the project's `tsc`
 *   (strict), and run with `node --import tsx` (see below for where). It must exit 0.
 *   When the next code block is a
 *   ```` ```text ```` block with no heading in between, that block is its expected output
 *   (stdout and stderr, as a terminal shows them). Plain ```` ```ts ```` blocks are
 *   signatures and fragments: not run.
 * - ```` ```console ```` and ```` ```sh ```` — run command by command with bash. A line
 *   starting `$ ` is a command, following lines starting `> ` continue it (here-documents),
 *   the lines up to the next command are its expected output, stdout and stderr merged.
 *   `cep` and `npx cep` run `node bin/cep.js` of a fresh build of this checkout, and so
 *   does `node bin/cep.js` itself. The exit status is not checked (show it with
 *   `; echo "exit $?"`). Commands may use only the programs in ALLOWED; a block using a
 *   program in SETUP (`npm`, `git`: installing, cloning) is shown, not run — it is no
 *   test at all, so it must run nothing else (a block mixing set-up with other commands
 *   fails "code blocks are known": split it); any other program fails the test. A block
 *   that uses `dot` needs Graphviz, which `npm test` installs
 *   (scripts/ensure-test-tools.sh): without it the block fails, saying so.
 * - ```` ```ts runnable ```` blocks and shell blocks of one document run in order, in one
 *   scratch directory that looks like the repository's root (`patterns/` and `bin/` are
 *   there; HOME is a fresh directory, NO_COLOR is set, stdin is empty), so a block may use
 *   a file an earlier one wrote — as a reader following the page would. Documents run in
 *   parallel. `/tmp/` in a command is the scratch directory's own `tmp/` (and shows as
 *   `/tmp/` in the output), so documents and concurrent test runs do not share files.
 *   After README.md's blocks, the scratch directory must hold no file they wrote: the
 *   tour leaves nothing in a reader's clone (its files go to /tmp).
 * - any block right after an HTML comment `<!-- output of: cep … -->` (or `cat …`) must
 *   be exactly that command's output: how the Mermaid pictures and the pattern files
 *   quoted in docs/patterns.md stay true (scripts/render-docs.ts refreshes them).
 * - other languages (`text`, `json`, `mermaid`, plain, and editor configurations in `lua`,
 *   `toml` and `elisp`) are not run; an unknown language or flag fails, so a typo cannot
 *   silently turn a sample off.
 *
 * Comparing output: trailing spaces and trailing blank lines are ignored; in an expected
 * line, `…` stands for any text within that line, and a line that is only `…` stands
 * for any number of lines (including none). The elapsed time that ends `cep run`'s
 * summary line (`…, 0 bad lines, 0.01s`) is not compared.
 *
 * Also checked: relative links and `#anchors` between the documents resolve, and every
 * example in patterns/ has its section and an up-to-date picture in docs/patterns.md
 * (the SVG records a hash of the `cep explain --format dot` text it was drawn from;
 * `node --import tsx scripts/render-docs.ts` redraws them, with Graphviz).
 */
import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";
import { dotStamp } from "../../scripts/render-docs.js";
import { CompileError, compile, renderDiagnostic } from "../../src/index.js";
import { requireDot } from "../support/graphviz.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

const DOCS = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md") && f !== "architecture.md")
    .sort()
    .map((f) => `docs/${f}`),
];

/** Programs a documented command may run (`npx cep` counts as `cep`). */
const ALLOWED = new Set([
  "cep",
  "printf",
  "echo",
  "cat",
  "head",
  "tail",
  "wc",
  "ls",
  "rm",
  "cp",
  "mkdir",
  "grep",
  "sort",
  "diff",
  "seq",
  "awk",
  "sleep",
  "kill",
  "wait",
  "node",
  "dot",
]);

/** Programs of set-up commands: a block using one is shown, not run. */
const SETUP = new Set(["npm", "git", "apt-get", "brew", "cd"]);

const LANGS: Record<string, readonly string[]> = {
  pattern: [],
  ts: ["runnable"],
  text: [],
  console: [],
  sh: [],
  json: [],
  mermaid: [],
  lua: [],
  toml: [],
  elisp: [],
  "": [],
};

// --- Markdown ---

interface Block {
  readonly doc: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly flags: readonly string[];
  readonly text: string;
  /** The lines between the previous block (or the start) and this one. */
  readonly before: readonly string[];
}

/** Fenced code blocks (``` or ~~~, possibly indented in a list item). */
function fencedBlocks(doc: string, markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  let prose: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)(`{3,}|~{3,})\s*(.*)$/.exec(lines[i]);
    if (!open) {
      prose.push(lines[i]);
      continue;
    }
    const [, indent, fence, info] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^ *(`{3,}|~{3,})\s*$/.exec(lines[j]);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    const [lang = "", ...flags] = info.trim().split(/\s+/).filter(Boolean);
    blocks.push({ doc, line: i + 1, lang, flags, text: `${body.join("\n")}\n`, before: prose });
    prose = [];
    i = j;
  }
  return blocks;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to `-`, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of stripCode(markdown, true).split("\n")) {
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    const text = h[1].replace(/<[^>]+>/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The markdown without fenced blocks, and without inline code unless `keepInline`. */
function stripCode(markdown: string, keepInline = false): string {
  const lines = markdown.split("\n");
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of lines) {
    const f = /^ *(`{3,}|~{3,})/.exec(line);
    if (fence === null && f) {
      fence = f[1];
      out.push("");
    } else if (fence !== null) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]) fence = null;
      out.push("");
    } else out.push(keepInline ? line : line.replace(/`[^`]*`/g, "``"));
  }
  return out.join("\n");
}

// --- Comparing output ---

const SUMMARY_TIME = /^(cep: .*, )\d+(?:\.\d+)?s$/;

function normalise(text: string): string[] {
  const lines = text
    .replace(/\r\n/g, "\n")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes
    .replace(/\x1b\[[0-9;]*m/g, "")
    .split("\n")
    .map((l) => l.trimEnd().replace(SUMMARY_TIME, "$10.00s"));
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

const lineRegex = (line: string) =>
  new RegExp(
    `^${line
      .split("…")
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*?")}$`,
  );

/** Whether `actual` matches `expected` with the `…` rules above. */
function matchesOutput(expected: string, actual: string): boolean {
  const exp = normalise(expected);
  const act = normalise(actual);
  const res = exp.map((l) => (l.trim() === "…" ? null : lineRegex(l)));
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const k = i * (act.length + 1) + j;
    const hit = memo.get(k);
    if (hit !== undefined) return hit;
    let ok: boolean;
    if (i === exp.length) ok = j === act.length;
    else if (res[i] === null) ok = go(i + 1, j) || (j < act.length && go(i, j + 1));
    else ok = j < act.length && res[i]!.test(act[j]) && go(i + 1, j + 1);
    memo.set(k, ok);
    return ok;
  };
  return go(0, 0);
}

function expectOutput(where: string, expected: string, actual: string): void {
  if (matchesOutput(expected, actual)) return;
  // The first expected line (`…` lines aside) that no prefix of the output can reach, then
  // both texts in full: the diff of toBe is the most readable report.
  const exp = normalise(expected);
  let ok = 0;
  while (ok < exp.length && matchesOutput([...exp.slice(0, ok + 1), "…"].join("\n"), actual)) ok++;
  expect(
    normalise(actual).join("\n"),
    `${where}: the output differs from the documentation, first at expected line ${ok + 1}: ${exp[ok] ?? "(end)"}`,
  ).toBe(exp.join("\n"));
}

// --- Running ---

let work: string;
let cepBin: string;

/**
 * A scratch directory that looks like the repository's root to the examples: `patterns/`
 * is the repository's, `bin/` the private build's (for `node bin/cep.js`), `node_modules/`
 * the repository's (for tsx).
 */
function scratch(name: string): string {
  const dir = mkdtempSync(join(work, `${name.replace(/[^A-Za-z0-9]+/g, "-")}-`));
  symlinkSync(join(root, "patterns"), join(dir, "patterns"));
  symlinkSync(dirname(cepBin), join(dir, "bin"));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  mkdirSync(join(dir, "home"));
  mkdirSync(join(dir, "tmp"));
  return dir;
}

/** What {@link scratch} puts in a scratch directory. */
const SCRATCH = ["bin", "home", "node_modules", "patterns", "tmp"];

const PRELUDE = `set +e
cep() { node "$CEP_BIN" "$@"; }
npx() { if [ "$1" = cep ]; then shift; cep "$@"; else echo "docs test: npx $1 is not run" >&2; return 127; fi; }
exec 2>&1
`;

/** Runs a shell command in `cwd`; stdout and stderr merged, in order. */
function sh(command: string, cwd: string, timeoutMs = 60_000): Promise<{ code: number | null; out: string }> {
  const tmp = join(cwd, "tmp/");
  return new Promise((done, fail) => {
    const child = spawn("bash", ["-c", `${PRELUDE}${command.replaceAll("/tmp/", tmp)}`], {
      cwd,
      stdio: ["ignore", "pipe", "inherit"],
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: join(cwd, "home"),
        NO_COLOR: "1",
        LANG: "C.UTF-8",
        CEP_BIN: cepBin,
      },
      timeout: timeoutMs,
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => {
      out += s;
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, out: out.replaceAll(tmp, "/tmp/") }));
  });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "cep-docs-"));
  // A private build, so this file neither races with other tests building dist/ nor
  // depends on a stale one: bin/cep.js imports ../dist/bundle/cep.cjs (tsc, then
  // scripts/bundle.mjs, as `npm run build`), which reads ../../package.json.
  const build = join(work, "build");
  const tsc = spawnSync(
    join(root, "node_modules", ".bin", "tsc"),
    ["-p", join(root, "tsconfig.build.json"), "--outDir", join(build, "dist")],
    { encoding: "utf8" },
  );
  if (!existsSync(join(build, "dist", "cli", "main.js")))
    throw new Error(`build failed:\n${tsc.stdout}${tsc.stderr}`);
  cpSync(join(root, "bin"), join(build, "bin"), { recursive: true });
  cpSync(join(root, "package.json"), join(build, "package.json"));
  symlinkSync(join(root, "node_modules"), join(build, "node_modules"));
  const bundle = spawnSync(process.execPath, [join(root, "scripts", "bundle.mjs"), join(build, "dist")], {
    encoding: "utf8",
  });
  if (!existsSync(join(build, "dist", "bundle", "cep.cjs")))
    throw new Error(`bundle failed:\n${bundle.stdout}${bundle.stderr}`);
  cepBin = join(build, "bin", "cep.js");
}, 120_000);

// --- The blocks ---

const blocks = DOCS.flatMap((doc) => fencedBlocks(doc, readFileSync(join(root, doc), "utf8")));
const where = (b: Block) => `${b.doc}:${b.line}`;

describe("code blocks are known", () => {
  test.each(DOCS)("%s", (doc) => {
    const bad = blocks
      .filter((b) => b.doc === doc)
      .filter((b) => !(b.lang in LANGS) || b.flags.some((f) => !LANGS[b.lang].includes(f)))
      .map((b) => `${where(b)}: \`\`\`${[b.lang, ...b.flags].join(" ")}`);
    expect(bad, "unknown fence languages or flags").toEqual([]);
    const mixed = blocks
      .filter((b) => b.doc === doc && notSetUp(b).length > 0)
      .map((b) => `${where(b)}: ${notSetUp(b).join(", ")}`);
    expect(mixed, "set-up blocks (not run) that run other commands too: split them").toEqual([]);
  });
});

describe("```pattern blocks compile", () => {
  const patterns = blocks.filter((b) => b.lang === "pattern");
  test.each(patterns.map((b) => [where(b), b] as const))("%s", (name, b) => {
    try {
      compile(b.text, { file: name });
    } catch (err) {
      if (!(err instanceof CompileError)) throw err;
      const text = err.diagnostics.map((d) => renderDiagnostic(d, b.text)).join("\n\n");
      expect.fail(`${name} does not compile:\n${text}`);
    }
  });
});

/** The expected output of a runnable block: the next block, if it is ```text and no heading intervenes. */
function outputOf(b: Block): Block | null {
  const next = blocks[blocks.indexOf(b) + 1];
  if (next === undefined || next.doc !== b.doc || next.lang !== "text") return null;
  return next.before.some((l) => /^#{1,6}\s/.test(l)) ? null : next;
}

const runnable = blocks.filter((b) => b.lang === "ts" && b.flags.includes("runnable"));
const srcIndex = join(root, "src", "index.js");
const tsSource = (b: Block) =>
  `// ${where(b)}\n${b.text.replace(/(from\s+|import\s*\(\s*)(["'])cepheus\2/g, `$1$2${srcIndex}$2`)}`;
const tsFile = (b: Block) => `${b.doc.replace(/[^A-Za-z0-9]+/g, "-")}-${b.line}.mts`;

describe("```ts runnable blocks type-check", () => {
  test("strict, against src/index.ts", () => {
    if (runnable.length === 0) return;
    const dir = join(work, "typecheck");
    mkdirSync(dir, { recursive: true });
    for (const b of runnable) writeFileSync(join(dir, tsFile(b)), tsSource(b));
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2023"],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
          typeRoots: [join(root, "node_modules", "@types")],
        },
        include: ["*.mts"],
      }),
    );
    const r = spawnSync(join(root, "node_modules", ".bin", "tsc"), ["-p", join(dir, "tsconfig.json")], {
      encoding: "utf8",
    });
    const report = `${r.stdout}${r.stderr}`
      .split("\n")
      .filter((l) => l.includes(".mts"))
      .map((l) => {
        const m = /^(?:.*\/)?([^/(]+\.mts)\((\d+),(\d+)\)(.*)$/.exec(l);
        const b = m ? runnable.find((x) => tsFile(x) === m[1]) : undefined;
        // Line 1 of the file is the `// doc:line` comment, line 2 the block's first line.
        return m && b ? `${b.doc}:${b.line + Number(m[2]) - 1}:${m[3]}${m[4]}` : l;
      });
    expect(report.join("\n"), "type errors in documented examples").toBe("");
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  }, 120_000);
});

interface Command {
  readonly line: number;
  readonly command: string;
  readonly output: string;
}

/** `$ command`, `> continuation`, then its output lines. */
function commands(b: Block): Command[] {
  const out: Command[] = [];
  let cur: { line: number; command: string[]; output: string[] } | null = null;
  let continuing = false;
  b.text
    .replace(/\n$/, "")
    .split("\n")
    .forEach((line, i) => {
      if (line.startsWith("$ ")) {
        if (cur) out.push({ line: cur.line, command: cur.command.join("\n"), output: cur.output.join("\n") });
        cur = { line: b.line + 1 + i, command: [line.slice(2)], output: [] };
        continuing = true;
      } else if (cur && continuing && (line.startsWith("> ") || line === ">")) {
        cur.command.push(line.slice(2));
      } else if (cur) {
        continuing = false;
        cur.output.push(line);
      }
    });
  const last = cur as { line: number; command: string[]; output: string[] } | null;
  if (last) out.push({ line: last.line, command: last.command.join("\n"), output: last.output.join("\n") });
  return out;
}

/** The programs a command line starts (first word of each pipeline segment; here-document bodies skipped). */
function programs(command: string): string[] {
  const [first, ...rest] = command.split("\n");
  const heredoc = /<<-?\s*'?(\w+)'?/.exec(first);
  const lines = heredoc ? [first, ...rest.slice(rest.indexOf(heredoc[1]) + 1)] : [first, ...rest];
  return lines
    .join(" ")
    .replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, "''")
    .replace(/\d?>&\d?|&>/g, " ")
    .split(/\|\|?|&&?|;/)
    .map((s) => {
      const words = s.trim().replace(/^\(+/, "").split(/\s+/);
      return words[0] === "npx" ? `npx ${words[1] ?? ""}`.replace("npx cep", "cep") : words[0];
    })
    .filter(Boolean);
}

const isShell = (b: Block) => (b.lang === "console" || b.lang === "sh") && commands(b).length > 0;

/** The programs a shell block runs. */
const blockPrograms = (b: Block) => commands(b).flatMap((c) => programs(c.command));

/**
 * A set-up block (installing, cloning) is shown, not run, and registers no test. What the
 * docs tell a reader to set up is checked elsewhere: the README's first-screen commands
 * (`npm ci && npx cep run …`, `npm ci && npm test`) are a table, not a block, and are
 * checked by test/package/npx.test.ts (`npx cep` in a clone),
 * test/package/ensure-test-tools.test.ts (.ci/run runs exactly the README's test
 * command) and CI itself; the README's scale-out demonstration (`npm run build && bash
 * scripts/scale-out-demo.sh`) is a ```text block, run by test/scaleout/demo.test.ts. So that
 * nothing else hides in one, a set-up block may run set-up programs only.
 */
const isSetUp = (b: Block) => isShell(b) && blockPrograms(b).some((p) => SETUP.has(p));

/** The programs of a set-up block that are not set-up programs (they would go unchecked). */
const notSetUp = (b: Block) => (isSetUp(b) ? blockPrograms(b).filter((p) => !SETUP.has(p)) : []);

async function runTs(b: Block, dir: string): Promise<void> {
  const file = tsFile(b);
  writeFileSync(join(dir, file), tsSource(b));
  const r = await sh(`node --import tsx ${file}`, dir);
  if (r.code !== 0) expect.fail(`${where(b)} exited with ${r.code}:\n${r.out}`);
  const expected = outputOf(b);
  if (expected !== null) expectOutput(`${where(b)} (output at ${where(expected)})`, expected.text, r.out);
}

async function runShell(b: Block, dir: string): Promise<void> {
  const cmds = commands(b);
  const unknown = blockPrograms(b).filter((p) => !ALLOWED.has(p));
  expect(unknown, `${where(b)}: commands the docs test does not run`).toEqual([]);
  for (const c of cmds) {
    const r = await sh(c.command, dir);
    expectOutput(`${b.doc}:${c.line} \`${c.command.split("\n")[0]}\``, c.output, r.out);
  }
}

// Each document's runnable blocks run in order in one scratch directory, as a reader
// following it would (a block may use a file an earlier one wrote); documents run in parallel.
describe("runnable blocks, document by document", () => {
  for (const doc of DOCS) {
    const mine = blocks.filter(
      (b) =>
        b.doc === doc && ((b.lang === "ts" && b.flags.includes("runnable")) || (isShell(b) && !isSetUp(b))),
    );
    if (mine.length === 0) continue;
    describe.concurrent(doc, () => {
      let dir = "";
      for (const b of mine) {
        const label = isShell(b)
          ? `${where(b)} $ ${commands(b)[0].command.split("\n")[0]}`
          : `${where(b)} ts`;
        const needsDot = isShell(b) && blockPrograms(b).includes("dot");
        test.sequential(label, async () => {
          if (needsDot) requireDot();
          if (dir === "") dir = scratch(doc);
          await (isShell(b) ? runShell(b, dir) : runTs(b, dir));
        }, 180_000);
      }
      if (doc === "README.md") {
        test.sequential(`${doc}: following it leaves no files in the clone`, () => {
          if (dir === "") return;
          const ours = new Set([...SCRATCH, ...mine.filter((b) => !isShell(b)).map(tsFile)]);
          expect(readdirSync(dir).filter((f) => !ours.has(f))).toEqual([]);
        });
      }
    });
  }
});

describe("blocks generated by a command", () => {
  const generated = blocks.flatMap((b) => {
    const comment = [...b.before]
      .reverse()
      .find((l) => l.trim() !== "")
      ?.match(/^<!--\s*output of:\s*(.+?)\s*-->$/);
    return comment ? [[where(b), comment[1], b] as const] : [];
  });
  test.concurrent.each(generated)("%s: %s", async (name, command, b) => {
    expect(programs(command).every((p) => ALLOWED.has(p) && p !== "dot")).toBe(true);
    const r = await sh(command, scratch(name));
    expectOutput(name, b.text, r.out);
  });
});

// --- Links ---

describe("links", () => {
  test.each(DOCS)("%s: relative links and anchors resolve", (doc) => {
    const text = stripCode(readFileSync(join(root, doc), "utf8"));
    const broken: string[] = [];
    for (const m of text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)|<img[^>]+src="([^"]+)"/g)) {
      const target = m[1] ?? m[2];
      if (/^[a-z]+:/i.test(target)) continue;
      const [path, anchor] = target.split("#", 2);
      const file = path === "" ? join(root, doc) : resolve(dirname(join(root, doc)), path);
      if (!existsSync(file)) {
        broken.push(`${target} (no file ${relative(root, file)})`);
        continue;
      }
      if (anchor !== undefined && file.endsWith(".md") && !anchors(readFileSync(file, "utf8")).has(anchor)) {
        broken.push(`${target} (no heading #${anchor} in ${relative(root, file)})`);
      }
    }
    expect(broken).toEqual([]);
  });
});

// --- The example patterns' pictures ---

describe("docs/patterns.md covers every example", () => {
  const names = readdirSync(join(root, "patterns"))
    .filter((f) => f.endsWith(".pattern"))
    .map((f) => f.slice(0, -".pattern".length))
    .sort();
  const page = readFileSync(join(root, "docs", "patterns.md"), "utf8");

  test.concurrent.each(names)("%s: a section, its source, and an up-to-date picture", async (name) => {
    expect(page, `docs/patterns.md links patterns/${name}.pattern`).toContain(
      `(../patterns/${name}.pattern)`,
    );
    expect(page, `docs/patterns.md shows img/${name}.svg`).toContain(`img/${name}.svg`);
    const svgPath = join(root, "docs", "img", `${name}.svg`);
    expect(existsSync(svgPath), `docs/img/${name}.svg exists`).toBe(true);
    const svg = readFileSync(svgPath, "utf8");
    const r = await sh(`cep explain patterns/${name}.pattern --format dot 2>/dev/null`, scratch(name));
    expect(
      /<!-- (cep explain format=dot sha256:[0-9a-f]+) -->/.exec(svg)?.[1],
      `docs/img/${name}.svg is stale: run \`node --import tsx scripts/render-docs.ts\` (needs Graphviz)`,
    ).toBe(dotStamp(r.out));
  });
});

// --- The rules themselves ---

describe("the docs test's own rules", () => {
  test("… elides within a line; a … line elides any number of lines", () => {
    expect(matchesOutput("a…c", "abbbc")).toBe(true);
    expect(matchesOutput("a…c", "abbbd")).toBe(false);
    expect(matchesOutput("x\n…\ny", "x\n1\n2\ny")).toBe(true);
    expect(matchesOutput("x\n…\ny", "x\ny")).toBe(true);
    expect(matchesOutput("x\ny", "x\n1\ny")).toBe(false);
    expect(matchesOutput("cep: 1 event, 0.01s", "cep: 1 event, 1.27s\n\n")).toBe(true);
  });

  test("commands: $ starts one, > continues it, the rest is output", () => {
    const b = fencedBlocks("t.md", "```console\n$ cat > a <<'EOF'\n> x\n> EOF\n$ cat a\nx\n```\n")[0];
    expect(commands(b).map((c) => [c.command, c.output])).toEqual([
      ["cat > a <<'EOF'\nx\nEOF", ""],
      ["cat a", "x"],
    ]);
    expect(programs("printf '{\"a\": 1}|x' | npx cep repl p.pattern && echo ok")).toEqual([
      "printf",
      "cep",
      "echo",
    ]);
    expect(programs("node bin/cep.js run p 2>&1 & sleep 2; kill -9 $!")).toEqual(["node", "sleep", "kill"]);
  });

  test("a set-up block is not run, and may run set-up programs only", () => {
    const [install, mixed, run] = fencedBlocks(
      "t.md",
      "```console\n$ npm install cepheus\n```\n```sh\n$ npm ci && npx cep run p\n```\n```console\n$ cep check p\n```\n",
    );
    expect([install, mixed, run].map(isSetUp)).toEqual([true, true, false]);
    expect([install, mixed, run].map(notSetUp)).toEqual([[], ["cep"], []]);
  });

  test("GitHub anchors", () => {
    expect([...anchors("# 15. Differences from Flink CEP\n## `key by`: partitions\n## A\n## A\n")]).toEqual([
      "15-differences-from-flink-cep",
      "key-by-partitions",
      "a",
      "a-1",
    ]);
  });
});
