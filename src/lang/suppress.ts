/**
 * In-file suppression of warnings (`// cep-ignore` comments), like eslint's
 * `eslint-disable-next-line` with `--report-unused-disable-directives`.
 *
 * ```
 * // cep-ignore W2005 the stream is bounded upstream
 * pattern P { match a: A followed by any b: B }
 * pattern Q { match r: Reading+ }   // cep-ignore W2005, W2006
 * // cep-ignore-file W2008 the events are read from the records
 * ```
 *
 * `parse` finds the directives ({@link ignoreDirectives}: it has the tokens, so it knows
 * which line a comment stands for) and keeps them in `FileNode.ignores`; `check`, the one
 * place every diagnostic of every caller (`compile`, `cep check`/`run`, the REPL, the
 * language server) goes through, applies them ({@link applyIgnores}). Errors are never
 * silenced; a directive that names an error code, or a code that silenced nothing, gets
 * its own warning.
 */
import type { IToken } from "chevrotain";
import type { FileNode, IgnoreDirective, IgnoredCode, Span } from "./ast.js";
import { fill, Hints, Messages, semantic } from "./check-messages.js";
import type { Diagnostic } from "./diagnostics.js";
import type { Comment } from "./tokens.js";

const DIRECTIVE = /^\/\/\s*cep-ignore(-file)?(?=\s|$)/;
const CODE = /^[A-Za-z]\d{4}$/;

/**
 * The directives among a source's comments. Only `//` comments are directives; after
 * the keyword come codes separated by commas or spaces, then any reason text.
 */
export function ignoreDirectives(
  source: string,
  tokens: readonly IToken[],
  comments: readonly Comment[],
): IgnoreDirective[] {
  const out: IgnoreDirective[] = [];
  let t = 0; // tokens are in source order, and so are comments: one pass
  for (const c of comments) {
    if (c.kind !== "line") continue;
    const m = DIRECTIVE.exec(c.text);
    if (m === null) continue;
    while (t < tokens.length && tokens[t].startOffset < c.start) t++;
    const codes = codesOf(c.text, m[0].length, c.start);
    if (m[1] !== undefined) {
      out.push({ kind: "Ignore", scope: "file", codes, target: null, span: { start: c.start, end: c.end } });
      continue;
    }
    const lineStart = source.lastIndexOf("\n", c.start - 1) + 1;
    const before = t > 0 ? tokens[t - 1] : undefined;
    const trailing = before !== undefined && before.startOffset >= lineStart;
    const anchor = trailing ? c.start : tokens[t]?.startOffset;
    out.push({
      kind: "Ignore",
      scope: "line",
      codes,
      target: anchor === undefined ? null : lineOf(source, anchor),
      span: { start: c.start, end: c.end },
    });
  }
  return out;
}

/** Codes at the start of a directive's text, up to the first word that is not one. */
function codesOf(text: string, from: number, offset: number): IgnoredCode[] {
  const codes: IgnoredCode[] = [];
  const word = /[^\s,]+/g;
  word.lastIndex = from;
  for (let m = word.exec(text); m !== null; m = word.exec(text)) {
    if (!CODE.test(m[0])) break;
    codes.push({
      code: m[0].toUpperCase(),
      span: { start: offset + m.index, end: offset + m.index + m[0].length },
    });
  }
  return codes;
}

function lineOf(source: string, offset: number): Span {
  const start = source.lastIndexOf("\n", offset - 1) + 1;
  const nl = source.indexOf("\n", offset);
  return { start, end: nl === -1 ? source.length : nl };
}

/**
 * Drops the warnings the directives of `files` silence, and adds a warning for each
 * directive code that names an error or silenced nothing, and for a directive with no
 * code. Diagnostics of files without directives pass unchanged.
 */
export function applyIgnores(files: readonly FileNode[], diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const byFile = new Map<string, IgnoreDirective[]>();
  for (const f of files)
    if (f.ignores !== undefined && f.ignores.length > 0) byFile.set(f.file, [...f.ignores]);
  if (byFile.size === 0) return [...diagnostics];
  const index = new Map<string, Silencers>();
  for (const [file, directives] of byFile) index.set(file, silencers(directives));
  const used = new Set<IgnoredCode>();
  const kept: Diagnostic[] = [];
  for (const d of diagnostics) {
    const by = d.severity === "warning" ? index.get(d.file)?.get(d.code)?.(d.span.start) : undefined;
    if (by === undefined) kept.push(d);
    else used.add(by);
  }
  for (const [file, directives] of byFile) {
    for (const dir of directives) {
      const keyword = dir.scope === "file" ? "cep-ignore-file" : "cep-ignore";
      if (dir.codes.length === 0) {
        kept.push(
          semantic(
            Messages.IgnoreWithoutCode,
            file,
            dir.span,
            [keyword],
            fill(Hints.IgnoreWithoutCode, [keyword]),
          ),
        );
      }
      for (const c of dir.codes) {
        if (!c.code.startsWith("W")) {
          kept.push(semantic(Messages.IgnoreError, file, c.span, [c.code], Hints.IgnoreError));
        } else if (!used.has(c)) {
          const where = dir.scope === "file" ? "in this file" : "on its line";
          kept.push(
            semantic(
              Messages.UnusedIgnore,
              file,
              c.span,
              [c.code, where],
              fill(Hints.UnusedIgnore, [keyword]),
            ),
          );
        }
      }
    }
  }
  return kept;
}

/** Per code: the directive code that silences a warning at an offset, if any. */
type Silencers = Map<string, (offset: number) => IgnoredCode | undefined>;

/**
 * An index of a file's directives by code: its line directives sorted by line, found by
 * binary search (a hostile file may hold many of both), a line directive first, then a
 * file one.
 */
function silencers(directives: readonly IgnoreDirective[]): Silencers {
  const lines = new Map<string, { target: Span; code: IgnoredCode }[]>();
  const whole = new Map<string, IgnoredCode>();
  for (const dir of directives) {
    for (const c of dir.codes) {
      if (dir.scope === "file") {
        if (!whole.has(c.code)) whole.set(c.code, c);
      } else if (dir.target !== null) {
        let list = lines.get(c.code);
        if (list === undefined) lines.set(c.code, (list = []));
        list.push({ target: dir.target, code: c });
      }
    }
  }
  const out: Silencers = new Map();
  for (const code of new Set([...lines.keys(), ...whole.keys()])) {
    const list = (lines.get(code) ?? []).sort((a, b) => a.target.start - b.target.start);
    const file = whole.get(code);
    out.set(code, (offset) => {
      // The last line starting at or before `offset`: lines do not overlap.
      let lo = 0;
      let hi = list.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid].target.start <= offset) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      const hit = found >= 0 && offset <= list[found].target.end ? list[found] : undefined;
      return hit?.code ?? file;
    });
  }
  return out;
}
