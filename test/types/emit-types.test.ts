/**
 * The types `cep types` gives `emit` values and `events` (lang/dts-expr.ts): exact where
 * the evaluator always gives that type, `| null` where it can give null (absent
 * variables, optional fields, arithmetic), `unknown` where nothing is known.
 */
import { describe, expect, test } from "vitest";
import { generateTypes } from "../../src/index.js";

const DECLS = `event A { n: number, s: string, b: boolean, t: time, o: number?, x: any }
event B { n: number, s: string }
`;

/** The `emit` member lines of pattern P with the given fields. */
function emitOf(match: string, fields: string, key = "key by s"): Record<string, string> {
  const dts = generateTypes(`${DECLS}pattern P { ${key} match ${match} emit { ${fields} } }`);
  const body = /\n {2}emit: \{\n([\s\S]*?)\n {2}\};/.exec(dts)?.[1] ?? "";
  return Object.fromEntries(body.split("\n").map((l) => /^ {4}(\S+): (.*);$/.exec(l)!.slice(1, 3)));
}

describe("emit value types", () => {
  const cases: [string, string][] = [
    ["count(a)", "number"],
    ["sum(a.n)", "number | null"],
    ["avg(a.n)", "number | null"],
    ["a.n", "number"],
    ["a.s", "string"],
    ["a.t", "number | string"],
    ["a.o", "number | null"],
    ["a.x", "unknown"],
    ["a.type", '"A"'],
    ["opt.n", "number | null"],
    ["d.whatever", "unknown"],
    ["prev.n", "unknown"],
    ["a.n + 1", "number | null"],
    ["a.n / 0", "number | null"],
    ["-a.n", "number"],
    ["-a.o", "number | null"],
    ["a.n > 1", "boolean"],
    ["a.o > 1", "boolean | null"],
    ['a.s == "x"', "boolean"],
    ["a.n == a.o", "boolean | null"],
    ["a.b and a.n > 1", "boolean"],
    ["not a.b", "boolean"],
    ["a.n between 1 and 2", "boolean"],
    ['a.s in ["x", "y"]', "boolean"],
    ["a.o is null", "boolean"],
    ["coalesce(a.o, 0)", "number"],
    ['coalesce(a.o, "none")', "number | string"],
    ['if(a.b, 1, "x")', "number | string"],
    ["lower(a.s)", "string"],
    ["lower(a.o)", "string | null"],
    ["round(a.n)", "number"],
    ["len(a)", "number"],
    ["len(a.s)", "number"],
    ['contains(a.s, "x")', "boolean"],
    ['matches(a.s, "^x")', "boolean | null"],
    ["first(a)", "AEvent"],
    ["a[1]", "AEvent | null"],
    ["last(opt)", "BEvent | null"],
    ["first(a).s", "string"],
    ["a[0].s", "string | null"],
    ["time()", "number"],
    ["time(a)", "number"],
    ["time(opt)", "number | null"],
    ["key()", "unknown"],
    ["a", "AEvent[]"],
    ["opt", "BEvent[]"],
    ["[a.n, a.s]", "(number | string)[]"],
    ["[]", "unknown[]"],
    ["5 minutes", "number"],
    ["null", "null"],
  ];
  const fields = cases.map(([e], i) => `f${i}: ${e}`).join(", ");
  const types = emitOf("a: A{2,} followed by opt: B? followed by d: D", fields);
  for (const [i, [expr, type]] of cases.entries()) {
    test(`${expr} → ${type}`, () => {
      expect(types[`f${i}`]).toBe(type);
    });
  }
});

describe("keys and events", () => {
  const dts = (src: string) => generateTypes(`${DECLS}${src}`);
  test("key: the declared type when every term declares it alike, else unknown; tuples; null without key by", () => {
    expect(dts("pattern P { key by n match a: A followed by b: B }")).toContain("  key: number;\n");
    expect(dts("pattern P { key by s match a: A followed by b: B }")).toContain("  key: string;\n");
    expect(dts("event N { s: number } pattern P { key by s match a: A followed by b: N }")).toContain(
      "  key: unknown;\n",
    );
    expect(dts("pattern P { key by n match a: A followed by b: * }")).toContain("  key: unknown;\n");
    expect(dts("pattern P { key by o match a: A }")).toContain("  key: number;\n");
    expect(dts("pattern P { key by n, s match a: A }")).toContain("  key: [number, string];\n");
    expect(dts("pattern P { match a: A }")).toContain("  key: null;\n");
    // A negated term's type does not matter: it never reaches a record.
    expect(dts("pattern P { key by n match a: A not followed by C followed by b: B }")).toContain(
      "  key: number;\n",
    );
  });

  test("events: optional where a match may lack the variable; negated variables absent", () => {
    const out = dts(
      "pattern P { within 1m match a: A followed by b: B? followed by (c: B next d: A)* followed by e: B optional followed by x: A not followed by f: A followed by g: Q followed by h: * }",
    );
    expect(out).toContain(
      [
        "    a: AEvent[];",
        "    b?: BEvent[];",
        "    c?: BEvent[];",
        "    d?: AEvent[];",
        "    e?: BEvent[];",
        "    x: AEvent[];",
        '    g: { type: "Q"; [field: string]: unknown }[];',
        "    h: Record<string, unknown>[];",
      ].join("\n"),
    );
    expect(out).not.toContain("    f");
  });

  test("timeout records: only a first term that cannot be absent is sure; `emit` from `on timeout emit`", () => {
    const out = dts("pattern P { within 1m match a: A followed by b: B on timeout emit { n: a.n, m: b.n } }");
    expect(out).toContain("export type Match = PMatch | PTimeout;");
    expect(out).toMatch(
      /timeout: true;\n {2}events: \{\n {4}a: AEvent\[\];\n {4}b\?: BEvent\[\];\n {2}\};\n {2}emit: \{\n {4}n: number;\n {4}m: number \| null;/,
    );
    expect(dts("pattern P { within 1m match a: A followed by b: B on timeout }")).toMatch(
      /timeout: true;\n {2}events: \{\n {4}a: AEvent\[\];\n {4}b\?: BEvent\[\];\n {2}\};\n\}/,
    );
  });

  test("an event and a pattern of one name do not collide; errors throw CompileError", () => {
    const out = dts("pattern A { match a: A }");
    expect(out).toContain("export interface AEvent {");
    expect(out).toContain("export interface AMatch {");
    expect(() => dts("pattern P { match a: A where zz > 1 }")).toThrow(/1 error/);
  });
});
