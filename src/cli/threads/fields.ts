/**
 * What `cep run --threads` reads of a record before anything else: its `$watermark`, its
 * time and the worker of its partition key (docs/cli.md "Threads"). An NDJSON line is
 * read without parsing when io/peek.ts can (integer times and plain keys straight from the
 * text, no value built); a parsed object is read the way `parseEvent`'s caller reads it.
 * The reading thread's per-line path (run.ts) and the workers' block scan (scan.ts) share it.
 */
import type { JsonObject } from "../../io/json.js";
import { FieldPeek, tokenValue } from "../../io/peek.js";
import { path } from "../../runtime/values.js";
import { plainInteger, workerOfToken, workerOfValue } from "./route.js";

/** The fields of the last record read (one instance, reused: reading allocates nothing in the usual case). */
export class RecordFields {
  hasWm = false;
  wm: unknown = undefined;
  time: unknown = undefined;
  /** The worker of the partition key (0 when the record has none). */
  worker = 0;
  private readonly peeker: FieldPeek;
  private readonly spans = new Int32Array(6);
  private readonly rest: string[];

  constructor(
    private readonly timeField: string,
    private readonly by: readonly string[],
    private readonly threads: number,
  ) {
    this.peeker = new FieldPeek(["$watermark", timeField, by[0]]);
    this.rest = by.slice(1);
  }

  /** Reads an NDJSON line without parsing it; false when it must be parsed (then nothing is set). */
  peek(text: string): boolean {
    const spans = this.spans;
    if (!this.peeker.peek(text, spans)) return false;
    // The usual line: no watermark, an integer time, a key hashed from its text.
    this.hasWm = spans[0] >= 0;
    this.wm = this.hasWm ? tokenValue(text, spans[0], spans[1]) : undefined;
    let time: unknown;
    if (spans[2] >= 0) {
      time = plainInteger(text, spans[2], spans[3]);
      if (Number.isNaN(time)) time = tokenValue(text, spans[2], spans[3]);
    }
    this.time = time;
    let w = 0;
    if (spans[4] >= 0) {
      const rest = this.rest;
      w = rest.length === 0 ? workerOfToken(text, spans[4], spans[5], this.threads) : -1;
      if (w < 0) {
        const top = tokenValue(text, spans[4], spans[5]);
        w = workerOfValue(rest.length === 0 ? top : path(top, rest), this.threads);
      }
    }
    this.worker = w;
    return true;
  }

  /** Reads a parsed record. */
  read(value: JsonObject): void {
    const timeField = this.timeField;
    this.hasWm = Object.hasOwn(value, "$watermark");
    this.wm = value.$watermark;
    let time = value[timeField];
    if (
      (typeof time === "object" || typeof time === "function") &&
      time !== null &&
      !Object.hasOwn(value, timeField)
    )
      time = undefined;
    this.time = time;
    this.worker = workerOfValue(path(value, this.by), this.threads);
  }
}
