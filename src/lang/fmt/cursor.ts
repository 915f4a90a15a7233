/**
 * The formatter's walk over the source tokens, in order, with the comments between them.
 *
 * The AST has no comments and no parentheses of its own, so the rules (`rules.ts`) walk
 * the AST and take the source's tokens one by one as they print them: every token is
 * taken exactly once, in order, and every comment comes out next to the token it was
 * next to.
 *
 * - A comment on the line of the token before it is that token's *trailing* comment: a
 *   `/* … *\/` stays right after it; a `// …` moves to the end of the output line it
 *   lands on (a line suffix, which also breaks the enclosing groups).
 * - Any other comment is a *leading* comment of the next token: on its own line, with
 *   an empty line before it if the author left one; a `/* … *\/` followed by more on
 *   its line keeps that on its line.
 * - A token the author put after an empty line gets one (where a line starts anyway),
 *   except right after an opening `{` and before a closing bracket.
 */
import type { IToken } from "chevrotain";
import type { Comment } from "../tokens.js";
import { blank, comment, type Doc, suffix } from "./doc.js";

/** Comment text as printed: CRLF as LF, no trailing blanks on a `//` line. */
function commentText(c: Comment): string {
  const text = c.text.replace(/\r\n?/g, "\n");
  return c.kind === "line" ? text.trimEnd() : text;
}

const CLOSERS = new Set([")", "]", "}"]);

/** Tokens in order, taken one at a time with their comments. */
export class Cursor {
  private i = 0;
  private noBlank = false;
  /** End of the last token taken, or of its last trailing comment. */
  private lastEnd = 0;
  private deferAt = -1;
  private deferred: Doc[] = [];
  private ci = 0;
  /** Index of each token by its start offset. */
  private readonly byStart = new Map<number, number>();
  /** For each `(` / `[` / `{`, the index of its closer. */
  private readonly closer: Int32Array;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly IToken[],
    private readonly comments: readonly Comment[],
  ) {
    this.closer = new Int32Array(tokens.length).fill(-1);
    const open: number[] = [];
    tokens.forEach((t, k) => {
      this.byStart.set(t.startOffset, k);
      if (t.image === "(" || t.image === "[" || t.image === "{") open.push(k);
      else if (t.image === ")" || t.image === "]" || t.image === "}") {
        const o = open.pop();
        if (o !== undefined) this.closer[o] = k;
      }
    });
  }

  /** The next token (undefined at the end). */
  peek(offset = 0): IToken | undefined {
    return this.tokens[this.i + offset];
  }

  /** Has every token been taken? */
  get done(): boolean {
    return this.i >= this.tokens.length;
  }

  /** Has every comment been placed? */
  get commentsDone(): boolean {
    return this.ci >= this.comments.length;
  }

  /** End offset of the next token's closing bracket, if it opens one. */
  closerEnd(): number {
    const k = this.closer[this.i];
    if (k === undefined || k < 0) return -1;
    const t = this.tokens[k];
    return t.startOffset + t.image.length;
  }

  /** End offset of the token before the next token's closing bracket. */
  innerEnd(): number {
    const k = this.closer[this.i];
    const t = this.tokens[k - 1];
    return t.startOffset + t.image.length;
  }

  /** Is there a `(` at `offset` whose `)` ends at `end`? */
  parenAt(offset: number, end: number): boolean {
    const k = this.byStart.get(offset);
    if (k === undefined || this.tokens[k].image !== "(") return false;
    const c = this.closer[k];
    return c >= 0 && this.tokens[c].startOffset + 1 === end;
  }

  /**
   * Takes the next token: its leading comments, `text` (the token's own text unless
   * given; `null` drops the token but keeps its comments) after `before`, its trailing
   * comments.
   * `expect` guards the walk: the formatter never prints a token it did not expect.
   */
  take(expect?: string, text?: string | null, before?: Doc): Doc {
    const tok = this.tokens[this.i];
    if (tok === undefined) throw new Error(`formatter: expected ${expect ?? "a token"}, found the end`);
    if (expect !== undefined && tok.image !== expect) {
      throw new Error(`formatter: expected ${expect}, found ${tok.image} at ${tok.startOffset}`);
    }
    // No blank line before a closer, nor before a dropped token (a trailing comma: a
    // closer follows it, and the blank would move before the closer only this once).
    const lead = this.leading(tok.startOffset, text !== null && !CLOSERS.has(tok.image));
    // A dropped token on a line of its own keeps no trailing comments: they lead the next
    // token, where the next run finds them once the token is gone.
    const ownLine = text === null && this.newlines(this.lastEnd, tok.startOffset) > 0;
    this.i++;
    const end = tok.startOffset + tok.image.length;
    let trail = ownLine ? null : this.trailing(end, tok.image === "(" || tok.image === "[");
    if (ownLine) this.lastEnd = end;
    if (end === this.deferAt) {
      this.deferred = trail ?? [];
      this.deferAt = -1;
      trail = null;
    }
    // No empty line right after an opening brace.
    this.noBlank = tok.image === "{";
    const shown = text === null ? "" : (text ?? tok.image);
    if (lead === null && trail === null && before === undefined) return shown; // the common case
    const out = lead ?? [];
    if (before !== undefined) out.push(before);
    out.push(shown);
    if (trail !== null) out.push(...trail);
    return out;
  }

  /**
   * Keeps the trailing comments of the token that ends at `end` aside, for
   * {@link takeDeferred}: a list's last item gets its comma before its comment.
   */
  defer(end: number): void {
    this.deferAt = end;
    this.deferred = [];
  }

  /** The comments kept aside by {@link defer}. */
  takeDeferred(): Doc[] {
    const d = this.deferred;
    this.deferred = [];
    this.deferAt = -1;
    return d;
  }

  /** Takes every token that starts before `end`, joined by single spaces. */
  takeUntil(end: number): Doc[] {
    const out: Doc[] = [];
    while (this.i < this.tokens.length && this.tokens[this.i].startOffset < end) {
      if (out.length > 0) out.push(" ");
      out.push(this.take());
    }
    return out;
  }

  /**
   * The leading comments of the next token (or of the end of the source), each on its
   * own line: for comments before a closing `}`, printed inside the block.
   */
  dangling(): Doc[] {
    const tok = this.tokens[this.i];
    return this.leading(tok === undefined ? this.source.length : tok.startOffset) ?? [];
  }

  /**
   * Comments left before `at`, as leading comments; then a blank line if the source has
   * one before `at`. Null when there is neither.
   */
  private leading(at: number, blankAfter = true): Doc[] | null {
    let out: Doc[] | null = null;
    let from = this.i > 0 && !this.noBlank ? this.lastEnd : 0;
    this.noBlank = false;
    while (this.ci < this.comments.length && this.comments[this.ci].start < at) {
      const c = this.comments[this.ci++];
      const blankBefore = from > 0 && this.newlines(from, c.start) >= 2;
      const newlineAfter = c.kind === "line" || this.newlines(c.end, this.nextStart(at)) > 0;
      (out ??= []).push(comment(commentText(c), blankBefore, newlineAfter));
      from = c.end;
    }
    if (blankAfter && from > 0 && this.newlines(from, at) >= 2) (out ??= []).push(blank);
    return out;
  }

  /** Comments on the line of a token that ends at `end`, before the next token; null when none. */
  private trailing(end: number, afterOpener: boolean): Doc[] | null {
    let out: Doc[] | null = null;
    const next = this.tokens[this.i]?.startOffset ?? this.source.length;
    let from = end;
    while (this.ci < this.comments.length) {
      const c = this.comments[this.ci];
      if (c.start >= next || this.newlines(from, c.start) > 0) break;
      this.ci++;
      out ??= [];
      if (c.kind === "line") out.push(suffix(` ${commentText(c)}`));
      else out.push(afterOpener ? `${commentText(c)} ` : ` ${commentText(c)}`);
      from = c.end;
    }
    this.lastEnd = from;
    return out;
  }

  /** Where the next comment starts, or `at` if none does before it. */
  private nextStart(at: number): number {
    const c = this.comments[this.ci];
    return c !== undefined && c.start < at ? c.start : at;
  }

  /** Line ends in the source between `from` and `to` (whitespace between tokens and comments). */
  private newlines(from: number, to: number): number {
    let n = 0;
    for (let k = from; k < to; k++) if (this.source.charCodeAt(k) === 10) n++;
    return n;
  }
}
