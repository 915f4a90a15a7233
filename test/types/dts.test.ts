/**
 * `generateTypes` (`cep types`) over the example patterns:
 * - golden: `patterns/<name>.pattern` → `test/baselines/types/<name>.d.ts` (to accept the
 *   current output: `ACCEPT=1 npx vitest run test/types/dts.test.ts`, then review the diff);
 * - sound: every record of `patterns/<name>.expected.ndjson` (the engine's real output,
 *   checked by test/patterns/patterns.test.ts) type-checks against the generated `Match`
 *   with `tsc`, and a record with one field of the wrong type does not.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { generateTypes } from "../../src/index.js";
import { expectGolden } from "../support/golden.js";
import { PATTERNS_DIR, readLines, scenarioOptions } from "../support/scenarios.js";
import { STRICT_OPTIONS, tsc } from "./tsc.js";

const BASELINES = join(PATTERNS_DIR, "..", "test", "baselines", "types");
const scenarios = readdirSync(PATTERNS_DIR)
  .filter((f) => f.endsWith(".pattern"))
  .map((f) => f.slice(0, -".pattern".length))
  .sort();

function typesOf(name: string): string {
  const options = scenarioOptions(name);
  const source = readFileSync(join(PATTERNS_DIR, `${name}.pattern`), "utf8");
  return generateTypes([{ file: `patterns/${name}.pattern`, source }], {
    typeField: options.typeField,
    timeField: options.timeField,
  });
}

describe("golden declarations of the example patterns", () => {
  test("there are examples", () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(13);
  });
  for (const name of scenarios) {
    test(name, () => {
      expectGolden(typesOf(name), join(BASELINES, `${name}.d.ts`), "test/types/dts.test.ts");
    });
  }
});

/** A `.ts` file that passes `records` (as constants: literal types kept) to a `Match[]` parameter. */
function checkFile(name: string, records: unknown[]): string {
  return [
    `import type { Match } from "./${name}.js";`,
    "type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };",
    "declare function accept(records: Match[]): void;",
    `const records = ${JSON.stringify(records, null, 1)} as const;`,
    "accept(records as Mutable<typeof records>);",
    "",
  ].join("\n");
}

describe("the engine's records fit the generated types (tsc)", () => {
  const dir = mkdtempSync(join(tmpdir(), "cep-types-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function project(files: Record<string, string>): string {
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    const config = join(dir, "tsconfig.json");
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: STRICT_OPTIONS,
        files: Object.keys(files).filter((f) => f.endsWith(".ts")),
      }),
    );
    return config;
  }

  test("every expected record of every example type-checks as Match", () => {
    const files: Record<string, string> = {};
    let count = 0;
    for (const name of scenarios) {
      const records = readLines(join(PATTERNS_DIR, `${name}.expected.ndjson`)).map((l) => JSON.parse(l));
      count += records.length;
      files[`${name}.d.ts`] = typesOf(name);
      files[`${name}.check.ts`] = checkFile(name, records);
    }
    expect(count).toBeGreaterThan(50);
    const r = tsc(project(files));
    expect(r.output).toBe("");
    expect(r.code).toBe(0);
  }, 60_000);

  test("a record with a field of the wrong type does not (the check above can fail)", () => {
    const mutations: [string, (r: any) => void][] = [
      ["emit", (r) => (r.emit.attempts = String(r.emit.attempts))],
      ["events", (r) => (r.events.fail[0].user = 42)],
      ["key", (r) => (r.key = null)],
      ["pattern", (r) => (r.pattern = "BruteForceX")],
    ];
    for (const [what, mutate] of mutations) {
      const records = readLines(join(PATTERNS_DIR, "login-brute-force.expected.ndjson")).map((l) =>
        JSON.parse(l),
      );
      mutate(records[0]);
      const r = tsc(
        project({
          "login-brute-force.d.ts": typesOf("login-brute-force"),
          "login-brute-force.check.ts": checkFile("login-brute-force", records),
        }),
      );
      expect(r.code, what).not.toBe(0);
      expect(r.codes, what).toEqual(["TS2345"]);
    }
  }, 60_000);
});
