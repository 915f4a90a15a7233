/**
 * `cep run --trace <key>[@Pattern]` and `--trace-out` through the real `bin/cep.js`:
 * trace records (docs/library.md "Tracing") as NDJSON, each event with its input line;
 * keys typed as on every command line; one pattern with `@Pattern`; the match records
 * byte-identical with and without tracing; bad usage refused before anything is written.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { privateBin, root } from "./dist.js";

let bin: string;
let dir: string;
const at = (name: string) => join(dir, name);
const lines = (...ls: object[]) => `${ls.map((l) => JSON.stringify(l)).join("\n")}\n`;

beforeAll(() => {
  bin = privateBin();
  dir = mkdtempSync(join(tmpdir(), "cep-trace-"));
  writeFileSync(
    at("ab.pattern"),
    [
      "pattern AB {",
      "  key by k",
      "  match a: A followed by b: B where v > 10",
      "}",
      "pattern AC {",
      "  key by k",
      "  match a: A next c: C",
      "}",
      "",
    ].join("\n"),
  );
  writeFileSync(
    at("ab.ndjson"),
    lines(
      { type: "A", k: 42, ts: 1 },
      { type: "A", k: "42", ts: 2 },
      { type: "A", k: 7, ts: 3 },
      { type: "B", k: 42, v: 5, ts: 4 },
      { type: "B", k: 7, v: 50, ts: 5 },
      { type: "B", k: "42", v: 11, ts: 6 },
    ),
  );
  writeFileSync(
    at("pair.pattern"),
    "pattern Pair {\n  key by region, id\n  match a: A followed by b: B\n}\n",
  );
  writeFileSync(
    at("pair.ndjson"),
    lines(
      { type: "A", region: "eu", id: 7, ts: 1 },
      { type: "A", region: "eu", id: 8, ts: 2 },
      { type: "B", region: "eu", id: 7, ts: 3 },
      { type: "A", region: "eu", id: "7", ts: 4 },
    ),
  );
}, 120_000);

function cep(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Rec {
  v: number;
  op: string;
  pattern: string;
  key: unknown;
  id: string | null;
  event: { seq: number; line?: number; type: unknown } | null;
  rejected?: { rule: string; condition?: string; values?: { expr: string; value: unknown }[] }[];
}

const parse = (text: string): Rec[] =>
  text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Rec);

describe("cep run --trace", () => {
  test("writes trace records to --trace-out, each event with its input line; stdout keeps only the match records", () => {
    const r = cep([
      "run",
      "ab.pattern",
      "--input",
      "ab.ndjson",
      "--trace",
      "7@AB",
      "--trace-out",
      "t.ndjson",
      "--quiet",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const recs = parse(readFileSync(at("t.ndjson"), "utf8"));
    expect(recs.map((x) => [x.op, x.id, x.event?.line])).toEqual([
      ["created", "p1", 3],
      ["took", "p1", 5],
      ["completed", "p1", 5],
    ]);
    for (const x of recs) expect(x).toMatchObject({ v: 1, pattern: "AB", key: 7 });
    // stdout: the three matches (AB for 7, "42"; AC never), as without --trace.
    expect(parse(r.stdout).map((m) => m.key)).toEqual([7, "42"]);
  });

  test('a key as typed: 42 finds both 42 and "42"; a quoted string only the string', () => {
    const both = parse(
      cep(["run", "ab.pattern", "--input", "ab.ndjson", "--trace", "42@AB", "--trace-out", "-", "--quiet"])
        .stderr,
    );
    expect(new Set(both.map((x) => x.key))).toEqual(new Set([42, "42"]));
    // The condition that kept key 42's b from taking line 4, with the value it read.
    const ignored = both.find((x) => x.key === 42 && x.op === "ignored");
    expect(ignored?.event?.line).toBe(4);
    expect(ignored?.rejected?.[0]).toMatchObject({
      rule: "condition",
      condition: "v > 10",
      values: [{ expr: "v", value: 5 }],
    });
    const quoted = parse(
      cep(["run", "ab.pattern", "--input", "ab.ndjson", "--trace", '"42"@AB', "--trace-out", "-", "--quiet"])
        .stderr,
    );
    expect(quoted.length).toBeGreaterThan(0);
    expect(quoted.every((x) => x.key === "42")).toBe(true);
  });

  test("without @Pattern every pattern is traced; --trace repeats; keys not asked for are not", () => {
    const recs = parse(
      cep(["run", "ab.pattern", "--input", "ab.ndjson", "--trace", "7", "--trace", '"42"', "--quiet"]).stderr,
    );
    expect(new Set(recs.map((x) => x.pattern))).toEqual(new Set(["AB", "AC"]));
    expect(new Set(recs.map((x) => x.key))).toEqual(new Set([7, "42"]));
    // AC's `next c`: key 7's next event is line 5 (a B), which ends it.
    const died = recs.find((x) => x.pattern === "AC" && x.key === 7 && x.op === "died");
    expect(died?.event?.line).toBe(5);
  });

  test("a composite key as a JSON array, its elements typed like keys", () => {
    const recs = parse(
      cep(["run", "pair.pattern", "--input", "pair.ndjson", "--trace", '["eu",7]', "--quiet"]).stderr,
    );
    expect(recs.map((x) => [x.op, x.key, x.event?.line ?? null])).toEqual([
      ["created", ["eu", 7], 1],
      ["took", ["eu", 7], 3],
      ["completed", ["eu", 7], 3],
      ["created", ["eu", "7"], 4],
      ["ended", ["eu", "7"], null],
    ]);
    const strict = parse(
      cep(["run", "pair.pattern", "--input", "pair.ndjson", "--trace", '["eu","7"]', "--quiet"]).stderr,
    );
    expect(strict.map((x) => x.key)).toEqual([
      ["eu", "7"],
      ["eu", "7"],
    ]);
  });

  test("CSV input: each event's line is its record's line in the file (the header is line 1)", () => {
    writeFileSync(at("ab.csv"), "type,k,ts,v\nX,1,1,\nA,7,2,\nB,7,3,50\n");
    const recs = parse(cep(["run", "ab.pattern", "--input", "ab.csv", "--trace", "7@AB", "--quiet"]).stderr);
    expect(recs.map((x) => [x.op, x.event?.line])).toEqual([
      ["created", 3],
      ["took", 4],
      ["completed", 4],
    ]);
  });

  test("events held back by --out-of-orderness are named by their own input line", () => {
    writeFileSync(
      at("ooo.ndjson"),
      lines({ type: "B", k: 7, v: 50, ts: 20 }, { type: "A", k: 7, ts: 10 }, { type: "X", k: 1, ts: 100 }),
    );
    const recs = parse(
      cep([
        "run",
        "ab.pattern",
        "--input",
        "ooo.ndjson",
        "--out-of-orderness",
        "50",
        "--trace",
        "7@AB",
        "--quiet",
      ]).stderr,
    );
    expect(recs.map((x) => [x.op, x.event?.type, x.event?.line])).toEqual([
      ["created", "A", 2],
      ["took", "B", 1],
      ["completed", "B", 1],
    ]);
  });

  test("the records written are byte-identical with and without --trace (the examples in patterns/)", () => {
    for (const name of ["login-brute-force", "payments-fraud", "cart-abandonment"]) {
      const pattern = join(root, "patterns", `${name}.pattern`);
      const input = join(root, "patterns", `${name}.events.ndjson`);
      const plain = cep(["run", pattern, "--input", input, "--quiet"]);
      const first = JSON.parse(plain.stdout.split("\n")[0]) as { key: unknown };
      const traced = cep([
        "run",
        pattern,
        "--input",
        input,
        "--quiet",
        "--trace",
        JSON.stringify(first.key),
        "--trace-out",
        `${name}.trace`,
      ]);
      expect(plain.code).toBe(0);
      expect(traced.code).toBe(0);
      expect(plain.stdout.length).toBeGreaterThan(0);
      expect(traced.stdout).toBe(plain.stdout);
      expect(traced.stderr).toBe(plain.stderr);
      expect(parse(readFileSync(at(`${name}.trace`), "utf8")).length).toBeGreaterThan(0);
    }
  });

  test("a failed write to --trace-out ends the run with exit 2 naming it", () => {
    const r = cep(["run", "ab.pattern", "--input", "ab.ndjson", "--trace", "7", "--trace-out", "/dev/full"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cep: cannot write to --trace-out /dev/full: ENOSPC: no space left on device");
  });

  test("a key that got no record is named on stderr (a typo, or no event had it), unless --quiet", () => {
    const r = cep([
      "run",
      "ab.pattern",
      "--input",
      "ab.ndjson",
      "--trace",
      "99",
      "--trace",
      "7@AC",
      "--trace-out",
      "n.ndjson",
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("cep: --trace 99: no trace records (no event had this key)\n");
    expect(r.stderr).not.toContain("--trace 7@AC");
    expect(readFileSync(at("n.ndjson"), "utf8")).not.toContain('"key":99');
    const quiet = cep(["run", "ab.pattern", "--input", "ab.ndjson", "--trace", "99", "--quiet"]);
    expect(quiet.stderr).toBe("");
  });

  test("--help lists the options", () => {
    const r = cep(["run", "--help"]);
    expect(r.stdout).toContain("--trace <key[@Pattern]>");
    expect(r.stdout).toContain("--trace-out <file>");
  });
});

describe("cep run --trace: bad usage (exit 2, nothing written)", () => {
  const refused = (args: string[], message: string) => {
    const r = cep(["run", "ab.pattern", "--input", "ab.ndjson", ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
  };

  test("an unknown pattern after @, with the patterns and the JSON form for keys containing @", () => {
    refused(["--trace", "7@Nope"], "--trace 7@Nope: no pattern Nope (patterns: AB, AC); a key containing @");
  });

  test("a pattern not run (--pattern)", () => {
    refused(["--pattern", "AC", "--trace", "7@AB"], "--trace 7@AB: pattern AB is not run (--pattern AC)");
  });

  test("an empty key, and one nested deeper than a key can be (comparing it would recurse)", () => {
    refused(["--trace", "@AB"], '--trace "@AB": a key must not be empty');
    refused(["--trace", ""], '--trace "": a key must not be empty');
    const deep = `${"[".repeat(50_000)}${"]".repeat(50_000)}`;
    refused(["--trace", deep], "a key must not be nested deeper than 32 levels");
  });

  test("--trace-out without --trace, onto the input, or onto --output", () => {
    refused(["--trace-out", "t2.ndjson"], "--trace-out needs --trace <key>");
    expect(existsSync(at("t2.ndjson"))).toBe(false);
    refused(["--trace", "7", "--trace-out", "ab.ndjson"], "--trace-out ab.ndjson is the input file");
    refused(
      ["--trace", "7", "--output", "o.ndjson", "--trace-out", "./o.ndjson"],
      "--trace-out ./o.ndjson is the --output file: give the trace a file of its own",
    );
    expect(existsSync(at("o.ndjson"))).toBe(false);
  });

  test("with --checkpoint", () => {
    refused(
      ["--trace", "7", "--output", "o.ndjson", "--checkpoint", "ck.json"],
      "--trace cannot be combined with --checkpoint",
    );
    expect(existsSync(at("o.ndjson"))).toBe(false);
  });

  test("not in a cep test scenario's .args (a test has no trace output)", () => {
    writeFileSync(at("s.pattern"), "pattern S {\n  match a: A\n}\n");
    writeFileSync(at("s.events.ndjson"), lines({ type: "A", ts: 1 }));
    writeFileSync(at("s.expected.ndjson"), "");
    writeFileSync(at("s.args"), "--trace 1");
    const r = cep(["test", "s.pattern"]);
    expect(r.code).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain("--trace");
  });
});
