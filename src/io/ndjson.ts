/**
 * NDJSON events: one JSON object per line, blank lines skipped, `\r\n` accepted, a line
 * that is not valid UTF-8 reported as bad ("invalid UTF-8").
 *
 * ```ts
 * await readNdjson(fs.createReadStream("events.ndjson"), {
 *   event: (line, ev) => engine.push(ev),
 *   bad: (line, reason, text) => errors.write(errorRecord(file, line, reason, text)),
 * });
 * ```
 */
import type { EventHandler, EventReader, ReadOptions } from "./events.js";
import { parseEvent } from "./json.js";
import { type LineHandler, scanLines } from "./lines.js";

export { readLines, type SourceLine } from "./lines.js";

/** Reads NDJSON events from `input` (a file stream, stdin, any async iterable of chunks). */
export const readNdjson: EventReader = (input, handler: EventHandler, options: ReadOptions = {}) => {
  const lines: LineHandler = {
    line(lineNo, text) {
      const value = parseEvent(text);
      if (typeof value !== "string") return handler.event(lineNo, value, text) === true;
      handler.bad(lineNo, value, text);
      return false;
    },
    tooLong(lineNo, prefix) {
      handler.bad(lineNo, "line too long", prefix);
    },
    invalidUtf8(lineNo, text) {
      handler.bad(lineNo, "invalid UTF-8", text);
    },
  };
  const start =
    options.start === undefined ? undefined : { offset: options.start.offset, line: options.start.line };
  return scanLines(input, lines, { afterChunk: options.afterChunk, start, onPause: options.onPause });
};
