/**
 * "Why didn't it match?": the trace records of one (pattern, key) read back into an
 * answer. A pure function of the records (and the fed events, for an expectation given
 * as events); `cep why` and `cep test` print its report (`why-text.ts`).
 *
 * - the partial matches that got furthest (distinct terms reached, then most events,
 *   then latest), each with the record that ended it and why;
 * - for one still waiting when the input ended (or when its window closed), the nearest
 *   events its next term rejected (condition failures before type mismatches, most
 *   recent first);
 * - with an expectation (input lines, or events per variable), why exactly that set of
 *   events is not a match: the first expected event the best prefix-matching partial
 *   match did not take, and the rule that decided.
 *
 * ```ts
 * const records: TraceRecord[] = [];
 * const lines = new WeakMap<object, number>();
 * const engine = new Engine(program, { trace: { keys: ["u1"], sink: (r) => records.push(r),
 *   describeEvent: (e) => ({ line: lines.get(e as object) }) } });
 * // … push every event (lines.set(event, n) first), engine.end() …
 * const report = explainWhy({ pattern: program.patterns[0], key: "u1", records, expect: { lines: [1, 3] } });
 * ```
 */
import type { CompiledPattern } from "../../compile/model.js";
import { nearest as nearestName } from "../../util/nearest.js";
import { canonicalKey, field, path } from "../values.js";
import type { TraceEvent, TraceReason, TraceRecord } from "./records.js";

/** An event as a report names it: feed number (-1 if never fed), input line when known, type, time. */
export interface WhyEventRef {
  readonly seq: number;
  readonly line: number | null;
  readonly type: unknown;
  readonly time: number | null;
}

/** An event a partial match holds, and the term that took it. */
export interface WhyHeld {
  readonly event: WhyEventRef;
  readonly term: string;
}

/** Events a term did not take, with why (one reason per term that waited). */
export interface WhyRejection {
  readonly event: WhyEventRef;
  readonly reasons: readonly TraceReason[];
}

/** How a partial match ended: the record's op, the event or time, the reason. */
export interface WhyEnd {
  readonly op: "died" | "timedOut" | "pruned" | "dropped" | "ended";
  readonly event: WhyEventRef | null;
  readonly time: number | null;
  readonly reason: TraceReason | null;
  /** `pruned`: the match that pruned it. */
  readonly by: string | null;
  /** A window ending: the event whose arrival moved time past the deadline (any key's), or null. */
  readonly cause: WhyEventRef | null;
}

/** A partial match that did not become a match. */
export interface WhyPartial {
  readonly id: string;
  /** Distinct terms it reached, in order. */
  readonly terms: readonly string[];
  /**
   * How many terms a match on its path holds, fewest and most: the pattern's terms, but of
   * each alternation only the alternatives it took (`[3, 3]` for `a (b | c) d` once it took
   * c) or, before it took one, the shortest and the longest.
   */
  readonly pathTerms: readonly [min: number, max: number];
  readonly events: readonly WhyHeld[];
  /** The NFA state it waited in last. */
  readonly state: string | null;
  readonly end: WhyEnd | null;
  /** When it was still waiting at the end of input, or its window closed: the nearest events its next term rejected. */
  readonly rejections: readonly WhyRejection[];
}

/** An event the pattern never saw for the key (late, missing key, schema). */
export interface WhyNotFed {
  readonly event: WhyEventRef;
  readonly reason: TraceReason;
}

/** An event of the key whose type no term takes but one term's type is close to (a misspelt type?). */
export interface WhyMisnamed {
  readonly event: WhyEventRef;
  /** The term type it is close to. */
  readonly nearest: string;
}

/**
 * What an expectation got:
 * `match` it is a match; `notFed` an expected event was never fed (late, missing key,
 * schema); `otherKey` an expected event has another key; `notStarted` the first expected
 * event started no partial match; `rejected` the best partial match did not take the next
 * expected event (condition, type, `until`, greedy); `ended` it ended before (window,
 * contiguity, negation, skip strategy, limit, end of input); `tookOther` it took another
 * event instead; `otherTerm` it took the event as another term; `heldBack` the match was
 * held back and then discarded; `discarded` it completed but the skip strategy discarded it
 * in the same step, for an earlier match; `incomplete` all expected events were taken but the
 * pattern needed more; `moreEvents` the match holds more events than expected;
 * `completedEarlier` it completed before taking the next expected event; `timedOut` the
 * timeout expected (`timeout: true`) happened: exactly these events timed out.
 */
export type WhyOutcome =
  | "match"
  | "timedOut"
  | "notFed"
  | "otherKey"
  | "notStarted"
  | "rejected"
  | "ended"
  | "tookOther"
  | "otherTerm"
  | "heldBack"
  | "discarded"
  | "incomplete"
  | "moreEvents"
  | "completedEarlier";

/** One expected event, resolved to the input. */
export interface WhyExpected {
  readonly event: WhyEventRef;
  /** The variable it is expected as, when the expectation says. */
  readonly term: string | null;
  /** No input event equals the expected one: this is the nearest, and how it differs. */
  readonly differs?: readonly string[];
}

/** Why exactly the expected events are (not) a match. */
export interface WhyVerdict {
  readonly outcome: WhyOutcome;
  /** The expected events, in feed order. */
  readonly expected: readonly WhyExpected[];
  /** How many of them (from the first) the best partial match took. */
  readonly taken: number;
  /** That partial match (or the match), when there is one. */
  readonly partial: string | null;
  /** The first expected event not taken (null when it took them all). */
  readonly event: WhyEventRef | null;
  /** The event at which it was decided (null: time passed, or the input ended), and the time. */
  readonly at: WhyEventRef | null;
  readonly time: number | null;
  /** The term the expectation wanted for that event, or the term the partial match waited for. */
  readonly term: string | null;
  readonly reason: TraceReason | null;
  /** `heldBack`, `match` (held back, then released): the partial match it waited for; `ended` by pruning: the match responsible; `otherKey`: the event's key (JSON). */
  readonly by: string | null;
  /** `ended`, `incomplete`: how the partial match ended. */
  readonly ended: WhyEnd["op"] | null;
  /** `tookOther`, `moreEvents`, `otherTerm`: the event taken instead (or as well) and its term. */
  readonly other: WhyHeld | null;
}

/** The answer for one (pattern, key). */
export interface WhyReport {
  readonly pattern: string;
  readonly key: unknown;
  /** The pattern's terms (negated ones excluded), in order. */
  readonly terms: readonly string[];
  /** Matches emitted for the key, each as its events. */
  readonly matches: readonly { readonly id: string; readonly events: readonly WhyHeld[] }[];
  /** Partial matches the key had in all. */
  readonly partials: number;
  /** The partial matches that got furthest (a few). */
  readonly furthest: readonly WhyPartial[];
  /** Events of a first term's type that started nothing, most recent first (a few). */
  readonly neverStarted: readonly WhyRejection[];
  /** Events not fed to the pattern for the key (a few). */
  readonly notFed: readonly WhyNotFed[];
  /**
   * Events of the key (from `events`) whose type no term takes but is close to a term's
   * type — `ProductViewed` for `ProductView` — most recent first (a few).
   */
  readonly misnamed: readonly WhyMisnamed[];
  /** With an expectation. */
  readonly verdict: WhyVerdict | null;
}

/** The fed events, as the input held them: `line` is what `describeEvent` put on the trace events. */
export interface WhyEvent {
  readonly line: number;
  readonly event: unknown;
}

/**
 * An expectation: input lines, or events per variable (a partial `events` of an output
 * record); `timeout: true` expects an `on timeout` record with those events, not a match.
 */
export type WhyExpectation = (
  | { readonly lines: readonly number[] }
  | { readonly events: Readonly<Record<string, readonly unknown[]>> }
) & { readonly timeout?: boolean };

/** What {@link explainWhy} reads. */
export interface WhyInput {
  readonly pattern: CompiledPattern;
  readonly key: unknown;
  /** Trace records (others than this pattern's and key's are ignored), in the order the sink got them. */
  readonly records: readonly TraceRecord[];
  /** The fed events with their lines: needed for an expectation given as events, and to tell another key. */
  readonly events?: readonly WhyEvent[];
  readonly expect?: WhyExpectation;
  /** The field holding the event type (default `type`): names the type of an expected event the trace never saw. */
  readonly typeField?: string;
}

/** An expectation that names no input event; `message` says which part. */
export class WhyExpectationError extends Error {
  override readonly name = "WhyExpectationError";
}

/** How many partial matches, rejected events and unfed events a report lists. */
const FEW = 3;
const ENDINGS = new Set(["died", "timedOut", "pruned", "dropped", "ended"]);

/** A key as JSON, composite keys canonically (as the engine and the tracer compare keys): `canonicalKey`. */
export const keyJson: (k: unknown) => string = canonicalKey;

/** Canonical JSON (sorted keys): deep equality of events. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(",")}}`;
}

function refOf(ev: TraceEvent): WhyEventRef {
  return { seq: ev.seq, line: typeof ev.line === "number" ? ev.line : null, type: ev.type, time: ev.time };
}

/** Per partial match: its records (indexes into the key's records). */
interface Track {
  readonly id: string;
  readonly at: number[];
}

/** Explains one (pattern, key) from its trace records; throws {@link WhyExpectationError} for an expectation naming nothing. */
export function explainWhy(input: WhyInput): WhyReport {
  const { pattern, key } = input;
  const kj = keyJson(key);
  const recs = input.records.filter(
    (r) =>
      r.pattern === pattern.name &&
      (keyJson(r.key) === kj || (r.op === "skipped" && r.reason?.rule === "missingKey")),
  );
  // 1. Events by feed number, partial matches by id.
  const bySeq = new Map<number, WhyEventRef>();
  for (const r of recs) if (r.event !== null && r.event.seq >= 0) bySeq.set(r.event.seq, refOf(r.event));
  const tracks = new Map<string, Track>();
  recs.forEach((r, i) => {
    if (r.id === null) return;
    let t = tracks.get(r.id);
    if (t === undefined) tracks.set(r.id, (t = { id: r.id, at: [] }));
    t.at.push(i);
  });
  const held = (r: TraceRecord): WhyHeld[] =>
    (r.events ?? []).map((e) => ({
      event: bySeq.get(e.seq) ?? { seq: e.seq, line: null, type: null, time: null },
      term: e.term,
    }));
  const lastWith = (t: Track): TraceRecord | null => {
    for (let i = t.at.length - 1; i >= 0; i--) if (recs[t.at[i]].events !== undefined) return recs[t.at[i]];
    return null;
  };

  // 2. Matches: completed and emitted (not held back, or released).
  const matches: { id: string; events: WhyHeld[] }[] = [];
  const matched = new Set<string>();
  for (const t of tracks.values()) {
    const ops = t.at.map((i) => recs[i].op);
    const ci = ops.indexOf("completed");
    if (ci < 0) continue;
    matched.add(t.id);
    // Emitted unless discarded: held back and not released, or pruned before it was emitted.
    const fate = ops.slice(ci).find((op) => op === "released" || op === "pruned");
    if (fate === "pruned" || (fate === undefined && ops.includes("heldBack", ci))) continue;
    matches.push({ id: t.id, events: held(recs[t.at[ci]]) });
  }

  // 3. The furthest partial matches that did not complete.
  const candidates: WhyPartial[] = [];
  for (const t of tracks.values()) {
    if (matched.has(t.id)) continue;
    const last = lastWith(t);
    const events = last === null ? [] : held(last);
    const endRec = t.at.map((i) => recs[i]).find((r) => ENDINGS.has(r.op)) ?? null;
    const end: WhyEnd | null =
      endRec === null
        ? null
        : {
            op: endRec.op as WhyEnd["op"],
            event: endRec.event === null ? null : refOf(endRec.event),
            time: endRec.time,
            reason: endRec.reason ?? null,
            by: endRec.by ?? null,
            cause: endRec.cause === undefined ? null : refOf(endRec.cause),
          };
    const reached = [...new Set(events.map((e) => e.term))];
    candidates.push({
      id: t.id,
      terms: reached,
      pathTerms: pathTerms(pattern, reached),
      events,
      state: last?.state ?? null,
      end,
      // Waiting when the input ended or the window closed: what it passed over.
      rejections:
        end !== null && (atInputEnd(end) || end.reason?.rule === "window") ? nearestRejections(recs, t) : [],
    });
  }
  // Latest: the later last event, then the later event before it, … (a later start on a tie).
  const later = (a: WhyPartial, b: WhyPartial): number => {
    for (let i = a.events.length - 1, j = b.events.length - 1; i >= 0 && j >= 0; i--, j--) {
      const d = b.events[j].event.seq - a.events[i].event.seq;
      if (d !== 0) return d;
    }
    return 0;
  };
  candidates.sort(
    (a, b) => b.terms.length - a.terms.length || b.events.length - a.events.length || later(a, b),
  );
  const furthest: WhyPartial[] = [];
  const seen = new Set<string>();
  for (const p of candidates) {
    if (furthest.length >= FEW || p.terms.length < (candidates[0]?.terms.length ?? 0)) break;
    // Copies of one partial match in other states (past an optional term) hold the same events.
    const sig = p.events.map((e) => `${e.event.seq}:${e.term}`).join(",");
    if (seen.has(sig)) continue;
    seen.add(sig);
    furthest.push(p);
  }

  // 4. Events that started nothing, and events never fed.
  const neverStarted: WhyRejection[] = [];
  const notFed: WhyNotFed[] = [];
  for (let i = recs.length - 1; i >= 0; i--) {
    const r = recs[i];
    if (r.op === "rejected" && r.event !== null && neverStarted.length < FEW)
      neverStarted.push({ event: refOf(r.event), reasons: r.rejected ?? [] });
  }
  for (const r of recs)
    if (r.op === "skipped" && r.event !== null && r.reason !== undefined && notFed.length < FEW)
      notFed.push({ event: refOf(r.event), reason: r.reason });

  const misnamed = misnamedEvents(input, kj);
  const terms = pattern.variables.filter((v) => !v.negated).map((v) => v.name);
  const report = {
    pattern: pattern.name,
    key,
    terms,
    matches,
    partials: tracks.size,
    furthest,
    neverStarted,
    notFed,
    misnamed,
    verdict: null as WhyVerdict | null,
  };
  if (input.expect !== undefined) {
    const expected = resolveExpected(
      input.expect,
      input.events ?? [],
      recs,
      pattern,
      input.typeField ?? "type",
    );
    report.verdict = verdictOf(
      expected,
      input.expect.timeout === true,
      recs,
      tracks,
      held,
      pattern,
      key,
      input.events ?? [],
    );
  }
  return report;
}

/**
 * The key's fed events whose type no term takes but one term's type is near (edit
 * distance): the commonest way a whole match silently never starts.
 */
function misnamedEvents(input: WhyInput, kj: string): WhyMisnamed[] {
  const { pattern, events } = input;
  const types = new Set<string>();
  for (const t of pattern.debug()?.terms ?? []) if (t.type !== null) types.add(t.type);
  if (events === undefined || types.size === 0) return [];
  const typeField = input.typeField ?? "type";
  const out: WhyMisnamed[] = [];
  for (let i = events.length - 1; i >= 0 && out.length < FEW; i--) {
    const { line, event } = events[i];
    const type = field(event, typeField);
    if (typeof type !== "string" || types.has(type)) continue;
    const near = nearestName(type, types);
    if (near === null) continue;
    const paths = pattern.keyPaths;
    const key =
      paths.length === 0
        ? null
        : paths.length === 1
          ? path(event, paths[0])
          : paths.map((p) => path(event, p));
    if (keyJson(key ?? null) !== kj) continue;
    out.push({ event: { seq: -1, line, type, time: null }, nearest: near });
  }
  return out;
}

/** Whether it ended with the input: still waiting (`ended`), or a window closed by the end of input. */
export function atInputEnd(end: WhyEnd): boolean {
  return (
    end.op === "ended" ||
    ((end.op === "died" || end.op === "timedOut") && end.event === null && end.time === null)
  );
}

/** (b): the events its next term rejected since it last took one — condition failures first, most recent first. */
function nearestRejections(recs: readonly TraceRecord[], t: Track): WhyRejection[] {
  let from = 0;
  t.at.forEach((i, n) => {
    if (recs[i].op === "created" || recs[i].op === "took") from = n + 1;
  });
  const found: WhyRejection[] = [];
  for (let n = t.at.length - 1; n >= from; n--) {
    const r = recs[t.at[n]];
    if ((r.op !== "ignored" && r.op !== "proceeded") || r.event === null || !r.rejected?.length) continue;
    if (found.some((f) => f.event.seq === r.event?.seq)) continue;
    const decisive = r.rejected.filter((x) => x.rule !== "type");
    found.push({ event: refOf(r.event), reasons: decisive.length > 0 ? decisive : r.rejected });
  }
  const typeOnly = (w: WhyRejection) => w.reasons.every((x) => x.rule === "type");
  return [...found.filter((w) => !typeOnly(w)), ...found.filter(typeOnly)].slice(0, FEW);
}

/**
 * The input event most like an expected one that no input event equals: most top-level
 * fields equal (at least half of them), the first after `after` on a tie. `differs` says
 * how it differs (`ip: expected "1.2.3.4", got "10.0.0.1"`).
 */
function nearest(
  want: unknown,
  events: readonly WhyEvent[],
  used: ReadonlySet<number>,
  after: number,
): { event: WhyEvent; differs: string[] } | null {
  if (want === null || typeof want !== "object" || Array.isArray(want)) return null;
  const w = want as Record<string, unknown>;
  const names = Object.keys(w);
  let best: WhyEvent | null = null;
  let bestScore = Math.max(1, Math.ceil(names.length / 2)) - 1;
  for (const e of events) {
    if (used.has(e.line) || e.event === null || typeof e.event !== "object") continue;
    const o = e.event as Record<string, unknown>;
    const score = names.filter((n) => Object.hasOwn(o, n) && canonical(o[n]) === canonical(w[n])).length;
    if (score > bestScore || (score === bestScore && best !== null && best.line <= after && e.line > after)) {
      best = e;
      bestScore = score;
    }
  }
  if (best === null) return null;
  const o = best.event as Record<string, unknown>;
  const differs: string[] = [];
  for (const n of names)
    if (!Object.hasOwn(o, n)) differs.push(`${n}: expected ${canonical(w[n])}, the event has none`);
    else if (canonical(o[n]) !== canonical(w[n]))
      differs.push(`${n}: expected ${canonical(w[n])}, got ${canonical(o[n])}`);
  for (const n of Object.keys(o))
    if (!Object.hasOwn(w, n)) differs.push(`${n}: not expected, got ${canonical(o[n])}`);
  return { event: best, differs };
}

/** The expected events, in feed order. */
function resolveExpected(
  expect: WhyExpectation,
  events: readonly WhyEvent[],
  recs: readonly TraceRecord[],
  pattern: CompiledPattern,
  typeField: string,
): WhyExpected[] {
  const byLine = new Map<number, WhyEventRef>();
  for (const r of recs)
    if (r.event !== null && typeof r.event.line === "number") byLine.set(r.event.line, refOf(r.event));
  const known = new Set(events.map((e) => e.line));
  // An event the trace never saw (another key's, say): its type from the event itself.
  const refOfLine = (line: number): WhyEventRef =>
    byLine.get(line) ?? {
      seq: -1,
      line,
      type: field(events.find((e) => e.line === line)?.event, typeField) ?? null,
      time: null,
    };
  let out: WhyExpected[];
  if ("lines" in expect) {
    if (expect.lines.length === 0) throw new WhyExpectationError("the expectation names no event");
    for (const line of expect.lines)
      if (!known.has(line) && !byLine.has(line))
        throw new WhyExpectationError(
          events.length === 0
            ? `line ${line} is in no trace record: pass the fed events (\`events\`) to explain it`
            : `line ${line} is not an event of the input`,
        );
    out = [...new Set(expect.lines)].map((line) => ({ event: refOfLine(line), term: null }));
  } else {
    const names = new Set(pattern.variables.map((v) => v.name));
    const used = new Set<number>();
    out = [];
    for (const [term, list] of Object.entries(expect.events)) {
      if (!names.has(term))
        throw new WhyExpectationError(
          `${pattern.name} has no variable ${term} (variables: ${[...names].join(", ")})`,
        );
      if (!Array.isArray(list)) throw new WhyExpectationError(`the events of ${term} are not a list`);
      let after = 0;
      for (const ev of list) {
        const want = canonical(ev);
        // The first equal input event after the previous one of this variable, not already used.
        let hit =
          events.find((e) => e.line > after && !used.has(e.line) && canonical(e.event) === want) ??
          events.find((e) => !used.has(e.line) && canonical(e.event) === want);
        let differs: string[] | undefined;
        if (hit === undefined) {
          // A near miss: the input event most like it (most equal fields, at least half).
          const near = nearest(ev, events, used, after);
          if (near === null)
            throw new WhyExpectationError(
              `no input event equals the expected ${term} event ${JSON.stringify(ev)}`,
            );
          hit = near.event;
          differs = near.differs;
        }
        used.add(hit.line);
        after = hit.line;
        out.push({ event: refOfLine(hit.line), term, ...(differs === undefined ? {} : { differs }) });
      }
    }
    if (out.length === 0) throw new WhyExpectationError("the expectation names no event");
  }
  const fed = out.every((e) => e.event.seq >= 0);
  return out.sort((a, b) => (fed ? a.event.seq - b.event.seq : (a.event.line ?? 0) - (b.event.line ?? 0)));
}

/** (c): why exactly the expected events are not a match. */
function verdictOf(
  expected: readonly WhyExpected[],
  timeout: boolean,
  recs: readonly TraceRecord[],
  tracks: ReadonlyMap<string, Track>,
  held: (r: TraceRecord) => WhyHeld[],
  pattern: CompiledPattern,
  key: unknown,
  events: readonly WhyEvent[],
): WhyVerdict {
  const base = {
    expected,
    taken: 0,
    partial: null,
    event: null,
    at: null,
    time: null,
    term: null,
    reason: null,
    by: null,
    ended: null,
    other: null,
  };
  const same = (h: WhyHeld, e: WhyExpected) =>
    h.event.line === e.event.line && (e.term === null || e.term === h.term);
  // 1. An expected event never fed, or of another key.
  for (const e of expected) {
    const skip = recs.find((r) => r.op === "skipped" && r.event?.line === e.event.line);
    if (skip?.reason !== undefined)
      return { ...base, outcome: "notFed", event: e.event, at: e.event, term: e.term, reason: skip.reason };
  }
  const kj = keyJson(key);
  for (const e of expected) {
    const ev = events.find((x) => x.line === e.event.line)?.event;
    if (ev === undefined || pattern.keyPaths.length === 0) continue;
    const values = pattern.keyPaths.map((p) => path(ev, p));
    if (values.some((v) => v === undefined || v === null)) continue;
    const k = values.length === 1 ? values[0] : values;
    if (keyJson(k) !== kj)
      return { ...base, outcome: "otherKey", event: e.event, at: e.event, term: e.term, by: keyJson(k) };
  }
  // 2. The timeout expected: a partial match with exactly these events timed out.
  if (timeout)
    for (const t of tracks.values()) {
      const r = t.at.map((i) => recs[i]).find((x) => x.op === "timedOut");
      const h = r === undefined ? [] : held(r);
      if (r === undefined || h.length !== expected.length || !h.every((x, i) => same(x, expected[i])))
        continue;
      return {
        ...base,
        outcome: "timedOut",
        taken: h.length,
        partial: t.id,
        time: r.time,
        reason: r.reason ?? null,
      };
    }
  // A match with exactly these events (or one held back and discarded).
  for (const t of tracks.values()) {
    const rs = t.at.map((i) => recs[i]);
    const ci = rs.findIndex((r) => r.op === "completed");
    if (ci < 0) continue;
    const h = held(rs[ci]);
    if (h.length !== expected.length || !h.every((x, i) => same(x, expected[i]))) continue;
    const hb = rs.findIndex((r, i) => i > ci && r.op === "heldBack");
    const after = rs.slice(ci).find((r) => r.op === "released" || r.op === "pruned");
    if (after?.op === "pruned")
      return {
        ...base,
        // Held back for an earlier partial match, or discarded in the step it completed.
        outcome: hb >= 0 ? "heldBack" : "discarded",
        taken: h.length,
        partial: t.id,
        at: after.event === null ? null : refOf(after.event),
        time: after.time,
        reason: after.reason ?? null,
        by: hb >= 0 ? (rs[hb].by ?? null) : (after.by ?? null),
        other: null,
      };
    const released = after?.op === "released" ? after : undefined;
    return {
      ...base,
      outcome: "match",
      taken: h.length,
      partial: t.id,
      by: hb >= 0 ? (rs[hb].by ?? null) : null,
      at: released?.event == null ? null : refOf(released.event),
      time: released?.time ?? null,
    };
  }
  // 3. The partial match that took the longest prefix of them, and what it did next.
  let best = 0;
  const starts: { t: Track; n: number }[] = [];
  for (const t of tracks.values()) {
    // Its longest prefix of the expected events, from the first record that held it.
    let mine = 0;
    let from = -1;
    for (let n = 0; n < t.at.length; n++) {
      const r = recs[t.at[n]];
      if (r.events === undefined) continue;
      const h = held(r);
      if (h.length <= mine || h.length > expected.length || !h.every((x, i) => same(x, expected[i])))
        continue;
      mine = h.length;
      from = n;
    }
    if (mine === 0) continue;
    if (mine > best) {
      best = mine;
      starts.length = 0;
    }
    if (mine === best) starts.push({ t, n: from });
  }
  if (best === 0) return notStarted(base, expected[0], recs, pattern);
  const options = starts.map(({ t, n }) => next(base, expected, best, recs, t, n));
  const score = (v: WhyVerdict) =>
    v.outcome === "rejected"
      ? v.reason !== null && "term" in v.reason && v.reason.term === v.term
        ? 3
        : v.reason?.rule === "type"
          ? 1
          : 2
      : v.reason !== null
        ? 2
        : 0;
  return options.reduce((a, b) => (score(b) > score(a) ? b : a));
}

/** The first expected event started no partial match (or started one as another term). */
function notStarted(
  base: Omit<WhyVerdict, "outcome">,
  first: WhyExpected,
  recs: readonly TraceRecord[],
  pattern: CompiledPattern,
): WhyVerdict {
  const at = recs.filter((r) => r.event !== null && r.event.line === first.event.line);
  const created = at.find((r) => r.op === "created");
  if (created !== undefined && first.term !== null && created.term !== first.term)
    return {
      ...base,
      outcome: "otherTerm",
      event: first.event,
      at: first.event,
      term: first.term,
      partial: created.id,
      other: { event: first.event, term: created.term ?? "" },
    };
  const rejected = at.find((r) => r.op === "rejected");
  const debug = pattern.debug();
  const t0 = debug?.terms.find((t) => !t.negated) ?? null;
  const reason: TraceReason | null =
    rejected?.rejected?.[0] ??
    (t0 === null || t0.type === null || t0.type === first.event.type
      ? null
      : { rule: "type", term: t0.name, expected: t0.type, got: first.event.type, at: t0.at });
  return {
    ...base,
    outcome: "notStarted",
    event: first.event,
    at: first.event,
    term: first.term ?? t0?.name ?? null,
    reason,
  };
}

/** What partial match `t` did after it held the first `k` expected events (from its record `n`). */
function next(
  base: Omit<WhyVerdict, "outcome">,
  expected: readonly WhyExpected[],
  k: number,
  recs: readonly TraceRecord[],
  t: Track,
  n: number,
): WhyVerdict {
  const want = k < expected.length ? expected[k] : null;
  const v = { ...base, taken: k, partial: t.id, event: want?.event ?? null, term: want?.term ?? null };
  for (let i = n + 1; i < t.at.length; i++) {
    const r = recs[t.at[i]];
    const ev = r.event === null ? null : refOf(r.event);
    if (ENDINGS.has(r.op))
      return {
        ...v,
        outcome: want === null ? "incomplete" : "ended",
        // All taken: the term it still waited for (its state, `c:1` inside a loop being `c`).
        term: want?.term ?? r.state?.replace(/:\d+$/, "") ?? null,
        ended: r.op as WhyEnd["op"],
        at: ev,
        time: r.time,
        reason: r.reason ?? null,
        by: r.by ?? null,
      };
    if (r.op === "completed")
      return want === null ? { ...v, outcome: "match" } : { ...v, outcome: "completedEarlier", at: ev };
    const atWanted = want !== null && ev !== null && ev.seq === want.event.seq;
    if ((r.op === "took" || r.op === "created") && ev !== null) {
      const other = { event: ev, term: r.term ?? "" };
      if (atWanted) return { ...v, outcome: "otherTerm", at: ev, other };
      return { ...v, outcome: want === null ? "moreEvents" : "tookOther", at: ev, other };
    }
    if (atWanted && (r.op === "ignored" || r.op === "proceeded")) {
      const rej = r.rejected ?? [];
      // Without a variable for it, the last expected event is most likely meant for the
      // last term that could take it (a match ends with its final terms).
      const decisive = rej.filter((x) => x.rule !== "type");
      const last = want.term === null && k === expected.length - 1;
      const reason =
        rej.find((x) => "term" in x && x.term === want.term) ??
        (last ? (decisive[decisive.length - 1] ?? rej[rej.length - 1]) : (decisive[0] ?? rej[0])) ??
        null;
      return { ...v, outcome: "rejected", at: ev, time: r.time, reason, term: want.term ?? termOf(reason) };
    }
  }
  return { ...v, outcome: want === null ? "incomplete" : "ended" };
}

function termOf(r: TraceReason | null): string | null {
  return r !== null && "term" in r ? r.term : null;
}

/** {@link WhyPartial.pathTerms}: the terms of the alternatives `reached` took, the others' fewest and most. */
function pathTerms(pattern: CompiledPattern, reached: readonly string[]): readonly [number, number] {
  const vars = pattern.variables.filter((v) => !v.negated);
  // The alternatives taken, per alternation (several: a quantified alternation chose again).
  const taken = new Map<number, Set<number>>();
  for (const v of vars)
    if (reached.includes(v.name))
      for (const [alt, i] of v.choices) taken.set(alt, (taken.get(alt) ?? new Set()).add(i));
  // Terms by their choices at `depth`: outside any further alternation they count once; an
  // alternation counts its taken alternative, or the range over its alternatives.
  const count = (terms: typeof vars, depth: number): [number, number] => {
    let min = 0;
    let max = 0;
    const alternations = new Map<number, Map<number, typeof vars>>();
    for (const v of terms) {
      const c = v.choices[depth];
      if (c === undefined) {
        min++;
        max++;
        continue;
      }
      let byAlt = alternations.get(c[0]);
      if (byAlt === undefined) alternations.set(c[0], (byAlt = new Map()));
      const inner = byAlt.get(c[1]);
      if (inner === undefined) byAlt.set(c[1], [v]);
      else inner.push(v);
    }
    for (const [alt, byAlt] of alternations) {
      const chosen = taken.get(alt);
      const ranges = [...byAlt.entries()]
        .filter(([i]) => chosen === undefined || chosen.has(i))
        .map(([, inner]) => count(inner, depth + 1));
      if (chosen === undefined) {
        min += Math.min(...ranges.map((r) => r[0]));
        max += Math.max(...ranges.map((r) => r[1]));
      } else
        for (const [lo, hi] of ranges) {
          min += lo;
          max += hi;
        }
    }
    return [min, max];
  };
  return count(vars, 0);
}
