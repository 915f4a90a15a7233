/**
 * Hostile input lines (language.md §6): every line that is not a usable event goes to
 * the error output as `{"file","line","reason","text"}`, is counted, and the run goes on
 * with exit 0; `__proto__`, `constructor` and `prototype` stay plain data, in events, in
 * field reads of patterns and in the records written.
 *
 * `cep run` runs in-process (the CLI's `runCli` with the real library) and once as a
 * real process, over the same file; both must write the same bytes.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { CompileError, compile, Engine, renderDiagnostic } from "../../src/index.js";
import { privateBin } from "../cli/dist.js";
import { Capture } from "../cli/fake-api.js";

let dir: string;
const at = (name: string) => join(dir, name);

const PATTERNS = `pattern BruteForce {
  key by user
  within 5 minutes
  match fail: LoginFailed{3,}
        followed by ok: LoginOk
  emit { user: ok.user, attempts: count(fail), big: ok.big,
         p: fail[1].__proto__, c: fail[1].constructor, pr: fail[1].prototype, t: ok.toString }
}

pattern Proto {
  match a: Proto
  emit { p: a.__proto__, c: a.constructor, pr: a.prototype, t: a.toString, v: a.valueOf,
         h: a.hasOwnProperty, polluted: a.__proto__.polluted, cp: a.constructor.prototype,
         __proto__: 1, constructor: 2, prototype: 3 }
}

pattern Noisy {
  match n: Noise
  emit { n: n.n, m: n.m, s: n.s }
}
`;

const F = (user: string, ts: number) => JSON.stringify({ type: "LoginFailed", user, ip: "1.1.1.1", ts });
const OK = (user: string, ts: number) => JSON.stringify({ type: "LoginOk", user, ip: "2.2.2.2", ts });
const HOSTILE_FIELDS =
  '"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":{"polluted":true}';
const deep = (n: number, ts: number) =>
  `{"type":"Noise","user":"deep","ts":${ts},"x":${"[".repeat(n)}${"]".repeat(n)}}`;

/**
 * The input, one entry per physical line: its bytes (a string is UTF-8), and the error
 * reason it must give (null: a usable event or a blank line).
 */
/** Reasons of an unusable time or watermark `got`, and of JSON the parser rejects. */
const TIME = (got: string, what = "invalid time (ts)") =>
  `${what}: expected integer epoch ms within ±8.64e15 or ISO-8601 with Z or ±hh:mm, got ${got}`;
const JSON_ERR = (message: string) => `invalid JSON: ${message}`;

const LINES: [string | Buffer, string | null][] = [
  [`\uFEFF${F("alice", 1000)}`, null], // 1: a byte order mark before the first line
  ["{not json", JSON_ERR("Expected property name or '}' in JSON at position 1")], // 2
  ["[1,2,3]", "not a JSON object"], // 3
  ['"just a string"', "not a JSON object"], // 4
  ["42", "not a JSON object"], // 5
  ["null", "not a JSON object"], // 6
  ['{"type":"LoginFailed","user":"bob","ip":"x"}', "missing time (ts)"], // 7
  ['{"type":"LoginFailed","user":"bob","ts":"yesterday"}', TIME('"yesterday"')], // 8
  ['{"type":"LoginFailed","user":"bob","ts":1.5}', TIME("1.5")], // 9
  ['{"type":"LoginFailed","user":"bob","ts":1e400}', TIME("Infinity")], // 10
  ['{"type":"LoginFailed","user":"bob","ts":"2024-13-45T00:00:00Z"}', TIME('"2024-13-45T00:00:00Z"')], // 11
  ['{"type":"LoginFailed","ip":"x","ts":1100}', "missing key: BruteForce (user)"], // 12
  ['{"type":"LoginFailed","user":null,"ts":1100}', "missing key: BruteForce (user)"], // 13
  [`{"type":"LoginFailed","user":"x${"a".repeat(2 * 1024 * 1024)}","ts":1200}`, "line too long"], // 14: 2 MB
  [deep(100_000, 1300), "nesting too deep"], // 15
  [deep(990, 1500), null], // 16: deep, but within the limit: matched and written
  ['{"type":"Noise","user":"n","ts":1600,"n":1e400,"m":-1e400}', null], // 17: written as null
  [
    '{"type":"Noise","user":"n","ts":1650,"s":"\u0001raw"}',
    JSON_ERR("Bad control character in string literal in JSON at position 42"),
  ], // 18: raw control character
  ['{"type":"Noise","user":"n","ts":1700,"s":"\\u0000 nul \\u001f \\u2028"}', null], // 19: escaped ones
  [
    '\u000b{"type":"Noise","user":"n","ts":1750}',
    JSON_ERR(`Unexpected token '\u000b', "\u000b{"type":""... is not valid JSON`),
  ], // 20: vertical tab is not JSON space
  ["   \t ", null], // 21: blank
  ["", null], // 22: blank
  [F("alice", 2000).replace('{"type"', `{${HOSTILE_FIELDS},"type"`), null], // 23
  ['{"ts":1400,"ts":"bad"}', TIME('"bad"')], // 24: the last duplicate wins
  ["{}", "missing time (ts)"], // 25
  ['{"$watermark":"soon"}', TIME('"soon"', "invalid watermark")], // 26
  [`${F("alice", 3000)}\r`, null], // 27: \r\n
  ['{"type":5,"user":"alice","ts":3100}', null], // 28: a type that is not a string
  [OK("alice", 4000).replace("}", ',"big":1e400}'), null], // 29
  [`{"type":"Proto","user":"p","ts":5000,${HOSTILE_FIELDS},"toString":"t"}`, null], // 30
  ['{"type":"Proto","user":"p","ts":5100}', null], // 31
  [OK("alice", 10), "late"], // 32
  [`${"😀".repeat(150)}x`, JSON_ERR(`Unexpected token '\ud83d', "😀😀😀😀😀"... is not valid JSON`)], // 33: the text is cut without splitting a pair
  [
    Buffer.concat([
      Buffer.from('{"type":"Noise","user":"n","ts":6000,"s":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]),
    "invalid UTF-8",
  ], // 34: decoding would make it equal to any other line with bad bytes there
  [
    Buffer.from('{"type":"Noise",\u0000"ts":6100}'),
    JSON_ERR("Expected double-quoted property name in JSON at position 16"),
  ], // 35: a NUL byte
  ['{"type":"LoginOk","user":{"__proto__":{"polluted":true}},"ts":6200}', null], // 36: an object key
  ['{"type":"Noise","user":"n","ts":1e20}', TIME("100000000000000000000")], // 37: beyond Date's range
];

function inputBytes(): Buffer {
  return Buffer.concat(
    LINES.flatMap(([l]) => [typeof l === "string" ? Buffer.from(l) : l, Buffer.from("\n")]),
  );
}

/** The text an error record shows for line `i` (0-based): as decoded, first 200 UTF-16 units, whole pairs. */
function expectedText(i: number): string {
  let text = LINES[i][0].toString();
  if (text.endsWith("\r")) text = text.slice(0, -1);
  if (text.length <= 200) return text;
  const c = text.charCodeAt(199);
  return text.slice(0, c >= 0xd800 && c <= 0xdbff ? 199 : 200);
}

/** Everything about `Object.prototype` and friends that pollution could change. */
function prototypeState(): string {
  const describe = (o: object) =>
    Object.getOwnPropertyNames(o)
      .sort()
      .map((k) => {
        const d = Object.getOwnPropertyDescriptor(o, k);
        return `${k}:${typeof d?.value}:${d?.writable}:${d?.enumerable}:${typeof d?.get}`;
      })
      .join(",");
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype]
    .map(describe)
    .concat(String(Object.getPrototypeOf(Object.prototype)))
    .join("\n");
}

let protoBefore: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cep-hostile-"));
  writeFileSync(at("p.pattern"), PATTERNS);
  writeFileSync(at("in.ndjson"), inputBytes());
  protoBefore = prototypeState();
});

afterAll(() => {
  expect(prototypeState()).toBe(protoBefore);
});

async function cep(args: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(args, {
    api: { compile, Engine, CompileError, renderDiagnostic },
    stdin: (async function* () {})(),
    stdout,
    stderr,
    stderrIsTTY: false,
    env: {},
    wallClock: Date.now,
    monotonic: () => performance.now(),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const records = (name: string) =>
  readFileSync(at(name), "utf8")
    .split("\n")
    .filter((l) => l !== "");

describe("hostile event lines", () => {
  const args = (out: string) => [
    "run",
    at("p.pattern"),
    "--input",
    at("in.ndjson"),
    "--output",
    at(`${out}.out`),
    "--errors",
    at(`${out}.err`),
  ];

  test("each bad line is one exact error record; the run goes on; exit 0; the summary counts them", async () => {
    const r = await cep(args("ip"));
    expect(r.code).toBe(0);
    const expected = LINES.flatMap(([, reason], i) =>
      reason === null
        ? []
        : [JSON.stringify({ file: at("in.ndjson"), line: i + 1, reason, text: expectedText(i) })],
    );
    expect(records("ip.err")).toEqual(expected);
    expect(r.stderr).toMatch(
      /^cep: 13 events, 6 matches \(BruteForce 1, Proto 2, Noisy 3\), 0 timeouts, 1 late, 21 bad lines, 2 missing keys, [\d.]+s\n$/,
    );
    expect(prototypeState()).toBe(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("the good events' matches are all there, as plain data", async () => {
    await cep(args("ip2"));
    const out = records("ip2.out");
    const parsed = out.map((l) => JSON.parse(l));
    const byPattern = (p: string) => parsed.filter((x) => x.pattern === p);

    const [brute] = byPattern("BruteForce");
    expect(brute.events.fail.map((e: { ts: number }) => e.ts)).toEqual([1000, 2000, 3000]);
    expect(Object.keys(brute.events.fail[1])).toEqual([
      "__proto__",
      "constructor",
      "prototype",
      "type",
      "user",
      "ip",
      "ts",
    ]);
    expect(Object.getPrototypeOf(brute.events.fail[1])).toBe(Object.prototype);
    expect(brute.emit).toEqual({
      user: "alice",
      attempts: 3,
      big: null, // 1e400 is Infinity, which JSON writes as null
      p: { polluted: true },
      c: { prototype: { polluted: true } },
      pr: { polluted: true },
      t: null, // no own field: never Object.prototype.toString
    });
    expect(JSON.stringify(brute.emit)).toBe(
      '{"user":"alice","attempts":3,"big":null,"p":{"polluted":true},"c":{"prototype":{"polluted":true}},"pr":{"polluted":true},"t":null}',
    );

    const protos = byPattern("Proto").map((x) => JSON.stringify(x.emit));
    expect(protos).toEqual([
      '{"p":{"polluted":true},"c":{"prototype":{"polluted":true}},"pr":{"polluted":true},"t":"t","v":null,"h":null,"polluted":true,"cp":{"polluted":true},"__proto__":1,"constructor":2,"prototype":3}',
      '{"p":null,"c":null,"pr":null,"t":null,"v":null,"h":null,"polluted":null,"cp":null,"__proto__":1,"constructor":2,"prototype":3}',
    ]);

    const noisy = byPattern("Noisy");
    // Every Noise event is a match of its own: the deep one (written whole), the one whose
    // 1e400 fields are written as null, the one with escaped control characters, the one
    // (the one with invalid UTF-8 and the one with a time beyond Date's range are bad lines).
    expect(noisy.map((x) => x.events.n[0].ts)).toEqual([1500, 1600, 1700]);
    expect(out.some((l) => l.includes(`"x":${"[".repeat(990)}${"]".repeat(990)}}`))).toBe(true);
    expect(noisy.map((x) => x.emit)).toEqual([
      { n: null, m: null, s: null },
      { n: null, m: null, s: null },
      { n: null, m: null, s: "\u0000 nul \u001f \u2028" },
    ]);
    expect(prototypeState()).toBe(protoBefore);
  });

  test("a real process writes the same bytes and exits 0", () => {
    const bin = privateBin();
    const r = spawnSync(process.execPath, [bin, ...args("proc")], { encoding: "utf8" });
    expect(r.stderr).not.toContain("internal error");
    expect(r.status).toBe(0);
    return cep(args("same")).then(() => {
      expect(readFileSync(at("proc.out"))).toEqual(readFileSync(at("same.out")));
      expect(readFileSync(at("proc.err"))).toEqual(readFileSync(at("same.err")));
    });
  }, 120_000);

  test("CSV: prototype-named columns stay data; bad records are reported; exit 0", async () => {
    writeFileSync(
      at("in.csv"),
      [
        "type,user,ts,__proto__,constructor,prototype,toString",
        "Proto,p,1000,x,y,z,w",
        "Proto,p,1100",
        `Proto,p,1200,${"a".repeat(2 * 1024 * 1024)},y,z,w`,
        "Proto,p,notatime,x,y,z,w",
        "Proto,p,1300,,,,",
        'Proto,p,"oops',
        "Proto,p,1400,x,y,z,w",
        "",
      ].join("\n"),
    );
    const r = await cep([
      "run",
      at("p.pattern"),
      "--input",
      at("in.csv"),
      "--output",
      at("csv.out"),
      "--errors",
      at("csv.err"),
    ]);
    expect(r.code).toBe(0);
    expect(
      records("csv.err")
        .map((l) => JSON.parse(l))
        .map((e) => [e.line, e.reason]),
    ).toEqual([
      [3, "expected 7 fields, got 3"],
      [4, "line too long"],
      [5, TIME('"notatime"')],
      [7, "unterminated quoted field"], // the lines after the open quote are read again
    ]);
    const out = records("csv.out").map((l) => JSON.parse(l));
    expect(out.map((x) => JSON.stringify(x.emit))).toEqual([
      '{"p":"x","c":"y","pr":"z","t":"w","v":null,"h":null,"polluted":null,"cp":null,"__proto__":1,"constructor":2,"prototype":3}',
      '{"p":null,"c":null,"pr":null,"t":null,"v":null,"h":null,"polluted":null,"cp":null,"__proto__":1,"constructor":2,"prototype":3}',
      '{"p":"x","c":"y","pr":"z","t":"w","v":null,"h":null,"polluted":null,"cp":null,"__proto__":1,"constructor":2,"prototype":3}',
    ]);
    expect(prototypeState()).toBe(protoBefore);
  });

  test("the library: push never throws on hostile values, and nothing reaches a prototype", () => {
    const engine = new Engine(compile(PATTERNS));
    const seen: unknown[] = [];
    engine.on("error", (e) => seen.push(e.reason));
    engine.on("match", (m) => seen.push(m.pattern));
    const hostile: unknown[] = [
      null,
      undefined,
      42,
      "str",
      [],
      [{ ts: 1 }],
      Object.create(null),
      Object.assign(Object.create(null), { type: "Proto", ts: 1 }),
      JSON.parse(`{"type":"Proto","ts":2,${HOSTILE_FIELDS}}`),
      { type: "Proto", ts: Number.NaN },
      { type: "Proto", ts: Number.POSITIVE_INFINITY },
      { type: "Proto", ts: -0 },
      { type: "Proto", ts: 3, user: Symbol("s") },
      { type: Symbol("t"), ts: 4 },
      { type: "Proto", ts: 5n },
      { $watermark: {} },
      { $watermark: Number.NaN },
    ];
    for (const h of hostile) expect(() => engine.push(h)).not.toThrow();
    expect(() => engine.end()).not.toThrow();
    expect(seen).toContain("Proto");
    expect(prototypeState()).toBe(protoBefore);
  });
});
