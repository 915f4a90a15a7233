/**
 * io/peek.ts against `JSON.parse` (through `parseEvent`): a line it accepts is an event,
 * and every field it reports has the value `JSON.parse` gives (the last of repeated
 * names); on generated objects, and on their text mutated character by character.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { parseEvent } from "../../src/io/json.js";
import { FieldPeek, peekFields, tokenValue } from "../../src/io/peek.js";

const NAMES = ["ts", "k", "$watermark"];

/** What peek says of `line`: null (not sure), or the fields it found. */
function peek(line: string): Record<string, unknown> | null {
  const spans = new Int32Array(2 * NAMES.length);
  if (!peekFields(line, NAMES, spans)) return null;
  const out: Record<string, unknown> = {};
  NAMES.forEach((name, j) => {
    if (spans[2 * j] >= 0) out[name] = tokenValue(line, spans[2 * j], spans[2 * j + 1]);
  });
  return out;
}

/** The same from the parsed object. */
function parsed(line: string): Record<string, unknown> | string {
  const v = parseEvent(line);
  if (typeof v === "string") return v;
  const out: Record<string, unknown> = {};
  for (const name of NAMES) if (Object.hasOwn(v, name)) out[name] = v[name];
  return out;
}

/** The same through {@link FieldPeek} (its flat-object fast path, else peekFields). */
const fieldPeek = new FieldPeek(NAMES);
function peekFast(line: string): Record<string, unknown> | null {
  const spans = new Int32Array(2 * NAMES.length);
  if (!fieldPeek.peek(line, spans)) return null;
  const out: Record<string, unknown> = {};
  NAMES.forEach((name, j) => {
    if (spans[2 * j] >= 0) out[name] = tokenValue(line, spans[2 * j], spans[2 * j + 1]);
  });
  return out;
}

function agrees(line: string): void {
  const p = peek(line);
  // The fast path answers exactly as the scan: sure of the same lines, the same fields.
  expect(peekFast(line), line).toEqual(p);
  if (p === null) return; // not sure: the caller parses
  expect(parsed(line), line).toEqual(p);
}

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const field = fc.oneof(
  fc.constantFrom(...NAMES, "type", "t s", "k\\u0000", "ts "),
  fc.string({ maxLength: 4 }),
);
/** An object's text, and whether some key is written with an escape. */
const objectCase = fc
  .array(fc.tuple(field, jsonValue, fc.constantFrom("", " ", "\t", "\r\n")), { maxLength: 6 })
  .map((pairs) => ({
    line: `{${pairs.map(([k, v, ws]) => `${ws}${JSON.stringify(k)}${ws}:${ws}${JSON.stringify(v)}${ws}`).join(",")}}`,
    escapedKey: pairs.some(([k]) => JSON.stringify(k).includes("\\")),
  }));
const objectText = objectCase.map((c) => c.line);
/** Flat objects without whitespace: what the fast path takes. */
const flatText = fc
  .array(fc.tuple(field, fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null))), {
    maxLength: 6,
  })
  .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`);

describe("peekFields", () => {
  test("fields of valid objects are those JSON.parse gives (repeated names: the last)", () => {
    fc.assert(
      fc.property(objectCase, ({ line, escapedKey }) => {
        // Sure of every object whose keys are written without escapes.
        if (!escapedKey) expect(peek(line), line).not.toBeNull();
        agrees(line);
      }),
      { numRuns: 2000 },
    );
  });

  test("flat objects (the fast path): the fields JSON.parse gives", () => {
    fc.assert(
      fc.property(flatText, (line) => {
        agrees(line);
      }),
      { numRuns: 3000 },
    );
  });

  test("mutated text: whatever peek accepts, JSON.parse takes as an event with the same fields", () => {
    const alphabet = fc.constantFrom(...'{}[]":,\\ 0123456789-+.eEtrufalsn\u0001\ud800x'.split(""));
    fc.assert(
      fc.property(
        fc.oneof(objectText, flatText),
        fc.array(fc.tuple(fc.nat(), fc.nat(2), alphabet), { minLength: 1, maxLength: 4 }),
        (line, edits) => {
          let s = line;
          for (const [at, op, c] of edits) {
            const i = s.length === 0 ? 0 : at % (s.length + 1);
            s =
              op === 0
                ? s.slice(0, i) + c + s.slice(i)
                : op === 1
                  ? s.slice(0, i) + s.slice(i + 1)
                  : s.slice(0, i) + c + s.slice(i + 1);
          }
          agrees(s);
        },
      ),
      { numRuns: 5000 },
    );
  });

  test("numbers, escapes, literals and nesting as JSON reads them", () => {
    for (const line of [
      '{"ts":-0,"k":1e2}',
      '{"ts":1.5e-3,"k":"a\\"b\\u0041"}',
      '{"ts":true,"k":null,"$watermark":false}',
      '{"k":{"a":[1,{"b":"}"}]},"ts":"2024-01-01T00:00:00Z"}',
      '{"ts":1,"ts":2}',
      " { } ",
      '{"ts":[[[[]]]]}',
    ])
      agrees(line);
    for (const line of [
      '{"ts":01}',
      '{"ts":1.}',
      '{"ts":.5}',
      '{"ts":-}',
      '{"ts":1e}',
      "[1]",
      '{"a":1,}',
      '{"a" 1}',
      '{"a":"\u0001"}',
      '{"a":"\\x"}',
      '{"ts":1} x',
      "{",
      '"ts"',
      '{"k":tru}',
    ])
      expect(peek(line), line).toBeNull();
    // Deeper than parseEvent allows: not sure (parseEvent says "nesting too deep").
    expect(peek(`{"a":${"[".repeat(1000)}${"]".repeat(1000)}}`)).toBeNull();
    expect(peek(`{"a":${"[".repeat(999)}${"]".repeat(999)}}`)).not.toBeNull();
    // An escaped key might spell a wanted name: left to the full parse.
    expect(peek('{"\\u0074s":5}')).toBeNull();
  });
});
