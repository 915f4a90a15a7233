/**
 * Expressions → plain closures, once, at compile time (language.md §3.4).
 *
 * Each AST node becomes one small function of an {@link EvalContext}; nothing walks
 * the tree or looks up a name per event. Variables are resolved to their index in the
 * pattern's variable table here. No closure can throw: the value operations in
 * `functions.ts` turn every wrong type into `null`.
 *
 * ```ts
 * const test = compileCondition(term.where, { variables: info.varIndex, mode: "where" });
 * if (test(ctx)) take(event);
 * ```
 */
import type {
  BinaryExpr,
  BinaryOp,
  CallExpr,
  EmitClause,
  Expr,
  IndexExpr,
  LiteralExpr,
  MemberExpr,
} from "../lang/ast.js";
import { leftSpine, pathSteps } from "../lang/chain.js";
import { FUNCTIONS } from "../lang/types.js";
import type { CompiledCondition, CompiledExpr, EvalContext } from "./eval-context.js";
import {
  AGGREGATES,
  and3,
  comparable,
  compileRegex,
  type EventPath,
  eq,
  finite,
  inList,
  lastOf,
  matchesBuilder,
  not3,
  or3,
  readField,
  readIndex,
  SCALAR_FUNCTIONS,
} from "./functions.js";

/** What an expression may refer to. */
export interface ExprScope {
  /** Variable name → index in the pattern's variable table. */
  readonly variables: ReadonlyMap<string, number>;
  /** `where` (also `until`): bare names are fields of the current event; `emit`: variables. */
  readonly mode: "where" | "emit";
}

/** The result of an `emit` clause: fields in source order. */
export type CompiledEmit = (ctx: EvalContext) => Record<string, unknown>;

const NULL: CompiledExpr = () => null;

function constant(v: unknown): CompiledExpr {
  return () => v;
}

/** Compile an expression into a closure that never throws and never returns `undefined`. */
export function compileExpr(expr: Expr, scope: ExprScope): CompiledExpr {
  return new ExprCompiler(scope).compile(expr);
}

/** Compile a condition: it holds only when the expression is exactly `true`. */
export function compileCondition(expr: Expr, scope: ExprScope): CompiledCondition {
  const f = compileExpr(expr, scope);
  return (ctx) => f(ctx) === true;
}

/**
 * Compile an `emit` clause. Results are plain objects whose fields are set as own data
 * properties (a `__proto__` field is data, never a prototype).
 */
export function compileEmit(emit: EmitClause, scope: ExprScope): CompiledEmit {
  const c = new ExprCompiler({ variables: scope.variables, mode: "emit" });
  const names = emit.fields.map((f) => f.name.name);
  const values = emit.fields.map((f) => c.compile(f.value));
  const n = names.length;
  if (!names.includes("__proto__")) {
    return (ctx) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) out[names[i]] = values[i](ctx);
      return out;
    };
  }
  return (ctx) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      Object.defineProperty(out, names[i], {
        value: values[i](ctx),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
}

/** The literal value of `e` when it is a literal, else undefined. */
function literalValue(e: Expr): LiteralExpr["value"] | undefined {
  return e.kind === "Literal" ? e.value : undefined;
}

type CompareOp = "<" | "<=" | ">" | ">=" | "==" | "!=";

const FLIPPED: Record<CompareOp, CompareOp> = {
  "<": ">",
  "<=": ">=",
  ">": "<",
  ">=": "<=",
  "==": "==",
  "!=": "!=",
};

/** `l op k` for a number or string constant `k`: the common `price > 10` shape, one closure. */
function compareConst(op: CompareOp, l: CompiledExpr, k: number | string): CompiledExpr {
  const t = typeof k;
  switch (op) {
    case "==":
      return (ctx) => {
        const a = l(ctx);
        return typeof a === t ? a === k : null;
      };
    case "!=":
      return (ctx) => {
        const a = l(ctx);
        return typeof a === t ? a !== k : null;
      };
    case "<":
      return (ctx) => {
        const a = l(ctx);
        return typeof a === t ? (a as typeof k) < k : null;
      };
    case "<=":
      return (ctx) => {
        const a = l(ctx);
        return typeof a === t ? (a as typeof k) <= k : null;
      };
    case ">":
      return (ctx) => {
        const a = l(ctx);
        return typeof a === t ? (a as typeof k) > k : null;
      };
    case ">=":
      return (ctx) => {
        const a = l(ctx);
        return typeof a === t ? (a as typeof k) >= k : null;
      };
  }
}

/** `l op r` for two computed operands. */
function compare(op: CompareOp, l: CompiledExpr, r: CompiledExpr): CompiledExpr {
  switch (op) {
    case "==":
      return (ctx) => eq(l(ctx), r(ctx));
    case "!=":
      return (ctx) => {
        const e = eq(l(ctx), r(ctx));
        return e === null ? null : !e;
      };
    case "<":
      return (ctx) => {
        const a = l(ctx);
        const b = r(ctx);
        return comparable(a, b) ? (a as number) < (b as number) : null;
      };
    case "<=":
      return (ctx) => {
        const a = l(ctx);
        const b = r(ctx);
        return comparable(a, b) ? (a as number) <= (b as number) : null;
      };
    case ">":
      return (ctx) => {
        const a = l(ctx);
        const b = r(ctx);
        return comparable(a, b) ? (a as number) > (b as number) : null;
      };
    case ">=":
      return (ctx) => {
        const a = l(ctx);
        const b = r(ctx);
        return comparable(a, b) ? (a as number) >= (b as number) : null;
      };
  }
}

type ArithOp = "+" | "-" | "*" | "/" | "%";

function arithmetic(op: ArithOp, l: CompiledExpr, r: CompiledExpr): CompiledExpr {
  const apply = ARITH[op];
  return (ctx) => {
    const a = l(ctx);
    if (typeof a !== "number") return null;
    const b = r(ctx);
    return typeof b === "number" ? finite(apply(a, b)) : null;
  };
}

// Division and `%` by zero give a non-finite result, which `finite` turns into null.
const ARITH: Record<ArithOp, (a: number, b: number) => number> = {
  "+": (a, b) => a + b,
  "-": (a, b) => a - b,
  "*": (a, b) => a * b,
  "/": (a, b) => a / b,
  "%": (a, b) => a % b,
};

/** Chains with more links than this compile to {@link chainLoop}; shorter ones to one closure per operator. */
const CHAIN_LOOP_MIN = 16;

/** `first op[0] rights[0] op[1] rights[1] …`, left to right, with the rules of the closures above. */
function chainLoop(
  first: CompiledExpr,
  ops: readonly BinaryOp[],
  rights: readonly CompiledExpr[],
): CompiledExpr {
  const n = ops.length;
  return (ctx) => {
    let acc = first(ctx);
    for (let i = 0; i < n; i++) {
      const op = ops[i];
      if (op === "and") acc = acc === false ? false : and3(acc, rights[i](ctx));
      else if (op === "or") acc = acc === true ? true : or3(acc, rights[i](ctx));
      else if (op === "in") acc = inList(acc, rights[i](ctx));
      else if (op === "==" || op === "!=") {
        const e = eq(acc, rights[i](ctx));
        acc = e === null || op === "==" ? e : !e;
      } else if (op === "<" || op === "<=" || op === ">" || op === ">=") {
        const b = rights[i](ctx);
        acc = comparable(acc, b) ? COMPARE[op](acc as number, b as number) : null;
      } else if (typeof acc !== "number") acc = null;
      else {
        const b = rights[i](ctx);
        acc = typeof b === "number" ? finite(ARITH[op](acc, b)) : null;
      }
    }
    return acc;
  };
}

const COMPARE: Record<"<" | "<=" | ">" | ">=", (a: number, b: number) => boolean> = {
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
};

/**
 * Compiled subexpressions by structure (source form without spans, mode, variable
 * table): closures are pure functions of these, so patterns that repeat a subexpression
 * share one closure. With many similar patterns (W7: 1,000 patterns differing in one
 * literal) the shared part of every condition is one set of functions and contexts that
 * stays in the CPU cache instead of a thousand copies. Bounded: cleared when full.
 */
const shared = new Map<string, CompiledExpr>();
const SHARED_LIMIT = 20_000;
const noSpans = (k: string, v: unknown) => (k === "span" ? undefined : v);

class ExprCompiler {
  private readonly scopeKey: string;
  constructor(private readonly scope: ExprScope) {
    this.scopeKey = `${scope.mode}\u0000${JSON.stringify([...scope.variables])}\u0000`;
  }

  compile(e: Expr): CompiledExpr {
    let key: string;
    try {
      key = this.scopeKey + JSON.stringify(e, noSpans);
    } catch {
      // Too deep for JSON.stringify (a chain of thousands of terms): not shared.
      return this.build(e);
    }
    let f = shared.get(key);
    if (f === undefined) {
      f = this.build(e);
      if (shared.size >= SHARED_LIMIT) shared.clear();
      shared.set(key, f);
    }
    return f;
  }

  private build(e: Expr): CompiledExpr {
    switch (e.kind) {
      case "Literal":
        return constant(e.value);
      case "List": {
        const items = e.items.map((i) => this.compile(i));
        return (ctx) => {
          const out = new Array<unknown>(items.length);
          for (let i = 0; i < items.length; i++) out[i] = items[i](ctx);
          return out;
        };
      }
      case "Name": {
        const name = e.name.name;
        if (this.scope.mode === "where") return (ctx) => readField(ctx.event, name);
        const v = this.scope.variables.get(name);
        // In `emit` a bare variable is the array of its events (a copy: the output may be kept).
        return v === undefined ? NULL : (ctx) => ctx.taken(v).slice();
      }
      case "Event":
        return (ctx) => ctx.event ?? null;
      case "Prev":
        return (ctx) => ctx.prev() ?? null;
      case "Member":
        return this.member(e);
      case "Index":
        return this.index(e);
      case "Call":
        return this.call(e);
      case "Unary": {
        const a = this.compile(e.operand);
        if (e.op === "not") return (ctx) => not3(a(ctx));
        return (ctx) => {
          const x = a(ctx);
          return typeof x === "number" ? -x : null;
        };
      }
      case "Binary":
        return this.binary(e);
      case "Between": {
        const v = this.compile(e.value);
        const lo = this.compile(e.low);
        const hi = this.compile(e.high);
        // SQL: `v between lo and hi` is `v >= lo and v <= hi`, in three-valued logic.
        return (ctx) => {
          const x = v(ctx);
          const a = lo(ctx);
          const b = hi(ctx);
          const ge = comparable(x, a) ? (x as number) >= (a as number) : null;
          const le = comparable(x, b) ? (x as number) <= (b as number) : null;
          return and3(ge, le);
        };
      }
      case "IsNull": {
        const a = this.compile(e.operand);
        if (e.negated) {
          return (ctx) => {
            const x = a(ctx);
            return x !== null && x !== undefined;
          };
        }
        return (ctx) => {
          const x = a(ctx);
          return x === null || x === undefined;
        };
      }
    }
  }

  /** The variable index when `e` is a name of a variable used as a path root. */
  private rootVariable(e: Expr): number | undefined {
    return e.kind === "Name" ? this.scope.variables.get(e.name.name) : undefined;
  }

  private member(e: MemberExpr): CompiledExpr {
    const name = e.property.name;
    if (e.object.kind === "Name") {
      // `v.f`: field f of v's last taken event.
      const v = this.rootVariable(e.object);
      if (v === undefined) return NULL;
      return (ctx) => readField(ctx.lastTaken(v), name);
    }
    if (e.object.kind === "Event") return (ctx) => readField(ctx.event, name);
    const obj = this.compile(e.object);
    return (ctx) => readField(obj(ctx), name);
  }

  private index(e: IndexExpr): CompiledExpr {
    const k = literalValue(e.index);
    if (e.object.kind === "Name") {
      // `v[i]`: v's i-th taken event.
      const v = this.rootVariable(e.object);
      if (v === undefined) return NULL;
      if (typeof k === "number") {
        if (!Number.isInteger(k) || k < 0) return NULL;
        return (ctx) => ctx.taken(v)[k] ?? null;
      }
      const i = this.compile(e.index);
      return (ctx) => readIndex(ctx.taken(v), i(ctx));
    }
    const obj = this.compile(e.object);
    const i = this.compile(e.index);
    return (ctx) => readIndex(obj(ctx), i(ctx));
  }

  private binary(e: BinaryExpr): CompiledExpr {
    // A long chain (`a + b + …`, thousands of terms) is one loop: neither compiling nor
    // evaluating it recurses per operand (lang/chain.ts).
    const [first, links] = leftSpine(e);
    if (links.length > CHAIN_LOOP_MIN) {
      return chainLoop(
        this.compile(first),
        links.map((l) => l.op),
        links.map((l) => this.compile(l.right)),
      );
    }
    const op = e.op;
    switch (op) {
      case "and": {
        const l = this.compile(e.left);
        const r = this.compile(e.right);
        return (ctx) => {
          const a = l(ctx);
          return a === false ? false : and3(a, r(ctx));
        };
      }
      case "or": {
        const l = this.compile(e.left);
        const r = this.compile(e.right);
        return (ctx) => {
          const a = l(ctx);
          return a === true ? true : or3(a, r(ctx));
        };
      }
      case "in":
        return this.inList(e);
      case "==":
      case "!=":
      case "<":
      case "<=":
      case ">":
      case ">=": {
        const kr = literalValue(e.right);
        const kl = literalValue(e.left);
        if (typeof kr === "number" || typeof kr === "string")
          return compareConst(op, this.compile(e.left), kr);
        if (typeof kl === "number" || typeof kl === "string")
          return compareConst(FLIPPED[op], this.compile(e.right), kl);
        return compare(op, this.compile(e.left), this.compile(e.right));
      }
      default:
        return arithmetic(op, this.compile(e.left), this.compile(e.right));
    }
  }

  private inList(e: BinaryExpr): CompiledExpr {
    const l = this.compile(e.left);
    const right = e.right;
    if (right.kind === "List" && right.items.every((i) => i.kind === "Literal")) {
      // A constant list: one Set lookup (it keeps only the values `==` can match).
      const set = new Set<unknown>();
      for (const item of right.items) if (item.kind === "Literal" && item.value !== null) set.add(item.value);
      return (ctx) => {
        const x = l(ctx);
        if (x === null || x === undefined) return null;
        const t = typeof x;
        return t === "number" || t === "string" || t === "boolean" ? set.has(x) : false;
      };
    }
    const r = this.compile(right);
    return (ctx) => inList(l(ctx), r(ctx));
  }

  private call(e: CallExpr): CompiledExpr {
    const name = e.callee.name;
    const fn = FUNCTIONS.get(name);
    if (fn === undefined) return NULL;
    const args = e.args;
    switch (fn.kind) {
      case "key":
        return (ctx) => ctx.key ?? null;
      case "time": {
        const arg = args[0];
        if (arg === undefined) return (ctx) => ctx.time;
        if (arg.kind === "Prev") return (ctx) => ctx.prevTime() ?? null;
        const v = this.rootVariable(arg);
        return v === undefined ? NULL : (ctx) => lastOf(ctx.takenTimes(v));
      }
      case "event": {
        const arg = args[0];
        if (arg === undefined) return NULL;
        if (arg.kind === "Prev") return (ctx) => ctx.prev() ?? null;
        const v = this.rootVariable(arg);
        if (v === undefined) return NULL;
        if (name === "first") return (ctx) => ctx.taken(v)[0] ?? null;
        return (ctx) => ctx.lastTaken(v);
      }
      case "aggregate":
        return this.aggregate(name, args[0]);
      case "scalar": {
        const compiled =
          fn.maxArgs === 0 ? [] : Array.from({ length: fn.maxArgs }, (_, i) => this.optional(args[i]));
        if (name === "matches") {
          const re =
            args[1]?.kind === "Literal" && typeof args[1].value === "string"
              ? compileRegex(args[1].value)
              : null;
          return matchesBuilder(compiled[0], re);
        }
        const build = SCALAR_FUNCTIONS.get(name);
        return build === undefined ? NULL : build(compiled);
      }
    }
  }

  private optional(e: Expr | undefined): CompiledExpr {
    return e === undefined ? NULL : this.compile(e);
  }

  /** `count(v)`, `sum(v.a.b)`: the root variable, then a path read from each of its events. */
  private aggregate(name: string, arg: Expr | undefined): CompiledExpr {
    const build = AGGREGATES.get(name);
    if (build === undefined || arg === undefined) return NULL;
    const [root, steps] = pathSteps(arg);
    const v = this.rootVariable(root);
    if (v === undefined) return NULL;
    let path: EventPath | null = null;
    for (const step of steps) path = this.pathStep(path, step);
    return build(v, path);
  }

  /** Extend a per-event path by one `.f` or `[i]` step. */
  private pathStep(prior: EventPath | null, step: MemberExpr | IndexExpr): EventPath {
    if (step.kind === "Member") {
      const f = step.property.name;
      if (prior === null) return (ev) => readField(ev, f);
      return (ev, ctx) => readField(prior(ev, ctx), f);
    }
    const i = this.compile(step.index);
    if (prior === null) return (ev, ctx) => readIndex(ev, i(ctx));
    return (ev, ctx) => readIndex(prior(ev, ctx), i(ctx));
  }
}
