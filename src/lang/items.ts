/**
 * The shape of sequence items (§3.1–§3.3a), shared by every walk over a `match`: which
 * sequences an item contains, its modifiers and quantifier whatever its kind, and the
 * terms of a sequence in source order through groups, alternations and permutes.
 *
 * A `permute op (e1, …, en)` is walked as the one sequence `e1 op e2 op … en` (its
 * elements in source order): every term of it once, with the operator it has in the
 * first order. Checks that depend on the order (which element comes first, last, or
 * after which) walk each element on its own with {@link single} instead: in some order,
 * every element is first, last and after every other one.
 *
 * ```ts
 * for (const el of terms(decl.match)) console.log(el.item.variable.name);
 * ```
 */
import type {
  Alternation,
  Group,
  Modifier,
  Permute,
  Quantifier,
  Sequence,
  SequenceElement,
  SequenceItem,
  Term,
} from "./ast.js";

/** A sequence element that holds a term. */
export type TermElement = SequenceElement & { readonly item: Term };

/** An item with a quantifier and modifiers: a term, a group or an alternation (not a permute). */
export type Quantifiable = Term | Group | Alternation;

/** An item's quantifier; null for a permute. */
export function quantifierOf(item: SequenceItem): Quantifier | null {
  return item.kind === "Permute" ? null : item.quantifier;
}

/** An item's modifiers; none for a permute. */
export function modifiersOf(item: SequenceItem): readonly Modifier[] {
  return item.kind === "Permute" ? [] : item.modifiers;
}

const permuteSequences = new WeakMap<Permute, Sequence>();

/**
 * A permute's elements as one sequence, `e1 op e2 op … en` (the first of its orders),
 * the same object for the same permute (the AST is frozen; walks may key maps on it).
 */
export function permuteSequence(p: Permute): Sequence {
  let seq = permuteSequences.get(p);
  if (seq === undefined) {
    seq = Object.freeze({
      kind: "Sequence",
      elements: Object.freeze(
        p.elements.map(
          (item, i): SequenceElement =>
            Object.freeze({
              kind: "Element",
              op: i === 0 ? null : p.op,
              opSpan: i === 0 ? null : p.opSpan,
              item,
              span: item.span,
            }),
        ),
      ),
      span: p.span,
    });
    permuteSequences.set(p, seq);
  }
  return seq;
}

/**
 * The sequences directly inside an item: a group's body, an alternation's alternatives,
 * a permute's elements as {@link permuteSequence}; none for a term.
 */
export function innerSequences(item: SequenceItem): readonly Sequence[] {
  switch (item.kind) {
    case "Term":
      return [];
    case "Group":
      return [item.body];
    case "Alternation":
      return item.alternatives;
    case "Permute":
      return [permuteSequence(item)];
  }
}

/** Every term of a sequence, depth-first in source order (alternatives and permutes included), with its element. */
export function* terms(seq: Sequence): Generator<TermElement> {
  for (const el of seq.elements) {
    if (el.item.kind === "Term") yield el as TermElement;
    else for (const inner of innerSequences(el.item)) yield* terms(inner);
  }
}

/** A sequence of one item (no operator): how a walk visits one element of a permute on its own. */
export function single(item: SequenceItem): Sequence {
  return {
    kind: "Sequence",
    elements: [{ kind: "Element", op: null, opSpan: null, item, span: item.span }],
    span: item.span,
  };
}

/** One alternation a term lies in: the alternation's number (source order) and the alternative's index. */
export type TermChoice = readonly [alternation: number, alternative: number];

/**
 * For every term of a sequence, the alternations it lies in, outermost first: which
 * alternative of which alternation (numbered in source order from 0). A permute is no
 * choice (every element is in every order); a term outside alternations has none.
 */
export function termChoices(seq: Sequence): Map<Term, readonly TermChoice[]> {
  const out = new Map<Term, readonly TermChoice[]>();
  let next = 0;
  const walk = (s: Sequence, path: readonly TermChoice[]): void => {
    for (const el of s.elements) {
      const item = el.item;
      if (item.kind === "Term") out.set(item, path);
      else if (item.kind === "Alternation") {
        const id = next++;
        for (const [i, alt] of item.alternatives.entries()) walk(alt, [...path, [id, i]]);
      } else for (const inner of innerSequences(item)) walk(inner, path);
    }
  };
  walk(seq, []);
  return out;
}
