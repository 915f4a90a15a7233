/**
 * What the language server knows of a workspace at one moment: every `.pattern` file
 * (open documents as typed, the others as on disk), each parsed, and the checker's
 * result over all of them together (schemas and names are shared across files, as in a
 * `cep run` of several files).
 *
 * The server (`server.ts`, `workspace.ts`) builds a view after each change; the
 * language features (`analysis/`) are pure functions of a view and an offset. Offsets
 * and spans are UTF-16 indices into a document's text, as LSP positions are.
 */
import type { Span } from "../lang/ast.js";
import type { CheckResult } from "../lang/check.js";
import type { Diagnostic } from "../lang/diagnostics.js";
import type { ParseResult } from "../lang/parse.js";

/** One `.pattern` file of the workspace. */
export interface SourceDoc {
  /** The document's URI (`file:///…`), as the editor names it. */
  readonly uri: string;
  /** The name used in diagnostics and in `FileNode.file` (a path relative to the workspace root when there is one). */
  readonly file: string;
  readonly text: string;
  /** The editor's version of an open document; null for a file read from disk. */
  readonly version: number | null;
  readonly parsed: ParseResult;
}

/** Every file of the workspace, parsed and checked together. */
export interface WorkspaceView {
  /** In a stable order (URI order). */
  readonly docs: readonly SourceDoc[];
  readonly byUri: ReadonlyMap<string, SourceDoc>;
  /** `check` over the ASTs of every doc (its `PatternInfo.file` is a doc's `file`). */
  readonly checked: CheckResult;
  /** Every diagnostic (`cep check`'s: syntax, semantic, compile) per URI. */
  readonly diagnostics: ReadonlyMap<string, readonly Diagnostic[]>;
}

/** A place in a document. */
export interface Place {
  readonly uri: string;
  readonly span: Span;
}

/** A text replacement in a document. */
export interface Replacement {
  readonly uri: string;
  readonly span: Span;
  readonly newText: string;
}
