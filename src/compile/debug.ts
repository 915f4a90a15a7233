/**
 * What traces and `cep why` need to point into a pattern's source: per term its span,
 * type, contiguity and modifiers, and its `where` / `until` split into top-level
 * conjuncts, each compiled on its own with the field reads it makes (so an explanation
 * can say `amount > 100 is false, amount = 87`).
 *
 * Built once per pattern on first use ({@link CompiledPattern.debug}), never while
 * matching: a run without tracing compiles none of it.
 */
import type { Contiguity, Expr, Sequence, SequenceItem, Span, Term } from "../lang/ast.js";
import { leftSpine } from "../lang/chain.js";
import type { VariableInfo } from "../lang/check.js";
import type { LineCol } from "../lang/format.js";
import type { CompiledExpr } from "./eval-context.js";
import { compileCondition, compileExpr } from "./expr.js";
import { exprToSource } from "./expr-source.js";
import type { MatchContext } from "./nfa.js";

/** A place in a pattern file: offsets (UTF-16) and the 1-based line and column of its start. */
export interface SourceAt {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly col: number;
}

/** One value a conjunct reads (`amount`, `a.price`, `count(a)`), compiled on its own. */
export interface ReadDebug {
  readonly src: string;
  readonly read: CompiledExpr;
}

/** One top-level conjunct of a `where` or `until` (the whole condition when it has no `and`). */
export interface ConjunctDebug {
  readonly src: string;
  readonly at: SourceAt;
  /** True only when the conjunct is exactly `true` (language.md §3.4). */
  readonly test: (ctx: MatchContext) => boolean;
  /** Its value: `true`, `false` or null (a null operand, language.md §3.4). */
  readonly value: CompiledExpr;
  /** The values it reads, in source order, without repeats. */
  readonly reads: readonly ReadDebug[];
}

/** A term's `where` or `until`. */
export interface ConditionDebug {
  readonly src: string;
  readonly at: SourceAt;
  readonly conjuncts: readonly ConjunctDebug[];
}

/** One term (variable) of a pattern, for explanations. */
export interface TermDebug {
  readonly name: string;
  /** The event type; null for `*`. */
  readonly type: string | null;
  readonly negated: boolean;
  /** The operator joining it to the previous element (null: first of its sequence). */
  readonly op: Contiguity | null;
  /** The whole term in the source. */
  readonly at: SourceAt;
  readonly consecutive: boolean;
  readonly where: ConditionDebug | null;
  readonly until: ConditionDebug | null;
  /** The term-level window (`within` after the term), or null. */
  readonly window: { readonly ms: number; readonly raw: string; readonly at: SourceAt } | null;
}

/** Everything an explanation of one pattern points at. */
export interface PatternDebug {
  readonly file: string;
  /** The file's source text (for code frames). */
  readonly source: string;
  /** The pattern's name in the source. */
  readonly at: SourceAt;
  /** One per variable, in variable-table order. */
  readonly terms: readonly TermDebug[];
  /** The pattern-level `within`, or null. */
  readonly window: { readonly ms: number; readonly raw: string; readonly at: SourceAt } | null;
  /** The `skip …` clause, or null (`no skip`). */
  readonly skipAt: SourceAt | null;
  /** Every group's `until`, in source order (a group has no variable to hang it on). */
  readonly groupUntils: readonly ConditionDebug[];
}

/** What {@link buildDebug} reads from the checked pattern. */
export interface DebugInput {
  readonly file: string;
  readonly source: string;
  readonly nameSpan: Span;
  readonly variables: readonly VariableInfo[];
  readonly varIndex: ReadonlyMap<string, number>;
  readonly window: { readonly ms: number; readonly raw: string; readonly span: Span } | null;
  readonly skipSpan: Span | null;
  /** The `match` sequence (for groups' `until`). */
  readonly sequence?: Sequence;
  readonly lineCol: (offset: number) => LineCol;
}

/** Builds the debug model of one pattern (call once, lazily). */
export function buildDebug(input: DebugInput): PatternDebug {
  const at = (span: Span): SourceAt => {
    const { line, column } = input.lineCol(span.start);
    return { file: input.file, start: span.start, end: span.end, line, col: column };
  };
  const scope = { variables: input.varIndex, mode: "where" as const };
  const condition = (e: Expr | null): ConditionDebug | null => {
    if (e === null) return null;
    return {
      src: exprToSource(e),
      at: at(e.span),
      conjuncts: conjunctsOf(e).map((c) => ({
        src: exprToSource(c),
        at: at(c.span),
        test: compileCondition(c, scope),
        value: compileExpr(c, scope),
        reads: readsOf(c).map((r) => ({ src: exprToSource(r), read: compileExpr(r, scope) })),
      })),
    };
  };
  const terms = input.variables.map((v): TermDebug => {
    const t: Term = v.term;
    const until = t.modifiers.find((m) => m.name === "until")?.condition ?? null;
    return {
      name: v.name,
      type: v.type,
      negated: v.negated,
      op: v.op,
      at: at(t.span),
      consecutive: t.modifiers.some((m) => m.name === "consecutive"),
      where: condition(t.where),
      until: condition(until),
      window: t.within === null ? null : { ms: t.within.ms, raw: t.within.raw, at: at(t.within.span) },
    };
  });
  return {
    file: input.file,
    source: input.source,
    at: at(input.nameSpan),
    terms,
    window:
      input.window === null
        ? null
        : { ms: input.window.ms, raw: input.window.raw, at: at(input.window.span) },
    skipAt: input.skipSpan === null ? null : at(input.skipSpan),
    groupUntils: groupUntilsOf(input.sequence).map((e) => condition(e) as ConditionDebug),
  };
}

/** The `until` conditions of every group in a sequence, outer before inner, in source order. */
function groupUntilsOf(sequence: Sequence | undefined): Expr[] {
  const out: Expr[] = [];
  const todo: Sequence[] = sequence === undefined ? [] : [sequence];
  while (todo.length > 0) {
    // A permute's elements are visited as the items they are (groups and alternations included).
    const items: SequenceItem[] = (todo.shift() as Sequence).elements.map((el) => el.item);
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item.kind === "Permute") items.splice(i + 1, 0, ...item.elements);
      if (item.kind !== "Group" && item.kind !== "Alternation") continue;
      const u = item.modifiers.find((m) => m.name === "until")?.condition;
      if (u != null) out.push(u);
      if (item.kind === "Group") todo.push(item.body);
      else todo.push(...item.alternatives);
    }
  }
  return out;
}

/** Top-level `and` conjuncts, left to right (a long chain is a left-leaning tree: lang/chain.ts). */
function conjunctsOf(e: Expr): Expr[] {
  if (e.kind !== "Binary" || e.op !== "and") return [e];
  const out: Expr[] = [];
  const todo: Expr[] = [e];
  while (todo.length > 0) {
    const c = todo.pop() as Expr;
    if (c.kind === "Binary" && c.op === "and") todo.push(c.right, c.left);
    else out.push(c);
  }
  return out;
}

/** The value reads of an expression (names, members, indexes, calls), outermost first, deduplicated by source. */
function readsOf(e: Expr): Expr[] {
  const out: Expr[] = [];
  const seen = new Set<string>();
  const todo: Expr[] = [e];
  while (todo.length > 0) {
    const c = todo.shift() as Expr;
    switch (c.kind) {
      case "Name":
      case "Member":
      case "Index":
      case "Call":
      case "Prev":
      case "Event": {
        const src = exprToSource(c);
        if (!seen.has(src)) {
          seen.add(src);
          out.push(c);
        }
        break;
      }
      case "Binary":
        {
          // A chain (`a + b + c`) is walked along its spine, not recursively (lang/chain.ts).
          const [first, links] = leftSpine(c);
          todo.push(first, ...links.map((l) => l.right));
        }
        break;
      case "Unary":
        todo.push(c.operand);
        break;
      case "IsNull":
        todo.push(c.operand);
        break;
      case "Between":
        todo.push(c.value, c.low, c.high);
        break;
      case "List":
        todo.push(...c.items);
        break;
      case "Literal":
        break;
    }
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}
