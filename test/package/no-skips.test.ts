/**
 * A skipped test is a defect: every test registered runs, on every machine `npm test`
 * runs on (what a test needs, `npm test` installs first: scripts/ensure-test-tools.sh).
 * So no test file may skip, mark as to-do, or run a test only under a condition — with
 * vitest's modifiers, their options, or the test context — and vitest's own summary must
 * never show "skipped" or "todo". This file reads every test source for them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, test } from "vitest";
import { root } from "../cli/dist.js";

/** vitest's ways to skip: `.skip(`/`.todo(` (also `test.sequential.skip`, `ctx.skip()`), `skipIf`/`runIf`, `{ skip: true }`/`{ todo: true }`, xit/xtest/xdescribe. */
const SKIP =
  /\.(?:skip|todo)\s*(?:[(`]|\.(?:each|for|concurrent|sequential)\b)|\b(?:skipIf|runIf)\b|\b(?:skip|todo)\s*:\s*true\b|\bx(?:it|test|describe)\s*\(/;

const self = relative(root, new URL(import.meta.url).pathname);

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return sources(path);
    return /\.[cm]?[jt]s$/.test(e.name) ? [path] : [];
  });
}

/** `file:line: text` for every line of `files` matching {@link SKIP}. */
function skips(files: string[], read: (file: string) => string): string[] {
  return files.flatMap((file) =>
    read(file)
      .split("\n")
      .flatMap((text, i) => (SKIP.test(text) ? [`${file}:${i + 1}: ${text.trim()}`] : [])),
  );
}

describe("no test is skipped", () => {
  test("no test source skips, marks as to-do, or runs a test only under a condition", () => {
    const files = sources("test").filter((f) => f !== self);
    expect(files.length).toBeGreaterThan(50);
    expect(skips(files, (f) => readFileSync(join(root, f), "utf8"))).toEqual([]);
  });

  test("the check finds each way to skip, and not the word skip in the language", () => {
    const found = (text: string) => skips(["t.ts"], () => text).length;
    for (const text of [
      'test.skip("x", () => {});',
      "test.sequential\n  .skip(`x`, () => {});",
      "describe.skip('x', () => {});",
      "test.skip.each([1])('%s', () => {});",
      'it.todo("x");',
      "test.runIf(hasDot)(",
      "test.skipIf(!hasDot)(",
      "describe.runIf(x)('a', () => {})",
      "if (!ok) ctx.skip();",
      "context.skip();",
      'test("x", { skip: true }, () => {});',
      'test("x", { todo: true });',
      'xit("x", () => {});',
      'xdescribe("x", () => {});',
    ]) {
      expect(found(text), text).toBe(1);
    }
    for (const text of [
      'expect(scopesOf(tokens, "skip to first", 6)).toContain("keyword.other.skip-strategy.cepheus");',
      "const skip = pattern.skip;",
      'if (pattern.skip.kind === "noSkip") return all.matches;',
      'skip: opts.skip ?? { kind: "noSkip" }',
      "...w1.skipped.map((s) => s)",
    ]) {
      expect(found(text), text).toBe(0);
    }
  });
});
