/**
 * Collecting pattern text in the REPL (cli.md `cep repl`): a chunk of pattern text is
 * complete when its braces balance. Braces inside strings (`"…"`), backticked names
 * (`` `…` ``) and comments (`// …`, `/* … *\/`) do not count (language.md §1.1).
 *
 * One refinement where cli.md is silent: text that starts with `pattern` or `event` and
 * has not opened a brace yet is not complete (`pattern P` on one line, `{` on the next).
 * Anything else that balances with no brace at all (a stray word) is complete at once,
 * so the compiler can say what is wrong with it. An open `/*` comment keeps collecting.
 *
 * ```ts
 * const c = new PatternCollector();
 * c.add("pattern P {");            // null: still collecting
 * c.add('  match a: A where s == "}"');
 * c.add("}");                      // the whole text, three lines
 * ```
 */

/** The lexical state carried from one line to the next. */
export interface ScanState {
  /** `{` minus `}` outside strings and comments. */
  depth: number;
  /** Inside a `/* … *\/` comment. */
  inBlockComment: boolean;
  /** A `{` was seen (outside strings and comments). */
  sawBrace: boolean;
  /** The code seen so far outside comments, whitespace-collapsed, up to the first brace (for the header rule). */
  head: string;
}

/** A fresh scan state. */
export function initialScanState(): ScanState {
  return { depth: 0, inBlockComment: false, sawBrace: false, head: "" };
}

/**
 * Scans one line, updating `state`. Strings and backticked names end at the end of the
 * line (the language has no multi-line ones); a block comment may span lines.
 */
export function scanLine(line: string, state: ScanState): void {
  let i = 0;
  const n = line.length;
  const code = (text: string) => {
    if (!state.sawBrace) state.head += text;
  };
  while (i < n) {
    const c = line[i];
    if (state.inBlockComment) {
      const close = line.indexOf("*/", i);
      if (close === -1) return;
      state.inBlockComment = false;
      i = close + 2;
      code(" ");
      continue;
    }
    if (c === "/" && line[i + 1] === "/") return;
    if (c === "/" && line[i + 1] === "*") {
      state.inBlockComment = true;
      i += 2;
      continue;
    }
    if (c === '"') {
      // A JSON string: `\` escapes the next character.
      let j = i + 1;
      while (j < n && line[j] !== '"') j += line[j] === "\\" ? 2 : 1;
      code(line.slice(i, Math.min(j + 1, n)));
      i = j + 1;
      continue;
    }
    if (c === "`") {
      // A backticked name: a backtick inside is written twice.
      let j = i + 1;
      while (j < n) {
        if (line[j] === "`") {
          if (line[j + 1] === "`") {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      code(line.slice(i, Math.min(j + 1, n)));
      i = j + 1;
      continue;
    }
    if (c === "{") {
      state.depth++;
      state.sawBrace = true;
    } else if (c === "}") {
      // Code like any other: a stray `}` goes to the compiler, which says what is wrong.
      state.depth--;
      code(c);
    } else {
      code(c);
    }
    i++;
  }
  code("\n");
}

/** A header that still waits for its body: `pattern Name`, `event Name` (no brace yet). */
const HEADER = /^\s*(pattern|event)\b/;

/** Whether text scanned into `state` is a complete chunk. */
export function isComplete(state: ScanState): boolean {
  if (state.inBlockComment) return false;
  if (state.depth > 0) return false;
  if (!state.sawBrace && HEADER.test(state.head)) return false;
  return true;
}

/** Whether the scanned text has any code outside comments (a comment-only chunk has none). */
export function hasCode(state: ScanState): boolean {
  return state.sawBrace || state.head.trim().length > 0;
}

/** Collects lines of pattern text until they form a complete chunk. */
export class PatternCollector {
  private lines: string[] = [];
  private state = initialScanState();

  /** Lines are being collected (the chunk is not complete yet). */
  get collecting(): boolean {
    return this.lines.length > 0;
  }

  /** The brace depth of the text collected so far (for a continuation prompt). */
  get depth(): number {
    return this.state.depth;
  }

  /**
   * Adds a line. Returns the complete chunk (its lines joined with `\n`, with a final
   * newline) and starts over, or null while the chunk is incomplete.
   */
  add(line: string): { text: string; hasCode: boolean } | null {
    this.lines.push(line);
    scanLine(line, this.state);
    if (!isComplete(this.state)) return null;
    return this.take();
  }

  /** Ends collection: returns what was collected (complete or not), or null when nothing was. */
  take(): { text: string; hasCode: boolean } | null {
    if (this.lines.length === 0) return null;
    const result = { text: `${this.lines.join("\n")}\n`, hasCode: hasCode(this.state) };
    this.discard();
    return result;
  }

  /** Drops what was collected. */
  discard(): void {
    this.lines = [];
    this.state = initialScanState();
  }
}
