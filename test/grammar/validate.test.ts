/**
 * The parser skips Chevrotain's grammar validations at run time (start-up cost); here they
 * run, for both configurations, so a grammar change that introduces an ambiguity or left
 * recursion fails the tests instead of slipping through.
 */

import { Lexer } from "chevrotain";
import { describe, expect, it } from "vitest";
import { PatternParser } from "../../src/lang/parser.js";
import { LEXER_OPTIONS, lexerTokens } from "../../src/lang/tokens.js";

describe("grammar validations", () => {
  it("pass with and without error recovery", () => {
    expect(() => new PatternParser({ validate: true, recovery: true })).not.toThrow();
    expect(() => new PatternParser({ validate: true, recovery: false })).not.toThrow();
  });
});

describe("lexer validations", () => {
  it("pass for the lexer's token set (skipped at run time)", () => {
    expect(() => new Lexer(lexerTokens, LEXER_OPTIONS)).not.toThrow();
  });
});
