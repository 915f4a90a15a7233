/**
 * The abstract syntax tree of a `.pattern` file.
 *
 * Every node has a `kind` (a string tag: dispatch with a `switch` or a
 * `Record<Kind, handler>`) and a `span` (UTF-16 offsets into the source; line and
 * column are computed only when a diagnostic is printed). Trees returned by the
 * parser are deeply frozen.
 */

/** Half-open range `[start, end)` of UTF-16 offsets into the source text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A name: plain (`user`) or backticked (`` `user-id` ``, `name` holds the unquoted text). */
export interface Ident {
  readonly kind: "Ident";
  readonly name: string;
  readonly quoted: boolean;
  readonly span: Span;
}

/** A duration written in the language's syntax (§3.5), already summed to milliseconds. */
export interface Duration {
  readonly kind: "Duration";
  readonly ms: number;
  /** The source text, for messages and dumps (`5 minutes`, `PT1M`). */
  readonly raw: string;
  readonly span: Span;
}

/** A whole source file. */
export interface FileNode {
  readonly kind: "File";
  /** The file name as given by the caller (used in diagnostics). */
  readonly file: string;
  readonly events: readonly EventDecl[];
  readonly patterns: readonly PatternDecl[];
  readonly span: Span;
  /** The file's `// cep-ignore` directives (`suppress.ts`), applied by `check`. */
  readonly ignores?: readonly IgnoreDirective[];
}

/** One code named by a directive. */
export interface IgnoredCode {
  readonly code: string;
  readonly span: Span;
}

/** One `// cep-ignore …` or `// cep-ignore-file …` comment. */
export interface IgnoreDirective {
  readonly kind: "Ignore";
  /** `line`: the line it stands for; `file`: the whole file. */
  readonly scope: "line" | "file";
  readonly codes: readonly IgnoredCode[];
  /**
   * The line silenced (offsets of its first character and of its end), for `line`: the
   * comment's own line when code precedes it there, else the next line that has code;
   * null when no code follows, or for `file`.
   */
  readonly target: Span | null;
  /** The comment. */
  readonly span: Span;
}

/** Schema field types of `event` declarations. */
export type FieldType = "string" | "number" | "boolean" | "time" | "any";

/** `event Name { field: type, … }`. */
export interface EventDecl {
  readonly kind: "EventDecl";
  readonly name: Ident;
  readonly fields: readonly FieldDecl[];
  readonly span: Span;
}

/** One `field: type[?]` of an event declaration. */
export interface FieldDecl {
  readonly kind: "FieldDecl";
  readonly name: Ident;
  readonly type: FieldType;
  readonly optional: boolean;
  readonly span: Span;
}

/** `pattern Name { … }`. */
export interface PatternDecl {
  readonly kind: "Pattern";
  readonly name: Ident;
  /** `key by a, b.c` — one path per key; empty when the pattern has no `key by`. */
  readonly keyBy: readonly KeyPath[];
  /** Pattern-level window (`within` before `match`). */
  readonly within: Duration | null;
  /** `after match …`; null when absent (= no skip). */
  readonly skip: SkipClause | null;
  readonly match: Sequence;
  readonly emit: EmitClause | null;
  readonly onTimeout: OnTimeoutClause | null;
  readonly span: Span;
}

/** A field path of the event: `order.customer.id`. */
export interface KeyPath {
  readonly kind: "KeyPath";
  readonly segments: readonly Ident[];
  readonly span: Span;
}

/** After-match skip strategies (Flink names in comments). */
export type SkipStrategyName =
  | "noSkip" // NO_SKIP
  | "skipToNext" // SKIP_TO_NEXT
  | "skipPastLastEvent" // SKIP_PAST_LAST_EVENT
  | "skipToFirst" // SKIP_TO_FIRST(var)
  | "skipToLast"; // SKIP_TO_LAST(var)

/** `after match <strategy> [var]`. */
export interface SkipClause {
  readonly kind: "Skip";
  readonly strategy: SkipStrategyName;
  /** The variable for `skip to first/last <var>`, else null. */
  readonly target: Ident | null;
  readonly span: Span;
}

/** Contiguity operators between terms. */
export type Contiguity =
  | "next" // strict
  | "followedBy" // relaxed (skip till next)
  | "followedByAny" // non-deterministic relaxed (skip till any)
  | "notNext"
  | "notFollowedBy";

/** One element of a sequence: the operator that joins it to the previous one (null for the first). */
export interface SequenceElement {
  readonly kind: "Element";
  readonly op: Contiguity | null;
  /** Span of the operator words (`followed by any`); null for the first element. */
  readonly opSpan: Span | null;
  readonly item: SequenceItem;
  readonly span: Span;
}

/** What a sequence element holds: a term, a group, an alternation or a `permute`. */
export type SequenceItem = Term | Group | Alternation | Permute;

/** Terms joined by contiguity operators. */
export interface Sequence {
  readonly kind: "Sequence";
  readonly elements: readonly SequenceElement[];
  readonly span: Span;
}

/**
 * A quantifier. `?` is {0,1}; `*` is {0,∞}; `+` is {1,∞}; `{n}` is {n,n};
 * `{n,}` is {n,∞}; `{n,m}`. `max` is null for unbounded.
 */
export interface Quantifier {
  readonly kind: "Quantifier";
  readonly min: number;
  readonly max: number | null;
  /** As written: `?`, `+`, `*`, `{3}`, `{3,}`, `{2,5}`. */
  readonly raw: string;
  readonly span: Span;
}

/** Modifier names. */
export type ModifierName = "optional" | "greedy" | "consecutive" | "combinations" | "until";

/** One modifier after a quantifier; `until` carries its condition. */
export interface Modifier {
  readonly kind: "Modifier";
  readonly name: ModifierName;
  /** Only for `until (expr)`. */
  readonly condition: Expr | null;
  readonly span: Span;
}

/** `[var:] Type | var: *` with quantifier, modifiers, term-level `within` and `where`. */
export interface Term {
  readonly kind: "Term";
  /** The variable; for a bare `Type` it is the type name (with `explicitVariable` false). */
  readonly variable: Ident;
  readonly explicitVariable: boolean;
  /** The event type; null for `*` (any event). */
  readonly type: Ident | null;
  readonly quantifier: Quantifier | null;
  readonly modifiers: readonly Modifier[];
  /** Term-level window (Flink PREVIOUS_AND_CURRENT). */
  readonly within: Duration | null;
  readonly where: Expr | null;
  readonly span: Span;
}

/** `( sequence )` with an optional quantifier and modifiers. */
export interface Group {
  readonly kind: "Group";
  readonly body: Sequence;
  readonly quantifier: Quantifier | null;
  readonly modifiers: readonly Modifier[];
  readonly span: Span;
}

/**
 * `( alt | alt | … )` with an optional quantifier and modifiers (language §3.3a): a group
 * whose body chooses one of two or more sequences; each iteration of a looped
 * alternation chooses again. A parenthesised body without `|` is a {@link Group}.
 */
export interface Alternation {
  readonly kind: "Alternation";
  /** Two or more sequences, in source order. */
  readonly alternatives: readonly Sequence[];
  readonly quantifier: Quantifier | null;
  readonly modifiers: readonly Modifier[];
  readonly span: Span;
}

/** The operators `permute` may join its elements with. */
export type PermuteOp = "next" | "followedBy" | "followedByAny";

/**
 * `permute [next | followed by | followed by any] ( e1, …, en )` (language §3.3a): the
 * alternation of the n! orders of its elements joined by `op` (default `followedBy`),
 * ordered by element positions (e1 e2 e3, e1 e3 e2, …). The parser accepts any count;
 * `check` requires 2 ≤ n ≤ 5.
 */
export interface Permute {
  readonly kind: "Permute";
  readonly op: PermuteOp;
  /** Span of the operator words; null when the default was implied. */
  readonly opSpan: Span | null;
  /** The elements: terms, groups or alternations (a nested `permute` is written in a group). */
  readonly elements: readonly (Term | Group | Alternation)[];
  readonly span: Span;
}

/** `emit { name: expr, … }`. */
export interface EmitClause {
  readonly kind: "Emit";
  readonly fields: readonly EmitField[];
  readonly span: Span;
}

/** One `name: expr` of an emit clause (the name may be any word, reserved or not). */
export interface EmitField {
  readonly kind: "EmitField";
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

/** `on timeout [emit { … }]`. */
export interface OnTimeoutClause {
  readonly kind: "OnTimeout";
  readonly emit: EmitClause | null;
  readonly span: Span;
}

// ---------------------------------------------------------------------------
// Expressions

/** Any expression. */
export type Expr =
  | LiteralExpr
  | ListExpr
  | NameExpr
  | EventExpr
  | PrevExpr
  | MemberExpr
  | IndexExpr
  | CallExpr
  | UnaryExpr
  | BinaryExpr
  | BetweenExpr
  | IsNullExpr;

/** A number, string, boolean, null, or a duration (then `value` is its milliseconds and `duration` is true). */
export interface LiteralExpr {
  readonly kind: "Literal";
  readonly value: number | string | boolean | null;
  /** The source text (`"a\nb"`, `5 minutes`, `1e3`). */
  readonly raw: string;
  readonly duration: boolean;
  readonly span: Span;
}

/** `[a, b, …]`. */
export interface ListExpr {
  readonly kind: "List";
  readonly items: readonly Expr[];
  readonly span: Span;
}

/** A bare name: a field of the current event in `where`/`until`, a variable in paths and `emit`. */
export interface NameExpr {
  readonly kind: "Name";
  readonly name: Ident;
  readonly span: Span;
}

/** `event`: the current event. */
export interface EventExpr {
  readonly kind: "Event";
  readonly span: Span;
}

/** `prev`: the event taken last by this partial match. */
export interface PrevExpr {
  readonly kind: "Prev";
  readonly span: Span;
}

/** `object.property`. */
export interface MemberExpr {
  readonly kind: "Member";
  readonly object: Expr;
  readonly property: Ident;
  readonly span: Span;
}

/** `object[index]`. */
export interface IndexExpr {
  readonly kind: "Index";
  readonly object: Expr;
  readonly index: Expr;
  readonly span: Span;
}

/** `callee(args…)`; `first`, `last`, `key`, `time`, aggregates and functions. */
export interface CallExpr {
  readonly kind: "Call";
  readonly callee: Ident;
  readonly args: readonly Expr[];
  readonly span: Span;
}

/** Unary operators. */
export type UnaryOp = "-" | "not";

/** `-x`, `not x`. */
export interface UnaryExpr {
  readonly kind: "Unary";
  readonly op: UnaryOp;
  readonly operand: Expr;
  readonly span: Span;
}

/** Binary operators. */
export type BinaryOp =
  | "or"
  | "and"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "in"
  | "+"
  | "-"
  | "*"
  | "/"
  | "%";

/** `left op right`. */
export interface BinaryExpr {
  readonly kind: "Binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  /** Span of the operator token. */
  readonly opSpan: Span;
  readonly span: Span;
}

/** `value between low and high` (inclusive). */
export interface BetweenExpr {
  readonly kind: "Between";
  readonly value: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly span: Span;
}

/** `x is null` / `x is not null`. */
export interface IsNullExpr {
  readonly kind: "IsNull";
  readonly operand: Expr;
  readonly negated: boolean;
  readonly span: Span;
}

/** Every AST node. */
export type Node =
  | FileNode
  | EventDecl
  | FieldDecl
  | PatternDecl
  | KeyPath
  | SkipClause
  | Sequence
  | SequenceElement
  | Term
  | Group
  | Alternation
  | Permute
  | Quantifier
  | Modifier
  | EmitClause
  | EmitField
  | OnTimeoutClause
  | Ident
  | Duration
  | Expr;
