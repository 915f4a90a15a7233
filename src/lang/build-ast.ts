/**
 * CST → AST: turns one parsed block (`event …` or `pattern …`) into the frozen nodes
 * of `ast.ts`, every node with a `kind` and a `span`.
 *
 * The builder also checks what the grammar cannot: duration totals (whole ms, ≥ 1,
 * ≤ 2^53−1, valid ISO-8601), quantifier bounds (`{0}`, `{0,0}`, `{5,2}`, > 10000,
 * non-integers), number literals that overflow, and `event` field types. These are
 * reported with `E12xx` codes; `parse` leaves a block with such an error out of the
 * tree, like a block with a syntax error, so later stages never see an impossible value.
 *
 * A parenthesised expression has no node of its own: the inner node's span is widened
 * to cover the parentheses, so `(a + b) * c` underlines correctly.
 */
import type { CstElement, CstNode, IToken } from "chevrotain";
import type {
  Alternation,
  BinaryOp,
  Contiguity,
  Duration,
  EmitClause,
  EmitField,
  EventDecl,
  Expr,
  FieldDecl,
  FieldType,
  Group,
  Ident,
  KeyPath,
  LiteralExpr,
  Modifier,
  ModifierName,
  OnTimeoutClause,
  PatternDecl,
  Permute,
  PermuteOp,
  Quantifier,
  Sequence,
  SequenceElement,
  SequenceItem,
  SkipClause,
  Span,
  Term,
} from "./ast.js";
import type { Diagnostic } from "./diagnostics.js";
import { Messages, type MessageTemplate, message, quote, suggest } from "./messages.js";
import * as T from "./tokens.js";

const FIELD_TYPES: readonly FieldType[] = ["string", "number", "boolean", "time", "any"];
const MAX_REPETITIONS = 10_000;

/** The result of building one block. */
export interface BuiltBlock {
  readonly node: EventDecl | PatternDecl;
  /** Value errors found while building (E12xx); the block is unusable when there are any. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Builds the AST of one `block` CST node. The node is deeply frozen. */
export function buildBlock(cst: CstNode, source: string, file: string): BuiltBlock {
  const b = new Builder(source, file);
  const inner = child(cst, "eventDecl") ?? child(cst, "patternDecl");
  if (!inner) throw new Error("block without a declaration");
  const node = inner.name === "eventDecl" ? b.eventDecl(inner) : b.patternDecl(inner);
  return { node: deepFreeze(node), diagnostics: b.diagnostics };
}

/** Freezes an object graph in place and returns it (with a work list: trees may be deep). */
export function deepFreeze<N>(value: N): N {
  const todo: unknown[] = [value];
  while (todo.length > 0) {
    const v = todo.pop();
    if (v !== null && typeof v === "object" && !Object.isFrozen(v)) {
      Object.freeze(v);
      for (const child of Object.values(v)) todo.push(child);
    }
  }
  return value;
}

// -- CST access ----------------------------------------------------------------

function children(n: CstNode, key: string): CstElement[] {
  return n.children[key] ?? [];
}
function child(n: CstNode, key: string): CstNode | undefined {
  return children(n, key)[0] as CstNode | undefined;
}
function need(n: CstNode, key: string): CstNode {
  const c = child(n, key);
  if (!c) throw new Error(`CST node ${n.name} has no ${key}`);
  return c;
}
function nodes(n: CstNode, key: string): CstNode[] {
  return children(n, key) as CstNode[];
}
function tok(n: CstNode, key: string): IToken | undefined {
  return children(n, key)[0] as IToken | undefined;
}
function needTok(n: CstNode, key: string): IToken {
  const t = tok(n, key);
  if (!t) throw new Error(`CST node ${n.name} has no token ${key}`);
  return t;
}
function toks(n: CstNode, key: string): IToken[] {
  return children(n, key) as IToken[];
}

function tokSpan(t: IToken): Span {
  return { start: t.startOffset, end: t.startOffset + t.image.length };
}
function spanOf(n: CstNode): Span {
  const loc = n.location;
  if (!loc || Number.isNaN(loc.startOffset)) throw new Error(`CST node ${n.name} has no location`);
  return { start: loc.startOffset, end: (loc.endOffset ?? loc.startOffset) + 1 };
}
function join(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** An identifier token as a name: backticks removed and doubled backticks undone. */
export function identOf(t: IToken): Ident {
  const quoted = t.tokenType === T.QuotedIdentifier;
  const name = quoted ? t.image.slice(1, -1).replaceAll("``", "`") : t.image;
  return { kind: "Ident", name, quoted, span: tokSpan(t) };
}

const BINARY_OPS: Readonly<Record<string, BinaryOp>> = {
  or: "or",
  and: "and",
  "==": "==",
  "!=": "!=",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
  in: "in",
  "+": "+",
  "-": "-",
  "*": "*",
  "/": "/",
  "%": "%",
};

class Builder {
  readonly diagnostics: Diagnostic[] = [];
  constructor(
    private readonly source: string,
    private readonly file: string,
  ) {}

  private error(template: MessageTemplate, span: Span, args: string[], hint?: string): void {
    this.diagnostics.push({
      code: template.code,
      severity: "error",
      message: message(template, ...args),
      file: this.file,
      span,
      ...(hint ? { hint } : {}),
    });
  }

  private text(span: Span): string {
    return this.source.slice(span.start, span.end);
  }

  // -- declarations -------------------------------------------------------------

  eventDecl(n: CstNode): EventDecl {
    return {
      kind: "EventDecl",
      name: identOf(needTok(n, "name")),
      fields: nodes(n, "fieldDecl").map((f) => this.fieldDecl(f)),
      span: spanOf(n),
    };
  }

  fieldDecl(n: CstNode): FieldDecl {
    const typeTok = needTok(n, "type");
    const typeName = identOf(typeTok).name;
    let type = FIELD_TYPES.find((t) => t === typeName);
    if (!type) {
      const s = suggest(typeName, FIELD_TYPES);
      this.error(
        Messages.unknownFieldType,
        tokSpan(typeTok),
        [quote(typeTok.image)],
        s ? `did you mean \`${s}\`?` : "field types are `string`, `number`, `boolean`, `time` and `any`",
      );
      type = "any";
    }
    return {
      kind: "FieldDecl",
      name: identOf(needTok(n, "name")),
      type,
      optional: tok(n, "Question") !== undefined,
      span: spanOf(n),
    };
  }

  patternDecl(n: CstNode): PatternDecl {
    const keyBy = child(n, "keyByClause");
    const within = child(n, "withinClause");
    const skip = child(n, "skipClause");
    const emit = child(n, "emitClause");
    const onTimeout = child(n, "onTimeoutClause");
    return {
      kind: "Pattern",
      name: identOf(needTok(n, "name")),
      keyBy: keyBy ? nodes(keyBy, "keyPath").map((p) => this.keyPath(p)) : [],
      within: within ? this.duration(need(within, "duration")) : null,
      skip: skip ? this.skip(skip) : null,
      match: this.sequence(need(need(n, "matchClause"), "sequence")),
      emit: emit ? this.emit(emit) : null,
      onTimeout: onTimeout ? this.onTimeout(onTimeout) : null,
      span: spanOf(n),
    };
  }

  keyPath(n: CstNode): KeyPath {
    return { kind: "KeyPath", segments: toks(n, "segment").map(identOf), span: spanOf(n) };
  }

  skip(n: CstNode): SkipClause {
    const span = spanOf(n);
    const target = tok(n, "target");
    if (tok(n, "No")) return { kind: "Skip", strategy: "noSkip", target: null, span };
    if (tok(n, "Past")) return { kind: "Skip", strategy: "skipPastLastEvent", target: null, span };
    if (tok(n, "Next")) return { kind: "Skip", strategy: "skipToNext", target: null, span };
    const strategy = tok(n, "First") ? "skipToFirst" : "skipToLast";
    return { kind: "Skip", strategy, target: target ? identOf(target) : null, span };
  }

  emit(n: CstNode): EmitClause {
    return { kind: "Emit", fields: nodes(n, "emitField").map((f) => this.emitField(f)), span: spanOf(n) };
  }

  emitField(n: CstNode): EmitField {
    return {
      kind: "EmitField",
      name: identOf(needTok(n, "name")),
      value: this.expression(need(n, "expression")),
      span: spanOf(n),
    };
  }

  onTimeout(n: CstNode): OnTimeoutClause {
    const emit = child(n, "emitClause");
    return { kind: "OnTimeout", emit: emit ? this.emit(emit) : null, span: spanOf(n) };
  }

  // -- durations ----------------------------------------------------------------

  /** A `duration` CST node (after `within`). */
  duration(n: CstNode): Duration {
    const span = spanOf(n);
    const raw = this.text(span);
    const iso = tok(n, "IsoDuration");
    const result = iso ? T.isoDurationMs(iso.image) : this.sumParts(nodes(n, "durationPart"), [], raw);
    return { kind: "Duration", ms: this.durationMs(result, span), raw, span };
  }

  private durationMs(result: T.DurationResult | undefined, span: Span): number {
    if (result === undefined) return 0;
    if (result.ok) return result.ms;
    this.error(result.template, span, result.args, result.hint);
    return 0;
  }

  /**
   * Sums `first` (parts already read) and the `durationPart` nodes; undefined after
   * reporting a number that is not `\d+(\.\d+)?` (`1e3 ms`).
   */
  private sumParts(parts: CstNode[], first: T.DurationPart[], raw: string): T.DurationResult | undefined {
    const all = [...first];
    for (const p of parts) {
      const lit = tok(p, "DurationLiteral");
      if (lit) all.push(...T.splitDurationToken(lit.image));
      else all.push(this.spokenPart(needTok(p, "NumberLiteral"), needTok(p, "UnitWord")));
    }
    if (all.some((p) => p.num === "")) return undefined;
    return T.durationFromParts(all, raw);
  }

  /** `5 minutes`: the number must be plain decimal; on error the part's `num` is empty. */
  private spokenPart(num: IToken, unit: IToken): T.DurationPart {
    if (/^\d+(?:\.\d+)?$/.test(num.image)) return { num: num.image, unit: unit.image };
    this.error(
      Messages.invalidNumber,
      tokSpan(num),
      [quote(num.image)],
      "the number of a duration is written with digits and an optional decimal part, e.g. `1.5 s`",
    );
    return { num: "", unit: unit.image };
  }

  // -- sequences ----------------------------------------------------------------

  sequence(n: CstNode): Sequence {
    const ops = nodes(n, "contiguity");
    const elements = nodes(n, "element").map((e, i): SequenceElement => {
      const item = this.elementItem(e);
      const op = i === 0 ? null : ops[i - 1];
      const opSpan = op ? spanOf(op) : null;
      return {
        kind: "Element",
        op: op ? this.contiguity(op) : null,
        opSpan,
        item,
        span: opSpan ? join(opSpan, item.span) : item.span,
      };
    });
    return { kind: "Sequence", elements, span: spanOf(n) };
  }

  contiguity(n: CstNode): Contiguity {
    const negated = tok(n, "Not") !== undefined;
    if (tok(n, "Next")) return negated ? "notNext" : "next";
    if (negated) return "notFollowedBy";
    return tok(n, "Any") ? "followedByAny" : "followedBy";
  }

  elementItem(n: CstNode): SequenceItem {
    const permute = child(n, "permute");
    return permute ? this.permute(permute) : this.permuteElement(n);
  }

  /** A term or a parenthesised body (a group or an alternation): a permute's element. */
  permuteElement(n: CstNode): Term | Group | Alternation {
    const term = child(n, "term");
    return term ? this.term(term) : this.group(need(n, "group"));
  }

  permute(n: CstNode): Permute {
    const opToks = [tok(n, "Next"), tok(n, "Followed"), tok(n, "By"), tok(n, "Any")].filter(
      (t): t is IToken => t !== undefined,
    );
    const op: PermuteOp = tok(n, "Next") ? "next" : tok(n, "Any") ? "followedByAny" : "followedBy";
    return {
      kind: "Permute",
      op,
      opSpan: opToks.length > 0 ? opToks.map(tokSpan).reduce(join) : null,
      elements: nodes(n, "permuteElement").map((e) => this.permuteElement(e)),
      span: spanOf(n),
    };
  }

  term(n: CstNode): Term {
    const first = identOf(needTok(n, "first"));
    const explicit = tok(n, "Colon") !== undefined;
    const typeTok = tok(n, "type");
    const quantifier = child(n, "quantifier");
    const within = child(n, "duration");
    const where = child(n, "expression");
    return {
      kind: "Term",
      variable: first,
      explicitVariable: explicit,
      type: explicit ? (typeTok ? identOf(typeTok) : null) : first,
      quantifier: quantifier ? this.quantifier(quantifier) : null,
      modifiers: nodes(n, "modifier").map((m) => this.modifier(m)),
      within: within ? this.duration(within) : null,
      where: where ? this.expression(where) : null,
      span: spanOf(n),
    };
  }

  /** `( … )`: a group, or an alternation when the body has `|`. */
  group(n: CstNode): Group | Alternation {
    const quantifier = child(n, "quantifier");
    const bodies = nodes(n, "sequence").map((b) => this.sequence(b));
    const rest = {
      quantifier: quantifier ? this.quantifier(quantifier) : null,
      modifiers: nodes(n, "modifier").map((m) => this.modifier(m)),
      span: spanOf(n),
    };
    return bodies.length === 1
      ? { kind: "Group", body: bodies[0], ...rest }
      : { kind: "Alternation", alternatives: bodies, ...rest };
  }

  quantifier(n: CstNode): Quantifier {
    const span = spanOf(n);
    const q = (min: number, max: number | null, raw: string): Quantifier => ({
      kind: "Quantifier",
      min,
      max,
      raw,
      span,
    });
    if (tok(n, "Question")) return q(0, 1, "?");
    if (tok(n, "Plus")) return q(1, null, "+");
    if (tok(n, "Star")) return q(0, null, "*");
    const minTok = needTok(n, "min");
    const maxTok = tok(n, "max");
    const comma = tok(n, "Comma") !== undefined;
    const raw = `{${minTok.image}${comma ? `,${maxTok?.image ?? ""}` : ""}}`;
    const min = this.bound(minTok);
    const max = comma ? (maxTok ? this.bound(maxTok) : null) : min;
    if (min === undefined || max === undefined) return q(0, null, raw);
    if (max === 0) {
      this.error(
        Messages.quantifierZero,
        span,
        [quote(raw)],
        "a term that may be absent is written `?` or `{0,m}`",
      );
    } else if (max !== null && max < min) {
      this.error(Messages.quantifierMaxBelowMin, span, [quote(raw)], `write \`{${max},${min}}\``);
    }
    return q(min, max, raw);
  }

  /** A quantifier bound: digits only, at most 10000; undefined after reporting. */
  private bound(t: IToken): number | undefined {
    if (!/^\d+$/.test(t.image)) {
      this.error(Messages.quantifierNotInteger, tokSpan(t), [quote(t.image)]);
      return undefined;
    }
    const v = Number(t.image);
    if (v > MAX_REPETITIONS) {
      this.error(Messages.quantifierTooLarge, tokSpan(t), [quote(t.image)]);
      return undefined;
    }
    return v;
  }

  modifier(n: CstNode): Modifier {
    const cond = child(n, "expression");
    const names: readonly ModifierName[] = ["optional", "greedy", "consecutive", "combinations", "until"];
    const name = names.find((m) => tok(n, m[0].toUpperCase() + m.slice(1)) !== undefined) ?? "optional";
    return { kind: "Modifier", name, condition: cond ? this.expression(cond) : null, span: spanOf(n) };
  }

  // -- expressions --------------------------------------------------------------

  expression(n: CstNode): Expr {
    return this.fold(
      nodes(n, "andExpression").map((c) => this.andExpression(c)),
      toks(n, "op"),
    );
  }

  andExpression(n: CstNode): Expr {
    return this.fold(
      nodes(n, "notExpression").map((c) => this.notExpression(c)),
      toks(n, "op"),
    );
  }

  /** Left-associative chain `a op b op c`. */
  private fold(operands: Expr[], ops: IToken[]): Expr {
    let acc = operands[0];
    ops.forEach((op, i) => {
      const right = operands[i + 1];
      acc = {
        kind: "Binary",
        op: BINARY_OPS[op.image],
        left: acc,
        right,
        opSpan: tokSpan(op),
        span: join(acc.span, right.span),
      };
    });
    return acc;
  }

  notExpression(n: CstNode): Expr {
    const inner = child(n, "notExpression");
    if (inner) return { kind: "Unary", op: "not", operand: this.notExpression(inner), span: spanOf(n) };
    return this.comparison(need(n, "comparison"));
  }

  comparison(n: CstNode): Expr {
    const left = this.additive(need(n, "left"));
    const op = tok(n, "op");
    if (op) {
      const right = this.additive(need(n, "right"));
      return {
        kind: "Binary",
        op: BINARY_OPS[op.image],
        left,
        right,
        opSpan: tokSpan(op),
        span: join(left.span, right.span),
      };
    }
    const low = child(n, "low");
    if (low) {
      const high = this.additive(need(n, "high"));
      return {
        kind: "Between",
        value: left,
        low: this.additive(low),
        high,
        span: join(left.span, high.span),
      };
    }
    const nul = tok(n, "Null");
    if (nul) {
      return {
        kind: "IsNull",
        operand: left,
        negated: tok(n, "Not") !== undefined,
        span: join(left.span, tokSpan(nul)),
      };
    }
    return left;
  }

  additive(n: CstNode): Expr {
    return this.fold(
      nodes(n, "multiplicative").map((c) => this.multiplicative(c)),
      toks(n, "op"),
    );
  }

  multiplicative(n: CstNode): Expr {
    return this.fold(
      nodes(n, "unary").map((c) => this.unary(c)),
      toks(n, "op"),
    );
  }

  unary(n: CstNode): Expr {
    const inner = child(n, "unary");
    if (inner) return { kind: "Unary", op: "-", operand: this.unary(inner), span: spanOf(n) };
    return this.postfix(need(n, "postfix"));
  }

  postfix(n: CstNode): Expr {
    let acc = this.primary(need(n, "primary"));
    // The CST keeps members and indexes in separate lists: restore source order.
    const suffixes = [...nodes(n, "member"), ...nodes(n, "index")].sort(
      (a, b) => spanOf(a).start - spanOf(b).start,
    );
    for (const s of suffixes) {
      const span = join(acc.span, spanOf(s));
      acc =
        s.name === "member"
          ? { kind: "Member", object: acc, property: identOf(needTok(s, "name")), span }
          : { kind: "Index", object: acc, index: this.expression(need(s, "expression")), span };
    }
    return acc;
  }

  primary(n: CstNode): Expr {
    const span = spanOf(n);
    const num = child(n, "numberOrDuration");
    if (num) return this.numberOrDuration(num);
    const lit = tok(n, "literal");
    if (lit) {
      let value: string | boolean | null;
      if (lit.tokenType === T.StringLiteral) value = JSON.parse(lit.image) as string;
      else value = lit.tokenType === T.True ? true : lit.tokenType === T.False ? false : null;
      return { kind: "Literal", value, raw: lit.image, duration: false, span };
    }
    if (tok(n, "event")) return { kind: "Event", span };
    if (tok(n, "prev")) return { kind: "Prev", span };
    const call = child(n, "call");
    if (call) {
      const callee = identOf(needTok(call, "callee"));
      const args = child(call, "argumentList");
      if (!args) return { kind: "Name", name: callee, span };
      return { kind: "Call", callee, args: nodes(args, "expression").map((a) => this.expression(a)), span };
    }
    const list = child(n, "list");
    if (list) return { kind: "List", items: nodes(list, "expression").map((e) => this.expression(e)), span };
    const inner = this.expression(need(need(n, "parenthesized"), "expression"));
    return { ...inner, span };
  }

  numberOrDuration(n: CstNode): LiteralExpr {
    const span = spanOf(n);
    const raw = this.text(span);
    const numTok = tok(n, "NumberLiteral");
    const unit = tok(n, "UnitWord");
    if (numTok && !unit) {
      const value = Number(numTok.image);
      if (!Number.isFinite(value)) this.error(Messages.numberOutOfRange, span, [quote(raw)]);
      return { kind: "Literal", value: Number.isFinite(value) ? value : 0, raw, duration: false, span };
    }
    const first: T.DurationPart[] =
      numTok && unit
        ? [this.spokenPart(numTok, unit)]
        : T.splitDurationToken(needTok(n, "DurationLiteral").image);
    const ms = this.durationMs(this.sumParts(nodes(n, "durationPart"), first, raw), span);
    return { kind: "Literal", value: ms, raw, duration: true, span };
  }
}
