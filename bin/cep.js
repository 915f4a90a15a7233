#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileBundle } from "./load-bundle.js";

/** The CLI's `main`: from the bundle and its code cache (start-up), else from dist/cli. */
async function load() {
  const file = fileURLToPath(new URL("../dist/bundle/cep.cjs", import.meta.url));
  let source;
  try {
    source = readFileSync(file, "utf8");
  } catch {
    return (await import("../dist/cli/main.js")).main;
  }
  let cache;
  try {
    cache = readFileSync(`${file}.cache`);
  } catch {
    cache = undefined;
  }
  return compileBundle(source, file, cache).run().main;
}

load()
  .then((main) => main(process.argv.slice(2)))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`cep: internal error: ${err?.stack ?? err}\n`);
      process.exitCode = 70;
    },
  );
