/**
 * Golden files: compare an output with its baseline file, or (with `ACCEPT=1` in the
 * environment) write the baseline instead, to be reviewed as a diff before committing.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expect } from "vitest";

/** True when the run rewrites baselines instead of checking them. */
export const ACCEPT = process.env.ACCEPT === "1";

/**
 * Asserts `actual` equals the baseline at `path`; under `ACCEPT=1` writes it (when it
 * differs). `testFile` names the test file in the message of a missing baseline.
 */
export function expectGolden(actual: string, path: string, testFile: string): void {
  if (ACCEPT) {
    mkdirSync(dirname(path), { recursive: true });
    if (!existsSync(path) || readFileSync(path, "utf8") !== actual) writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path))
    throw new Error(`missing baseline ${path}; run ACCEPT=1 npx vitest run ${testFile} and review it`);
  expect(actual).toBe(readFileSync(path, "utf8"));
}
