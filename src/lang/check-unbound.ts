/**
 * W2012: a condition reads a variable that is never bound where it is tested — a
 * variable of another alternative of the same alternation (language §3.3a): a match
 * takes one alternative, so `(b: B | c: C where price > b.price)` tests `c` on paths
 * where `b` took nothing, and `b.price` is always null there.
 *
 * Exactly: a `where` of term t (or an `until` of t or of a group around t) reads v, v
 * and t lie in different alternatives of one alternation, and no loop encloses that
 * alternation or is it (an earlier iteration of a loop may have taken the other
 * alternative). Reads of later terms in the same alternative, or after the alternation,
 * are W2003's (`check-null.ts`: null on the first event); a permute's elements come in
 * every order, so reading another element is never reported here.
 */
import type { Alternation, Expr, PatternDecl, Sequence, SequenceItem, Span } from "./ast.js";
import { pathSteps, pushOperands } from "./chain.js";
import { fill, Hints, Messages, semantic } from "./check-messages.js";
import { isLoop, isNegated } from "./check-sequence.js";
import type { Diagnostic } from "./diagnostics.js";
import { innerSequences, modifiersOf, quantifierOf, single } from "./items.js";

/** One enclosing item on the way to a term, with the branch taken (alternative or element index). */
interface Step {
  readonly item: SequenceItem;
  readonly branch: number;
}

/** A condition to check: where it is tested (its enclosing items) and the expression. */
interface Condition {
  readonly at: string;
  readonly path: readonly Step[];
  readonly expr: Expr;
}

/** Functions whose argument is a variable (or a path from one) rather than a value. */
const VARIABLE_ARGS = new Set(["first", "last", "time", "count", "sum", "avg", "min", "max"]);

/** W2012 for one pattern. */
export function checkUnbound(decl: PatternDecl, file: string, report: (d: Diagnostic) => void): void {
  const bound = new Map<string, readonly Step[]>();
  const conditions: Condition[] = [];
  const walk = (seq: Sequence, path: readonly Step[]): void => {
    for (const el of seq.elements) {
      const item = el.item;
      if (item.kind === "Term") {
        if (!isNegated(el) && !bound.has(item.variable.name)) bound.set(item.variable.name, path);
        const at = item.variable.name;
        if (item.where !== null) conditions.push({ at, path, expr: item.where });
        for (const m of item.modifiers)
          if (m.condition !== null) conditions.push({ at, path, expr: m.condition });
        continue;
      }
      for (const m of modifiersOf(item))
        if (m.condition !== null) conditions.push({ at: "the loop", path, expr: m.condition });
      // Each alternative, and each element of a permute, is a branch of its own.
      const branches = item.kind === "Permute" ? item.elements.map(single) : innerSequences(item);
      branches.forEach((inner, branch) => {
        walk(inner, [...path, { item, branch }]);
      });
    }
  };
  walk(decl.match, []);

  for (const c of conditions) {
    for (const [name, span] of variableReads(c.expr)) {
      const other = bound.get(name);
      if (other === undefined) continue;
      const apart = exclusive(c.path, other);
      if (apart === null) continue;
      report(
        semantic(
          Messages.NeverBound,
          file,
          span,
          [name, c.at],
          fill(Hints.NeverBound, [name, apart.alternatives.length]),
        ),
      );
    }
  }
}

/**
 * The alternation where two paths part into different alternatives, when no loop
 * encloses it or is it; else null (same alternative, a permute's elements, or a loop).
 */
function exclusive(a: readonly Step[], b: readonly Step[]): Alternation | null {
  for (let i = 0; i < a.length && i < b.length; i++) {
    if (a[i].item !== b[i].item) return null;
    if (a[i].branch === b[i].branch) continue;
    const parted = a[i].item;
    if (parted.kind !== "Alternation") return null;
    for (let j = 0; j <= i; j++) if (isLoop(quantifierOf(a[j].item))) return null;
    return parted;
  }
  return null;
}

/** Every variable an expression reads, with the span of the read (path roots and variable arguments). */
function variableReads(e: Expr): [string, Span][] {
  const out: [string, Span][] = [];
  const stack: Expr[] = [e];
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    switch (x.kind) {
      case "Member":
      case "Index": {
        const [root, steps] = pathSteps(x);
        for (const step of steps) if (step.kind === "Index") stack.push(step.index);
        if (root.kind === "Name") out.push([root.name.name, x.span]);
        else stack.push(root);
        break;
      }
      case "Call":
        for (const a of x.args) {
          const [root] = pathSteps(a);
          if (root.kind === "Name" && VARIABLE_ARGS.has(x.callee.name)) out.push([root.name.name, x.span]);
          else stack.push(a);
        }
        break;
      default:
        pushOperands(x, stack);
    }
  }
  return out.sort((p, q) => p[1].start - q[1].start);
}
