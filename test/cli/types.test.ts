/**
 * `cep types` through the real binary (`bin/cep.js`): declarations on stdout or into
 * `-o`, the same text `generateTypes` gives; compile errors as code frames with exit 1
 * and nothing written; unreadable input and unwritable output exit 2.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { generateTypes } from "../../src/index.js";
import { ensureBuilt, root } from "./dist.js";

const bin = join(root, "bin", "cep.js");
let dir: string;

const GOOD = `event LoginFailed { user: string, ip: string }
pattern BruteForce { key by user within 5m match fail: LoginFailed{3,} emit { user: fail.user, n: count(fail) } }
`;
const WARNS = "pattern Typo { match a: LoginFaild }\n";
const BAD = `event A { n: number }\npattern P { match a: A where n == "x" }\n`;

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "cep-types-cli-"));
  writeFileSync(join(dir, "good.pattern"), GOOD);
  writeFileSync(join(dir, "warns.pattern"), WARNS);
  writeFileSync(join(dir, "bad.pattern"), BAD);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cep(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("cep types", () => {
  test("prints the declarations on stdout", () => {
    const r = cep("types", "good.pattern");
    expect(r).toEqual({
      code: 0,
      stdout: generateTypes([{ file: "good.pattern", source: GOOD }]),
      stderr: "",
    });
    expect(r.stdout).toContain("export type Match = BruteForceMatch;");
    expect(r.stdout).toContain("    n: number;");
  });

  test("-o writes the file (several inputs, compiled together); warnings go to stderr", () => {
    const r = cep("types", "good.pattern", "warns.pattern", "-o", "out.d.ts");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("W2001");
    expect(readFileSync(join(dir, "out.d.ts"), "utf8")).toBe(
      generateTypes([
        { file: "good.pattern", source: GOOD },
        { file: "warns.pattern", source: WARNS },
      ]),
    );
  });

  test("--type-field and --time-field name the role fields", () => {
    const r = cep("types", "good.pattern", "--type-field", "kind", "--time-field", "at");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  kind: "LoginFailed";\n');
    expect(r.stdout).toContain("  at?: number | string;\n");
  });

  test("compile errors: code frames, exit 1, nothing written (an existing file is kept)", () => {
    writeFileSync(join(dir, "kept.d.ts"), "// before\n");
    const r = cep("types", "good.pattern", "bad.pattern", "-o", "kept.d.ts");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("bad.pattern:2:");
    expect(r.stderr).toContain("E2");
    expect(r.stderr).toMatch(/\n {2}2 \| pattern P/);
    expect(readFileSync(join(dir, "kept.d.ts"), "utf8")).toBe("// before\n");
    const s = cep("types", "bad.pattern", "-o", "new.d.ts");
    expect(s.code).toBe(1);
    expect(existsSync(join(dir, "new.d.ts"))).toBe(false);
  });

  test("an unreadable input or an unwritable output exits 2", () => {
    const missing = cep("types", "nope.pattern");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("cep: cannot read nope.pattern: no such file or directory\n");
    const unwritable = cep("types", "good.pattern", "-o", "no/such/dir/out.d.ts");
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain("cep: cannot write to --output no/such/dir/out.d.ts: ");
    expect(unwritable.stdout).toBe("");
  });

  test("cep --help lists it", () => {
    const r = cep("--help");
    expect(r.stdout).toMatch(/types \[options\] <file\.pattern\.\.\.>/);
  });
});
