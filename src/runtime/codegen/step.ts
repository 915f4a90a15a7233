/**
 * The per-state step code of a generated matcher: what `Matcher.step` does for a branch
 * waiting in one state, unrolled at generation time.
 *
 * The decision graph (a depth-first walk over the state's edges that follows true PROCEED
 * edges, collecting TAKE and IGNORE edges) is expanded here, not at run time: the walk is
 * simulated with the conditions symbolic, each PROCEED condition forks the rest of the walk
 * into `if (c) { …with its target… } else { …without… }`, and each TAKE/IGNORE edge becomes
 * `if (c) { make the successor }` in the walk's order — the order Flink produces branches
 * in. The skip-till-next reuse (`not c` right after `c`: `Cond.negOf`) becomes `!r`, the
 * variable holding `c`'s result. `findFinalStateAfterProceed` is expanded the same way.
 */
import type { Cond, NfaState } from "../../compile/nfa.js";
import type { Source } from "./source.js";

/** Thrown when a state's expansion passes the size budget: the pattern falls back to the interpreter. */
export class TooLarge extends Error {}

/** Lines of generated source per pattern at most (proceed forks can grow it exponentially). */
export const LINE_BUDGET = 20_000;

/** What the step emitter needs from the pattern generator. */
export interface StepGen {
  readonly src: Source;
  readonly states: readonly NfaState[];
  readonly skip: boolean;
  /** States with a PROCEED path to Final (ignoring conditions). */
  readonly proceedsToFinal: Uint8Array;
  /** The expression testing edge `edge` of `state` (registers whether it needs the bound context). */
  cond(state: number, edge: number): string;
  /** Set by {@link cond} when an expression reads the context (a closure call, or an emit reading `ctx`). */
  needCtx: boolean;
}

interface Last {
  readonly cond: Cond;
  readonly state: number;
  readonly edge: number;
  /** The variable holding its result, or null when it was not evaluated (its value was not needed). */
  readonly v: string | null;
}

/**
 * Emits the step of the branch `b` (an expression: `b`, or `S` for the Start branch)
 * waiting in `from`: successors written to `NX[n++]`, completed matches to `potential`
 * (skip strategies) or `out`.
 */
export function emitStep(g: StepGen, from: number, isStart: boolean, b: string): void {
  const { src } = g;
  const at = src.mark();
  g.needCtx = false;
  const stops = reachesStop(g.states, from, isStart);
  if (stops) {
    src.line("const firstNew = n;");
    src.line("let stop = false;");
  }
  walk(g, { from, isStart, b }, [], new Set([from]), from, 0, null);
  if (stops) {
    src.note("Stop: drop every partial match this branch made for this event (completed ones stay)");
    src.line("if (stop) while (n > firstNew) NX[--n] = null;");
  }
  // The context is bound only when some condition on the way reads it.
  if (g.needCtx) src.insert(at, `ctx.bind(${isStart ? "null" : b});`);
}

interface Branch {
  readonly from: number;
  readonly isStart: boolean;
  readonly b: string;
}

/** The symbolic decision-graph walk from edge `i` of state `cur`, the rest of the stack after it. */
function walk(
  g: StepGen,
  br: Branch,
  stackIn: readonly number[],
  visited: ReadonlySet<number>,
  cur: number,
  i: number,
  last: Last | null,
): void {
  const { src, states } = g;
  if (src.size > LINE_BUDGET) throw new TooLarge("the decision graph's expansion is too large");
  const stack = stackIn.slice();
  // The `if (r) {…}` block that ends the source so far, if any (the else-merge above).
  let closedIf: { v: string; size: number } | null = null;
  for (;;) {
    const edges = states[cur].edges;
    while (i < edges.length) {
      const j = i++;
      const e = edges[j];
      const c = e.cond;
      let holds: string;
      if (c.isTrue) holds = "true";
      else if (c.negOf !== null && last !== null && c.negOf === last.cond) {
        holds = last.v !== null ? `!${last.v}` : `!${g.cond(last.state, last.edge)}`;
      } else if (e.action === "proceed" && visited.has(e.target)) {
        // Its result changes nothing but a later `not c` reuse: evaluated only if that comes.
        last = { cond: c, state: cur, edge: j, v: null };
        continue;
      } else {
        const v = src.id("r");
        src.note(`${e.action} → ${states[e.target].name} if ${c.src}`);
        src.line(`const ${v} = ${g.cond(cur, j)};`);
        last = { cond: c, state: cur, edge: j, v };
        holds = v;
      }
      if (e.action === "proceed") {
        if (visited.has(e.target)) continue;
        if (holds === "true") {
          (visited as Set<number>).add(e.target);
          stack.push(e.target);
          continue;
        }
        const withTarget = new Set(visited).add(e.target);
        src.open(`if (${holds})`);
        walk(g, br, [...stack, e.target], withTarget, cur, i, last);
        src.close("else");
        walk(g, br, stack, new Set(visited), cur, i, last);
        src.close();
        return;
      }
      if (br.isStart && e.action === "ignore") continue; // Start never ignores.
      if (holds === "true") emitEdge(g, br, cur, j);
      else {
        // `take if c` then `stay if not c` (skip till next): one test, `if (r) … else …`.
        if (closedIf !== null && holds === `!${closedIf.v}` && src.size === closedIf.size) src.reopenElse();
        else src.open(`if (${holds})`);
        emitEdge(g, br, cur, j);
        src.close();
        closedIf = { v: holds, size: src.size };
      }
    }
    const s = stack.pop();
    if (s === undefined) return;
    cur = s;
    i = 0;
  }
}

/** One produced edge: the successor branch and where it goes (partials, completed, or Stop). */
function emitEdge(g: StepGen, br: Branch, source: number, edge: number): void {
  const { src, states } = g;
  const e = states[source].edges[edge];
  const t = e.target;
  let x: string;
  if (e.action === "ignore") {
    if (t === br.from) x = br.b;
    else {
      x = src.id("c");
      src.line(`const ${x} = withState(${br.b}, ${t});`);
      src.line("cells++;");
    }
  } else {
    x = src.id("c");
    const prev = br.isStart ? "null" : br.b;
    src.line(`const ${x} = takeCell(${t}, ${prev}, event, time, seq, ${states[source].variable});`);
    src.line("cells++;");
    if (g.proceedsToFinal[t] === 2) {
      // Several Final states (an alternation's empty alternatives): one match per one reached.
      g.needCtx = true;
      const fins = src.id("f");
      src.line(`const ${fins} = M.finalsAfterProceed(${t});`);
      src.open(`for (let q = 0; q < ${fins}.length; q++)`);
      if (g.skip) {
        src.line(`potential.push(withState(${x}, ${fins}[q]));`);
        src.line("cells++;");
      } else src.line(complete(g, x));
      src.close();
    } else if (g.proceedsToFinal[t] === 1) {
      // A TAKE into a state with a PROCEED path to Final completes a match at once.
      const fin = src.id("f");
      src.line(`let ${fin} = -1;`);
      finalAfterProceed(g, fin, [], new Set([t]), t, 0);
      src.open(`if (${fin} >= 0)`);
      if (g.skip) {
        src.line(`potential.push(withState(${x}, ${fin}));`);
        src.line("cells++;");
      } else src.line(complete(g, x));
      src.close();
    }
  }
  const kind = states[t].kind;
  if (kind === "final") src.line(complete(g, x));
  else if (kind === "stop") src.line("stop = true;");
  else src.line(`NX[n++] = ${x};`);
}

/**
 * A completed match: held back for the skip strategy (`potential`), else straight out —
 * the engine orders every outcome of the step (language.md §5), so no list in between.
 */
function complete(g: StepGen, x: string): string {
  return g.skip ? `potential.push(${x});` : `out.push(M.outcome(ks, ${x}, null));`;
}

/** Flink `findFinalStateAfterProceed` from `cur`, expanded: sets `fin` to the Final state found. */
function finalAfterProceed(
  g: StepGen,
  fin: string,
  stackIn: readonly number[],
  seen: ReadonlySet<number>,
  cur: number,
  i: number,
): void {
  const { src, states } = g;
  if (src.size > LINE_BUDGET) throw new TooLarge("the proceed-to-final expansion is too large");
  const stack = stackIn.slice();
  for (;;) {
    const edges = states[cur].edges;
    while (i < edges.length) {
      const j = i++;
      const e = edges[j];
      if (e.action !== "proceed") continue;
      const final = states[e.target].kind === "final";
      if (!final && seen.has(e.target)) continue;
      if (e.cond.isTrue) {
        if (final) {
          src.line(`${fin} = ${e.target};`);
          return;
        }
        (seen as Set<number>).add(e.target);
        stack.push(e.target);
        continue;
      }
      src.open(`if (${g.cond(cur, j)})`);
      if (final) src.line(`${fin} = ${e.target};`);
      else finalAfterProceed(g, fin, [...stack, e.target], new Set(seen).add(e.target), cur, i);
      src.close("else");
      finalAfterProceed(g, fin, stack, new Set(seen), cur, i);
      src.close();
      return;
    }
    const s = stack.pop();
    if (s === undefined) return;
    cur = s;
    i = 0;
  }
}

/** Whether some TAKE/IGNORE edge in `from`'s PROCEED closure (conditions ignored) leads to a Stop state. */
function reachesStop(states: readonly NfaState[], from: number, isStart: boolean): boolean {
  const seen = new Set([from]);
  const stack = [from];
  while (stack.length > 0) {
    for (const e of states[stack.pop() as number].edges) {
      if (e.action === "proceed") {
        if (!seen.has(e.target)) {
          seen.add(e.target);
          stack.push(e.target);
        }
      } else if (states[e.target].kind === "stop" && !(isStart && e.action === "ignore")) return true;
    }
  }
  return false;
}
