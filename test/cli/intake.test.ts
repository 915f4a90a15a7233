/**
 * Event intake through the real `cep` binary: missing keys of patterns keyed on other
 * fields (language.md §3 v1.3) and events checked against declared schemas.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ensureBuilt, root } from "./dist.js";

const bin = join(root, "bin", "cep.js");
let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "cep-intake-"));
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** `node bin/cep.js args…` with `input` on stdin. */
function cep(args: string[], input = "") {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, input, encoding: "utf8" });
  const errorLines = r.stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const summary = r.stderr.split("\n").find((l) => l.startsWith("cep: ")) ?? "";
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, errorLines, summary };
}

const MIXED = `
pattern Logins { key by user  match a: LoginFailed followed by b: LoginOk }
pattern Heat   { key by sensor  match t: Temp where value > 30 next u: Temp where value > 30 }
`;

/** 28 events: logins keyed by user, temperatures keyed by sensor, interleaved. */
function mixedStream(): string {
  const out: string[] = [];
  for (let i = 0; i < 7; i++) {
    out.push(JSON.stringify({ type: "LoginFailed", user: `u${i % 3}`, ts: i * 4 }));
    out.push(JSON.stringify({ type: "Temp", sensor: `s${i % 2}`, value: 31 + i, ts: i * 4 + 1 }));
    out.push(JSON.stringify({ type: "LoginOk", user: `u${i % 3}`, ts: i * 4 + 2 }));
    out.push(JSON.stringify({ type: "Temp", sensor: `s${i % 2}`, value: 20, ts: i * 4 + 3 }));
  }
  return `${out.join("\n")}\n`;
}

describe("missing keys (language.md §3 v1.3)", () => {
  test("28 events of a mixed stream: no missing-key line, 28 unkeyed in the summary", () => {
    const p = write("mixed.pattern", MIXED);
    const r = cep(["run", p], mixedStream());
    expect(r.code).toBe(0);
    expect(r.errorLines).toEqual([]);
    expect(r.stdout.trim().split("\n")).toHaveLength(7);
    expect(r.summary).toMatch(
      /^cep: 28 events, 7 matches \(Logins 7, Heat 0\), .*, 0 bad lines, 28 unkeyed, /,
    );
    expect(r.summary).not.toContain("missing key");
  });

  test("an event of a type the pattern uses, without its key, is still reported", () => {
    const p = write("mixed.pattern", MIXED);
    const input = `${mixedStream()}{"type":"LoginOk","ts":100}\n{"type":"Temp","value":50,"ts":101}\n`;
    const r = cep(["run", p], input);
    expect(r.errorLines).toEqual([
      { file: "-", line: 29, reason: "missing key: Logins (user)", text: '{"type":"LoginOk","ts":100}' },
      {
        file: "-",
        line: 30,
        reason: "missing key: Heat (sensor)",
        text: '{"type":"Temp","value":50,"ts":101}',
      },
    ]);
    expect(r.summary).toMatch(/ 2 missing keys, 30 unkeyed, /);
  });

  test("--pattern limits missing-key reports to the selected patterns", () => {
    const p = write("mixed.pattern", MIXED);
    const input = '{"type":"LoginOk","ts":1}\n{"type":"Temp","value":50,"ts":2}\n';
    const r = cep(["run", p, "--pattern", "Heat"], input);
    expect(r.errorLines.map((e) => e.reason)).toEqual(["missing key: Heat (sensor)"]);
    expect(r.summary).toMatch(/ 1 missing key, 1 unkeyed, /);
  });
});

const SHOP = `
event Checkout { user: string, amount: number, at: time? }
pattern Big  { key by user  match c: Checkout where amount > 100 }
pattern Seen { key by user  match x: * }
`;

const SHOP_EVENTS = [
  '{"type":"Checkout","user":"u","amount":"150","ts":1}',
  '{"type":"Checkout","user":"u","ts":2}',
  '{"type":"Checkout","user":"u","amount":150,"at":"soon","ts":3}',
  '{"type":"Checkout","user":"u","amount":150,"extra":[1],"ts":4}',
];

describe("events checked against declared schemas", () => {
  test("a misfit is reported once as bad input for the patterns using its type, and counted", () => {
    const p = write("shop.pattern", SHOP);
    const r = cep(["run", p], `${SHOP_EVENTS.join("\n")}\n`);
    expect(r.code).toBe(0);
    expect(r.errorLines).toEqual([
      {
        file: "-",
        line: 1,
        reason: "schema: Checkout.amount: expected number, got string",
        text: SHOP_EVENTS[0],
      },
      {
        file: "-",
        line: 2,
        reason: "schema: Checkout.amount: missing, expected number",
        text: SHOP_EVENTS[1],
      },
      {
        file: "-",
        line: 3,
        reason: "schema: Checkout.at: expected time, got a string that is not ISO-8601 with Z or ±hh:mm",
        text: SHOP_EVENTS[2],
      },
    ]);
    const records = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { pattern: string; start: number });
    // Big gets only the event that fits; Seen (a `*` term, not naming Checkout) gets all four.
    expect(records.filter((x) => x.pattern === "Big").map((x) => x.start)).toEqual([4]);
    expect(records.filter((x) => x.pattern === "Seen").map((x) => x.start)).toEqual([1, 2, 3, 4]);
    expect(r.summary).toMatch(
      /^cep: 4 events, 5 matches \(Big 1, Seen 4\), .*, 0 bad lines, 3 schema errors, /,
    );
  });

  test("--no-schema-check turns it off", () => {
    const p = write("shop.pattern", SHOP);
    const r = cep(["run", p, "--no-schema-check"], `${SHOP_EVENTS.join("\n")}\n`);
    expect(r.errorLines).toEqual([]);
    expect(r.summary).not.toContain("schema");
    const big = r.stdout
      .trim()
      .split("\n")
      .filter((l) => l.startsWith('{"pattern":"Big"'));
    expect(big).toHaveLength(2); // events 3 and 4: "150" is not > 100, event 2 has no amount
  });

  test("the REPL reports a misfit like cep run, and --no-schema-check turns it off", () => {
    const repl = (args: string[]) =>
      spawnSync(process.execPath, [bin, "repl", ...args], {
        cwd: dir,
        input: `${SHOP.trim()}\n${SHOP_EVENTS.slice(0, 1).join("\n")}\n`,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "", CEP_HISTORY: join(dir, "history") },
      });
    const on = repl([]);
    expect(on.status).toBe(0);
    expect(on.stderr).toContain(
      "error: schema: Checkout.amount: expected number, got string: the event is not fed to the patterns that use its type",
    );
    expect(on.stdout).toContain('"pattern":"Seen"');
    expect(on.stdout).not.toContain('"pattern":"Big"');
    const off = repl(["--no-schema-check"]);
    expect(off.stderr).not.toContain("schema");
  });
});
