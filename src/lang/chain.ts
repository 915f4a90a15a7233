/**
 * Flat operator chains (`a + b + c`, `x and y and z`) as loops, not recursion.
 *
 * The parser reads a chain with a loop and the tree builder folds it to the left, so a
 * chain of n operands is a left-leaning tree n levels deep. Every walk over expressions
 * goes down such a spine with {@link leftSpine} instead of recursing into `left`: a
 * 2,000-term `where` must not overflow the stack. Right operands are never chains of
 * the same level, so they nest only as deep as the source's brackets and prefix
 * operators, which the parser limits (`limits.ts`).
 *
 * ```ts
 * const [first, links] = leftSpine(e); // ((a + b) * c): a, [a + b, (a + b) * c]
 * let acc = visit(first);
 * for (const link of links) acc = combine(link.op, acc, visit(link.right));
 * ```
 */
import type { BinaryExpr, Expr, IndexExpr, MemberExpr } from "./ast.js";

/**
 * The leftmost operand of a chain of binary operators (of any operators, mixed), and the
 * chain's `Binary` nodes from the innermost (whose `left` is that operand) to `e`.
 */
export function leftSpine(e: BinaryExpr): [first: Expr, links: BinaryExpr[]] {
  const links: BinaryExpr[] = [];
  let node: Expr = e;
  while (node.kind === "Binary") {
    links.push(node);
    node = node.left;
  }
  links.reverse();
  return [node, links];
}

/**
 * A path's root and its steps, outermost last: `first(v).a[0].b` is `first(v)` and
 * `[.a, [0], .b]`. Paths nest one level per step, so they are walked in a loop too. Any
 * other expression is its own root, with no steps.
 */
export function pathSteps(e: Expr): [root: Expr, steps: (MemberExpr | IndexExpr)[]] {
  const steps: (MemberExpr | IndexExpr)[] = [];
  let root: Expr = e;
  while (root.kind === "Member" || root.kind === "Index") {
    steps.push(root);
    root = root.object;
  }
  steps.reverse();
  return [root, steps];
}

/**
 * Pushes `e`'s direct subexpressions onto `stack` (none for literals, names, `event`,
 * `prev`): the generic step of an iterative walk, for the kinds a walk does not treat
 * itself. Since every kind is handled here, a walk that defers to it misses none.
 */
export function pushOperands(e: Expr, stack: Expr[]): void {
  switch (e.kind) {
    case "List":
      for (const item of e.items) stack.push(item);
      break;
    case "Member":
      stack.push(e.object);
      break;
    case "Index":
      stack.push(e.object, e.index);
      break;
    case "Call":
      for (const arg of e.args) stack.push(arg);
      break;
    case "Unary":
    case "IsNull":
      stack.push(e.operand);
      break;
    case "Binary":
      stack.push(e.left, e.right);
      break;
    case "Between":
      stack.push(e.value, e.low, e.high);
      break;
    case "Literal":
    case "Name":
    case "Event":
    case "Prev":
      break;
    default: {
      const unknown: never = e; // a new kind of expression must be handled here
      throw new Error(`unknown expression ${(unknown as Expr).kind}`);
    }
  }
}
