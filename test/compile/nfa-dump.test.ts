/**
 * Compiler golden tests: every `test/cases/nfa/<name>.pattern` compiles to the NFA dump in
 * `test/baselines/nfa/<name>.nfa.txt`. Rewrite the baselines with `ACCEPT=1` after
 * checking the differences by eye (the state shapes follow Flink's NFACompiler).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";

const cases = join(import.meta.dirname, "../cases/nfa");
const baselines = join(import.meta.dirname, "../baselines/nfa");

describe("NFA dumps", () => {
  for (const file of readdirSync(cases).filter((f) => f.endsWith(".pattern"))) {
    const name = file.replace(/\.pattern$/, "");
    it(name, () => {
      const program = compile(readFileSync(join(cases, file), "utf8"), { file });
      const dump = program.patterns.map((p) => p.explain()).join("\n");
      const baseline = join(baselines, `${name}.nfa.txt`);
      if (process.env.ACCEPT) writeFileSync(baseline, dump);
      expect(existsSync(baseline), `missing baseline ${baseline}`).toBe(true);
      expect(dump).toBe(readFileSync(baseline, "utf8"));
    });
  }
});
