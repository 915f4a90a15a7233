/**
 * The example scenarios in `patterns/`: every `name.pattern` compiles, and running
 * `name.events.ndjson` through the library engine (with the options of `name.args`, if
 * any) gives exactly the records of `name.expected.ndjson`, in order, as JSON values.
 * (`cep test patterns/` checks the same files through the command line.)
 *
 * To change a scenario: edit `scripts/gen-patterns.ts` or the pattern, run
 * `node --import tsx scripts/gen-patterns.ts --expected`, and review the diff.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, Engine, type MatchRecord } from "../../src/index.js";
import { PATTERNS_DIR as DIR, readLines, scenarioOptions } from "../support/scenarios.js";

function run(name: string): { records: MatchRecord[]; late: unknown[]; errors: unknown[] } {
  const base = join(DIR, name);
  const options = scenarioOptions(name);
  const file = `patterns/${name}.pattern`;
  const program = compile(readFileSync(`${base}.pattern`, "utf8"), {
    file,
    typeField: options.typeField,
    timeField: options.timeField,
  });
  const engine = new Engine(program, options);
  const records: MatchRecord[] = [];
  const late: unknown[] = [];
  const errors: unknown[] = [];
  engine.on("match", (r) => records.push(r));
  engine.on("timeout", (r) => records.push(r));
  engine.on("late", (e) => late.push(e));
  engine.on("error", (e) => errors.push(e));
  for (const line of readLines(`${base}.events.ndjson`)) engine.push(JSON.parse(line));
  engine.end();
  return { records, late, errors };
}

const scenarios = readdirSync(DIR)
  .filter((f) => f.endsWith(".pattern"))
  .map((f) => f.slice(0, -".pattern".length))
  .sort();

describe("example patterns", () => {
  it("has at least 12 scenarios, each with events and expected records", () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(12);
    for (const name of scenarios) {
      expect(existsSync(join(DIR, `${name}.events.ndjson`)), `${name}.events.ndjson`).toBe(true);
      expect(existsSync(join(DIR, `${name}.expected.ndjson`)), `${name}.expected.ndjson`).toBe(true);
    }
  });

  for (const name of scenarios) {
    it(name, () => {
      const events = readLines(join(DIR, `${name}.events.ndjson`));
      const expected = readLines(join(DIR, `${name}.expected.ndjson`)).map((l) => JSON.parse(l));
      const { records, errors } = run(name);
      expect(errors, "every event is usable").toEqual([]);
      // Plain JSON values, as the CLI would write them.
      const actual = records.map((r) => JSON.parse(JSON.stringify(r)));
      for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
        expect(actual[i], `${name}: record ${i + 1} of ${expected.length}`).toEqual(expected[i]);
      }
      expect(actual.length).toBe(expected.length);
      expect(events.length, "small files").toBeLessThanOrEqual(200);
    });
  }

  it("iot-overheating: one reading arrives beyond the 5 s out-of-orderness and is late", () => {
    const { late } = run("iot-overheating");
    expect(late).toEqual([expect.objectContaining({ type: "Temperature", device: "kiln-02" })]);
  });
});
