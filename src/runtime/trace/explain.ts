/**
 * Explaining one step of one partial match: the decision graph walked again, in the
 * same order as the matcher walks it (`Matcher.decisionGraph`), with every condition's
 * result and, for the ones that decided against the event, the part that did — a term's
 * type test, one `where` conjunct with the values it read, a loop's `until`, a greedy
 * loop's condition. Used only for traced keys; the matcher itself never calls this.
 */
import type { PatternDebug, TermDebug } from "../../compile/debug.js";
import type { CompiledPattern } from "../../compile/model.js";
import type { Cond, Edge, NfaState } from "../../compile/nfa.js";
import { type Branch, type Context, lastCell } from "../matcher.js";
import type { TraceReason, TraceValue } from "./records.js";

/** One edge met on the walk: whether its condition held, and the leaf that decided it. */
export interface WalkedEdge {
  readonly edge: Edge;
  /** The state the edge leaves (the branch's own, or one reached through PROCEED edges). */
  readonly source: number;
  readonly holds: boolean;
  readonly why: Culprit | null;
}

/** The leaf of a condition that decided it, and whether it sat under an odd number of `not`s. */
export interface Culprit {
  readonly leaf: Cond;
  readonly negated: boolean;
}

/** Evaluates `c` as `c.test` does (same short-circuits) and names the leaf that decided it. */
export function explainCond(c: Cond, ctx: Context): { holds: boolean; why: Culprit | null } {
  if (c.isTrue) return { holds: true, why: null };
  const p = c.parts;
  if (p === null) return { holds: c.test(ctx), why: { leaf: c, negated: false } };
  switch (p.op) {
    case "and": {
      const a = explainCond(p.a, ctx);
      if (!a.holds) return a;
      return explainCond(p.b, ctx);
    }
    case "not": {
      const r = explainCond(p.c, ctx);
      return { holds: !r.holds, why: r.why === null ? null : { leaf: r.why.leaf, negated: !r.why.negated } };
    }
    default:
      return { holds: c.test(ctx), why: { leaf: c, negated: false } };
  }
}

/** Walks the decision graph from `b`'s state (the context bound to `b` and the event). */
export function walk(states: readonly NfaState[], b: Branch, ctx: Context): WalkedEdge[] {
  ctx.bind(lastCell(b));
  const out: WalkedEdge[] = [];
  const visited = new Set<number>([b.state]);
  const stack = [b.state];
  while (stack.length > 0) {
    const s = stack.pop() as number;
    for (const e of states[s].edges) {
      const r = explainCond(e.cond, ctx);
      out.push({ edge: e, source: s, holds: r.holds, why: r.why });
      if (r.holds && e.action === "proceed" && !visited.has(e.target)) {
        visited.add(e.target);
        stack.push(e.target);
      }
    }
  }
  return out;
}

/** Turns what decided against an edge into a reason, for the term of the state it leaves. */
export class Reasons {
  private readonly debug: PatternDebug | null;

  constructor(
    private readonly pattern: CompiledPattern,
    private readonly ctx: Context,
  ) {
    this.debug = pattern.debug();
  }

  term(variable: number): TermDebug | null {
    return this.debug?.terms[variable] ?? null;
  }

  name(variable: number): string {
    return this.pattern.variables[variable]?.name ?? "(group)";
  }

  /** Why a take edge from `source` did not take the event (its condition was false). */
  rejected(w: WalkedEdge, states: readonly NfaState[]): TraceReason {
    const variable = states[w.source].variable;
    const termName = this.name(variable);
    const why = w.why;
    if (why === null)
      return { rule: "condition", term: termName, condition: "false", result: false, values: [], at: null };
    const leaf = why.leaf;
    const p = leaf.parts;
    if (p !== null && p.op === "until" && why.negated) return this.untilReason(p.variable, leaf.src);
    if (why.negated) {
      // A `not` over a term condition that held: a greedy loop's condition (build-nfa ANDs
      // `not loopTake` into the next stage), or a skip-till-next ignore edge.
      return { rule: "greedy", term: termName, condition: leaf.src, at: this.term(variable)?.at ?? null };
    }
    if (p !== null && p.op === "type") {
      return {
        rule: "type",
        term: termName,
        expected: p.type,
        got: this.ctx.eventType,
        at: this.term(variable)?.at ?? null,
      };
    }
    if (p !== null && p.op === "where") return this.whereReason(p.variable, leaf.src);
    return { rule: "condition", term: termName, condition: leaf.src, result: false, values: [], at: null };
  }

  /** The first `where` conjunct of `variable` that is not true, with the values it read. */
  private whereReason(variable: number, src: string): TraceReason {
    const t = this.term(variable);
    const termName = this.name(variable);
    if (t?.where == null)
      return { rule: "condition", term: termName, condition: src, result: false, values: [], at: null };
    for (const c of t.where.conjuncts) {
      if (c.test(this.ctx)) continue;
      return {
        rule: "condition",
        term: termName,
        condition: c.src,
        result: c.value(this.ctx) === null ? null : false,
        values: c.reads.map((r): TraceValue => ({ expr: r.src, value: r.read(this.ctx) })),
        at: c.at,
      };
    }
    // Every conjunct alone holds but the whole did not (cannot happen for `and`): say the whole.
    return {
      rule: "condition",
      term: termName,
      condition: t.where.src,
      result: false,
      values: [],
      at: t.where.at,
    };
  }

  private untilReason(variable: number, src: string): TraceReason {
    // A group's `until` has no variable: found by its source text among the groups' ones.
    const u =
      variable >= 0
        ? (this.term(variable)?.until ?? null)
        : (this.debug?.groupUntils.find((g) => g.src === src) ?? null);
    return {
      rule: "until",
      term: this.name(variable),
      condition: u?.src ?? src,
      values:
        u === null
          ? []
          : u.conjuncts.flatMap((c) => c.reads.map((r) => ({ expr: r.src, value: r.read(this.ctx) }))),
      at: u?.at ?? null,
    };
  }
}
