/**
 * The interface between event readers (NDJSON, CSV) and their consumer.
 *
 * Readers call the handler synchronously, in input order, once per non-blank record:
 * `event` with the parsed object and its text, or `bad` with the reason it is unusable.
 * Nothing is allocated per line beyond the parsed event itself.
 *
 * `event` may return `true` to pause reading right after that record: the reader awaits
 * `options.onPause` with the {@link ReadPosition} after it, from which a later read can
 * start again (`options.start`, with the input opened at `position.offset`). This is
 * how `cep run --checkpoint` takes consistent checkpoints between two records.
 */
import type { JsonObject } from "./json.js";
import type { ScanOptions, ScanPosition } from "./lines.js";

export interface EventHandler {
  /**
   * A usable JSON object from physical line `lineNo` (`text` is the record as read).
   * Returning exactly `true` pauses reading after it (see {@link ReadOptions.onPause});
   * any other result is ignored.
   */
  event(lineNo: number, value: JsonObject, text: string): unknown;
  /** An unusable line: `reason` is "invalid JSON", "line too long", …; `text` is the line (or its start). */
  bad(lineNo: number, reason: string, text: string): void;
}

/** Where a reader stands between two records: enough to start reading again from there. */
export interface ReadPosition extends ScanPosition {
  /** CSV: the header's field names (read from line 1, needed to read on); NDJSON: absent. */
  readonly header?: readonly string[];
}

/** Options of an {@link EventReader}. */
export interface ReadOptions extends Pick<ScanOptions, "afterChunk"> {
  /** Where `input` starts: a position an earlier read paused at (the input opened at its offset). */
  start?: ReadPosition;
  /** Awaited after an `event` that returned `true`, with the position after that record. */
  onPause?: (position: ReadPosition) => undefined | Promise<void>;
  /** CSV: most physical lines one record may span (a quoted cell with line breaks); default 100. */
  maxRecordLines?: number;
}

/**
 * Reads every event of `input` into `handler`; resolves at the end of the input with the
 * position there (`cep run --follow` checkpoints it when a signal stops the run).
 */
export type EventReader = (
  input: AsyncIterable<Buffer | string>,
  handler: EventHandler,
  options?: ReadOptions,
) => Promise<ReadPosition>;

/** At most this many characters of a line go into an error record's `text`. */
export const SNIPPET_LENGTH = 200;

/** The first 200 characters of `text`, never splitting a surrogate pair. */
export function snippet(text: string): string {
  if (text.length <= SNIPPET_LENGTH) return text;
  const c = text.charCodeAt(SNIPPET_LENGTH - 1);
  const end = c >= 0xd800 && c <= 0xdbff ? SNIPPET_LENGTH - 1 : SNIPPET_LENGTH;
  return text.slice(0, end);
}
