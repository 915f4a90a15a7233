/**
 * Building generated JavaScript: indented lines, fresh identifiers, safe comments, and the
 * {@link CodeScope} a condition's `emit` writes into. Nothing from a pattern file becomes
 * code here except through {@link PatternScope.literal} (a parameter slot, never the value
 * spelled out) and {@link comment} (line terminators removed, a comment end broken).
 */
import { CODE_HELPERS } from "../../compile/code-helpers.js";
import type { CodeScope } from "../../compile/nfa.js";

/** Lines of source with an indentation level; `open`/`close` bracket a block. */
export class Source {
  private readonly lines: string[] = [];
  private depth = 0;
  private nextId = 0;
  /** Lines written so far (the generator's size budget). */
  get size(): number {
    return this.lines.length;
  }

  constructor(
    /** Whether {@link note} writes comments (`cep explain --code`); the executed source has none. */
    readonly annotate: boolean,
  ) {}

  line(text: string): void {
    this.lines.push("  ".repeat(this.depth) + text);
  }

  /** `head {` and one level deeper. */
  open(head: string): void {
    this.line(`${head} {`);
    this.depth++;
  }

  /** `}` (or `} tail {` when `reopen` continues the statement, e.g. `else`). */
  close(reopen?: string): void {
    this.depth--;
    if (reopen === undefined) this.line("}");
    else {
      this.line(`} ${reopen} {`);
      this.depth++;
    }
  }

  /**
   * Turns the block just closed into `} else {` (its closing line must be the last line):
   * `if (r) {…} if (!r) {…}` becomes one test.
   */
  reopenElse(): void {
    if (this.lines.pop()?.trim() !== "}") throw new Error("reopenElse: no block was just closed");
    this.line("} else {");
    this.depth++;
  }

  /** Where the next line goes: {@link insert} can put a line there later. */
  mark(): { readonly at: number; readonly depth: number } {
    return { at: this.lines.length, depth: this.depth };
  }

  /** Inserts a line at a {@link mark} (with the indentation it had). */
  insert(mark: { readonly at: number; readonly depth: number }, text: string): void {
    this.lines.splice(mark.at, 0, "  ".repeat(mark.depth) + text);
  }

  /** A comment line, only in annotated source; the text made safe by {@link comment}. */
  note(text: string): void {
    if (this.annotate) this.line(`// ${comment(text)}`);
  }

  /** A fresh identifier: `prefix` (a fixed word of the generator) and a counter. */
  id(prefix: string): string {
    return `${prefix}${this.nextId++}`;
  }

  text(): string {
    return `${this.lines.join("\n")}\n`;
  }
}

/**
 * Text made safe inside a `//` comment: every line terminator (LF, CR, U+2028, U+2029) a
 * space, `*` `/` broken, other control characters escaped — pattern names and condition
 * sources may hold anything.
 */
export function comment(text: string): string {
  return text
    .replace(/[\n\r\u2028\u2029]/g, " ")
    .replace(/\*\//g, "* /")
    .replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** C0 controls and DEL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them to escape them is the point
const CONTROL = /[\u0000-\u001f\u007f]/g;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * The helper table generated code reads as `H.name`: compile/code-helpers.ts's value
 * operations, the ones `Cond.emit` names (a plain frozen object: fast loads, inlinable).
 */
export const HELPERS: Readonly<Record<string, unknown>> = CODE_HELPERS;

/**
 * The {@link CodeScope} of one pattern: literals go to `L[i]` (one slot per call, never
 * merged by value, so two patterns that differ only in literals get the same source),
 * helpers are checked against {@link HELPERS}. `usedCtx` records whether an emitted
 * expression read the context (then the branch must be bound before it runs).
 */
export class PatternScope implements CodeScope {
  readonly ev = "event";
  readonly literals: unknown[] = [];
  usedCtx = false;

  get ctx(): string {
    this.usedCtx = true;
    return "ctx";
  }

  literal(value: unknown): string {
    this.literals.push(value);
    return `L[${this.literals.length - 1}]`;
  }

  helper(name: string): string {
    if (!IDENTIFIER.test(name) || !Object.hasOwn(HELPERS, name) || typeof HELPERS[name] !== "function")
      throw new Error(`codegen: no helper named ${JSON.stringify(name)}`);
    return `H.${name}`;
  }
}
