/**
 * Content assist for editors (src/lang/assist.ts): the prefix it feeds Chevrotain is
 * cut short (assist-prefix.ts) for speed, and must allow exactly what the whole prefix
 * allows — checked at every token of the example patterns.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assistAt } from "../../src/lang/assist.js";
import { shortPrefix } from "../../src/lang/assist-prefix.js";
import { getStrictParser } from "../../src/lang/parser.js";
import { lex } from "../../src/lang/tokens.js";

const dir = join(import.meta.dirname, "../../patterns");
const sources = readdirSync(dir)
  .filter((f) => f.endsWith(".pattern"))
  .map((f) => readFileSync(join(dir, f), "utf8"))
  .concat([
    // Groups, chains, `between … and`, `until`, negations, both emits.
    `pattern G { within 5m match a: A where x between 1 and 2 and y or z > 1 next (b: B followed by any c: C where (p and q))+ not next D followed by e: E+ until (f and g or h) not followed by F emit { n: count(a) + 1, m: [1, 2] } on timeout emit { k: key() } }`,
    `pattern H { after match skip to first a match a: A{2,5} greedy consecutive within 1s where a.x[0].y is not null followed by b: * where event.z in [1, 2] on timeout }`,
    // Alternation and permute (§3.3a): their operators and separators.
    `pattern I { match a: A next (b: B where x or y | c: C followed by d: D)+ followed by permute next (e: E, (f: F | g: G)) followed by permute followed by any (h: H, i: I) next permute(j: J, k: K) }`,
  ]);

const paths = (prefix: Parameters<typeof shortPrefix>[0]) =>
  new Set(
    getStrictParser()
      .computeContentAssist("block", [...prefix])
      .map((p) => `${p.nextTokenType.name} ${p.ruleStack.join(">")} ${p.nextTokenOccurrence}`),
  );

describe("assist", () => {
  it("the short prefix allows what the whole prefix allows, at every token of the examples", () => {
    let compared = 0;
    for (const source of sources) {
      const tokens = lex(source);
      let start = 0;
      for (let k = 1; k <= tokens.length; k++) {
        if (k < tokens.length && (tokens[k].image === "pattern" || tokens[k].image === "event")) start = k;
        if (k - start > 100) continue; // the whole prefix gets slow beyond this (why the cut exists)
        const prefix = tokens.slice(start, k);
        expect(
          paths(shortPrefix(prefix)),
          source.slice(tokens[start].startOffset, tokens[k - 1].startOffset + 20),
        ).toEqual(paths(prefix));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it("offers the next block after a complete one, and names where the grammar wants one", () => {
    const src = "pattern P { match a: A }\n";
    expect(assistAt(src, src.length).expected.map((e) => e.keyword)).toEqual(["event", "pattern"]);
    const typing = "pattern P { match a: A next b: ";
    const at = assistAt(typing, typing.length);
    expect(at.word).toBeNull();
    expect(at.expected.map((e) => `${e.type}@${e.rules.at(-1)}`)).toEqual(["Identifier@term", "Star@term"]);
  });
});
