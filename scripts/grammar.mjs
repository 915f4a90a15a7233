#!/usr/bin/env node
/**
 * `npm run grammar`: draws grammar/diagrams.html, the railroad diagrams of the pattern
 * language, from the live parser (run `npm run build` first: this reads dist/).
 *
 * Chevrotain's `createSyntaxDiagramsCode` writes a page that loads its renderer and
 * stylesheet from unpkg.com. Chevrotain ships the same files in its package
 * (`chevrotain/diagrams/`), so this script inlines them: the page works offline and
 * from `file://`, and always matches the installed Chevrotain.
 *
 * Usage: node scripts/grammar.mjs [output.html]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createSyntaxDiagramsCode } from "chevrotain";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = resolve(process.argv[2] ?? join(root, "grammar", "diagrams.html"));

/** The shared parser instance from the build (`getParser()` in src/lang/parser.ts). */
async function loadParser() {
  const mod = await import("../dist/lang/parser.js").catch((error) => {
    console.error("scripts/grammar.mjs: cannot load dist/lang/parser.js; run `npm run build` first.");
    throw error;
  });
  if (typeof mod.getParser !== "function") throw new Error("dist/lang/parser.js does not export getParser()");
  return mod.getParser();
}

/** Chevrotain's own copy of the diagram renderer (the files the CDN would serve). */
function diagramsDir() {
  const require = createRequire(import.meta.url);
  // The package's entry is lib/src/api.js; the renderer lives in <package>/diagrams.
  let dir = dirname(require.resolve("chevrotain"));
  while (!readable(join(dir, "diagrams", "diagrams.css"))) {
    if (dirname(dir) === dir) throw new Error("chevrotain's diagrams/ folder not found");
    dir = dirname(dir);
  }
  return join(dir, "diagrams");
}

function readable(file) {
  try {
    readFileSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Text safe inside an inline <script> or <style> element. */
function inlineSafe(text) {
  return text.replace(/<\/(script|style)/gi, "<\\/$1");
}

const parser = await loadParser();
// Placeholder URLs, replaced below by the files' contents.
const base = "chevrotain-diagrams://";
let html = createSyntaxDiagramsCode(parser.getSerializedGastProductions(), {
  resourceBase: base,
  css: `${base}diagrams.css`,
});

const dir = diagramsDir();
let inlined = 0;
html = html.replace(/<link rel='stylesheet' href='chevrotain-diagrams:\/\/([^']+)'>/g, (_, file) => {
  inlined++;
  return `<style>\n${inlineSafe(readFileSync(join(dir, file), "utf8"))}\n</style>`;
});
html = html.replace(/<script src='chevrotain-diagrams:\/\/([^']+)'><\/script>/g, (_, file) => {
  inlined++;
  return `<script>\n${inlineSafe(readFileSync(join(dir, file), "utf8"))}\n</script>`;
});
if (html.includes(base)) {
  throw new Error("a diagrams resource was not inlined: Chevrotain's page layout changed");
}

const title = "<title>Cepheus pattern language: syntax diagrams</title>\n";
html = html.replace('<meta charset="utf-8">', `<meta charset="utf-8">\n${title}`);
writeFileSync(out, html);
const rules = parser.getSerializedGastProductions().length;
console.error(`wrote ${out}: ${rules} rules, ${inlined} resources inlined`);
