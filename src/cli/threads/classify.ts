/**
 * What one parsed record is for the time rules of `cep run --threads` (docs/cli.md
 * "Threads"): a watermark, a record with a bad time, or an event at a time. The reading
 * thread's per-line path (run.ts) and the workers' block scan (scan.ts) both ask here, so
 * both judge a line the way a single-thread run does.
 */
import { invalidTime, MAX_TIME, parseTime } from "../../runtime/values.js";

/** The record is an event ({@link Classified.time} is its time). */
export const EVENT = 1;
/** The record is a watermark ({@link Classified.time} is its value). */
export const WATERMARK = 2;
/** The record is reported as a bad line ({@link Classified.reason} says why). */
export const BAD = 3;

/** The outcome of {@link classify}: reused, so classifying allocates nothing. */
export interface Classified {
  time: number;
  reason: string;
}

/**
 * Classifies a record from its `$watermark` (when it has one) and its time field's value;
 * sets `out.time` or `out.reason` and returns {@link EVENT}, {@link WATERMARK} or {@link BAD}.
 */
export function classify(
  wm: unknown,
  hasWm: boolean,
  time: unknown,
  timeField: string,
  out: Classified,
): number {
  if (hasWm) {
    const t = parseTime(wm);
    if (typeof t === "number") {
      out.time = t;
      return WATERMARK;
    }
    out.reason = invalidTime("invalid watermark", wm);
    return BAD;
  }
  const t = typeof time === "number" && Number.isInteger(time) ? time : parseTime(time);
  if (typeof t !== "number" || t > MAX_TIME || t < -MAX_TIME) {
    const why = typeof t === "number" ? "invalid time" : t;
    const what = `${why} (${timeField})`;
    out.reason = why === "missing time" ? what : invalidTime(what, time);
    return BAD;
  }
  out.time = t;
  return EVENT;
}
