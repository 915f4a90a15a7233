/**
 * The input line limit of language.md §6, as one test shared by every place that takes
 * event lines: the NDJSON and CSV readers (through {@link MAX_LINE_BYTES} in `lines.ts`)
 * and the REPL. A longer line is a bad line with the reason {@link LINE_TOO_LONG}.
 *
 * ```ts
 * if (isLineTooLong(text)) report(LINE_TOO_LONG);
 * ```
 */
import { MAX_LINE_BYTES } from "./lines.js";

/** The reason given for a line over {@link MAX_LINE_BYTES}. */
export const LINE_TOO_LONG = "line too long";

/**
 * Whether `text` (one line, without its terminator) is longer than {@link MAX_LINE_BYTES}
 * in UTF-8. A UTF-16 unit is 1 to 3 bytes, so only lines over a third of the limit are
 * measured.
 */
export function isLineTooLong(text: string): boolean {
  return text.length > MAX_LINE_BYTES / 3 && Buffer.byteLength(text) > MAX_LINE_BYTES;
}
