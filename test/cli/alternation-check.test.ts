/**
 * `cep check` and `cep fmt` over alternation and `permute` (language §3.3a), through the
 * real `bin/cep.js`: the W2012 warning (a condition reading another alternative's
 * variable) with its frame and hint, exit 0; an error of an alternation with exit 1;
 * `cep fmt` laying out a long alternation one alternative per line.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { ensureBuilt, privateBin } from "./dist.js";

let dir: string;
let bin: string;

beforeAll(() => {
  ensureBuilt();
  bin = privateBin();
  dir = mkdtempSync(join(tmpdir(), "cep-alternation-"));
}, 120_000);

function cep(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", CEP_HISTORY: join(dir, "history") },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};

describe("cep check: alternation and permute", () => {
  test("warns when a condition reads a variable of another alternative (W2012), exit 0", () => {
    const file = write(
      "sibling.pattern",
      `pattern Sibling {
  within 1h
  match a: A followed by (b: B | c: C where price > b.price)
}
`,
    );
    const r = cep(["check", file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "sibling.pattern:3:53: warning W2012 `b` is never bound when `c` is tested: it is in another alternative",
    );
    expect(r.stderr).toContain("  3 |   match a: A followed by (b: B | c: C where price > b.price)");
    expect(r.stderr).toContain("= hint: a match takes one of the 2 alternatives");
    expect(r.stdout).toContain("terms:   a: A · followed by (b: B | c: C)");
  });

  test("reports a 6-element permute and a missing alternative, exit 1", () => {
    const file = write(
      "bad.pattern",
      `pattern Six { match o: O followed by permute(a: A, b: B, c: C, d: D, e: E, f: F) }
pattern Empty { match a: A followed by (b: B | ) }
`,
    );
    const r = cep(["check", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "bad.pattern:1:38: E2052 `permute` of 6 elements would be 720 alternatives: at most 5 elements",
    );
    expect(r.stderr).toContain("bad.pattern:2:48: E1105 an alternative is missing after `|`");
  });
});

describe("cep fmt: alternation and permute", () => {
  test("breaks a long alternation one alternative per line, `|` leading; idempotent", () => {
    const file = write(
      "long.pattern",
      `pattern Long { within 1h match a: Login followed by (purchase: Purchase where amount > 100 and currency == "EUR" | logout: Logout next rating: Rating where stars >= 4) followed by permute(x: X, y: Y) }
`,
    );
    expect(cep(["fmt", file]).code).toBe(0);
    const once = readFileSync(join(dir, file), "utf8");
    expect(once).toBe(`pattern Long {
  within 1h
  match a: Login
        followed by ( purchase: Purchase where amount > 100 and currency == "EUR"
                    | logout: Logout next rating: Rating where stars >= 4 )
        followed by permute(x: X, y: Y)
}
`);
    const again = cep(["fmt", "--check", file]);
    expect(again.code).toBe(0);
  });
});
