/**
 * Hostile patterns against conditions as code (issue #16): text that would run if a
 * code generator ever pasted it into source — quotes, backslashes, `${`, `*∕`, `//`, line
 * separators (U+2028/U+2029), `__proto__`, `constructor`, Unicode — in every string
 * literal, field path, type, variable and pattern name. The emitted source holds none of
 * it (only helper calls, parameter reads and operators), nothing runs (a sentinel global
 * stays untouched), and the behaviour equals the interpreter's.
 *
 * The engine-level comparisons: the interpreter over a program whose edge conditions are
 * their emitted source instantiated ({@link withEmittedConditions}), and the generated
 * matcher (`codegen: true`, conditions inlined), each against the interpreter.
 */
import { afterAll, describe, expect, test } from "vitest";
import { CODE_HELPERS } from "../../src/compile/code-helpers.js";
import type { Cond } from "../../src/compile/nfa.js";
import { compile, Engine, type MatchRecord, type Program } from "../../src/index.js";
import { emitted } from "../support/code-scope.js";

const SENTINEL = "__cepheusCodegenPwned";
const g = globalThis as Record<string, unknown>;

/** Texts that would run if pasted into code (each sets the sentinel). */
const HOSTILE = [
  `"); globalThis.${SENTINEL} = 1; ("`,
  `'); globalThis.${SENTINEL} = 1; ('`,
  `\`); globalThis.${SENTINEL} = 1; (\``,
  `\${globalThis.${SENTINEL} = 1}`,
  `*/ globalThis.${SENTINEL} = 1; /*`,
  `// x\u2028globalThis.${SENTINEL} = 1\u2029`,
  `\\"); globalThis.${SENTINEL} = 1; //`,
  `]; globalThis.${SENTINEL} = 1; [`,
  `) || (globalThis.${SENTINEL} = 1) || (`,
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "é😀\u0000",
];

/** A backtick name (a backtick inside is written twice). */
const tick = (text: string) => `\`${text.replaceAll("`", "``")}\``;
/** A pattern string literal (JSON escapes; raw U+2028/U+2029 are fine inside one). */
const str = (text: string) => JSON.stringify(text);

/** One pattern with `h` in every name and string position the conditions see. */
function hostilePattern(h: string): string {
  const v = tick(h);
  const w = tick(`${h}·2`);
  const f = tick(h);
  return `
    pattern ${tick(`${h}·P`)} {
      within 1 minute
      match ${v}: ${tick(h)}+ until (${f} == ${str(`${h}·stop`)})
                    where ${f} == ${str(h)} and event.${f} is not null and s in [${str(`<${h}>`)}, "x"]
            followed by ${w}: ${tick(`${h}·T`)} where ${v}.${f} == ${f} and first(${v}).${f} == ${str(h)}
                    and contains(s, ${str(h)}) and sum(${v}.n) >= 0 and if(${f} == ${str(h)}, true, false)
                    and not (startsWith(${f}, ${str(`${h}x`)}))
    }`;
}

/** Events exercising it: matches, non-matches (wrong value, wrong type), the `until` stop. */
function hostileEvents(h: string): object[] {
  const ev = (type: string, ts: number, value: string) =>
    JSON.parse(JSON.stringify({ type, ts, [h]: value, s: `<${h}>`, n: ts / 1000 }));
  return [
    ev(h, 1000, h),
    ev(h, 2000, "nope"),
    ev("other", 2500, h),
    ev(h, 3000, h),
    ev(`${h}·T`, 4000, h),
    ev(`${h}·T`, 5000, "nope"),
    ev(h, 6000, `${h}·stop`),
    ev(h, 7000, h),
    ev(`${h}·T`, 8000, h),
  ];
}

/** Every distinct condition on the NFA's edges. */
function conditionsOf(program: Program): Cond[] {
  const out = new Set<Cond>();
  for (const p of program.patterns) for (const s of p.nfa.states) for (const e of s.edges) out.add(e.cond);
  return [...out];
}

/**
 * The program with every edge condition replaced by its emitted source, instantiated
 * (`negOf` links kept, as the runtime compares them by identity).
 */
function withEmittedConditions(program: Program): Program {
  const done = new Map<Cond, Cond>();
  const convert = (c: Cond): Cond => {
    let out = done.get(c);
    if (out === undefined) {
      const code = emitted(c);
      if (code === null) throw new Error(`no emitted source for ${c.src}`);
      out = Object.freeze({ ...c, test: code.test, negOf: c.negOf === null ? null : convert(c.negOf) });
      done.set(c, out);
    }
    return out;
  };
  return {
    ...program,
    patterns: program.patterns.map((p) => ({
      ...p,
      nfa: {
        ...p.nfa,
        states: p.nfa.states.map((s) => ({
          ...s,
          edges: s.edges.map((e) => ({ ...e, cond: convert(e.cond) })),
        })),
      },
    })),
  };
}

function records(engine: Engine, events: readonly object[]): string[] {
  const out: string[] = [];
  const take = (r: MatchRecord) => {
    out.push(JSON.stringify(r));
  };
  engine.on("match", take).on("timeout", take);
  for (const e of events) engine.push(e);
  engine.end();
  return out;
}

/** The interpreter, the reference. */
const runInterpreter = (program: Program, events: readonly object[]) =>
  records(new Engine(program, { codegen: false }), events);
/** The interpreter with each condition's emitted source in place of its closure. */
const runEmitted = (program: Program, events: readonly object[]) =>
  records(new Engine(withEmittedConditions(program), { codegen: false }), events);
/** The generated matcher, conditions inlined. */
const runCode = (program: Program, events: readonly object[]) =>
  records(new Engine(program, { codegen: true }), events);

/** What an emitted condition may contain: helper calls, parameter reads, operators, no string or comment. */
const SAFE_SOURCE = /^[\w$.[\]()?!=<>&|:, ]*$/;

afterAll(() => {
  expect(g[SENTINEL]).toBeUndefined();
});

describe("hostile patterns: conditions as code", () => {
  for (const h of HOSTILE) {
    test(`in every string, field, type, variable and pattern name: ${JSON.stringify(h)}`, () => {
      const program = compile(hostilePattern(h), { file: "hostile.pattern" });
      const conds = conditionsOf(program).filter((c) => !c.isTrue);
      expect(conds.length).toBeGreaterThan(3);
      for (const c of conds) {
        const code = emitted(c);
        expect(code, c.src).not.toBeNull();
        if (code === null) continue;
        expect(code.source).toMatch(SAFE_SOURCE);
        for (const name of code.source.matchAll(/H\.(\w+)/g))
          expect(Object.hasOwn(CODE_HELPERS, name[1])).toBe(true);
      }
      const events = hostileEvents(h);
      const want = runInterpreter(program, events);
      expect(want.length).toBeGreaterThan(0);
      expect(runEmitted(program, events)).toEqual(want);
      expect(runCode(program, events)).toEqual(want);
      expect(g[SENTINEL]).toBeUndefined();
    });
  }

  test("the comparison fails when an emitted condition differs from its closure", () => {
    const program = compile(hostilePattern("x"), { file: "hostile.pattern" });
    const events = hostileEvents("x");
    const broken: Program = {
      ...program,
      patterns: program.patterns.map((p) => ({
        ...p,
        nfa: {
          ...p.nfa,
          states: p.nfa.states.map((s) => ({
            ...s,
            edges: s.edges.map((e) => ({
              ...e,
              cond: { ...e.cond, emit: e.cond.emit === null ? null : () => "true" },
            })),
          })),
        },
      })),
    };
    const want = runInterpreter(program, events);
    expect(runEmitted(broken, events)).not.toEqual(want);
    expect(runCode(broken, events)).not.toEqual(want);
  });
});
