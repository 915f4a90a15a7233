/**
 * Properties of `cep fmt` (src/lang/fmt) over generated sources (`pattern-arb.ts`,
 * `alternation-arb.ts` for alternations and permutes) and
 * real sources (the golden AST cases, patterns/, grammar/samples) mutated in their
 * layout — spaces, line breaks, CRLF, tabs, comments inserted between tokens:
 *
 * - formatting is idempotent: fmt(fmt(x)) == fmt(x), at several widths;
 * - the formatted text parses to the same AST as the input (spans stripped; the
 *   spelling attributes `quoted` and whitespace inside `raw` ignored: backticks that are
 *   not needed go, `{2, 5}` becomes `{2,5}`);
 * - it holds the same comments, in the same order.
 *
 * Bounded in time (`interruptAfterTimeLimit`), like the other property tests.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatSource } from "../../src/lang/fmt/index.js";
import { parse } from "../../src/lang/parse.js";
import { lex } from "../../src/lang/tokens.js";
import { altPatternArb, renderAltPattern } from "./alternation-arb.js";
import { patternArb, renderPattern } from "./pattern-arb.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const read = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".pattern"))
    .sort()
    .map((f) => readFileSync(join(root, dir, f), "utf8"));
const seeds = [...read("test/cases/ast"), ...read("patterns"), ...read("grammar/samples")].filter(
  (s) => parse(s, "seed").diagnostics.length === 0,
);

/** The AST without positions and spelling, as JSON. */
function shape(source: string): string {
  const { ast, diagnostics } = parse(source, "x.pattern");
  expect(diagnostics).toEqual([]);
  return JSON.stringify(ast, (k, v) => {
    if (k === "span" || k === "opSpan" || k === "quoted") return undefined;
    if (k === "raw" && typeof v === "string") return v.replace(/\s+/g, v.startsWith('"') ? " " : "");
    // A `// cep-ignore` directive's target is the offsets of the line it silences: whether it has one.
    if (k === "target" && v !== null && typeof v === "object" && "start" in v) return true;
    return v;
  });
}

const commentTexts = (source: string) =>
  parse(source, "x.pattern").comments.map((c) =>
    c.kind === "line" ? c.text.trimEnd() : c.text.replace(/\r\n?/g, "\n"),
  );

/** Layout noise inserted at token boundaries: never changes the tokens. */
const NOISE = [
  " ",
  "  ",
  "\n",
  "\n\n",
  "\n\n\n",
  "\r\n",
  "\t",
  "// note\n",
  "/* b */",
  "/* two\n lines */",
  "\n// own line\n",
  "// crlf\r\n",
  "\r\n\r\n",
];

const mutated = (seed: string) => {
  const bounds = [
    0,
    ...lex(seed).flatMap((t) => [t.startOffset, t.startOffset + t.image.length]),
    seed.length,
  ];
  return fc
    .array(fc.tuple(fc.constantFrom(...bounds), fc.constantFrom(...NOISE)), { maxLength: 12 })
    .map((edits) => {
      let s = seed;
      // From the end, so earlier offsets stay valid.
      for (const [at, piece] of [...edits].sort((a, b) => b[0] - a[0])) {
        // A `//` comment needs a line end after it; never glue `/` to `/*` or `*/`.
        s = `${s.slice(0, at)} ${piece}${piece.startsWith("//") ? "" : " "}${s.slice(at)}`;
      }
      return s;
    });
};

const sourceArb = fc.oneof(
  patternArb.map((p) => renderPattern(p)),
  // Alternations and permutes, nested, quantified (language §3.3a).
  altPatternArb().map((p) => renderAltPattern(p)),
  fc.constantFrom(...seeds).chain(mutated),
);

function checkProperties(source: string, width: number) {
  const once = formatSource(source, "x.pattern", { width });
  if (!once.ok) throw new Error(`refused: ${JSON.stringify(once.diagnostics)}\n${source}`);
  const twice = formatSource(once.text, "x.pattern", { width });
  expect(twice.ok && twice.text).toBe(once.text);
  expect(shape(once.text)).toBe(shape(source));
  expect(commentTexts(once.text)).toEqual(commentTexts(source));
}

describe("cep fmt properties", () => {
  it("every seed: idempotent, same AST, same comments", () => {
    expect(seeds.length).toBeGreaterThan(40);
    for (const s of seeds) for (const width of [100, 40]) checkProperties(s, width);
  });

  it("found by the property below: comments and blank lines around a dropped trailing comma", () => {
    checkProperties(
      "pattern B {\n  match A\n    followed by C where z in [1, 2, 3 \n// own line\n  \r\n ,] and not (w in [])\n}\n",
      100,
    );
    checkProperties(
      "pattern B {\n  match A\n    followed by C where z in [1, 2, 3 // note\n, /* two\n lines */ ] and not (w in [])\n}\n",
      100,
    );
  });

  it("generated and mutated sources: idempotent, same AST, same comments", () => {
    fc.assert(
      fc.property(sourceArb, fc.constantFrom(100, 60, 30), (source, width) => checkProperties(source, width)),
      {
        numRuns: Number(process.env.FMT_RUNS ?? 400),
        interruptAfterTimeLimit: Number(process.env.FMT_MS ?? 4_000),
      },
    );
  });
});
