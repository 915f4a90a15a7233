/**
 * The language's limits (docs/language.md "Limits") and the hostile inputs behind them
 * (issue #13): nesting deeper than 64 levels is a diagnostic at the token that goes
 * deeper, never a stack overflow; flat operator chains as long as a block may be
 * (10,000 tokens, E1104) parse, check, compile and evaluate in loops; a pattern's compiled size is bounded before building.
 * Plus W2003 (issue #12), in `cep check` and the REPL.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { CompileError, compile, Engine, type MatchRecord } from "../../src/index.js";
import type { BinaryExpr } from "../../src/lang/ast.js";
import { check } from "../../src/lang/check.js";
import { dumpAst } from "../../src/lang/dump.js";
import { exprToSource } from "../../src/lang/expr-text.js";
import { MAX_BLOCK_TOKENS, MAX_COMPILED_SIZE, MAX_NESTING } from "../../src/lang/limits.js";
import { diagnose, parse } from "../../src/lang/parse.js";
import { lex } from "../../src/lang/tokens.js";
import { privateBin } from "../cli/dist.js";

/** Compiles `source` and returns the `emit` of every match over `events`. */
function emits(source: string, events: object[]): unknown[] {
  const engine = new Engine(compile(source));
  const out: unknown[] = [];
  engine.on("match", (r: MatchRecord) => out.push(r.emit));
  for (const e of events) engine.push(e);
  engine.end();
  return out;
}

/** Every diagnostic as `CODE line:col`, with the text under it. */
function located(source: string): string[] {
  return diagnose(source, "t.pattern").map((d) => {
    const before = source.slice(0, d.span.start);
    const line = before.split("\n").length;
    const col = d.span.start - before.lastIndexOf("\n");
    return `${d.code} ${line}:${col} ${source.slice(d.span.start, d.span.end)}`;
  });
}

describe("nesting (E1103)", () => {
  test("200-deep parentheses: an error at the 65th `(`, not an internal error", () => {
    const prefix = "pattern P { match a: A where ";
    const src = `${prefix}${"(".repeat(200)}v${")".repeat(200)} > 0 }`;
    expect(located(src)).toEqual([`E1103 1:${prefix.length + MAX_NESTING + 1} (`]);
  });

  test("1,000-deep groups: an error at the 65th `(`", () => {
    const prefix = "pattern P { match ";
    const src = `${prefix}${"(".repeat(1000)}a: A${")".repeat(1000)} }`;
    expect(located(src)).toEqual([`E1103 1:${prefix.length + MAX_NESTING + 1} (`]);
  });

  test("prefix operators and path steps count; the next block is still checked", () => {
    const src = [
      `pattern A { match a: A where ${"not ".repeat(500)}v }`,
      `pattern B { match a: A where ${"- ".repeat(500)}v > 0 }`,
      `pattern C { match a: A where event${".f".repeat(5000)} > 0 }`,
      `pattern D { match a: A where b.x > 0 followed by b: B where ${"[".repeat(300)} }`,
      "pattern Fine { match a: A where x > 1 }",
    ].join("\n");
    const codes = located(src).map((l) => l.split(" ").slice(0, 2).join(" "));
    // The 65th `not`, `-`, `.` and `[`.
    expect(codes).toEqual(["E1103 1:286", "E1103 2:158", "E1103 3:163", "E1103 4:125"]);
  });

  test("64 levels are fine, and compile", () => {
    const src = `pattern P { match a: A where ${"(".repeat(64)}v${")".repeat(64)} > 0 and ${"not ".repeat(63)}v == 1 }`;
    expect(diagnose(src, "t.pattern")).toEqual([]);
    // 63 `not`s: `not v == 1`, i.e. v != 1 after an odd number of negations.
    expect(emits(src, [{ type: "A", ts: 1, v: 2 }])).toHaveLength(1);
  });
});

describe("flat chains", () => {
  test("a 2,000-term `+` chain checks (it overflowed the checker), compiles and evaluates", () => {
    const chain = `v${" + 1".repeat(2000)}`;
    const src = `pattern P { match a: A where ${chain} > 2000 emit { s: a.v${" + 1".repeat(2000)} } }`;
    expect(diagnose(src, "t.pattern")).toEqual([]);
    expect(
      emits(src, [
        { type: "A", ts: 1, v: 0 },
        { type: "A", ts: 2, v: 1 },
      ]),
    ).toEqual([{ s: 2001 }]);
  });

  test("chains keep left associativity and mixed precedence: `v - 1 - 1 …`, `v * 2 - 1 …`", () => {
    const src = `pattern P { match a: A emit { d: a.v${" - 1".repeat(3000)}, m: a.v${" * 2 - 1".repeat(20)} } }`;
    // `*` binds tighter: v*2 - 1*2 - 1*2 - … - 1.
    expect(emits(src, [{ type: "A", ts: 1, v: 5 }])).toEqual([{ d: 5 - 3000, m: 5 * 2 - 2 * 19 - 1 }]);
  });

  test("`and`/`or` chains keep three-valued logic and short-circuits", () => {
    const ands = Array.from({ length: 1000 }, (_, i) => `f${i % 7} == ${i % 7}`).join(" and ");
    const ors = Array.from({ length: 1000 }, (_, i) => `g == ${i + 1}`).join(" or ");
    const src = `pattern P { match a: A where ${ands} and (${ors}) emit { g: a.g } }`;
    const base = { type: "A", f0: 0, f1: 1, f2: 2, f3: 3, f4: 4, f5: 5, f6: 6 };
    const events = [
      { ...base, ts: 1, g: 1000 },
      { ...base, ts: 2, g: 1001 },
      { ...base, ts: 3, g: 7, f3: null },
      { ...base, ts: 4, g: 1 },
    ];
    expect(emits(src, events)).toEqual([{ g: 1000 }, { g: 1 }]);
  });

  test("a chain as long as a block may be parses, checks, compiles and evaluates without recursion", () => {
    // 4,990 terms: exactly MAX_BLOCK_TOKENS tokens.
    const src = atLimit("");
    expect(lex(src)).toHaveLength(MAX_BLOCK_TOKENS);
    expect(diagnose(src, "t.pattern")).toEqual([]);
    const events = [
      { type: "A", ts: 1, v: 0 },
      { type: "A", ts: 2, v: -2495 }, // v + 2495 = 0: no match
      { type: "A", ts: 3, v: -2494 },
    ];
    expect(emits(src, events)).toEqual([{ s: -2495 }, { s: -4989 }]);
  }, 60_000);

  test("the source printer and the AST dump walk chains in loops", () => {
    const src = `pattern P { match a: A where (v${" + 1".repeat(4900)}) * 2 > 0 }`;
    const where = parse(src, "t").ast!.patterns[0].match.elements[0].item;
    if (where.kind !== "Term" || where.where === null) throw new Error("no where");
    expect(exprToSource(where.where)).toBe(`(v${" + 1".repeat(4900)}) * 2 > 0`);
    expect(dumpAst((where.where as BinaryExpr).left).split("\n").length).toBeGreaterThan(9_800);
  });
});

/**
 * A pattern of exactly {@link MAX_BLOCK_TOKENS} tokens (`tail` empty) whose `where` is
 * `v + 1 + … > 0` (2,495 terms) and whose `emit` is `s: a.v - 1 - …` (2,495 terms).
 */
function atLimit(tail: string): string {
  return `pattern P { match a: A where v${" + 1".repeat(2495)} > 0 emit { s: a.v${" - 1".repeat(2495)}${tail} } }`;
}

describe("block size (E1104)", () => {
  test("one token over: an error at that token, naming the limit; nothing is parsed past it", () => {
    const src = atLimit(",");
    expect(lex(src)).toHaveLength(MAX_BLOCK_TOKENS + 1);
    // The trailing `,` is the 10,000th token and valid: the pattern's closing `}` is over.
    expect(located(src)).toEqual([`E1104 1:${src.length} }`]);
    const d = diagnose(src, "t.pattern")[0];
    expect(d.message).toBe("pattern `P` is longer than 10,000 tokens");
    expect(d.hint).toContain("comments do not");
  });

  test("an error before the limit is the block's error; the blocks after it are checked and compile", () => {
    const huge = `pattern Huge { match a: A where v${" + 1".repeat(100_000)} > 0 }`;
    const early = `pattern Early { match a: A where ) ${" + 1".repeat(10_000)} }`;
    const src = [
      huge,
      early,
      "pattern Unknown { match a: A where b.x > 0 }",
      "pattern Fine { match a: A where v > 1 }",
    ].join("\n");
    const codes = located(src).map((l) => l.split(" ").slice(0, 2).join(" "));
    // The 10,001st token of Huge (a `1`, at column 20,017); Early's `)`; Unknown's `b`.
    expect(codes).toEqual(["E1104 1:20017", "E1100 2:34", "E2011 3:36"]);
    const { ast } = parse(src, "t.pattern");
    expect(ast!.patterns.map((p) => p.name.name)).toEqual(["Unknown", "Fine"]);
    // Fine is checked and has nothing wrong.
    expect(check([ast!]).diagnostics.map((d) => d.code)).toEqual(["E2011"]);
    let err: unknown;
    try {
      compile(src);
    } catch (e) {
      err = e;
    }
    expect((err as CompileError).diagnostics.map((x) => x.code)).toEqual(["E1104", "E1100", "E2011"]);
  });
});

describe("compiled size (E2050)", () => {
  test("the two reproductions are rejected at once, at the outer quantifier", () => {
    for (const [src, at, size] of [
      ["pattern P { match (a: A{10000}){10000} }", "{10000}", "400,000,004"],
      ["pattern P { match (a: A{3000}){1000} }", "{1000}", "12,000,004"],
    ] as const) {
      const t = performance.now();
      let err: unknown;
      try {
        compile(src);
      } catch (e) {
        err = e;
      }
      // Before: 4.4 GB and a V8 abort, or 31 s.
      expect(performance.now() - t).toBeLessThan(2000);
      expect(err).toBeInstanceOf(CompileError);
      const d = (err as CompileError).diagnostics;
      expect(d.map((x) => x.code)).toEqual(["E2050"]);
      expect(src.slice(d[0].span.start, d[0].span.end)).toBe(at);
      expect(d[0].message).toContain(size);
      expect(d[0].message).toContain(MAX_COMPILED_SIZE.toLocaleString("en-US"));
    }
  });

  test("a pattern just under the cap compiles, and no larger than the bound says", () => {
    const p = compile(
      "pattern P { within 1h match x: X not followed by n: N followed by a: A{1,10000} greedy followed by b: B{2000} }",
    );
    const nfa = p.patterns[0].nfa;
    const size = nfa.states.length + nfa.states.reduce((s, x) => s + x.edges.length, 0);
    expect(size).toBeGreaterThan(80_000);
    expect(size).toBeLessThanOrEqual(MAX_COMPILED_SIZE);
  });
});

describe("W2003 in `cep check` and the REPL", () => {
  let bin: string;
  let dir: string;
  beforeAll(() => {
    bin = privateBin();
    dir = mkdtempSync(join(tmpdir(), "cep-limits-"));
  }, 120_000);
  const run = (args: string[], input = "") => {
    const r = spawnSync(process.execPath, [bin, ...args], {
      cwd: dir,
      input,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "", CEP_HISTORY: join(dir, "history") },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const loop = "pattern P { match r: Reading{3,} consecutive where temp > prev.temp }";
  const hint = "start the pattern with `base: Reading next r: …` or guard it with `prev is null or …`";

  test("cep check warns (exit 0); the fixed pattern does not; the hostile inputs are errors", () => {
    writeFileSync(join(dir, "loop.pattern"), `${loop}\n`);
    writeFileSync(
      join(dir, "fixed.pattern"),
      "pattern P { match base: Reading next r: Reading{3,} consecutive where temp > prev.temp }\n",
    );
    writeFileSync(join(dir, "chain.pattern"), `pattern P { match a: A where v${" + 1".repeat(2000)} > 0 }\n`);
    writeFileSync(join(dir, "big.pattern"), "pattern P { match (a: A{10000}){10000} }\n");
    const r = run(["check", "loop.pattern"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("loop.pattern:1:59: warning W2003 `prev` is null on the first event of `r`");
    expect(r.stderr).toContain(hint);
    const fixed = run(["check", "fixed.pattern"]);
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).not.toContain("W2003");
    const chain = run(["check", "chain.pattern"]);
    expect(chain).toMatchObject({ code: 0, stderr: "" });
    const big = run(["check", "big.pattern"]);
    expect(big.code).toBe(1);
    expect(big.stderr).toContain("big.pattern:1:32: E2050 the group makes pattern `P` too large");
  });

  test("cep check: a block over the token limit is an error at file:line:col; the next block is still checked", () => {
    const huge = `pattern Huge { match a: A where v${" + 1".repeat(6000)} > 0 }`;
    writeFileSync(join(dir, "long.pattern"), `${huge}\npattern Next { match a: A where b.x > 0 }\n`);
    const r = run(["check", "long.pattern"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("long.pattern:1:20017: E1104 pattern `Huge` is longer than 10,000 tokens");
    expect(r.stderr).toContain("long.pattern:2:33: E2011 unknown variable `b`");
  });

  test("the REPL shows the warning when the pattern is defined", () => {
    const r = run(["repl"], `${loop}\n`);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("W2003 `prev` is null on the first event of `r`");
    expect(r.stderr).toContain(hint);
  });
});
