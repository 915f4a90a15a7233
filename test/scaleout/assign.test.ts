/**
 * T1 (scale-out.md §3): the assignment table of balanced rendezvous hashing. Properties
 * over random member sets, then the prototype's worked example (§2.3), printed.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assign } from "../../src/scaleout/assign.js";

const idArb = fc.oneof(
  fc.constantFrom("w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9"),
  fc.string({ minLength: 1, maxLength: 12 }),
);
const membersArb = fc.uniqueArray(idArb, { minLength: 1, maxLength: 12 });
const partitionsArb = fc.integer({ min: 1, max: 256 });

function loads(table: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const o of table) m.set(o, (m.get(o) ?? 0) + 1);
  return m;
}

function moved(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  for (let p = 0; p < a.length; p++) if (a[p] !== b[p]) n++;
  return n;
}

/** Moves on a membership change, beyond the partitions that had to move. */
const extraMoves: number[] = [];

describe("assign", () => {
  it("is deterministic and independent of member order and duplicates", () => {
    fc.assert(
      fc.property(membersArb, partitionsArb, fc.nat(), (members, P, seed) => {
        const shuffled = [...members, ...members.slice(0, seed % (members.length + 1))];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = (seed * 31 + i * 17) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        expect(assign(shuffled, P)).toEqual(assign(members, P));
        expect(assign(members, P)).toEqual(assign(members, P));
      }),
    );
  });

  it("gives each partition exactly one owner, a member, with load at most ⌈P/N⌉", () => {
    fc.assert(
      fc.property(membersArb, partitionsArb, (members, P) => {
        const table = assign(members, P);
        expect(table).toHaveLength(P);
        const set = new Set(members);
        for (const o of table) expect(set.has(o)).toBe(true);
        const cap = Math.ceil(P / members.length);
        for (const n of loads(table).values()) expect(n).toBeLessThanOrEqual(cap);
      }),
    );
  });

  it("moves every partition of a leaver, and counts the others that move", () => {
    fc.assert(
      fc.property(
        membersArb.filter((m) => m.length >= 2),
        partitionsArb,
        fc.nat(),
        (members, P, k) => {
          const leaver = members[k % members.length];
          const before = assign(members, P);
          const after = assign(
            members.filter((m) => m !== leaver),
            P,
          );
          let others = 0;
          for (let p = 0; p < P; p++) {
            if (before[p] === leaver) expect(after[p]).not.toBe(leaver);
            else if (before[p] !== after[p]) others++;
          }
          extraMoves.push(others);
          // Not a guarantee of the scheme, only a sanity bound: at most every partition.
          expect(others).toBeLessThanOrEqual(P);
        },
      ),
      { numRuns: 300 },
    );
    const total = extraMoves.reduce((a, b) => a + b, 0);
    console.log(
      `leave: partitions moved beyond the leaver's own, over ${extraMoves.length} runs: ` +
        `mean ${(total / extraMoves.length).toFixed(2)}, max ${Math.max(...extraMoves)}, ` +
        `runs with none ${extraMoves.filter((n) => n === 0).length}`,
    );
  });

  it("hands partitions to a joiner and counts how many move", () => {
    const excess: number[] = [];
    fc.assert(
      fc.property(membersArb, partitionsArb, idArb, (members, P, joiner) => {
        fc.pre(!members.includes(joiner));
        const before = assign(members, P);
        const after = assign([...members, joiner], P);
        const n = moved(before, after);
        const toJoiner = after.filter((o) => o === joiner).length;
        // Every partition the joiner gets has moved; others may move between old members.
        expect(n).toBeGreaterThanOrEqual(toJoiner);
        expect(toJoiner).toBeLessThanOrEqual(Math.ceil(P / (members.length + 1)));
        excess.push(n - toJoiner);
      }),
      { numRuns: 300 },
    );
    const total = excess.reduce((a, b) => a + b, 0);
    console.log(
      `join: partitions moved between old members, over ${excess.length} runs: ` +
        `mean ${(total / excess.length).toFixed(2)}, max ${Math.max(...excess)}`,
    );
  });

  it("reproduces the prototype's example: 3 workers, 16 partitions", () => {
    const three = assign(["w0", "w1", "w2"], 16);
    const l3 = loads(three);
    expect([...l3.values()].sort()).toEqual([5, 5, 6]);
    console.log(`3 workers, P=16: ${[...l3].map(([w, n]) => `${w}=${n}`).join(" ")}`);

    // w1 leaves: exactly its partitions move.
    const two = assign(["w0", "w2"], 16);
    expect(moved(three, two)).toBe(l3.get("w1"));
    console.log(`leave w1: ${moved(three, two)} of 16 moved (w1 owned ${l3.get("w1")})`);

    // 2 → 4 members: the minimum is 8 of 16; this scheme does not guarantee it.
    const four = assign(["w0", "w1", "w2", "w3"], 16);
    for (const n of loads(four).values()) expect(n).toBe(4);
    const from01 = moved(assign(["w0", "w1"], 16), four);
    expect(from01).toBeGreaterThanOrEqual(8);
    console.log(`2 → 4 members (w0,w1 + w2,w3): ${from01} of 16 moved (minimum 8)`);
  });

  it("bounds the load from above only: with N ∤ P a member can get few or no partitions", () => {
    // The capacity ⌈P/N⌉ caps the greedy pass, but nothing reserves a share for the last
    // members: here four of five members fill up at ⌈16/5⌉ = 4 and the fifth gets none.
    const ids = ["n6-0", "n6-1", "n6-2", "n6-3", "n6-4"];
    const l = loads(assign(ids, 16));
    expect(ids.map((id) => l.get(id) ?? 0).sort()).toEqual([0, 4, 4, 4, 4]);
    // Survey the lowest share with P ≥ 4N (the spec's advice), printed for the record.
    let worst = { ratio: Infinity, text: "" };
    for (let N = 2; N <= 16; N++) {
      for (const P of [16, 32, 64, 128, 256]) {
        if (P < 4 * N) continue;
        for (let s = 0; s < 20; s++) {
          const members = Array.from({ length: N }, (_, i) => `host-${s}-${i}`);
          const lp = loads(assign(members, P));
          const min = Math.min(...members.map((m) => lp.get(m) ?? 0));
          const ratio = min / Math.floor(P / N);
          if (ratio < worst.ratio)
            worst = { ratio, text: `N=${N} P=${P}: min load ${min}, ⌊P/N⌋ = ${Math.floor(P / N)}` };
        }
      }
    }
    console.log(`lowest share with P ≥ 4N: ${worst.text}`);
  });

  it("gives an empty table without members or partitions", () => {
    expect(assign([], 16)).toEqual([]);
    expect(assign(["w0"], 0)).toEqual([]);
    expect(() => assign(["w0"], -1)).toThrow(RangeError);
  });
});
