/**
 * Plain summaries of a checked pattern, for `cep check` (key paths, windows, skip
 * strategy, terms) and other tools. Data only: the CLI decides how to print it.
 *
 * ```ts
 * for (const info of check(files).patterns) console.log(describePattern(info));
 * // { key: ["user"], within: 300000, termWindows: [], skip: "skip past last event",
 * //   terms: ["fail: LoginFailed{3,} consecutive", "followed by ok: LoginOk", "not followed by Logout"] }
 * ```
 */
import type {
  Alternation,
  Contiguity,
  Duration,
  Modifier,
  Permute,
  Sequence,
  SequenceElement,
  SequenceItem,
  SkipClause,
  SkipStrategyName,
  Term,
} from "./ast.js";
import type { PatternInfo } from "./check.js";
import { exprToSource, identToSource } from "./expr-text.js";
import { innerSequences } from "./items.js";

/** A window: milliseconds and the duration as written. */
export interface WindowSummary {
  readonly ms: number;
  readonly text: string;
}

/** One term of the pattern (negated ones included), in variable-table order. */
export interface TermSummary {
  readonly index: number;
  readonly variable: string;
  /** The event type; null for `*`. */
  readonly type: string | null;
  /** True when the type has an `event` declaration. */
  readonly declared: boolean;
  readonly negated: boolean;
  /** The operator before the term as written (`followed by any`); null for the first of a sequence. */
  readonly op: string | null;
  /** The quantifier as written (`{3,}`); null when none. */
  readonly quantifier: string | null;
  /** Modifier names in source order (`until` without its condition). */
  readonly modifiers: readonly string[];
  /** Term-level window (the gap before this term). */
  readonly within: WindowSummary | null;
  /** The `where` condition in canonical form; null when none. */
  readonly where: string | null;
  /** Nesting in groups, alternations and permutes: 0 at top level. */
  readonly depth: number;
  /**
   * Where the term is chosen, innermost first, in words: "one of: `b: B` | `c: C next
   * d: D`" for a term in an alternative, "in any order: `p: Paid`, `s: Shipped`" for a
   * term in a permute's element; empty at top level and in plain groups.
   */
  readonly choices: readonly string[];
}

/**
 * What `cep check` prints about one pattern (the fields `src/cli/check.ts` reads).
 * Durations are milliseconds.
 */
export interface PatternSummary {
  /** `key by` paths as written (`user`, `order.customer.id`); empty for one global partition. */
  readonly key: readonly string[];
  /** The pattern's `within` (first event to last); null when none. */
  readonly within: number | null;
  /** Term-level windows (the gap before that term), in term order. */
  readonly termWindows: readonly { readonly variable: string; readonly within: number }[];
  /** The after-match skip strategy in source form (`skip past last event`). */
  readonly skip: string;
  /** The top-level elements of `match` in source form, each with its operator, without `where`. */
  readonly terms: readonly string[];
}

const OP_TEXT: Record<Contiguity, string> = {
  next: "next",
  followedBy: "followed by",
  followedByAny: "followed by any",
  notNext: "not next",
  notFollowedBy: "not followed by",
};

function window(d: Duration | null): WindowSummary | null {
  return d === null ? null : { ms: d.ms, text: d.raw };
}

function skipText(skip: SkipClause | null): string {
  return skipStrategyText(skip?.strategy ?? "noSkip", skip?.target ? identToSource(skip.target.name) : "");
}

/** An after-match skip strategy in the language's words (`skip to first fail`). */
export function skipStrategyText(strategy: SkipStrategyName, target: string): string {
  switch (strategy) {
    case "noSkip":
      return "no skip";
    case "skipToNext":
      return "skip to next";
    case "skipPastLastEvent":
      return "skip past last event";
    case "skipToFirst":
      return `skip to first ${target}`;
    case "skipToLast":
      return `skip to last ${target}`;
  }
}

function modifiersText(mods: readonly Modifier[]): string {
  return mods.map((m) => (m.condition !== null ? `until (${exprToSource(m.condition)})` : m.name)).join(" ");
}

/** One element in canonical source form, without `where` (groups show their body). */
function elementToSource(el: SequenceElement): string {
  const text = itemToSource(el.item);
  return el.op === null ? text : `${OP_TEXT[el.op]} ${text}`;
}

/** A term, group, alternation or permute in canonical source form, without `where`. */
function itemToSource(item: SequenceItem): string {
  let text: string;
  switch (item.kind) {
    case "Group":
      text = `(${sequenceToSource(item.body)})${item.quantifier?.raw ?? ""}`;
      break;
    case "Alternation":
      text = `(${item.alternatives.map(sequenceToSource).join(" | ")})${item.quantifier?.raw ?? ""}`;
      break;
    case "Permute": {
      const op = item.opSpan === null ? "" : ` ${OP_TEXT[item.op]} `;
      return `permute${op}(${item.elements.map(itemToSource).join(", ")})`;
    }
    case "Term": {
      const type = item.type === null ? "*" : identToSource(item.type.name);
      const binding =
        item.explicitVariable || item.type === null ? `${identToSource(item.variable.name)}: ` : "";
      text = `${binding}${type}${item.quantifier?.raw ?? ""}`;
    }
  }
  if (item.modifiers.length > 0) text += ` ${modifiersText(item.modifiers)}`;
  if (item.kind === "Term" && item.within !== null) text += ` within ${item.within.raw}`;
  return text;
}

/** A sequence on one line, canonical and without `where`. */
export function sequenceToSource(seq: Sequence): string {
  return seq.elements.map(elementToSource).join(" ");
}

/** Summarise a checked pattern for `cep check`. */
export function describePattern(info: PatternInfo): PatternSummary {
  const decl = info.decl;
  return {
    key: decl.keyBy.map((p) => p.segments.map((s, i) => identToSource(s.name, i > 0)).join(".")),
    within: decl.within?.ms ?? null,
    termWindows: info.windows.terms.map((w) => ({ variable: w.variable, within: w.ms })),
    skip: skipText(decl.skip),
    terms: decl.match.elements.map(elementToSource),
  };
}

/**
 * An alternation or permute in words: "one of: `b: B` | `c: C next d: D`", "in any order:
 * `p: Paid`, `s: Shipped`" (with `next`/`followed by any` named when it is not the default).
 */
export function choiceWords(item: Alternation | Permute): string {
  if (item.kind === "Alternation") {
    return `one of: ${item.alternatives.map((a) => `\`${sequenceToSource(a)}\``).join(" | ")}`;
  }
  const op = item.op === "followedBy" ? "" : ` (joined by ${OP_TEXT[item.op]})`;
  return `in any order${op}: ${item.elements.map((e) => `\`${itemToSource(e)}\``).join(", ")}`;
}

/** For each term, the alternations and permutes it sits in, innermost first, in words. */
function choicesByTerm(seq: Sequence, outer: readonly string[], out: Map<Term, readonly string[]>): void {
  for (const el of seq.elements) {
    const item = el.item;
    if (item.kind === "Term") out.set(item, outer);
    else {
      const here = item.kind === "Group" ? outer : [choiceWords(item), ...outer];
      for (const inner of innerSequences(item)) choicesByTerm(inner, here, out);
    }
  }
}

/** Every term of a checked pattern (negated ones included), in variable-table order. */
export function describeTerms(info: PatternInfo): TermSummary[] {
  const choices = new Map<Term, readonly string[]>();
  choicesByTerm(info.decl.match, [], choices);
  return info.variables.map((v) => ({
    index: v.index,
    variable: v.name,
    type: v.type,
    declared: v.schema !== null,
    negated: v.negated,
    op: v.op === null ? null : OP_TEXT[v.op],
    quantifier: v.term.quantifier?.raw ?? null,
    modifiers: v.term.modifiers.map((m) => m.name),
    within: window(v.term.within),
    where: v.term.where === null ? null : exprToSource(v.term.where),
    depth: v.depth,
    choices: choices.get(v.term) ?? [],
  }));
}
