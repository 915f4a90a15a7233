/**
 * Golden tests of the front end (TypeScript's `tests/baselines/reference` habit):
 *
 * - `test/cases/ast/<name>.pattern` → `test/baselines/ast/<name>.ast.txt`: the AST dump
 *   of a file that must parse without any diagnostic;
 * - `test/cases/errors/<name>.pattern` → `test/baselines/errors/<name>.errors.txt`: every
 *   diagnostic of the file, rendered as in a terminal (no colour), in order.
 *
 * A missing or different baseline fails. To accept the current output, run
 * `node scripts/accept-baselines.mjs` (or `ACCEPT=1 npx vitest run test/lang/golden.test.ts`)
 * and review the diff: baselines must be right, not merely what the code prints.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { dumpAst } from "../../src/lang/dump.js";
import { renderDiagnostic } from "../../src/lang/format.js";
import { diagnose, parse } from "../../src/lang/parse.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ACCEPT = process.env.ACCEPT === "1";

function cases(dir: string): string[] {
  const d = join(root, "cases", dir);
  return existsSync(d)
    ? readdirSync(d)
        .filter((f) => f.endsWith(".pattern"))
        .map((f) => basename(f, ".pattern"))
        .sort()
    : [];
}

function compare(actual: string, baseline: string): void {
  if (ACCEPT) {
    mkdirSync(dirname(baseline), { recursive: true });
    if (!existsSync(baseline) || readFileSync(baseline, "utf8") !== actual) writeFileSync(baseline, actual);
    return;
  }
  if (!existsSync(baseline)) {
    throw new Error(`missing baseline ${baseline}; run node scripts/accept-baselines.mjs and review it`);
  }
  expect(actual).toBe(readFileSync(baseline, "utf8"));
}

describe("AST baselines", () => {
  for (const name of cases("ast")) {
    it(name, () => {
      const file = `${name}.pattern`;
      const source = readFileSync(join(root, "cases", "ast", file), "utf8");
      const { ast, diagnostics } = parse(source, file);
      expect(diagnostics.map((d) => renderDiagnostic(d, source))).toEqual([]);
      expect(ast).not.toBeNull();
      compare(dumpAst(ast!, source), join(root, "baselines", "ast", `${name}.ast.txt`));
    });
  }
});

describe("error baselines", () => {
  for (const name of cases("errors")) {
    it(name, () => {
      const file = `${name}.pattern`;
      const source = readFileSync(join(root, "cases", "errors", file), "utf8");
      const diagnostics = diagnose(source, file);
      const rendered = diagnostics.map((d) => `${renderDiagnostic(d, source)}\n`).join("\n");
      compare(rendered || "(no diagnostics)\n", join(root, "baselines", "errors", `${name}.errors.txt`));
    });
  }
});

describe("baselines without a case", () => {
  for (const [dir, ext] of [
    ["ast", ".ast.txt"],
    ["errors", ".errors.txt"],
  ] as const) {
    it(dir, () => {
      const d = join(root, "baselines", dir);
      const known = new Set(cases(dir));
      const orphans = existsSync(d)
        ? readdirSync(d).filter((f) => f.endsWith(ext) && !known.has(f.slice(0, -ext.length)))
        : [];
      expect(orphans).toEqual([]);
    });
  }
});
