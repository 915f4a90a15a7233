/**
 * runtime/time-buffer.ts: the event-time buffer (a sorted run plus a heap) takes events out
 * in exactly the (time, arrival) order a heap alone gives, whatever the arrival order and
 * however pushes and pops interleave.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type Buffered, compareBuffered, Heap } from "../../src/runtime/time.js";
import { TimeBuffer } from "../../src/runtime/time-buffer.js";

const event = (time: number, arrival: number): Buffered => ({
  event: { time, arrival },
  time,
  arrival,
  type: "A",
  keys: [],
  invalid: false,
  bytes: -1,
});

describe("TimeBuffer", () => {
  test("pops in the heap's order; size, peek and toArray agree", () => {
    // Each step: push an event at a time (mostly rising, sometimes back), or pop one.
    const step = fc.oneof(
      { weight: 3, arbitrary: fc.record({ dt: fc.constantFrom(0, 1, 1, 2, -3, -10) }) },
      { weight: 1, arbitrary: fc.constant("pop" as const) },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 3000 }), (steps) => {
        const buffer = new TimeBuffer(Heap, compareBuffered);
        const heap = new Heap<Buffered>(compareBuffered);
        let t = 0;
        let arrival = 0;
        for (const s of steps) {
          if (s === "pop") {
            expect(buffer.peek()).toBe(heap.size > 0 ? heap.peek() : undefined);
            expect(buffer.pop()).toBe(heap.pop());
          } else {
            t += s.dt;
            const b = event(t, arrival++);
            buffer.push(b);
            heap.push(b);
          }
          expect(buffer.size).toBe(heap.size);
        }
        expect(buffer.toArray().sort(compareBuffered)).toEqual(heap.toArray().sort(compareBuffered));
        while (heap.size > 0) expect(buffer.pop()).toBe(heap.pop());
        expect(buffer.pop()).toBeUndefined();
        expect(buffer.size).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  test("events in order never reach the heap, and the taken part of the run is dropped", () => {
    const buffer = new TimeBuffer(Heap, compareBuffered);
    for (let i = 0; i < 10_000; i++) {
      buffer.push(event(i >> 2, i));
      if (i % 3 === 2) expect(buffer.pop()?.arrival).toBe((i / 3) | 0);
    }
    const inner = buffer as unknown as { heap: { size: number }; run: Buffered[] };
    expect(inner.heap.size).toBe(0);
    expect(inner.run.length).toBeLessThan(2 * buffer.size + 1024);
    buffer.clear();
    expect(buffer.size).toBe(0);
  });
});
