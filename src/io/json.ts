/**
 * Safe parsing of one NDJSON line into an event.
 *
 * `JSON.parse` is already safe against prototype pollution: it defines every key as an
 * own data property (CreateDataProperty), so `"__proto__"`, `"constructor"` and
 * `"prototype"` stay plain data and the object keeps `Object.prototype` (tested in
 * `test/io/json.test.ts`). Two hazards remain and are handled here:
 *
 * - **Deep nesting.** V8's `JSON.parse` is iterative and accepts `[[[[…` a million deep,
 *   but `JSON.stringify` (writing the record) and any recursive walk overflow the stack
 *   near 4,000 levels. Lines nested deeper than {@link MAX_DEPTH} are rejected as
 *   "nesting too deep". Only lines longer than `2 × MAX_DEPTH` characters can be that
 *   deep, so short lines are never scanned.
 * - **Huge numbers.** `1e400` parses to `Infinity` and is kept as is: the engine rejects
 *   a non-finite time ("invalid time"), and any other such field is written back as
 *   `null` by `JSON.stringify`, as JSON has no infinity.
 */

/** Deepest accepted nesting of arrays and objects (the event object itself is level 1). */
export const MAX_DEPTH = 1000;

/** Why a line is not an event; `invalid JSON` carries the parser's message. */
export type JsonFailure = `invalid JSON: ${string}` | "not a JSON object" | "nesting too deep";

/** A parsed event: a plain JSON object. */
export type JsonObject = Record<string, unknown>;

/**
 * Parses `text` as one event; returns the object, or the reason it is not one (e.g.
 * `invalid JSON: Unexpected end of JSON input`). Never throws.
 *
 * ```ts
 * const r = parseEvent('{"type":"A","ts":1}');
 * if (typeof r === "string") reportBad(r); else engine.push(r);
 * ```
 */
export function parseEvent(text: string): JsonObject | JsonFailure {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // V8's message is short: it quotes at most a few characters around the error.
    return `invalid JSON: ${(err as Error).message}`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
  if (text.length > 2 * MAX_DEPTH && nestingExceeds(text, MAX_DEPTH)) return "nesting too deep";
  return value as JsonObject;
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/** True when valid JSON `text` nests arrays/objects deeper than `limit`. */
export function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Skip the string; the text is valid JSON, so it is closed.
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}
