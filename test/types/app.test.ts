/**
 * The sample app (test/types/app/): `patterns.d.ts` is what `cep types fraud.pattern`
 * writes today; `app.ts` type-checks against it with tsc and runs; `misuse.ts` fails
 * with exactly the errors its `// error TSnnnn` comments name (a wrong pattern name,
 * variable and field, a number used as a string).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { generateTypes } from "../../src/index.js";
import { alerts } from "./app/app.js";
import { tsc } from "./tsc.js";

const APP = fileURLToPath(new URL("./app/", import.meta.url));
const read = (file: string) => readFileSync(join(APP, file), "utf8");

describe("the sample app on generated types", () => {
  test("patterns.d.ts is the current output of cep types fraud.pattern", () => {
    expect(generateTypes([{ file: "fraud.pattern", source: read("fraud.pattern") }])).toBe(
      read("patterns.d.ts"),
    );
  });

  test("app.ts type-checks with tsc", () => {
    const r = tsc(join(APP, "tsconfig.json"));
    expect(r.output).toBe("");
    expect(r.code).toBe(0);
  }, 60_000);

  test("app.ts type-checks under exactOptionalPropertyTypes too (no error in the app's files)", () => {
    const dir = mkdtempSync(join(tmpdir(), "cep-types-exact-"));
    try {
      const config = JSON.parse(read("tsconfig.json"));
      config.compilerOptions.exactOptionalPropertyTypes = true;
      config.compilerOptions.typeRoots = [join(APP, "..", "..", "..", "node_modules", "@types")];
      config.files = [join(APP, "app.ts")];
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config));
      // The library's own source is written without the flag; users compile against its .d.ts.
      const r = tsc(join(dir, "tsconfig.json"));
      const errors = r.output.split("\n").filter((l) => /error TS\d+/.test(l));
      expect(errors.filter((l) => !l.startsWith("src/") && !l.includes("/src/"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test("misuse.ts fails with the expected errors on the marked lines, and no others", () => {
    const expected = read("misuse.ts")
      .split("\n")
      .flatMap((line, i) => {
        const m = /\/\/ error (TS\d+)$/.exec(line);
        return m === null ? [] : [`${i + 1} ${m[1]}`];
      });
    expect(expected.length).toBe(6);
    const r = tsc(join(APP, "tsconfig.misuse.json"));
    expect(r.code).not.toBe(0);
    const actual = [...r.output.matchAll(/misuse\.ts\((\d+),\d+\): error (TS\d+)/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(actual).toEqual(expected);
  }, 60_000);

  test("app.ts runs: records narrowed by pattern and timeout", () => {
    const t = Date.UTC(2026, 0, 1);
    const fail = (attempt: number, ip: string) => ({
      type: "LoginFailed",
      user: "ann",
      ip,
      attempt,
      ts: t + attempt,
    });
    const events = [
      fail(1, "10.0.0.1"),
      fail(2, "10.0.0.1"),
      fail(3, "10.0.0.2"),
      { type: "Login", user: "ann", ip: "192.0.2.7", country: "NZ", ts: t + 10 },
      { type: "Login", user: "bob", ip: "198.51.100.1", ts: t + 20 },
      { type: "Logout", user: "bob", ts: t + 30 },
    ];
    expect(alerts(read("fraud.pattern"), events)).toEqual([
      "ann: 3 failures (last attempt #3) from 10.0.0.1, then 192.0.2.7 in NZ",
      "bob logged out after 10 ms",
      `ann logged in since ${t + 10} (192.0.2.7)`,
    ]);
  });
});
