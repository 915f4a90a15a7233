import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { eventJson, keepText, keptText, recordLine } from "../../src/io/event-text.js";
import { lateRecord } from "../../src/io/sinks.js";

describe("recordLine", () => {
  test("without kept texts it is JSON.stringify exactly (property)", () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const record = fc.record(
      {
        pattern: fc.string(),
        key: json,
        start: fc.integer(),
        end: fc.integer(),
        timeout: fc.constant(true as const),
        events: fc.dictionary(fc.string(), fc.array(fc.dictionary(fc.string(), json), { maxLength: 3 })),
        emit: fc.dictionary(fc.string(), json),
      },
      { requiredKeys: ["pattern", "key", "start", "end", "events"] },
    );
    fc.assert(
      fc.property(record, (r) => {
        expect(recordLine(r)).toBe(JSON.stringify(r));
      }),
    );
  });

  test("an event with its input text kept is written as that text, byte for byte", () => {
    const texts = [
      '{"type":"A","n":1e400,"z":-0,"big":9007199254740993}',
      '{ "type" : "A", "u":"x", "u":"y", "s":"\\u00e9\\/" }',
    ];
    const events = texts.map((t) => {
      const e = JSON.parse(t);
      keepText(e, t);
      return e;
    });
    const plain = { type: "B", n: 1 };
    const record = {
      pattern: "P",
      key: "y",
      start: 1,
      end: 2,
      events: { a: events, b: [plain] },
      emit: { n: Number.POSITIVE_INFINITY },
    };
    expect(recordLine(record)).toBe(
      `{"pattern":"P","key":"y","start":1,"end":2,"events":{"a":[${texts[0]},${texts[1]}],"b":[{"type":"B","n":1}]},"emit":{"n":null}}`,
    );
    // The text is invisible to everything else.
    expect(Object.keys(events[1])).toEqual(["type", "u", "s"]);
    expect(events[1].u).toBe("y");
    expect(JSON.stringify(events[0])).toBe('{"type":"A","n":null,"z":0,"big":9007199254740992}');
    expect(keptText(events[1])).toBe(texts[1]);
    expect(keptText(plain)).toBeUndefined();
    expect(eventJson(plain)).toBe('{"type":"B","n":1}');
  });

  test("late records carry the event as read", () => {
    const text = '{"type":"A","ts":5,"n":1.50}';
    const e = JSON.parse(text);
    expect(lateRecord("f", 2, "late", e)).toBe(
      '{"file":"f","line":2,"reason":"late","event":{"type":"A","ts":5,"n":1.5}}',
    );
    keepText(e, text);
    expect(lateRecord("f", 2, "late", e)).toBe(`{"file":"f","line":2,"reason":"late","event":${text}}`);
    expect(lateRecord("-", null, "late", e)).toBe(`{"file":"-","line":null,"reason":"late","event":${text}}`);
  });
});
