/**
 * Names in an expression, resolved as the checker resolves them (check-expr.ts): in
 * `where`/`until` a bare name is a field of the current event, in `emit` a variable; a
 * path starts with a variable, `prev`, `event` or a call; `first last time` and the
 * aggregates take a variable. Each is recorded in the {@link IndexBuilder}, with the
 * event type a path reads from when it is known (declared or not: the type's name is
 * enough to collect the fields read of an undeclared type).
 */
import type { Expr, IndexExpr, MemberExpr } from "../../lang/ast.js";
import { leftSpine, pathSteps } from "../../lang/chain.js";
import { FUNCTIONS } from "../../lang/types.js";
import type { IndexBuilder, PatternScope } from "./symbols.js";

/** What a sub-expression is, as far as names go: an event of a type (null: dynamic), or a plain value. */
type Value = { readonly event: string | null } | null;

const DYNAMIC: Value = { event: null };

/**
 * Record every variable, field, function and duration of `e`. `current` is the type of
 * the event being tested (`where` of a typed term), null when dynamic.
 */
export function walkExpr(
  b: IndexBuilder,
  scope: PatternScope,
  e: Expr,
  mode: "where" | "emit",
  current: string | null,
): void {
  new Walker(b, scope, mode, current).visit(e);
}

class Walker {
  constructor(
    private readonly b: IndexBuilder,
    private readonly scope: PatternScope,
    private readonly mode: "where" | "emit",
    private readonly current: string | null,
  ) {}

  visit(e: Expr): Value {
    switch (e.kind) {
      case "Literal":
        if (e.duration) {
          this.b.mark({
            kind: "duration",
            uri: this.scope.uri,
            span: e.span,
            duration: { kind: "Duration", ms: e.value as number, raw: e.raw, span: e.span },
          });
        }
        return null;
      case "List":
        for (const item of e.items) this.visit(item);
        return null;
      case "Name":
        if (this.mode === "emit") this.b.variable(this.scope, e.name.name, e.name.span);
        else if (this.current !== null) this.b.field(this.current, e.name.name, this.scope.uri, e.name.span);
        return null;
      case "Event":
        return { event: this.current };
      case "Prev":
        return DYNAMIC;
      case "Member":
      case "Index":
        return this.path(e);
      case "Call":
        return this.call(e);
      case "Unary":
        this.visit(e.operand);
        return null;
      case "Binary": {
        // Long chains in a loop, as everywhere (chain.ts).
        const [first, links] = leftSpine(e);
        this.visit(first);
        for (const link of links) this.visit(link.right);
        return null;
      }
      case "Between":
        this.visit(e.value);
        this.visit(e.low);
        this.visit(e.high);
        return null;
      case "IsNull":
        this.visit(e.operand);
        return null;
    }
  }

  /** A variable's events: its type, or dynamic; null when the name is no variable. */
  private variable(e: Expr): Value {
    if (e.kind !== "Name") return null;
    const known = this.scope.variables.has(e.name.name);
    const type = this.b.variable(this.scope, e.name.name, e.name.span);
    return known ? { event: type } : null;
  }

  private path(e: MemberExpr | IndexExpr): Value {
    const [root, steps] = pathSteps(e);
    const rootIsVariable = root.kind === "Name";
    let value = rootIsVariable ? this.variable(root) : this.visit(root);
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      if (step.kind === "Index") {
        this.visit(step.index);
        // `v[i]` is one of v's events; indexing anything else gives a plain value.
        value = i === 0 && rootIsVariable ? value : null;
      } else {
        if (value !== null && value.event !== null) {
          this.b.field(value.event, step.property.name, this.scope.uri, step.property.span);
        }
        value = null;
      }
    }
    return value;
  }

  private call(e: Extract<Expr, { kind: "Call" }>): Value {
    const fn = FUNCTIONS.get(e.callee.name);
    this.b.mark({ kind: "function", uri: this.scope.uri, span: e.callee.span, name: e.callee.name });
    if (fn === undefined || fn.kind === "scalar" || fn.kind === "key") {
      for (const a of e.args) this.visit(a);
      return null;
    }
    const arg = e.args[0];
    if (arg === undefined) return null;
    if (arg.kind === "Name") {
      const value = this.variable(arg);
      return fn.kind === "event" ? (value ?? DYNAMIC) : null;
    }
    const value = this.visit(arg);
    return fn.kind === "event" && arg.kind === "Prev" ? (value ?? DYNAMIC) : null;
  }
}
