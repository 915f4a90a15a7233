/**
 * Hostile pattern text and generated matchers (issue #16): quotes, backslashes, `${`,
 * comment ends, line and paragraph separators, `__proto__` and other Unicode in every
 * name, string, field path, type and variable position never become code — a sentinel
 * global stays untouched, the executed source holds none of the text, the annotated source
 * (`cep explain --code`) keeps it inside comments — and the generated matcher behaves as
 * the interpreter does, with conditions inlined through `emit` (literal slots) too.
 */
import { afterAll, describe, expect, test } from "vitest";
import { compile, Engine, type MatchRecord, type Program } from "../../src/index.js";
import { generatedSource } from "../../src/runtime/codegen/instantiate.js";
import { withFakeEmit } from "../support/fake-emit.js";

const g = globalThis as { __cepPwned?: unknown };

const HOSTILE = [
  '"); globalThis.__cepPwned = 1; ("',
  "'); globalThis.__cepPwned = 2; ('",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the point is a literal `${…}`
  "`; ${globalThis.__cepPwned = 3} `",
  "*/ globalThis.__cepPwned = 4; /*",
  "x\u2028globalThis.__cepPwned = 5;//",
  "y\u2029globalThis.__cepPwned = 6;//",
  "z\\\\\\u2028 \\",
  "__proto__",
  "constructor",
  "é😀\u00a0",
];

/** A backtick name for `text` (a backtick inside is written twice). */
const tick = (text: string) => `\`${text.replaceAll("`", "``")}\``;

function run(program: Program, events: unknown[], codegen: boolean): string[] {
  const engine = new Engine(program, { codegen });
  const out: string[] = [];
  const take = (r: MatchRecord) => out.push(JSON.stringify(r));
  engine.on("match", take).on("timeout", take);
  for (const e of events) engine.push(e);
  engine.end();
  out.push(JSON.stringify(engine.stats()));
  return out;
}

afterAll(() => {
  expect(g.__cepPwned).toBeUndefined();
});

describe("generated matchers with hostile pattern text", () => {
  for (const h of HOSTILE) {
    test(JSON.stringify(h), () => {
      const source = `
        pattern ${tick(h)} {
          key by ${tick(h)}
          within 1 minute
          match ${tick(h)}: ${tick(h)} where ${tick(h)} == ${JSON.stringify(h)} and ${tick(h)} != "x"
                followed by b: B where ${tick(h)} == first(${tick(h)}).${tick(h)}
                not followed by n: ${tick(`${h}!`)} where ${tick(h)} == ${JSON.stringify(h)}
                followed by c: C? followed by d: D
          emit { ${tick(h)}: ${tick(h)}.${tick(h)}, s: ${JSON.stringify(h)} }
          on timeout emit { ${tick(h)}: last(${tick(h)}).${tick(h)} }
        }`;
      const plain = compile(source, { file: "hostile.pattern" });
      const faked = { ...plain, patterns: plain.patterns.map(withFakeEmit) };
      const ev = (type: string, ts: number) => JSON.parse(JSON.stringify({ type, ts, [h]: h }));
      const events = [
        ev(h, 1000),
        ev("B", 2000),
        ev("D", 2500),
        ev(h, 3000),
        ev("B", 3050),
        ev(`${h}!`, 3100),
        ev("C", 3200),
        ev("D", 3300),
        ev(h, 4000),
      ];
      events.push({ type: "C", ts: 100_000 });
      for (const program of [plain, faked]) {
        const generated = run(program, events, true);
        expect(generated).toEqual(run(program, events, false));
        expect(generated.length).toBeGreaterThan(2);

        const annotated = generatedSource(program.patterns[0]);
        if (!("source" in annotated)) throw new Error(annotated.fallback);
        const lines = annotated.source.split("\n");
        const code = lines.filter((l) => !l.trimStart().startsWith("//"));
        // The text appears only in comments, each a whole line (no terminator inside).
        expect(code.join("\n")).not.toContain(h);
        expect(annotated.source).not.toMatch(/[\u2028\u2029\r]/);
        expect(annotated.source).not.toMatch(/\*\//);
        expect(lines.some((l) => l.includes("// ") && l.includes("__cepPwned"))).toBe(
          h.includes("__cepPwned"),
        );
        // Comments or not, it is the same program.
        expect(() => new Function("P", annotated.source)).not.toThrow();
      }
      expect(g.__cepPwned).toBeUndefined();
    });
  }
});
