/**
 * A few top-level fields of one NDJSON line, found without building the object: what
 * the reading thread of `cep run --threads` needs to judge time and route an event
 * (its time, its partition key, a `$watermark`) while the worker threads parse.
 *
 * The scan is a strict JSON validator (RFC 8259, what `JSON.parse` accepts): it answers
 * only for a line `parseEvent` (json.ts) would take as an event — an object, nested at
 * most {@link MAX_DEPTH} deep — and otherwise says "not sure", so the caller parses the
 * line itself. It may be stricter than `JSON.parse`, never more lenient: a line it
 * accepts is an event for every thread. A field named twice counts with its last value,
 * as in `JSON.parse`. `test/io/peek.test.ts` compares it with `JSON.parse` on generated
 * and mutated lines.
 *
 * ```ts
 * const spans = new Int32Array(4); // [start, end) of each name's value, −1 when absent
 * if (peekFields('{"ts":5,"k":"a"}', ["ts", "k"], spans)) tokenValue(text, spans[0], spans[1]); // 5
 * ```
 */
import { MAX_DEPTH } from "./json.js";

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

function skipWs(text: string, i: number): number {
  const len = text.length;
  while (i < len) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
    i++;
  }
  return i;
}

/**
 * `i` at the opening quote; returns the index after the closing quote, or −1; the index
 * is negated minus 2 (≤ −2) when the string holds an escape (a key then needs decoding).
 */
function scanString(text: string, i: number): number {
  const len = text.length;
  let escaped = false;
  for (i++; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return escaped ? -(i + 1) - 2 : i + 1;
    if (c < 0x20) return -1;
    if (c === BACKSLASH) {
      escaped = true;
      const d = text.charCodeAt(++i);
      if (d === 117 /* u */) {
        for (let k = 0; k < 4; k++) {
          const h = text.charCodeAt(++i);
          const hex = (h >= ZERO && h <= NINE) || (h >= 65 && h <= 70) || (h >= 97 && h <= 102);
          if (!hex) return -1;
        }
      } else if (
        d !== QUOTE &&
        d !== BACKSLASH &&
        d !== 47 /* / */ &&
        d !== 98 /* b */ &&
        d !== 102 /* f */ &&
        d !== 110 /* n */ &&
        d !== 114 /* r */ &&
        d !== 116 /* t */
      )
        return -1;
    }
  }
  return -1;
}

/** A string's end (after its closing quote), escapes allowed; −1 when invalid. */
function stringEnd(text: string, i: number): number {
  const e = scanString(text, i);
  return e < -1 ? -e - 2 : e;
}

function digits(text: string, i: number): number {
  const start = i;
  const len = text.length;
  while (i < len) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) break;
    i++;
  }
  return i === start ? -1 : i;
}

function scanNumber(text: string, i: number): number {
  if (text.charCodeAt(i) === MINUS) i++;
  const c = text.charCodeAt(i);
  if (c === ZERO) i++;
  else if (c > ZERO && c <= NINE) i = digits(text, i);
  else return -1;
  if (text.charCodeAt(i) === DOT) {
    i = digits(text, i + 1);
    if (i < 0) return -1;
  }
  const e = text.charCodeAt(i);
  if (e === 101 || e === 69) {
    i++;
    const s = text.charCodeAt(i);
    if (s === PLUS || s === MINUS) i++;
    i = digits(text, i);
  }
  return i;
}

/** One value at `i` (no leading whitespace); the index after it, or −1. `depth`: of the value's container. */
function scanValue(text: string, i: number, depth: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return stringEnd(text, i);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) return scanContainer(text, i, depth + 1);
  if (c === 116) return text.startsWith("true", i) ? i + 4 : -1;
  if (c === 102) return text.startsWith("false", i) ? i + 5 : -1;
  if (c === 110) return text.startsWith("null", i) ? i + 4 : -1;
  return scanNumber(text, i);
}

/** A nested object or array at `i`; the index after it, or −1. */
function scanContainer(text: string, i: number, depth: number): number {
  if (depth > MAX_DEPTH) return -1;
  const object = text.charCodeAt(i) === OPEN_BRACE;
  const close = object ? CLOSE_BRACE : CLOSE_BRACKET;
  i = skipWs(text, i + 1);
  if (text.charCodeAt(i) === close) return i + 1;
  for (;;) {
    if (object) {
      if (text.charCodeAt(i) !== QUOTE) return -1;
      i = stringEnd(text, i);
      if (i < 0) return -1;
      i = skipWs(text, i);
      if (text.charCodeAt(i) !== COLON) return -1;
      i = skipWs(text, i + 1);
    }
    i = scanValue(text, i, depth);
    if (i < 0) return -1;
    i = skipWs(text, i);
    const c = text.charCodeAt(i);
    if (c === close) return i + 1;
    if (c !== COMMA) return -1;
    i = skipWs(text, i + 1);
  }
}

/**
 * Validates `line` as one JSON object (what `parseEvent` takes) and records, for each of
 * `names`, the span of its top-level value: `spans[2j]` (start) and `spans[2j + 1]` (end),
 * or −1 when the object has no such field. Returns false when the line is not certainly
 * an event (invalid JSON, not an object, too deeply nested, a key written with escapes
 * that could be one of `names`): the caller then parses it to know.
 */
export function peekFields(line: string, names: readonly string[], spans: Int32Array): boolean {
  const text = line;
  const len = text.length;
  spans.fill(-1);
  let i = skipWs(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return false;
  i = skipWs(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return skipWs(text, i + 1) === len;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return false;
    const keyStart = i + 1;
    i = scanString(text, i);
    // An escaped key is compared only after decoding: rare, so left to the full parse.
    if (i < 0) return false;
    const keyLength = i - 1 - keyStart;
    let which = -1;
    for (let j = 0; j < names.length; j++) {
      const name = names[j];
      if (name.length === keyLength && text.startsWith(name, keyStart)) which = j;
    }
    i = skipWs(text, i);
    if (text.charCodeAt(i) !== COLON) return false;
    i = skipWs(text, i + 1);
    const valueStart = i;
    i = scanValue(text, i, 1);
    if (i < 0) return false;
    if (which >= 0) {
      spans[2 * which] = valueStart;
      spans[2 * which + 1] = i;
    }
    i = skipWs(text, i);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACE) return skipWs(text, i + 1) === len;
    if (c !== COMMA) return false;
    i = skipWs(text, i + 1);
  }
}

/**
 * The value of a token {@link peekFields} found: numbers, `true`, `false` and `null` and
 * strings without escapes are read directly; anything else (escaped strings, objects,
 * arrays) through `JSON.parse` of the token alone.
 */
export function tokenValue(line: string, start: number, end: number): unknown {
  const c = line.charCodeAt(start);
  if (c === QUOTE) {
    const inner = line.slice(start + 1, end - 1);
    return inner.includes("\\") ? JSON.parse(line.slice(start, end)) : inner;
  }
  if (c === MINUS || (c >= ZERO && c <= NINE)) return Number(line.slice(start, end));
  if (c === 116) return true;
  if (c === 102) return false;
  if (c === 110) return null;
  return JSON.parse(line.slice(start, end));
}

const STRING = '"[^"\\\\\\u0000-\\u001f]*"';
const SCALAR = `(?:${STRING}|-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?|true|false|null)`;
/**
 * A flat object written without whitespace or escapes (`{"type":"A","k":7,"ts":5}`): a
 * subset of JSON that one native regular expression checks, several times faster than
 * {@link peekFields}' scan. Inside it a field `"name":` can only be a key (a string
 * holds no quote), so finding one is a `lastIndexOf` (the last, as `JSON.parse` keeps).
 */
const FLAT = new RegExp(`^\\{(?:${STRING}:${SCALAR}(?:,${STRING}:${SCALAR})*)?\\}$`);

/**
 * {@link peekFields} for a fixed list of names, with a fast path for flat objects (see
 * {@link FLAT}); the same answers.
 */
export class FieldPeek {
  /** `"name":` per name; null when a name needs escaping in JSON (no fast path then). */
  private readonly needles: string[] | null;

  constructor(readonly names: readonly string[]) {
    const needles = names.map((n) => `${JSON.stringify(n)}:`);
    this.needles = needles.some((n) => n.includes("\\")) ? null : needles;
  }

  /** As {@link peekFields}. */
  peek(line: string, spans: Int32Array): boolean {
    const needles = this.needles;
    if (needles === null || !FLAT.test(line)) return peekFields(line, this.names, spans);
    for (let j = 0; j < needles.length; j++) {
      const at = line.lastIndexOf(needles[j]);
      if (at < 0) {
        spans[2 * j] = -1;
        spans[2 * j + 1] = -1;
        continue;
      }
      const start = at + needles[j].length;
      let end: number;
      if (line.charCodeAt(start) === QUOTE) end = line.indexOf('"', start + 1) + 1;
      else {
        // A number or literal ends at the next `,` or the closing `}`.
        const comma = line.indexOf(",", start);
        end = comma < 0 ? line.length - 1 : comma;
      }
      spans[2 * j] = start;
      spans[2 * j + 1] = end;
    }
    return true;
  }
}
