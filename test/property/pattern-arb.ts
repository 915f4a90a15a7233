/**
 * Random patterns (from the subset the naive oracle covers) and event streams, their
 * `.pattern` source text, and the oracle's expected records in a canonical form.
 *
 * Subset: 1–4 terms `tI: Type` or `tI: *`, optionally `where v <op> c`; quantifiers
 * none, `?`, `+`, `*`, `{n}`, `{n,m}` (incl. `{0,m}`), `{n,}` (incl. `{0,}`); modifiers
 * `optional`, `consecutive`, `combinations` (random order); operators `next`,
 * `followed by`, `followed by any`; `key by k`; pattern `within`; all five skip
 * strategies. Not covered: negation, groups, `greedy`, `until`, term-level `within`,
 * iterative conditions (`prev`, variables, aggregates), emit, timeouts.
 */
import fc from "fast-check";
import {
  type Contiguity,
  NaiveBudgetExceeded,
  type NaivePattern,
  type NaiveSkip,
  type NaiveTerm,
  naiveMatches,
} from "../reference/naive.js";

export type TypeName = "A" | "B" | "C" | "D";
export const TYPES: readonly TypeName[] = ["A", "B", "C", "D"];

export type Quant =
  | { kind: "one" }
  | { kind: "?" }
  | { kind: "+" }
  | { kind: "*" }
  | { kind: "n"; n: number }
  | { kind: "nm"; n: number; m: number }
  | { kind: "n+"; n: number };

export type CmpOp = ">" | "<" | "==" | "!=";

export interface GenTerm {
  /** null: `*` (any event). */
  type: TypeName | null;
  where: { op: CmpOp; c: number } | null;
  quant: Quant;
  /** The `optional` modifier (only on terms that cannot already be absent). */
  optional: boolean;
  /** Inner contiguity: relaxed (default), strict (`consecutive`), any (`combinations`); loops only. */
  inner: Contiguity;
  /** Contiguity to the previous term; ignored (not rendered) on the first term. */
  outer: Contiguity;
  /** Render `optional` after the inner modifier instead of before it. */
  optionalLast: boolean;
}

export interface GenPattern {
  terms: GenTerm[];
  keyed: boolean;
  within: number | null;
  skip: NaiveSkip;
}

export interface GenEvent {
  id: number;
  type: TypeName;
  v: number;
  ts: number;
  k: number;
}

export const variableOf = (i: number): string => `t${i}`;

const isLoop = (q: Quant): boolean => q.kind !== "one" && q.kind !== "?";
const canBeAbsent = (q: Quant): boolean =>
  q.kind === "?" || q.kind === "*" || (q.kind === "nm" && q.n === 0) || (q.kind === "n+" && q.n === 0);

/** min / max / optional of a term, with Flink's normalisation (`{0,m}` = `{1,m}` optional, `*` = `+` optional). */
export function bounds(t: GenTerm): { min: number; max: number; optional: boolean } {
  const inf = Number.POSITIVE_INFINITY;
  const q = t.quant;
  let r: { min: number; max: number; optional: boolean };
  switch (q.kind) {
    case "one":
      r = { min: 1, max: 1, optional: false };
      break;
    case "?":
      r = { min: 1, max: 1, optional: true };
      break;
    case "+":
      r = { min: 1, max: inf, optional: false };
      break;
    case "*":
      r = { min: 1, max: inf, optional: true };
      break;
    case "n":
      r = { min: q.n, max: q.n, optional: false };
      break;
    case "nm":
      r = q.n === 0 ? { min: 1, max: q.m, optional: true } : { min: q.n, max: q.m, optional: false };
      break;
    case "n+":
      r = q.n === 0 ? { min: 1, max: inf, optional: true } : { min: q.n, max: inf, optional: false };
      break;
  }
  if (t.optional) r.optional = true;
  return r;
}

// ---------------------------------------------------------------------------
// Generators

const quantArb: fc.Arbitrary<Quant> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Quant>({ kind: "one" }) },
  { weight: 2, arbitrary: fc.constant<Quant>({ kind: "?" }) },
  { weight: 2, arbitrary: fc.constant<Quant>({ kind: "+" }) },
  { weight: 2, arbitrary: fc.constant<Quant>({ kind: "*" }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((n): Quant => ({ kind: "n", n })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }))
      .map(([n, extra]): Quant => ({ kind: "nm", n, m: Math.max(n, 1) + extra })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 }).map((n): Quant => ({ kind: "n+", n })) },
);

export const contiguityArb = (strictW: number, relaxedW: number, anyW: number): fc.Arbitrary<Contiguity> =>
  fc.oneof(
    { weight: strictW, arbitrary: fc.constant<Contiguity>("strict") },
    { weight: relaxedW, arbitrary: fc.constant<Contiguity>("relaxed") },
    { weight: anyW, arbitrary: fc.constant<Contiguity>("any") },
  );

const whereArb = fc.record({
  op: fc.constantFrom<CmpOp>(">", "<", "==", "!="),
  c: fc.integer({ min: 0, max: 4 }),
});

export const termArb: fc.Arbitrary<GenTerm> = fc
  .record({
    type: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...TYPES) },
      { weight: 1, arbitrary: fc.constant(null) },
    ),
    where: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: whereArb }),
    quant: quantArb,
    optional: fc.integer({ min: 0, max: 3 }).map((x) => x === 0),
    inner: contiguityArb(1, 3, 1),
    outer: contiguityArb(1, 2, 1),
    optionalLast: fc.boolean(),
  })
  .map((t) => ({
    ...t,
    optional: t.optional && !canBeAbsent(t.quant),
    inner: isLoop(t.quant) ? t.inner : ("relaxed" as Contiguity),
  }));

export const patternArb: fc.Arbitrary<GenPattern> = fc
  .record({
    terms: fc.array(termArb, { minLength: 1, maxLength: 4 }),
    keyed: fc.boolean(),
    within: fc.option(fc.integer({ min: 1, max: 15 }), { freq: 2 }),
    skipKind: fc.constantFrom(
      "noSkip",
      "noSkip",
      "skipToNext",
      "skipPastLastEvent",
      "skipPastLastEvent",
      "skipToFirst",
      "skipToLast",
    ),
    target: fc.nat(),
  })
  .map(({ terms, keyed, within, skipKind, target }) => {
    const variable = variableOf(target % terms.length);
    const skip: NaiveSkip =
      skipKind === "skipToFirst" || skipKind === "skipToLast"
        ? { kind: skipKind, variable }
        : { kind: skipKind as "noSkip" | "skipToNext" | "skipPastLastEvent" };
    return { terms, keyed, within, skip };
  });

export const eventsArb = (maxLength = 30): fc.Arbitrary<GenEvent[]> =>
  fc
    .array(
      fc.record({
        type: fc.constantFrom(...TYPES),
        v: fc.integer({ min: 0, max: 4 }),
        dt: fc.constantFrom(0, 1, 1, 1, 2, 2, 5),
        k: fc.integer({ min: 1, max: 3 }),
      }),
      { maxLength, size: "max" },
    )
    .map((raw) => {
      let ts = 1_000;
      return raw.map(({ type, v, dt, k }, id) => {
        ts += dt;
        return { id, type, v, ts, k };
      });
    });

// ---------------------------------------------------------------------------
// Source text

function renderQuant(q: Quant): string {
  switch (q.kind) {
    case "one":
      return "";
    case "?":
    case "+":
    case "*":
      return q.kind;
    case "n":
      return `{${q.n}}`;
    case "nm":
      return `{${q.n},${q.m}}`;
    case "n+":
      return `{${q.n},}`;
  }
}

export const OPERATOR: Record<Contiguity, string> = {
  strict: "next",
  relaxed: "followed by",
  any: "followed by any",
};

function renderTerm(t: GenTerm, i: number): string {
  return renderTermAs(t, variableOf(i));
}

/** A term's source text with the given variable name (no operator). */
export function renderTermAs(t: GenTerm, variable: string): string {
  let s = `${variable}: ${t.type ?? "*"}${renderQuant(t.quant)}`;
  const mods: string[] = [];
  if (t.inner === "strict") mods.push("consecutive");
  if (t.inner === "any") mods.push("combinations");
  if (t.optional) {
    if (t.optionalLast) mods.push("optional");
    else mods.unshift("optional");
  }
  if (mods.length > 0) s += ` ${mods.join(" ")}`;
  if (t.where) s += ` where v ${t.where.op} ${t.where.c}`;
  return s;
}

export function renderSkip(skip: NaiveSkip): string | null {
  switch (skip.kind) {
    case "noSkip":
      return "after match no skip";
    case "skipToNext":
      return "after match skip to next";
    case "skipPastLastEvent":
      return "after match skip past last event";
    case "skipToFirst":
      return `after match skip to first ${skip.variable}`;
    case "skipToLast":
      return `after match skip to last ${skip.variable}`;
  }
}

export function renderPattern(p: GenPattern, name = "P"): string {
  const lines = [`pattern ${name} {`];
  if (p.keyed) lines.push("  key by k");
  if (p.within !== null) lines.push(`  within ${p.within}ms`);
  const skip = renderSkip(p.skip);
  if (skip) lines.push(`  ${skip}`);
  p.terms.forEach((t, i) => {
    lines.push(i === 0 ? `  match ${renderTerm(t, i)}` : `        ${OPERATOR[t.outer]} ${renderTerm(t, i)}`);
  });
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------------------
// The oracle's expectation

function holds(op: CmpOp, v: number, c: number): boolean {
  switch (op) {
    case ">":
      return v > c;
    case "<":
      return v < c;
    case "==":
      return v === c;
    case "!=":
      return v !== c;
  }
}

/** The oracle's form of a generated term. */
export function naiveTerm(t: GenTerm, variable: string): NaiveTerm<GenEvent> {
  const { min, max, optional } = bounds(t);
  const where = t.where;
  return {
    variable,
    test: (e: GenEvent) =>
      (t.type === null || e.type === t.type) && (where === null || holds(where.op, e.v, where.c)),
    min,
    max,
    optional,
    inner: t.inner,
    outer: t.outer,
  };
}

export function toNaive(p: GenPattern): NaivePattern<GenEvent> {
  return {
    terms: p.terms.map((t, i) => naiveTerm(t, variableOf(i))),
    within: p.within,
    skip: p.skip,
  };
}

/** Canonical form of one record: key, then `id:variable` pairs sorted by event id. */
export function canonical(key: unknown, pairs: { id: number; variable: string }[]): string {
  const sorted = [...pairs].sort((x, y) => x.id - y.id);
  return `${JSON.stringify(key)} | ${sorted.map((p) => `${p.id}:${p.variable}`).join(" ")}`;
}

/** The events of each key, in feed order (events are generated in time order already). */
export function partition(
  p: { keyed: boolean },
  events: readonly GenEvent[],
): Map<number | null, GenEvent[]> {
  const parts = new Map<number | null, GenEvent[]>();
  for (const e of events) {
    const key = p.keyed ? e.k : null;
    let list = parts.get(key);
    if (!list) parts.set(key, (list = []));
    list.push(e);
  }
  return parts;
}

/** The oracle's records, canonical, sorted (a multiset). Throws NaiveBudgetExceeded when too many. */
export function expectedRecords(p: GenPattern, events: readonly GenEvent[], budget?: number): string[] {
  const naive = toNaive(p);
  const out: string[] = [];
  for (const [key, evs] of partition(p, events)) {
    for (const m of naiveMatches(naive, evs, (e) => e.ts, { budget })) {
      out.push(
        canonical(
          key,
          m.map((s) => ({ id: evs[s.index].id, variable: variableOf(s.term) })),
        ),
      );
    }
  }
  return out.sort();
}

/** Candidate prefixes the oracle may enumerate per key before the stream is cut. */
const BUDGET = 3_000;

/**
 * The longest prefix of `events` that the oracle handles within budget, with its expectation.
 * The oracle's candidate prefixes track the engine's partial matches: property tests that run
 * the engine on generated patterns (deep `followed by any` / `combinations` nests blow up
 * exponentially in the stream's length) cut their streams with it to stay bounded.
 */
export function fitToBudget(p: GenPattern, events: GenEvent[]): { events: GenEvent[]; expected: string[] } {
  return fitStream(events, (evs, budget) => expectedRecords(p, evs, budget));
}

/** {@link fitToBudget} for any expectation (`expect` throws NaiveBudgetExceeded past `budget`). */
export function fitStream(
  events: GenEvent[],
  expect: (events: GenEvent[], budget: number) => string[],
): { events: GenEvent[]; expected: string[] } {
  let n = events.length;
  for (;;) {
    const evs = events.slice(0, n);
    try {
      return { events: evs, expected: expect(evs, BUDGET) };
    } catch (e) {
      if (!(e instanceof NaiveBudgetExceeded)) throw e;
      n = Math.floor(n * 0.75);
    }
  }
}
