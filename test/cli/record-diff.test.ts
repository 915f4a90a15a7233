import { describe, expect, test } from "vitest";
import { canonicalJson, diffRecords, formatDiff } from "../../src/cli/record-diff.js";

describe("canonicalJson", () => {
  test("sorts keys at every level; equal JSON values give equal text", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
    expect(canonicalJson(JSON.parse('{"x":1.0}'))).toBe(canonicalJson({ x: 1 }));
    expect(canonicalJson({ __proto__x: 1 })).toBe('{"__proto__x":1}');
  });
});

describe("diffRecords", () => {
  const r = (n: number) => ({ n });

  test("equal lists: no difference", () => {
    expect(diffRecords([r(1), r(2)], [r(1), r(2)])).toEqual({
      missing: [],
      unexpected: [],
      reordered: false,
    });
  });

  test("missing and unexpected records with their positions", () => {
    const d = diffRecords([r(1), r(2), r(3)], [r(1), r(3), r(4)]);
    expect(d.missing).toEqual([{ index: 2, json: '{"n":2}' }]);
    expect(d.unexpected).toEqual([{ index: 3, json: '{"n":4}' }]);
  });

  test("order matters and reordering is named", () => {
    const d = diffRecords([r(1), r(2)], [r(2), r(1)]);
    expect(d.missing.length + d.unexpected.length).toBe(2);
    expect(d.reordered).toBe(true);
    expect(formatDiff(d)[0]).toBe("    same records, different order");
  });

  test("duplicates count", () => {
    const d = diffRecords([r(1), r(1)], [r(1)]);
    expect(d.missing).toEqual([{ index: 2, json: '{"n":1}' }]);
  });

  test("large lists fall back to positions without blowing up", () => {
    const a = Array.from({ length: 5000 }, (_, i) => r(i));
    const b = a.map((x, i) => (i === 2500 ? r(-1) : x));
    const d = diffRecords(a, b.concat(Array.from({ length: 3000 }, (_, i) => r(10_000 + i)).reverse()));
    expect(d.missing).toEqual([{ index: 2501, json: '{"n":2500}' }]);
    expect(d.unexpected[0]).toEqual({ index: 2501, json: '{"n":-1}' });
  });

  test("formatDiff shows at most 10 of each", () => {
    const d = diffRecords(
      Array.from({ length: 15 }, (_, i) => r(i)),
      [],
    );
    const lines = formatDiff(d);
    expect(lines).toHaveLength(11);
    expect(lines[10]).toBe("    missing    … and 5 more");
  });
});
