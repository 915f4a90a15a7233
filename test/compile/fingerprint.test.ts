/**
 * Pattern fingerprints (compile/fingerprint.ts): what counts as the same pattern for
 * snapshots, `updatePatterns`, `--watch` and checkpoints — the tokens and the `event`
 * declarations used, not comments or layout; and snapshots recorded with the earlier
 * source-text fingerprint still restore.
 */
import { describe, expect, it } from "vitest";
import { compile, Engine } from "../../src/index.js";

const fp = (source: string, name = "P") => {
  const p = compile(source).patterns.find((x) => x.name === name);
  if (p === undefined) throw new Error(`no pattern ${name}`);
  return p.fingerprint;
};

const BASE = "pattern P {\n  key by k\n  match a: A followed by b: B where x > 1\n}\n";

describe("fingerprint", () => {
  it("ignores comments, spacing and line breaks (an edited comment or `cep fmt` keeps the state)", () => {
    const edited =
      "// the rule\npattern P { key by k   match a: A /* first */\n followed by b: B where x>1 // tweak\n}";
    expect(fp(edited)).toBe(fp(BASE));
  });

  it("changes with any token: a name, an operator, a literal", () => {
    const variants = [
      BASE.replace("x > 1", "x > 2"),
      BASE.replace("x > 1", "x >= 1"),
      BASE.replace("followed by", "next"),
      BASE.replace("a: A", "c: A"),
      BASE.replace("key by k", "key by j"),
    ];
    for (const v of variants) expect(fp(v)).not.toBe(fp(BASE));
  });

  it("changes with the event declarations the pattern checks events against, and only those", () => {
    const decl = (fields: string) => `event B { k: any, ${fields} }\nevent Z { y: number }\n`;
    const withB = fp(decl("x: number") + BASE);
    expect(fp(decl("x: number, y: string?") + BASE)).not.toBe(withB);
    expect(fp(decl("x: number").replace("y: number", "y: string") + BASE)).toBe(withB);
  });

  it("a snapshot that recorded the earlier source-text fingerprint restores, another one is refused", () => {
    const program = compile(BASE);
    const engine = new Engine(program);
    engine.push({ type: "A", k: 1, ts: 1 });
    const snap = engine.snapshot();
    const p = program.patterns[0];
    expect(p.sourceFingerprint).not.toBe(p.fingerprint);
    const legacy = {
      ...snap,
      patterns: snap.patterns.map((x) => ({ ...x, fingerprint: p.sourceFingerprint })),
    };
    const restored = new Engine(program, { restore: legacy });
    const out: unknown[] = [];
    restored.on("match", (r) => out.push(r));
    restored.push({ type: "B", k: 1, x: 5, ts: 2 });
    restored.end();
    expect(out).toHaveLength(1);
    const other = {
      ...snap,
      patterns: snap.patterns.map((x) => ({ ...x, fingerprint: "0123456789abcdef" })),
    };
    expect(() => new Engine(program, { restore: other })).toThrow(/different patterns/);
  });

  it("updatePatterns keeps a pattern whose edit is only a comment", () => {
    const engine = new Engine(compile(BASE));
    engine.push({ type: "A", k: 1, ts: 1 });
    const summary = engine.updatePatterns(
      compile(`// reviewed\n${BASE.replace("key by k", "key by k // per key")}`),
    );
    expect(summary).toMatchObject({ kept: ["P"], changed: [] });
    const out: unknown[] = [];
    engine.on("match", (r) => out.push(r));
    engine.push({ type: "B", k: 1, x: 5, ts: 2 });
    engine.end();
    expect(out).toHaveLength(1);
  });
});
