/**
 * `cep run --memory-limit` through the real binary: the engine's memory budget, sized by
 * input line lengths, its warning and the summary's drop count.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ensureBuilt, root } from "./dist.js";

const bin = join(root, "bin", "cep.js");
let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "cep-limits-"));
  writeFileSync(join(dir, "p.pattern"), "pattern P { key by k  match a: A followed by b: B }\n");
  // 300 keys, each an A line padded to ~2 KB with spaces: the parsed object is small, the line is not.
  const pad = " ".repeat(2000);
  const lines: string[] = [];
  for (let k = 0; k < 300; k++) lines.push(`{"type":"A","k":${k},"ts":${k}}${pad}`);
  lines.push(`{"type":"B","k":0,"ts":1000}`, `{"type":"B","k":299,"ts":1001}`);
  writeFileSync(join(dir, "events.ndjson"), `${lines.join("\n")}\n`);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cep(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("cep run --memory-limit", () => {
  test("evicts the oldest keys past the budget, counting line lengths, with a warning and the drops in the summary", () => {
    const r = cep(["run", "p.pattern", "--input", "events.ndjson", "--memory-limit", "100KB"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "cep: warning: state takes more than 102400 bytes (estimated; limits.memory); dropping the oldest partial matches",
    );
    const dropped = /(\d+) partial matches dropped \(state limits\)/.exec(r.stderr);
    expect(dropped).not.toBeNull();
    // ~2.4 KB per key: some 40 keys fit in 100 KB; the rest were evicted, oldest first.
    expect(Number(dropped?.[1])).toBeGreaterThan(240);
    const keys = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).key);
    expect(keys).toEqual([299]);
  });

  test("without it, the default budget keeps everything here", () => {
    const r = cep(["run", "p.pattern", "--input", "events.ndjson"]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain("dropped");
    expect(r.stdout.trim().split("\n")).toHaveLength(2);
  });

  test("a size that is not one is bad usage", () => {
    for (const bad of ["12parsecs", "0", "-5MB", "1e3"]) {
      const r = cep(["run", "p.pattern", "--input", "events.ndjson", "--memory-limit", bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("expected a size in bytes, or with a unit: 512MB, 2GB");
    }
    expect(cep(["run", "p.pattern", "--input", "events.ndjson", "--memory-limit", "1.5GB"]).code).toBe(0);
  });
});
