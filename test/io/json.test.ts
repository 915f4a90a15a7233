import { describe, expect, test } from "vitest";
import { MAX_DEPTH, nestingExceeds, parseEvent } from "../../src/io/json.js";

describe("parseEvent", () => {
  test("a JSON object is an event", () => {
    expect(parseEvent('{"type":"A","ts":1}')).toEqual({ type: "A", ts: 1 });
  });

  test("__proto__, constructor and prototype stay plain own data and never reach a prototype", () => {
    const ev = parseEvent(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":{"polluted":true}}',
    ) as Record<string, unknown>;
    expect(typeof ev).toBe("object");
    expect(Object.getPrototypeOf(ev)).toBe(Object.prototype);
    expect(Object.keys(ev)).toEqual(["__proto__", "constructor", "prototype"]);
    expect(Object.getOwnPropertyDescriptor(ev, "__proto__")?.value).toEqual({ polluted: true });
    expect((ev as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect((Object.prototype as { polluted?: unknown }).polluted).toBeUndefined();
    // Written back unchanged.
    expect(JSON.stringify(ev)).toBe(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":{"polluted":true}}',
    );
  });

  test("nested __proto__ keys stay data too", () => {
    const ev = parseEvent('{"a":{"__proto__":{"x":1}}}') as { a: object };
    expect(Object.getPrototypeOf(ev.a)).toBe(Object.prototype);
    expect(Object.keys(ev.a)).toEqual(["__proto__"]);
  });

  test("invalid JSON", () => {
    for (const text of [
      "{",
      "{'a':1}",
      '{"a":1,}',
      "nope",
      '{"a":1}{"b":2}',
      '{"a":"\u0001"}',
      '{"a":"x\ty"}',
    ]) {
      expect(parseEvent(text)).toMatch(/^invalid JSON: \S/);
    }
    // The parser's own message, as the REPL shows it.
    expect(parseEvent("{")).toBe("invalid JSON: Expected property name or '}' in JSON at position 1");
  });

  test("JSON that is not an object", () => {
    for (const text of ["[]", "[1,2]", "1", '"s"', "null", "true"])
      expect(parseEvent(text)).toBe("not a JSON object");
  });

  test("deep nesting is rejected without overflowing the stack", () => {
    const deep = (d: number) => `{"a":${"[".repeat(d)}${"]".repeat(d)}}`;
    expect(parseEvent(deep(100_000))).toBe("nesting too deep");
    expect(parseEvent(`{"a":${'{"b":'.repeat(5000)}1${"}".repeat(5000)}}`)).toBe("nesting too deep");
    expect(typeof parseEvent(deep(MAX_DEPTH - 1))).toBe("object"); // the object itself is level 1
    expect(parseEvent(deep(MAX_DEPTH))).toBe("nesting too deep");
    // Deep but unbalanced: plain invalid JSON.
    expect(parseEvent(`{"a":${"[".repeat(100_000)}`)).toBe("invalid JSON: Unexpected end of JSON input");
  });

  test("brackets inside strings do not count as nesting", () => {
    const text = JSON.stringify({ s: "[".repeat(5000), t: '\\"[[[' });
    expect(parseEvent(text)).toEqual(JSON.parse(text));
    expect(nestingExceeds(text, 3)).toBe(false);
  });

  test("1e400 is kept as Infinity (the engine rejects it as a time; it writes back as null)", () => {
    const ev = parseEvent('{"ts":1e400,"x":-1e400}') as Record<string, number>;
    expect(ev.ts).toBe(Number.POSITIVE_INFINITY);
    expect(ev.x).toBe(Number.NEGATIVE_INFINITY);
    expect(JSON.stringify(ev)).toBe('{"ts":null,"x":null}');
  });

  test("escaped control characters are fine", () => {
    expect(parseEvent('{"a":"\\u0000\\n"}')).toEqual({ a: "\u0000\n" });
  });
});
