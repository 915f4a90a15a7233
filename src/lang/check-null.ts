/**
 * Conditions that are never true on a term's first event (warning W2003).
 *
 * `r: Reading{3,} consecutive where temp > prev.temp` never matches: on the loop's first
 * event nothing has been taken, so `prev` is null, `temp > null` is null, and a
 * condition holds only when it is exactly `true` (language.md §3.4). The same holds for
 * `first(v)`, `last(v)`, `v.f`, `v[i]` of a variable with no events yet — the term's own
 * variable on its first event, and the variables of later terms.
 *
 * The check is a small abstract interpretation under the null and three-valued rules of
 * §3.4: each subexpression gets the set of values it can take ({@link N}ull, {@link T}rue,
 * {@link F}alse, any other value {@link X}), reads that are null on the first event get
 * exactly `{N}`, and everything not known gets every value. A term is reported only when
 * its condition cannot be `true` there *and* could be without those reads — so
 * `prev is null or …`, `coalesce(prev.temp, 0)`, `x is not null` and `or` branches that
 * can still hold are never reported, and neither is `where false`.
 *
 * What is unbound on a term's first event: nothing has been taken when no other term can
 * come before it (then `prev` is null too); a variable is unbound when it is the term's
 * own or comes later in the sequence, unless a looping group holds both (an earlier
 * repetition may have bound it).
 */
import type {
  Alternation,
  BinaryOp,
  CallExpr,
  Expr,
  PatternDecl,
  Permute,
  Sequence,
  SequenceItem,
  Term,
} from "./ast.js";
import { leftSpine } from "./chain.js";
import { fill, Hints, Messages, semantic } from "./check-messages.js";
import { canBeAbsent, isLoop, isNegated } from "./check-sequence.js";
import type { Diagnostic } from "./diagnostics.js";
import { exprToSource } from "./expr-text.js";
import { quantifierOf, single } from "./items.js";

/** Value sets, as bits. */
const N = 1;
const T = 2;
const F = 4;
/** Any value that is not null or a boolean (numbers, strings, events, lists). */
const X = 8;
const ANY = N | T | F | X;
/** Values that `and`/`or`/`not` and arithmetic treat as null or reject. */
const NOT_NUMBER = N | T | F;

/** One term with what is certainly unbound on its first event. */
interface Place {
  readonly term: Term;
  /** Variables with no events yet (the term's own included). */
  readonly unbound: { has(name: string): boolean };
  /** True when nothing can have been taken: `prev` is null. */
  readonly nothingTaken: boolean;
}

/** Report every non-negated term whose `where` is never true on its first event. */
export function checkFirstEvents(decl: PatternDecl, file: string, report: (d: Diagnostic) => void): void {
  for (const place of places(decl.match)) {
    const where = place.term.where;
    if (where === null) continue;
    const culprits: Expr[] = [];
    const known = new Interpreter(place, culprits).value(where);
    if ((known & T) !== 0 || culprits.length === 0) continue;
    // Only when the null reads are why: without them the condition could hold.
    if ((new Interpreter(null, []).value(where) & T) === 0) continue;
    const culprit = culprits[0];
    report(
      semantic(
        Messages.NeverTrueOnFirstEvent,
        file,
        culprit.span,
        [exprToSource(culprit), place.term.variable.name],
        hintFor(place, culprit),
      ),
    );
  }
}

function hintFor(place: Place, culprit: Expr): string {
  const name = place.term.variable.name;
  const root = rootVariable(culprit);
  if (root === null || !place.unbound.has(root))
    return fill(Hints.PrevOnFirstTerm, [name, place.term.type?.name ?? "*"]);
  if (root === name) return fill(Hints.OwnVariableFirst, [name]);
  return fill(Hints.LaterVariable, [root, name]);
}

/** The variable a read starts from (`v.f`, `v[0]`, `first(v)`), or null for `prev`. */
function rootVariable(e: Expr): string | null {
  let r: Expr = e;
  while (r.kind === "Member" || r.kind === "Index") r = r.object;
  if (r.kind === "Call" && r.args[0] !== undefined) r = aggregateRoot(r.args[0]);
  return r.kind === "Name" ? r.name.name : null;
}

/** One term of the pattern, in source order. */
interface Entry {
  readonly term: Term;
  readonly index: number;
  readonly negated: boolean;
  /** Every enclosing looping group or alternation. */
  readonly inside: readonly SequenceItem[];
  /** The enclosing loops an iteration of which may lack this term. */
  readonly absentFrom: readonly SequenceItem[];
  /**
   * The permutes and alternations it is in, each with the element or alternative it is
   * in: a permute's elements come in any order, and another alternative's variables are
   * W2012's (never bound) or, in a loop, maybe bound by an earlier iteration.
   */
  readonly branches: ReadonlyMap<Permute | Alternation, number>;
}

/**
 * Every non-negated term with what is unbound on its first event. Variable `o` may be
 * bound there when it comes before the term, or when a looping group holds both and the
 * term can be absent from an iteration of it (then its first event may come in a later
 * iteration, after `o` took events); otherwise a term's first event comes in the first
 * iteration of every enclosing group, before anything after it.
 */
function places(match: Sequence): Place[] {
  const all: Entry[] = [];
  const walk = (
    seq: Sequence,
    inside: readonly SequenceItem[],
    absentFrom: readonly SequenceItem[],
    branches: ReadonlyMap<Permute | Alternation, number>,
  ): void => {
    for (const el of seq.elements) {
      const item = el.item;
      const absent = canBeAbsent(item) ? inside : absentFrom;
      if (item.kind === "Term") {
        all.push({
          term: item,
          index: all.length,
          negated: isNegated(el),
          inside,
          absentFrom: absent,
          branches,
        });
        continue;
      }
      const within = isLoop(quantifierOf(item)) ? [...inside, item] : inside;
      if (item.kind === "Permute") {
        item.elements.forEach((e, i) => {
          walk(single(e), within, absent, new Map([...branches, [item, i]]));
        });
      } else if (item.kind === "Alternation") {
        // Each iteration of an enclosing loop may choose another alternative.
        item.alternatives.forEach((alt, i) => {
          walk(alt, within, within, new Map([...branches, [item, i]]));
        });
      } else walk(item.body, within, absent, branches);
    }
  };
  walk(match, [], [], new Map());
  const byName = new Map<string, Entry>();
  for (const e of all)
    if (!e.negated && !byName.has(e.term.variable.name)) byName.set(e.term.variable.name, e);
  // A later term in another element of the same permute may come first in some order;
  // one in another alternative is not "later" at all.
  const apart = (t: Entry, o: Entry): boolean =>
    [...t.branches].some(([p, i]) => o.branches.has(p) && o.branches.get(p) !== i);
  const unboundAt = (t: Entry, o: Entry): boolean =>
    o === t || (o.index > t.index && !apart(t, o) && !t.absentFrom.some((g) => o.inside.includes(g)));
  const out: Place[] = [];
  for (const t of all) {
    if (t.negated || t.term.where === null) continue;
    // Only the first term can have nothing taken before it (a sequence cannot begin with a negation).
    const nothingTaken = t.index === 0 && all.every((o) => o.negated || unboundAt(t, o));
    const unbound = {
      has: (name: string) => {
        const o = byName.get(name);
        return o !== undefined && unboundAt(t, o);
      },
    };
    out.push({ term: t.term, unbound, nothingTaken });
  }
  return out;
}

/** The sets of values of expressions on the first event of `place` (null: nothing known). */
class Interpreter {
  constructor(
    private readonly place: Place | null,
    private readonly culprits: Expr[],
  ) {}

  /** A read that is null there: recorded, and `{N}`. */
  private nullRead(e: Expr): number {
    this.culprits.push(e);
    return N;
  }

  private unbound(e: Expr): boolean {
    if (this.place === null) return false;
    if (e.kind === "Prev") return this.place.nothingTaken;
    return e.kind === "Name" && this.place.unbound.has(e.name.name);
  }

  value(e: Expr): number {
    switch (e.kind) {
      case "Literal":
        return e.value === null ? N : e.value === true ? T : e.value === false ? F : X;
      case "List":
      case "Event":
        return X;
      case "Name":
        return ANY;
      case "Prev":
        return this.unbound(e) ? this.nullRead(e) : N | X;
      case "Member":
      case "Index": {
        // `v.f`, `v[i]` read v's events; anything else reads a value.
        if (e.object.kind === "Name") return this.unbound(e.object) ? this.nullRead(e) : ANY;
        return this.value(e.object) === N ? N : ANY;
      }
      case "Call":
        return this.call(e);
      case "Unary": {
        const a = this.value(e.operand);
        if (e.op === "-") return (a & ~NOT_NUMBER) === 0 ? N : N | X;
        return ((a & T) !== 0 ? F : 0) | ((a & F) !== 0 ? T : 0) | ((a & (N | X)) !== 0 ? N : 0);
      }
      case "Binary": {
        const [first, links] = leftSpine(e);
        let acc = this.value(first);
        for (const link of links) acc = binary(link.op, acc, this.value(link.right));
        return acc;
      }
      case "Between": {
        const v = this.value(e.value);
        const ge = v === N || this.value(e.low) === N ? N : N | T | F;
        const le = v === N || this.value(e.high) === N ? N : N | T | F;
        return logic(and3, ge, le);
      }
      case "IsNull": {
        const a = this.value(e.operand);
        const isNull = a === N ? T : (a & N) === 0 ? F : T | F;
        if (!e.negated) return isNull;
        return isNull === T ? F : isNull === F ? T : T | F;
      }
    }
  }

  private call(e: CallExpr): number {
    const arg = e.args[0];
    switch (e.callee.name) {
      case "first":
      case "last":
      case "time":
        if (arg === undefined) return X;
        return this.unbound(arg) ? this.nullRead(e) : N | X;
      case "avg":
      case "min":
      case "max":
        return arg !== undefined && this.unbound(aggregateRoot(arg)) ? this.nullRead(e) : N | X;
      case "count":
      case "sum":
        return X | N;
      case "coalesce": {
        const a = arg === undefined ? N : this.value(arg);
        return (a & N) === 0 ? a : (a & ~N) | (e.args[1] === undefined ? N : this.value(e.args[1]));
      }
      case "if": {
        const c = arg === undefined ? N : this.value(arg);
        const then = (c & T) !== 0 && e.args[1] !== undefined ? this.value(e.args[1]) : 0;
        const otherwise = (c & ~T) !== 0 ? (e.args[2] === undefined ? N : this.value(e.args[2])) : 0;
        return then | otherwise;
      }
      case "contains":
      case "startsWith":
      case "endsWith":
      case "matches": {
        const values = e.args.map((a) => this.value(a));
        return values.some((v) => (v & X) === 0) ? N : N | T | F;
      }
      case "abs":
      case "round":
      case "floor":
      case "ceil":
      case "lower":
      case "upper":
      case "len":
        return arg === undefined || (this.value(arg) & X) === 0 ? N : N | X;
      default:
        return ANY;
    }
  }
}

/** The node an aggregate reads events from: `v` in `sum(v.a.b)`. */
function aggregateRoot(arg: Expr): Expr {
  let r = arg;
  while (r.kind === "Member" || r.kind === "Index") r = r.object;
  return r;
}

function and3(a: number, b: number): number {
  if (a === F || b === F) return F;
  return a === T && b === T ? T : N;
}

function or3(a: number, b: number): number {
  if (a === T || b === T) return T;
  return a === F && b === F ? F : N;
}

/** A three-valued operator over value sets; a non-boolean counts as null. */
function logic(op: (a: number, b: number) => number, a: number, b: number): number {
  let out = 0;
  for (const p of [T, F, N]) {
    const pa = p === N ? a & (N | X) : a & p;
    if (pa === 0) continue;
    for (const q of [T, F, N]) {
      const qb = q === N ? b & (N | X) : b & q;
      if (qb !== 0) out |= op(p, q);
    }
  }
  return out;
}

function binary(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case "and":
      return logic(and3, a, b);
    case "or":
      return logic(or3, a, b);
    case "+":
    case "-":
    case "*":
    case "/":
    case "%":
      return (a & X) === 0 || (b & X) === 0 ? N : N | X;
    default:
      // Comparisons and `in`: null when either side is null; booleans compare with `==`.
      return a === N || b === N ? N : N | T | F;
  }
}
