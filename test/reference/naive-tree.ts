/**
 * The pattern tree of the naive reference matcher (naive.ts): terms and alternations,
 * `permute` by its definition, and the plain walks the matcher's rules are stated with —
 * which leaves can take the next event after a given one, and which can start an
 * alternation. This is structure only: the rules themselves are in naive.ts.
 */
import type { Contiguity, NaiveTerm } from "./naive.js";

/**
 * `( alt | alt | … )`: two or more alternatives, each a sequence of items. The first item
 * of each alternative has no operator of its own (its `outer` is ignored): the
 * alternation's `outer` joins it to what precedes the alternation.
 */
export interface NaiveAlternation<E> {
  readonly alternatives: readonly (readonly NaiveItem<E>[])[];
  /** The operator before the alternation. Ignored when the alternation is first in its sequence. */
  readonly outer: Contiguity;
  /** `( … )?`: the whole alternation may be absent (passed without choosing an alternative). */
  readonly optional?: boolean;
}

/** An item of a sequence: a term or an alternation. */
export type NaiveItem<E> = NaiveTerm<E> | NaiveAlternation<E>;

export function isAlternation<E>(item: NaiveItem<E>): item is NaiveAlternation<E> {
  return "alternatives" in item;
}

const withOuter = <E>(item: NaiveItem<E>, outer: Contiguity): NaiveItem<E> => ({ ...item, outer });

/** Every order of 0..n-1, in element-position (lexicographic) order: 012, 021, 102, … */
export function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (let first = 0; first < n; first++) {
    for (const rest of permutations(n - 1)) out.push([first, ...rest.map((r) => (r >= first ? r + 1 : r))]);
  }
  return out;
}

/**
 * `permute op (e1, …, en)` by definition (language §3.3a): the alternation of the n!
 * sequences `ei op ej op …`, ordered by element positions. Each element is a sequence
 * (one term, the items of a non-looped group, or one alternation); `op` joins an element's
 * first item to the previous element; `outer` is the operator before the permute.
 */
export function naivePermute<E>(
  elements: readonly (readonly NaiveItem<E>[])[],
  op: Contiguity,
  outer: Contiguity,
): NaiveAlternation<E> {
  const alternatives = permutations(elements.length).map((order) =>
    order.flatMap((e) => elements[e].map((item, i) => (i === 0 ? withOuter(item, op) : item))),
  );
  return { alternatives, outer };
}

// ---------------------------------------------------------------------------
// The tree, indexed

/** A sequence of the tree: the pattern (no parent) or one alternative of an alternation. */
interface Seq<E> {
  readonly nodes: TreeNode<E>[];
  readonly parent: Alt<E> | null;
}

type TreeNode<E> = { readonly leaf: Leaf<E> } | { readonly alt: Alt<E> };

/** An alternation in the tree. */
export interface Alt<E> {
  readonly alternatives: Seq<E>[];
  readonly optional: boolean;
  /** Its governing contiguity: null when nothing can precede it (first in the pattern). */
  readonly gov: Contiguity | null;
  readonly seq: Seq<E>;
  readonly pos: number;
  /** The leaves that can take the alternation's first event (filled after building). */
  firsts: Leaf<E>[];
}

/** A term at one place of the tree. */
export interface Leaf<E> {
  readonly term: NaiveTerm<E>;
  /** Depth-first number: `NaiveStep.term`. */
  readonly index: number;
  /** The position of its variable's first appearance, depth-first (the source order). */
  readonly rank: number;
  /** Its governing contiguity: the term's own operator, or, first in an alternative, the alternation's; null first in the pattern. */
  readonly gov: Contiguity | null;
  /** The alternations it is in, outermost first. */
  readonly ancestors: readonly Alt<E>[];
  readonly seq: Seq<E>;
  readonly pos: number;
}

/** Where a branch can go from a place: a leaf (its next event's term), once per path; `ends` paths reach the end. */
export interface Continuations<E> {
  readonly leaves: Leaf<E>[];
  ends: number;
}

export interface Tree<E> {
  readonly leaves: readonly Leaf<E>[];
  /** The leaves that can take a match's first event, once per path. */
  readonly starts: Continuations<E>;
  /** follows[s]: where a branch can go after leaf s's term is done (reached its min). */
  readonly follows: readonly Continuations<E>[];
}

export function buildTree<E>(items: readonly NaiveItem<E>[]): Tree<E> {
  const leaves: Leaf<E>[] = [];
  const alts: Alt<E>[] = [];
  const ranks = new Map<string, number>();

  const build = (source: readonly NaiveItem<E>[], parent: Alt<E> | null, ancestors: Alt<E>[]): Seq<E> => {
    const seq: Seq<E> = { nodes: [], parent };
    source.forEach((item, pos) => {
      const gov = pos > 0 ? item.outer : parent === null ? null : parent.gov;
      if (isAlternation(item)) {
        if (item.alternatives.length < 2) throw new Error("naive: an alternation needs two alternatives");
        const alt: Alt<E> = { alternatives: [], optional: item.optional ?? false, gov, seq, pos, firsts: [] };
        alts.push(alt);
        seq.nodes.push({ alt });
        for (const a of item.alternatives) {
          if (a.length === 0) throw new Error("naive: an empty alternative");
          alt.alternatives.push(build(a, alt, [...ancestors, alt]));
        }
      } else {
        if (!ranks.has(item.variable)) ranks.set(item.variable, ranks.size);
        const leaf: Leaf<E> = {
          term: item,
          index: leaves.length,
          rank: ranks.get(item.variable) as number,
          gov,
          ancestors,
          seq,
          pos,
        };
        leaves.push(leaf);
        seq.nodes.push({ leaf });
      }
    });
    return seq;
  };
  const root = build(items, null, []);

  /**
   * Collect into `out` every leaf reachable from position `pos` of `seq` by passing only
   * items that can take nothing (optional terms, alternatives that took nothing), once per
   * path; count the paths that reach the end of the pattern. With `boundary`, a path that
   * leaves that alternation stops there instead.
   */
  const walk = (seq: Seq<E>, pos: number, out: Continuations<E>, boundary: Alt<E> | null): void => {
    for (let i = pos; i < seq.nodes.length; i++) {
      const node = seq.nodes[i];
      if ("leaf" in node) {
        out.leaves.push(node.leaf);
        if (!node.leaf.term.optional) return;
      } else {
        // Each alternative continues after the alternation on its own when it takes nothing;
        // an optional alternation may also be passed as a whole.
        for (const a of node.alt.alternatives) walk(a, 0, out, boundary);
        if (!node.alt.optional) return;
      }
    }
    const parent = seq.parent;
    if (parent === null) out.ends++;
    else if (parent !== boundary) walk(parent.seq, parent.pos + 1, out, boundary);
  };

  for (const alt of alts) {
    const out: Continuations<E> = { leaves: [], ends: 0 };
    for (const a of alt.alternatives) walk(a, 0, out, alt);
    alt.firsts = [...new Set(out.leaves)];
  }
  const starts: Continuations<E> = { leaves: [], ends: 0 };
  walk(root, 0, starts, null);
  const follows = leaves.map((leaf) => {
    const out: Continuations<E> = { leaves: [], ends: 0 };
    walk(leaf.seq, leaf.pos + 1, out, null);
    return out;
  });
  return { leaves, starts, follows };
}

/** The alternations a branch enters when it goes from leaf `s` to leaf `t` (t's, not s's). */
export function entered<E>(s: Leaf<E>, t: Leaf<E>): Alt<E>[] {
  return t.ancestors.filter((x) => !s.ancestors.includes(x));
}
