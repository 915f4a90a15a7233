#!/usr/bin/env node
/**
 * Rewrites the front end's golden baselines (test/baselines/ast, test/baselines/errors)
 * from the current code: runs test/lang/golden.test.ts with ACCEPT=1. Review the diff
 * (`git diff test/baselines`) before committing — a baseline must be right, not merely
 * what the code prints today.
 *
 * Usage: node scripts/accept-baselines.mjs
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const result = spawnSync("npx", ["vitest", "run", "test/lang/golden.test.ts"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, ACCEPT: "1" },
  shell: process.platform === "win32",
});
process.exit(result.status ?? 1);
