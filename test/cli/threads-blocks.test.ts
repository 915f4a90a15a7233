/**
 * cli/threads/blocks.ts and scan.ts: the reading thread's blocks and the workers' scan of
 * them find the lines io/lines.ts `scanLines` finds — the same numbers, texts, too-long and
 * invalid UTF-8 reports, however the input is cut into chunks and blocks — and read each
 * record as the per-line path does (fields.ts, classify.ts).
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type Block, Blocker } from "../../src/cli/threads/blocks.js";
import { BAD, type Classified, classify, EVENT, WATERMARK } from "../../src/cli/threads/classify.js";
import { RecordFields } from "../../src/cli/threads/fields.js";
import { BLANK, scanBlock } from "../../src/cli/threads/scan.js";
import { parseEvent } from "../../src/io/json.js";
import { scanLines } from "../../src/io/lines.js";

interface Seen {
  line: number;
  text: string;
  kind: "line" | "tooLong" | "invalid";
}

const MAX = 60;

async function reference(chunks: Buffer[]): Promise<Seen[]> {
  const seen: Seen[] = [];
  await scanLines(
    (async function* () {
      yield* chunks;
    })(),
    {
      line: (line, text) => seen.push({ line, text, kind: "line" }),
      tooLong: (line, text) => seen.push({ line, text, kind: "tooLong" }),
      invalidUtf8: (line, text) => seen.push({ line, text, kind: "invalid" }),
    },
    { maxLineBytes: MAX },
  );
  return seen;
}

/** The lines of `chunks` through blocks of `size` bytes and the scan; each scanned record checked against the per-line reading. */
function viaBlocks(chunks: Buffer[], size: number, threads: number): Seen[] {
  const blocks: Block[] = [];
  const blocker = new Blocker(
    (b) => blocks.push(b),
    (n) => new SharedArrayBuffer(n),
    size,
    MAX,
  );
  for (const c of chunks) blocker.push(c);
  blocker.end();
  const fields = new RecordFields("ts", ["k"], threads);
  const check = new RecordFields("ts", ["k"], threads);
  const verdict: Classified = { time: 0, reason: "" };
  const seen: Seen[] = [];
  let line = 0;
  blocks.forEach((block, index) => {
    if (block.sab === null) {
      seen.push({ line: ++line, text: block.prefix, kind: "tooLong" });
      return;
    }
    const bytes = Buffer.from(block.sab, 0, block.length);
    const scan = scanBlock(bytes, index === 0, fields, "ts");
    let bad = 0;
    for (let i = 0; i < scan.count; i++) {
      line++;
      const text = bytes.toString("utf8", scan.starts[i], scan.ends[i]);
      if (scan.status[i] === BLANK) continue;
      if (scan.status[i] === BAD && scan.bad[bad].reason === "invalid UTF-8") {
        seen.push({ line, text: scan.bad[bad++].text, kind: "invalid" });
        continue;
      }
      seen.push({ line, text, kind: "line" });
      // The record as the per-line path reads it.
      const value = parseEvent(text);
      if (typeof value === "string") {
        expect(scan.status[i]).toBe(BAD);
        expect(scan.bad[bad++]).toEqual({ i, reason: value, text });
        continue;
      }
      check.read(value);
      const s = classify(check.wm, check.hasWm, check.time, "ts", verdict);
      expect(scan.status[i]).toBe(s);
      if (s === BAD) expect(scan.bad[bad++]).toEqual({ i, reason: verdict.reason, text });
      else expect(scan.times[i]).toBe(verdict.time);
      if (s === EVENT) expect(scan.owners[i]).toBe(check.worker);
      if (s === WATERMARK) expect(scan.owners[i]).toBe(0);
    }
    expect(bad).toBe(scan.bad.length);
  });
  return seen;
}

const lineArb = fc.oneof(
  fc
    .record({ type: fc.constantFrom("A", "B"), k: fc.oneof(fc.integer(), fc.string()), ts: fc.integer() })
    .map((e) => JSON.stringify(e)),
  fc.constantFrom(
    "",
    "   ",
    "\t",
    '{"type":"A","k":"é€😀","ts":5}',
    '{"$watermark":7}',
    '{"$watermark":"soon"}',
    '{"type":"A","k":1}',
    '{"type":"A","k":1,"ts":"2024-01-01T00:00:00Z"}',
    '{"k":{"x":[1,2]},"ts":3,"type":"B"}',
    "{oops",
    "[1,2]",
    "7",
    `{"type":"A","k":1,"ts":1,"pad":"${"x".repeat(70)}"}`,
    `{"type":"A","k":"${"ü".repeat(40)}","ts":2}`,
  ),
);

describe("blocks and their scan find the lines scanLines finds", () => {
  test("random lines (CRLF, BOM, invalid UTF-8, too long, no final newline), chunks and block sizes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ text: lineArb, crlf: fc.boolean(), broken: fc.boolean() }), { maxLength: 60 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: MAX }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 4 }),
        async (lines, bom, finalNewline, chunk, size, threads) => {
          const parts = lines.map(({ text, crlf, broken }) => {
            const b = Buffer.from(text + (crlf ? "\r" : ""));
            // A lone continuation byte: not UTF-8.
            return broken && b.length > 2
              ? Buffer.concat([b.subarray(0, 2), Buffer.from([0x80]), b.subarray(2)])
              : b;
          });
          let input = Buffer.concat(parts.flatMap((p) => [p, Buffer.from("\n")]));
          if (!finalNewline && input.length > 0) input = input.subarray(0, input.length - 1);
          if (bom) input = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), input]);
          const chunks: Buffer[] = [];
          for (let i = 0; i < input.length; i += chunk) chunks.push(input.subarray(i, i + chunk));
          const got = viaBlocks(chunks, size, threads);
          const want = await reference(chunks);
          // A too-long line's quoted beginning: both take its first 1024 bytes, or all they
          // hold past the limit when that is less — only with a limit this small (the real
          // one is 1 MiB), and where each stops differs. Compared on what both have.
          const cut = (a: Seen[], b: Seen[]) =>
            a.map((x, i) => {
              if (x.kind !== "tooLong" || b[i]?.kind !== "tooLong") return x;
              return { ...x, text: x.text.slice(0, Math.min(x.text.length, b[i].text.length) - 1) };
            });
          expect(cut(got, want)).toEqual(cut(want, got));
        },
      ),
      { numRuns: 400 },
    );
  });
});
