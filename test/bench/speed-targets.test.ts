/**
 * The #16 speed targets `npm run bench` asserts (bench/speed-targets.ts), over made-up
 * results: engine/F1 ratios, never slower than F3 (the failing rows named), the
 * SASE-shaped run; and the codegen switch (`--interpreter`, `--both`).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type CaseResult, newEngine } from "../../bench/harness.js";
import { speedTargets, type TargetRow } from "../../bench/speed-targets.js";
import { compile } from "../../src/index.js";

/** A result: `evps` events/s for the engine, F1 and F2 at `f1`/`f2` times its speed, F3 at `f3`. */
function result(
  id: string,
  evps: number,
  over: { f1?: number; f2?: number; f3?: number | null } = {},
): CaseResult {
  const n = 1_000_000;
  const engineMs = (n / evps) * 1000;
  const f3 = over.f3 === undefined ? 0.5 : over.f3;
  return {
    workload: id.split(" ")[0],
    id,
    n,
    n3: n / 2,
    engineMs,
    interpreterMs: null,
    f1Ms: engineMs / (over.f1 ?? 1),
    f2Ms: engineMs / (over.f2 ?? 1),
    // F3 on half the events, `f3` times the engine's speed per event.
    f3Ms: f3 === null ? null : engineMs / 2 / f3,
    f0Ms: 1,
    engineRoundsMs: [engineMs],
    compileMs: 1,
    engineSetupMs: 1,
    matches: 0,
    peakPartials: 0,
    heapBytes: 0,
    p50ns: 0,
    p99ns: 0,
    checkpoints: [],
    verified: "1000",
    errors: [],
  };
}

const row = (rows: TargetRow[], start: string) => rows.find((r) => r.target.startsWith(start)) as TargetRow;

describe("speed targets", () => {
  it("engine/F1 ≤ 2 on W1 n=3 fb w=100 and W4 100k keys", () => {
    const rows = speedTargets([
      result("W1 n=3 fb w=100", 30e6, { f1: 1.9 }),
      result("W4 100k keys uniform", 30e6, { f1: 2.1, f2: 1.5 }),
    ]);
    expect(row(rows, "W1 n=3 followed by, window 100: engine/F1")).toEqual({
      target: "W1 n=3 followed by, window 100: engine/F1 ≤ 2",
      figure: "1.90×",
      status: "PASS",
    });
    expect(row(rows, "W4 100k keys uniform: engine/F1")).toMatchObject({ figure: "2.10×", status: "FAIL" });
    expect(row(rows, "W4 100k keys zipf: engine/F1")).toMatchObject({ figure: "not run", status: "n/a" });
  });

  it("never slower than F3: one row, naming the rows where the engine is slower", () => {
    const ok = speedTargets([
      result("W1 a", 1e6, { f3: 0.8 }),
      result("W3 b", 1e6, { f3: 0.25 }),
      result("W7 c", 1e6),
    ]);
    expect(row(ok, "engine never slower than F3")).toMatchObject({
      status: "PASS",
      figure: "3 rows, the least 1.25× faster",
    });
    const bad = speedTargets([
      result("W1 a", 1e6, { f3: 1.25 }),
      result("W3 b", 1e6, { f3: 0.8 }),
      result("W7 c", 1e6, { f3: null }),
    ]);
    expect(row(bad, "engine never slower than F3")).toMatchObject({
      status: "FAIL",
      figure: "slower on 1 of 2 rows: W1 a 0.80×",
    });
    expect(row(speedTargets([]), "engine never slower than F3").status).toBe("n/a");
  });

  it("SASE-shaped run: every window ≥ 25M events/s", () => {
    const sase = (evps: readonly number[]) =>
      row(
        speedTargets(
          [10, 100, 300, 1000].flatMap((w, i) =>
            evps[i] === undefined ? [] : [result(`W1 n=3 fb w=${w}`, evps[i])],
          ),
        ),
        "SASE-shaped run",
      );
    expect(sase([26e6, 30e6, 25e6, 40e6])).toMatchObject({
      status: "PASS",
      figure: "w=10: 26.00M, w=100: 30.00M, w=300: 25.00M, w=1000: 40.00M",
    });
    expect(sase([26e6, 30e6, 24.9e6, 40e6]).status).toBe("FAIL");
    expect(sase([26e6, 30e6])).toMatchObject({
      status: "n/a",
      figure: "w=10: 26.00M, w=100: 30.00M (not run: w=300, w=1000)",
    });
    expect(sase([])).toMatchObject({ status: "n/a", figure: "not run" });
  });
});

describe("the codegen switch (--interpreter, --both)", () => {
  const program = compile("pattern P { within 100ms match a: A followed by b: B }");
  it("the interpreter build finds the default build's matches", () => {
    const run = (interpreter: boolean) => {
      const engine = newEngine(program, interpreter);
      const out: number[] = [];
      engine.on("match", (r) => out.push((r.events.b[0] as { ts: number }).ts));
      for (let ts = 0; ts < 500; ts++) engine.push({ type: ts % 3 === 0 ? "A" : "B", ts });
      engine.end();
      return out;
    };
    expect(run(true)).toEqual(run(false));
    expect(run(true).length).toBeGreaterThan(100);
  });
});

describe("npm run bench -- … --both (a short real run)", () => {
  it("prints F1 and engine/F1 beside F2, the interpreter column, and the #16 targets", () => {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const args = ["--expose-gc", "--import", "tsx", "bench/run.ts", "W1 n=3 fb w=300"];
    const out = execFileSync(
      process.execPath,
      [...args, "--quick", "--seconds=0.02", "--rounds=1", "--both"],
      {
        cwd: root,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    const head = out.split("\n").find((l) => l.startsWith("| case |")) as string;
    const cells = (line: string) => line.split("|").map((c) => c.trim());
    const cols = cells(head);
    const data = cells(out.split("\n").find((l) => l.startsWith("| W1 n=3 fb w=300 |")) as string);
    for (const c of [
      "engine ev/s",
      "engine (interpreter) ev/s",
      "F1 ev/s",
      "engine/F1 time",
      "F2 ev/s",
      "engine/F2 time",
    ])
      expect(cols).toContain(c);
    expect(data[cols.indexOf("engine (interpreter) ev/s")]).toMatch(/^[\d.]+[Mk]$/);
    expect(data[cols.indexOf("engine/F1 time")]).toMatch(/^\d+\.\d\d×$/);
    expect(data[cols.indexOf("oracle")]).toMatch(/^ok/);
    // One case of the four (a filter matches ids by substring: w=300 is the only one).
    expect(out).toMatch(
      /\| SASE-shaped run .*\| w=300: [\d.]+M \(not run: w=10, w=100, w=1000\) \| (FAIL|n\/a) \|/,
    );
  });
});
