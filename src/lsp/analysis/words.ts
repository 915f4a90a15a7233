/**
 * One line of documentation per reserved word (language.md §1.1, every keyword of
 * `tokens.ts`), per contextual keyword (`permute`) and the alternation's `|`, and per
 * built-in function (`FUNCTIONS` of types.ts, §3.4), for hover and completion. A test
 * checks that both tables cover exactly the language's words.
 */

/** Every reserved word, contextual keyword and `|` → one line, consistent with language.md. */
export const KEYWORD_DOCS: Readonly<Record<string, string>> = {
  event:
    "`event Name { field: type, … }` declares an event schema; in an expression, `event` is the current event (`event.order.id`).",
  pattern:
    "`pattern Name { … }` defines a pattern: `key by`, `within`, `after match`, `match`, `emit`, `on timeout`.",
  key: "`key by path, …` partitions events by field paths (one partial-match state per key); `key()` is the match's key.",
  by: "Part of `key by`, `followed by`, `followed by any` and `not followed by`.",
  within:
    "`within <duration>`: before `match`, the whole match's window (first event to last); after a term, the gap from the previous event.",
  after: "`after match <strategy>` sets the after-match skip strategy (default `no skip`).",
  match:
    "`match <sequence>`: the terms to match, joined by contiguity operators; also part of `after match`.",
  no: "`after match no skip`: every match is emitted, none prunes others (the default, as in Flink).",
  skip: "Part of an after-match strategy: `no skip`, `skip to next`, `skip past last event`, `skip to first v`, `skip to last v`.",
  to: "Part of `skip to next`, `skip to first v` and `skip to last v`.",
  next: "`next`: strict contiguity, the very next event of this key; in `skip to next`, the next event.",
  past: "`after match skip past last event`: drop every partial match that started within the emitted match.",
  first: "`first(v)`: the first event taken by `v`; in `skip to first v`, the first event of `v`.",
  last: "`last(v)`: the last event taken by `v`; in `skip to last v` / `skip past last event`, the last event.",
  followed:
    "`followed by`: relaxed contiguity (skip non-matching events); `followed by any`: every later match starts a branch.",
  any: "`followed by any`: non-deterministic relaxed contiguity; in an `event` declaration, a field of any type.",
  not: "`not next` / `not followed by` negate a term; in an expression, three-valued logical not.",
  emit: "`emit { name: expr, … }`: the output record's `emit` object; variables there are all their events.",
  on: "`on timeout [emit { … }]`: report partial matches whose window expires.",
  timeout: "`on timeout`: report partial matches that expire (needs a window).",
  where: "`where <condition>`: the term takes an event only when the condition is exactly `true`.",
  optional: "`optional`: the whole quantified term may be absent (Flink `.optional()`).",
  greedy: "`greedy`: the loop takes every event it can before the next term does (Flink `.greedy()`).",
  consecutive: "`consecutive`: the loop's repetitions are strictly contiguous (Flink `.consecutive()`).",
  combinations:
    "`combinations`: the loop's repetitions are non-deterministic relaxed (Flink `.allowCombinations()`).",
  until: "`until (condition)`: stop the loop at the first event satisfying the condition (it is not taken).",
  permute:
    "`permute [next | followed by | followed by any] (e1, …, en)`: all of 2 to 5 elements in any order — the alternation of their n! orders joined by the operator (default `followed by`). Not reserved: a keyword only before `(` or its operator and `(`.",
  "|": "`( a | b | … )`: alternation — the match continues with one of the alternatives (each a sequence), chosen again at each repetition of a looped alternation.",
  and: "`and`: three-valued logical and; also part of `between … and …`.",
  or: "`or`: three-valued logical or.",
  in: "`x in [a, b]`: true if `x == e` for some element, null if `x` is null.",
  between: "`x between low and high`: inclusive range test on numbers or strings.",
  is: "`x is null` / `x is not null`: always true or false.",
  true: "The boolean `true`.",
  false: "The boolean `false`.",
  null: "`null`: a missing value; `==` and `<` with it give null.",
  prev: "`prev`: the event taken last by this partial match, whatever its variable; null when none.",
};

/** A built-in function's signature and one line. */
export interface FunctionDoc {
  readonly signature: string;
  readonly doc: string;
}

/** Every built-in function → its signature and one line (language.md §3.4). */
export const FUNCTION_DOCS: Readonly<Record<string, FunctionDoc>> = {
  abs: { signature: "abs(x) → number", doc: "Absolute value." },
  round: { signature: "round(x) → number", doc: "Rounds half away from zero." },
  floor: { signature: "floor(x) → number", doc: "Largest integer ≤ x." },
  ceil: { signature: "ceil(x) → number", doc: "Smallest integer ≥ x." },
  lower: { signature: "lower(s) → string", doc: "Lower-case string." },
  upper: { signature: "upper(s) → string", doc: "Upper-case string." },
  len: { signature: "len(x) → number", doc: "A string's UTF-16 units or an array's elements." },
  contains: { signature: "contains(s, sub) → boolean", doc: "True when `s` contains `sub`." },
  startsWith: { signature: "startsWith(s, p) → boolean", doc: "True when `s` starts with `p`." },
  endsWith: { signature: "endsWith(s, p) → boolean", doc: "True when `s` ends with `p`." },
  matches: {
    signature: 'matches(s, "regex") → boolean',
    doc: "RE2 regex (a string literal) matched anywhere in `s`; null if `s` is not a string.",
  },
  coalesce: { signature: "coalesce(a, b) → any", doc: "`a` unless it is null, else `b`." },
  if: { signature: "if(cond, a, b) → any", doc: "`a` when `cond` is exactly true, else `b`." },
  time: {
    signature: "time([v]) → number",
    doc: "Event time in ms of `v`'s last event; `time()` is the current event's.",
  },
  key: { signature: "key() → any", doc: "The key of this partial match (an array for several key paths)." },
  first: { signature: "first(v) → event", doc: "The first event taken by variable `v` (or `prev`)." },
  last: { signature: "last(v) → event", doc: "The last event taken by variable `v` (or `prev`)." },
  count: { signature: "count(v) → number", doc: "How many events `v` has taken." },
  sum: { signature: "sum(v.f) → number", doc: "Sum of the numbers at `f` over `v`'s events (0 for none)." },
  avg: {
    signature: "avg(v.f) → number",
    doc: "Average of the numbers at `f` over `v`'s events (null for none).",
  },
  min: { signature: "min(v.f) → number", doc: "Smallest number at `f` over `v`'s events (null for none)." },
  max: { signature: "max(v.f) → number", doc: "Largest number at `f` over `v`'s events (null for none)." },
};
