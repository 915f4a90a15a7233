/**
 * Canonical source text of an expression, for NFA dumps and messages:
 * `price > 10 and name == "a"`, with only the parentheses precedence needs.
 * (Lives in `lang/` so the checker can quote expressions in hints; `compile/expr-source.ts`
 * re-exports it.)
 */
import type { BinaryOp, Expr, Ident } from "./ast.js";
import { leftSpine } from "./chain.js";
import { RESERVED_WORDS } from "./types.js";

// Binding strength, loosest first (§3.4): or, and, not, comparison, + -, * / %, unary -, postfix.
const OR = 1;
const AND = 2;
const NOT = 3;
const COMPARE = 4;
const ADD = 5;
const MUL = 6;
const NEG = 7;
const POSTFIX = 8;

const BINARY_PRECEDENCE: Record<BinaryOp, number> = {
  or: OR,
  and: AND,
  "==": COMPARE,
  "!=": COMPARE,
  "<": COMPARE,
  "<=": COMPARE,
  ">": COMPARE,
  ">=": COMPARE,
  in: COMPARE,
  "+": ADD,
  "-": ADD,
  "*": MUL,
  "/": MUL,
  "%": MUL,
};

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `` `quoted` `` when the name is not a plain identifier; `reservedOk` for positions where any word is a name. */
export function identToSource(name: string, reservedOk = false): string {
  if (PLAIN_NAME.test(name) && (reservedOk || !RESERVED_WORDS.has(name))) return name;
  return `\`${name.replaceAll("`", "``")}\``;
}

function precedence(e: Expr): number {
  switch (e.kind) {
    case "Binary":
      return BINARY_PRECEDENCE[e.op];
    case "Between":
    case "IsNull":
      return COMPARE;
    case "Unary":
      return e.op === "not" ? NOT : NEG;
    default:
      return POSTFIX;
  }
}

/** Source of `e`, parenthesised when it binds looser than `min`. */
function wrap(e: Expr, min: number): string {
  const s = exprToSource(e);
  return precedence(e) < min ? `(${s})` : s;
}

function literalSource(value: number | string | boolean | null, raw: string | undefined): string {
  if (raw !== undefined && raw !== "") return raw;
  return value === null ? "null" : JSON.stringify(value);
}

function name(id: Ident): string {
  return identToSource(id.name);
}

/** The canonical source of an expression. */
export function exprToSource(e: Expr): string {
  switch (e.kind) {
    case "Literal":
      return literalSource(e.value, e.raw);
    case "List":
      return `[${e.items.map(exprToSource).join(", ")}]`;
    case "Name":
      return name(e.name);
    case "Event":
      return "event";
    case "Prev":
      return "prev";
    case "Member":
      return `${wrap(e.object, POSTFIX)}.${identToSource(e.property.name, true)}`;
    case "Index":
      return `${wrap(e.object, POSTFIX)}[${exprToSource(e.index)}]`;
    case "Call":
      return `${identToSource(e.callee.name, true)}(${e.args.map(exprToSource).join(", ")})`;
    case "Unary": {
      if (e.op === "not") return `not ${wrap(e.operand, NOT)}`;
      const operand = wrap(e.operand, NEG);
      // `- -x`, not `--x`; `- 5` stays readable as `-5`.
      return operand.startsWith("-") ? `- ${operand}` : `-${operand}`;
    }
    case "Binary": {
      // A chain in a loop (chain.ts); `acc` is the source of `link.left`.
      const [first, links] = leftSpine(e);
      let acc = exprToSource(first);
      for (const link of links) {
        const p = BINARY_PRECEDENCE[link.op];
        // Left-associative, except comparisons, which do not associate at all.
        const left = precedence(link.left) < (p === COMPARE ? p + 1 : p) ? `(${acc})` : acc;
        acc = `${left} ${link.op} ${wrap(link.right, p + 1)}`;
      }
      return acc;
    }
    case "Between":
      return `${wrap(e.value, ADD)} between ${wrap(e.low, ADD)} and ${wrap(e.high, ADD)}`;
    case "IsNull":
      return `${wrap(e.operand, ADD)} is ${e.negated ? "not null" : "null"}`;
  }
}
