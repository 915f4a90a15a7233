/**
 * grammar/pattern.ebnf is the normative grammar; src/lang/parser.ts is the grammar that
 * runs. These tests keep them in step: the same rule names both ways, an EBNF whose
 * references all resolve, and sample files that use every construct and parse cleanly.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CstElement, type CstNode, tokenMatcher } from "chevrotain";
import { describe, expect, it } from "vitest";
import { parse } from "../../src/lang/parse.js";
import { getParser, RULE_NAMES } from "../../src/lang/parser.js";
import {
  Event,
  Identifier,
  LCurly,
  lex,
  Pattern,
  RESERVED_WORDS,
  UNIT_WORDS,
} from "../../src/lang/tokens.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const grammarDir = join(root, "grammar");

/** Syntactic productions implemented outside the parser: `file` is parse.ts's block loop. */
const DRIVER_PRODUCTIONS = new Set(["file"]);

interface Production {
  readonly name: string;
  /** The right-hand side, comments removed. */
  readonly body: string;
  readonly line: number;
}

/**
 * A tiny reader for W3C-style EBNF: drops `/* … *\/` comments (but not inside quotes or
 * character classes), then splits into productions at each `name ::=` that starts a line.
 */
function readEbnf(text: string): Production[] {
  let clean = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) throw new Error(`unterminated comment at offset ${i}`);
      // Keep line breaks so line numbers stay right.
      clean += text.slice(i, end + 2).replace(/[^\n]/g, " ");
      i = end + 2;
    } else if (c === "'" || c === '"' || c === "[") {
      const close = c === "[" ? "]" : c;
      const end = text.indexOf(close, i + 1);
      if (end < 0) throw new Error(`unterminated ${c} at offset ${i}`);
      clean += text.slice(i, end + 1);
      i = end + 1;
    } else {
      clean += c;
      i++;
    }
  }
  const productions: Production[] = [];
  const head = /^([A-Za-z][A-Za-z0-9]*)[ \t]*::=/;
  let current: { name: string; body: string[]; line: number } | undefined;
  clean.split("\n").forEach((line, n) => {
    const m = head.exec(line);
    if (m) {
      if (current)
        productions.push({ name: current.name, body: current.body.join("\n"), line: current.line });
      current = { name: m[1], body: [line.slice(m[0].length)], line: n + 1 };
    } else if (current) {
      current.body.push(line);
    } else if (line.trim() !== "") {
      throw new Error(`text before the first production on line ${n + 1}: ${line.trim()}`);
    }
  });
  if (current) productions.push({ name: current.name, body: current.body.join("\n"), line: current.line });
  return productions;
}

/** The names a production body refers to (outside quotes and character classes; not `#x…`). */
function references(body: string): string[] {
  const bare = body.replace(/'[^']*'|"[^"]*"|\[[^\]]*\]|#x[0-9A-Fa-f]+/g, " ");
  return bare.match(/[A-Za-z][A-Za-z0-9]*/g) ?? [];
}

/** The quoted literals of a production body. */
function literals(body: string): string[] {
  return [...body.matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2]);
}

/**
 * The CST of every block of a source that has no syntax errors. Like parse.ts, it
 * parses one block at a time; a block starts at `event`/`pattern`, a name and `{`.
 */
function blocks(source: string): CstNode[] {
  const tokens = lex(source);
  const starts = tokens
    .map((_, i) => i)
    .filter(
      (i) =>
        (tokens[i].tokenType === Event || tokens[i].tokenType === Pattern) &&
        tokenMatcher(tokens[i + 1] ?? tokens[i], Identifier) &&
        tokens[i + 2]?.tokenType === LCurly,
    );
  const parser = getParser();
  const out = starts.map((start, k) => {
    parser.input = tokens.slice(start, starts[k + 1] ?? tokens.length);
    const cst = parser.block();
    if (parser.errors.length > 0) throw new Error(parser.errors[0].message);
    return cst;
  });
  parser.input = [];
  return out;
}

/** Adds the name of every rule in a CST to `into`. */
function collectRules(node: CstNode, into: Set<string>): void {
  into.add(node.name);
  for (const children of Object.values(node.children) as CstElement[][]) {
    for (const child of children) if ("children" in child) collectRules(child, into);
  }
}

const isSyntactic = (name: string): boolean => /^[a-z]/.test(name);

const productions = readEbnf(readFileSync(join(grammarDir, "pattern.ebnf"), "utf8"));
const byName = new Map(productions.map((p) => [p.name, p]));
const syntactic = productions.filter((p) => isSyntactic(p.name)).map((p) => p.name);
const parserRules = Object.keys(getParser().getGAstProductions());

describe("grammar/pattern.ebnf", () => {
  it("defines each production once, with a lowerCamelCase or UpperCamelCase name", () => {
    const seen = new Set<string>();
    for (const p of productions) {
      expect(seen.has(p.name), `${p.name} (line ${p.line}) is defined twice`).toBe(false);
      seen.add(p.name);
      expect(p.name).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
      expect(p.body.trim(), `${p.name} has an empty body`).not.toBe("");
    }
    expect(productions.length).toBeGreaterThan(30);
  });

  it("refers only to productions it defines", () => {
    for (const p of productions) {
      for (const ref of references(p.body)) {
        expect(byName.has(ref), `${p.name} (line ${p.line}) refers to undefined ${ref}`).toBe(true);
      }
    }
  });

  it("reaches every syntactic production from `file`", () => {
    const reached = new Set<string>(["file"]);
    const queue = ["file"];
    while (queue.length > 0) {
      const name = queue.pop()!;
      for (const ref of references(byName.get(name)!.body)) {
        if (!reached.has(ref)) {
          reached.add(ref);
          queue.push(ref);
        }
      }
    }
    expect(syntactic.filter((n) => !reached.has(n))).toEqual([]);
  });

  it("names every parser rule, and only parser rules, in lowerCamelCase", () => {
    const ebnfRules = syntactic.filter((n) => !DRIVER_PRODUCTIONS.has(n));
    expect(
      ebnfRules.filter((n) => !parserRules.includes(n)),
      "EBNF productions with no parser rule",
    ).toEqual([]);
    expect(
      parserRules.filter((n) => !ebnfRules.includes(n)),
      "parser rules missing from the EBNF",
    ).toEqual([]);
  });

  it("agrees with the parser's exported rule list", () => {
    expect([...RULE_NAMES].sort()).toEqual([...parserRules].sort());
  });

  it("lists exactly the lexer's reserved words and duration units", () => {
    expect(new Set(literals(byName.get("Keyword")!.body))).toEqual(new Set(RESERVED_WORDS));
    expect(new Set(literals(byName.get("UnitWord")!.body))).toEqual(new Set(UNIT_WORDS));
  });

  it("quotes only keywords and punctuation in syntactic productions", () => {
    const fieldTypes = new Set(literals(byName.get("FieldType")!.body));
    for (const name of syntactic) {
      for (const lit of literals(byName.get(name)!.body)) {
        if (/^[A-Za-z]/.test(lit)) {
          expect(RESERVED_WORDS.has(lit) || fieldTypes.has(lit), `${name}: '${lit}' is not a keyword`).toBe(
            true,
          );
        }
      }
    }
  });
});

describe("grammar/samples", () => {
  const samplesDir = join(grammarDir, "samples");
  const samples = readdirSync(samplesDir)
    .filter((f) => f.endsWith(".pattern"))
    .sort();

  it("has samples", () => {
    expect(samples.length).toBeGreaterThanOrEqual(3);
  });

  it.each(samples)("%s parses with no diagnostics", (name) => {
    const file = join("grammar", "samples", name);
    const result = parse(readFileSync(join(samplesDir, name), "utf8"), file);
    expect(result.diagnostics).toEqual([]);
    expect(result.ast).not.toBeNull();
    expect(result.ast!.patterns.length).toBeGreaterThan(0);
  });

  it("use every parser rule, every keyword and every contiguity operator", () => {
    const used = new Set<string>();
    let text = "";
    for (const name of samples) {
      const source = readFileSync(join(samplesDir, name), "utf8");
      text += `${source}\n`;
      for (const cst of blocks(source)) collectRules(cst, used);
    }
    expect(
      parserRules.filter((r) => !used.has(r)),
      "rules no sample exercises",
    ).toEqual([]);

    const code = text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\]|\\.)*"/g, " ");
    const words = new Set(code.match(/[A-Za-z_]+/g));
    expect(
      [...RESERVED_WORDS].filter((w) => !words.has(w)),
      "keywords no sample uses",
    ).toEqual([]);
    for (const op of [
      /\bnext\b/,
      /\bfollowed by\b/,
      /\bfollowed by any\b/,
      /\bnot next\b/,
      /\bnot followed by\b/,
    ]) {
      expect(code, `no sample uses ${op.source}`).toMatch(op);
    }
    for (const q of [
      /\w\?/,
      /\w\+/,
      /\w\*/,
      /\{\d+\}/,
      /\{\d+,\}/,
      /\{[1-9]\d*,\d+\}/,
      /\{0,\d+\}/,
      /\)\*/,
    ]) {
      expect(code, `no sample uses the quantifier ${q.source}`).toMatch(q);
    }
    expect(code, "no ISO-8601 duration").toMatch(/\bP(?:\d+[WD]|T\d+[HMS])/);
    expect(code, "no one-token duration").toMatch(/\b\d+(?:ms|s|m|h|d|w)\b/);
    expect(code, "no backtick name").toMatch(/`[^`]+`/);
  });
});
