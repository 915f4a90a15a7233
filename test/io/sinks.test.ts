import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, test } from "vitest";
import { snippet } from "../../src/io/events.js";
import { errorRecord, lateRecord, MemorySink, openFileSink, StreamSink } from "../../src/io/sinks.js";

/** A writable that records each write and can hold its callbacks (a slow reader). */
class Slow extends Writable {
  writes: string[] = [];
  held: (() => void)[] = [];
  hold = false;
  constructor() {
    super({ highWaterMark: 1024 });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.writes.push(chunk.toString());
    if (this.hold) this.held.push(done);
    else done();
  }
}

describe("StreamSink", () => {
  test("batches many lines into few writes, in order", async () => {
    const w = new Slow();
    const sink = new StreamSink(w, false);
    for (let i = 0; i < 20_000; i++) sink.write(`{"n":${i}}`);
    await sink.close();
    const text = w.writes.join("");
    expect(text.split("\n").length).toBe(20_001);
    expect(text.startsWith('{"n":0}\n{"n":1}\n')).toBe(true);
    expect(w.writes.length).toBeLessThan(20);
  });

  test("ready() is undefined until the stream pushes back, then waits for drain", async () => {
    const w = new Slow();
    w.hold = true;
    const sink = new StreamSink(w, false);
    expect(sink.ready()).toBeUndefined();
    for (let i = 0; i < 10_000; i++) sink.write("x".repeat(20));
    const wait = sink.ready();
    expect(wait).toBeInstanceOf(Promise);
    let drained = false;
    void wait!.then(() => {
      drained = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(drained).toBe(false);
    w.hold = false;
    while (w.held.length) w.held.shift()!();
    await wait;
    expect(drained).toBe(true);
  });

  test("a stream error is recorded, not thrown; later writes are dropped", async () => {
    const w = new Writable({
      write(_c, _e, done) {
        done(Object.assign(new Error("EPIPE"), { code: "EPIPE" }));
      },
    });
    const sink = new StreamSink(w, false);
    sink.write("a".repeat(70_000));
    await new Promise((r) => setImmediate(r));
    expect((sink.error as { code?: string } | null)?.code).toBe("EPIPE");
    expect(() => sink.write("more")).not.toThrow();
    await sink.close();
  });

  test("drain() hands small batches over and waits: a failure is known when it resolves", async () => {
    const w = new Writable({
      write(_c, _e, done) {
        setTimeout(
          () => done(Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" })),
          5,
        );
      },
    });
    const sink = new StreamSink(w, false);
    sink.write("one short line");
    expect(sink.error).toBeNull();
    await sink.drain();
    expect((sink.error as { code?: string } | null)?.code).toBe("ENOSPC");
    await sink.close();
  });

  test("a file sink's drain() writes what it was given; a failed write is its error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cep-sink-"));
    const ok = await openFileSink(join(dir, "ok.ndjson"));
    ok.write("a");
    await ok.drain();
    expect(readFileSync(join(dir, "ok.ndjson"), "utf8")).toBe("a\n");
    expect(ok.error).toBeNull();
    await ok.close();
    const full = await openFileSink("/dev/full");
    full.write("a");
    await full.drain();
    expect((full.error as { code?: string } | null)?.code).toBe("ENOSPC");
    await full.close();
  });

  test("file sinks create and truncate, and close flushes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cep-sink-"));
    const path = join(dir, "out.ndjson");
    let sink = await openFileSink(path);
    sink.write("first");
    await sink.close();
    sink = await openFileSink(path);
    sink.write("a");
    sink.write("b");
    await sink.close();
    expect(readFileSync(path, "utf8")).toBe("a\nb\n");
    await expect(openFileSink(join(dir, "missing", "x"))).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("records", () => {
  test("error records: key order file, line, reason, text; text cut to 200 characters", () => {
    const line = errorRecord("in.ndjson", 7, "invalid JSON", `{${"x".repeat(300)}`);
    expect(Object.keys(JSON.parse(line))).toEqual(["file", "line", "reason", "text"]);
    expect(JSON.parse(line).text).toHaveLength(200);
    expect(line.startsWith('{"file":"in.ndjson","line":7,"reason":"invalid JSON","text":"{xxx')).toBe(true);
  });

  test("control characters in text are escaped, and the record is one line", () => {
    const line = errorRecord("-", 1, "invalid JSON", '{"a":"\u0001\n\r\u2028"}');
    for (const c of ["\n", "\r", "\u0001"]) expect(line).not.toContain(c);
    expect(JSON.parse(line).text).toBe('{"a":"\u0001\n\r\u2028"}');
  });

  test("snippet never splits a surrogate pair", () => {
    const s = `${"a".repeat(199)}𝄞tail`;
    expect(snippet(s)).toBe("a".repeat(199));
    expect(snippet("short")).toBe("short");
  });

  test("late records carry the event unchanged", () => {
    const line = lateRecord("e.ndjson", 3, "late", { type: "A", ts: 1, __proto__x: 1 });
    expect(line).toBe(
      '{"file":"e.ndjson","line":3,"reason":"late","event":{"type":"A","ts":1,"__proto__x":1}}',
    );
  });

  test("MemorySink keeps lines", async () => {
    const m = new MemorySink();
    m.write("a");
    expect(m.ready()).toBeUndefined();
    await m.close();
    expect(m.lines).toEqual(["a"]);
  });
});
