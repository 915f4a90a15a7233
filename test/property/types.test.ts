/**
 * `cep types` against the engine on random patterns (pattern-arb.ts, with `event`
 * declarations for A–D): every record holds every variable the generated `events` type
 * declares required, no variable it does not declare, and a key of the declared type.
 * (The full records of the examples are type-checked with tsc in test/types/dts.test.ts.)
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import { compile, Engine, generateTypes, type MatchRecord } from "../../src/index.js";
import { eventsArb, fitToBudget, patternArb, renderPattern } from "./pattern-arb.js";

const DECLS =
  "event A { v: number, k: number }\nevent B { v: number, k: number }\nevent C { v: number, k: number }\nevent D { v: number, k: number }\n";

/** The variables of the match record's `events` type: name → required. */
function declaredEvents(dts: string): { vars: Map<string, boolean>; key: string } {
  const record = /export interface PMatch \{\n([\s\S]*?)\n\}/.exec(dts)?.[1] ?? "";
  const events = /\n {2}events: \{\n([\s\S]*?)\n {2}\};/.exec(record)?.[1] ?? "";
  const vars = new Map<string, boolean>();
  for (const line of events.split("\n")) {
    const m = /^ {4}(\w+)(\??): /.exec(line);
    if (m) vars.set(m[1], m[2] === "");
  }
  return { vars, key: /\n {2}key: (.*);/.exec(record)?.[1] ?? "" };
}

it("records have the variables and key the generated types promise", () => {
  fc.assert(
    fc.property(patternArb, eventsArb(), (p, generated) => {
      // Cut streams whose partial matches would explode (the runs are not bounded otherwise).
      const events = fitToBudget(p, generated).events;
      const source = DECLS + renderPattern(p);
      const { vars, key } = declaredEvents(generateTypes(source));
      expect(vars.size).toBe(p.terms.length);
      const engine = new Engine(compile(source), {});
      const records: MatchRecord[] = [];
      engine.on("match", (r) => records.push(r));
      for (const e of events) engine.push(e);
      engine.end();
      for (const r of records) {
        for (const [name, required] of vars)
          if (required) expect(r.events[name]?.length ?? 0).toBeGreaterThan(0);
        for (const name of Object.keys(r.events)) expect(vars.has(name)).toBe(true);
        if (key === "number") expect(typeof r.key).toBe("number");
        else if (key === "null") expect(r.key).toBe(null);
        else expect(key).toBe("unknown");
      }
    }),
    { numRuns: 300 },
  );
}, 120_000);
