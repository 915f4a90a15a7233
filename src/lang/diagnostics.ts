/**
 * Diagnostics are data: a stable code, a message, a span and an optional hint.
 * Line and column are computed only when printing (see `format.ts`).
 */
import type { Span } from "./ast.js";

/** `error` rejects the file; `warning` is printed and changes nothing. */
export type Severity = "error" | "warning";

/** One problem found in a `.pattern` file. */
export interface Diagnostic {
  /** Stable code: `E1xxx` lexical/syntax, `E2xxx` semantic, `W2xxx` warnings. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** The file name as given by the caller. */
  readonly file: string;
  /** The offending token; an empty span (`start === end`) is a point, e.g. after the previous token. */
  readonly span: Span;
  /** A suggestion printed under the code frame ("did you mean `followed by`?"). */
  readonly hint?: string;
}

/**
 * Thrown by {@link compile} when a source has errors; carries every diagnostic of
 * every file (errors and warnings) so a caller can print them all at once.
 */
export class CompileError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[], message?: string) {
    const errors = diagnostics.filter((d) => d.severity === "error");
    super(message ?? `${errors.length} error${errors.length === 1 ? "" : "s"} in pattern source`);
    this.name = "CompileError";
    this.diagnostics = diagnostics;
  }
}
