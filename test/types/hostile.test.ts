/**
 * `cep types` with hostile names: backticked names with spaces, quotes, `*\/`, line
 * separators, unicode, reserved words of TypeScript and JavaScript (`class`, `new`,
 * `__proto__`, `constructor`) and names that collide once made PascalCase. The output
 * must compile with tsc, keep every name as data (reads through the names type-check
 * with the declared types), and hold nothing but the declarations.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { generateTypes } from "../../src/index.js";
import { STRICT_OPTIONS, tsc } from "./tsc.js";

const LS = "\u2028";
const SOURCE = `
event \`class\` { \`__proto__\`: string, \`a "b" */ c\`: number, \`x y\`: boolean?, \`ü\`: time, \`constructor\`: any }
event \`Match\` { v: number, \`__proto__\`: string }
event \`x-y\` { n: number, \`__proto__\`: string }
event \`x_y\` { n: string }
event \`a${LS}b\` { \`}; export const pwned = 1; //\`: number, \`__proto__\`: string }
pattern \`*/ export const pwned = 1; /*\` {
  key by \`__proto__\`
  within 1 minute
  match \`new\`: \`class\` followed by \`"q"\`: \`Match\` followed by z: \`x-y\` followed by \`l${LS}s\`: \`a${LS}b\`
  emit { \`*/\`: \`new\`.\`a "b" */ c\`, \`__proto__\`: count(\`"q"\`), \`${LS}\`: \`new\`.\`__proto__\`, y: z.n + 1 }
  on timeout emit { t: \`new\`.\`ü\` }
}
pattern \`Match\` { match m: \`Match\` emit { v: m.v } }
pattern \`match\` { match a: \`x_y\` emit { n: a.n } }
pattern \`1st\` { match a: * }
`;

const dir = mkdtempSync(join(tmpdir(), "cep-types-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("hostile names give valid TypeScript that keeps them as data", () => {
  const dts = generateTypes(SOURCE, { file: "hostile */.pattern" });
  // Nothing but comments and declarations at the top level: no name broke out.
  for (const line of dts.split("\n")) {
    expect(line, line).toMatch(/^(\/\/ |\/\*\* .* \*\/$|export (interface|type) [A-Za-z0-9_]+ | {2}|}$|$)/);
  }
  expect(dts).not.toMatch(/^export const/m);
  writeFileSync(join(dir, "types.d.ts"), dts);
  const P = "*/ export const pwned = 1; /*";
  writeFileSync(
    join(dir, "use.ts"),
    [
      `import type { Match, Matches, ClassEvent, XYEvent, XYEvent2, MatchEvent, MatchMatch, MatchMatch2, _1stMatch } from "./types.js";`,
      `declare const r: Match;`,
      `if (r.pattern === ${JSON.stringify(P)} && !r.timeout) {`,
      `  const c: ClassEvent = r.events.new[0];`,
      `  const proto: string = c["__proto__"];`,
      `  const n: number = c['a "b" */ c'];`,
      `  const b: boolean | null | undefined = c["x y"];`,
      `  const t: number | string = c["ü"];`,
      `  const k: string = r.key;`,
      `  const e1: number = r.emit["*/"];`,
      `  const e2: number = r.emit["__proto__"];`,
      `  const e3: string = r.emit["\\u2028"];`,
      `  const y: number | null = r.emit.y;`,
      `  console.log(proto, n, b, t, k, e1, e2, e3, y, c.constructor, r.events['"q"'][0].v, r.events["l\\u2028s"][0]["}; export const pwned = 1; //"]);`,
      `}`,
      `if (r.pattern === ${JSON.stringify(P)} && r.timeout) { const t: number | string | null = r.emit.t; console.log(t); }`,
      `const m: MatchMatch = { pattern: "Match", key: null, start: 0, end: 0, events: { m: [{ type: "Match", v: 1, ["__proto__"]: "p" }] }, emit: { v: 1 } };`,
      `const m2: MatchMatch2 = { pattern: "match", key: null, start: 0, end: 0, events: { a: [{ type: "x_y", n: "s" }] }, emit: { n: "s" } };`,
      `const ev: MatchEvent = m.events.m[0];`,
      `const xy: [XYEvent["n"], XYEvent2["n"]] = [1, "s"];`,
      `const any: _1stMatch["events"]["a"] = [{ whatever: true }];`,
      `const byName: Matches["1st"] = { pattern: "1st", key: null, start: 0, end: 0, events: { a: any } };`,
      `console.log(m2, ev, xy, byName);`,
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { ...STRICT_OPTIONS, lib: ["ES2023", "DOM"] }, files: ["use.ts"] }),
  );
  const r = tsc(join(dir, "tsconfig.json"));
  expect(r.output).toBe("");
  expect(r.code).toBe(0);
}, 60_000);
