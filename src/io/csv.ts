/**
 * CSV events (RFC 4180): the first non-blank record is the header naming the fields,
 * every later record becomes one event object.
 *
 * Cell conversion (cli.md `--format`): an unquoted cell in JSON number syntax is a
 * number, an empty unquoted cell is `null`, anything else is the string as written. A
 * quoted cell is always a string (`"42"` is the string "42", `""` the empty string):
 * quoting is how a CSV says "text". No trimming; `true`/`null` stay strings.
 *
 * Line numbers are physical and 1-based, the header being line 1 when it is the first
 * line; a record whose quoted cell spans lines has the number of its first line. Blank
 * lines between records are skipped. Bad records (wrong field count, text after a
 * closing quote, invalid UTF-8, over 1 MiB) go to `handler.bad` and reading goes on.
 *
 * A quoted cell may span lines, but a record may span at most `maxRecordLines` physical
 * lines ({@link MAX_RECORD_LINES} by default) and 1 MiB. A quote still open past either
 * bound (or at the end of the input) makes the record bad, reported at the line where it
 * began, and the lines after that one are read again as records: a stray quote costs one
 * record, not every record up to the next quote. Each line is measured once as it comes,
 * so reading stays linear.
 *
 * Why not csv-parse: its `info.lines` counts a `\r\n` inside a quoted cell as two lines,
 * its `raw` text is not reset after a skipped record (so an error's `text` would be
 * wrong), and after an "Invalid Closing Quote" it swallows the next good record. Records
 * here ride on the same line scanner as NDJSON, which gives exact physical line
 * numbers, the same 1 MiB guard and the same speed.
 */
import type { EventHandler, EventReader } from "./events.js";
import type { JsonObject } from "./json.js";
import { isBlank, type LineHandler, MAX_LINE_BYTES, type ScanPosition, scanLines } from "./lines.js";

/**
 * Reads CSV events from `input`. A pause (see events.ts) reports the header with the
 * position; a read started there (`options.start`) uses that header instead of reading one.
 */
export const readCsv: EventReader = async (input, handler, options = {}) => {
  const records = new CsvRecords(
    handler,
    options.start?.header ?? null,
    options.maxRecordLines ?? MAX_RECORD_LINES,
  );
  const onPause = options.onPause;
  const start =
    options.start === undefined ? undefined : { offset: options.start.offset, line: options.start.line };
  const end = await scanLines(input, records, {
    skipBlank: false,
    afterChunk: options.afterChunk,
    start,
    onPause:
      onPause === undefined
        ? undefined
        : (p: ScanPosition) => onPause({ offset: p.offset, line: p.line, header: records.header() }),
  });
  records.finish();
  return { offset: end.offset, line: end.line, header: records.header() };
};

const QUOTE = 34;
const INVALID_UTF8 = "invalid UTF-8";
/** Default most physical lines one record may span (a quoted cell holding line breaks). */
export const MAX_RECORD_LINES = 100;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** A cell as an event value: JSON-number text → number, empty → null, else the string. */
export function csvCell(cell: string): string | number | null {
  if (cell.length === 0) return null;
  const c = cell.charCodeAt(0);
  // Only '-' or a digit can start a number; skip the regex for everything else.
  if ((c === 45 || (c >= 48 && c <= 57)) && NUMBER.test(cell)) return Number(cell);
  return cell;
}

/** Turns physical lines into records, then into events. */
class CsvRecords implements LineHandler {
  private keys: string[] | null = null;
  private hasProto = false;
  // The record being read (it spans lines only inside a quoted cell).
  private fields: unknown[] = [];
  private cell = "";
  private open = false;
  private startLine = 0;
  private text = "";
  private failed: string | null = null;
  /** The lines after the first of an open record, kept to re-read them if it is abandoned. */
  private more: string[] = [];
  /** Bytes of the open record so far (its lines and `\n`s), added line by line. */
  private bytes = 0;
  /** Lines of the open record that are not valid UTF-8 (rare): re-read, they stay bad. */
  private invalidLines: number[] = [];
  /** The handler asked for a pause after the record completed by the current line. */
  private pause = false;

  constructor(
    private readonly handler: EventHandler,
    header: readonly string[] | null,
    private readonly maxLines: number,
  ) {
    if (header !== null) this.setHeader([...header]);
  }

  /** The header's field names; empty before the header is read. */
  header(): readonly string[] {
    return this.keys ?? [];
  }

  line(lineNo: number, text: string): boolean {
    this.pause = false;
    this.record(lineNo, text);
    // Never pause inside an open record: a read resumed there would lose its first lines.
    return this.pause && !this.open;
  }

  /** Reads one physical line; `bad` (invalid UTF-8) makes its record bad. */
  private record(lineNo: number, text: string, bad: string | null = null): void {
    if (this.open) {
      // The first line is measured only when a record spans lines (rare), then each line once.
      if (this.more.length === 0) this.bytes = Buffer.byteLength(this.text);
      this.more.push(text);
      if (bad !== null) {
        this.invalidLines.push(lineNo);
        this.failed ??= bad;
      }
      this.bytes += Buffer.byteLength(text) + 1;
      if (this.more.length >= this.maxLines) {
        this.abandon(`quoted field not closed within ${this.maxLines} lines`);
        return;
      }
      if (this.bytes > MAX_LINE_BYTES) {
        this.abandon("quoted field not closed within 1 MiB");
        return;
      }
      this.text += `\n${text}`;
      this.cell += "\n";
      this.parse(text, 0);
      return;
    }
    if (isBlank(text)) return;
    this.startLine = lineNo;
    this.text = text;
    this.failed = bad;
    if (this.more.length !== 0) this.more = [];
    if (this.invalidLines.length !== 0) this.invalidLines = [];
    if (this.keys !== null && text.indexOf('"') === -1) {
      // Fast path: no quotes, so every comma separates cells.
      const cells = text.split(",");
      for (let i = 0; i < cells.length; i++) (cells as unknown[])[i] = csvCell(cells[i]);
      this.fields = cells;
      this.complete();
      return;
    }
    this.fields = [];
    this.parse(text, 0);
  }

  /**
   * The open record ran past a bound (or the input ended): it is bad, at the line its
   * quote opened, and its later lines are read again as records of their own: one stray
   * quote costs one record, not every record up to the next quote.
   */
  private abandon(reason: string): void {
    const first = this.startLine;
    const lines = this.more;
    const invalid = this.invalidLines;
    this.open = false;
    this.more = [];
    this.invalidLines = [];
    this.fields = [];
    this.cell = "";
    this.handler.bad(first, reason, this.text);
    for (let i = 0; i < lines.length; i++) {
      const lineNo = first + 1 + i;
      this.record(lineNo, lines[i], invalid.length !== 0 && invalid.includes(lineNo) ? INVALID_UTF8 : null);
    }
  }

  tooLong(lineNo: number, prefix: string): void {
    if (this.open) this.abandon("quoted field not closed within 1 MiB");
    this.handler.bad(lineNo, "line too long", prefix);
  }

  /** A line that is not valid UTF-8 is read as usual (it may close a quote), but its record is bad. */
  invalidUtf8(lineNo: number, text: string): void {
    this.record(lineNo, text, INVALID_UTF8);
  }

  /** End of input: a record still inside quotes is bad. */
  finish(): void {
    while (this.open) this.abandon("unterminated quoted field");
  }

  /** Parses cells of `line` from `i` (continuing an open quoted cell first). */
  private parse(line: string, i: number): void {
    const n = line.length;
    const convert = this.keys !== null;
    if (this.open) {
      i = this.quoted(line, i);
      if (i < 0) return;
      i = this.afterQuoted(line, i);
      if (i < 0) return;
    }
    for (;;) {
      if (i < n && line.charCodeAt(i) === QUOTE) {
        this.cell = "";
        i = this.quoted(line, i + 1);
        if (i < 0) return;
        i = this.afterQuoted(line, i);
        if (i < 0) return;
        continue;
      }
      const comma = line.indexOf(",", i);
      const end = comma === -1 ? n : comma;
      const raw = line.slice(i, end);
      this.fields.push(convert ? csvCell(raw) : raw);
      if (comma === -1) {
        this.complete();
        return;
      }
      i = comma + 1;
    }
  }

  /**
   * Reads a quoted cell's text from `i` (just after its opening quote) into `cell`.
   * Returns the index after the closing quote, or -1 when the line ends inside quotes.
   */
  private quoted(line: string, i: number): number {
    for (;;) {
      const q = line.indexOf('"', i);
      if (q === -1) {
        this.cell += line.slice(i);
        this.open = true;
        return -1;
      }
      this.cell += line.slice(i, q);
      if (line.charCodeAt(q + 1) === QUOTE) {
        this.cell += '"';
        i = q + 2;
      } else {
        this.open = false;
        return q + 1;
      }
    }
  }

  /** After a closing quote: a comma (next cell) or the end of the record. Returns the next index or -1. */
  private afterQuoted(line: string, i: number): number {
    this.fields.push(this.cell);
    this.cell = "";
    if (i === line.length) {
      this.complete();
      return -1;
    }
    if (line.charCodeAt(i) === 44) return i + 1;
    this.failed = "invalid CSV: text after a closing quote";
    this.complete();
    return -1;
  }

  /** One record is complete: the header, or an event. */
  private complete(): void {
    const fields = this.fields;
    this.fields = [];
    if (this.failed !== null) {
      this.handler.bad(this.startLine, this.failed, this.text);
      return;
    }
    const keys = this.keys;
    if (keys === null) {
      this.setHeader(fields as string[]);
      return;
    }
    if (fields.length !== keys.length) {
      this.handler.bad(this.startLine, `expected ${keys.length} fields, got ${fields.length}`, this.text);
      return;
    }
    const event: JsonObject = {};
    for (let i = 0; i < keys.length; i++) {
      if (this.hasProto && keys[i] === "__proto__") {
        // Plain assignment would set the prototype; define an own data property instead.
        Object.defineProperty(event, "__proto__", {
          value: fields[i],
          writable: true,
          enumerable: true,
          configurable: true,
        });
      } else {
        event[keys[i]] = fields[i];
      }
    }
    if (this.handler.event(this.startLine, event, this.text) === true) this.pause = true;
  }

  private setHeader(keys: string[]): void {
    this.keys = keys;
    // Duplicate names: the later column wins, as with duplicate JSON keys.
    this.hasProto = keys.includes("__proto__");
  }
}
