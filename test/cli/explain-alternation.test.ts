/**
 * `cep explain` draws an alternation's fork (issue #17) through the real binary: the text
 * dump marks the fork state and numbers its edges into the alternatives, DOT draws it as
 * a diamond, Mermaid as a rhombus, and `--code` writes the generated matcher. Golden files
 * in test/baselines/explain (`ACCEPT=1` rewrites them).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { expectGolden } from "../support/golden.js";
import { ensureBuilt, root } from "./dist.js";

beforeAll(() => {
  ensureBuilt();
}, 120_000);

function explain(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, "bin", "cep.js"), "explain", ...args], {
    cwd: root,
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const FILE = join("test", "cases", "nfa", "alternation.pattern");
const golden = (name: string) => join(root, "test", "baselines", "explain", name);

describe("cep explain on alternations", () => {
  test("text: the fork and its alternatives", () => {
    const r = explain(FILE, "--pattern", "FollowedBy");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("state (alt)  [fork: 2 alternatives]");
    expect(r.stdout).toContain("proceed -> b      if true  (alternative 1)");
    expectGolden(r.stdout, golden("alternation.txt"), "test/cli/explain-alternation.test.ts");
  });

  test("dot: a diamond, edges labelled with their alternative", () => {
    const r = explain(FILE, "--pattern", "FollowedBy", "--format", "dot");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('"(alt)" [shape=diamond, label="(alt)"];');
    expect(r.stdout).toMatch(/"\(alt\)" -> "b" \[style=dotted.*label="proceed \(alternative 1\): true\\l"\]/);
    expectGolden(r.stdout, golden("alternation.dot"), "test/cli/explain-alternation.test.ts");
  });

  test("mermaid: a rhombus", () => {
    const r = explain(FILE, "--pattern", "FollowedBy", "--format", "mermaid");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/p0s1\{"\(alt\)"\}/);
    expect(r.stdout).toContain('p0s1 ==>|"proceed (alternative 2): true"|');
    expectGolden(r.stdout, golden("alternation.mmd"), "test/cli/explain-alternation.test.ts");
  });

  test("--code: generated matchers for every alternation pattern, no fallback", () => {
    const r = explain("--code", FILE);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/interpreter/i);
    expectGolden(r.stdout, golden("alternation.js.txt"), "test/cli/explain-alternation.test.ts");
  });

  test("permute: one alternative per order", () => {
    const r = explain(join("test", "cases", "nfa", "permute.pattern"), "--pattern", "Permute");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("[fork: 6 alternatives]");
  });
});

describe("cep why on alternations", () => {
  test("the partial matches in each alternative and an expected record", () => {
    const dir = mkdtempSync(join(tmpdir(), "cep-why-alt-"));
    const pattern = join(dir, "p.pattern");
    writeFileSync(
      pattern,
      "pattern P {\n  key by user\n  within 1 minute\n  match a: A followed by (b: B followed by c: C | d: D next e: E) followed by f: F\n}\n",
    );
    const input = join(dir, "e.ndjson");
    const lines = ["A:1", "X:2", "B:3", "D:4", "A:5", "D:6", "X:7"].map((s) => {
      const [type, ts] = s.split(":");
      return JSON.stringify({ type, user: "u", ts: Number(ts) });
    });
    writeFileSync(input, `${lines.join("\n")}\n`);
    const r = spawnSync(
      process.execPath,
      [join(root, "bin", "cep.js"), "why", pattern, "--input", input, "--key", "u", "--expect", "1,4"],
      { cwd: root, encoding: "utf8" },
    );
    rmSync(dir, { recursive: true, force: true });
    expect(r.status, r.stderr).toBe(0);
    // p1 went into the first alternative (B at line 3), p2 into the second (D at line 6): each
    // path is a f plus b c or d e, 4 terms.
    expect(r.stdout).toContain("p2 reached 2 of 4 terms: a (line 5), d (line 6)");
    expect(r.stdout).toContain("`next e` needs the very next event");
    expect(r.stdout).toContain("p1 reached 2 of 4 terms: a (line 1), b (line 3)");
    expect(r.stdout).toContain("it took line 3 (B) as b instead, so line 4 (D) came too late");
  });
});
