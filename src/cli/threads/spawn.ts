/**
 * Starting a worker thread of `cep run --threads`. The CLI normally runs as one bundle
 * (dist/bundle/cep.cjs, loaded through `vm.Script` with a code cache: see bin/cep.js);
 * a worker loads the same bundle the same way and calls its `threadMain`, so it starts as
 * fast as the command did. Run unbundled (dist/cli), it starts entry.js beside this file.
 */
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ThreadSetup } from "./protocol.js";

/** Loads the bundle named by `workerData.entry` as bin/load-bundle.js does, then runs its `threadMain`. */
const FROM_BUNDLE = `
const { workerData } = require("node:worker_threads");
const fs = require("node:fs");
const vm = require("node:vm");
const path = require("node:path");
const { createRequire } = require("node:module");
const file = workerData.entry;
let cachedData;
try { cachedData = fs.readFileSync(file + ".cache"); } catch {}
const script = new vm.Script("(function (exports, require, module, __filename, __dirname) {" + fs.readFileSync(file, "utf8") + "\\n})", { filename: file, cachedData });
const m = { exports: {} };
script.runInThisContext()(m.exports, createRequire(file), m, file, path.dirname(file));
m.exports.threadMain();
`;

/** Starts one worker thread with `setup` (its `workerData.setup`). */
export function startWorker(setup: ThreadSetup): Worker {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith(".cjs")) {
    return new Worker(FROM_BUNDLE, { eval: true, workerData: { entry: here, setup } });
  }
  return new Worker(new URL("./entry.js", import.meta.url), { workerData: { entry: here, setup } });
}
