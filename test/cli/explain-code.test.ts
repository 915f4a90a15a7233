/**
 * `cep explain --code` (issue #16) through the real binary: the generated matcher of each
 * pattern, annotated, against golden files (test/baselines/codegen; `ACCEPT=1` rewrites
 * them) — a `followed by` chain with a window, negation (Stop states), an optional term,
 * loops, a term window, and hostile names kept inside comments.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { expectGolden } from "../support/golden.js";
import { ensureBuilt, root } from "./dist.js";

const CASES = [
  "nfa/followed-by.pattern",
  "nfa/not-followed-by-middle.pattern",
  "nfa/optional-middle.pattern",
  "nfa/greedy-until.pattern",
  "nfa/term-window.pattern",
  "codegen/hostile-names.pattern",
];

beforeAll(() => {
  ensureBuilt();
}, 120_000);

function explainCode(file: string, ...more: string[]) {
  const r = spawnSync(process.execPath, [join(root, "bin", "cep.js"), "explain", "--code", file, ...more], {
    cwd: root,
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("cep explain --code", () => {
  for (const c of CASES) {
    test(c, () => {
      const r = explainCode(join("test", "cases", c));
      expect(r.code, r.stderr).toBe(0);
      const name = c.replace(/^.*\//, "").replace(/\.pattern$/, "");
      expectGolden(
        r.stdout,
        join(root, "test", "baselines", "codegen", `${name}.js.txt`),
        "test/cli/explain-code.test.ts",
      );
    });
  }

  test("--pattern selects one pattern", () => {
    const r = explainCode(join("patterns", "card-testing.pattern"), "--pattern", "CardTesting");
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith("// pattern CardTesting\n")).toBe(true);
    expect(explainCode(join("patterns", "card-testing.pattern"), "--pattern", "Nope").code).toBe(2);
  });

  test("--format with --code is refused, not ignored", () => {
    const r = explainCode(join("patterns", "card-testing.pattern"), "--format", "dot");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--code.*cannot be used with.*--format|--format.*cannot be used with.*--code/);
    expect(r.stdout).toBe("");
  });
});
