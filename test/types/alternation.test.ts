/**
 * `cep types` over alternation and `permute` (language §3.3a): a variable inside an
 * alternative is in a record only when its alternative was taken, so it is optional in
 * `events`; variables of a permute's elements and outside alternatives are always there.
 */
import { describe, expect, test } from "vitest";
import { generateTypes } from "../../src/index.js";

const SOURCE = `event Purchase { amount: number }
pattern Funnel {
  within 1h
  match a: Login
        followed by (p: Purchase | o: Logout next r: Rating?)
        followed by permute(n: Nps, (f: Feedback | g: Gripe))
        followed by ((x: X | y: Y) next z: Z){2}
  emit { amount: p.amount, ratings: count(r) }
}`;

describe("cep types: alternation and permute", () => {
  test("variables of an alternative are optional in `events`; the others are required", () => {
    const dts = generateTypes([{ file: "funnel.pattern", source: SOURCE }]);
    const events = /events: \{\n([\s\S]*?)\n {2}\};/.exec(dts)?.[1] ?? "";
    const names = events
      .split("\n")
      .map((l) => /^\s+(\w+)(\??):/.exec(l))
      .filter((m) => m !== null)
      .map((m) => `${m[1]}${m[2]}`);
    expect(names).toEqual(["a", "p?", "o?", "r?", "n", "f?", "g?", "x?", "y?", "z"]);
    expect(dts).toContain("amount: number | null;");
    expect(dts).toContain("ratings: number;");
  });
});
