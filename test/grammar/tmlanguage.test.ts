/**
 * The editor grammar (grammar/cepheus.tmLanguage.json) tokenizes real pattern files the
 * way an editor would: vscode-textmate over the Oniguruma WASM build that VS Code uses.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import oniguruma from "vscode-oniguruma";
import textmate from "vscode-textmate";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const grammarPath = join(root, "grammar", "cepheus.tmLanguage.json");
const wasmPath = join(root, "node_modules", "vscode-oniguruma", "release", "onig.wasm");

/** One token: its text and its scopes, outermost first. */
interface Token {
  readonly line: number;
  readonly text: string;
  readonly scopes: readonly string[];
}

async function loadGrammar(): Promise<textmate.IGrammar> {
  const wasm = readFileSync(wasmPath);
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === "source.cepheus"
        ? textmate.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath)
        : null,
  });
  const grammar = await registry.loadGrammar("source.cepheus");
  if (!grammar) throw new Error("grammar source.cepheus did not load");
  return grammar;
}

function tokenize(grammar: textmate.IGrammar, source: string): Token[] {
  const tokens: Token[] = [];
  let state = textmate.INITIAL;
  source.split("\n").forEach((line, i) => {
    const result = grammar.tokenizeLine(line, state);
    for (const t of result.tokens) {
      tokens.push({ line: i + 1, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    state = result.ruleStack;
  });
  return tokens;
}

/** The scopes of the first token whose text is exactly `text` (on `line`, when given). */
function scopesOf(tokens: readonly Token[], text: string, line?: number): readonly string[] {
  const token = tokens.find((t) => t.text === text && (line === undefined || t.line === line));
  if (!token) {
    const near = tokens
      .filter((t) => t.text.trim() !== "" && (line === undefined || t.line === line))
      .map((t) => JSON.stringify(t.text));
    throw new Error(`no token ${JSON.stringify(text)}; tokens: ${near.slice(0, 60).join(" ")}`);
  }
  return token.scopes;
}

const source = [
  /* 1 */ "// Brute force, then a password reset",
  /* 2 */ "event LoginFailed { user: string, ip: string, timeout: number? }",
  /* 3 */ "pattern `brute-force` {",
  /* 4 */ "  key by user, `device-id`.site",
  /* 5 */ "  within PT5M",
  /* 6 */ "  after match skip to first fail",
  /* 7 */ "  match fail: LoginFailed{3,} consecutive",
  /* 8 */ "        followed by any ok: LoginOk within 30 seconds where ip != first(fail).ip",
  /* 9 */ '        not followed by Logout where `timeout` > 1h30m and lower(user) in ["a\\u0062", null]',
  /* 10 */ "  emit { user: ok.user, attempts: count(fail) * 2, at: time(prev), timeout: true } /* done */",
  /* 11 */ "}",
].join("\n");

describe("cepheus.tmLanguage.json", () => {
  let tokens: Token[];

  beforeAll(async () => {
    tokens = tokenize(await loadGrammar(), source);
  });

  it("declares the scope name and file type", () => {
    const raw = JSON.parse(readFileSync(grammarPath, "utf8"));
    expect(raw.scopeName).toBe("source.cepheus");
    expect(raw.fileTypes).toEqual(["pattern"]);
  });

  it("scopes comments", () => {
    expect(scopesOf(tokens, " Brute force, then a password reset", 1)).toContain(
      "comment.line.double-slash.cepheus",
    );
    expect(scopesOf(tokens, " done ", 10)).toContain("comment.block.cepheus");
  });

  it("scopes declarations, field names and schema types", () => {
    expect(scopesOf(tokens, "event", 2)).toContain("storage.type.event.cepheus");
    expect(scopesOf(tokens, "LoginFailed", 2)).toContain("entity.name.type.event.cepheus");
    expect(scopesOf(tokens, "timeout", 2)).toContain("variable.other.property.field.cepheus");
    expect(scopesOf(tokens, "string", 2)).toContain("support.type.primitive.cepheus");
    expect(scopesOf(tokens, "?", 2)).toContain("keyword.operator.optional.cepheus");
    expect(scopesOf(tokens, "pattern", 3)).toContain("storage.type.pattern.cepheus");
  });

  it("scopes backtick identifiers", () => {
    expect(scopesOf(tokens, "`brute-force`", 3)).toContain("entity.name.type.pattern.cepheus");
    expect(scopesOf(tokens, "`device-id`", 4)).toContain("variable.other.property.key.cepheus");
    expect(scopesOf(tokens, "`timeout`", 9)).toContain("variable.other.quoted.cepheus");
  });

  it("scopes clause keywords", () => {
    expect(scopesOf(tokens, "key", 4)).toContain("keyword.control.clause.key.cepheus");
    expect(scopesOf(tokens, "within", 5)).toContain("keyword.control.clause.within.cepheus");
    expect(scopesOf(tokens, "match", 7)).toContain("keyword.control.clause.match.cepheus");
    expect(scopesOf(tokens, "where", 8)).toContain("keyword.control.clause.where.cepheus");
    expect(scopesOf(tokens, "emit", 10)).toContain("keyword.control.clause.emit.cepheus");
  });

  it("scopes multi-word contiguity operators as one token", () => {
    expect(scopesOf(tokens, "followed by any", 8)).toContain("keyword.operator.contiguity.cepheus");
    expect(scopesOf(tokens, "not followed by", 9)).toContain("keyword.operator.contiguity.cepheus");
  });

  it("scopes skip strategies, terms, quantifiers and modifiers", () => {
    expect(scopesOf(tokens, "skip to first", 6)).toContain("keyword.other.skip-strategy.cepheus");
    expect(scopesOf(tokens, "fail", 6)).toContain("variable.other.skip-target.cepheus");
    expect(scopesOf(tokens, "fail", 7)).toContain("variable.other.definition.cepheus");
    expect(scopesOf(tokens, "LoginFailed", 7)).toContain("entity.name.type.cepheus");
    expect(scopesOf(tokens, "{3,}", 7)).toContain("keyword.operator.quantifier.cepheus");
    expect(scopesOf(tokens, "consecutive", 7)).toContain("storage.modifier.quantifier.cepheus");
    expect(scopesOf(tokens, "Logout", 9)).toContain("entity.name.type.cepheus");
  });

  it("scopes durations: one token, spaced and ISO-8601", () => {
    expect(scopesOf(tokens, "PT5M", 5)).toContain("constant.numeric.duration.iso8601.cepheus");
    expect(scopesOf(tokens, "1h30m", 9)).toContain("constant.numeric.duration.cepheus");
    expect(scopesOf(tokens, "seconds", 8)).toEqual(
      expect.arrayContaining(["constant.numeric.duration.cepheus", "keyword.other.unit.cepheus"]),
    );
    expect(scopesOf(tokens, "30", 8)).toContain("constant.numeric.duration.cepheus");
  });

  it("scopes strings with escapes", () => {
    expect(scopesOf(tokens, "a", 9)).toContain("string.quoted.double.cepheus");
    expect(scopesOf(tokens, "\\u0062", 9)).toEqual(
      expect.arrayContaining(["string.quoted.double.cepheus", "constant.character.escape.cepheus"]),
    );
  });

  it("scopes expressions: calls, operators, constants, language variables, properties", () => {
    expect(scopesOf(tokens, "first", 8)).toContain("support.function.builtin.cepheus");
    expect(scopesOf(tokens, "lower", 9)).toContain("support.function.builtin.cepheus");
    expect(scopesOf(tokens, "ip", 8)).toContain("variable.other.cepheus");
    expect(scopesOf(tokens, "!=", 8)).toContain("keyword.operator.comparison.cepheus");
    expect(scopesOf(tokens, "and", 9)).toContain("keyword.operator.logical.cepheus");
    expect(scopesOf(tokens, "in", 9)).toContain("keyword.operator.word.cepheus");
    expect(scopesOf(tokens, "null", 9)).toContain("constant.language.null.cepheus");
    expect(scopesOf(tokens, "*", 10)).toContain("keyword.operator.arithmetic.cepheus");
    expect(scopesOf(tokens, "prev", 10)).toContain("variable.language.prev.cepheus");
    expect(scopesOf(tokens, "true", 10)).toContain("constant.language.boolean.cepheus");
  });

  it("scopes emit keys, even reserved words, as property names", () => {
    expect(scopesOf(tokens, "attempts", 10)).toContain("variable.other.property.emit-key.cepheus");
    expect(scopesOf(tokens, "timeout", 10)).toContain("variable.other.property.emit-key.cepheus");
    expect(scopesOf(tokens, "user", 10)).toContain("variable.other.property.emit-key.cepheus");
  });
});

describe("cepheus.tmLanguage.json: alternation and permute (§3.3a)", () => {
  const alt = [
    /* 1 */ "pattern Funnel {",
    /* 2 */ "  match a: Login followed by (p: Purchase | Logout next r: Rating)",
    /* 3 */ "        followed by permute(n: Nps, f: Feedback) next permute followed by any (x: X, y: Y)",
    /* 4 */ "        followed by permute next t: Tick where permute > 1",
    /* 5 */ "}",
  ].join("\n");
  let tokens: Token[];

  beforeAll(async () => {
    tokens = tokenize(await loadGrammar(), alt);
  });

  it("scopes `|` as an operator and a bare type after it as a type", () => {
    expect(scopesOf(tokens, "|", 2)).toContain("keyword.operator.alternation.cepheus");
    expect(scopesOf(tokens, "Logout", 2)).toContain("entity.name.type.cepheus");
  });

  it("scopes `permute` as a keyword before `(` or its operator and `(`, as a name elsewhere", () => {
    const permutes = tokens.filter((t) => t.text === "permute");
    expect(permutes.map((t) => [t.line, t.scopes.includes("keyword.control.permute.cepheus")])).toEqual([
      [3, true],
      [3, true],
      [4, false],
      [4, false],
    ]);
    expect(permutes[2].scopes).toContain("entity.name.type.cepheus");
    expect(scopesOf(tokens, "followed by any", 3)).toContain("keyword.operator.contiguity.cepheus");
  });
});
