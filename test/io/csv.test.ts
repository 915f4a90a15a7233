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
