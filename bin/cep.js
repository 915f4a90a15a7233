#!/usr/bin/env node
import { main } from "../dist/bundle/main.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`cep: internal error: ${err?.stack ?? err}\n`);
    process.exitCode = 70;
  },
);
