/**
 * Random patterns with alternations and `permute` (language §3.3a): their source text, the
 * naive oracle's form of them (test/reference/naive.ts), their expansions into the
 * alternation-free patterns of every choice of alternatives, and the oracle's records.
 *
 * Subset: pattern-arb.ts's terms (types, `where v <op> c`, every quantifier, `optional`,
 * `consecutive`, `combinations`) and operators, plus alternations of 2–3 alternatives, each
 * a sequence of 1–3 items (nested alternations and permutes up to depth 2), and
 * `permute [op] (…)` of 2–4 elements (terms, two-term groups, alternations of terms), each
 * with any of the three operators before it; `key by k`, `within`, all five skip
 * strategies. Not covered: quantifiers on alternations (looped or optional alternations),
 * negation, `greedy`, `until`, term-level `within`, `emit`.
 */
import fc from "fast-check";
import type { Contiguity, NaiveSkip } from "../reference/naive.js";
import {
  type NaiveItem,
  type NaivePattern,
  naiveLeaves,
  naiveMatches,
  naivePermute,
} from "../reference/naive.js";
import {
  bounds,
  canonical,
  contiguityArb,
  type GenEvent,
  type GenTerm,
  naiveTerm,
  OPERATOR,
  partition,
  renderSkip,
  renderTermAs,
  termArb,
} from "./pattern-arb.js";

/** An item of a generated sequence. `outer` (a term's `term.outer`) is ignored first in a sequence. */
export type GenItem =
  | { readonly kind: "term"; readonly variable: string; readonly term: GenTerm }
  | {
      readonly kind: "alt";
      readonly outer: Contiguity;
      readonly alternatives: readonly (readonly GenItem[])[];
      /** `( … )?` (`( … ) optional` with `optionalWord`); never with an alternative that can take nothing. */
      readonly optional: boolean;
      readonly optionalWord: boolean;
    }
  | {
      readonly kind: "permute";
      readonly outer: Contiguity;
      readonly op: Contiguity;
      /** Render `followed by` as the default (no operator words). */
      readonly implicitOp: boolean;
      readonly elements: readonly GenItem[];
    }
  /** A non-looped group: only as a permute element, and in the expansions of one. */
  | { readonly kind: "group"; readonly outer: Contiguity; readonly items: readonly GenItem[] };

export interface GenAltPattern {
  readonly items: readonly GenItem[];
  readonly keyed: boolean;
  readonly within: number | null;
  readonly skip: NaiveSkip;
}

export interface AltArbOptions {
  /**
   * Every alternation and permute is first in the pattern or has `next` / `followed by any`
   * as its governing operator (also as a permute's elements' operator when one is an
   * alternation): the matches under `no skip` are then the union of the expansions'.
   */
  readonly expandable?: boolean;
  /** Only `no skip` (default: all five strategies). */
  readonly noSkip?: boolean;
  /** At most this many expansions (default 64). */
  readonly maxExpansions?: number;
  /** Allow alternatives (and permute orders) that can take nothing (default true). */
  readonly emptyAlternatives?: boolean;
}

const outerOf = (item: GenItem): Contiguity => (item.kind === "term" ? item.term.outer : item.outer);

function withOuter(item: GenItem, outer: Contiguity): GenItem {
  return item.kind === "term" ? { ...item, term: { ...item.term, outer } } : { ...item, outer };
}

// ---------------------------------------------------------------------------
// Generators

const termItemArb: fc.Arbitrary<GenItem> = termArb.map((term) => ({ kind: "term", variable: "", term }));

function altOuterArb(opts: AltArbOptions): fc.Arbitrary<Contiguity> {
  return opts.expandable ? contiguityArb(1, 0, 1) : contiguityArb(1, 2, 1);
}

function alternationArb(depth: number, opts: AltArbOptions): fc.Arbitrary<GenItem> {
  return fc
    .record({
      outer: altOuterArb(opts),
      optional: opts.expandable ? fc.constant(false) : fc.integer({ min: 0, max: 5 }).map((x) => x === 0),
      optionalWord: fc.boolean(),
      alternatives: fc.array(
        fc.array(itemArb(depth - 1, opts), { minLength: 1, maxLength: depth > 1 ? 3 : 2 }),
        {
          minLength: 2,
          maxLength: 3,
        },
      ),
    })
    .map(
      ({ outer, optional, optionalWord, alternatives }): GenItem => ({
        kind: "alt",
        outer,
        alternatives,
        optional: optional && !alternatives.some(nullable),
        optionalWord,
      }),
    );
}

function elementArb(depth: number, opts: AltArbOptions): fc.Arbitrary<GenItem> {
  const group = fc
    .tuple(termItemArb, termItemArb)
    .map(([a, b]): GenItem => ({ kind: "group", outer: "relaxed", items: [a, b] }));
  const alts =
    depth > 0
      ? [{ weight: 1, arbitrary: alternationArb(1, opts) }]
      : ([] as { weight: number; arbitrary: fc.Arbitrary<GenItem> }[]);
  return fc.oneof({ weight: 5, arbitrary: termItemArb }, { weight: 1, arbitrary: group }, ...alts);
}

function permuteArb(depth: number, opts: AltArbOptions): fc.Arbitrary<GenItem> {
  return fc
    .record({
      outer: altOuterArb(opts),
      op: contiguityArb(1, 2, 1),
      implicitOp: fc.boolean(),
      elements: fc.array(elementArb(depth - 1, opts), { minLength: 2, maxLength: 4 }),
    })
    .map(({ outer, op, implicitOp, elements }): GenItem => {
      // An element alternation is governed by the permute's operator in every order but one.
      const nested = elements.some((e) => e.kind === "alt");
      const safeOp = opts.expandable && nested && op === "relaxed" ? "any" : op;
      return { kind: "permute", outer, op: safeOp, implicitOp: implicitOp && safeOp === "relaxed", elements };
    });
}

function itemArb(depth: number, opts: AltArbOptions): fc.Arbitrary<GenItem> {
  if (depth <= 0) return termItemArb;
  return fc.oneof(
    { weight: 8, arbitrary: termItemArb },
    { weight: 2, arbitrary: alternationArb(depth, opts) },
    { weight: 1, arbitrary: permuteArb(depth, opts) },
  );
}

/** Can the sequence take nothing? */
function nullable(items: readonly GenItem[]): boolean {
  return items.every(nullableItem);
}

export function nullableItem(item: GenItem): boolean {
  switch (item.kind) {
    case "term":
      return bounds(item.term).optional;
    case "alt":
      return item.optional || item.alternatives.some(nullable);
    case "permute":
      return nullable(item.elements);
    case "group":
      return nullable(item.items);
  }
}

/** Does some alternation have an alternative, or some permute an order, that can take nothing? */
export function hasEmptyAlternative(items: readonly GenItem[]): boolean {
  return items.some(emptyAlternativeIn);
}

function emptyAlternativeIn(item: GenItem): boolean {
  switch (item.kind) {
    case "term":
      return false;
    case "alt":
      return item.alternatives.some((a) => nullable(a) || hasEmptyAlternative(a));
    case "permute":
      return nullable(item.elements) || hasEmptyAlternative(item.elements);
    case "group":
      return hasEmptyAlternative(item.items);
  }
}

/** Names the variables t0, t1, … in source order (fresh objects: generated values are shared). */
function numbered(items: readonly GenItem[]): GenItem[] {
  let next = 0;
  const go = (item: GenItem): GenItem => {
    switch (item.kind) {
      case "term":
        return { ...item, variable: `t${next++}` };
      case "alt":
        return { ...item, alternatives: item.alternatives.map((a) => a.map(go)) };
      case "permute":
        return { ...item, elements: item.elements.map(go) };
      case "group":
        return { ...item, items: item.items.map(go) };
    }
  };
  return items.map(go);
}

/** Every variable, in source order. */
export function variablesOf(items: readonly GenItem[]): string[] {
  return items.flatMap(variablesOfItem);
}

function variablesOfItem(item: GenItem): string[] {
  switch (item.kind) {
    case "term":
      return [item.variable];
    case "alt":
      return item.alternatives.flatMap(variablesOf);
    case "permute":
      return variablesOf(item.elements);
    case "group":
      return variablesOf(item.items);
  }
}

/** Random patterns with at least one alternation or permute. */
export function altPatternArb(opts: AltArbOptions = {}): fc.Arbitrary<GenAltPattern> {
  const max = opts.maxExpansions ?? 64;
  const choice = fc.oneof(
    { weight: 2, arbitrary: alternationArb(2, opts) },
    { weight: 1, arbitrary: permuteArb(2, opts) },
  );
  return fc
    .record({
      before: fc.array(itemArb(1, opts), { maxLength: 2 }),
      choice,
      after: fc.array(itemArb(1, opts), { maxLength: 2 }),
      keyed: fc.boolean(),
      within: fc.option(fc.integer({ min: 1, max: 15 }), { freq: 2 }),
      skipKind: opts.noSkip
        ? fc.constant("noSkip")
        : fc.constantFrom(
            "noSkip",
            "noSkip",
            "skipToNext",
            "skipPastLastEvent",
            "skipPastLastEvent",
            "skipToFirst",
            "skipToLast",
          ),
      target: fc.nat(),
    })
    .map(({ before, choice, after, keyed, within, skipKind, target }): GenAltPattern => {
      const items = numbered([...before, choice, ...after]);
      const vars = variablesOf(items);
      const variable = vars[target % vars.length];
      const skip: NaiveSkip =
        skipKind === "skipToFirst" || skipKind === "skipToLast"
          ? { kind: skipKind, variable }
          : { kind: skipKind as "noSkip" | "skipToNext" | "skipPastLastEvent" };
      return { items, keyed, within, skip };
    })
    .filter(
      (p) =>
        expansionCount(p.items) <= max && (opts.emptyAlternatives !== false || !hasEmptyAlternative(p.items)),
    );
}

// ---------------------------------------------------------------------------
// Source text

function renderSeq(items: readonly GenItem[]): string {
  return items
    .map((item, i) => (i === 0 ? renderItem(item) : `${OPERATOR[outerOf(item)]} ${renderItem(item)}`))
    .join(" ");
}

function renderItem(item: GenItem): string {
  switch (item.kind) {
    case "term":
      return renderTermAs(item.term, item.variable);
    case "alt": {
      const optional = item.optional ? (item.optionalWord ? " optional" : "?") : "";
      return `(${item.alternatives.map(renderSeq).join(" | ")})${optional}`;
    }
    case "permute": {
      const op = item.implicitOp ? "" : ` ${OPERATOR[item.op]}`;
      return `permute${op} (${item.elements.map(renderItem).join(", ")})`;
    }
    case "group":
      return `(${renderSeq(item.items)})`;
  }
}

export function renderAltPattern(p: GenAltPattern, name = "P"): string {
  const lines = [`pattern ${name} {`];
  if (p.keyed) lines.push("  key by k");
  if (p.within !== null) lines.push(`  within ${p.within}ms`);
  const skip = renderSkip(p.skip);
  if (skip) lines.push(`  ${skip}`);
  p.items.forEach((item, i) => {
    lines.push(
      i === 0 ? `  match ${renderItem(item)}` : `        ${OPERATOR[outerOf(item)]} ${renderItem(item)}`,
    );
  });
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------------------
// Expansions: one alternation-free pattern per choice of alternatives

/** The permute's orders, each a sequence of elements joined by its operator. */
function permuteOrders(item: Extract<GenItem, { kind: "permute" }>): GenItem[][] {
  const n = item.elements.length;
  const orders: number[][] = [];
  const go = (prefix: number[]): void => {
    if (prefix.length === n) orders.push(prefix);
    for (let e = 0; e < n; e++) if (!prefix.includes(e)) go([...prefix, e]);
  };
  go([]);
  return orders.map((order) => order.map((e) => withOuter(item.elements[e], item.op)));
}

/** Every expansion of a sequence: the product of its items' expansions; an alternative's first item takes the alternation's operator. */
function expandSeq(items: readonly GenItem[]): GenItem[][] {
  let out: GenItem[][] = [[]];
  for (const item of items) {
    const options = expandItem(item);
    out = out.flatMap((prefix) => options.map((o) => [...prefix, ...o]));
  }
  return out;
}

function expandItem(item: GenItem): GenItem[][] {
  switch (item.kind) {
    case "term":
      return [[item]];
    case "group":
      return [[item]];
    case "alt":
      if (item.optional) throw new Error("expansions: an optional alternation is not expanded");
      return item.alternatives.flatMap((a) => expandSeq(a).map((seq) => firstOuter(seq, item.outer)));
    case "permute":
      return permuteOrders(item).flatMap((order) =>
        expandSeq(order).map((seq) => firstOuter(seq, item.outer)),
      );
  }
}

const firstOuter = (seq: GenItem[], outer: Contiguity): GenItem[] =>
  seq.length === 0 ? seq : [withOuter(seq[0], outer), ...seq.slice(1)];

function expansionCount(items: readonly GenItem[]): number {
  const seqCount = (seq: readonly GenItem[]): number => seq.reduce((n, item) => n * itemCount(item), 1);
  const itemCount = (item: GenItem): number => {
    switch (item.kind) {
      case "term":
      case "group":
        return 1;
      case "alt":
        return item.alternatives.reduce((n, a) => n + seqCount(a), 0);
      case "permute": {
        let f = 1;
        for (let i = 2; i <= item.elements.length; i++) f *= i;
        return f * item.elements.reduce((n, e) => n * itemCount(e), 1);
      }
    }
  };
  return seqCount(items);
}

/** The alternation-free patterns of every choice of alternatives (same variable names), with multiplicity. */
export function expansions(p: GenAltPattern): GenAltPattern[] {
  return expandSeq(p.items).map((items) => ({ ...p, items }));
}

// ---------------------------------------------------------------------------
// The oracle's expectation

function naiveSeq(items: readonly GenItem[]): NaiveItem<GenEvent>[] {
  return items.flatMap(naiveItem);
}

function naiveItem(item: GenItem): NaiveItem<GenEvent>[] {
  switch (item.kind) {
    case "term":
      return [naiveTerm(item.term, item.variable)];
    case "alt":
      return [{ alternatives: item.alternatives.map(naiveSeq), outer: item.outer, optional: item.optional }];
    case "permute":
      return [
        naivePermute(
          item.elements.map((e) => (e.kind === "group" ? groupSeq(e.items) : naiveSeq([e]))),
          item.op,
          item.outer,
        ),
      ];
    case "group": {
      const seq = groupSeq(item.items);
      return [{ ...seq[0], outer: item.outer }, ...seq.slice(1)];
    }
  }
}

/**
 * A non-looped group: its sequence (the caller joins its first item to what precedes it) —
 * except that the repetitions of its head (first) term follow the GROUP's inner strategy,
 * relaxed for a group without a loop (Flink `NFACompiler.getInnerIgnoreCondition`, `headOfGroup`).
 */
function groupSeq(items: readonly GenItem[]): NaiveItem<GenEvent>[] {
  const seq = naiveSeq(items);
  return [{ ...seq[0], inner: "relaxed" } as NaiveItem<GenEvent>, ...seq.slice(1)];
}

export function toNaiveAlt(p: GenAltPattern): NaivePattern<GenEvent> {
  return { terms: naiveSeq(p.items), within: p.within, skip: p.skip };
}

/** The oracle's records, canonical, sorted (a multiset). Throws NaiveBudgetExceeded past `budget` prefixes per key. */
export function expectedAltRecords(p: GenAltPattern, events: readonly GenEvent[], budget?: number): string[] {
  const naive = toNaiveAlt(p);
  const leaves = naiveLeaves(naive);
  const out: string[] = [];
  for (const [key, evs] of partition(p, events)) {
    for (const m of naiveMatches(naive, evs, (e) => e.ts, { budget })) {
      out.push(
        canonical(
          key,
          m.map((s) => ({ id: evs[s.index].id, variable: leaves[s.term].variable })),
        ),
      );
    }
  }
  return out.sort();
}

// ---------------------------------------------------------------------------
// Shapes (to name the patterns an open engine bug affects)

type Choice = Extract<GenItem, { kind: "alt" | "permute" }>;

/**
 * Does some alternation or permute X satisfy `test(X, gov)`, gov being X's governing operator
 * (its own; first in an alternative, the enclosing alternation's; null first in the pattern)?
 */
export function someChoice(
  items: readonly GenItem[],
  test: (x: Choice, gov: Contiguity | null) => boolean,
): boolean {
  const seq = (list: readonly GenItem[], parentGov: Contiguity | null): boolean =>
    list.some((item, i) => one(item, i === 0 ? parentGov : outerOf(item)));
  const one = (item: GenItem, gov: Contiguity | null): boolean => {
    switch (item.kind) {
      case "term":
        return false;
      case "group":
        return seq(item.items, gov);
      case "alt":
        return test(item, gov) || item.alternatives.some((a) => seq(a, gov));
      case "permute":
        // An element is first in some orders (the permute's operator) and later in others (its own `op`).
        return test(item, gov) || item.elements.some((e) => one(e, gov) || one(e, item.op));
    }
  };
  return seq(items, null);
}
