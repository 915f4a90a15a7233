/**
 * A stable text dump of a compiled NFA, one line per state and per edge, conditions in
 * source form (what `cep explain` prints and compiler tests compare), and the same NFA
 * as plain data for renderers (Graphviz, Mermaid).
 */
import { skipStrategyText } from "../lang/describe.js";
import type { SkipModel } from "./model.js";
import type { CompiledNfa, EdgeAction, StateKind } from "./nfa.js";

/** Plain description of an NFA for renderers. */
export interface NfaDescription {
  readonly states: readonly {
    readonly name: string;
    readonly kind: StateKind;
    /** Term-level window of branches waiting here, ms. */
    readonly window: number | null;
    /** An alternation's fork: how many alternatives it enters (its first edges); 0 otherwise. */
    readonly fork: number;
    readonly edges: readonly {
      readonly action: EdgeAction;
      readonly target: string;
      readonly condition: string;
      /** For a fork's edge into an alternative: its 1-based number. */
      readonly alternative?: number;
    }[];
  }[];
  /** Pattern-level window, ms. */
  readonly window: number | null;
  /** The skip strategy in the language's words. */
  readonly skip: string;
}

/** The skip strategy as written in the language. */
export function skipText(skip: SkipModel): string {
  return skipStrategyText(skip.strategy, skip.targetName ?? "");
}

/** Describes an NFA as plain data. */
export function describeNfa(nfa: CompiledNfa, skip: SkipModel): NfaDescription {
  return {
    states: nfa.states.map((s) => ({
      name: s.name,
      kind: s.kind,
      window: s.window,
      fork: s.fork ?? 0,
      edges: s.edges.map((e, i) => ({
        action: e.action,
        target: nfa.states[e.target].name,
        condition: e.cond.src,
        ...(i < (s.fork ?? 0) ? { alternative: i + 1 } : {}),
      })),
    })),
    window: nfa.window,
    skip: skipText(skip),
  };
}

/** The text dump. */
export function dumpNfa(
  name: string,
  nfa: CompiledNfa,
  skip: SkipModel,
  keyPaths: readonly string[],
): string {
  const lines: string[] = [];
  lines.push(`pattern ${name}`);
  lines.push(`  key: ${keyPaths.length === 0 ? "(none)" : keyPaths.join(", ")}`);
  lines.push(`  window: ${nfa.window === null ? "(none)" : `${nfa.window} ms (first to last)`}`);
  lines.push(`  after match: ${skipText(skip)}`);
  const width = Math.max(...nfa.states.map((s) => s.name.length));
  for (const s of nfa.states) {
    const tags = [
      s.kind === "normal" ? "" : s.kind,
      (s.fork ?? 0) > 0 ? `fork: ${s.fork} alternatives` : "",
      s.window !== null ? `window ${s.window} ms since previous` : "",
    ]
      .filter(Boolean)
      .join(", ");
    lines.push(`  state ${s.name.padEnd(width)}${tags ? `  [${tags}]` : ""}`);
    s.edges.forEach((e, i) => {
      const target = nfa.states[e.target].name;
      const alt = i < (s.fork ?? 0) ? `  (alternative ${i + 1})` : "";
      lines.push(`    ${e.action.padEnd(7)} -> ${target.padEnd(width)}  if ${e.cond.src}${alt}`);
    });
  }
  return `${lines.map((l) => l.trimEnd()).join("\n")}\n`;
}
