/**
 * `npm run build`'s second step: bundles the CLI (dist/cli/main.js and what it imports)
 * into dist/bundle/ with esbuild, for start-up time. Node 20's ESM loader resolves, reads
 * and links each of the ~150 modules (ours, Chevrotain's, commander's) one by one: ~50 ms
 * of a ~200 ms `cep run` start-up (bench/results.md, section CLI). Dynamic imports stay
 * separate chunks (`splitting`), so `cep produce`'s ioredis and the REPL load only when used;
 * luxon and re2js are loaded lazily by require (src/lang/lazy.ts) and stay external.
 * bin/cep.js runs the bundle; the library (`dist/index.js`) is not bundled.
 *
 * `node scripts/bundle.mjs [DIST]`: DIST is the tsc output folder (default: ./dist); the
 * bundle goes to DIST/bundle/ (tests that make a private build pass theirs).
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const dist = resolve(process.argv[2] ?? fileURLToPath(new URL("../dist", import.meta.url)));
const outdir = join(dist, "bundle");
const result = await build({
  entryPoints: [join(dist, "cli", "main.js")],
  outdir,
  write: false,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["ioredis", "luxon", "re2js"],
  logLevel: "warning",
  minifyWhitespace: true,
  minifySyntax: true,
  // Bundled CommonJS dependencies (commander) call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __cepRequire } from 'node:module'; const require = __cepRequire(import.meta.url);",
  },
});

// Processes may start (tests run many) while this runs: each file is written aside and
// renamed into place (atomic), chunks before main.js, and chunks of earlier builds stay a
// while, so a process never reads a half-written file or misses a chunk its main.js names.
mkdirSync(outdir, { recursive: true });
const fresh = new Set();
const files = [...result.outputFiles].sort(
  (a, b) => Number(basename(a.path) === "main.js") - Number(basename(b.path) === "main.js"),
);
for (const f of files) {
  const tmp = `${f.path}.${process.pid}.tmp`;
  writeFileSync(tmp, f.contents);
  renameSync(tmp, f.path);
  fresh.add(basename(f.path));
}
const stale = Date.now() - 10 * 60_000;
for (const name of readdirSync(outdir)) {
  const path = join(outdir, name);
  if (!fresh.has(name) && statSync(path).mtimeMs < stale) rmSync(path, { force: true });
}
