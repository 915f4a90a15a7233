/**
 * A small layout printer for the formatter (Wadler's "prettier printer", as Prettier's
 * `doc-printer.js` implements it): the rules build a {@link Doc} — text, possible line
 * breaks, groups — and {@link printDoc} chooses, group by group, to lay a group out on
 * one line when the rest of its line fits in the width, else to break its lines.
 *
 * Beyond Prettier's core, two commands serve comments and blank lines: `comment` puts a
 * comment on a line of its own (breaking the line before it when needed), and `blank`
 * keeps one empty line where a line starts anyway. `comment` breaks every enclosing
 * group; `suffix` (a trailing `//` comment) is written just before the next line break,
 * and a group with more text after one on its line does not fit.
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

/**
 * Marks every group that contains a hard line break or an own-line comment as broken
 * (Prettier's `propagateBreaks`). Returns whether `doc` contains one. Not `blank`: an
 * empty line the author left where no line starts is dropped and must not change the
 * layout (a second run would differ). Not `suffix`: a `//` comment after a group's
 * last token leaves the group on one line (`fits` sees whether more would follow it). Recursive: a doc
 * is as deep as the expression nesting the parser allows (`limits.ts`), chains are flat.
 */
function propagateBreaks(doc: Doc): boolean {
  if (typeof doc === "string") return false;
  if (Array.isArray(doc)) {
    let breaks = false;
    for (const d of doc as readonly Doc[]) if (typeof d !== "string" && propagateBreaks(d)) breaks = true;
    return breaks;
  }
  const c = doc as Command;
  switch (c.t) {
    case "line":
      return c.hard;
    case "comment":
      return true;
    case "group":
      if (propagateBreaks(c.body)) c.broken = true;
      return c.broken;
    case "indent":
    case "align":
      return propagateBreaks(c.body);
    case "ifBreak":
      return propagateBreaks(c.broken) || propagateBreaks(c.flat);
    default:
      return false;
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

/** Lays `doc` out in `width` columns. Lines never end in spaces; the text ends without a line break. */
export function printDoc(doc: Doc, width: number): PrintResult {
  propagateBreaks(doc);
  const lines: string[] = [];
  let length = 0; // of the finished lines, newlines included
  let cur = "";
  let atLineStart = true;
  let pendingIndent = 0;
  let suffixes: string[] = [];
  // `write` and `newline` call each other (a pending suffix is flushed by a newline).
  let newline: (ind: number) => void;
  const marks = new Map<number, number>();

  const write = (text: string, ind: number) => {
    if (text === "") return;
    if (suffixes.length > 0) {
      // A `//` comment ends its line: what follows goes on the next one, so the comment
      // stays right after the token it followed, and before any later comment.
      if (text.trim() === "") return;
      newline(ind);
    }
    if (atLineStart) {
      cur += " ".repeat(pendingIndent);
      atLineStart = false;
      text = text.trimStart();
    }
    cur += text;
  };
  newline = (ind: number) => {
    if (suffixes.length > 0) {
      const text = suffixes.join("");
      suffixes = [];
      write(text, ind);
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
      write(d, ind);
      continue;
    }
    if (Array.isArray(d)) {
      for (let i = d.length - 1; i >= 0; i--) stack.push([ind, mode, d[i]]);
      continue;
    }
    const c = d as Command;
    switch (c.t) {
      case "line":
        if (mode === "flat" && !c.hard) write(c.flat, ind);
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
        // Two `//` comments cannot share a line: the first ends it.
        if (suffixes.length > 0) newline(ind);
        suffixes.push(c.text);
        break;
      case "comment":
        if (!atLineStart || cur !== "") newline(ind);
        if (c.blankBefore && !lastLineBlank()) {
          lines.push("");
          length += 1;
        }
        write(c.text, ind);
        if (c.newlineAfter) newline(ind);
        else write(" ", ind);
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
  if (suffixes.length > 0) {
    cur += suffixes.join("");
    suffixes = [];
  }
  const last = cur.trimEnd();
  if (last !== "") lines.push(last);
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return { text: lines.join("\n"), marks };
}

/** Does `next`, then the rest of the line, fit in `room` columns? */
function fits(next: Frame, rest: readonly Frame[], room: number): boolean {
  const todo: Frame[] = [next];
  let restIndex = rest.length - 1;
  let left = room;
  let suffixed = false; // a `//` comment is pending: no more text fits on this line
  while (left >= 0) {
    if (todo.length === 0) {
      if (restIndex < 0) return true;
      todo.push(rest[restIndex--]);
      continue;
    }
    const [ind, mode, d] = todo.pop() as Frame;
    if (typeof d === "string") {
      if (suffixed && d.trim() !== "") return false;
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
      case "suffix":
        suffixed = true;
        break;
      default:
        break;
    }
  }
  return false;
}
