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
    expect(d.missing).toEqual([
      { index: 2, json: '{"n":2}', nearest: { index: 3, differences: ["n: expected 2, got 4"] } },
    ]);
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
    expect(d.missing).toMatchObject([{ index: 2501, json: '{"n":2500}' }]);
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

describe("expected records give only the fields they care about", () => {
  const full = {
    pattern: "BruteForce",
    key: "alice",
    start: 1000,
    end: 4000,
    events: { fail: [{ ip: "a" }, { ip: "b" }], ok: [{ ip: "c" }] },
    emit: { user: "alice", attempts: 2 },
  };
  const timeout = { pattern: "BruteForce", key: "bob", start: 1000, end: 9000, timeout: true, events: {} };

  test("top-level fields given compare exactly; fields not given are not compared", () => {
    expect(diffRecords([{ pattern: "BruteForce", key: "alice" }], [full]).missing).toEqual([]);
    expect(diffRecords([{ key: "alice", start: 1000, end: 4000 }], [full]).missing).toEqual([]);
    expect(diffRecords([{ key: "bob" }], [full]).missing).toHaveLength(1);
    // A top-level field given is compared whole: a key array must be the whole array.
    expect(diffRecords([{ key: ["alice"] }], [{ ...full, key: ["alice", 1] }]).missing).toHaveLength(1);
  });

  test("events: per variable given, each variable's whole list; emit: per key given", () => {
    const ok = { events: { ok: [{ ip: "c" }] }, emit: { attempts: 2 } };
    expect(diffRecords([ok], [full]).missing).toEqual([]);
    expect(diffRecords([{ events: { fail: [{ ip: "a" }] } }], [full]).missing).toHaveLength(1);
    expect(diffRecords([{ events: { nope: [] } }], [full]).missing).toHaveLength(1);
    expect(diffRecords([{ emit: { attempts: 3 } }], [full]).missing).toHaveLength(1);
    // Inside a variable's events, values compare exactly: no extra or missing fields.
    expect(diffRecords([{ events: { ok: [{ ip: "c", x: 1 }] } }], [full]).missing).toHaveLength(1);
    expect(diffRecords([{ events: { ok: [{}] } }], [full]).missing).toHaveLength(1);
  });

  test("timeout is always compared: an expected record without it expects a match", () => {
    expect(diffRecords([{ key: "bob" }], [timeout]).missing).toHaveLength(1);
    expect(diffRecords([{ key: "bob", timeout: true }], [timeout]).missing).toEqual([]);
    expect(diffRecords([{ key: "alice", timeout: true }], [full]).missing).toHaveLength(1);
  });

  test("order still matters, duplicates count, reordering is named", () => {
    const a = { key: "alice" };
    const b = { key: "bob", timeout: true };
    expect(diffRecords([a, b], [full, timeout]).missing).toEqual([]);
    const d = diffRecords([b, a], [full, timeout]);
    expect(d.reordered).toBe(true);
    expect(diffRecords([a, a], [full]).missing).toHaveLength(1);
  });

  test("the nearest unexpected record (most fields equal) and its field differences", () => {
    const records = [1, 2, 3, 4, 5].map((n) => ({
      ...full,
      key: `u${n}`,
      emit: { user: `u${n}`, attempts: n },
    }));
    const expected = records.map((r, i) => ({ ...r, emit: { ...r.emit, attempts: i + 10 } }));
    const d = diffRecords(expected, records);
    expect(d.missing.map((m) => m.nearest)).toEqual(
      [1, 2, 3, 4, 5].map((n) => ({ index: n, differences: [`emit.attempts: expected ${n + 9}, got ${n}`] })),
    );
    const lines = formatDiff(d);
    expect(lines[1]).toBe("      nearest output record #1 differs in:");
    expect(lines[2]).toBe("        emit.attempts: expected 10, got 1");
  });

  test("field differences name the path: nested fields, list lengths, fields absent on either side", () => {
    const expected = {
      pattern: "BruteForce",
      key: "alice",
      events: { fail: [{ ip: "a" }, { ip: "x", port: 1 }], ok: [{ ip: "c" }, { ip: "d" }] },
      emit: { "attempt count": 2 },
      extra: 1,
    };
    const [m] = diffRecords([expected], [full]).missing;
    expect(m.nearest?.differences).toEqual([
      'events.fail[1].ip: expected "x", got "b"',
      "events.fail[1].port: expected 1, got no such field",
      "events.ok: expected 2 items, got 1",
      'emit["attempt count"]: expected 2, got no such field',
      "extra: expected 1, got no such field",
    ]);
    const [t] = diffRecords([{ key: "bob" }], [timeout]).missing;
    expect(t.nearest?.differences).toEqual(["timeout: expected a match (no timeout field), got true"]);
    const [e] = diffRecords(
      [{ events: { ok: [{ ip: "c" }] }, key: "alice" }],
      [{ ...full, events: { ok: [{ ip: "c", port: 2 }] } }],
    ).missing;
    expect(e.nearest?.differences).toEqual(["events.ok[0].port: expected no such field, got 2"]);
  });

  test("records that are not objects compare whole", () => {
    expect(diffRecords([[1, 2]], [[1, 2]]).missing).toEqual([]);
    expect(diffRecords([3], [full]).missing[0].nearest?.differences).toEqual([
      `record: expected 3, got ${JSON.stringify(full).slice(0, 60)}…`,
    ]);
  });
});
