/**
 * A plain summary of a checked pattern, for `cep check` (key paths, windows, skip
 * strategy, terms). Data only: the CLI decides how to print it.
 *
 * ```ts
 * for (const info of check(files).patterns) console.log(describePattern(info).windows);
 * ```
 */
import type { Contiguity, Duration, Modifier, Sequence, SkipClause, SkipStrategyName } from "./ast.js";
import type { PatternInfo } from "./check.js";
import { exprToSource, identToSource } from "./expr-text.js";

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
  /** Group nesting: 0 at top level. */
  readonly depth: number;
}

/** What `cep check` prints about one pattern. */
export interface PatternSummary {
  readonly name: string;
  readonly file: string;
  /** `key by` paths as written (`user`, `order.customer.id`); empty for one global partition. */
  readonly key: readonly string[];
  readonly windows: {
    /** The pattern's `within` (first event to last); null when none. */
    readonly pattern: WindowSummary | null;
    /** Term-level windows, in term order. */
    readonly terms: readonly (WindowSummary & { readonly variable: string })[];
  };
  readonly skip: {
    readonly strategy: SkipStrategyName;
    readonly target: string | null;
    readonly text: string;
  };
  /** The match sequence on one line, without `where` conditions. */
  readonly match: string;
  readonly terms: readonly TermSummary[];
  /** Field names of `emit`; null without an `emit` clause. */
  readonly emit: readonly string[] | null;
  /** Present when the pattern has `on timeout`; `emit` lists its field names, or null. */
  readonly onTimeout: { readonly emit: readonly string[] | null } | null;
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
  const target = skip?.target ? identToSource(skip.target.name) : "";
  switch (skip?.strategy ?? "noSkip") {
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

/** A sequence on one line, as written but canonical and without `where`. */
export function sequenceToSource(seq: Sequence): string {
  const parts: string[] = [];
  for (const el of seq.elements) {
    if (el.op !== null) parts.push(OP_TEXT[el.op]);
    const item = el.item;
    let text: string;
    if (item.kind === "Group") {
      text = `(${sequenceToSource(item.body)})${item.quantifier?.raw ?? ""}`;
    } else {
      const type = item.type === null ? "*" : identToSource(item.type.name);
      const binding =
        item.explicitVariable || item.type === null ? `${identToSource(item.variable.name)}: ` : "";
      text = `${binding}${type}${item.quantifier?.raw ?? ""}`;
    }
    if (item.modifiers.length > 0) text += ` ${modifiersText(item.modifiers)}`;
    if (item.kind === "Term" && item.within !== null) text += ` within ${item.within.raw}`;
    parts.push(text);
  }
  return parts.join(" ");
}

/** Summarise a checked pattern for `cep check`. */
export function describePattern(info: PatternInfo): PatternSummary {
  const decl = info.decl;
  return {
    name: info.name,
    file: info.file,
    key: decl.keyBy.map((p) => p.segments.map((s, i) => identToSource(s.name, i > 0)).join(".")),
    windows: {
      pattern: window(decl.within),
      terms: info.variables
        .filter((v) => v.term.within !== null)
        .map((v) => ({ variable: v.name, ms: v.term.within!.ms, text: v.term.within!.raw })),
    },
    skip: {
      strategy: decl.skip?.strategy ?? "noSkip",
      target: decl.skip?.target?.name ?? null,
      text: skipText(decl.skip),
    },
    match: sequenceToSource(decl.match),
    terms: info.variables.map((v) => ({
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
    })),
    emit: decl.emit === null ? null : decl.emit.fields.map((f) => f.name.name),
    onTimeout:
      decl.onTimeout === null ? null : { emit: decl.onTimeout.emit?.fields.map((f) => f.name.name) ?? null },
  };
}
