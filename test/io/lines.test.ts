import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { isBlank, MAX_LINE_BYTES, readLines, scanLines } from "../../src/io/lines.js";

interface Seen {
  line: number;
  text: string;
  tooLong?: boolean;
  invalid?: boolean;
}

/** Scans `chunks` and returns every line (and too-long report) seen. */
async function scan(chunks: (string | Buffer)[], skipBlank = true): Promise<Seen[]> {
  const seen: Seen[] = [];
  await scanLines(
    (async function* () {
      yield* chunks;
    })(),
    {
      line: (line, text) => seen.push({ line, text }),
      tooLong: (line, text) => seen.push({ line, text, tooLong: true }),
      invalidUtf8: (line, text) => seen.push({ line, text, invalid: true }),
    },
    { skipBlank },
  );
  return seen;
}

/** Splits a buffer into pieces of `size` bytes (to cut lines and UTF-8 characters anywhere). */
function pieces(text: string | Buffer, size: number): Buffer[] {
  const b = Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
}

describe("scanLines", () => {
  test("numbers physical lines from 1, skipping blank and whitespace-only lines", async () => {
    expect(await scan(["a\n\nb\n   \n\t\nc\n"])).toEqual([
      { line: 1, text: "a" },
      { line: 3, text: "b" },
      { line: 6, text: "c" },
    ]);
  });

  test("drops the \\r of \\r\\n but keeps a lone \\r", async () => {
    expect(await scan(["a\r\nb\r\n\r\nc\rd\n"])).toEqual([
      { line: 1, text: "a" },
      { line: 2, text: "b" },
      { line: 4, text: "c\rd" },
    ]);
  });

  test("reads a last line without a newline", async () => {
    expect(await scan(["a\nb"])).toEqual([
      { line: 1, text: "a" },
      { line: 2, text: "b" },
    ]);
    expect(await scan(["a\r"])).toEqual([{ line: 1, text: "a" }]);
  });

  test("empty input and only newlines give nothing", async () => {
    expect(await scan([])).toEqual([]);
    expect(await scan(["\n\n\r\n"])).toEqual([]);
  });

  test("keeps blank lines when asked (CSV)", async () => {
    expect(await scan(["a\n\nb"], false)).toEqual([
      { line: 1, text: "a" },
      { line: 2, text: "" },
      { line: 3, text: "b" },
    ]);
  });

  test("strips a UTF-8 byte order mark", async () => {
    expect(await scan([Buffer.from("\ufeff{}\n")])).toEqual([{ line: 1, text: "{}" }]);
  });

  test("lines and multi-byte characters cut across chunks of any size", async () => {
    const text = 'héllo wörld €\n{"k":"𝄞 clef"}\r\n\nlast ✓';
    const want = await scan([text]);
    expect(want.map((s) => s.text)).toEqual(["héllo wörld €", '{"k":"𝄞 clef"}', "last ✓"]);
    for (const size of [1, 2, 3, 5, 7, 64]) expect(await scan(pieces(text, size))).toEqual(want);
  });

  test("a line that is not valid UTF-8 is reported, wherever chunks cut it; a real U+FFFD is kept", async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"user":"'),
      Buffer.from([0xff]),
      Buffer.from('"}\n{"user":"\uFFFD"}\n{"user":"'),
      Buffer.from([0xfe]),
      Buffer.from('"}\r\n{"user":"é€😀"}\n{"user":"'),
      Buffer.from([0xe2, 0x82]), // a character cut short
      Buffer.from('"}\n{"user":"'),
      Buffer.from([0xed, 0xa0, 0x80]), // an encoded surrogate
      Buffer.from('"}\nlast'),
      Buffer.from([0xc0, 0xaf]), // an overlong "/"
    ]);
    const want = [
      { line: 1, text: '{"user":"\uFFFD"}', invalid: true },
      { line: 2, text: '{"user":"\uFFFD"}' },
      { line: 3, text: '{"user":"\uFFFD"}', invalid: true },
      { line: 4, text: '{"user":"é€😀"}' },
      { line: 5, text: '{"user":"\uFFFD"}', invalid: true },
      { line: 6, text: '{"user":"\uFFFD\uFFFD\uFFFD"}', invalid: true },
      { line: 7, text: "last\uFFFD\uFFFD", invalid: true },
    ];
    expect(await scan([bytes])).toEqual(want);
    for (const size of [1, 2, 3, 5, 7, 11, 64]) expect(await scan(pieces(bytes, size))).toEqual(want);
  });

  test("a line over 1 MiB is reported once with its beginning, and reading goes on", async () => {
    const huge = `{"x":"${"a".repeat(MAX_LINE_BYTES)}"}`;
    const text = `{"first":1}\n${huge}\n{"after":2}\n`;
    for (const chunks of [[text], pieces(text, 64 * 1024)]) {
      const seen = await scan(chunks);
      expect(seen.map((s) => [s.line, s.tooLong ?? false])).toEqual([
        [1, false],
        [2, true],
        [3, false],
      ]);
      expect(seen[1].text).toBe(huge.slice(0, 200));
    }
  });

  test("a line of exactly 1 MiB is accepted; multi-byte text is measured in bytes", async () => {
    const exact = "a".repeat(MAX_LINE_BYTES);
    expect((await scan([`${exact}\n`]))[0].tooLong).toBeUndefined();
    const wide = "€".repeat(MAX_LINE_BYTES / 3 + 1); // 3 bytes each: just over 1 MiB
    expect((await scan([`${wide}\nok\n`]))[0].tooLong).toBe(true);
  });

  test("a too-long last line without a newline", async () => {
    const seen = await scan(pieces(`ok\n${"b".repeat(MAX_LINE_BYTES + 10)}`, 100_000));
    expect(seen.map((s) => [s.line, s.tooLong ?? false])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  test("a too-long line is not held whole: memory stays bounded while it streams", async () => {
    // 64 MiB in one line, produced lazily: the scanner must discard it as it goes.
    const chunk = Buffer.alloc(1 << 20, 0x61);
    const before = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const seen: Seen[] = [];
    await scanLines(
      (async function* () {
        for (let i = 0; i < 64; i++) {
          yield chunk;
          peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
        }
        yield Buffer.from("\nnext\n");
      })(),
      {
        line: (line, text) => seen.push({ line, text }),
        tooLong: (line, text) => seen.push({ line, text, tooLong: true }),
        invalidUtf8: (line, text) => seen.push({ line, text, invalid: true }),
      },
    );
    expect(seen).toEqual([
      { line: 1, text: "a".repeat(200), tooLong: true },
      { line: 2, text: "next" },
    ]);
    expect(peak).toBeLessThan(16 << 20);
  });

  test("any chunking gives the lines of a plain split (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: "grapheme", maxLength: 20 }), { maxLength: 20 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 17 }),
        async (lines, crlf, size) => {
          const clean = lines.map((l) => l.replace(/[\r\n]/g, ""));
          const text = clean.join(crlf ? "\r\n" : "\n");
          const want = clean
            .map((t, i) => ({ line: i + 1, text: t }))
            .filter((s) => !(s.line === clean.length && s.text === "") && !isBlank(s.text));
          expect(await scan(pieces(text, size))).toEqual(want);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("readLines", () => {
  test("yields {line, text} and marks too-long lines", async () => {
    const big = "z".repeat(MAX_LINE_BYTES + 1);
    const out = [];
    for await (const l of readLines(pieces(`a\n\n${big}\nb`, 4096) as unknown as AsyncIterable<Buffer>)) {
      out.push(l);
    }
    expect(out).toEqual([
      { line: 1, text: "a" },
      { line: 3, text: "z".repeat(200), tooLong: true },
      { line: 4, text: "b" },
    ]);
  });

  test("leaving the loop early stops reading", async () => {
    let produced = 0;
    const source = (async function* () {
      for (let i = 0; i < 1000; i++) {
        produced++;
        yield `${i}\n`;
      }
    })();
    for await (const l of readLines(source)) if (l.line === 3) break;
    expect(produced).toBeLessThan(10);
  });
});
