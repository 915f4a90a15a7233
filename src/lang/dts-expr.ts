/**
 * The TypeScript type of an `emit` expression's value, for `cep types` (dts.ts).
 *
 * Sound with respect to the evaluator (compile/expr.ts, compile/functions.ts) and the
 * runtime's schema checks: a type says `number` only where the value is always a
 * number, and adds `null` wherever evaluation can give null (an absent variable, an
 * optional field, arithmetic that overflows or divides by zero, an operand of the wrong
 * type). Where nothing is known it is `unknown`.
 *
 * ```ts
 * typeOfEmit(expr, scope); // ["number", "null"] for `count(a) / count(b)`; null for unknown
 * ```
 */
import type { CallExpr, EventDecl, Expr, FieldDecl, MemberExpr } from "./ast.js";
import { leftSpine } from "./chain.js";

/**
 * A union of TypeScript types, each one source text (`number`, `"Login"`, `LoginEvent[]`),
 * `null` last when present; null means `unknown`.
 */
export type TsType = readonly string[] | null;

/** What an expression may name in `emit`: the pattern's variables. */
export interface EmitScope {
  /** Non-negated variables by name. */
  readonly variables: ReadonlyMap<string, EmitVariable>;
  /** The record's key type as TypeScript text (`string`, `null`, `unknown`). */
  readonly key: string;
  /** The type role field (its value on a typed event is the type name). */
  readonly typeField: string;
  /** Quotes a string as TypeScript source (JSON, with line separators escaped). */
  readonly quote: (s: string) => string;
}

/** One variable as `emit` sees it. */
export interface EmitVariable {
  /** The TypeScript type of one of its events (an interface name or a type literal). */
  readonly element: string;
  /** Its declaration; null for `*` and undeclared types. */
  readonly schema: EventDecl | null;
  /** True when every record of this kind holds at least one of its events. */
  readonly present: boolean;
}

const NUMBER: TsType = ["number"];
const STRING: TsType = ["string"];
const BOOLEAN: TsType = ["boolean"];
const NULL: TsType = ["null"];
const NUMBER_OR_NULL: TsType = ["number", "null"];
const STRING_OR_NULL: TsType = ["string", "null"];
const BOOLEAN_OR_NULL: TsType = ["boolean", "null"];

/** A value's type, plus the event it is when it is one (`first(v)`, `v[0]`). */
interface Ty {
  readonly ts: TsType;
  readonly event?: EmitVariable;
}

const UNKNOWN: Ty = { ts: null };

/** The union of two types (unknown absorbs everything). */
export function union(a: TsType, b: TsType): TsType {
  if (a === null || b === null) return null;
  const atoms = [...a.filter((t) => t !== "null")];
  for (const t of b) if (t !== "null" && !atoms.includes(t)) atoms.push(t);
  if (a.includes("null") || b.includes("null")) atoms.push("null");
  return atoms;
}

/** `t | null`. */
export function orNull(t: TsType): TsType {
  return union(t, NULL);
}

function nonNull(t: TsType): TsType {
  return t === null ? null : t.filter((x) => x !== "null");
}

/** TypeScript text of a type. */
export function render(t: TsType): string {
  if (t === null) return "unknown";
  if (t.length === 0) return "never";
  return t.join(" | ");
}

/** The type of a value read from a declared field (null for an absent optional one). */
export function fieldType(f: FieldDecl): TsType {
  let t: TsType;
  switch (f.type) {
    case "string":
    case "number":
    case "boolean":
      t = [f.type];
      break;
    case "time":
      t = ["number", "string"];
      break;
    case "any":
      return null;
  }
  return f.optional ? orNull(t) : t;
}

/** Every atom is a string (`string` or a string literal type). */
function onlyString(t: TsType): boolean {
  return t !== null && t.length > 0 && t.every((x) => x === "string" || x.startsWith('"'));
}

function only(t: TsType, atom: "number" | "boolean"): boolean {
  return t !== null && t.length === 1 && t[0] === atom;
}

/** Both operands are always numbers, or always strings: a comparison gives a boolean. */
function comparable(a: TsType, b: TsType): boolean {
  return (only(a, "number") && only(b, "number")) || (onlyString(a) && onlyString(b));
}

function onlyPrimitive(t: TsType): boolean {
  return only(t, "number") || only(t, "boolean") || onlyString(t);
}

/** The type of `e`, an `emit` value in `scope`. */
export function typeOfEmit(e: Expr, scope: EmitScope): TsType {
  return new EmitTyper(scope).visit(e).ts;
}

class EmitTyper {
  constructor(private readonly scope: EmitScope) {}

  visit(e: Expr): Ty {
    switch (e.kind) {
      case "Literal":
        if (e.value === null) return { ts: NULL };
        return { ts: [typeof e.value] };
      case "List": {
        if (e.items.length === 0) return { ts: ["unknown[]"] };
        let item: TsType = [];
        for (const i of e.items) item = union(item, this.visit(i).ts);
        return { ts: [`${array(render(item), item)}`] };
      }
      case "Name": {
        // A bare variable is the array of its events (empty when it took none).
        const v = this.scope.variables.get(e.name.name);
        return v === undefined ? UNKNOWN : { ts: [array(v.element, [v.element])] };
      }
      case "Event":
      case "Prev":
        return UNKNOWN;
      case "Member":
        return this.member(e);
      case "Index": {
        const v = e.object.kind === "Name" ? this.scope.variables.get(e.object.name.name) : undefined;
        this.visit(e.index);
        return v === undefined ? UNKNOWN : { ts: [v.element, "null"], event: v };
      }
      case "Call":
        return this.call(e);
      case "Unary": {
        const t = this.visit(e.operand).ts;
        if (e.op === "not") return { ts: only(t, "boolean") ? BOOLEAN : BOOLEAN_OR_NULL };
        return { ts: only(t, "number") ? NUMBER : NUMBER_OR_NULL };
      }
      case "Binary": {
        // A chain is walked in a loop (chain.ts): `a + b + …` may have thousands of terms.
        const [first, links] = leftSpine(e);
        let l = this.visit(first).ts;
        for (const link of links) {
          const r = link.op === "in" && link.right.kind === "List" ? null : this.visit(link.right).ts;
          l = binary(link.op, l, r, link.right.kind === "List");
        }
        return { ts: l };
      }
      case "Between": {
        const v = this.visit(e.value).ts;
        const ok = comparable(v, this.visit(e.low).ts) && comparable(v, this.visit(e.high).ts);
        return { ts: ok ? BOOLEAN : BOOLEAN_OR_NULL };
      }
      case "IsNull":
        return { ts: BOOLEAN };
    }
  }

  /** `v.f` (v's last event), `first(v).f`, `v[i].f`: a declared field; anything else is unknown. */
  private member(e: MemberExpr): Ty {
    let event: EmitVariable | undefined;
    let nullable: boolean;
    if (e.object.kind === "Name") {
      event = this.scope.variables.get(e.object.name.name);
      nullable = event !== undefined && !event.present;
    } else {
      const o = this.visit(e.object);
      event = o.event;
      nullable = o.ts === null || o.ts.includes("null");
    }
    if (event === undefined || event.schema === null) return UNKNOWN;
    const name = e.property.name;
    const decl = event.schema.fields.find((f) => f.name.name === name);
    let t: TsType;
    if (decl !== undefined) t = fieldType(decl);
    else if (name === this.scope.typeField) t = [this.scope.quote(event.schema.name.name)];
    else return UNKNOWN;
    return { ts: nullable ? orNull(t) : t };
  }

  private call(e: CallExpr): Ty {
    const args = e.args.map((a) => (a.kind === "Name" || a.kind === "Prev" ? null : this.visit(a)));
    const arg = (i: number): TsType => args[i]?.ts ?? null;
    const variable = (i: number) => {
      const a = e.args[i];
      return a?.kind === "Name" ? this.scope.variables.get(a.name.name) : undefined;
    };
    switch (e.callee.name) {
      case "count":
        return { ts: NUMBER };
      case "sum":
      case "avg":
      case "min":
      case "max":
        return { ts: NUMBER_OR_NULL };
      case "first":
      case "last": {
        const v = variable(0);
        if (v === undefined) return UNKNOWN; // `prev`
        return { ts: v.present ? [v.element] : [v.element, "null"], event: v };
      }
      case "time": {
        if (e.args.length === 0 || e.args[0].kind === "Prev") return { ts: NUMBER };
        const v = variable(0);
        return { ts: v?.present ? NUMBER : NUMBER_OR_NULL };
      }
      case "key":
        return { ts: this.scope.key === "unknown" ? null : [this.scope.key] };
      case "abs":
      case "round":
      case "floor":
      case "ceil":
        return { ts: only(arg(0), "number") ? NUMBER : NUMBER_OR_NULL };
      case "lower":
      case "upper":
        return { ts: onlyString(arg(0)) ? STRING : STRING_OR_NULL };
      case "len": {
        const t = e.args[0]?.kind === "Name" ? ["unknown[]"] : arg(0);
        const sized = t !== null && t.length > 0 && t.every((x) => x === "string" || x.endsWith("[]"));
        return { ts: sized ? NUMBER : NUMBER_OR_NULL };
      }
      case "contains":
      case "startsWith":
      case "endsWith":
        return { ts: onlyString(arg(0)) && onlyString(arg(1)) ? BOOLEAN : BOOLEAN_OR_NULL };
      case "matches":
        return { ts: BOOLEAN_OR_NULL };
      case "coalesce":
        return { ts: union(nonNull(this.valueOf(e, 0)), this.valueOf(e, 1)) };
      case "if":
        return { ts: union(this.valueOf(e, 1), this.valueOf(e, 2)) };
      default:
        return UNKNOWN;
    }
  }

  /** The type of argument `i` as an ordinary value (a bare variable is its array). */
  private valueOf(e: CallExpr, i: number): TsType {
    const a = e.args[i];
    return a === undefined ? NULL : this.visit(a).ts;
  }
}

/** `T[]`, parenthesised when T is a union. */
function array(text: string, t: TsType): string {
  return t !== null && t.length > 1 ? `(${text})[]` : `${text}[]`;
}

/** A binary operator over operand types (`r` null for a constant list after `in`, or unknown). */
function binary(op: string, l: TsType, r: TsType, rightIsList: boolean): TsType {
  switch (op) {
    case "and":
    case "or":
      return only(l, "boolean") && only(r, "boolean") ? BOOLEAN : BOOLEAN_OR_NULL;
    case "in":
      return rightIsList && onlyPrimitive(l) ? BOOLEAN : BOOLEAN_OR_NULL;
    case "==":
    case "!=":
      return comparable(l, r) || (only(l, "boolean") && only(r, "boolean")) ? BOOLEAN : BOOLEAN_OR_NULL;
    case "<":
    case "<=":
    case ">":
    case ">=":
      return comparable(l, r) ? BOOLEAN : BOOLEAN_OR_NULL;
    default:
      // Overflow, division and `%` by zero give null (§3.4).
      return NUMBER_OR_NULL;
  }
}
