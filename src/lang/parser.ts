/**
 * The grammar of `.pattern` files (§3) as a Chevrotain `CstParser`, rules as class
 * fields (Chevrotain `examples/implementation_languages/typescript/typescript_json.ts`).
 *
 * Parser instances are built on first use and reused — `performSelfAnalysis` is slow:
 * {@link getParser} has Chevrotain's error recovery enabled (for tools that want a CST
 * of broken input, and for railroad diagrams); {@link getStrictParser} stops at the
 * first error and is what `parse.ts` drives, one block (`event …` or `pattern …`) at a
 * time, under the error policy of §7. Besides the grammar, this file holds
 * {@link expectedAfter}, a small interpreter over the same grammar that answers "which
 * tokens could come next?" for error messages.
 *
 * Decisions are LL(1) except the trailing commas (`[a, b,]`, `emit {…,}`, event
 * fields), which look two tokens ahead; there are no gates, so the grammar the
 * interpreter walks is exactly the grammar the parser runs.
 *
 * The expression levels, lowest first: `or` · `and` · `not` · comparison (`== != < <=
 * > >= in between is`; non-associative) · `+ -` · `* / %` · unary `-` · postfix
 * (`.f`, `[i]`) · primary. A `not` is only ever a prefix: after a complete operand it
 * ends the expression, so `where x > 1 not followed by C` reads as intended.
 */
import {
  Alternation,
  Alternative,
  CstParser,
  EOF,
  type IProduction,
  type IToken,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  type Rule,
  Terminal,
  type TokenType,
  tokenMatcher,
} from "chevrotain";
import { MAX_NESTING } from "./limits.js";
import * as T from "./tokens.js";

/**
 * Thrown by the parser when brackets, groups, prefix operators and path steps nest
 * deeper than {@link MAX_NESTING}: before Chevrotain's recursion can overflow the stack.
 * `token` is where the limit is exceeded.
 */
export class NestingTooDeep extends Error {
  constructor(readonly token: IToken) {
    super(`nesting deeper than ${MAX_NESTING}`);
    this.name = "NestingTooDeep";
  }
}

/** The CST parser. Use the shared instances: {@link getParser}, {@link getStrictParser}. */
export class PatternParser extends CstParser {
  /**
   * `recovery` (default true): Chevrotain's error recovery, for a CST of broken input.
   * `validate` (default false): Chevrotain's grammar validations (ambiguities, left
   * recursion…) during self-analysis. They cost ~20 ms of every `cep` start-up and only
   * matter when the grammar changes, so the tests run them (test/grammar) and users skip them.
   */
  constructor(options: { readonly recovery?: boolean; readonly validate?: boolean } = {}) {
    super(T.allTokens as TokenType[], {
      recoveryEnabled: options.recovery ?? true,
      maxLookahead: 2,
      nodeLocationTracking: "onlyOffset",
      skipValidations: !(options.validate ?? false),
    });
    this.performSelfAnalysis();
  }

  /** Current nesting (see {@link NestingTooDeep}); reset with the input. */
  private nesting = 0;

  override reset(): void {
    super.reset();
    this.nesting = 0;
  }

  /**
   * One level deeper, at the next token. Not while Chevrotain records the grammar (a
   * direct call, not an `ACTION` closure: rules run per token and closures cost).
   */
  private enter(): void {
    if (this.RECORDING_PHASE) return;
    if (++this.nesting > MAX_NESTING) throw new NestingTooDeep(this.LA(1));
  }

  private leave(levels = 1): void {
    if (!this.RECORDING_PHASE) this.nesting -= levels;
  }

  /** The index of the next unconsumed token of the input (after a parse: where it stopped). */
  position(): number {
    // `exportLexerState` is Chevrotain's own hook for saving a position.
    return (this as unknown as { exportLexerState(): number }).exportLexerState() + 1;
  }

  // -- blocks -----------------------------------------------------------------

  block = this.RULE("block", () => {
    this.OR([{ ALT: () => this.SUBRULE(this.eventDecl) }, { ALT: () => this.SUBRULE(this.patternDecl) }]);
  });

  eventDecl = this.RULE("eventDecl", () => {
    this.CONSUME(T.Event);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.LCurly);
    this.OPTION(() => {
      this.SUBRULE(this.fieldDecl);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.fieldDecl);
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RCurly);
  });

  fieldDecl = this.RULE("fieldDecl", () => {
    this.CONSUME(T.AnyWord, { LABEL: "name" });
    this.CONSUME(T.Colon);
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier, { LABEL: "type" }) },
      { ALT: () => this.CONSUME(T.Any, { LABEL: "type" }) },
    ]);
    this.OPTION(() => this.CONSUME(T.Question));
  });

  patternDecl = this.RULE("patternDecl", () => {
    this.CONSUME(T.Pattern);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.LCurly);
    this.OPTION(() => this.SUBRULE(this.keyByClause));
    this.OPTION2(() => this.SUBRULE(this.withinClause));
    this.OPTION3(() => this.SUBRULE(this.skipClause));
    this.SUBRULE(this.matchClause);
    this.OPTION4(() => this.SUBRULE(this.emitClause));
    this.OPTION5(() => this.SUBRULE(this.onTimeoutClause));
    this.CONSUME(T.RCurly);
  });

  // -- clauses ----------------------------------------------------------------

  keyByClause = this.RULE("keyByClause", () => {
    this.CONSUME(T.Key);
    this.CONSUME(T.By);
    this.SUBRULE(this.keyPath);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.keyPath);
    });
  });

  keyPath = this.RULE("keyPath", () => {
    this.CONSUME(T.Identifier, { LABEL: "segment" });
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME(T.AnyWord, { LABEL: "segment" });
    });
  });

  withinClause = this.RULE("withinClause", () => {
    this.CONSUME(T.Within);
    this.SUBRULE(this.duration);
  });

  /** `5 minutes`, `1h30m`, `1 hour 30 minutes`, `PT1M`. */
  duration = this.RULE("duration", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.IsoDuration) },
      { ALT: () => this.AT_LEAST_ONE(() => this.SUBRULE(this.durationPart)) },
    ]);
  });

  durationPart = this.RULE("durationPart", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.DurationLiteral) },
      {
        ALT: () => {
          this.CONSUME(T.NumberLiteral);
          this.CONSUME(T.UnitWord);
        },
      },
    ]);
  });

  skipClause = this.RULE("skipClause", () => {
    this.CONSUME(T.After);
    this.CONSUME(T.Match);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.No);
          this.CONSUME(T.Skip);
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.Skip);
          this.OR2([
            {
              ALT: () => {
                this.CONSUME(T.To);
                this.OR3([
                  { ALT: () => this.CONSUME(T.Next) },
                  {
                    ALT: () => {
                      this.CONSUME(T.First);
                      this.CONSUME(T.Identifier, { LABEL: "target" });
                    },
                  },
                  {
                    ALT: () => {
                      this.CONSUME(T.Last);
                      this.CONSUME2(T.Identifier, { LABEL: "target" });
                    },
                  },
                ]);
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.Past);
                this.CONSUME2(T.Last);
                this.CONSUME(T.Event);
              },
            },
          ]);
        },
      },
    ]);
  });

  matchClause = this.RULE("matchClause", () => {
    this.CONSUME(T.Match);
    this.SUBRULE(this.sequence);
  });

  emitClause = this.RULE("emitClause", () => {
    this.CONSUME(T.Emit);
    this.CONSUME(T.LCurly);
    this.OPTION(() => {
      this.SUBRULE(this.emitField);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.emitField);
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RCurly);
  });

  emitField = this.RULE("emitField", () => {
    this.CONSUME(T.AnyWord, { LABEL: "name" });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression);
  });

  onTimeoutClause = this.RULE("onTimeoutClause", () => {
    this.CONSUME(T.On);
    this.CONSUME(T.Timeout);
    this.OPTION(() => this.SUBRULE(this.emitClause));
  });

  // -- sequences --------------------------------------------------------------

  sequence = this.RULE("sequence", () => {
    this.SUBRULE(this.element);
    this.MANY(() => {
      this.SUBRULE(this.contiguity);
      this.SUBRULE2(this.element);
    });
  });

  /** `next` · `followed by` · `followed by any` · `not next` · `not followed by`. */
  contiguity = this.RULE("contiguity", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Next) },
      {
        ALT: () => {
          this.CONSUME(T.Followed);
          this.CONSUME(T.By);
          this.OPTION(() => this.CONSUME(T.Any));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.OR2([
            { ALT: () => this.CONSUME2(T.Next) },
            {
              ALT: () => {
                this.CONSUME2(T.Followed);
                this.CONSUME2(T.By);
              },
            },
          ]);
        },
      },
    ]);
  });

  element = this.RULE("element", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.term) },
      { ALT: () => this.SUBRULE(this.group) },
      { ALT: () => this.SUBRULE(this.permute) },
    ]);
  });

  /** `[var:] Type` or `var: *`, quantifier, modifiers, `within`, `where`. */
  term = this.RULE("term", () => {
    this.CONSUME(T.Identifier, { LABEL: "first" });
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.OR([
        { ALT: () => this.CONSUME2(T.Identifier, { LABEL: "type" }) },
        { ALT: () => this.CONSUME(T.Star, { LABEL: "anyType" }) },
      ]);
    });
    this.OPTION2(() => this.SUBRULE(this.quantifier));
    this.MANY(() => this.SUBRULE(this.modifier));
    this.OPTION3(() => {
      this.CONSUME(T.Within);
      this.SUBRULE(this.duration);
    });
    this.OPTION4(() => {
      this.CONSUME(T.Where);
      this.SUBRULE(this.expression);
    });
  });

  /** `( sequence )` — a group — or `( sequence | sequence … )` — an alternation (§3.3a). */
  group = this.RULE("group", () => {
    this.enter();
    this.CONSUME(T.LParen);
    this.SUBRULE(this.sequence);
    this.MANY(() => {
      this.CONSUME(T.Pipe);
      this.SUBRULE2(this.sequence);
    });
    this.CONSUME(T.RParen);
    this.leave();
    this.OPTION(() => this.SUBRULE(this.quantifier));
    this.MANY2(() => this.SUBRULE(this.modifier));
  });

  /**
   * `permute [next | followed by | followed by any] ( e1, e2, … )` (§3.3a); the elements
   * are terms and groups (an alternation is a group; a nested permute goes in one). The
   * `permute` token is contextual: the lexer makes it only where a permute follows.
   */
  permute = this.RULE("permute", () => {
    this.enter();
    this.CONSUME(T.Permute);
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Next) },
        {
          ALT: () => {
            this.CONSUME(T.Followed);
            this.CONSUME(T.By);
            this.OPTION2(() => this.CONSUME(T.Any));
          },
        },
      ]);
    });
    this.CONSUME(T.LParen);
    this.SUBRULE(this.permuteElement);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.permuteElement);
    });
    this.CONSUME(T.RParen);
    this.leave();
  });

  permuteElement = this.RULE("permuteElement", () => {
    this.OR([{ ALT: () => this.SUBRULE(this.term) }, { ALT: () => this.SUBRULE(this.group) }]);
  });

  /** `?` `+` `*` `{n}` `{n,}` `{n,m}`. */
  quantifier = this.RULE("quantifier", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Question) },
      { ALT: () => this.CONSUME(T.Plus) },
      { ALT: () => this.CONSUME(T.Star) },
      {
        ALT: () => {
          this.CONSUME(T.LCurly);
          this.CONSUME(T.NumberLiteral, { LABEL: "min" });
          this.OPTION(() => {
            this.CONSUME(T.Comma);
            this.OPTION2(() => this.CONSUME2(T.NumberLiteral, { LABEL: "max" }));
          });
          this.CONSUME(T.RCurly);
        },
      },
    ]);
  });

  modifier = this.RULE("modifier", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Optional) },
      { ALT: () => this.CONSUME(T.Greedy) },
      { ALT: () => this.CONSUME(T.Consecutive) },
      { ALT: () => this.CONSUME(T.Combinations) },
      {
        ALT: () => {
          this.CONSUME(T.Until);
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });

  // -- expressions ------------------------------------------------------------

  expression = this.RULE("expression", () => {
    this.SUBRULE(this.andExpression);
    this.MANY(() => {
      this.CONSUME(T.Or, { LABEL: "op" });
      this.SUBRULE2(this.andExpression);
    });
  });

  andExpression = this.RULE("andExpression", () => {
    this.SUBRULE(this.notExpression);
    this.MANY(() => {
      this.CONSUME(T.And, { LABEL: "op" });
      this.SUBRULE2(this.notExpression);
    });
  });

  notExpression = this.RULE("notExpression", () => {
    this.OR([
      {
        ALT: () => {
          this.enter();
          this.CONSUME(T.Not);
          this.SUBRULE(this.notExpression);
          this.leave();
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  comparison = this.RULE("comparison", () => {
    this.SUBRULE(this.additive, { LABEL: "left" });
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.OR2([
              { ALT: () => this.CONSUME(T.EqEq, { LABEL: "op" }) },
              { ALT: () => this.CONSUME(T.NotEq, { LABEL: "op" }) },
              { ALT: () => this.CONSUME(T.LessEq, { LABEL: "op" }) },
              { ALT: () => this.CONSUME(T.GreaterEq, { LABEL: "op" }) },
              { ALT: () => this.CONSUME(T.Less, { LABEL: "op" }) },
              { ALT: () => this.CONSUME(T.Greater, { LABEL: "op" }) },
              { ALT: () => this.CONSUME(T.In, { LABEL: "op" }) },
            ]);
            this.SUBRULE2(this.additive, { LABEL: "right" });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Between);
            this.SUBRULE3(this.additive, { LABEL: "low" });
            this.CONSUME(T.And);
            this.SUBRULE4(this.additive, { LABEL: "high" });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Is);
            this.OPTION2(() => this.CONSUME(T.Not));
            this.CONSUME(T.Null);
          },
        },
      ]);
    });
  });

  additive = this.RULE("additive", () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Plus, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.Minus, { LABEL: "op" }) },
      ]);
      this.SUBRULE2(this.multiplicative);
    });
  });

  multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Star, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.Slash, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.Percent, { LABEL: "op" }) },
      ]);
      this.SUBRULE2(this.unary);
    });
  });

  unary = this.RULE("unary", () => {
    this.OR([
      {
        ALT: () => {
          this.enter();
          this.CONSUME(T.Minus);
          this.SUBRULE(this.unary);
          this.leave();
        },
      },
      { ALT: () => this.SUBRULE(this.postfix) },
    ]);
  });

  /** A primary followed by `.name` and `[index]` in any number and order. */
  postfix = this.RULE("postfix", () => {
    this.SUBRULE(this.primary);
    // Each step nests the path one level deeper in the tree (`((a.b).c)[0]`).
    let steps = 0;
    this.MANY(() => {
      this.enter();
      steps++;
      this.OR([{ ALT: () => this.SUBRULE(this.member) }, { ALT: () => this.SUBRULE(this.index) }]);
    });
    this.leave(steps);
  });

  member = this.RULE("member", () => {
    this.CONSUME(T.Dot);
    this.CONSUME(T.AnyWord, { LABEL: "name" });
  });

  index = this.RULE("index", () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RBracket);
  });

  primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.numberOrDuration) },
      { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: "literal" }) },
      { ALT: () => this.CONSUME(T.True, { LABEL: "literal" }) },
      { ALT: () => this.CONSUME(T.False, { LABEL: "literal" }) },
      { ALT: () => this.CONSUME(T.Null, { LABEL: "literal" }) },
      { ALT: () => this.CONSUME(T.Event, { LABEL: "event" }) },
      { ALT: () => this.CONSUME(T.Prev, { LABEL: "prev" }) },
      { ALT: () => this.SUBRULE(this.call) },
      { ALT: () => this.SUBRULE(this.list) },
      { ALT: () => this.SUBRULE(this.parenthesized) },
    ]);
  });

  /** `5`, `5 minutes`, `5min`, `1 hour 30 minutes`, `1h 30m`. */
  numberOrDuration = this.RULE("numberOrDuration", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.NumberLiteral);
          this.OPTION(() => {
            this.CONSUME(T.UnitWord);
            this.MANY(() => this.SUBRULE(this.durationPart));
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.DurationLiteral);
          this.MANY2(() => this.SUBRULE2(this.durationPart));
        },
      },
    ]);
  });

  /** A name, or a call: `f(…)`, and the reserved `first(…)`, `last(…)`, `key()`. */
  call = this.RULE("call", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Identifier, { LABEL: "callee" });
          this.OPTION(() => this.SUBRULE(this.argumentList));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.First, { LABEL: "callee" });
          this.SUBRULE2(this.argumentList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Last, { LABEL: "callee" });
          this.SUBRULE3(this.argumentList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Key, { LABEL: "callee" });
          this.SUBRULE4(this.argumentList);
        },
      },
      {
        // `permute(…)` in an expression is a call like any other (to no known function).
        ALT: () => {
          this.CONSUME(T.Permute, { LABEL: "callee" });
          this.SUBRULE5(this.argumentList);
        },
      },
    ]);
  });

  argumentList = this.RULE("argumentList", () => {
    this.enter();
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expression);
      });
    });
    this.CONSUME(T.RParen);
    this.leave();
  });

  list = this.RULE("list", () => {
    this.enter();
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expression);
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBracket);
    this.leave();
  });

  parenthesized = this.RULE("parenthesized", () => {
    this.enter();
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
    this.leave();
  });
}

let recovering: PatternParser | undefined;
let strict: PatternParser | undefined;

/**
 * The shared parser with error recovery enabled (built on first call): after an error
 * it resynchronises and goes on, so tools (an editor, the REPL) get a CST for broken
 * input. Also the entry point for railroad diagrams:
 *
 * ```ts
 * import { createSyntaxDiagramsCode } from "chevrotain";
 * const html = createSyntaxDiagramsCode(getParser().getSerializedGastProductions());
 * ```
 */
export function getParser(): PatternParser {
  if (!recovering) {
    recovering = new PatternParser({ recovery: true });
  }
  return recovering;
}

/**
 * The shared parser without recovery: it stops at the first error, which is all §7
 * reports per block. `parse` uses it — recovery costs time quadratic in the nesting
 * depth and would only produce errors that are then thrown away. Its first error is
 * the recovering parser's first error (a test checks this).
 */
export function getStrictParser(): PatternParser {
  if (!strict) {
    strict = new PatternParser({ recovery: false });
  }
  return strict;
}

/** The grammar's rule names, in definition order (`block` is the start rule). */
export const RULE_NAMES: readonly string[] = [
  "block",
  "eventDecl",
  "fieldDecl",
  "patternDecl",
  "keyByClause",
  "keyPath",
  "withinClause",
  "duration",
  "durationPart",
  "skipClause",
  "matchClause",
  "emitClause",
  "emitField",
  "onTimeoutClause",
  "sequence",
  "contiguity",
  "element",
  "term",
  "group",
  "permute",
  "permuteElement",
  "quantifier",
  "modifier",
  "expression",
  "andExpression",
  "notExpression",
  "comparison",
  "additive",
  "multiplicative",
  "unary",
  "postfix",
  "member",
  "index",
  "primary",
  "numberOrDuration",
  "call",
  "argumentList",
  "list",
  "parenthesized",
];

// ---------------------------------------------------------------------------
// What may come next: a small interpreter over the grammar

/** A continuation: the productions still to match, as a persistent stack of frames. */
interface Frame {
  readonly prods: readonly IProduction[];
  readonly idx: number;
  readonly next: Frame | null;
}

/** Tokens that may follow a finished block: the start of another one, or the end of the file. */
const AFTER_BLOCK: readonly TokenType[] = [T.Event, T.Pattern, EOF];

const MAX_CONFIGS = 2000;

/**
 * The token types the grammar allows after `prefix` (tokens of one block, from its
 * first token), or `undefined` when `prefix` itself is not a valid beginning of a
 * block (or the search got too large). `EOF` in the result means the block may end
 * there. The grammar is walked non-deterministically, so the answer does not depend
 * on the parser's lookahead.
 */
export function expectedAfter(prefix: readonly IToken[]): TokenType[] | undefined {
  const walk = walkBlock(prefix);
  if (walk.rejectedAt !== prefix.length) return undefined;
  const last = walk.last;
  if (last === undefined) return undefined;
  const out = new Set<TokenType>(last.items.map(([t]) => t.terminalType));
  if (last.canEnd) for (const t of AFTER_BLOCK) out.add(t);
  return [...out];
}

/**
 * The index of the first token of `tokens` (a block and whatever follows it) that the
 * grammar cannot consume as part of the block — `tokens.length` if it consumes them
 * all — or -1 when the search got too large. The parser stops at the same token (with
 * an error, or at the end of a complete block); the property tests check that.
 */
export function firstRejected(tokens: readonly IToken[]): number {
  const walk = walkBlock(tokens);
  return walk.last === undefined ? -1 : walk.rejectedAt;
}

/** Consumes tokens while the grammar allows; `last` is the closure at the stopping point. */
function walkBlock(tokens: readonly IToken[]): { rejectedAt: number; last: Closure | undefined } {
  const rules = (strict ?? recovering ?? getStrictParser()).getGAstProductions();
  let configs: Frame[] = [{ prods: rules.block.definition, idx: 0, next: null }];
  for (let i = 0; i < tokens.length; i++) {
    const terminals = closure(configs);
    if (terminals === undefined) return { rejectedAt: tokens.length, last: undefined };
    const next: Frame[] = [];
    for (const [term, cont] of terminals.items) {
      if (tokenMatcher(tokens[i], term.terminalType)) next.push(cont);
    }
    if (next.length === 0) return { rejectedAt: i, last: terminals };
    configs = next;
  }
  return { rejectedAt: tokens.length, last: closure(configs) };
}

/** Whether `token` could be consumed after `prefix` (a block's tokens so far). */
export function canFollow(prefix: readonly IToken[], token: IToken): boolean {
  const expected = expectedAfter(prefix);
  return expected?.some((t) => tokenMatcher(token, t)) ?? false;
}

interface Closure {
  items: [Terminal, Frame][];
  canEnd: boolean;
}

const repetitionOf = new WeakMap<RepetitionMandatory, Repetition>();

function closure(configs: readonly Frame[]): Closure | undefined {
  const result: Closure = { items: [], canEnd: false };
  let budget = MAX_CONFIGS * 10;
  const visit = (frame: Frame | null, depth: number): boolean => {
    if (--budget < 0 || depth > 400 || result.items.length > MAX_CONFIGS) return false;
    if (frame === null) {
      result.canEnd = true;
      return true;
    }
    const { prods, idx, next } = frame;
    if (idx >= prods.length) return visit(next, depth + 1);
    const p = prods[idx];
    const rest: Frame = { prods, idx: idx + 1, next };
    if (p instanceof Terminal) {
      result.items.push([p, rest]);
      return true;
    }
    if (p instanceof NonTerminal) {
      return visit({ prods: (p.referencedRule as Rule).definition, idx: 0, next: rest }, depth + 1);
    }
    if (p instanceof Option) {
      return visit(rest, depth + 1) && visit({ prods: p.definition, idx: 0, next: rest }, depth + 1);
    }
    if (p instanceof Repetition) {
      return visit(rest, depth + 1) && visit({ prods: p.definition, idx: 0, next: frame }, depth + 1);
    }
    if (p instanceof RepetitionMandatory) {
      let loop = repetitionOf.get(p);
      if (!loop) {
        loop = new Repetition({ definition: p.definition });
        repetitionOf.set(p, loop);
      }
      return visit({ prods: p.definition, idx: 0, next: { prods: [loop], idx: 0, next: rest } }, depth + 1);
    }
    if (p instanceof Alternation) {
      return p.definition.every((alt) =>
        visit({ prods: (alt as Alternative).definition, idx: 0, next: rest }, depth + 1),
      );
    }
    if (p instanceof Alternative) {
      return visit({ prods: p.definition, idx: 0, next: rest }, depth + 1);
    }
    // Separated repetitions are not used by this grammar.
    return false;
  };
  for (const c of configs) if (!visit(c, 0)) return undefined;
  return result;
}
