/**
 * Loads the CLI bundle (dist/bundle/cep.cjs, made by scripts/bundle.mjs) as Node loads a
 * CommonJS file, but through `vm.Script` so that V8's code cache for it can be used.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import vm from "node:vm";

/**
 * Compiles the bundle's source (`cachedData`: a code cache, or undefined); `run()`
 * evaluates it and returns its exports.
 */
export function compileBundle(source, filename, cachedData) {
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename,
    cachedData,
  });
  const run = () => {
    const module = { exports: {} };
    script.runInThisContext()(module.exports, createRequire(filename), module, filename, dirname(filename));
    return module.exports;
  };
  return { script, run };
}
