/**
 * The source of a generated matcher's `process` for one pattern: `Matcher.process` with
 * every state's step unrolled (step.ts), conditions inlined (`Cond.emit`) or called from a
 * per-pattern table, and window and skip-strategy code only where the pattern has them.
 *
 * The source holds no text of the pattern: structure only (state numbers, variable
 * indices, edge shapes), with literals, condition closures and windows read from the
 * parameter `P`. Two patterns that differ only in literals and names get byte-identical
 * source, hence one compiled function (instantiate.ts).
 */
import type { CompiledPattern } from "../../compile/model.js";
import { PatternScope, Source } from "./source.js";
import { emitStep, type StepGen } from "./step.js";

/** What a pattern's generated source needs at instantiation, besides the matcher. */
export interface GeneratedProcess {
  readonly source: string;
  /** `L`: the literals the conditions' `emit` registered, in slot order. */
  readonly literals: readonly unknown[];
  /** `T`: per edge (states in order, edges in order), the condition's closure. */
  readonly tests: readonly ((ctx: never) => boolean)[];
}

/** Verdict codes in `FateInfo.verdicts` (per edge condition, for one event type). */
export const VERDICT_FALSE = 0;
export const VERDICT_TRUE = 1;
export const VERDICT_UNKNOWN = 2;

/**
 * States with a PROCEED path to Final, ignoring conditions (as the interpreter computes
 * them): 1, or 2 when paths reach two or more Final states (an alternation whose
 * alternatives can take nothing ends each in its own copy of Final: one match per path).
 */
export function proceedsToFinal(pattern: CompiledPattern): Uint8Array {
  const states = pattern.nfa.states;
  const out = new Uint8Array(states.length);
  for (const st of states) {
    const seen = new Set<number>([st.id]);
    const stack = [st.id];
    let finals = 0;
    while (stack.length > 0) {
      for (const e of states[stack.pop() as number].edges) {
        if (e.action !== "proceed" || seen.has(e.target)) continue;
        if (states[e.target].kind === "final") finals++;
        seen.add(e.target);
        stack.push(e.target);
      }
    }
    out[st.id] = finals > 1 ? 2 : finals;
  }
  return out;
}

/** Generates `process` for a pattern; throws `TooLarge` (step.ts) when it would be too big. */
export function generateProcess(pattern: CompiledPattern, annotate: boolean): GeneratedProcess {
  const { states, start, window } = pattern.nfa;
  const src = new Source(annotate);
  const scope = new PatternScope();
  const base: number[] = [];
  const tests: ((ctx: never) => boolean)[] = [];
  for (const st of states) {
    base.push(tests.length);
    for (const e of st.edges) tests.push(e.cond.test);
  }
  const skip = pattern.skip.strategy !== "noSkip";
  const stateWindows = states.some((st) => st.window !== null);
  const g: StepGen = {
    src,
    states,
    skip,
    proceedsToFinal: proceedsToFinal(pattern),
    needCtx: false,
    cond(state, edge) {
      const c = states[state].edges[edge].cond;
      if (c.isTrue) return "true";
      const k = base[state] + edge;
      let body: string | null = null;
      if (c.emit !== null) {
        scope.usedCtx = false;
        body = c.emit(scope);
        if (body !== null && scope.usedCtx) this.needCtx = true;
      }
      if (body === null) {
        body = `T[${k}](ctx)`;
        this.needCtx = true;
      }
      // Decided by the event type where it can be (fatesOf, once per type): no evaluation.
      return `(V[${k}] === 2 ? (${body}) : V[${k}] === 1)`;
    },
  };
  const bit = (x: string) => `(1 << (${x}.state < 30 ? ${x}.state : 30))`;

  src.line('"use strict";');
  src.line("const M = P.M, ctx = P.ctx, S = P.S, L = P.L, T = P.T, H = P.H, NX = P.NX;");
  src.line("const takeCell = P.takeCell, withState = P.withState;");
  if (window !== null && !stateWindows) src.line("const W = P.W;");
  src.open("return function process(ks, event, eventType, info, time, seq, out)");
  src.line("let cells = 0;");
  src.line("let n = 0;");
  src.line("let deadline = Infinity;");
  src.line("ctx.event = event;");
  src.line("ctx.time = time;");
  src.line("ctx.key = ks.key;");
  src.line("ctx.eventType = eventType;");
  src.line("const V = info.verdicts;");
  src.line("const fates = info.fates;");
  if (skip) {
    src.line("const potential = M.potentialScratch;");
    src.line("if (potential.length !== 0) potential.length = 0;");
  }

  const startStep = () => {
    src.note(`the Start state ${states[start].name}: new branches go last (partials stay ordered by start)`);
    src.open(`if (fates[${start}] === 0)`);
    emitStep(g, start, true, "S");
    src.close();
  };
  const deadlineEach = (x: string) => {
    if (stateWindows) src.line(`const d = M.deadlineOf(${x}); if (d < deadline) deadline = d;`);
    else if (window !== null) src.line(`const d = ${x}.first.time + W; if (d < deadline) deadline = d;`);
  };

  src.open("if ((ks.mask & info.need) === 0)");
  src.note("every live branch stays as it is: only the Start state can add branches");
  startStep();
  src.open("if (n > 0)");
  src.line("const partials = ks.partials;");
  src.line("let mask = ks.mask;");
  src.note("a key's first branches are copied out at their exact size");
  src.line("if (partials.length === 0) ks.partials = NX.slice(0, n);");
  src.line("else for (let j = 0; j < n; j++) partials.push(NX[j]);");
  src.open("for (let j = 0; j < n; j++)");
  src.line("const x = NX[j];");
  src.line(`mask |= ${bit("x")};`);
  deadlineEach("x");
  src.line("NX[j] = null;");
  src.close();
  src.line("ks.mask = mask;");
  src.close();
  src.close("else");
  src.note("successors are written to the reused NX, then copied back into the key's array in place");
  src.line("const old = ks.partials;");
  src.open("for (let i = 0; i < old.length; i++)");
  src.line("const b = old[i];");
  src.line("const f = fates[b.state];");
  src.line("if (f === 1) NX[n++] = b;");
  src.open("else if (f === 0)");
  src.open("switch (b.state)");
  for (const st of states) {
    if (st.kind === "final" || st.kind === "stop") continue;
    src.note(`state ${st.name}`);
    src.open(`case ${st.id}:`);
    emitStep(g, st.id, false, "b");
    src.line("break;");
    src.close();
  }
  src.close();
  src.close();
  src.close();
  startStep();
  src.line("let mask = 0;");
  if (window !== null && !stateWindows) {
    src.note("only the pattern window: the first branch (earliest start) expires first");
    src.line("if (n > 0) deadline = NX[0].first.time + W;");
  }
  src.open("for (let j = 0; j < n; j++)");
  src.line("const x = NX[j];");
  src.line(`mask |= ${bit("x")};`);
  if (stateWindows) deadlineEach("x");
  src.line("old[j] = x;");
  src.line("NX[j] = null;");
  src.close();
  // Setting \`length\` is a runtime call: only when the count changed.
  src.line("if (old.length !== n) old.length = n;");
  src.line("ks.mask = mask;");
  src.close();
  src.line("M.cells = cells;");
  src.line("M.lastDeadline = deadline;");
  if (skip) {
    src.note("the skip strategy's hold-back runs after every event");
    src.line("M.unpruned = ks.partials;");
    src.line("if (potential.length > 0 || ks.completed.length > 0) M.releaseCompleted(ks, potential, out);");
  }
  src.close();
  src.line(";");
  return { source: src.text(), literals: scope.literals, tests };
}
