/**
 * Alternation and `permute` (language.md §3.3a, issue #17): golden scenarios. Every
 * expectation is derived by hand from the spec's rules (the derivation in a comment where
 * it is not obvious). The vitest projects run this file on generated matchers and on the
 * interpreter.
 */
import { describe, expect, it } from "vitest";
import { compile, Engine, type MatchRecord } from "../../src/index.js";
import { Matcher } from "../../src/runtime/matcher.js";
import { events, harness, idsOf } from "./harness.js";

/** Each record as `var<ids>` per variable in record order, e.g. `a1 c2`; timeouts start with `T@end`. */
function shapes(rs: readonly MatchRecord[]): string[] {
  return rs.map((r) => {
    const vars = Object.entries(r.events).map(
      ([k, v]) => `${k}${(v as { id: number }[]).map((e) => e.id).join(",")}`,
    );
    return `${r.timeout === true ? `T@${r.end} ` : ""}${vars.join(" ")}`;
  });
}

const run = (src: string, spec: string) => harness(`pattern P { ${src} }`).feed(events(spec));

describe("the operator before an alternation", () => {
  it("followed by: the first event that starts some alternative is taken, the branch continues there only", () => {
    // The spec's example: C starts the second alternative, so B is never taken.
    expect(shapes(run("match a: A followed by (b: B | c: C)", "A:1 C:2 B:3").matches)).toEqual(["a1 c2"]);
  });

  it("followed by: events that start no alternative are skipped", () => {
    expect(shapes(run("match a: A followed by (b: B | c: C)", "A:1 X:2 Y:3 B:4 C:5").matches)).toEqual([
      "a1 b4",
    ]);
  });

  it("followed by: an event that starts several alternatives is taken by each of them", () => {
    const r = harness("pattern P { match a: A followed by (b: B where v > 0 | c: * where v < 10) }").feed([
      { id: 1, type: "A", v: 0, ts: 1 },
      { id: 2, type: "X", v: 20, ts: 2 }, // starts neither: skipped
      { id: 3, type: "B", v: 5, ts: 3 }, // starts both
      { id: 4, type: "B", v: 6, ts: 4 }, // the branch has moved on
    ]);
    expect(shapes(r.matches).sort()).toEqual(["a1 b3", "a1 c3"]);
  });

  it("next: the very next event must start some alternative", () => {
    expect(shapes(run("match a: A next (b: B | c: C)", "A:1 X:2 C:3 A:4 C:5 B:6").matches)).toEqual([
      "a4 c5",
    ]);
  });

  it("followed by any: every event that starts an alternative starts a branch, the waiting branch stays", () => {
    expect(shapes(run("match a: A followed by any (b: B | c: C)", "A:1 B:2 X:3 C:4 B:5").matches)).toEqual([
      "a1 b2",
      "a1 c4",
      "a1 b5",
    ]);
  });

  it("the operator after an alternation follows each alternative's last term", () => {
    // A1: C2 D3 then E4 strictly next. A5: B6 then X7 is not E: the branch dies.
    const src = "match a: A followed by (b: B | c: C next d: D) next e: E";
    expect(shapes(run(src, "A:1 C:2 D:3 E:4 A:5 B:6 X:7 E:8").matches)).toEqual(["a1 c2 d3 e4"]);
  });

  it("an alternation can start the pattern and end it", () => {
    expect(shapes(run("match (b: B | c: C) followed by d: D", "B:1 C:2 D:3").matches)).toEqual([
      "b1 d3",
      "c2 d3",
    ]);
    expect(shapes(run("match a: A next (b: B | c: C next d: D)", "A:1 C:2 D:3 A:4 B:5").matches)).toEqual([
      "a1 c2 d3",
      "a4 b5",
    ]);
  });
});

describe("optional first terms", () => {
  const alt = "(b: B? followed by c: C | d: D)";

  it("followed by: the first event that starts an alternative through an optional term is taken", () => {
    // X starts nothing (B, C or D would); D starts the second alternative first, so C is never taken.
    expect(shapes(run(`match a: A followed by ${alt}`, "A:1 X:2 D:3 C:4").matches)).toEqual(["a1 d3"]);
    // B starts the first alternative: it is taken, not skipped — no [A, C] without it.
    expect(shapes(run(`match a: A followed by ${alt}`, "A:1 B:2 C:3").matches)).toEqual(["a1 b2 c3"]);
    // C starts the first alternative with b absent.
    expect(shapes(run(`match a: A followed by ${alt}`, "A:1 X:2 C:3 D:4").matches)).toEqual(["a1 c3"]);
  });

  it("followed by: strictness after an absent first term is relative to the last taken event", () => {
    // X is skipped by the waiting fork; with b absent, `next c` needed C right after A.
    const src = "match a: A followed by (b: B? next c: C | d: D)";
    expect(shapes(run(src, "A:1 X:2 C:3").matches)).toEqual([]);
    expect(shapes(run(src, "A:1 C:2").matches)).toEqual(["a1 c2"]);
    expect(shapes(run(src, "A:1 X:2 B:3 C:4").matches)).toEqual(["a1 b3 c4"]);
  });

  it("followed by: a relaxed alternation reached through an absent first term can still start after skipped events", () => {
    // Orders (alt, d*) and (d*, alt): X is skipped; B then starts both — the second with d
    // absent, its alternation reached by `followed by any`, which may wait: [a b] twice.
    const src = "match a: A followed by permute followed by any ((b: B | c: C), d: D*)";
    expect(shapes(run(src, "A:1 X:2 B:3").matches)).toEqual(["a1 b3", "a1 b3"]);
  });

  it("followed by any: absent first terms inside a nested alternation or a group, as the expansions", () => {
    // Expansions: `a followed by any b? followed by c` takes the first C only (C3 would skip C2).
    const nested = "match a: A followed by any ((b: B? followed by c: C | d: D) | e: E)";
    expect(shapes(run(nested, "A:1 C:2 C:3").matches)).toEqual(["a1 c2"]);
    // `a followed by any (b? followed by c?) followed by d`: one branch reaches D3.
    const group = "match a: A followed by any ((b: B? followed by c: C?) followed by d: D | e: E)";
    expect(shapes(run(group, "A:1 X:2 D:3").matches)).toEqual(["a1 d3"]);
  });

  it("next and followed by any give the expanded patterns' matches", () => {
    // `a next b? followed by c` (b absent: c follows by its own operator) ∪ `a next d`.
    expect(shapes(run(`match a: A next ${alt}`, "A:1 X:2 C:3").matches)).toEqual(["a1 c3"]);
    expect(shapes(run(`match a: A next ${alt}`, "A:1 X:2 D:3").matches)).toEqual([]);
    // `a followed by any b? followed by c`: only the first C after A (or after a B);
    // `a followed by any d`: every D.
    expect(shapes(run(`match a: A followed by any ${alt}`, "A:1 X:2 C:3 D:4 C:5").matches)).toEqual([
      "a1 c3",
      "a1 d4",
    ]);
  });
});

describe("alternatives that take nothing", () => {
  it("each path through an empty alternative is a branch of its own (as in the expanded patterns)", () => {
    // Expansions: `t0? followed by t3?`, `t1? followed by t3?`, `t2? followed by t3?`, each
    // giving [t_i] and [t3] over one A: [t3] three times.
    const src = "match (t0: A optional | (t1: A? | t2: A?)) followed by t3: A?";
    expect(shapes(run(src, "A:1").matches).sort()).toEqual(["t01", "t11", "t21", "t31", "t31", "t31"]);
  });

  it("paths through empty alternatives stay apart in what follows (optional terms, alternations)", () => {
    // Expansions `x next a? next c?` and `x next b? next c?`: [x] each.
    expect(shapes(run("match x: D next (a: A? | b: B?) next c: C?", "D:1").matches)).toEqual(["x1", "x1"]);
    expect(shapes(run("match x: D next permute(a: A?, b: B?) next c: C?", "D:1").matches)).toEqual([
      "x1",
      "x1",
    ]);
    // Expansions `a? followed by (c | d)` and `b? followed by (c | d)`: [c] each.
    expect(shapes(run("match (a: A? | b: B?) followed by (c: C | d: D)", "C:1").matches)).toEqual([
      "c1",
      "c1",
    ]);
  });

  it("an event taken past the alternation through an empty alternative does not decide it (B10)", () => {
    // As Flink's flat `x: B followed by a: A? followed by d: D` keeps waiting at a while d
    // takes: the path with a absent takes D2 ([x d]), the alternation still waits and C3
    // starts c, then D4 ([x c d]).
    const src = "match x: B followed by (a: A? | c: C) followed by d: D";
    expect(shapes(run(src, "B:1 D:2 C:3 D:4").matches)).toEqual(["x1 d2", "x1 c3 d4"]);
    // The flat pattern without the alternation waits at a the same way.
    expect(shapes(run("match x: B followed by a: A? followed by d: D", "B:1 D:2 A:3 D:4").matches)).toEqual([
      "x1 d2",
      "x1 a3 d4",
    ]);
  });

  it("a match completing through several empty alternatives at once is emitted once per path", () => {
    // Expansions `a next b?` and `a next c?` both complete [A] when A arrives.
    const src = "match a: A next (b: B? | c: C?)";
    expect(shapes(run(src, "A:1 B:2").matches)).toEqual(["a1", "a1", "a1 b2"]);
    expect(shapes(run(`after match skip to next ${src}`, "A:1 B:2").matches)).toEqual(["a1"]);
  });
});

describe("looped alternations: each iteration chooses again", () => {
  it("{2}: two iterations, relaxed between them", () => {
    const src = "match a: A followed by (b: B | c: C){2} followed by d: D";
    expect(shapes(run(src, "A:1 B:2 X:3 C:4 D:5").matches)).toEqual(["a1 b2 c4 d5"]);
  });

  it("+: every run of iterations from the first, as a looping group", () => {
    // After b2 the branch may leave the loop (d then skips C3, as `followed by` does) or
    // take C3 as a second iteration: [a b c d] and [a b d].
    const src = "match a: A followed by (b: B | c: C)+ followed by d: D";
    expect(shapes(run(src, "A:1 B:2 C:3 D:4").matches).sort()).toEqual(["a1 b2 c3 d4", "a1 b2 d4"]);
  });

  it("consecutive: the next iteration must start with the very next event", () => {
    const src = "match a: A followed by (b: B | c: C){2} consecutive followed by d: D";
    expect(shapes(run(src, "A:1 B:2 X:3 C:4 D:5 A:6 C:7 C:8 D:9").matches)).toEqual(["a6 c7,8 d9"]);
  });

  it("?: an optional alternation may be absent", () => {
    const src = "match a: A followed by (b: B | c: C)? followed by d: D";
    // X2 is skipped by the waiting alternation and by d (absent alternation) alike; one branch reaches D3.
    expect(shapes(run(src, "A:1 X:2 D:3").matches)).toEqual(["a1 d3"]);
    // As for any optional stage (Flink: `a followedBy b.optional() followedBy d` over a b d
    // gives [a b d] and [a d]): with the alternation absent, d skips C2 by its own `followed by`.
    expect(shapes(run(src, "A:1 C:2 D:3").matches).sort()).toEqual(["a1 c2 d3", "a1 d3"]);
  });
});

describe("nesting and negation", () => {
  it("nested alternations: the outer first-start rule sees the inner alternatives' first terms", () => {
    // A1: C2 starts the inner alternation of the first alternative, D3 strictly next.
    // A4: B5 starts it too; E6 is not D: the branch dies (E no longer counts).
    const src = "match a: A followed by ((b: B | c: C) next d: D | e: E)";
    expect(shapes(run(src, "A:1 C:2 D:3 A:4 B:5 E:6").matches)).toEqual(["a1 c2 d3"]);
  });

  it("negation between the terms of an alternative", () => {
    // A1 takes B2 (first alternative); X3 is forbidden before C: the branch dies.
    const src = "match a: A followed by (b: B not followed by X followed by c: C | d: D)";
    expect(shapes(run(src, "A:1 B:2 X:3 C:4 A:5 B:6 C:7").matches)).toEqual(["a5 b6 c7"]);
  });

  it("groups inside alternatives", () => {
    const src = "match a: A followed by ((b: B next c: C){2} | d: D)";
    expect(shapes(run(src, "A:1 B:2 C:3 B:4 C:5").matches)).toEqual(["a1 b2,4 c3,5"]);
  });
});

describe("skip strategies across alternatives", () => {
  it("a completed match is held back by an earlier partial match in another alternative", () => {
    // A1 takes B2 (first alternative) and waits for C. A3 takes D4: complete, but held
    // back while A1 is alive; C5 completes A1, emitted first, and past its last event
    // (C5) prunes [A3 D4].
    const src = "match a: A followed by (b: B followed by c: C | d: D)";
    const spec = "A:1 B:2 A:3 D:4 C:5";
    expect(shapes(run(`after match skip past last event ${src}`, spec).matches)).toEqual(["a1 b2 c5"]);
    expect(shapes(run(src, spec).matches)).toEqual(["a3 d4", "a1 b2 c5"]);
  });

  it("two alternatives completing on the same events: the earlier term's goes first and prunes the other", () => {
    // §5: same events, then by the term indices of their variables (a before b).
    expect(shapes(run("after match skip to next match (a: A | b: A)", "A:1").matches)).toEqual(["a1"]);
    expect(shapes(run("match (a: A | b: A)", "A:1").matches)).toEqual(["a1", "b1"]);
  });

  it("skip to first v with v absent from the match prunes nothing (Flink's rule)", () => {
    // [A1 C2] has no b: nothing is pruned, A1's branch keeps waiting and takes B3.
    const src = "match a: A followed by any (b: B | c: C)";
    expect(shapes(run(`after match skip to first b ${src}`, "A:1 C:2 B:3").matches)).toEqual([
      "a1 c2",
      "a1 b3",
    ]);
    // With c: [A1 C2] prunes every partial match that started before C2, A1's included.
    expect(shapes(run(`after match skip to first c ${src}`, "A:1 C:2 B:3").matches)).toEqual(["a1 c2"]);
  });
});

describe("records", () => {
  it("events holds only the variables that took events; absent ones read as absent", () => {
    const src = `pattern P {
      match a: A followed by (b: B | c: C next d: D)
      emit { v: coalesce(b.v, c.v), nb: count(b), nc: count(c), fb: first(b), lb: last(b), bv: b.v, sb: sum(b.v) }
    }`;
    const r = harness(src).feed([
      { id: 1, type: "A", ts: 1 },
      { id: 2, type: "C", v: 7, ts: 2 },
      { id: 3, type: "D", ts: 3 },
    ]);
    expect(r.matches).toHaveLength(1);
    expect(Object.keys(r.matches[0].events)).toEqual(["a", "c", "d"]);
    expect(r.matches[0].emit).toEqual({ v: 7, nb: 0, nc: 1, fb: null, lb: null, bv: null, sb: 0 });
  });

  it("where conditions read a sibling alternative's variable as absent", () => {
    // c's condition reads b, which no branch reaching c has: `b.v` is null, `count(b)` 0.
    const src = "match a: A followed by (b: B next x: X | c: C where count(b) == 0 and b.v is null)";
    expect(shapes(run(src, "A:1 C:2").matches)).toEqual(["a1 c2"]);
  });
});

describe("permute", () => {
  it("followed by (the default): one order, the first event that starts some order decides", () => {
    // S2 starts the orders (s p i) and (s i p); (s p i) then takes P4 and I5.
    const src = "match o: O followed by permute(p: P, s: S, i: I)";
    expect(shapes(run(src, "O:1 S:2 X:3 P:4 I:5").matches)).toEqual(["o1 p4 s2 i5"]);
  });

  it("next: the elements are strictly contiguous", () => {
    const src = "match o: O followed by permute next (p: P, s: S)";
    expect(shapes(run(src, "O:1 X:2 S:3 P:4 O:5 S:6 X:7 P:8").matches)).toEqual(["o1 p4 s3"]);
  });

  it("followed by any: every later element starts a branch", () => {
    // P2 starts the order (p s) only; its s may be S3 or S4.
    const src = "match o: O followed by permute followed by any (p: P, s: S)";
    expect(shapes(run(src, "O:1 P:2 S:3 S:4").matches)).toEqual(["o1 p2 s3", "o1 p2 s4"]);
  });

  it("any order of four elements matches once, variables in term order", () => {
    const src = "match o: O followed by permute(p: P, s: S, i: I, d: D)";
    expect(shapes(run(src, "O:1 P:2 S:3 I:4 D:5").matches)).toEqual(["o1 p2 s3 i4 d5"]);
    expect(shapes(run(src, "O:1 D:2 I:3 S:4 P:5").matches)).toEqual(["o1 p5 s4 i3 d2"]);
    expect(shapes(run(src, "O:1 S:2 X:3 D:4 P:5 I:6").matches)).toEqual(["o1 p5 s2 i6 d4"]);
    // An element twice: the order (i p d s) takes the first P after I only.
    expect(shapes(run(src, "O:1 I:2 P:3 P:4 D:5 S:6").matches)).toEqual(["o1 p3 s6 i2 d5"]);
  });

  it("groups as elements, and the operator after a permute", () => {
    const src = "match o: O followed by permute((p: P next q: Q), s: S) next e: E";
    expect(shapes(run(src, "O:1 S:2 P:3 Q:4 E:5").matches)).toEqual(["o1 p3 q4 s2 e5"]);
    expect(shapes(run(src, "O:1 P:2 Q:3 S:4 X:5 E:6").matches)).toEqual([]);
  });
});

describe("speed", () => {
  it("an event no term can take leaves a permute's keys untouched (the fork's first states hold no branch)", () => {
    // 4 elements: ~100 states, most sharing mask bit 30 with the states branches wait in;
    // the alternatives' first states (entered only through PROCEED edges) must not make
    // an X event relevant, or every key with state would be walked for every X.
    const program = compile(
      "pattern P { key by k  within 10s  match o: O followed by permute(p: P, s: S, i: I, d: D) }",
    );
    for (const codegen of [false, true]) {
      const m = new Matcher(program.patterns[0], "type", codegen);
      expect(m.pattern.nfa.states.length).toBeGreaterThan(31);
      expect(m.fatesOf("X").need).toBe(0);
      expect(m.fatesOf("P").need).not.toBe(0);
    }
  });
});

describe("time", () => {
  it("a partial match inside an alternative times out with its stamp", () => {
    // [A0 B2] waits for C (first alternative) until 0 + 10; [A20] waits at the fork until 30.
    const src = "within 10ms match a: A followed by (b: B next c: C | d: D) on timeout";
    const r = run(src, "A:0 B:2 A:20");
    expect(r.matches).toEqual([]);
    expect(shapes(r.timeouts)).toEqual(["T@10 a1 b2", "T@30 a3"]);
  });

  it("term windows on first terms: checked when the fork takes, the fork expiring with the last of them", () => {
    // A1 waits at the fork; B2 at +6 is too late for b (5 ms) and starts nothing else.
    // The fork expires at 0 + 10 (c's window, the largest): a timeout stamped 10.
    const src = "match a: A followed by (b: B within 5ms | c: C within 10ms) on timeout";
    const r = run(src, "A:0 B:6 A:20 C:25 A:40 B:44");
    expect(shapes(r.matches)).toEqual(["a3 c4", "a5 b6"]);
    expect(shapes(r.timeouts)).toEqual(["T@10 a1"]);
    // Without a window on c the fork never expires: B at +6 is skipped, C taken.
    const open = "match a: A followed by (b: B within 5ms | c: C) on timeout";
    const r2 = run(open, "A:0 B:6 C:7");
    expect(shapes(r2.matches)).toEqual(["a1 c3"]);
    expect(r2.timeouts).toEqual([]);
  });

  it("the pattern window covers the alternative's events", () => {
    const src = "within 10ms match a: A followed by (b: B | c: C next d: D)";
    expect(shapes(run(src, "A:0 C:5 D:10 A:20 C:25 D:29").matches)).toEqual(["a4 c5 d6"]);
  });
});

describe("state", () => {
  const src = "pattern P { key by k  match a: A followed by (b: B followed by c: C | d: D) }";
  const evs = events("A:1 X:2 B:3 X:4 C:5 A:6 D:7", { k: "u" });

  function runWithRestoreAt(cut: number): string[] {
    const program = compile(src, { file: "p.pattern" });
    const out: MatchRecord[] = [];
    const a = new Engine(program);
    a.on("match", (m) => out.push(m));
    for (const e of evs.slice(0, cut)) a.push(e);
    const b = new Engine(program, { restore: JSON.parse(JSON.stringify(a.snapshot())) });
    b.on("match", (m) => out.push(m));
    for (const e of evs.slice(cut)) b.push(e);
    b.end();
    return out.map((m) => idsOf(m).join(","));
  }

  it("snapshot and restore at the fork and inside an alternative", () => {
    const whole = runWithRestoreAt(evs.length);
    expect(whole).toEqual(["1,3,5", "6,7"]);
    // Cut after A X (waiting at the fork), after A X B (inside the first alternative), after C.
    for (const cut of [2, 3, 4, 5, 6]) expect(runWithRestoreAt(cut), `cut ${cut}`).toEqual(whole);
  });

  it("partition mode: a key's state moves to another engine mid-alternative", () => {
    const program = compile(src, { file: "p.pattern" });
    const out: string[] = [];
    const a = new Engine(program, { partitionBy: ["k"] });
    a.on("match", (m) => out.push(idsOf(m).join(",")));
    for (const e of evs.slice(0, 3)) a.push(e);
    const state = a.snapshotKey("u");
    const b = new Engine(program, { partitionBy: ["k"] });
    b.on("match", (m) => out.push(idsOf(m).join(",")));
    b.restoreKey("u", state);
    for (const e of evs.slice(3)) b.push(e);
    b.end();
    expect(out).toEqual(["1,3,5", "6,7"]);
  });
});
