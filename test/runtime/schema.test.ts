/**
 * Events checked against `event` declarations (language.md §2): the compiled check of one
 * declaration, and the engine withholding events that do not fit from the patterns that
 * use their type.
 */
import { describe, expect, it } from "vitest";
import type { SchemaModel } from "../../src/compile/model.js";
import { compile, Engine, type EngineOptions } from "../../src/index.js";
import { compileSchema } from "../../src/runtime/schema.js";

const check = (fields: string, event: Record<string, unknown>): string | null => {
  const program = compile(`event T { ${fields} }\npattern P { match t: T }`, { file: "s.pattern" });
  const model = program.patterns[0].schemas[0] as SchemaModel;
  return compileSchema(model)(event);
};

describe("compileSchema", () => {
  it("accepts an event that fits, undeclared extra fields included", () => {
    expect(
      check("a: string, b: number, c: boolean, d: time, e: any", {
        a: "x",
        b: 1.5,
        c: false,
        d: 1700000000000,
        e: [1],
        extra: { deep: true },
      }),
    ).toBeNull();
    expect(check("d: time", { d: "2024-03-01T09:00:00Z" })).toBeNull();
    expect(check("d: time", { d: "2024-03-01T09:00:00.250+01:30" })).toBeNull();
  });

  it("names the field, the expected and the actual JSON type", () => {
    expect(check("amount: number", { amount: "150" })).toBe("schema: T.amount: expected number, got string");
    expect(check("s: string", { s: 1 })).toBe("schema: T.s: expected string, got number");
    expect(check("b: boolean", { b: "true" })).toBe("schema: T.b: expected boolean, got string");
    expect(check("s: string", { s: [] })).toBe("schema: T.s: expected string, got array");
    expect(check("s: string", { s: {} })).toBe("schema: T.s: expected string, got object");
    expect(check("n: number", { n: true })).toBe("schema: T.n: expected number, got boolean");
  });

  it("a required field may be neither missing nor null", () => {
    expect(check("amount: number", {})).toBe("schema: T.amount: missing, expected number");
    expect(check("amount: number", { amount: null })).toBe("schema: T.amount: expected number, got null");
  });

  it("an optional field may be missing or null, but not of another type", () => {
    expect(check("h: number?", {})).toBeNull();
    expect(check("h: number?", { h: null })).toBeNull();
    expect(check("h: number?", { h: 3 })).toBeNull();
    expect(check("h: number?", { h: "3" })).toBe("schema: T.h: expected number, got string");
  });

  it("any accepts every value, null included; a required any field must be present", () => {
    for (const v of [null, 0, "", false, [], {}]) expect(check("x: any", { x: v })).toBeNull();
    expect(check("x: any", {})).toBe("schema: T.x: missing, expected any");
    expect(check("x: any?", {})).toBeNull();
  });

  it("time: whole epoch ms, or ISO-8601 with Z or ±hh:mm", () => {
    expect(check("at: time", { at: 1.5 })).toBe(
      "schema: T.at: expected time, got a number that is not whole epoch ms",
    );
    for (const bad of ["2024-03-01T09:00:00", "yesterday", "2024-13-01T00:00:00Z"]) {
      expect(check("at: time", { at: bad })).toBe(
        "schema: T.at: expected time, got a string that is not ISO-8601 with Z or ±hh:mm",
      );
    }
    expect(check("at: time", { at: true })).toBe("schema: T.at: expected time, got boolean");
    expect(check("at: time?", { at: null })).toBeNull();
  });

  it("reports the first field that does not fit, in declaration order", () => {
    expect(check("a: string, b: number", { a: 1, b: "x" })).toBe("schema: T.a: expected string, got number");
    expect(check("a: string, b: number", { a: "ok", b: "x" })).toBe(
      "schema: T.b: expected number, got string",
    );
  });

  it("generated code: hostile field and type names stay data, nothing runs", () => {
    // Names reach the generated check only through JSON.stringify; a name that broke out of
    // its string literal would run this assignment (or fail to compile).
    const g = globalThis as { __schemaPwned?: boolean };
    const names = [
      '"]; globalThis.__schemaPwned = true; //',
      "\\",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder is the attack
      "${globalThis.__schemaPwned = true}",
      "*/ globalThis.__schemaPwned = true; /*",
      "a\u2028b\u2029c",
      "__proto__",
      "ünï",
    ];
    for (const name of names) {
      const model: SchemaModel = {
        type: `T"); globalThis.__schemaPwned = true; ("`,
        fields: [{ name, type: "number", optional: false }],
      };
      const c = compileSchema(model);
      expect(c(JSON.parse(`{${JSON.stringify(name)}: 1}`))).toBeNull();
      expect(c({})).toBe(`schema: ${model.type}.${name}: missing, expected number`);
    }
    expect(g.__schemaPwned).toBeUndefined();
  });

  it("reads own fields only: nothing comes from a prototype", () => {
    const parsed = JSON.parse('{"__proto__": 5, "constructor": "c"}') as Record<string, unknown>;
    expect(check("`__proto__`: number, `constructor`: string", parsed)).toBeNull();
    expect(check("`constructor`: any", {})).toBe("schema: T.constructor: missing, expected any");
    expect(check("`toString`: any?, `__proto__`: number", {})).toBe(
      "schema: T.__proto__: missing, expected number",
    );
  });
});

const SRC = `
event Checkout { user: string, amount: number, at: time?, note: any? }
pattern Big   { key by user  match c: Checkout where amount > 100 }
pattern Pair  { key by user  match c: Checkout followed by l: Logout }
pattern Users { key by user  match a: * }
pattern Outs  { key by user  match l: Logout }
`;

function run(source: string, events: readonly unknown[], options: EngineOptions = {}) {
  const engine = new Engine(compile(source, { file: "s.pattern" }), options);
  const errors: { reason: string; event: unknown }[] = [];
  const matches: string[] = [];
  engine.on("error", (e) => errors.push(e));
  engine.on("match", (r) =>
    matches.push(
      `${r.pattern}:${JSON.stringify(
        Object.values(r.events)
          .flat()
          .map((e) => (e as { id: number }).id),
      )}`,
    ),
  );
  for (const e of events) engine.push(e);
  engine.end();
  return { errors, matches: matches.sort(), stats: engine.stats() };
}

const STREAM = [
  { id: 1, type: "Checkout", user: "u", amount: "150", ts: 1 }, // wrong type
  { id: 2, type: "Checkout", user: "u", ts: 2 }, // missing
  { id: 3, type: "Checkout", user: "u", amount: 200, at: "nope", ts: 3 }, // bad time
  { id: 4, type: "Checkout", user: "u", amount: 300, at: null, extra: 1, ts: 4 }, // fits
  { id: 5, type: "Logout", user: "u", ts: 5 },
];

describe("the engine and declared schemas", () => {
  for (const [name, options] of [
    ["fed at once", {}],
    ["buffered", { outOfOrderness: 10 }],
    ["processing time", { processingTime: true, clock: () => 7 }],
    ["dispatch index", {}],
  ] as const) {
    it(`reports a misfit once, withholds it from the patterns using its type, feeds the rest (${name})`, () => {
      let src = SRC;
      if (name === "dispatch index") src += "pattern Pad { key by user  match p: Pad }\n";
      const r = run(src, STREAM, options);
      expect(r.errors.map((e) => [e.reason, (e.event as { id: number }).id])).toEqual([
        ["schema: Checkout.amount: expected number, got string", 1],
        ["schema: Checkout.amount: missing, expected number", 2],
        ["schema: Checkout.at: expected time, got a string that is not ISO-8601 with Z or ±hh:mm", 3],
      ]);
      // Big and Pair use Checkout: only event 4 reaches them. Users (a `*` term) and Outs do
      // not name Checkout: they get every event.
      expect(r.matches).toEqual([
        "Big:[4]",
        "Outs:[5]",
        "Pair:[4,5]",
        "Users:[1]",
        "Users:[2]",
        "Users:[3]",
        "Users:[4]",
        "Users:[5]",
      ]);
      expect(r.stats.schemaErrors).toBe(3);
      expect(r.stats.bad).toBe(0);
      expect(r.stats.events).toBe(5);
    });
  }

  it("schemaCheck: false feeds every event unchecked", () => {
    const r = run(SRC, STREAM, { schemaCheck: false });
    expect(r.errors).toEqual([]);
    expect(r.stats.schemaErrors).toBe(0);
    expect(r.matches.filter((m) => m.startsWith("Pair"))).toEqual([
      "Pair:[1,5]",
      "Pair:[2,5]",
      "Pair:[3,5]",
      "Pair:[4,5]",
    ]);
    expect(r.matches.filter((m) => m.startsWith("Big"))).toEqual(["Big:[3]", "Big:[4]"]);
  });

  it("a misfit is not also reported for a missing key of the patterns it is withheld from", () => {
    const r = run(SRC, [{ type: "Checkout", amount: 5, ts: 1 }]);
    expect(r.errors.map((e) => e.reason)).toEqual([
      "schema: Checkout.user: missing, expected string",
      "missing key: Users (user)",
    ]);
  });

  it("checks only types that running patterns use", () => {
    const src = "event Checkout { amount: number }\nevent Other { x: number }\npattern P { match o: Other }";
    const r = run(src, [{ type: "Checkout", amount: "x", ts: 1 }]);
    expect(r.errors).toEqual([]);
    const only = run(SRC, STREAM, { patterns: ["Outs"] });
    expect(only.errors).toEqual([]);
    expect(only.matches).toEqual(["Outs:[5]"]);
  });

  it("a pattern added while running brings its declarations; a removed one takes them away", () => {
    const engine = new Engine(compile("pattern Outs { match l: Logout }"));
    const reasons: string[] = [];
    engine.on("error", (e) => reasons.push(e.reason));
    engine.push({ type: "Checkout", amount: "1", ts: 1 });
    engine.addPattern(compile("event Checkout { amount: number }\npattern Big { match c: Checkout }"));
    engine.push({ type: "Checkout", amount: "1", ts: 2 });
    engine.removePattern("Big");
    engine.push({ type: "Checkout", amount: "1", ts: 3 });
    expect(reasons).toEqual(["schema: Checkout.amount: expected number, got string"]);
  });

  it("the count survives a snapshot, and restored buffered misfits stay withheld", () => {
    const program = compile(SRC, { file: "s.pattern" });
    const a = new Engine(program, { outOfOrderness: 10 });
    for (const e of STREAM.slice(0, 3)) a.push(e);
    const b = new Engine(program, { outOfOrderness: 10, restore: JSON.parse(JSON.stringify(a.snapshot())) });
    const matches: string[] = [];
    b.on("match", (r) => matches.push(r.pattern));
    expect(b.stats().schemaErrors).toBe(3);
    b.end();
    expect(matches.sort()).toEqual(["Users", "Users", "Users"]);
  });

  it("batch mode returns the misfit with its entry index", () => {
    const engine = new Engine(compile(SRC, { file: "s.pattern" }));
    const out = engine.batch(STREAM, true);
    expect(out.errors.filter((e) => e.reason.startsWith("schema:")).map((e) => e.entry)).toEqual([0, 1, 2]);
  });
});
