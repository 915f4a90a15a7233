/**
 * Property tests of the front end: for random and mutated sources, `parse` never
 * throws, never fails internally, stays within the source, reports at most one syntax
 * error per block, and never stalls: a source of at most a few hundred characters parses in
 * under a second (a hang guard, not a speed test — speed is measured by bench/; the bound
 * is loose so a loaded machine's GC pauses cannot fail it). Mutations start from the
 * golden AST cases (valid files) and delete, insert, swap or replace tokens and
 * characters.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Node } from "../../src/lang/ast.js";
import { parse } from "../../src/lang/parse.js";
import { firstRejected, getParser, getStrictParser } from "../../src/lang/parser.js";
import { lex } from "../../src/lang/tokens.js";
import {
  applyMutations,
  deleteToken,
  editChar,
  insertPiece,
  type Mutation,
  replaceToken,
  tokenRanges,
} from "../support/mutations.js";

const casesDir = join(dirname(fileURLToPath(import.meta.url)), "..", "cases", "ast");
const examples = readdirSync(casesDir)
  .filter((f) => f.endsWith(".pattern"))
  .sort()
  .map((f) => readFileSync(join(casesDir, f), "utf8"));

/** Pieces that random sources are made of: every kind of token, and some trouble. */
const pieces = [
  ...(
    "event pattern key by within after match no skip to next past first last followed any not emit on " +
    "timeout where optional greedy consecutive combinations until and or in between is true false null prev"
  ).split(" "),
  ..."{ } ( ) [ ] , : . ? + * - / % == != < <= > >= = ! & | ; ' #".split(" "),
  ..."a b x A B Tick LoginOk user ip price s m min hours PT1M P1Y P2P `key` `a``b` `` `".split(" "),
  ..."0 1 42 1.5 1e3 01 1. 5min 1h30m 0.5ms 5mins 1h30 9999999999999999999".split(" "),
  '"str"',
  '"esc\\n"',
  '"bad\\q"',
  '"open',
  "// comment\n",
  "/* block */",
  "/*",
  "\n",
  "\t",
  "é",
  "😀",
  "\u00a0",
  "\r\n",
];

const randomSource = fc
  .array(fc.constantFrom(...pieces), { maxLength: 80 })
  .chain((parts) =>
    fc
      .array(fc.constantFrom(" ", "", "\n"), { minLength: parts.length, maxLength: parts.length })
      .map((seps) => parts.map((p, i) => p + seps[i]).join("")),
  );

const mutations: Mutation[] = [
  deleteToken,
  insertPiece(pieces),
  // Swap two tokens.
  (s) => {
    const r = tokenRanges(s);
    if (r.length < 2) return fc.constant(s);
    return fc.tuple(fc.nat(r.length - 1), fc.nat(r.length - 1)).map(([a, b]) => {
      const [i, j] = a < b ? [a, b] : [b, a];
      if (i === j) return s;
      const [x, y] = [r[i], r[j]];
      return (
        s.slice(0, x[0]) + s.slice(y[0], y[1]) + s.slice(x[1], y[0]) + s.slice(x[0], x[1]) + s.slice(y[1])
      );
    });
  },
  replaceToken(pieces),
  editChar(["", "{", "}", "(", ")", "[", "]", '"', "`", ".", ",", ":", "x", " ", "\n", "/", "*"]),
];

const mutatedSource = fc
  .tuple(fc.constantFrom(...examples), fc.array(fc.nat(mutations.length - 1), { minLength: 1, maxLength: 4 }))
  .chain(([example, which]) => applyMutations(mutations, example, which));

function spansWithin(node: unknown, length: number): boolean {
  if (node === null || typeof node !== "object") return true;
  if (Array.isArray(node)) return node.every((n) => spansWithin(n, length));
  const n = node as Partial<Node> & Record<string, unknown>;
  if (n.span && !(n.span.start >= 0 && n.span.start <= n.span.end && n.span.end <= length)) return false;
  return Object.entries(n).every(([k, v]) => k === "span" || k === "opSpan" || spansWithin(v, length));
}

/** Every invariant of one parse; returns its duration in ms. */
function check(source: string): number {
  const t0 = performance.now();
  const { ast, diagnostics } = parse(source, "fuzz.pattern");
  const ms = performance.now() - t0;
  expect(diagnostics.filter((d) => d.code === "E1999")).toEqual([]);
  expect(ast).not.toBeNull();
  for (const d of diagnostics) {
    expect(d.span.start).toBeGreaterThanOrEqual(0);
    expect(d.span.end).toBeLessThanOrEqual(source.length);
    expect(d.span.start).toBeLessThanOrEqual(d.span.end);
    expect(d.message.length).toBeGreaterThan(0);
  }
  expect(spansWithin(ast, source.length)).toBe(true);
  // At most one syntax error (E10xx/E11xx) per block: never more than the block starts.
  const syntax = diagnostics.filter((d) => /^E1[01]/.test(d.code)).length;
  const blockStarts = lex(source).filter((t) => t.image === "event" || t.image === "pattern").length;
  expect(syntax).toBeLessThanOrEqual(blockStarts + 1);
  return ms;
}

/** Far above any parse of these inputs (~1 ms), far below a hang or an exponential parse. */
const STALL_MS = 1000;

describe("parse (property)", () => {
  // Build the parser and warm the JIT before timing anything.
  for (const e of examples) parse(e, "warm.pattern");

  it("handles random token soup without stalling", () => {
    fc.assert(
      fc.property(randomSource, (source) => {
        expect(check(source)).toBeLessThan(STALL_MS);
      }),
      { numRuns: 500 },
    );
  });

  it("handles random text without stalling", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (source) => {
        expect(check(source)).toBeLessThan(STALL_MS);
      }),
      { numRuns: 500 },
    );
  });

  it("handles mutated valid files without stalling", () => {
    fc.assert(
      fc.property(mutatedSource, (source) => {
        expect(check(source)).toBeLessThan(STALL_MS);
      }),
      { numRuns: 500 },
    );
  });

  it("stops where the grammar interpreter says the grammar rejects the input", () => {
    const parser = getStrictParser();
    fc.assert(
      fc.property(fc.oneof(mutatedSource, randomSource), (source) => {
        const tokens = lex(source);
        parser.input = tokens;
        parser.block();
        const e = parser.errors[0];
        const stop = e ? tokens.indexOf(e.token) : tokens.length;
        expect(stop === -1 ? tokens.length : stop).toBe(firstRejected(tokens));
      }),
      { numRuns: 500 },
    );
  });

  it("finds the first error where the recovering parser does", () => {
    const firstError = (parser: ReturnType<typeof getParser>, source: string) => {
      parser.input = lex(source);
      parser.block();
      const e = parser.errors[0];
      return e
        ? `${e.name === "NotAllInputParsedException" ? "end" : "error"}@${e.token.startOffset}`
        : "none";
    };
    fc.assert(
      fc.property(mutatedSource, (source) => {
        expect(firstError(getParser(), source)).toBe(firstError(getStrictParser(), source));
      }),
      { numRuns: 300 },
    );
  });
});
