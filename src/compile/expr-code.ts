/**
 * Conditions → JavaScript source, for generated matchers (codegen; issue #16).
 *
 * The emitted expression gives exactly what the closure of `expr.ts` gives — that
 * compiler is the reference; `test/property/expr-code.test.ts` compares the two on
 * random expressions, events and contexts. Every value operation is a call of a helper
 * of `code-helpers.ts` (the functions the closures use), so the source only removes the
 * closure layers: V8 inlines the helpers at monomorphic call sites.
 *
 * Safety: nothing from the pattern becomes code. Literal values, field names and
 * constant lists reach the source only as `scope.literal(value)` (an expression reading
 * a parameter); variables are their table indices (numbers); helper names are written
 * here. Hence two conditions that differ only in literals (or field names) give the same
 * source text.
 *
 * The condition holds when the expression is exactly `true`. `and`, `or`, `not`, `if`
 * and `is null` under that test become JavaScript `&&`, `||`, `!`, `?:` and `== null`
 * (SQL three-valued logic is exact here: `a and b` is `true` iff both are `true`, `false`
 * iff either is `false`); elsewhere they are helper calls on values.
 *
 * Falls back (null: the runtime calls the closure) for: operator chains or nesting
 * deeper than {@link MAX_DEPTH} (the closure compiler loops over long chains; nested
 * source would not), and aggregates over a path with a computed index
 * (`sum(v.xs[count(v)])`). Everything else is emitted.
 *
 * ```ts
 * const src = conditionCode(term.where, { variables, mode: "where" }, scope);
 * // `H.gt(H.field(ev, L[0], ev?.[L[0]]), L[1]) === true` for `price > 10`
 * ```
 */
import type { BinaryExpr, CallExpr, Expr, IndexExpr, MemberExpr } from "../lang/ast.js";
import { pathSteps } from "../lang/chain.js";
import { FUNCTIONS } from "../lang/types.js";
import type { PathStep } from "./code-helpers.js";
import type { ExprScope } from "./expr.js";
import { compileRegex } from "./functions.js";
import type { CodeScope } from "./nfa.js";

/** Nesting (chain links included) beyond which a condition is left to its closure. */
const MAX_DEPTH = 200;

/**
 * The JavaScript source of condition `expr` (a `where` or `until`): a boolean expression
 * true exactly when the closure of `compileCondition(expr, exprScope)` is, or null when
 * the expression has a form this emitter leaves to the closure.
 */
export function conditionCode(expr: Expr, exprScope: ExprScope, scope: CodeScope): string | null {
  if (exprScope.mode !== "where") return null;
  try {
    return new Emitter(exprScope.variables, scope).test(expr, true, 0);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}

/**
 * The JavaScript source of expression `expr` in a `where`: its value, exactly as
 * `compileExpr(expr, exprScope)` gives it (null where {@link conditionCode} is null).
 */
export function valueCode(expr: Expr, exprScope: ExprScope, scope: CodeScope): string | null {
  if (exprScope.mode !== "where") return null;
  try {
    return new Emitter(exprScope.variables, scope).value(expr, 0);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}

/** A form left to the closure. */
class Unsupported extends Error {}

/** Values prepared once per AST node (a compiled regex, a constant set, a path): the same object on every emit. */
const prepared = new WeakMap<Expr, unknown>();

function preparedFor<T>(e: Expr, make: () => T): T {
  if (prepared.has(e)) return prepared.get(e) as T;
  const v = make();
  prepared.set(e, v);
  return v;
}

const COMPARE_HELPER = { "==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge" } as const;
const ARITH_HELPER = { "+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod" } as const;

class Emitter {
  constructor(
    private readonly variables: ReadonlyMap<string, number>,
    private readonly s: CodeScope,
  ) {}

  private h(name: string): string {
    return this.s.helper(name);
  }

  private call(name: string, args: readonly string[]): string {
    return `${this.h(name)}(${args.join(", ")})`;
  }

  /** The variable index when `e` is the name of a variable. */
  private variable(e: Expr): number | undefined {
    return e.kind === "Name" ? this.variables.get(e.name.name) : undefined;
  }

  /** A JavaScript boolean: the expression's value is exactly `want`. */
  test(e: Expr, want: boolean, depth: number): string {
    if (depth > MAX_DEPTH) throw new Unsupported();
    const d = depth + 1;
    switch (e.kind) {
      case "Binary":
        if (e.op === "and" || e.op === "or") {
          // true-and / false-or: both sides; false-and / true-or: either side.
          const both = (e.op === "and") === want;
          return `(${this.test(e.left, want, d)} ${both ? "&&" : "||"} ${this.test(e.right, want, d)})`;
        }
        break;
      case "Unary":
        if (e.op === "not") return this.test(e.operand, !want, d);
        break;
      case "IsNull":
        // Always true or false.
        return `(${this.value(e.operand, d)} ${e.negated === want ? "!=" : "=="} null)`;
      case "Call":
        if (e.callee.name === "if") {
          // `if(c, a, b)` is `b` unless `c` is exactly true (a missing argument is null).
          const [c, a, b] = e.args;
          return `(${this.testArg(c, true, d)} ? ${this.testArg(a, want, d)} : ${this.testArg(b, want, d)})`;
        }
        break;
    }
    return `(${this.value(e, d)} === ${want})`;
  }

  /** {@link test} of an argument that may be missing (then null: never `true` or `false`). */
  private testArg(e: Expr | undefined, want: boolean, depth: number): string {
    return e === undefined ? "false" : this.test(e, want, depth);
  }

  /** A JavaScript expression with the closure's value. */
  value(e: Expr, depth: number): string {
    if (depth > MAX_DEPTH) throw new Unsupported();
    const d = depth + 1;
    const s = this.s;
    switch (e.kind) {
      case "Literal":
        return s.literal(e.value);
      case "List":
        return `[${e.items.map((i) => this.value(i, d)).join(", ")}]`;
      case "Name":
        // `where` mode: a bare name is a field of the current event.
        return this.eventField(e.name.name);
      case "Event":
        return `(${s.ev} ?? null)`;
      case "Prev":
        return `(${s.ctx}.prev() ?? null)`;
      case "Member":
        return this.member(e, d);
      case "Index":
        return this.index(e, d);
      case "Call":
        return this.callExpr(e, d);
      case "Unary":
        return this.call(e.op === "not" ? "not3" : "neg", [this.value(e.operand, d)]);
      case "Binary":
        return this.binary(e, d);
      case "Between":
        return this.call("between", [this.value(e.value, d), this.value(e.low, d), this.value(e.high, d)]);
      case "IsNull":
        return `(${this.value(e.operand, d)} ${e.negated ? "!=" : "=="} null)`;
    }
  }

  /** `readField(ev, name)`, the field read at its own site in the generated code. */
  private eventField(name: string): string {
    const n = this.s.literal(name);
    return this.call("field", [this.s.ev, n, `${this.s.ev}?.[${n}]`]);
  }

  private member(e: MemberExpr, d: number): string {
    const name = e.property.name;
    if (e.object.kind === "Name") {
      // `v.f`: field f of v's last taken event.
      const v = this.variable(e.object);
      if (v === undefined) return "null";
      return this.call("readField", [`${this.s.ctx}.lastTaken(${v})`, this.s.literal(name)]);
    }
    if (e.object.kind === "Event") return this.eventField(name);
    return this.call("readField", [this.value(e.object, d), this.s.literal(name)]);
  }

  private index(e: IndexExpr, d: number): string {
    if (e.object.kind === "Name") {
      // `v[i]`: v's i-th taken event.
      const v = this.variable(e.object);
      if (v === undefined) return "null";
      return this.call("readIndex", [`${this.s.ctx}.taken(${v})`, this.value(e.index, d)]);
    }
    return this.call("readIndex", [this.value(e.object, d), this.value(e.index, d)]);
  }

  private binary(e: BinaryExpr, d: number): string {
    const op = e.op;
    switch (op) {
      case "and":
        return this.call("and3", [this.value(e.left, d), this.value(e.right, d)]);
      case "or":
        return this.call("or3", [this.value(e.left, d), this.value(e.right, d)]);
      case "in": {
        const right = e.right;
        if (right.kind === "List" && right.items.every((i) => i.kind === "Literal")) {
          // A constant list: the closure's Set of the non-null constants, built once.
          const set = preparedFor(right, () => {
            const out = new Set<unknown>();
            for (const item of right.items)
              if (item.kind === "Literal" && item.value !== null) out.add(item.value);
            return out;
          });
          return this.call("inSet", [this.value(e.left, d), this.s.literal(set)]);
        }
        return this.call("inList", [this.value(e.left, d), this.value(right, d)]);
      }
      case "==":
      case "!=":
      case "<":
      case "<=":
      case ">":
      case ">=":
        return this.call(COMPARE_HELPER[op], [this.value(e.left, d), this.value(e.right, d)]);
      default:
        return this.call(ARITH_HELPER[op], [this.value(e.left, d), this.value(e.right, d)]);
    }
  }

  private callExpr(e: CallExpr, d: number): string {
    const name = e.callee.name;
    const fn = FUNCTIONS.get(name);
    if (fn === undefined) return "null";
    const args = e.args;
    const ctx = this.s.ctx;
    switch (fn.kind) {
      case "key":
        return `(${ctx}.key ?? null)`;
      case "time": {
        const arg = args[0];
        if (arg === undefined) return `${ctx}.time`;
        if (arg.kind === "Prev") return `(${ctx}.prevTime() ?? null)`;
        const v = this.variable(arg);
        return v === undefined ? "null" : this.call("lastOf", [`${ctx}.takenTimes(${v})`]);
      }
      case "event": {
        const arg = args[0];
        if (arg === undefined) return "null";
        if (arg.kind === "Prev") return `(${ctx}.prev() ?? null)`;
        const v = this.variable(arg);
        if (v === undefined) return "null";
        return name === "first" ? `(${ctx}.taken(${v})[0] ?? null)` : `${ctx}.lastTaken(${v})`;
      }
      case "aggregate":
        return this.aggregate(name, args[0]);
      case "scalar": {
        // The closure compiles `maxArgs` arguments (a missing one is null) and ignores the rest.
        const arg = (i: number) => {
          const a = args[i];
          return a === undefined ? "null" : this.value(a, d);
        };
        if (name === "if") return `(${this.testArg(args[0], true, d)} ? ${arg(1)} : ${arg(2)})`;
        if (name === "matches") {
          const pattern = args[1];
          const re =
            pattern?.kind === "Literal" && typeof pattern.value === "string"
              ? preparedFor(pattern, () => compileRegex(pattern.value as string))
              : null;
          return this.call("matches", [arg(0), this.s.literal(re)]);
        }
        return this.call(
          name,
          Array.from({ length: fn.maxArgs }, (_, i) => arg(i)),
        );
      }
    }
  }

  /** `count(v)`, `sum(v.a[0])`: the helper over v's taken events with the path as data. */
  private aggregate(name: string, arg: Expr | undefined): string {
    if (arg === undefined) return "null";
    const [root, steps] = pathSteps(arg);
    const v = this.variable(root);
    if (v === undefined) return "null";
    const path = preparedFor(arg, () => {
      const out: PathStep[] = [];
      for (const step of steps) {
        if (step.kind === "Member") out.push({ field: step.property.name });
        else if (step.index.kind === "Literal") out.push({ index: step.index.value });
        else return null;
      }
      return out;
    });
    if (path === null) throw new Unsupported();
    return this.call(name, [`${this.s.ctx}.taken(${v})`, this.s.literal(path)]);
  }
}
