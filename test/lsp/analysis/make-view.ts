/** A `WorkspaceView` built directly from `{ uri: text }`, for the analysis unit tests. */
import { check } from "../../../src/lang/check.js";
import type { Diagnostic } from "../../../src/lang/diagnostics.js";
import { parse } from "../../../src/lang/parse.js";
import type { SourceDoc, WorkspaceView } from "../../../src/lsp/view.js";

/** `file:///w/a.pattern` → `a.pattern`. */
function fileOf(uri: string): string {
  return uri.replace(/^file:\/\/\/w\//, "");
}

/** Parse every text, check them together. URIs are `file:///w/<name>`. */
export function makeView(files: Record<string, string>): WorkspaceView {
  const docs: SourceDoc[] = Object.keys(files)
    .sort()
    .map((name) => {
      const uri = `file:///w/${name}`;
      const text = files[name];
      return { uri, file: fileOf(uri), text, version: 1, parsed: parse(text, name) };
    });
  const checked = check(docs.flatMap((d) => (d.parsed.ast === null ? [] : [d.parsed.ast])));
  const diagnostics = new Map<string, Diagnostic[]>();
  for (const d of docs) diagnostics.set(d.uri, [...d.parsed.diagnostics]);
  for (const d of checked.diagnostics) diagnostics.get(`file:///w/${d.file}`)?.push(d);
  return { docs, byUri: new Map(docs.map((d) => [d.uri, d])), checked, diagnostics };
}

/** The URI of a test file. */
export const uriOf = (name: string): string => `file:///w/${name}`;

/**
 * A source with one `|` marking the cursor: the text without it and the cursor's offset.
 */
export function cursor(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf("|");
  if (offset < 0) throw new Error("no | in source");
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}

/** Apply replacements to one text (spans of the original text). */
export function applyEdits(
  text: string,
  edits: readonly { span: { start: number; end: number }; newText: string }[],
): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start)) {
    out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  }
  return out;
}
