/**
 * The fuzz campaign (scripts/fuzz.ts, `npm run fuzz`) finds what it is meant to find:
 * with fake targets that throw, hang and run out of memory, and a fake `cep` that dies
 * with exit 70, every kind of failure is caught, de-duplicated, shrunk and written down
 * with a reproduction, and the campaign goes on after each. With the real targets, a few
 * hundred inputs run and inputs are deterministic by seed.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { type CampaignOptions, runCampaign } from "../../scripts/fuzz/campaign.js";
import { cliTarget } from "../../scripts/fuzz/cli.js";
import { randFor } from "../../scripts/fuzz/schedule.js";
import { inProcessTargets } from "../../scripts/fuzz/targets.js";

const base: CampaignOptions = {
  seed: 7,
  count: 200,
  timeMs: null,
  kinds: ["patterns", "events"],
  budgetMs: 2000,
  killMs: 8000,
  heapMb: 64,
  cliTimeoutMs: 20000,
  minimizeMs: 2000,
  bin: "",
  out: null,
};

describe("fuzz campaign", () => {
  test("finds, de-duplicates, shrinks and survives exceptions, hangs and heap exhaustion", {
    timeout: 300_000,
  }, async () => {
    const out = mkdtempSync(join(tmpdir(), "cep-fuzz-test-"));
    const summary = await runCampaign({
      ...base,
      out,
      targetModule: new URL("./crashy-targets.ts", import.meta.url).href,
    });
    expect(summary.tried.patterns + summary.tried.events).toBe(200);
    const byClass = (kind: string, cls: string) =>
      summary.crashes.filter((c) => c.kind === kind && c.failure.class === cls);
    // One signature per distinct crash, however often it happened.
    const booms = byClass("events", "exception");
    expect(booms).toHaveLength(1);
    expect(booms[0].count).toBeGreaterThan(1);
    expect(booms[0].signature).toContain("TypeError: boom");
    expect(byClass("patterns", "exception")).toHaveLength(1);
    expect(byClass("events", "hang")).toHaveLength(1);
    expect(
      byClass("events", "memory"),
      JSON.stringify(summary.crashes.map((c) => [c.signature, c.describe])),
    ).toHaveLength(1);
    // Reproductions: the exception shrunk to the trigger word alone; hangs keep their input.
    const dir = booms[0].dir;
    expect(dir).not.toBeNull();
    expect(readFileSync(join(dir as string, "input.txt"), "utf8")).toBe("BOOM");
    expect(readFileSync(join(dir as string, "repro.sh"), "utf8")).toContain("--seed 7 --replay events:");
    const hang = byClass("events", "hang")[0];
    expect(readFileSync(join(hang.dir as string, "input.txt"), "utf8")).toContain("HANG");
    expect(readdirSync(join(out, "seed-7"))).toContain("summary.txt");
  });

  test("a cep that exits 70 with an internal error is a crash, a usage error is not", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cep-fuzz-bin-"));
    const bin = join(dir, "cep.js");
    writeFileSync(
      bin,
      `if (process.argv.includes("check")) { console.error("cep: internal error: Error: x\\n    at f (/a/src/x.ts:1:2)"); process.exitCode = 70; }
       else { console.error("cep: bad usage"); process.exitCode = 2; }\n`,
    );
    chmodSync(bin, 0o755);
    const summary = await runCampaign({ ...base, seed: 5, kinds: ["cli"], count: 12, bin, out: null });
    expect(summary.tried.cli).toBe(12);
    expect(summary.crashes.length).toBeGreaterThan(0);
    for (const c of summary.crashes) {
      expect(c.failure.class).toBe("exit-70");
      expect(c.describe).toMatch(/^cep check /);
    }
  });

  test("the real targets: inputs are made again alike from the seed, and a few hundred run", async () => {
    const targets = inProcessTargets(2000);
    for (const t of [...targets, cliTarget("bin/cep.js", 1000)]) {
      for (const i of [0, 1, 77]) {
        const a = t.make(randFor(9, t.kind, i));
        const b = t.make(randFor(9, t.kind, i));
        expect(t.reproduce(b)).toEqual(t.reproduce(a));
      }
      expect(t.describe(t.make(randFor(9, t.kind, 0)))).not.toBe(t.describe(t.make(randFor(10, t.kind, 0))));
    }
    const summary = await runCampaign({ ...base, count: 300, heapMb: 1024, killMs: 30000 });
    expect(summary.tried.patterns + summary.tried.events).toBe(300);
    expect(summary.tried.events).toBeGreaterThan(summary.tried.patterns);
  });
});
