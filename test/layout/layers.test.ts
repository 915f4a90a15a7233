/**
 * The layering of src/ (docs/architecture.md, "Dependencies point one way"): every import
 * in src/ — static, `import type`, `export … from`, `import()` and `typeof import()` — is
 * read, and between top-level folders
 * - there is no cycle, and
 * - each folder imports only the folders {@link MAY_IMPORT} gives it, all of them lower
 *   in {@link ORDER}: util → lang → compile → runtime → io → scaleout → shell → repl →
 *   cli, with lsp over lang and compile only, and src/index.ts (the public API) over the
 *   library folders; nothing in src/ imports index.ts.
 * A new top-level folder fails the test until it is placed in both tables.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { root } from "../cli/dist.js";

/** Bottom to top; "." is src/index.ts. A folder may import only folders before it. */
const ORDER = [
  "util",
  "lang",
  "compile",
  "runtime",
  "io",
  "scaleout",
  "shell",
  "repl",
  "lsp",
  "cli",
  ".",
] as const;
type Layer = (typeof ORDER)[number];

/**
 * What each folder may import: the order, tightened wherever the code already keeps to
 * less (a new import across folders is then a decision, made here).
 */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  // Leaf helpers any layer can use (lazily loaded libraries, "did you mean").
  util: [],
  // The only place that sees source text and builds the AST.
  lang: ["util"],
  // AST → NFA; never the runtime (XState's flaw: the definition importing the interpreter).
  compile: ["util", "lang"],
  // Only the compiled model: the runtime never sees the AST or source text.
  runtime: ["util", "compile"],
  // Sources and sinks read and write text; they need nothing of the engine.
  io: ["util"],
  // Redis scale-out: runs compiled programs in engines.
  scaleout: ["util", "compile", "runtime", "io"],
  // What the two shells share (key arguments, option parsers, usage errors).
  shell: ["util", "lang", "compile", "runtime", "io"],
  // The REPL is started by the CLI and never imports it.
  repl: ["util", "lang", "compile", "runtime", "io", "shell"],
  // The language server: the authoring tools of lang/ and compile/'s front end.
  lsp: ["util", "lang", "compile"],
  cli: ["util", "lang", "compile", "runtime", "io", "scaleout", "shell", "repl", "lsp"],
  // The public API re-exports the library; the shells are not part of it.
  ".": ["util", "lang", "compile", "runtime", "io", "scaleout"],
};

/**
 * Imports against the layering that stay for now, each with the reason. The test fails
 * when one of them disappears, so the list cannot go stale.
 */
const EXCEPTIONS: readonly { from: string; to: string; why: string }[] = [
  {
    from: "src/runtime/trace/why-text.ts",
    to: "src/lang/format.ts",
    why:
      "`whyText` (public API) prints its report with code frames of the pattern source " +
      "(`renderDiagnostic`); it is presentation, not runtime, and belongs beside the shells — " +
      "moving it changes where src/index.ts exports it from, a change of its own",
  },
];

/** Packages that belong to one folder: nothing else imports them. */
const PACKAGE_HOME: Record<string, Layer> = {
  chevrotain: "lang",
  ioredis: "scaleout",
  "vscode-languageserver": "lsp",
  "vscode-languageserver-textdocument": "lsp",
};

const STATIC =
  /^[ \t]*(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,?\s*)?(?:\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?)?\s*from\s*["']([^"']+)["']/gm;
const BARE = /^[ \t]*import\s*["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g;
/** Lines that begin an import statement (not `import(`): each must be one STATIC or BARE found. */
const IMPORT_LINE = /^[ \t]*import\b(?!\s*\()/gm;

/** The module specifiers `text` imports or re-exports from; throws on an import it cannot read. */
function specifiers(text: string): string[] {
  const statics = [...text.matchAll(STATIC)];
  const bare = [...text.matchAll(BARE)];
  const importLines = [...text.matchAll(IMPORT_LINE)].length;
  const importStatements = statics.filter((m) => /^\s*import/.test(m[0])).length + bare.length;
  if (importLines !== importStatements) {
    throw new Error(`${importLines} import statements, ${importStatements} read`);
  }
  return [...statics, ...bare, ...text.matchAll(DYNAMIC)].map((m) => m[1]);
}

interface Edge {
  /** Files, relative to the repository root. */
  readonly from: string;
  readonly to: string;
}

/** src/a/b.ts → "a"; src/index.ts → ".". */
function layerOf(file: string): string {
  const parts = file.split("/");
  return parts.length === 2 ? "." : parts[1];
}

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every import between files of src/, and every package import (`to` the package name). */
function readImports(): { edges: Edge[]; packages: Edge[]; unresolved: string[] } {
  const edges: Edge[] = [];
  const packages: Edge[] = [];
  const unresolved: string[] = [];
  for (const from of sources("src")) {
    let specs: string[];
    try {
      specs = specifiers(readFileSync(join(root, from), "utf8"));
    } catch (err) {
      unresolved.push(`${from}: ${(err as Error).message}`);
      continue;
    }
    for (const spec of specs) {
      if (!spec.startsWith(".")) {
        if (spec.startsWith("node:")) continue;
        const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
        packages.push({ from, to: name });
        continue;
      }
      const to = relative(root, resolve(dirname(join(root, from)), spec.replace(/\.js$/, ".ts")));
      if (existsSync(join(root, to))) edges.push({ from, to });
      else unresolved.push(`${from}: ${spec}`);
    }
  }
  return { edges, packages, unresolved };
}

/** The folder graph's cycles (strongly connected components of two or more folders, or a self-loop). */
function folderCycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const a = layerOf(from);
    const b = layerOf(to);
    if (a === b) continue;
    if (!next.has(a)) next.set(a, new Set());
    if (!next.has(b)) next.set(b, new Set());
    next.get(a)!.add(b);
  }
  // Tarjan's algorithm; the graph has a dozen nodes, so recursion is fine.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

/** One line per import across folders that {@link MAY_IMPORT} does not allow (minus the exceptions). */
function violations(
  edges: readonly Edge[],
  mayImport: Record<string, readonly string[]>,
  exceptions: readonly { from: string; to: string }[],
): string[] {
  const out: string[] = [];
  for (const { from, to } of edges) {
    const a = layerOf(from);
    const b = layerOf(to);
    if (a === b) continue;
    if (exceptions.some((x) => x.from === from && x.to === to)) continue;
    const allowed = mayImport[a];
    if (allowed === undefined) out.push(`${from} → ${to}: src/${a}/ is not placed in the layering`);
    else if (!allowed.includes(b))
      out.push(
        `${from} → ${to}: ${a === "." ? "src/index.ts" : `src/${a}/`} may import only ${allowed.join(", ") || "nothing"}`,
      );
  }
  return [...new Set(out)];
}

describe("the layering of src/", () => {
  const { edges, packages, unresolved } = readImports();

  test("every import is read and resolves to a file", () => {
    expect(unresolved).toEqual([]);
    expect(edges.length).toBeGreaterThan(500);
  });

  test("every top-level folder is placed, and each may import only folders below it", () => {
    const folders = readdirSync(join(root, "src"), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.filter((f) => !(ORDER as readonly string[]).includes(f))).toEqual([]);
    for (const layer of ORDER) {
      for (const lower of MAY_IMPORT[layer]) {
        expect(ORDER.indexOf(lower), `${layer} may import ${lower}`).toBeLessThan(ORDER.indexOf(layer));
      }
    }
  });

  test("there is no import cycle between top-level folders", () => {
    expect(folderCycles(edges)).toEqual([]);
  });

  test("every import across folders follows the layering", () => {
    expect(violations(edges, MAY_IMPORT, EXCEPTIONS)).toEqual([]);
  });

  test("every listed exception is still needed", () => {
    const stale = EXCEPTIONS.filter((x) => !edges.some((e) => e.from === x.from && e.to === x.to));
    expect(stale).toEqual([]);
  });

  test("packages that belong to one folder are imported only there", () => {
    const strays = packages
      .filter((p) => PACKAGE_HOME[p.to] !== undefined && layerOf(p.from) !== PACKAGE_HOME[p.to])
      .map((p) => `${p.from} imports ${p.to}`);
    expect(strays).toEqual([]);
    for (const name of Object.keys(PACKAGE_HOME)) {
      expect(
        packages.some((p) => p.to === name),
        name,
      ).toBe(true);
    }
  });
});

describe("the checks catch what they look for", () => {
  test("every import form is read", () => {
    const text = [
      'import { a, type B } from "./a.js";',
      "import {",
      "  c,",
      "  d,",
      '} from "../c.js";',
      'import type { E } from "./e.js";',
      'import f, { g } from "./f.js";',
      'import * as h from "./h.js";',
      'import "./side.js";',
      'export { i } from "./i.js";',
      'export type { J } from "./j.js";',
      'export * from "./k.js";',
      'export * as l from "./l.js";',
      'const m = await import("./m.js");',
      'type N = typeof import("./n.js");',
      'const notAnImport = "from \\"./x.js\\"";',
    ].join("\n");
    expect(specifiers(text).sort()).toEqual(
      [
        "./a.js",
        "../c.js",
        "./e.js",
        "./f.js",
        "./h.js",
        "./side.js",
        "./i.js",
        "./j.js",
        "./k.js",
        "./l.js",
        "./m.js",
        "./n.js",
      ].sort(),
    );
    expect(() => specifiers('import { a } from\n  someFunction("./a.js");')).toThrow(
      /1 import statements, 0 read/,
    );
  });

  test("a cycle between two folders, and one through three, are found", () => {
    expect(
      folderCycles([
        { from: "src/cli/cli.ts", to: "src/repl/options.ts" },
        { from: "src/repl/session.ts", to: "src/cli/load.ts" },
        { from: "src/repl/session.ts", to: "src/lang/parse.ts" },
      ]),
    ).toEqual([["cli", "repl"]]);
    expect(
      folderCycles([
        { from: "src/lang/a.ts", to: "src/compile/b.ts" },
        { from: "src/compile/b.ts", to: "src/runtime/c.ts" },
        { from: "src/runtime/c.ts", to: "src/lang/d.ts" },
        { from: "src/index.ts", to: "src/lang/d.ts" },
      ]),
    ).toEqual([["compile", "lang", "runtime"]]);
  });

  test("an import up the order, from an unplaced folder, or listed as an exception, is judged as such", () => {
    const edges = [
      { from: "src/repl/session.ts", to: "src/cli/load.ts" },
      { from: "src/runtime/values.ts", to: "src/lang/lazy.ts" },
      { from: "src/dist/worker.ts", to: "src/runtime/engine.ts" },
      { from: "src/cli/cli.ts", to: "src/repl/command.ts" },
    ];
    expect(
      violations(edges, MAY_IMPORT, [{ from: "src/runtime/values.ts", to: "src/lang/lazy.ts" }]),
    ).toEqual([
      "src/repl/session.ts → src/cli/load.ts: src/repl/ may import only util, lang, compile, runtime, io, shell",
      "src/dist/worker.ts → src/runtime/engine.ts: src/dist/ is not placed in the layering",
    ]);
  });
});
