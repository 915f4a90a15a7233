/**
 * Pausing and resuming reads (what `cep run --checkpoint` relies on): the position a
 * reader reports after a line is the exact byte offset past it and its line number, for
 * any chunking, multi-byte and invalid UTF-8, `\r\n`, blank and too-long lines; a read
 * started there sees exactly the rest. And file sinks: `sync` reports the bytes written,
 * `resumeAt` truncates back to a length and appends after it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { readCsv } from "../../src/io/csv.js";
import type { ReadPosition } from "../../src/io/events.js";
import { type ScanPosition, scanLines } from "../../src/io/lines.js";
import { readNdjson } from "../../src/io/ndjson.js";
import { openFileSink } from "../../src/io/sinks.js";

async function* chunked(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    if (c > at && c < bytes.length) {
      yield bytes.subarray(at, c);
      at = c;
    }
  }
  if (at < bytes.length) yield bytes.subarray(at);
}

/** Scans `bytes` from `start`, pausing after the lines in `pauseAt`; returns lines and pause positions. */
async function scan(bytes: Buffer, cuts: number[], pauseAt: Set<number>, start?: ScanPosition, max?: number) {
  const lines: [number, string][] = [];
  const pauses: ScanPosition[] = [];
  const from = start?.offset ?? 0;
  await scanLines(
    chunked(bytes.subarray(from), cuts),
    {
      line: (n, text) => {
        lines.push([n, text]);
        return pauseAt.has(n);
      },
      tooLong: (n) => {
        lines.push([n, "<too long>"]);
      },
      invalidUtf8: (n) => {
        lines.push([n, "<invalid UTF-8>"]);
      },
    },
    { start, onPause: (p) => void pauses.push(p), maxLineBytes: max },
  );
  return { lines, pauses };
}

/** Byte offsets just past each `\n` (1-based line numbers as keys). */
function lineEnds(bytes: Buffer): Map<number, number> {
  const ends = new Map<number, number>();
  let line = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) ends.set(++line, i + 1);
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 10) ends.set(line + 1, bytes.length);
  return ends;
}

const linePiece = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("", "  ", "é", "😀😀", "\r", "a\rb", "{}", "x".repeat(40)),
  fc.uint8Array({ maxLength: 6 }).map((a) => Buffer.from(a.filter((b) => b !== 10)).toString("latin1")),
);

describe("scanLines positions", () => {
  test("the position after a line is its exact end, for any chunking; reading on from it gives the rest", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(linePiece, fc.boolean()), { maxLength: 30 }),
        fc.array(fc.nat(400), { maxLength: 8 }),
        fc.array(fc.nat(40), { maxLength: 6 }),
        fc.boolean(),
        async (parts, cuts, pauseLines, trailingNewline) => {
          // Lines as raw bytes: some latin1 pieces become invalid UTF-8 sequences.
          const bytes = Buffer.concat(
            parts.map(([p, raw], i) =>
              Buffer.concat([
                raw ? Buffer.from(p, "latin1") : Buffer.from(p),
                i < parts.length - 1 || trailingNewline ? Buffer.from("\n") : Buffer.alloc(0),
              ]),
            ),
          );
          const whole = await scan(bytes, [], new Set());
          const pauseAt = new Set(pauseLines.map((n) => n + 1));
          const { lines, pauses } = await scan(bytes, cuts, pauseAt, undefined, 16);
          const ends = lineEnds(bytes);
          expect(lines.length).toBeGreaterThanOrEqual(0);
          for (const p of pauses) expect(p.offset).toBe(ends.get(p.line));
          // Lines after every pause, read from its position: exactly the rest of the whole read.
          const all = (await scan(bytes, cuts, new Set(), undefined, 16)).lines;
          for (const p of pauses) {
            const rest = await scan(bytes, cuts, new Set(), p, 16);
            expect(rest.lines).toEqual(all.filter(([n]) => n > p.line));
          }
          expect(whole.lines.map(([n]) => n)).toEqual(all.map(([n]) => n));
        },
      ),
      { numRuns: 300 },
    );
  });

  test("blank and too-long lines never pause; a pause after the last line without \\n is at the end", async () => {
    const bytes = Buffer.from(`a\n\n${"x".repeat(50)}\nb\nc`);
    const { lines, pauses } = await scan(bytes, [3, 7], new Set([1, 2, 3, 4, 5]), undefined, 16);
    expect(lines).toEqual([
      [1, "a"],
      [3, "<too long>"],
      [4, "b"],
      [5, "c"],
    ]);
    expect(pauses).toEqual([
      { offset: 2, line: 1 },
      { offset: 56, line: 4 },
      { offset: 57, line: 5 },
    ]);
  });
});

describe("readers pause and resume", () => {
  const ndjson = Buffer.from('{"ts":1}\n\nbad\n{"ts":2,"s":"é"}\r\n{"ts":3}\n');

  test("NDJSON: event returning true pauses after it; reading from the position gives the rest with line numbers", async () => {
    const seen: string[] = [];
    const pauses: ReadPosition[] = [];
    await readNdjson(
      chunked(ndjson, [5, 20]),
      {
        event: (n, v) => {
          seen.push(`${n}:${JSON.stringify(v)}`);
          return true;
        },
        bad: (n, reason) => {
          seen.push(`${n}:${reason}`);
        },
      },
      { onPause: (p) => void pauses.push(p) },
    );
    const invalid = `3:invalid JSON: Unexpected token 'b', "bad" is not valid JSON`;
    expect(seen).toEqual(['1:{"ts":1}', invalid, '4:{"ts":2,"s":"é"}', '5:{"ts":3}']);
    expect(pauses).toEqual([
      { offset: 9, line: 1 },
      { offset: 33, line: 4 },
      { offset: 42, line: 5 },
    ]);
    const rest: string[] = [];
    await readNdjson(
      chunked(ndjson.subarray(9), []),
      { event: (n) => void rest.push(`${n}`), bad: (n, r) => void rest.push(`${n}:${r}`) },
      { start: pauses[0] },
    );
    expect(rest).toEqual([invalid, "4", "5"]);
  });

  test("CSV: the position carries the header, and a read started there uses it", async () => {
    const csv = Buffer.from('type,ts,__proto__\nA,1,x\n"B\nB",2,y\nC,3,z\n');
    const pauses: ReadPosition[] = [];
    const seen: unknown[] = [];
    await readCsv(
      chunked(csv, [10, 27]),
      { event: (n, v) => seen.push([n, v]) === 2, bad: () => {} },
      { onPause: (p) => void pauses.push(p) },
    );
    expect(pauses).toEqual([{ offset: 34, line: 4, header: ["type", "ts", "__proto__"] }]);
    const rest: [number, Record<string, unknown>][] = [];
    await readCsv(
      chunked(csv.subarray(34), []),
      { event: (n, v) => void rest.push([n, v]), bad: () => {} },
      { start: pauses[0] },
    );
    expect(rest).toHaveLength(1);
    expect(rest[0][0]).toBe(5);
    expect(JSON.stringify(rest[0][1])).toBe('{"type":"C","ts":3,"__proto__":"z"}');
    expect(Object.getPrototypeOf(rest[0][1])).toBe(Object.prototype);
  });

  test("CSV: an abandoned record's lines read again never pause inside a record; every pause resumes exactly", async () => {
    // Line 3 opens a quote that is never closed: at line 6 (past 3 lines) it is abandoned
    // and lines 4–6 are read again, line 6 opening another quote that line 8 closes.
    const csv = Buffer.from('a,b\n1,2\n3,"stray\n4,5\n6,7\n8,"x\n9,9\ny"\n10,11\n');
    const all: string[] = [];
    const pauses: ReadPosition[] = [];
    const log = (out: string[]) => ({
      event: (n: number, v: Record<string, unknown>) => out.push(`${n}:${JSON.stringify(v)}`) > 0,
      bad: (n: number, reason: string) => void out.push(`${n}:${reason}`),
    });
    await readCsv(chunked(csv, [7, 19]), log(all), {
      maxRecordLines: 3,
      onPause: (p) => void pauses.push(p),
    });
    expect(all).toEqual([
      '2:{"a":1,"b":2}',
      "3:quoted field not closed within 3 lines",
      '4:{"a":4,"b":5}',
      '5:{"a":6,"b":7}',
      '6:{"a":8,"b":"x\\n9,9\\ny"}',
      '9:{"a":10,"b":11}',
    ]);
    // No pause after line 6: the records of lines 4 and 5 completed while line 6's was open.
    expect(pauses.map((p) => p.line)).toEqual([2, 8, 9]);
    for (const p of pauses) {
      const rest: string[] = [];
      await readCsv(chunked(csv.subarray(p.offset), []), log(rest), { maxRecordLines: 3, start: p });
      expect(rest).toEqual(all.filter((l) => Number(l.split(":")[0]) > p.line));
    }
  });
});

describe("file sinks for checkpoints", () => {
  test("sync returns the bytes written; resumeAt keeps that many and appends after them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cep-resume-"));
    const path = join(dir, "out.ndjson");
    let sink = await openFileSink(path);
    sink.write("é1");
    expect(await sink.sync()).toBe(4);
    sink.write("lost");
    await sink.close();
    sink = await openFileSink(path, { resumeAt: 4 });
    sink.write("2");
    expect(await sink.sync()).toBe(6);
    await sink.close();
    expect(readFileSync(path, "utf8")).toBe("é1\n2\n");
    await expect(openFileSink(path, { resumeAt: 7 })).rejects.toMatchObject({ code: "ESHORT" });
    await expect(openFileSink(join(dir, "missing"), { resumeAt: 1 })).rejects.toMatchObject({
      code: "ESHORT",
    });
    writeFileSync(path, "abc");
    sink = await openFileSink(path, { resumeAt: 0 });
    await sink.close();
    expect(readFileSync(path, "utf8")).toBe("");
  });
});
