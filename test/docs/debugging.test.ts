/**
 * docs/debugging.md's table "Near misses of every example" states facts: for each example,
 * the key, the lost match, the changed line, what changed and the rule `cep why` names.
 * They come from `patterns/near-miss/<name>.json`; this test keeps the table equal to those
 * files (one row per file, nothing else), and checks each row's rule against the real
 * `cep why <pattern> --input <near miss> --key <key> --expect <match lines>`: its verdict
 * names that rule (`never started`: the outcome `notStarted`) and the changed input line.
 * (docs.test.ts runs the page's code blocks; this is the table, which is prose.)
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { privateBin, root } from "../cli/dist.js";
import { scenarioArgWords } from "../support/scenarios.js";

interface NearMiss {
  line: number;
  change: string;
  key: unknown;
  match: number[];
  rule: string;
}

const DIR = join(root, "patterns", "near-miss");
const NAMES = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.slice(0, -".json".length))
  .sort();
const read = (name: string): NearMiss => JSON.parse(readFileSync(join(DIR, `${name}.json`), "utf8"));
/** The key as typed on the command line (and in the table). */
const keyArg = (key: unknown) => (typeof key === "string" ? key : JSON.stringify(key));

/** The table's rows, cells trimmed, by the example's name (the first cell's link text). */
function tableRows(): Map<string, string[]> {
  const doc = readFileSync(join(root, "docs", "debugging.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Near misses of every example"));
  const rows = new Map<string, string[]>();
  for (const line of section.slice(0, section.indexOf("\n## ")).split("\n")) {
    const m = /^\| \[([\w-]+)\]\(patterns\.md#[\w-]+\) \|(.*)\|$/.exec(line);
    if (m?.[1] === undefined || m[2] === undefined) continue;
    rows.set(
      m[1],
      m[2].split(/(?<!\\)\|/).map((c) => c.trim().replaceAll("\\|", "|")),
    );
  }
  return rows;
}

describe("docs/debugging.md: near misses of every example", () => {
  let bin = "";
  beforeAll(() => {
    bin = privateBin();
  }, 120_000);

  test("the table has one row per near miss, equal to its .json", () => {
    const rows = tableRows();
    expect([...rows.keys()].sort()).toEqual(NAMES);
    for (const name of NAMES) {
      const j = read(name);
      expect(rows.get(name), name).toEqual([
        `\`${keyArg(j.key)}\``,
        j.match.join(", "),
        String(j.line),
        j.change,
        `\`${j.rule}\``,
      ]);
    }
  });

  test.each(NAMES)("cep why --expect names the rule and the changed line: %s", (name) => {
    const j = read(name);
    const args = [
      "why",
      join("patterns", `${name}.pattern`),
      "--input",
      join("patterns", "near-miss", `${name}.events.ndjson`),
      "--key",
      keyArg(j.key),
      "--expect",
      j.match.join(","),
    ];
    const options = scenarioArgWords(name);
    const run = (format: string) =>
      spawnSync(process.execPath, [bin, ...args, ...options, "--format", format], {
        cwd: root,
        encoding: "utf8",
      });

    const json = run("json");
    expect(json.status, json.stderr).toBe(0);
    const verdict = JSON.parse(json.stdout).reports[0].verdict;
    if (j.rule === "never started") expect(verdict.outcome).toBe("notStarted");
    else expect(verdict.reason?.rule).toBe(j.rule);

    const text = run("text");
    const said = text.stdout.slice(text.stdout.indexOf("\nExpected lines"));
    expect(said).toContain("not a match");
    expect(said).toMatch(new RegExp(`\\bline ${j.line}\\b`));
  });
});
