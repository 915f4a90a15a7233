/**
 * Golden files of `cep fmt` (src/lang/fmt): each `test/cases/fmt/<name>.pattern` is
 * formatted and compared with `test/baselines/fmt/<name>.pattern`; a source the
 * formatter refuses (a syntax error) with `<name>.errors.txt` (its diagnostics, plain).
 * Every baseline is a fixed point. Then `formatRange` and the `width` option.
 *
 * A missing or different baseline fails. To accept the current output, run
 * `ACCEPT=1 npx vitest run test/lang/fmt.test.ts` and review the diff.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { formatRange, formatSource } from "../../src/lang/fmt/index.js";
import { formatDiagnostic } from "../../src/lang/format.js";
import { ACCEPT, expectGolden } from "../support/golden.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const casesDir = join(root, "test", "cases", "fmt");
const baselines = join(root, "test", "baselines", "fmt");
const cases = readdirSync(casesDir)
  .filter((f) => f.endsWith(".pattern"))
  .sort();

function golden(name: string, actual: string) {
  expectGolden(actual, join(baselines, name), "test/lang/fmt.test.ts");
}

describe("golden files", () => {
  test.each(cases)("%s", (file) => {
    const source = readFileSync(join(casesDir, file), "utf8");
    const name = file.replace(/\.pattern$/, "");
    const result = formatSource(source, `test/cases/fmt/${file}`);
    if (!result.ok) {
      golden(
        `${name}.errors.txt`,
        result.diagnostics.map((d) => `${formatDiagnostic(d, source)}\n`).join(""),
      );
      if (ACCEPT) rmSync(join(baselines, file), { force: true });
      return;
    }
    golden(file, result.text);
    expect(result.changed).toBe(result.text !== source);
    const again = formatSource(result.text, file);
    expect(again).toEqual({ ok: true, text: result.text, changed: false });
  });

  test("every case is covered: comments, CRLF, a syntax error, every clause and quantifier", () => {
    for (const c of ["comments", "crlf", "syntax-error", "clauses", "quantifiers", "groups", "names"])
      expect(cases).toContain(`${c}.pattern`);
    expect(readFileSync(join(casesDir, "crlf.pattern"), "utf8")).toContain("\r\n");
    expect(readFileSync(join(baselines, "crlf.pattern"), "utf8")).not.toContain("\r");
  });
});

describe("formatSource", () => {
  test("a syntax error is refused with its diagnostics; semantic errors are not", () => {
    const bad = formatSource("pattern P { match a: A followed b: B }", "p.pattern");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.diagnostics.map((d) => d.code)).toEqual(["E1100"]);
    // Unknown variable, duplicate names: the checker's business, not the formatter's.
    const semantic = formatSource("pattern P{match a:A followed by a:A where zz.q>1}", "p.pattern");
    expect(semantic).toEqual({
      ok: true,
      text: "pattern P {\n  match a: A\n        followed by a: A where zz.q > 1\n}\n",
      changed: true,
    });
  });

  test("width: a condition breaks at `and`/`or` when its line would pass the width", () => {
    const source = "pattern P {\n  match a: A where x > 1 and y > 2 or z > 3\n}\n";
    expect(formatSource(source, "p")).toMatchObject({ ok: true, changed: false });
    const narrow = formatSource(source, "p", { width: 32 });
    expect(narrow.ok && narrow.text).toBe(
      "pattern P {\n  match a: A\n          where x > 1 and y > 2\n            or z > 3\n}\n",
    );
    const narrower = formatSource(source, "p", { width: 20 });
    expect(narrower.ok && narrower.text).toBe(
      "pattern P {\n  match a: A\n          where x > 1\n              and y > 2\n            or z > 3\n}\n",
    );
  });

  test("an empty source and a comment-only source", () => {
    expect(formatSource("", "p")).toEqual({ ok: true, text: "", changed: false });
    expect(formatSource("  // only\n\n\n", "p")).toEqual({ ok: true, text: "// only\n", changed: true });
  });
});

describe("formatRange", () => {
  const source = "event A{x:number}\n\npattern P{match a:A}\n\npattern Q{match b:A}\n";
  const at = (s: string) => source.indexOf(s);

  test("the smallest run of whole blocks covering the span", () => {
    const r = formatRange(source, "p", { start: at("a:A"), end: at("a:A") + 1 });
    expect(r).toEqual({
      ok: true,
      span: { start: at("pattern P"), end: at("}\n\npattern Q") + 1 },
      text: "pattern P {\n  match a: A\n}",
    });
    const two = formatRange(source, "p", { start: at("x:number"), end: at("a:A") });
    expect(two.ok && two.span).toEqual({ start: 0, end: at("}\n\npattern Q") + 1 });
    expect(two.ok && two.text).toBe("event A { x: number }\n\npattern P {\n  match a: A\n}");
  });

  test("an empty span inside a block formats that block; between blocks, nothing", () => {
    const inside = formatRange(source, "p", { start: at("b:A"), end: at("b:A") });
    expect(inside.ok && inside.text).toBe("pattern Q {\n  match b: A\n}");
    const between = formatRange(source, "p", {
      start: at("\n\npattern P") + 1,
      end: at("\n\npattern P") + 1,
    });
    expect(between).toEqual({
      ok: true,
      span: { start: at("\n\npattern P") + 1, end: at("\n\npattern P") + 1 },
      text: "",
    });
  });

  test("applying the replacement gives the whole-file format of that block", () => {
    const r = formatRange(source, "p", { start: at("b:A"), end: at("b:A") });
    if (!r.ok) throw new Error("refused");
    const edited = source.slice(0, r.span.start) + r.text + source.slice(r.span.end);
    expect(edited).toBe("event A{x:number}\n\npattern P{match a:A}\n\npattern Q {\n  match b: A\n}\n");
  });

  test("a source with a syntax error anywhere is refused", () => {
    const r = formatRange(`${source}pattern R { match }`, "p", { start: 0, end: 1 });
    expect(r.ok).toBe(false);
  });
});
