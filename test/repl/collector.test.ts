import { describe, expect, test } from "vitest";
import { initialScanState, PatternCollector, scanLine } from "../../src/repl/collector.js";

/** Feeds lines; returns the index of the line that completed the chunk (or -1) and the chunk. */
function feed(lines: string[]) {
  const c = new PatternCollector();
  for (let i = 0; i < lines.length; i++) {
    const r = c.add(lines[i]);
    if (r !== null) return { at: i, text: r.text, hasCode: r.hasCode, collecting: c.collecting };
  }
  return { at: -1, text: null, hasCode: false, collecting: c.collecting };
}

const depthOf = (line: string) => {
  const s = initialScanState();
  scanLine(line, s);
  return s.depth;
};

describe("brace balance", () => {
  test("a one-line pattern is complete at once", () => {
    const r = feed(["pattern P { match a: A }"]);
    expect(r.at).toBe(0);
    expect(r.text).toBe("pattern P { match a: A }\n");
  });

  test("nested braces: complete only when the outer one closes", () => {
    const r = feed(["pattern P {", "  match a: A", "  emit { x: a.x, y: { z: 1 } }", "}", "ignored"]);
    expect(r.at).toBe(3);
    expect(r.text).toBe("pattern P {\n  match a: A\n  emit { x: a.x, y: { z: 1 } }\n}\n");
  });

  test("braces in strings do not count, escaped quotes included", () => {
    expect(depthOf('where s == "{"')).toBe(0);
    expect(depthOf('where s == "a\\"{" and t == "}"')).toBe(0);
    expect(depthOf('where s == "\\\\" {')).toBe(1);
    const r = feed(["pattern P {", '  match a: A where s == "}"', "}"]);
    expect(r.at).toBe(2);
  });

  test("braces in backticked names do not count (a doubled backtick stays inside)", () => {
    expect(depthOf("match a: `we{ird` where `x``{` == 1")).toBe(0);
  });

  test("braces in line comments do not count", () => {
    const r = feed(["pattern P { // }", "  match a: A // {{{", "}"]);
    expect(r.at).toBe(2);
  });

  test("braces in block comments do not count, and an open block comment keeps collecting", () => {
    expect(depthOf("/* { */ {")).toBe(1);
    const r = feed(["/* a comment {", "   still } the comment", "*/ pattern P { match a: A }"]);
    expect(r.at).toBe(2);
    expect(r.hasCode).toBe(true);
  });

  test("a comment-only chunk is complete and has no code", () => {
    const r = feed(["// just a note { not a brace"]);
    expect(r.at).toBe(0);
    expect(r.hasCode).toBe(false);
  });

  test("lines starting with { or . inside pattern text are pattern text", () => {
    const r = feed(["pattern P {", "{", ".load x", "}", "}"]);
    expect(r.at).toBe(4);
  });

  test("a header waits for its brace on a later line", () => {
    const r = feed(["pattern P", "{", "  match a: A", "}"]);
    expect(r.at).toBe(3);
    const e = feed(["event", "  LoginOk", "{ user: string }"]);
    expect(e.at).toBe(2);
  });

  test("a stray line without braces is complete at once (the compiler reports it)", () => {
    const r = feed(["hello there"]);
    expect(r.at).toBe(0);
    expect(r.hasCode).toBe(true);
  });

  test("an extra closing brace completes the chunk", () => {
    const r = feed(["pattern P { match a: A }}"]);
    expect(r.at).toBe(0);
  });

  test("take() returns unfinished text; discard() drops it", () => {
    const c = new PatternCollector();
    expect(c.add("pattern P {")).toBeNull();
    expect(c.collecting).toBe(true);
    expect(c.depth).toBe(1);
    expect(c.take()?.text).toBe("pattern P {\n");
    expect(c.collecting).toBe(false);
    c.add("pattern Q {");
    c.discard();
    expect(c.collecting).toBe(false);
    expect(c.add("pattern R { match a: A }")?.text).toBe("pattern R { match a: A }\n");
  });
});
