/**
 * The interface between event readers (NDJSON, CSV) and their consumer.
 *
 * Readers call the handler synchronously, in input order, once per non-blank record:
 * `event` with the parsed object and its text, or `bad` with the reason it is unusable.
 * Nothing is allocated per line beyond the parsed event itself.
 */
import type { JsonObject } from "./json.js";
import type { ScanOptions } from "./lines.js";

export interface EventHandler {
  /** A usable JSON object from physical line `lineNo` (`text` is the record as read). */
  event(lineNo: number, value: JsonObject, text: string): void;
  /** An unusable line: `reason` is "invalid JSON", "line too long", …; `text` is the line (or its start). */
  bad(lineNo: number, reason: string, text: string): void;
}

/** Reads every event of `input` into `handler`; resolves at the end of the input. */
export type EventReader = (
  input: AsyncIterable<Buffer | string>,
  handler: EventHandler,
  options?: Pick<ScanOptions, "afterChunk">,
) => Promise<void>;

/** At most this many characters of a line go into an error record's `text`. */
export const SNIPPET_LENGTH = 200;

/** The first 200 characters of `text`, never splitting a surrogate pair. */
export function snippet(text: string): string {
  if (text.length <= SNIPPET_LENGTH) return text;
  const c = text.charCodeAt(SNIPPET_LENGTH - 1);
  const end = c >= 0xd800 && c <= 0xdbff ? SNIPPET_LENGTH - 1 : SNIPPET_LENGTH;
  return text.slice(0, end);
}
