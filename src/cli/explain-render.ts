/**
 * Drawing a compiled NFA for `cep explain --format dot|mermaid`.
 *
 * Input is a plain description the compiler exposes as `program.patterns[i].nfa`
 * ({@link NfaDescription}); no engine types are involved. State kinds are drawn apart:
 * start bold, final a double circle, stop a red octagon (Graphviz) / hexagon
 * (Mermaid), pending dashed, an alternation's fork a diamond. Edges: take solid, ignore
 * dashed, proceed dotted (dot) / thick (Mermaid), each labelled with its action and
 * condition in source form; a fork's edges into its alternatives say which alternative.
 *
 * Graphviz draws top to bottom: there `dot` reserves room beside a state for its
 * self-loops' labels (left to right it reserves it across the rank, and the labels of
 * neighbouring loops printed over each other). Long conditions are wrapped, so labels
 * stay narrow and apart.
 *
 * ```ts
 * renderDot([{ name: "BruteForce", nfa }]);      // digraph "BruteForce" { … }
 * renderMermaid([{ name: "BruteForce", nfa }]);  // flowchart LR …
 * ```
 */
import { formatMs } from "../shell/duration.js";

export type StateKind = "normal" | "start" | "final" | "stop" | "pending";
export type EdgeAction = "take" | "ignore" | "proceed";

export interface NfaEdge {
  readonly action: EdgeAction;
  /** Name of the target state. */
  readonly target: string;
  /** The condition in source form; empty when unconditional. */
  readonly condition: string;
  /** For an alternation fork's edge into an alternative: its 1-based number. */
  readonly alternative?: number;
}

export interface NfaState {
  readonly name: string;
  readonly kind: StateKind;
  /** Term-level window (ms) of branches waiting here, when there is one. */
  readonly window?: number | null;
  /** An alternation's fork (a branch waiting for every alternative's first term): how many alternatives. */
  readonly fork?: number;
  readonly edges: readonly NfaEdge[];
}

/** The plain NFA description agreed with the compiler (`program.patterns[i].nfa`). */
export interface NfaDescription {
  readonly states: readonly NfaState[];
  /** The windows: ms, text, or an object such as `{ pattern: 300000, terms: { ok: 10000 } }`. */
  readonly window?: unknown;
  /** The after-match skip strategy in source form. */
  readonly skip: string;
}

/** One pattern to draw. */
export interface NamedNfa {
  readonly name: string;
  readonly nfa: NfaDescription;
}

/** Structural check: is `x` usable as an {@link NfaDescription}? */
export function isNfaDescription(x: unknown): x is NfaDescription {
  if (x === null || typeof x !== "object") return false;
  const states = (x as { states?: unknown }).states;
  return (
    Array.isArray(states) &&
    states.every(
      (s) =>
        s !== null &&
        typeof s === "object" &&
        typeof s.name === "string" &&
        Array.isArray(s.edges) &&
        s.edges.every((e: { target?: unknown }) => typeof e?.target === "string"),
    )
  );
}

/** A readable line for a window description; null when there is none. */
export function describeWindow(window: unknown): string | null {
  if (window === undefined || window === null) return null;
  if (typeof window === "number") return `within ${formatMs(window)}`;
  if (typeof window === "string") return window;
  if (typeof window === "object") {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(window as Record<string, unknown>)) {
      if (v === null || v === undefined) continue;
      if (typeof v === "number") parts.push(`${k} ${formatMs(v)}`);
      else if (typeof v === "string") parts.push(`${k} ${v}`);
      else if (typeof v === "object") {
        for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) {
          parts.push(`${k} ${k2} ${typeof v2 === "number" ? formatMs(v2) : String(v2)}`);
        }
      }
    }
    return parts.length ? `within: ${parts.join(", ")}` : null;
  }
  return String(window);
}

function caption(p: NamedNfa): string {
  const w = describeWindow(p.nfa.window);
  return [p.name, w, p.nfa.skip ? `after match ${p.nfa.skip.replace(/^after match /, "")}` : null]
    .filter(Boolean)
    .join(" · ");
}

function stateLabel(s: NfaState): string {
  return typeof s.window === "number" ? `${s.name}\nwithin ${formatMs(s.window)}` : s.name;
}

function edgeLabel(e: NfaEdge): string {
  const action = typeof e.alternative === "number" ? `${e.action} (alternative ${e.alternative})` : e.action;
  return e.condition ? `${action}: ${e.condition}` : action;
}

function isFork(s: NfaState): boolean {
  return typeof s.fork === "number" && s.fork > 0;
}

/** Characters per line of a Graphviz edge label. */
const LABEL_WIDTH = 36;
/**
 * Characters per line of a self-loop's label: it sits beside its state, where an edge
 * coming back to the state enters just below it; one line keeps out of that edge's way.
 */
const LOOP_WIDTH = 60;
/** Characters at the end of a label that never go on a line of their own. */
const TAIL = 10;

/**
 * A long edge label as lines of at most {@link LABEL_WIDTH} characters where it can be,
 * broken at spaces outside string literals (`"a b"` stays whole), continuation lines
 * indented: a narrow label keeps the picture narrow and its labels apart.
 */
export function wrapLabel(text: string, width = LABEL_WIDTH): string[] {
  const words: string[] = [];
  let word = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === " " && !quoted) {
      words.push(word);
      word = "";
      continue;
    }
    word += c;
    if (c === "\\" && quoted && i + 1 < text.length) word += text[++i];
    else if (c === '"') quoted = !quoted;
  }
  words.push(word);
  const lines: string[] = [];
  let line = "";
  let rest = text.length;
  for (const w of words) {
    // A short tail (`< 5`) stays on its line rather than dangling on one of its own.
    if (line !== "" && line.length + 1 + w.length > width && rest > TAIL) {
      lines.push(line);
      line = `  ${w}`;
    } else line = line === "" ? w : `${line} ${w}`;
    rest -= w.length + 1;
  }
  lines.push(line);
  return lines;
}

// ---- Graphviz ----------------------------------------------------------------

function dotString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, "\\n")}"`;
}

/** A DOT string of left-justified lines (`\\l` ends each line). */
function dotLines(lines: readonly string[]): string {
  return `"${lines.map((l) => `${dotString(l).slice(1, -1)}\\l`).join("")}"`;
}

const DOT_NODE: Record<StateKind, string> = {
  normal: "shape=circle",
  start: "shape=circle, style=bold",
  final: "shape=doublecircle",
  stop: 'shape=octagon, color="#c0392b", fontcolor="#c0392b"',
  pending: "shape=circle, style=dashed",
};

/** An alternation's fork: a diamond (bold when it is the start state). */
const DOT_FORK = { normal: "shape=diamond", start: "shape=diamond, style=bold" } as const;

const DOT_EDGE: Record<EdgeAction, string> = {
  take: "style=solid",
  ignore: 'style=dashed, color="#7f8c8d", fontcolor="#7f8c8d"',
  proceed: 'style=dotted, color="#2c3e50"',
};

/** One `digraph` per pattern (Graphviz renders every graph of a file). */
export function renderDot(patterns: readonly NamedNfa[]): string {
  if (patterns.length === 1) return dotGraph(patterns[0]);
  // Several patterns: one graph (so `| dot -Tsvg` gives one valid SVG), a cluster each,
  // node names prefixed by the pattern's position.
  const out = ["digraph patterns {", `  graph [rankdir=TB, fontname="Helvetica"];`];
  patterns.forEach((p, i) => {
    out.push(`  subgraph ${dotString(`cluster_${i}`)} {`);
    out.push(...dotBody(p, `${i}:`, "    "));
    out.push("  }");
  });
  out.push("}");
  return `${out.join("\n")}\n`;
}

function dotGraph(p: NamedNfa): string {
  return `${[`digraph ${dotString(p.name)} {`, ...dotBody(p, "", "  "), "}"].join("\n")}\n`;
}

/** The statements of one pattern's graph; `prefix` keeps node names apart across patterns. */
function dotBody(p: NamedNfa, prefix: string, indent: string): string[] {
  const out: string[] = [];
  const id = (name: string) => dotString(prefix + name);
  out.push(`${indent}graph [rankdir=TB, labelloc=t, fontname="Helvetica", label=${dotString(caption(p))}];`);
  out.push(`${indent}node [fontname="Helvetica", fontsize=11];`);
  out.push(`${indent}edge [fontname="Helvetica", fontsize=9];`);
  const start = p.nfa.states.find((s) => s.kind === "start");
  if (start) {
    out.push(`${indent}${id("__start")} [shape=point, width=0.08, label=""];`);
    out.push(`${indent}${id("__start")} -> ${id(start.name)};`);
  }
  for (const s of p.nfa.states) {
    const shape = isFork(s)
      ? DOT_FORK[s.kind === "start" ? "start" : "normal"]
      : (DOT_NODE[s.kind] ?? DOT_NODE.normal);
    out.push(`${indent}${id(s.name)} [${shape}, label=${dotString(stateLabel(s))}];`);
  }
  for (const s of p.nfa.states) {
    for (const e of s.edges) {
      out.push(
        `${indent}${id(s.name)} -> ${id(e.target)} [${DOT_EDGE[e.action] ?? DOT_EDGE.take}, label=${dotLines(wrapLabel(edgeLabel(e), e.target === s.name ? LOOP_WIDTH : LABEL_WIDTH))}];`,
      );
    }
  }
  return out;
}

// ---- Mermaid -----------------------------------------------------------------

/** Text inside a Mermaid `"…"` label: quotes and markup as entity codes. */
function mermaidText(s: string): string {
  return s
    .replace(/#/g, "#35;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/\r?\n/g, "<br>");
}

const MERMAID_SHAPE: Record<StateKind, [string, string]> = {
  normal: ["((", "))"],
  start: ["([", "])"],
  final: ["(((", ")))"],
  stop: ["{{", "}}"],
  pending: ["((", "))"],
};

const MERMAID_ARROW: Record<EdgeAction, string> = {
  take: "-->",
  ignore: "-.->",
  proceed: "==>",
};

/**
 * A `flowchart LR` GitHub renders. Several patterns become subgraphs of one chart;
 * node ids are generated (`p0s1`), state names are labels, so any name is safe.
 */
export function renderMermaid(patterns: readonly NamedNfa[]): string {
  const out: string[] = [];
  if (patterns.length === 1) out.push("---", `title: ${JSON.stringify(caption(patterns[0]))}`, "---");
  out.push("flowchart LR");
  const byKind: Record<"stop" | "pending" | "final" | "start", string[]> = {
    stop: [],
    pending: [],
    final: [],
    start: [],
  };
  patterns.forEach((p, pi) => {
    const indent = patterns.length > 1 ? "    " : "  ";
    if (patterns.length > 1) out.push(`  subgraph p${pi}["${mermaidText(caption(p))}"]`);
    const ids = new Map<string, string>();
    p.nfa.states.forEach((s, si) => {
      ids.set(s.name, `p${pi}s${si}`);
    });
    const idOf = (name: string): string => {
      let id = ids.get(name);
      if (id === undefined) {
        // An edge to a state the description does not list: draw it plainly.
        id = `p${pi}x${ids.size}`;
        ids.set(name, id);
        out.push(`${indent}${id}(("${mermaidText(name)}"))`);
      }
      return id;
    };
    for (const s of p.nfa.states) {
      // An alternation's fork is a rhombus (its start marking, if any, comes from the class).
      const [open, close] = isFork(s) ? ["{", "}"] : (MERMAID_SHAPE[s.kind] ?? MERMAID_SHAPE.normal);
      const id = idOf(s.name);
      out.push(`${indent}${id}${open}"${mermaidText(stateLabel(s))}"${close}`);
      if (s.kind in byKind) byKind[s.kind as keyof typeof byKind].push(id);
    }
    for (const s of p.nfa.states) {
      for (const e of s.edges) {
        const arrow = MERMAID_ARROW[e.action] ?? MERMAID_ARROW.take;
        out.push(`${indent}${idOf(s.name)} ${arrow}|"${mermaidText(edgeLabel(e))}"| ${idOf(e.target)}`);
      }
    }
    if (patterns.length > 1) out.push("  end");
  });
  out.push("  classDef start stroke-width:3px;");
  out.push("  classDef final stroke-width:3px;");
  out.push("  classDef stop fill:#fdecea,stroke:#c0392b,color:#c0392b;");
  out.push("  classDef pending stroke-dasharray: 5 5;");
  for (const [kind, ids] of Object.entries(byKind)) {
    if (ids.length) out.push(`  class ${ids.join(",")} ${kind};`);
  }
  return `${out.join("\n")}\n`;
}

// ---- Text fallback -----------------------------------------------------------

/**
 * A text listing from the description, used only when the compiler gives no dump of
 * its own (`cep explain` prefers the compiler's stable dump).
 */
export function renderNfaText(p: NamedNfa): string {
  const out = [caption(p)];
  for (const s of p.nfa.states) {
    const tags = [
      s.kind === "normal" ? "" : s.kind,
      isFork(s) ? `fork: ${s.fork} alternatives` : "",
      typeof s.window === "number" ? `within ${formatMs(s.window)}` : "",
    ];
    const tagText = tags.filter(Boolean).join(", ");
    out.push(`  ${s.name}${tagText ? ` [${tagText}]` : ""}`);
    for (const e of s.edges) {
      const alt = typeof e.alternative === "number" ? `  (alternative ${e.alternative})` : "";
      out.push(`    ${e.action.padEnd(7)} -> ${e.target}${e.condition ? `  when ${e.condition}` : ""}${alt}`);
    }
  }
  return `${out.join("\n")}\n`;
}
