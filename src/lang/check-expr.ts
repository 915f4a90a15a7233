/**
 * Semantic checks of one expression (`where`, `until`, `emit`): names, paths, calls,
 * regexes and static types (language.md §2, §3.4).
 */

import { re2 } from "../util/lazy.js";
import { nearest } from "../util/nearest.js";
import type { BinaryExpr, CallExpr, EventDecl, Expr, Ident, IndexExpr, MemberExpr, NameExpr } from "./ast.js";
import { leftSpine, pathSteps } from "./chain.js";
import { fill, Hints, type MessageDef, Messages, NeverTrueWhy, semantic } from "./check-messages.js";
import type { Diagnostic } from "./diagnostics.js";
import { exprToSource } from "./expr-text.js";
import { code } from "./messages.js";
import { FUNCTIONS, fieldStaticType, incompatible, nonNumber, type StaticType } from "./types.js";

/** A declared event type with the static type of each field (role fields included). */
export interface Schema {
  readonly name: string;
  readonly decl: EventDecl;
  readonly fields: ReadonlyMap<string, StaticType>;
}

/** Build a schema; the type and time role fields are implicitly declared (§2). */
export function makeSchema(decl: EventDecl, typeField: string, timeField: string): Schema {
  const fields = new Map<string, StaticType>();
  for (const f of decl.fields)
    if (!fields.has(f.name.name)) fields.set(f.name.name, fieldStaticType(f.type, f.optional));
  // A typed term only matches events whose type field is its name, so the field is a string.
  if (!fields.has(typeField)) fields.set(typeField, "string");
  if (!fields.has(timeField)) fields.set(timeField, "any");
  return { name: decl.name.name, decl, fields };
}

/** What the checker knows about a variable. */
export interface ScopeVariable {
  readonly negated: boolean;
  /** The declared schema of its type; null for `*` and undeclared types. */
  readonly schema: Schema | null;
}

/** Where an expression sits. */
export interface ExprScope {
  /** `where`/`until`: bare names are fields of the current event; `emit`: variables. */
  readonly mode: "where" | "emit";
  /** Schema of the event being tested; null when dynamic (`*`, undeclared, `until`, `emit`). */
  readonly current: Schema | null;
  readonly variables: ReadonlyMap<string, ScopeVariable>;
  readonly file: string;
  readonly report: (d: Diagnostic) => void;
}

/** A static type, plus the schema when the value is a whole event (`v[0]`, `first(v)`, `event`). */
interface Ty {
  readonly type: StaticType;
  /** Present when the value is an event: its schema, or null when dynamic. */
  readonly event?: Schema | null;
}

const ANY: Ty = { type: "any" };
const NUMBER: Ty = { type: "number" };
const BOOLEAN: Ty = { type: "boolean" };
const STATIC: Record<StaticType, Ty> = {
  number: NUMBER,
  string: { type: "string" },
  boolean: BOOLEAN,
  null: { type: "null" },
  any: ANY,
};
const ORDERING = new Set(["<", "<=", ">", ">=", "between"]);

const DYNAMIC_EVENT: Ty = { type: "any", event: null };

function eventTy(schema: Schema | null): Ty {
  return schema === null ? DYNAMIC_EVENT : { type: "any", event: schema };
}

function quoteList(names: Iterable<string>): string {
  return [...names].map((n) => `\`${n}\``).join(", ");
}

function arity(min: number, max: number): string {
  if (max === 0) return "no arguments";
  if (min === max) return `${min} argument${min === 1 ? "" : "s"}`;
  return `${min} to ${max} arguments`;
}

/** Check one expression, reporting through `scope.report`. */
export function checkExpr(e: Expr, scope: ExprScope): void {
  new ExprChecker(scope).visit(e);
}

class ExprChecker {
  constructor(private readonly scope: ExprScope) {}

  private error(def: MessageDef, at: { span: Expr["span"] }, args: (string | number)[] = [], hint?: string) {
    this.scope.report(semantic(def, this.scope.file, at.span, args, hint));
  }

  visit(e: Expr): Ty {
    switch (e.kind) {
      case "Literal":
        if (e.value === null) return STATIC.null;
        return STATIC[typeof e.value as "number" | "string" | "boolean"];
      case "List":
        for (const item of e.items) this.visit(item);
        return ANY;
      case "Name":
        return this.bareName(e);
      case "Event":
        if (this.scope.mode === "emit") this.error(Messages.EventInEmit, e, [], Hints.EventInEmit);
        return eventTy(this.scope.current);
      case "Prev":
        return DYNAMIC_EVENT;
      case "Member":
      case "Index":
        return this.path(e);
      case "Call":
        return this.call(e);
      case "Unary": {
        const t = this.visit(e.operand);
        if (e.op === "not") return BOOLEAN;
        if (nonNumber(t.type)) this.error(Messages.ArithmeticOnNonNumber, e.operand, ["-", t.type]);
        return NUMBER;
      }
      case "Binary": {
        // A chain is walked in a loop (chain.ts): `a + b + …` may have thousands of terms.
        const [first, links] = leftSpine(e);
        let l = this.visit(first);
        for (const link of links) l = this.binary(link, l);
        return l;
      }
      case "Between": {
        const v = this.visit(e.value);
        let clash = false;
        const types = [v.type];
        for (const bound of [e.low, e.high]) {
          const b = this.visit(bound);
          types.push(b.type);
          if (incompatible(v.type, b.type)) {
            this.error(Messages.IncompatibleTypes, bound, [v.type, b.type]);
            clash = true;
          }
        }
        if (!clash) this.neverTrue(e, e.span, types, "between");
        return BOOLEAN;
      }
      case "IsNull":
        this.visit(e.operand);
        return BOOLEAN;
    }
  }

  /** `e` whose left operand, already visited, has type `l`. */
  private binary(e: BinaryExpr, l: Ty): Ty {
    switch (e.op) {
      case "and":
      case "or":
        this.visit(e.right);
        return BOOLEAN;
      case "in": {
        if (e.right.kind !== "List") {
          const r = this.visit(e.right);
          if (r.type !== "any") this.warnNeverTrue(e, e.opSpan, NeverTrueWhy.InNotList, Hints.NeverTrueTypes);
          else if (l.type === "null") this.neverTrue(e, e.opSpan, [l.type], "in");
          return BOOLEAN;
        }
        let clash = false;
        for (const item of e.right.items) {
          const t = this.visit(item);
          if (incompatible(l.type, t.type)) {
            this.error(Messages.IncompatibleTypes, item, [l.type, t.type]);
            clash = true;
          }
        }
        if (!clash) this.neverTrue(e, e.opSpan, [l.type], "in");
        return BOOLEAN;
      }
      case "==":
      case "!=":
      case "<":
      case "<=":
      case ">":
      case ">=": {
        const r = this.visit(e.right);
        if (incompatible(l.type, r.type)) {
          this.scope.report(
            semantic(Messages.IncompatibleTypes, this.scope.file, e.opSpan, [l.type, r.type]),
          );
        } else this.neverTrue(e, e.opSpan, [l.type, r.type], e.op);
        return BOOLEAN;
      }
      default: {
        const r = this.visit(e.right);
        if (nonNumber(l.type)) this.error(Messages.ArithmeticOnNonNumber, e.left, [e.op, l.type]);
        if (nonNumber(r.type)) this.error(Messages.ArithmeticOnNonNumber, e.right, [e.op, r.type]);
        return NUMBER;
      }
    }
  }

  /**
   * W2007: a comparison whose operand types make it null whatever the values (§3.4): a
   * `null` literal operand (`==`, ordering, `in`, `between` all give null for it), or a
   * boolean in an ordering (`<` and `between` compare numbers or strings only). Mismatched
   * known types are already E2071 and are not reported again.
   */
  private neverTrue(e: Expr, span: Expr["span"], types: readonly StaticType[], op: string): void {
    if (types.includes("null")) {
      const other =
        e.kind === "Binary" ? (e.left.kind === "Literal" && e.left.value === null ? e.right : e.left) : null;
      const hint =
        other !== null && (op === "==" || op === "!=")
          ? fill(Hints.NullComparison, [exprToSource(other)])
          : Hints.NeverTrueTypes;
      this.warnNeverTrue(e, span, fill(NeverTrueWhy.Null, [op]), hint);
    } else if (ORDERING.has(op) && types.includes("boolean")) {
      this.warnNeverTrue(e, span, fill(NeverTrueWhy.BooleanOrder, [op]), Hints.NeverTrueTypes);
    }
  }

  private warnNeverTrue(e: Expr, span: Expr["span"], why: string, hint: string): void {
    let text = exprToSource(e);
    if (text.length > 60) text = `${text.slice(0, 57)}…`;
    this.scope.report(semantic(Messages.NeverTrue, this.scope.file, span, [text, why], hint));
  }

  /** A bare name: a field of the current event in `where`/`until`, a variable (its events) in `emit`. */
  private bareName(e: NameExpr): Ty {
    if (this.scope.mode === "emit") {
      this.variable(e.name, null);
      return ANY;
    }
    return this.field(this.scope.current, e.name, true);
  }

  /** Field `id` of an event with `schema` (dynamic when null); `bare` for a bare name in `where`. */
  private field(schema: Schema | null, id: Ident, bare = false): Ty {
    if (schema === null) return ANY;
    const t = schema.fields.get(id.name);
    if (t !== undefined) return STATIC[t];
    const near = nearest(id.name, schema.fields.keys());
    const hint =
      near !== null
        ? fill(Hints.DidYouMean, [near])
        : bare && this.scope.variables.has(id.name)
          ? fill(Hints.BareVariable, [id.name])
          : fill(Hints.FieldsAre, [schema.name, quoteList(schema.decl.fields.map((f) => f.name.name))]);
    this.error(Messages.UnknownField, id, [id.name, schema.name], hint);
    return ANY;
  }

  /**
   * Resolve a name that must be a variable; returns its schema (null when dynamic) or
   * undefined when it is not a usable variable (reported). `path` is the whole path the
   * name starts, for the "write `event.zz.price`" hint in `where`.
   */
  private variable(id: Ident, path: Expr | null): Schema | null | undefined {
    const v = this.scope.variables.get(id.name);
    if (v === undefined) {
      const near = nearest(id.name, this.usableVariables());
      const nested = path !== null && this.scope.mode === "where";
      const hints: string[] = [];
      if (near !== null) hints.push(fill(Hints.DidYouMean, [near]));
      else if (!nested && this.usableVariables().length > 0) {
        hints.push(fill(Hints.VariablesAre, [quoteList(this.usableVariables())]));
      }
      if (nested) hints.push(fill(Hints.NestedField, [code(`event.${exprToSource(path)}`)]));
      this.error(Messages.UnknownVariable, id, [id.name], hints.length > 0 ? hints.join("; ") : undefined);
      return undefined;
    }
    if (v.negated) {
      this.error(Messages.NegatedReference, id, [id.name], Hints.NegatedNeverTakes);
      return undefined;
    }
    return v.schema;
  }

  private usableVariables(): string[] {
    const names: string[] = [];
    for (const [name, v] of this.scope.variables) if (!v.negated) names.push(name);
    return names;
  }

  /** `x.f`, `x[i]` chains: the root is a variable, `prev`, `event` or a call. */
  private path(e: MemberExpr | IndexExpr): Ty {
    const [root, steps] = pathSteps(e);
    let ty: Ty;
    let rootIsVariable = false;
    if (root.kind === "Name") {
      const schema = this.variable(root.name, e);
      ty = schema === undefined ? ANY : eventTy(schema);
      rootIsVariable = schema !== undefined;
    } else {
      ty = this.visit(root);
    }
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      if (step.kind === "Index") {
        this.visit(step.index);
        // `v[i]` picks one of v's events; indexing anything else gives a plain value.
        ty = i === 0 && rootIsVariable ? ty : ANY;
      } else {
        ty = ty.event === undefined ? ANY : this.field(ty.event, step.property);
      }
    }
    return ty;
  }

  private call(e: CallExpr): Ty {
    const name = e.callee.name;
    const fn = FUNCTIONS.get(name);
    if (fn === undefined) {
      const near = nearest(name, FUNCTIONS.keys());
      const hint =
        near !== null
          ? fill(Hints.DidYouMean, [near])
          : fill(Hints.Functions, [[...FUNCTIONS.keys()].join(" ")]);
      this.scope.report(semantic(Messages.UnknownFunction, this.scope.file, e.callee.span, [name], hint));
      for (const a of e.args) this.visit(a);
      return ANY;
    }
    if (e.args.length < fn.minArgs || e.args.length > fn.maxArgs) {
      this.scope.report(
        semantic(Messages.WrongArity, this.scope.file, e.callee.span, [
          name,
          arity(fn.minArgs, fn.maxArgs),
          e.args.length,
        ]),
      );
      if (fn.kind === "scalar") for (const a of e.args) this.visit(a);
      return STATIC[fn.result];
    }
    switch (fn.kind) {
      case "aggregate":
        this.aggregateArg(name, e.args[0]);
        return NUMBER;
      case "event":
        return eventTy(this.eventArg(name, e.args[0]) ?? null);
      case "time":
        if (e.args.length === 1) this.eventArg(name, e.args[0]);
        return NUMBER;
      case "key":
        return ANY;
      case "scalar":
        this.visit(e.args[0]);
        if (name === "matches") this.regexArg(e.args[1]);
        else for (let i = 1; i < e.args.length; i++) this.visit(e.args[i]);
        return STATIC[fn.result];
    }
  }

  /** `first last time`: a variable or `prev`. Returns the variable's schema when known. */
  private eventArg(fn: string, arg: Expr): Schema | null | undefined {
    if (arg.kind === "Prev") return null;
    if (arg.kind === "Name") return this.variable(arg.name, null);
    this.error(Messages.EventArgument, arg, [fn], fill(Hints.EventExample, [fn]));
    return undefined;
  }

  /** `count sum avg min max`: a variable, or a path from one that starts with a field (`v.f.g`). */
  private aggregateArg(fn: string, arg: Expr): void {
    if (arg.kind === "Name") {
      this.variable(arg.name, null);
      return;
    }
    const [root, steps] = pathSteps(arg);
    if (root.kind !== "Name" || steps.length === 0 || steps[0].kind !== "Member") {
      this.error(Messages.AggregateArgument, arg, [fn], fill(Hints.AggregateExample, [fn]));
      return;
    }
    const schema = this.variable(root.name, null);
    let ty: Ty = schema === undefined ? ANY : eventTy(schema);
    for (const step of steps) {
      if (step.kind === "Index") {
        this.visit(step.index);
        ty = ANY;
      } else {
        ty = ty.event === undefined ? ANY : this.field(ty.event, step.property);
      }
    }
  }

  private regexArg(arg: Expr): void {
    if (arg.kind !== "Literal" || typeof arg.value !== "string" || arg.duration) {
      this.visit(arg);
      this.error(Messages.RegexNotLiteral, arg, [], Hints.RegexLiteral);
      return;
    }
    const problem = regexProblem(arg.value);
    if (problem !== null) this.error(Messages.InvalidRegex, arg, [problem], Hints.RegexSyntax);
  }
}

/** Why `source` is not a valid RE2 regex, or null when it is. */
export function regexProblem(source: string): string | null {
  try {
    re2().compile(source);
    return null;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return message.replace(/^error parsing regexp: /, "");
  }
}
