import { describe, expect, test } from "vitest";
import { csvCell, readCsv } from "../../src/io/csv.js";
import { MAX_LINE_BYTES } from "../../src/io/lines.js";

type Out = ["event", number, Record<string, unknown>, string] | ["bad", number, string, string];

async function csv(text: string | Buffer[]): Promise<Out[]> {
  const out: Out[] = [];
  await readCsv(
    (async function* () {
      if (typeof text === "string") yield text;
      else yield* text;
    })(),
    {
      event: (line, value, raw) => out.push(["event", line, value, raw]),
      bad: (line, reason, raw) => out.push(["bad", line, reason, raw]),
    },
  );
  return out;
}

describe("csvCell", () => {
  test("JSON number syntax is a number, empty is null, the rest a string", () => {
    expect(csvCell("42")).toBe(42);
    expect(csvCell("-1.5e3")).toBe(-1500);
    expect(csvCell("0")).toBe(0);
    expect(csvCell("")).toBeNull();
    for (const s of [
      "007",
      "+1",
      "1.",
      ".5",
      " 1",
      "1 ",
      "0x10",
      "NaN",
      "Infinity",
      "true",
      "null",
      "1e",
      "-",
    ]) {
      expect(csvCell(s)).toBe(s);
    }
  });
});

describe("readCsv", () => {
  test("header names the fields; cells convert; the header is line 1", async () => {
    expect(await csv("type,ts,user,amount\nLogin,1000,alice,\nBuy,2000,bob,12.5\n")).toEqual([
      ["event", 2, { type: "Login", ts: 1000, user: "alice", amount: null }, "Login,1000,alice,"],
      ["event", 3, { type: "Buy", ts: 2000, user: "bob", amount: 12.5 }, "Buy,2000,bob,12.5"],
    ]);
  });

  test("quoted cells are strings, with doubled quotes and commas", async () => {
    expect(await csv('a,b,c\n"42","say ""hi"", ok",""\n')).toEqual([
      ["event", 2, { a: "42", b: 'say "hi", ok', c: "" }, '"42","say ""hi"", ok",""'],
    ]);
  });

  test("a quoted cell spanning lines: the record has its first line's number", async () => {
    const out = await csv('type,note\r\nA,"one\r\ntwo"\r\nB,x\r\n');
    expect(out).toEqual([
      ["event", 2, { type: "A", note: "one\ntwo" }, 'A,"one\ntwo"'],
      ["event", 4, { type: "B", note: "x" }, "B,x"],
    ]);
  });

  test("blank lines are skipped but counted; a blank line inside quotes is content", async () => {
    const out = await csv('\na,b\n\n1,"x\n\ny"\n  \n2,z');
    expect(out.map((o) => [o[1], o[2]])).toEqual([
      [4, { a: 1, b: "x\n\ny" }],
      [8, { a: 2, b: "z" }],
    ]);
  });

  test("bad records are reported with their line and reading goes on", async () => {
    const out = await csv('a,b\n1\n2,3,4\n"x"y,1\n5,6\n7,"open\n');
    expect(out).toEqual([
      ["bad", 2, "expected 2 fields, got 1", "1"],
      ["bad", 3, "expected 2 fields, got 3", "2,3,4"],
      ["bad", 4, "invalid CSV: text after a closing quote", '"x"y,1'],
      ["event", 5, { a: 5, b: 6 }, "5,6"],
      ["bad", 6, "unterminated quoted field", '7,"open'],
    ]);
  });

  test("a stray quote costs one record: past the line bound it is reported where it opened and the lines after are read again", async () => {
    const rows = Array.from({ length: 300 }, (_, i) => `A,${i}`);
    rows[9] = 'A,"stray'; // line 11
    const out = await csv(`type,n\n${rows.join("\n")}\n`);
    const bad = out.filter((o) => o[0] === "bad");
    expect(bad.map((o) => o.slice(0, 3))).toEqual([["bad", 11, "quoted field not closed within 100 lines"]]);
    expect((bad[0][3] as string).startsWith('A,"stray\nA,10\nA,11')).toBe(true);
    const events = out.filter((o) => o[0] === "event");
    expect(events.length).toBe(299);
    expect(events[9]).toEqual(["event", 12, { type: "A", n: 10 }, "A,10"]);
    expect(events.map((o) => o[1])).toEqual([...Array(302).keys()].slice(2).filter((n) => n !== 11));
  });

  test("the line bound is configurable; a record within it spans lines as before", async () => {
    const text = 'a,b\n1,"x\ny\nz"\n2,"p\nq\nr\ns"\n3,4\n';
    const read = async (maxRecordLines: number) => {
      const out: unknown[] = [];
      await readCsv(
        (async function* () {
          yield text;
        })(),
        {
          event: (line, value) => out.push([line, value]),
          bad: (line, reason) => out.push([line, reason]),
        },
        { maxRecordLines },
      );
      return out;
    };
    expect(await read(3)).toEqual([
      [2, { a: 1, b: "x\ny\nz" }],
      [5, "quoted field not closed within 3 lines"],
      [6, "expected 2 fields, got 1"],
      [7, "expected 2 fields, got 1"],
      [8, "expected 2 fields, got 1"],
      [9, { a: 3, b: 4 }],
    ]);
    expect((await read(4))[1]).toEqual([5, { a: 2, b: "p\nq\nr\ns" }]);
  });

  test("an unterminated quote at the end: the lines after it are read again", async () => {
    expect(await csv('a,b\n7,"open\n8,9\n')).toEqual([
      ["bad", 2, "unterminated quoted field", '7,"open\n8,9'],
      ["event", 3, { a: 8, b: 9 }, "8,9"],
    ]);
  });

  test("a stray quote before 1 MiB of rows stops at the bound, and the scan stays linear", async () => {
    const row = `A,${"x".repeat(1000)}`; // ~1 KB rows: 100 lines are far below 1 MiB
    const many = Array.from({ length: 3000 }, () => row);
    many[0] = 'A,"stray';
    const t0 = performance.now();
    const out = await csv(`type,n\n${many.join("\n")}\n`);
    const ms = performance.now() - t0;
    expect(out.filter((o) => o[0] === "event").length).toBe(2999);
    expect(out.filter((o) => o[0] === "bad").map((o) => o[1])).toEqual([2]);
    expect(ms).toBeLessThan(2000);
  });

  test("a record over 1 MiB within the line bound is reported and its lines read again", async () => {
    const long = "y".repeat(400_000);
    const out = await csv(`a,b\n1,"open\n${long}\n${long}\n${long}\n2,3\n`);
    expect(out.map((o) => o.slice(0, 3))).toEqual([
      ["bad", 2, "quoted field not closed within 1 MiB"],
      ["bad", 3, "expected 2 fields, got 1"],
      ["bad", 4, "expected 2 fields, got 1"],
      ["bad", 5, "expected 2 fields, got 1"],
      ["event", 6, { a: 2, b: 3 }],
    ]);
  });

  test("a line that is not valid UTF-8 makes its record bad; its quote still counts", async () => {
    const bytes = [
      Buffer.from("user,n\n"),
      Buffer.from([0xff]),
      Buffer.from(',1\n"a\n'),
      Buffer.from([0xfe]),
      Buffer.from('",2\nb,3\n\uFFFD,4\n'),
    ];
    expect(await csv(bytes)).toEqual([
      ["bad", 2, "invalid UTF-8", "\uFFFD,1"],
      ["bad", 3, "invalid UTF-8", '"a\n\uFFFD",2'],
      ["event", 5, { user: "b", n: 3 }, "b,3"],
      ["event", 6, { user: "\uFFFD", n: 4 }, "\uFFFD,4"],
    ]);
  });

  test("a quote inside an unquoted cell is literal", async () => {
    expect((await csv('a\nsay"hi"\n'))[0]).toEqual(["event", 2, { a: 'say"hi"' }, 'say"hi"']);
  });

  test("a __proto__ column is plain data", async () => {
    const [[, , ev]] = (await csv("__proto__,constructor\n,x\n")) as unknown as [
      string,
      number,
      Record<string, unknown>,
    ][];
    expect(Object.getPrototypeOf(ev)).toBe(Object.prototype);
    expect(Object.keys(ev)).toEqual(["__proto__", "constructor"]);
    expect(Object.getOwnPropertyDescriptor(ev, "__proto__")?.value).toBeNull();
  });

  test("a too-long line is bad and reading goes on", async () => {
    const out = await csv(`a\n${"x".repeat(MAX_LINE_BYTES + 1)}\n1\n`);
    expect(out.map((o) => o.slice(0, 3))).toEqual([
      ["bad", 2, "line too long"],
      ["event", 3, { a: 1 }],
    ]);
  });

  test("byte order mark and chunking do not matter", async () => {
    const text = '\ufefftype,ts\nA,1\nB,"2"\n';
    const bytes = Buffer.from(text);
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    expect(await csv(chunks)).toEqual(await csv(text));
    expect((await csv(text))[0]).toEqual(["event", 2, { type: "A", ts: 1 }, "A,1"]);
  });
});
