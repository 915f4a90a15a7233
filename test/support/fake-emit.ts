/**
 * Test stand-in for `Cond.emit` (issue #16: the compiler's emitted conditions are being
 * written elsewhere; until then every `emit` is null): a pattern copy whose conditions
 * all have an emitted form, so generated matchers' inlining is tested today.
 */
import type { CompiledPattern } from "../../src/compile/model.js";
import type { CodeScope, Cond, NfaState } from "../../src/compile/nfa.js";

/**
 * The pattern with a fake `emit` on every condition: a type test inlined as a comparison
 * (no context), anything else calling its closure through a literal slot (context read).
 * `negOf` links are kept (to the copies).
 */
export function withFakeEmit(pattern: CompiledPattern): CompiledPattern {
  const copies = new Map<Cond, Cond>();
  const copy = (c: Cond): Cond => {
    let out = copies.get(c);
    if (out !== undefined) return out;
    const parts = c.parts;
    const emit =
      parts !== null && parts.op === "type"
        ? (s: CodeScope) =>
            `${s.helper("readField")}(${s.ev}, ${s.literal("type")}) === ${s.literal(parts.type)}`
        : (s: CodeScope) => `${s.literal(c.test)}(${s.ctx}) === true`;
    out = { ...c, emit, negOf: null };
    copies.set(c, out);
    if (c.negOf !== null) (out as { negOf: Cond | null }).negOf = copy(c.negOf);
    return out;
  };
  const states: NfaState[] = pattern.nfa.states.map((st) => ({
    ...st,
    edges: st.edges.map((e) => ({ ...e, cond: copy(e.cond) })),
  }));
  return { ...pattern, nfa: { ...pattern.nfa, states } } as CompiledPattern;
}
