/**
 * `cep fmt` through the real binary (a private copy: dist.ts): in-place rewrite,
 * `--check` exit codes and messages, `--stdout`, stdin, a file with a syntax error, an
 * unreadable file. Then the repository's own `.pattern` files: the list `npm test`
 * checks with `cep fmt --check` (package.json) is formatted.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { privateBin, root } from "./dist.js";

let bin: string;
let dir: string;

beforeAll(() => {
  bin = privateBin();
  dir = mkdtempSync(join(tmpdir(), "cep-fmt-"));
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function cep(args: string[], input?: string, cwd = dir) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, input, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const UGLY = "pattern P{key by user match a:A   followed by b:B where x>1}\n";
const PRETTY = "pattern P {\n  key by user\n  match a: A\n        followed by b: B where x > 1\n}\n";
const BROKEN = "pattern Q {\n  match a: A followed b: B\n}\n";

describe("cep fmt", () => {
  test("rewrites only the files that change, atomically, and prints a summary", () => {
    const ugly = join(dir, "ugly.pattern");
    const pretty = join(dir, "pretty.pattern");
    writeFileSync(ugly, UGLY);
    writeFileSync(pretty, PRETTY);
    chmodSync(ugly, 0o640);
    const before = statSync(pretty).mtimeMs;
    const r = cep(["fmt", "ugly.pattern", "pretty.pattern"]);
    expect(r).toEqual({ code: 0, stdout: "", stderr: "1 file reformatted, 1 unchanged\n" });
    expect(readFileSync(ugly, "utf8")).toBe(PRETTY);
    expect(statSync(ugly).mode & 0o777).toBe(0o640);
    expect(statSync(pretty).mtimeMs).toBe(before);
    // No temporary file left beside them.
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("--check writes nothing, names every file it would change, exits 1; 0 when none", () => {
    writeFileSync(join(dir, "a.pattern"), UGLY);
    writeFileSync(join(dir, "b.pattern"), UGLY);
    writeFileSync(join(dir, "c.pattern"), PRETTY);
    const r = cep(["fmt", "--check", "a.pattern", "b.pattern", "c.pattern"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "would reformat: a.pattern\nwould reformat: b.pattern\n2 files would be reformatted, 1 already formatted\n",
    );
    expect(readFileSync(join(dir, "a.pattern"), "utf8")).toBe(UGLY);
    expect(cep(["fmt", "--check", "c.pattern"])).toEqual({
      code: 0,
      stdout: "",
      stderr: "0 files would be reformatted, 1 already formatted\n",
    });
  });

  test("--stdout prints the formatted text and leaves the file alone", () => {
    writeFileSync(join(dir, "s.pattern"), UGLY);
    expect(cep(["fmt", "--stdout", "s.pattern"])).toEqual({ code: 0, stdout: PRETTY, stderr: "" });
    expect(readFileSync(join(dir, "s.pattern"), "utf8")).toBe(UGLY);
  });

  test("- reads stdin and writes stdout", () => {
    expect(cep(["fmt", "-"], UGLY)).toEqual({ code: 0, stdout: PRETTY, stderr: "" });
    const bad = cep(["fmt", "-"], BROKEN);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain("<stdin>:2:23: E1100 expected `by`, found `b`");
  });

  test("a syntax error: code frames, exit 1, the file untouched, the other files still formatted", () => {
    writeFileSync(join(dir, "broken.pattern"), BROKEN);
    writeFileSync(join(dir, "next.pattern"), UGLY);
    const r = cep(["fmt", "broken.pattern", "next.pattern"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        "broken.pattern:2:23: E1100 expected `by`, found `b`",
        "  2 |   match a: A followed b: B",
        "    |                       ^",
        "  = hint: did you mean `by`?",
        "1 file reformatted, 0 unchanged, 1 not formatted (see above)",
        "",
      ].join("\n"),
    );
    expect(readFileSync(join(dir, "broken.pattern"), "utf8")).toBe(BROKEN);
    expect(readFileSync(join(dir, "next.pattern"), "utf8")).toBe(PRETTY);
    expect(cep(["fmt", "--check", "broken.pattern"]).code).toBe(1);
  });

  test("an unreadable file: exit 2, the others still processed", () => {
    writeFileSync(join(dir, "u.pattern"), UGLY);
    const r = cep(["fmt", "missing.pattern", "u.pattern"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cep: cannot read missing.pattern: no such file or directory\n");
    expect(readFileSync(join(dir, "u.pattern"), "utf8")).toBe(PRETTY);
  });

  test("listed in cep --help", () => {
    expect(cep(["--help"]).stdout).toMatch(/\n\s+fmt \[options\] <file\.pattern\.\.\.>/);
  });
});

describe("the repository's .pattern files", () => {
  /** The list `npm test` checks (package.json), expanded as the shell expands it. */
  const script = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts.test as string;
  const check = /node bin\/cep\.js fmt --check ([^&]+)/.exec(script)?.[1].trim() ?? "";

  test("npm test runs cep fmt --check over them, and they are formatted", () => {
    expect(check).not.toBe("");
    const files = spawnSync("sh", ["-c", `printf '%s\\n' ${check}`], { cwd: root, encoding: "utf8" })
      .stdout.trim()
      .split("\n");
    expect(files.length).toBeGreaterThan(30);
    for (const dirName of ["patterns", "grammar/samples", "test/cases/nfa"]) {
      expect(files.some((f) => f.startsWith(`${dirName}/`))).toBe(true);
    }
    const r = cep(["fmt", "--check", ...files], undefined, root);
    expect(r.stderr).toMatch(/^0 files would be reformatted/);
    expect(r.code).toBe(0);
  });
});
