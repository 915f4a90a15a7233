/**
 * The catalogue of lexical and syntax diagnostics (codes `E1xxx`), in the style of
 * TypeScript's `diagnosticMessages.json`: one entry per message, a stable code, and a
 * template whose `{0}`, `{1}` … are filled in by {@link message}. The semantic checker
 * keeps its own `E2xxx`/`W2xxx` catalogue.
 *
 * Codes never change meaning once released; retire a code rather than reuse it.
 *
 * ```ts
 * message(Messages.unexpectedCharacter, "`@`") // "unexpected character `@`"
 * ```
 */

/** One catalogue entry. */
export interface MessageTemplate {
  readonly code: string;
  readonly text: string;
}

export const Messages = {
  // -- lexical (E10xx) -------------------------------------------------------
  unexpectedCharacter: { code: "E1001", text: "unexpected character {0}" },
  unterminatedString: { code: "E1002", text: "unterminated string" },
  invalidEscape: { code: "E1003", text: "invalid escape sequence {0} in string" },
  controlCharacterInString: { code: "E1004", text: "control character {0} in string" },
  unterminatedComment: { code: "E1005", text: "unterminated block comment" },
  unterminatedQuotedName: { code: "E1006", text: "unterminated name in backticks" },
  emptyQuotedName: { code: "E1007", text: "empty name in backticks" },
  invalidNumber: { code: "E1008", text: "invalid number {0}" },
  unknownDurationUnit: { code: "E1009", text: "unknown duration unit {0} in {1}" },
  missingDurationUnit: { code: "E1010", text: "missing unit after {0} in duration {1}" },

  // -- syntax (E11xx) --------------------------------------------------------
  unexpectedToken: { code: "E1100", text: "expected {0}, found {1}" },
  missingCloser: { code: "E1101", text: "missing {0}" },
  reservedWordAsName: { code: "E1102", text: "{0} is a reserved word and cannot be used as a name here" },
  nestingTooDeep: { code: "E1103", text: "nesting deeper than {0} levels" },
  blockTooLong: { code: "E1104", text: "{0} is longer than {1} tokens" },
  missingAlternative: { code: "E1105", text: "an alternative is missing {0} `|`" },

  // -- values checked while building the tree (E12xx) -------------------------
  durationNotWholeMs: { code: "E1200", text: "duration {0} is not a whole number of milliseconds" },
  durationTooShort: { code: "E1201", text: "duration {0} must be at least 1 ms" },
  durationTooLong: { code: "E1202", text: "duration {0} is too long (at most 2^53-1 ms)" },
  invalidIsoDuration: { code: "E1203", text: "invalid ISO-8601 duration {0}" },
  numberOutOfRange: { code: "E1204", text: "number {0} is out of range" },
  quantifierNotInteger: {
    code: "E1210",
    text: "quantifier bound {0} must be a whole number written with digits",
  },
  quantifierZero: { code: "E1211", text: "quantifier {0} allows no repetition" },
  quantifierMaxBelowMin: { code: "E1212", text: "quantifier {0} has a maximum below its minimum" },
  quantifierTooLarge: { code: "E1213", text: "quantifier bound {0} is larger than 10000" },
  unknownFieldType: { code: "E1220", text: "unknown field type {0}" },

  // -- the parser itself ------------------------------------------------------
  internalError: { code: "E1999", text: "internal error in the parser: {0}" },
} as const satisfies Record<string, MessageTemplate>;

/** Fills a template: `{0}` is replaced by `args[0]`, and so on. */
export function message(template: MessageTemplate, ...args: string[]): string {
  return template.text.replace(/\{(\d+)\}/g, (_, i: string) => args[Number(i)] ?? "");
}

/** Quotes source text for a message, as {@link code} does, cut to 40 characters. */
export function quote(text: string): string {
  return code(text.length > 40 ? `${text.slice(0, 37)}…` : text);
}

/**
 * Source text in a message: `` `x` ``. Text holding a backtick (a backticked name such
 * as `` `user-id` ``, or a path through one) is shown as written: wrapped again it would
 * read ``` `` `user-id` `` ```. Only backticks alone keep the wrapping.
 */
export function code(text: string): string {
  if (!text.includes("`")) return `\`${text}\``;
  return /^`+$/.test(text) ? `\`\` ${text} \`\`` : text;
}

/** Joins phrases as `a`, `a or b`, `a, b or c`. */
export function orList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), so
 * `wihtin` is one edit from `within`.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1, d[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[(i - 2) * cols + j - 2] + 1);
      }
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1];
}

/**
 * The candidate nearest to `word` (edit distance ≤ 2, and small relative to the
 * candidate so `x` does not suggest `by`); ties go to the earlier candidate. Each
 * candidate is compared as written and without spaces, so `followedby` suggests
 * `followed by`. Comparison ignores case.
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    const d = Math.min(editDistance(w, c), editDistance(w, c.replace(/ /g, "")));
    const firstWord = c.split(" ")[0];
    const limit = Math.min(2, Math.ceil(firstWord.length / 2));
    if (d <= limit && d < bestDistance && word !== candidate) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
