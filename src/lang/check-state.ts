/**
 * How many partial matches a pattern can keep per key: W2005 (a construct that keeps
 * branches with no window to end them) and W2006 (partial matches growing faster than
 * the number of events in the window, with the figure).
 *
 * ## The growth model (W2006)
 * A partial match is a branch of the NFA parked between two events. The engine keeps a
 * branch and starts another from it, both alive, at a **fork**:
 * - the start: every event can begin a match (n events → n branches; the linear base);
 * - `followed by any X`: the branch waiting for X stays when X takes an event, and the
 *   new branch goes on from X;
 * - a relaxed unbounded loop (`+`, `*`, `{n,}` without `consecutive`): the loop's branch
 *   takes or skips every event and never leaves the loop, and each event the next element
 *   takes starts a branch that goes on from there.
 *
 * A fork only multiplies partial matches when the branch it starts is parked too, i.e.
 * the element that branch has just taken is not the last one, or is itself a loop (a
 * trailing loop's branch stays alive to take more). With f such forks on the way to the
 * deepest parking place, the worst case — every event taken wherever a branch can take
 * it, and the match never completing — keeps one branch per choice of the f + 1 events at
 * which the start and the forks happened: C(n, f + 1) ≈ n^(f+1)/(f+1)! per key for n
 * events of the key in the window. `combinations` keeps a branch for every subset of the
 * events its loop could take: ~2^n. What the model leaves out: bounded loops and optional
 * terms multiply by a constant (not an order); a `consecutive` loop's branch dies at the
 * first event that does not continue it, so its children need events that both continue
 * it and start the next element — conditions of adjacent strict terms usually exclude each
 * other (`down` / `up`), so it is not counted as a fork. Skip strategies prune only when a
 * match completes, so they do not change the worst case. `test/lang/growth.test.ts` runs
 * the engine and compares the live partial-match count with this order.
 */
import type { Group, PatternDecl, Sequence, SequenceElement, SequenceItem, Span, Term } from "./ast.js";
import { fill, Hints, Messages, semantic } from "./check-messages.js";
import { isLoop, isNegated, isUnboundedLoop } from "./check-sequence.js";
import type { Diagnostic } from "./diagnostics.js";
import {
  innerSequences,
  modifiersOf,
  permuteSequence,
  type Quantifiable,
  quantifierOf,
  type TermElement,
} from "./items.js";

/** An element of the pattern, groups flattened, in source order. */
interface Slot {
  readonly el: TermElement;
  /** The group whose body ends with this slot's element (its loop acts after it), else null. */
  readonly closes: readonly Group[];
}

/** The estimated growth of a pattern's partial matches per key. */
export interface Growth {
  /** Polynomial degree in n (1 = linear), or Infinity for exponential (`combinations`). */
  readonly degree: number;
  /** Where the growth above linear comes from (the first fork that counts), if any. */
  readonly span: Span | null;
  /** What forks: for the hint. */
  readonly sources: readonly string[];
}

/** W2005 and W2006 for one pattern. */
export function checkState(decl: PatternDecl, file: string, report: (d: Diagnostic) => void): void {
  checkUnbounded(decl, decl.match, file, report);
  const g = growth(decl);
  if (g.degree <= 1 || g.span === null) return;
  const where = decl.within === null ? "of the key (no pattern window)" : `in the ${decl.within.raw} window`;
  const exp = g.degree === Number.POSITIVE_INFINITY;
  const n = exp ? 20 : 100;
  const figure = exp ? 2 ** n : n ** g.degree / factorial(g.degree);
  report(
    semantic(
      Messages.Growth,
      file,
      g.span,
      [growthText(g.degree), where, Math.round(figure).toLocaleString("en-US"), n],
      fill(Hints.Growth, [g.sources.join("; ")]),
    ),
  );
}

/** `n²/2`, `n³/6`, `2ⁿ`. */
export function growthText(degree: number): string {
  if (degree === Number.POSITIVE_INFINITY) return "2ⁿ";
  const sup = [..."⁰¹²³⁴⁵⁶⁷⁸⁹"];
  const power = String(degree)
    .split("")
    .map((c) => sup[Number(c)])
    .join("");
  return `n${power}/${factorial(degree).toLocaleString("en-US")}`;
}

function factorial(k: number): number {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return f;
}

/** W2005: `followed by any`, `combinations` or a relaxed unbounded loop that no window reaches. */
function checkUnbounded(
  decl: PatternDecl,
  seq: Sequence,
  file: string,
  report: (d: Diagnostic) => void,
): void {
  if (decl.within !== null) return;
  for (const el of seq.elements) {
    if (isNegated(el)) continue;
    const item = el.item;
    const warn = (what: string, span: Span, hint = "") =>
      report(semantic(Messages.UnboundedState, file, span, [what], fill(Hints.UnboundedState, [hint])));
    // A term-level window ends a branch waiting for its term (the engine checks the
    // window of the state a branch waits in): it bounds `followed by any` before it, never a loop.
    if (el.op === "followedByAny" && el.opSpan !== null && !(item.kind === "Term" && item.within !== null)) {
      warn("`followed by any`", el.opSpan, Hints.TermWindowAfterAny);
    }
    const combinations = modifiersOf(item).find((m) => m.name === "combinations");
    const q = quantifierOf(item);
    let warned = true;
    if (combinations !== undefined && isLoop(q)) {
      warn("`combinations`", { start: combinations.span.start, end: combinations.span.start + 12 });
    } else if (item.kind !== "Permute" && relaxedUnbounded(item) && q !== null) {
      warn(`the relaxed loop ${loopName(item)}`, q.span);
    } else warned = false;
    // Once for a looping group: what is inside it lives as long as the group's branches.
    if (item.kind !== "Term" && !warned)
      for (const inner of innerSequences(item)) checkUnbounded(decl, inner, file, report);
  }
}

/** `` `r+` `` for a term, `` `(…)*` `` for a group or an alternation. */
function loopName(item: Quantifiable): string {
  const q = item.quantifier?.raw ?? "";
  return item.kind === "Term" ? `\`${item.variable.name}${q}\`` : `\`(…)${q}\``;
}

function relaxedUnbounded(item: Quantifiable): boolean {
  return (
    isUnboundedLoop(item.quantifier) &&
    !item.modifiers.some((m) => m.name === "consecutive" || m.name === "combinations")
  );
}

/**
 * The growth model above, over a pattern's structure. A pattern with alternations is
 * measured per choice of alternatives (a looping alternation as if it chose the same
 * one each time; a `permute` in its first order) and the largest growth counts: the
 * forks of two alternatives are never on the same branch.
 */
export function growth(decl: PatternDecl): Growth {
  let worst: Growth | null = null;
  for (const seq of choices(decl.match)) {
    const g = sequenceGrowth(seq);
    if (worst === null || g.degree > worst.degree) worst = g;
  }
  return worst as Growth;
}

/** At most this many choices of alternatives are measured (the rest are alike in practice). */
const MAX_CHOICES = 256;

/** The sequence once per choice of alternatives, alternations and permutes turned into groups. */
function choices(seq: Sequence): Sequence[] {
  let out: SequenceElement[][] = [[]];
  for (const el of seq.elements) {
    const options = itemChoices(el.item);
    const next: SequenceElement[][] = [];
    for (const prefix of out)
      for (const item of options) {
        if (next.length >= MAX_CHOICES) break;
        next.push([...prefix, { ...el, item }]);
      }
    out = next;
  }
  return out.map((elements) => ({ ...seq, elements }));
}

function itemChoices(item: SequenceItem): (Term | Group)[] {
  switch (item.kind) {
    case "Term":
      return [item];
    case "Group":
      return choices(item.body).map((body) => ({ ...item, body }));
    case "Alternation": {
      const { alternatives, ...rest } = item;
      return alternatives
        .flatMap(choices)
        .slice(0, MAX_CHOICES)
        .map((body) => ({ ...rest, kind: "Group", body }));
    }
    case "Permute":
      return choices(permuteSequence(item)).map((body) => ({
        kind: "Group",
        body,
        quantifier: null,
        modifiers: [],
        span: item.span,
      }));
  }
}

function sequenceGrowth(match: Sequence): Growth {
  const slots: Slot[] = [];
  flatten(match, slots);
  let forks = 0;
  let span: Span | null = null;
  const sources: string[] = [];
  /** Whether a branch that has just taken slot i's element stays parked. */
  const parks = (i: number) => {
    const s = slots[i];
    if (s === undefined) return false;
    return i < slots.length - 1 || isLoop(s.el.item.quantifier) || s.closes.some((g) => isLoop(g.quantifier));
  };
  for (let i = 0; i < slots.length; i++) {
    const { el, closes } = slots[i];
    if (isNegated(el)) continue;
    const item = el.item;
    const combinations = [item, ...closes].find(
      (x) => isLoop(x.quantifier) && x.modifiers.some((m) => m.name === "combinations"),
    );
    if (combinations !== undefined) {
      const m = combinations.modifiers.find((x) => x.name === "combinations")!;
      return {
        degree: Number.POSITIVE_INFINITY,
        span: { start: m.span.start, end: m.span.start + 12 },
        sources: ["`combinations` keeps a branch for every subset of the events its loop could take"],
      };
    }
    if (el.op === "followedByAny" && el.opSpan !== null && parks(i)) {
      forks++;
      span ??= el.opSpan;
      sources.push("`followed by any` keeps the waiting branch and starts another at every event it takes");
    }
    // The loop's own term, or a group the slot closes: the next slot's takes fork it.
    for (const loop of [item, ...closes]) {
      if (!relaxedUnbounded(loop) || loop.quantifier === null) continue;
      if (!parks(nextTaking(slots, i))) continue;
      forks++;
      span ??= loop.quantifier.span;
      sources.push(
        `the relaxed loop ${loopName(loop)} never ends and starts a branch at every event the next term takes`,
      );
    }
  }
  return { degree: 1 + forks, span, sources: [...new Set(sources)] };
}

/** The index of the first non-negated slot after `i` (slots.length when none). */
function nextTaking(slots: readonly Slot[], i: number): number {
  let j = i + 1;
  while (j < slots.length && isNegated(slots[j].el)) j++;
  return j;
}

function flatten(seq: Sequence, out: Slot[]): void {
  for (const el of seq.elements) {
    if (el.item.kind === "Term") {
      out.push({ el: el as TermElement, closes: [] });
      continue;
    }
    const group = el.item as Group; // `choices` left only terms and groups
    const start = out.length;
    flatten(group.body, out);
    // The group's own operator joins it to what came before: it belongs to its first slot.
    const first = out[start];
    if (first !== undefined && el.op !== null)
      out[start] = { ...first, el: { ...first.el, op: el.op, opSpan: el.opSpan } };
    const last = out[out.length - 1];
    if (last !== undefined && out.length > start)
      out[out.length - 1] = { ...last, closes: [...last.closes, group] };
  }
}
