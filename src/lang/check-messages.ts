/**
 * The catalogue of semantic diagnostics (`E2xxx` errors, `W2xxx` warnings).
 *
 * One entry per check; codes are stable and never reused. Texts use `{0}`, `{1}`…
 * placeholders, filled by {@link semantic}. Keep messages short and lower case; put the
 * advice in the hint (TypeScript's `diagnosticMessages.json` is the model).
 */
import type { Span } from "./ast.js";
import type { Diagnostic, Severity } from "./diagnostics.js";

/** One catalogue entry. */
export interface MessageDef {
  readonly code: string;
  readonly severity: Severity;
  readonly text: string;
}

function error(code: string, text: string): MessageDef {
  return { code, severity: "error", text };
}

function warning(code: string, text: string): MessageDef {
  return { code, severity: "warning", text };
}

/** Every semantic message. */
export const Messages = {
  // Declarations
  DuplicateEvent: error("E2001", "duplicate event declaration `{0}`"),
  DuplicateField: error("E2002", "duplicate field `{0}` in event `{1}`"),
  DuplicatePattern: error("E2003", "duplicate pattern name `{0}`"),

  // Variables
  DuplicateVariable: error("E2010", "variable `{0}` is bound twice"),
  UnknownVariable: error("E2011", "unknown variable `{0}`"),
  NegatedReference: error("E2012", "`{0}` is a negated variable and cannot be referenced"),
  SkipTargetUnknown: error("E2013", "skip target `{0}` is not a variable of pattern `{1}`"),
  SkipTargetNegated: error("E2014", "skip target `{0}` is a negated variable"),

  // Sequences and negation
  StartsWithNegation: error("E2020", "a sequence cannot begin with a negated term"),
  NegatedQuantifier: error("E2021", "a negated term cannot have a quantifier"),
  NegatedModifier: error("E2022", "a negated term cannot be `{0}`"),
  NegatedGroup: error("E2023", "a group cannot be negated"),
  NegationAfterAbsent: error("E2024", "a negated term cannot follow a term that can be absent"),
  NegationEndsGroup: error("E2025", "a negated term cannot end a group"),
  TrailingNegationNeedsWindow: error("E2026", "`not followed by` as the last term needs a window"),
  NegationEndsAlternative: error("E2027", "a negated term cannot end an alternative"),
  NegatedAlternation: error("E2028", "{0} cannot be negated"),

  // Quantifiers and modifiers
  // E2030 is unused: quantifier bounds are checked by the parser (E1210–E1213).
  DuplicateModifier: error("E2031", "`{0}` is given twice"),
  ModifierNeedsLoop: error("E2032", "`{0}` needs a loop"),
  UntilNeedsUnboundedLoop: error("E2033", "`until` needs an unbounded loop"),
  ConsecutiveWithCombinations: error("E2034", "`consecutive` and `combinations` cannot be combined"),
  GreedyWithCombinations: error("E2035", "`greedy` and `combinations` cannot be combined"),
  GreedyOnGroup: error("E2036", "`greedy` is not allowed on a group"),
  OptionalAlreadyAbsent: error("E2037", "`optional` on a term that can already be absent"),
  AbsentAfterGreedy: error("E2038", "a term that can be absent cannot directly follow a greedy term"),

  // Windows
  WithinOnLoop: error("E2040", "a term-level `within` is not allowed on a loop"),
  WithinOnAbsent: error("E2041", "a term-level `within` is not allowed on a term that can be absent"),
  WithinOnFirst: error("E2042", "a term-level `within` is not allowed on the first term"),
  WithinOnNegatedNotLast: error(
    "E2043",
    "a term-level `within` on a negated term is allowed only on the last term",
  ),
  WithinLargerThanPattern: error(
    "E2044",
    "term-level window `{0}` is larger than the pattern's window `{1}`",
  ),
  OnTimeoutWithoutWindow: error("E2045", "`on timeout` in a pattern without any window"),

  // Limits
  PatternTooLarge: error(
    "E2050",
    "{0} makes pattern `{1}` too large: about {2} NFA states and edges, more than the limit of {3}",
  ),

  PermuteTooFew: error("E2051", "`permute` needs at least 2 elements, not {0}"),
  PermuteTooMany: error("E2052", "`permute` of {0} elements would be {1} alternatives: at most 5 elements"),

  // Expressions
  UnknownFunction: error("E2060", "unknown function `{0}`"),
  WrongArity: error("E2061", "`{0}` takes {1}, not {2}"),
  AggregateArgument: error("E2062", "`{0}` takes a variable or a path from one"),
  EventArgument: error("E2063", "`{0}` takes a variable or `prev`"),
  EventInEmit: error("E2064", "`event` is not available in `emit`"),
  RegexNotLiteral: error("E2065", "the regex of `matches` must be a string literal"),
  InvalidRegex: error("E2066", "invalid regex: {0}"),
  DuplicateEmitField: error("E2067", "duplicate emit field `{0}`"),

  // Schemas and static types
  UnknownField: error("E2070", "event `{1}` has no field `{0}`"),
  IncompatibleTypes: error("E2071", "cannot compare {0} with {1}"),
  ArithmeticOnNonNumber: error("E2072", "`{0}` needs numbers, not a {1}"),
  KeyFieldMissing: error("E2073", "key field `{0}` is not a field of event `{1}`"),

  // Warnings
  UnknownTypeNear: warning("W2001", "event type `{0}` has no declaration"),
  OnlyWindowOnLastTerm: warning("W2002", "the only window of pattern `{0}` is on its last term"),
  NeverTrueOnFirstEvent: warning(
    "W2003",
    "`{0}` is null on the first event of `{1}`: the condition is never true there",
  ),
  LoopOverAbsentGroup: warning(
    "W2004",
    "this loop repeats a group that can take no event: each event is matched in many ways, and matches multiply with every repetition",
  ),
  UnboundedState: warning("W2005", "{0} with no window: partial matches per key can grow without end"),
  Growth: warning("W2006", "up to ~{0} partial matches per key for n events {1}: ~{2} at n = {3}"),
  NeverTrue: warning("W2007", "`{0}` is never true: {1}"),
  UnusedVariable: warning("W2008", "variable `{0}` is never used"),
  UnusedIgnore: warning("W2009", "`{0}` is ignored here but no such warning is reported {1}"),
  IgnoreError: warning("W2010", "`{0}` is an error: errors cannot be silenced"),
  IgnoreWithoutCode: warning("W2011", "`{0}` names no warning code"),
  NeverBound: warning("W2012", "`{0}` is never bound when `{1}` is tested: it is in another alternative"),
} as const;

/** Every hint text. */
export const Hints = {
  DidYouMean: "did you mean `{0}`?",
  NestedField: "to read a nested field of the current event, write {0}",
  VariablesAre: "variables of this pattern: {0}",
  FieldsAre: "`{0}` declares: {1}",
  BareVariable:
    "a bare name is a field of the current event; for the variable `{0}`, write `{0}.field`, `count({0})`…",
  FirstDeclaredIn: "`{0}` is first declared in {1}",
  DeclaredAbove: "`{0}` is already declared above",
  FirstDefinedIn: "pattern names are unique across all files; `{0}` is first defined in {1}",
  DefinedAbove: "`{0}` is already defined above",
  NameTheSecond: "both terms bind `{0}`: name the second one, e.g. `{1}: {0}`",
  BoundOnce: "each variable is bound once per pattern",
  NegatedNeverTakes: "a negated term never takes an event",
  SkipTarget: "the target must be a variable that takes events",
  NegatedPlain: "a negated term may only have a `where`",
  NegatedGroup: "negate a single term",
  CanBeAbsent: "`{0}` can be absent",
  ItemCanBeAbsent: "{0} can be absent",
  NegationEndsGroup: "move the negation out of the group, or add a term after it",
  NegationEndsAlternative:
    "an alternative ends where the alternation's next operator applies: move the negation after the `)`, or add a term after it",
  PermuteTooFew: "`permute` orders two or more elements; a single term needs no `permute`",
  PermuteTooMany:
    "every order is compiled: split the elements into smaller `permute`s, or write the orders that can happen as an alternation `( … | … )`",
  AddWindow: "add `within <duration>` before `match`, or after the negated term",
  AddLoop: "`{0}` applies to repetitions: add a quantifier such as `+`, `{2,}` or `{1,3}`",
  UnboundedLoop: "use `+`, `*` or `{n,}`",
  PickOne: "remove one of them",
  GreedyOnGroup: "put `greedy` on a looping term inside the group",
  AlreadyAbsent: "`{0}` already allows zero repetitions",
  IsGreedy: "`{0}` is greedy; make this term required or drop `greedy`",
  PatternWindow: "to bound the whole match, write `within` before `match`",
  FirstTermWindow:
    "the first term has no previous event; to bound the whole match, write `within` before `match`",
  NegatedWindow: "a negated term in the middle ends when the next term is taken",
  OnTimeoutWindow: "partial matches without a window never time out; add `within <duration>` before `match`",
  LoopOverAbsentGroup:
    "make one element of the group required (`+` instead of `*`, drop `?`), or drop the group's own quantifier",
  OnlyWindowOnLastTerm:
    "partial matches waiting for the earlier terms never expire; to bound the whole match, write `within` before `match`",
  PatternTooLarge:
    "every repetition is compiled: lower the bounds, or use a loop (`+`, `{n,}`) instead of a large `{n,m}`; nested quantifiers multiply",
  PrevOnFirstTerm:
    "nothing is taken before it; start the pattern with `base: {1} next {0}: …` or guard it with `prev is null or …`",
  OwnVariableFirst:
    "a variable means the events already taken, and `{0}` has none on its first event; guard it with `count({0}) == 0 or …`",
  LaterVariable: "a variable means the events already taken, and `{0}` comes after `{1}`: it has none there",
  Functions: "functions: {0}",
  AggregateExample: "e.g. `{0}(v)` or `{0}(v.price)` for a variable `v`",
  EventExample: "e.g. `{0}(v)` or `{0}(prev)` for a variable `v`",
  EventInEmit: "there is no current event in `emit`: use a variable, `last(v)` or `prev`",
  RegexLiteral: 'write the regex in place: `matches(s, "^a.*z$")`',
  RegexSyntax: "the regex is RE2 syntax: no backreferences or lookaround",
  UnknownType: "a type without declaration is dynamic: any field may be read",
  KeyField: "events of type `{0}` have no key and never reach this pattern",
  UnboundedState:
    "each branch it keeps lives until the end of input: add `within <duration>` before `match`{0}; if the stream bounds it, silence with `// cep-ignore W2005 <reason>` on the line above",
  TermWindowAfterAny: " (or a term-level `within` on the term after `followed by any`)",
  Growth:
    "{0}; a smaller window or `followed by`/`consecutive` instead of keeping every branch bounds it; to accept it, `// cep-ignore W2006 <reason>` on the line above",
  NullComparison: "to test for null, write `{0} is null` or `{0} is not null`",
  NeverTrueTypes: "fix the types, or silence with `// cep-ignore W2007 <reason>` on the line above",
  UnusedNamed:
    "use it in a `where` or the `emit`, or drop the name (write `{1}` alone: its events stay in the record's `events`); or silence with `// cep-ignore W2008`",
  UnusedNeeded:
    "use it in a `where` or the `emit`; every term has a variable and {0}, so to keep it unread silence with `// cep-ignore W2008`",
  UnusedIgnore: "remove it, or the code from `{0}`",
  IgnoreError: "fix the error; only warnings (`W` codes) can be ignored",
  IgnoreWithoutCode: "write the codes to silence after it: `// {0} W2005, W2006 <reason>`",
  NeverBound:
    "a match takes one of the {1} alternatives, so `{0}` has no events here and reads as null; combine the alternatives in `emit` with `coalesce(…)`, or test it after the alternation",
} as const;

/** Why a comparison is never true (W2007). */
export const NeverTrueWhy = {
  Null: "`{0}` with `null` is null whatever the other side",
  BooleanOrder: "`{0}` compares two numbers or two strings, never booleans",
  InNotList: "`in` needs a list on its right, and this is never one",
} as const;

/** Fill `{0}`, `{1}`… placeholders. */
export function fill(text: string, args: readonly (string | number)[]): string {
  return text.replace(/\{(\d)\}/g, (whole, i: string) => {
    const arg = args[Number(i)];
    return arg === undefined ? whole : String(arg);
  });
}

/** Build one diagnostic from a catalogue entry. */
export function semantic(
  def: MessageDef,
  file: string,
  span: Span,
  args: readonly (string | number)[] = [],
  hint?: string,
): Diagnostic {
  const d: Diagnostic = { code: def.code, severity: def.severity, message: fill(def.text, args), file, span };
  return hint === undefined ? d : { ...d, hint };
}
