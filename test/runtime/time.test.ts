/**
 * EventTime (src/runtime/time.ts) on its own: what admission decides for a record, the
 * target T, and the order buffered events come out in (language.md §4).
 */
import { describe, expect, it } from "vitest";
import { compile, Engine } from "../../src/index.js";
import { BAD, BUFFER, type Buffered, EventTime, FEED, LATE, WATERMARK } from "../../src/runtime/time.js";

const options = {
  timeField: "ts",
  outOfOrderness: 0,
  processingTime: false,
  watermarksOnly: false,
  clock: () => 0,
};

/** Admits a record; returns the verdict with the time or the reason admission left behind. */
function admit(t: EventTime, obj: Record<string, unknown>): [number, number | string] {
  const v = t.admit(obj);
  return [v, v === BAD ? t.reason : t.time];
}

function buffered(time: number, arrival: number): Buffered {
  return { event: { time, arrival }, time, arrival, type: "A", keys: [], invalid: false, bytes: -1 };
}

describe("EventTime admission", () => {
  it("feeds an in-order event at once when nothing can arrive before it (B = 0)", () => {
    const t = new EventTime(options);
    expect(admit(t, { ts: 5 })).toEqual([FEED, 5]);
    expect(t.highest).toBe(5);
    t.now = 5;
    expect(admit(t, { ts: 5 })).toEqual([FEED, 5]);
    expect(admit(t, { ts: 4 })).toEqual([LATE, 4]);
  });

  it("is late below H − B or at or before the watermark D, and on time in between", () => {
    const t = new EventTime({ ...options, outOfOrderness: 10 });
    expect(admit(t, { ts: 100 })).toEqual([BUFFER, 100]);
    expect(admit(t, { ts: 90 })).toEqual([BUFFER, 90]); // H − B = 90: not below it
    expect(admit(t, { ts: 89 })).toEqual([LATE, 89]);
    expect(t.highest).toBe(100); // a late or earlier event does not lower H
    t.raiseWatermark(95);
    expect(t.target()).toBe(95); // max(H − B, D)
    expect(admit(t, { ts: 95 })).toEqual([LATE, 95]); // at D: late
    expect(admit(t, { ts: 96 })).toEqual([BUFFER, 96]);
    t.raiseWatermark(50); // D never goes back
    expect(t.watermark).toBe(95);
  });

  it("with watermarks only, buffers every event, never late, and H stays put", () => {
    const t = new EventTime({ ...options, watermarksOnly: true });
    t.raiseWatermark(100);
    expect(admit(t, { ts: 1 })).toEqual([BUFFER, 1]);
    expect(t.highest).toBe(Number.NEGATIVE_INFINITY);
    expect(t.target()).toBe(100);
  });

  it("reads watermarks, and says why a time or watermark is bad", () => {
    const t = new EventTime(options);
    expect(admit(t, { $watermark: 7 })).toEqual([WATERMARK, 7]);
    expect(admit(t, { $watermark: "soon" })[0]).toBe(BAD);
    expect(t.reason).toMatch(/^invalid watermark/);
    expect(admit(t, { type: "A" })).toEqual([BAD, "missing time (ts)"]);
    expect(admit(t, { ts: { x: 1 } })[0]).toBe(BAD);
  });

  it("in processing time takes the clock's time, never going back, and ignores watermarks", () => {
    const readings = [10, 30, 20];
    const t = new EventTime({ ...options, processingTime: true, clock: () => readings.shift() as number });
    expect(admit(t, { ts: 999 })).toEqual([FEED, 10]);
    expect(admit(t, {})).toEqual([FEED, 30]);
    expect(admit(t, {})).toEqual([FEED, 30]);
    expect(admit(t, { $watermark: 50 })[0]).toBe(WATERMARK);
    expect(t.watermark).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe("EventTime buffer", () => {
  it("hands out events due by T in (time, arrival) order, and nothing later", () => {
    const t = new EventTime(options);
    const entries = [buffered(30, 0), buffered(10, 1), buffered(20, 2), buffered(10, 3), buffered(40, 4)];
    for (const b of [...entries].reverse()) t.buffer.push(b);
    const out: [number, number][] = [];
    for (let b = t.nextDue(30); b !== undefined; b = t.nextDue(30)) out.push([b.time, b.arrival]);
    expect(out).toEqual([
      [10, 1],
      [10, 3],
      [20, 2],
      [30, 0],
    ]);
    expect(t.buffered().map((b) => b.time)).toEqual([40]);
    t.filterBuffer((b) => b.time !== 40);
    expect(t.nextDue(Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});

describe("Engine.tick: processing time moves on with the clock between events", () => {
  const source =
    "pattern P { key by k within 100 ms match a: A followed by b: B on timeout emit { k: key() } }";

  it("fires a timeout when the clock passes the window, with no event", () => {
    let now = 1000;
    const engine = new Engine(compile(source), { processingTime: true, clock: () => now });
    const out: { timeout?: boolean; end: number }[] = [];
    engine.on("timeout", (r) => out.push(r));
    engine.push({ type: "A", k: 1 });
    now = 1050;
    engine.tick();
    expect(out).toEqual([]);
    now = 1101;
    engine.tick();
    expect(out).toMatchObject([{ timeout: true, key: 1 }]);
    // The clock never goes back: a later event is stamped no earlier.
    now = 500;
    engine.tick();
    expect(engine.stats().watermark).toBe(1101);
  });

  it("does nothing in event time (only events and watermarks move time) or after end()", () => {
    const engine = new Engine(compile(source), { clock: () => 1e12 });
    const out: unknown[] = [];
    engine.on("timeout", (r) => out.push(r));
    engine.push({ type: "A", k: 1, ts: 0 });
    engine.tick();
    expect(out).toEqual([]);
    engine.end();
    expect(out).toHaveLength(1);
    engine.tick();
    expect(out).toHaveLength(1);
  });
});
