/**
 * A small layout printer for the formatter (Wadler's "prettier printer", as Prettier's
 * `doc-printer.js` implements it): the rules build a {@link Doc} — text, possible line
 * breaks, groups — and {@link printDoc} chooses, group by group, to lay a group out on
 * one line when the rest of its line fits in the width, else to break its lines.
 *
 * Beyond Prettier's core, two commands serve comments and blank lines: `comment` puts a
 * comment on a line of its own (breaking the line before it when needed), and `blank`
 * keeps one empty line where a line starts anyway. `comment` and `suffix` (a trailing
 * line comment, written just before the next line break) break every enclosing group.
 *
 * Printing is a loop over an explicit stack: a 2,000-operand `where` is a flat list of
 * parts, never a deep recursion.
 *
 * ```ts
 * printDoc(group(["emit {", indent([line, "a: 1,", line, "b: 2"]), line, "}"]), 100);
 * // "emit { a: 1, b: 2 }"
 * ```
 */

/** A layout document. */
export type Doc = string | readonly Doc[] | Command;

/** The commands of a {@link Doc} beyond text and concatenation. */
export type Command =
  | { readonly t: "line"; readonly hard: boolean; readonly flat: string }
  | { readonly t: "group"; readonly body: Doc; broken: boolean }
  | { readonly t: "indent"; readonly by: number; readonly body: Doc }
  | { readonly t: "align"; readonly body: Doc }
  | { readonly t: "ifBreak"; readonly broken: Doc; readonly flat: Doc }
  | { readonly t: "suffix"; readonly text: string }
  | {
      readonly t: "comment";
      readonly text: string;
      readonly blankBefore: boolean;
      readonly newlineAfter: boolean;
    }
  | { readonly t: "blank" }
  | { readonly t: "mark"; readonly id: number };

/** A space when its group is flat, a line break when it is broken. */
export const line: Doc = { t: "line", hard: false, flat: " " };
/** Nothing when its group is flat, a line break when it is broken. */
export const softline: Doc = { t: "line", hard: false, flat: "" };
/** Always a line break (and its enclosing groups break). */
export const hardline: Doc = { t: "line", hard: true, flat: "" };
/** One empty line here if a line starts here (blank lines the author left, at most one). */
export const blank: Doc = { t: "blank" };

/** Lays `body` out on one line if it fits, else breaks its lines. */
export function group(body: Doc): Doc {
  return { t: "group", body, broken: false };
}
/** Lines broken inside `body` are indented `by` more columns. */
export function indent(body: Doc, by = 2): Doc {
  return { t: "indent", by, body };
}
/** Lines broken inside `body` start at the column where `body` starts. */
export function align(body: Doc): Doc {
  return { t: "align", body };
}
/** `broken` when the enclosing group is broken, else `flat`. */
export function ifBreak(broken: Doc, flat: Doc = ""): Doc {
  return { t: "ifBreak", broken, flat };
}
/** Text written at the end of the current line (a trailing `//` comment). */
export function suffix(text: string): Doc {
  return { t: "suffix", text };
}
/** A comment on its own line; `newlineAfter` false keeps what follows on its line. */
export function comment(text: string, blankBefore: boolean, newlineAfter: boolean): Doc {
  return { t: "comment", text, blankBefore, newlineAfter };
}
/** Records the output offset reached here under `id` (see {@link PrintResult.marks}). */
export function mark(id: number): Doc {
  return { t: "mark", id };
}

/** Joins docs with a separator. */
export function join(sep: Doc, docs: readonly Doc[]): Doc[] {
  const out: Doc[] = [];
  docs.forEach((d, i) => {
    if (i > 0) out.push(sep);
    out.push(d);
  });
  return out;
}

// Not `blank`: an empty line the author left where no line starts is dropped, and must
// not change the layout (or a second run would lay the text out differently).
const BREAKS_PARENT = new Set(["suffix", "comment"]);

/**
 * Marks every group that contains a hard line break, a comment or a line suffix as
 * broken (Prettier's `propagateBreaks`). Returns whether `doc` contains one.
 */
function propagateBreaks(doc: Doc): boolean {
  // Post-order over an explicit stack: [doc, children visited].
  const result = new Map<Doc, boolean>();
  const stack: [Doc, boolean][] = [[doc, false]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [d, visited] = top;
    const kids = children(d);
    if (!visited) {
      top[1] = true;
      for (const k of kids) if (typeof k !== "string" && !result.has(k)) stack.push([k, false]);
      continue;
    }
    stack.pop();
    if (typeof d === "string") continue;
    let breaks = false;
    if (!Array.isArray(d)) {
      const c = d as Command;
      if ((c.t === "line" && c.hard) || BREAKS_PARENT.has(c.t)) breaks = true;
    }
    for (const k of kids) if (typeof k !== "string" && result.get(k)) breaks = true;
    if (!Array.isArray(d) && (d as Command).t === "group" && breaks) (d as { broken: boolean }).broken = true;
    result.set(d, breaks);
  }
  return result.get(doc) ?? false;
}

function children(d: Doc): readonly Doc[] {
  if (typeof d === "string") return [];
  if (Array.isArray(d)) return d as readonly Doc[];
  const c = d as Command;
  switch (c.t) {
    case "group":
    case "indent":
    case "align":
      return [c.body];
    case "ifBreak":
      return [c.broken, c.flat];
    default:
      return [];
  }
}

type Mode = "flat" | "break";
/** A command to print: the indentation (columns), the mode, the doc. */
type Frame = [number, Mode, Doc];

/** The printed text and the output offsets of the marks. */
export interface PrintResult {
  readonly text: string;
  readonly marks: ReadonlyMap<number, number>;
}

/** Lays `doc` out in `width` columns. Lines never end in spaces. */
export function printDoc(doc: Doc, width: number): PrintResult {
  propagateBreaks(doc);
  const lines: string[] = [];
  let length = 0; // of the finished lines, newlines included
  let cur = "";
  let atLineStart = true;
  let pendingIndent = 0;
  let suffixes: string[] = [];
  const marks = new Map<number, number>();

  const write = (text: string) => {
    if (text === "") return;
    if (atLineStart) {
      cur += " ".repeat(pendingIndent);
      atLineStart = false;
    }
    cur += text;
  };
  const newline = (ind: number) => {
    if (suffixes.length > 0) {
      write(suffixes.join(""));
      suffixes = [];
    }
    if (atLineStart && cur === "") {
      // Already at the start of a line (after a comment's own line): no empty line.
      pendingIndent = ind;
      return;
    }
    const done = cur.trimEnd();
    lines.push(done);
    length += done.length + 1;
    cur = "";
    atLineStart = true;
    pendingIndent = ind;
  };
  const column = () => {
    const nl = cur.lastIndexOf("\n");
    return (atLineStart ? pendingIndent : 0) + (nl >= 0 ? cur.length - nl - 1 : cur.length);
  };
  const lastLineBlank = () => lines.length === 0 || lines[lines.length - 1] === "";

  const stack: Frame[] = [[0, "break", doc]];
  while (stack.length > 0) {
    const [ind, mode, d] = stack.pop() as Frame;
    if (typeof d === "string") {
      write(d);
      continue;
    }
    if (Array.isArray(d)) {
      for (let i = d.length - 1; i >= 0; i--) stack.push([ind, mode, d[i]]);
      continue;
    }
    const c = d as Command;
    switch (c.t) {
      case "line":
        if (mode === "flat" && !c.hard) write(c.flat);
        else newline(ind);
        break;
      case "group": {
        const flat = !c.broken && fits([ind, "flat", c.body], stack, width - column());
        stack.push([ind, flat ? "flat" : "break", c.body]);
        break;
      }
      case "indent":
        stack.push([ind + c.by, mode, c.body]);
        break;
      case "align":
        stack.push([column(), mode, c.body]);
        break;
      case "ifBreak":
        stack.push([ind, mode, mode === "break" ? c.broken : c.flat]);
        break;
      case "suffix":
        suffixes.push(c.text);
        break;
      case "comment":
        if (!atLineStart || cur !== "") newline(ind);
        if (c.blankBefore && !lastLineBlank()) {
          lines.push("");
          length += 1;
        }
        write(c.text);
        if (c.newlineAfter) newline(ind);
        else write(" ");
        break;
      case "blank":
        if (atLineStart && cur === "" && !lastLineBlank()) {
          lines.push("");
          length += 1;
        }
        break;
      case "mark":
        marks.set(c.id, length + (atLineStart ? 0 : cur.length));
        break;
    }
  }
  if (suffixes.length > 0) write(suffixes.join(""));
  const last = cur.trimEnd();
  return { text: [...lines, last].join("\n"), marks };
}

/** Does `next`, then the rest of the line, fit in `room` columns? */
function fits(next: Frame, rest: readonly Frame[], room: number): boolean {
  const todo: Frame[] = [next];
  let restIndex = rest.length - 1;
  let left = room;
  while (left >= 0) {
    if (todo.length === 0) {
      if (restIndex < 0) return true;
      todo.push(rest[restIndex--]);
      continue;
    }
    const [ind, mode, d] = todo.pop() as Frame;
    if (typeof d === "string") {
      const nl = d.indexOf("\n");
      if (nl >= 0) return left - nl >= 0;
      left -= d.length;
      continue;
    }
    if (Array.isArray(d)) {
      for (let i = d.length - 1; i >= 0; i--) todo.push([ind, mode, d[i]]);
      continue;
    }
    const c = d as Command;
    switch (c.t) {
      case "line":
        if (mode === "break" || c.hard) return true;
        left -= c.flat.length;
        break;
      case "group":
        todo.push([ind, c.broken ? "break" : mode, c.body]);
        break;
      case "indent":
      case "align":
        todo.push([ind, mode, c.body]);
        break;
      case "ifBreak":
        todo.push([ind, mode, mode === "break" ? c.broken : c.flat]);
        break;
      case "comment":
        return true;
      default:
        break;
    }
  }
  return false;
}
