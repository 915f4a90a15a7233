/**
 * The lints (W2005–W2008) and `// cep-ignore` directives (W2009–W2011) through the real
 * `bin/cep.js`: `cep check` prints them as code frames with hints and exits 0 when there
 * are only warnings; `cep run`, the REPL and the library's `compile` honour the same
 * directives, since `check` applies them for every caller.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { compile } from "../../src/index.js";
import { ensureBuilt, privateBin } from "./dist.js";

let dir: string;
let bin: string;

beforeAll(() => {
  ensureBuilt();
  bin = privateBin();
  dir = mkdtempSync(join(tmpdir(), "cep-lints-"));
}, 120_000);

function cep(args: string[], input = "") {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    input,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", CEP_HISTORY: join(dir, "history") },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};

const LINTS = `event Pay { account: string, amount: number }
pattern Unbounded { key by account  match a: Pay followed by any b: Pay }
pattern Growth { key by account  within 5 minutes  match a: Pay followed by any b: Pay followed by c: Pay where amount > a.amount }
pattern NeverTrue { key by account  within 1m  match p: Pay where amount == null }
pattern Unused { key by account  within 1m  match a: Pay followed by b: Pay  emit { amount: a.amount } }
`;

const IGNORED = `event Pay { account: string, amount: number }
// cep-ignore W2005 sessions are closed upstream
pattern Unbounded { key by account  match a: Pay followed by any b: Pay }
pattern Unused { key by account  within 1m  match a: Pay followed by b: Pay  emit { amount: a.amount } }  // cep-ignore W2008
// cep-ignore W2007
pattern Clean { key by account  within 1m  match p: Pay where amount > 1 }
`;

describe("cep check prints the lints", () => {
  test("each with its code, message, frame and hint; warnings only: exit 0", () => {
    const r = cep(["check", write("lints.pattern", LINTS)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Unbounded (lints.pattern)");
    expect(r.stderr).toContain(
      "lints.pattern:2:50: warning W2005 `followed by any` with no window: partial matches per key can grow without end",
    );
    expect(r.stderr).toContain(
      "warning W2006 up to ~n²/2 partial matches per key for n events in the 5 minutes window: ~5,000 at n = 100",
    );
    expect(r.stderr).toContain("lints.pattern:4:74: warning W2007 `amount == null` is never true");
    expect(r.stderr).toContain("= hint: to test for null, write `amount is null` or `amount is not null`");
    expect(r.stderr).toContain("lints.pattern:5:70: warning W2008 variable `b` is never used");
    expect(r.stderr).toMatch(/ {2}5 \| pattern Unused .*\n {4}\| +\^\n/);
  });

  test("directives silence their line, and an unused one is reported", () => {
    const r = cep(["check", write("ignored.pattern", IGNORED)]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/warning W200[5-8]/);
    expect(r.stderr).toContain(
      "ignored.pattern:5:15: warning W2009 `W2007` is ignored here but no such warning is reported on its line",
    );
  });

  test("an error code in a directive is refused, and the error still fails the check", () => {
    const file = write(
      "error.pattern",
      "// cep-ignore E2011\npattern P { within 1m match a: A where zz.x > 1 }\n",
    );
    const r = cep(["check", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "error.pattern:1:15: warning W2010 `E2011` is an error: errors cannot be silenced",
    );
    expect(r.stderr).toContain("error.pattern:2:40: E2011 unknown variable `zz`");
  });
});

describe("every caller honours the directives", () => {
  test("cep run", () => {
    const file = write("run.pattern", IGNORED);
    const r = cep(["run", file, "--quiet"], '{"type":"Pay","account":"x","amount":5,"ts":1}\n');
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/warning W200[5-8]/);
    expect(r.stderr).toContain("W2009");
    const loud = cep(["run", write("loud.pattern", LINTS), "--quiet"], "");
    expect(loud.stderr).toContain("W2005");
  });

  test("the REPL", () => {
    const file = write("repl.pattern", IGNORED);
    const r = cep(["repl", file], "");
    expect(r.stderr).not.toMatch(/warning W200[5-8]/);
    expect(r.stderr).toContain("W2009");
  });

  test("compile() in the library", () => {
    const program = compile(IGNORED, { file: "lib.pattern" });
    expect(program.warnings.map((w) => w.code)).toEqual(["W2009"]);
    expect(compile(LINTS).warnings.map((w) => w.code)).toEqual(["W2005", "W2006", "W2007", "W2008"]);
  });
});
