/**
 * `npm run build`'s second step: bundles the CLI (dist/cli/main.js and what it imports)
 * into one CommonJS file, dist/bundle/cep.cjs, with esbuild, plus a V8 code cache of it,
 * for start-up time. Node 20's ESM loader resolves, reads and links each of the ~150
 * modules (ours, Chevrotain's, commander's) one by one (~50 ms), then V8 compiles what
 * runs (~20 ms): `cep run` started in ~200 ms, now ~120 ms (bench/results.md, CLI).
 *
 * - ioredis (`cep produce|worker|consume|status`), luxon, re2js and the LSP libraries
 *   (`cep lsp`) stay external and are required only when used (dynamic imports become lazy initialisers in the bundle).
 * - The code cache (`cep.cjs.cache`) is made here by loading the bundle the way bin/cep.js
 *   does and running `cep run` over an empty input, so the functions start-up needs are in
 *   it. V8 rejects a cache from another Node version or other flags: bin/cep.js then just
 *   compiles (correct, slower).
 * - The library gets one implementation for both module systems (no dual-package hazard:
 *   `require("cepheus").Engine === (await import("cepheus")).Engine`): dist/index.cjs, a
 *   CommonJS bundle of dist/index.js, is what `require` loads (Node 20 cannot `require`
 *   ESM), and dist/index.mjs, what `import` loads, re-exports its names. Chevrotain is
 *   ESM-only, so it is bundled in; the other dependencies load CommonJS and stay external.
 *   Types: tsc's .d.ts files for `import`, and copies as .d.cts for `require` (TypeScript
 *   reads a .d.ts of this `"type": "module"` package as ESM, which CommonJS cannot load).
 *
 * `node scripts/bundle.mjs [DIST]`: DIST is the tsc output folder (default: ./dist); the
 * bundle goes to DIST/bundle/ (tests that make a private build pass theirs).
 *
 * Processes may start (tests run many) while this runs: each file is written aside and
 * renamed into place (atomic), the cache first, so a process never reads a half-written
 * file (a cache that does not match its bundle is rejected by V8, not misused).
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { compileBundle } from "../bin/load-bundle.js";

const dist = resolve(process.argv[2] ?? fileURLToPath(new URL("../dist", import.meta.url)));
const outdir = join(dist, "bundle");
const outfile = join(outdir, "cep.cjs");
const result = await build({
  entryPoints: [join(dist, "cli", "main.js")],
  outfile,
  write: false,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  external: [
    "ioredis",
    "luxon",
    "prom-client",
    "re2js",
    "vscode-languageserver",
    "vscode-languageserver-textdocument",
    "vscode-uri",
  ],
  logLevel: "warning",
  minifyWhitespace: true,
  minifySyntax: true,
  // The sources locate package.json and load modules relative to their own file.
  define: { "import.meta.url": "__cepUrl" },
  banner: { js: 'var __cepUrl = require("node:url").pathToFileURL(__filename).href;' },
});
const code = result.outputFiles[0].text;

// The code cache: compile and run the bundle as bin/cep.js does, then serialise.
const { script, run } = compileBundle(code, outfile, undefined);
const main = run().main;
const scratch = mkdtempSync(join(tmpdir(), "cep-bundle-"));
try {
  writeFileSync(
    join(scratch, "warm.pattern"),
    "pattern Warm { key by k within 10 s match a: A followed by b: B }\n",
  );
  writeFileSync(join(scratch, "empty.ndjson"), "");
  await main(["run", join(scratch, "warm.pattern"), "--input", join(scratch, "empty.ndjson"), "--quiet"]);
} finally {
  rmSync(scratch, { recursive: true, force: true });
  process.exitCode = 0;
}
const cache = script.createCachedData();

mkdirSync(outdir, { recursive: true });
const put = (path, data) => {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
};
put(`${outfile}.cache`, cache);
put(outfile, code);

// The library for `require` and `import` (see the header).
const pkg = JSON.parse(readFileSync(join(dist, "..", "package.json"), "utf8"));
const external = Object.keys(pkg.dependencies)
  .filter((name) => name !== "chevrotain")
  .flatMap((name) => [name, `${name}/*`]);
const library = await build({
  entryPoints: [join(dist, "index.js")],
  outfile: join(dist, "index.cjs"),
  write: false,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  external,
  logLevel: "warning",
  define: { "import.meta.url": "__cepUrl" },
  banner: { js: 'var __cepUrl = require("node:url").pathToFileURL(__filename).href;' },
});
put(join(dist, "index.cjs"), library.outputFiles[0].text);
const names = Object.keys(createRequire(import.meta.url)(join(dist, "index.cjs"))).sort();
put(
  join(dist, "index.mjs"),
  `// The ES module entry: the CommonJS build's exports (one implementation; scripts/bundle.mjs).\n` +
    `import cepheus from "./index.cjs";\n\nexport const {\n${names.map((n) => `  ${n},\n`).join("")}} = cepheus;\n`,
);
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith(".d.ts")) continue;
  const file = join(entry.parentPath, entry.name);
  // Our files' .js become .cjs; Chevrotain's types (ESM-only) are read as ESM.
  const cts = readFileSync(file, "utf8")
    .replace(/((?:from|import\()\s*)(["'])(\.{1,2}\/[^"']*)\.js\2/g, "$1$2$3.cjs$2")
    .replace(/^import \{([^}]*)\} from (["'])chevrotain\2;/gm, (line, names) =>
      /^(\s*type\s+\w+\s*,?)+$/.test(names)
        ? `import type {${names.replace(/\btype\s+/g, "")}} from "chevrotain" with { "resolution-mode": "import" };`
        : line,
    )
    .replace(
      /import\((["'])chevrotain\1\)/g,
      'import("chevrotain", { with: { "resolution-mode": "import" } })',
    );
  put(`${file.slice(0, -".d.ts".length)}.d.cts`, cts);
}
