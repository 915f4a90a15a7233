/**
 * Hover: what the name, duration, function or keyword under the cursor means, in
 * Markdown. A term (or a use of its variable) is described in words from
 * `describeTerms` — "one or more `LoginFailed`, strictly consecutive" — with its type's
 * declaration; a field shows its declared type; a duration its milliseconds.
 *
 * ```ts
 * hover(view, uri, offset); // { span, markdown } | null
 * ```
 */
import type { Span, Term } from "../../lang/ast.js";
import { describePattern, describeTerms, type TermSummary } from "../../lang/describe.js";
import { identToSource } from "../../lang/expr-text.js";
import type { WorkspaceView } from "../view.js";
import { keywordAt } from "./keyword.js";
import {
  type Mark,
  marksAt,
  occurrencesAt,
  type PatternScope,
  type SymbolIndex,
  symbolIndex,
} from "./symbols.js";
import { FUNCTION_DOCS, KEYWORD_DOCS } from "./words.js";

/** A hover's text and the range it is about. */
export interface HoverResult {
  readonly span: Span;
  readonly markdown: string;
}

/** The hover at `offset` of document `uri`, or null when there is nothing to say. */
export function hover(view: WorkspaceView, uri: string, offset: number): HoverResult | null {
  const index = symbolIndex(view);
  const occurrences = occurrencesAt(index, uri, offset);
  const marks = marksAt(index, uri, offset);
  const termMark = marks.find((m) => m.kind === "term");
  const occ = occurrences.find((o) => index.symbols.get(o.symbol)?.kind === "type") ?? occurrences[0];
  if (occ !== undefined) {
    const sym = index.symbols.get(occ.symbol);
    if (sym !== undefined) {
      switch (sym.kind) {
        case "type": {
          const term =
            termMark?.kind === "term" && termMark.term.type?.span.start === occ.span.start ? termMark : null;
          const parts = term === null ? [] : [termText(index, term.scope, term.term)];
          parts.push(typeText(index, sym.name));
          return { span: occ.span, markdown: parts.join("\n\n") };
        }
        case "variable": {
          const scope = sym.pattern as PatternScope;
          const v = index.infoOf(scope)?.variables.find((x) => x.name === sym.name);
          if (v === undefined) return null;
          const parts = [termText(index, scope, v.term)];
          if (v.type !== null) parts.push(typeText(index, v.type));
          return { span: occ.span, markdown: parts.join("\n\n") };
        }
        case "field":
          return { span: occ.span, markdown: fieldText(index, sym.owner as string, sym.name) };
        case "pattern":
          return { span: occ.span, markdown: patternText(index, sym.name) };
      }
    }
  }
  const mark = marks.find((m) => m.kind !== "term");
  if (mark !== undefined) return { span: mark.span, markdown: markText(index, mark) };
  const kw = keywordAt(view, uri, offset);
  if (kw !== null) return { span: kw.span, markdown: `**${kw.word}** — ${KEYWORD_DOCS[kw.word]}` };
  if (termMark !== undefined && termMark.kind === "term") {
    const q = termMark.term.quantifier;
    if (q !== null && q.span.start <= offset && offset <= q.span.end) {
      return { span: q.span, markdown: termText(index, termMark.scope, termMark.term) };
    }
  }
  return null;
}

const CONTIGUITY: Readonly<Record<string, string>> = {
  next: "the very next event after the previous term (strict contiguity)",
  "followed by": "after the previous term, skipping events that do not match (relaxed contiguity)",
  "followed by any": "after the previous term; every later match starts a branch (non-deterministic relaxed)",
  "not next": "must **not** be the very next event",
  "not followed by": "must **not** occur before the next term (or before the window ends, when last)",
};

/** `{3,}` → "3 or more", `+` → "one or more"… */
export function quantifierWords(raw: string | null): string {
  switch (raw) {
    case null:
      return "one";
    case "?":
      return "zero or one";
    case "+":
      return "one or more";
    case "*":
      return "zero or more";
  }
  const m = /^\{(\d+)(,(\d*))?\}$/.exec(raw);
  if (m === null) return raw;
  const n = m[1];
  if (m[2] === undefined) return `exactly ${n}`;
  if (m[3] === "") return `${n} or more`;
  return n === "0" ? `zero to ${m[3]}` : `${n} to ${m[3]}`;
}

/** A term in words: "**fail**: one or more `LoginFailed`, strictly consecutive — after the previous term, …". */
export function termWords(t: TermSummary): string {
  const type = t.type === null ? "event of any type" : `\`${identToSource(t.type)}\``;
  const what = `${quantifierWords(t.quantifier)} ${type}`;
  const details: string[] = [];
  const loop = t.quantifier !== null && t.quantifier !== "?";
  if (t.modifiers.includes("consecutive")) details.push("strictly consecutive");
  else if (t.modifiers.includes("combinations"))
    details.push("in every combination (non-deterministic relaxed)");
  else if (loop) details.push("other events may come between repetitions (relaxed)");
  if (t.modifiers.includes("greedy")) details.push("greedy");
  if (t.modifiers.includes("optional")) details.push("optional (may be absent)");
  if (t.modifiers.includes("until")) details.push("until its condition holds");
  if (t.within !== null) details.push(`within ${t.within.text} of the previous event`);
  let text = `**${identToSource(t.variable)}**: ${what}${details.length > 0 ? `, ${details.join(", ")}` : ""}`;
  if (t.op !== null) text += ` — ${CONTIGUITY[t.op] ?? t.op}`;
  for (const c of t.choices) text += `\n\n${c}`;
  if (t.where !== null) text += `\n\nwhere \`${t.where}\``;
  return text;
}

function termText(index: SymbolIndex, scope: PatternScope, term: Term): string {
  const info = index.infoOf(scope);
  const v = info?.variables.find((x) => x.term === term);
  if (info === null || v === undefined) return "";
  return termWords(describeTerms(info)[v.index]);
}

function typeText(index: SymbolIndex, name: string): string {
  const declared = index.events.get(name);
  const note = "Renaming a type renames it in the pattern files only, not in the events' data.";
  if (declared === undefined) {
    return `event type \`${identToSource(name)}\` (no \`event\` declaration: dynamic, any field may be read)\n\n${note}`;
  }
  const fields = declared.decl.fields.map(
    (f) => `  ${identToSource(f.name.name, true)}: ${f.type}${f.optional ? "?" : ""}`,
  );
  const body = fields.length === 0 ? "{}" : `{\n${fields.join(",\n")}\n}`;
  return `\`\`\`cep\nevent ${identToSource(name)} ${body}\n\`\`\`\n\n${note}`;
}

function fieldText(index: SymbolIndex, type: string, name: string): string {
  const f = index.events.get(type)?.decl.fields.find((x) => x.name.name === name);
  const field = `\`${identToSource(name, true)}\``;
  if (f === undefined) {
    return `field ${field} of \`${identToSource(type)}\` (not declared: its type is known only at run time)`;
  }
  return `field ${field}: \`${f.type}${f.optional ? "?" : ""}\` — declared by \`event ${identToSource(type)}\``;
}

function patternText(index: SymbolIndex, name: string): string {
  const scope = index.patterns.find((p) => p.decl.name.name === name);
  const info = scope === undefined ? null : index.infoOf(scope);
  if (info === null) return `pattern \`${identToSource(name)}\``;
  const s = describePattern(info);
  const lines = [`pattern **${identToSource(name)}**`];
  lines.push(
    `- key: ${s.key.length === 0 ? "none (one global partition)" : s.key.map((k) => `\`${k}\``).join(", ")}`,
  );
  if (s.within !== null) lines.push(`- within: ${humanDuration(s.within)}`);
  lines.push(`- after match: ${s.skip}`);
  lines.push(`- match: \`${s.terms.join(" ")}\``);
  return lines.join("\n");
}

function markText(index: SymbolIndex, mark: Mark): string {
  switch (mark.kind) {
    case "function": {
      const doc = FUNCTION_DOCS[mark.name];
      return doc === undefined ? `unknown function \`${mark.name}\`` : `\`${doc.signature}\` — ${doc.doc}`;
    }
    case "duration":
      return `\`${mark.duration.raw}\` = ${mark.duration.ms} ms (${humanDuration(mark.duration.ms)})`;
    case "term":
      return termText(index, mark.scope, mark.term);
  }
}

const UNITS: readonly [ms: number, one: string][] = [
  [604_800_000, "week"],
  [86_400_000, "day"],
  [3_600_000, "hour"],
  [60_000, "minute"],
  [1000, "second"],
  [1, "millisecond"],
];

/** 5400000 → "1 hour 30 minutes". */
export function humanDuration(ms: number): string {
  const parts: string[] = [];
  let rest = ms;
  for (const [size, one] of UNITS) {
    const n = Math.floor(rest / size);
    if (n === 0) continue;
    parts.push(`${n} ${one}${n === 1 ? "" : "s"}`);
    rest -= n * size;
  }
  return parts.length === 0 ? "0 milliseconds" : parts.join(" ");
}
