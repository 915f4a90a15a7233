/**
 * The README's scale-out demonstration (scripts/scale-out-demo.sh) runs and says what the
 * README says: three workers give exactly `cep run`'s matches.
 */
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { privateBin, root } from "../cli/dist.js";
import { requireRedis } from "../support/redis.js";

describe("scripts/scale-out-demo.sh", () => {
  it("three workers produce the same matches as cep run", async () => {
    requireRedis();
    // A private copy of the build: another test file may rebuild dist/ meanwhile.
    const bin = privateBin();
    const { stdout } = await promisify(execFile)("bash", [join(root, "scripts/scale-out-demo.sh"), "20000"], {
      cwd: root,
      timeout: 80_000,
      env: { ...process.env, CEP_BIN: bin },
    })
      .catch((e: { message: string; stdout?: string }) => {
        // execFile's error shows only stderr: the script's steps and verdict are on stdout.
        throw new Error(`${e.message}\n--- stdout ---\n${e.stdout ?? ""}`);
      })
      .finally(() => rmSync(dirname(dirname(bin)), { recursive: true, force: true }));
    expect(stdout).toMatch(/workers: 3 alive/);
    expect(stdout).toMatch(/total lag: 0 entries/);
    expect(stdout).toMatch(/distributed: (\d+) matches \(\1 distinct ids\); cep run: \1 matches/);
    expect(stdout).toMatch(/identical: yes/);
  }, 90_000);
});
