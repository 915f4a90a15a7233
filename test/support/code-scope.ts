/**
 * A small stand-in for a generated matcher's `CodeScope`, for tests of `Cond.emit`: it
 * instantiates an emitted condition the way generated code does (`new Function` over the
 * source, literals and helpers passed as parameters, the event in `ev`) and records what
 * the source used, so tests can check no name outside the helper table is asked for.
 */
import { CODE_HELPERS } from "../../src/compile/code-helpers.js";
import type { CodeScope, Cond, MatchContext } from "../../src/compile/nfa.js";

/** A condition instantiated from its emitted source. */
export interface EmittedCond {
  readonly source: string;
  readonly literals: readonly unknown[];
  readonly test: (ctx: MatchContext) => boolean;
}

/** A scope whose literals are `L[i]` and helpers `H.name`; unknown helper names throw. */
export function testScope(): CodeScope & { readonly literals: unknown[] } {
  const literals: unknown[] = [];
  return {
    ev: "ev",
    ctx: "ctx",
    literals,
    literal(value) {
      literals.push(value);
      return `L[${literals.length - 1}]`;
    },
    helper(name) {
      if (!/^\w+$/.test(name) || !Object.hasOwn(CODE_HELPERS, name))
        throw new Error(`unknown helper ${name}`);
      return `H.${name}`;
    },
  };
}

/** Instantiates source emitted into `scope` as a condition of a {@link MatchContext}. */
export function instantiate(source: string, literals: readonly unknown[]): (ctx: MatchContext) => boolean {
  // As a generated matcher holds it: a factory over the helpers and literals, run once.
  const factory = new Function(
    "H",
    "L",
    `"use strict"; return (ctx) => { const ev = ctx.event; return ${source}; };`,
  );
  const f = factory(CODE_HELPERS, literals) as (ctx: MatchContext) => unknown;
  return (ctx) => {
    const r = f(ctx);
    if (typeof r !== "boolean") throw new Error(`emitted condition gave ${String(r)}, not a boolean`);
    return r;
  };
}

/** `c.emit` instantiated, or null when the condition has no JavaScript form. */
export function emitted(c: Cond): EmittedCond | null {
  if (c.emit === null) return null;
  const scope = testScope();
  const source = c.emit(scope);
  if (source === null) return null;
  return { source, literals: scope.literals, test: instantiate(source, scope.literals) };
}
