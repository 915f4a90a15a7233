/**
 * Structural checks of a pattern's `match` sequence: negation placement, quantifiers,
 * modifiers and windows (language.md §3.1–§3.3, §3.6; flink-semantics.md §3 "Validation").
 */
import type {
  Group,
  Modifier,
  ModifierName,
  PatternDecl,
  Quantifier,
  Sequence,
  SequenceElement,
  Span,
  Term,
} from "./ast.js";
import { fill, Hints, type MessageDef, Messages, semantic } from "./check-messages.js";
import type { Diagnostic } from "./diagnostics.js";

/** `not next` / `not followed by`. */
export function isNegated(el: SequenceElement): boolean {
  return el.op === "notNext" || el.op === "notFollowedBy";
}

/** `{n}`, `{n,m}`, `+`, `*`, `{n,}` are loops; `?` is not (§3.2). */
export function isLoop(q: Quantifier | null): boolean {
  return q !== null && q.raw !== "?";
}

/** `+`, `*`, `{n,}`. */
export function isUnboundedLoop(q: Quantifier | null): boolean {
  return q !== null && q.max === null;
}

function modifier(item: Term | Group, name: ModifierName): Modifier | undefined {
  return item.modifiers.find((m) => m.name === name);
}

/** `?`, `*`, `{0,m}` or `optional`. */
export function canBeAbsent(item: Term | Group): boolean {
  return item.quantifier?.min === 0 || modifier(item, "optional") !== undefined;
}

/** Whether a sequence can complete without taking any event: every element is negated or can be absent. */
function takesNothing(seq: Sequence): boolean {
  return seq.elements.every(
    (el) => isNegated(el) || canBeAbsent(el.item) || (el.item.kind === "Group" && takesNothing(el.item.body)),
  );
}

/** The token that makes an item absent-able: its quantifier or its `optional`. */
function absentSpan(item: Term | Group): Span {
  if (item.quantifier !== null && item.quantifier.min === 0) return item.quantifier.span;
  return wordSpan(modifier(item, "optional") ?? item);
}

/** Just the keyword of a modifier (`until (…)` spans its condition too). */
function wordSpan(m: Modifier | Term | Group): Span {
  return m.kind === "Modifier" ? { start: m.span.start, end: m.span.start + m.name.length } : m.span;
}

function describeItem(item: Term | Group): string {
  return item.kind === "Term" ? item.variable.name : "the group";
}

/** The first term of a sequence, descending into leading groups. */
export function firstTerm(seq: Sequence): Term | null {
  const first = seq.elements[0];
  if (first === undefined) return null;
  return first.item.kind === "Term" ? first.item : firstTerm(first.item.body);
}

/** Every term of a sequence, depth-first in source order, with its element. */
export function* terms(seq: Sequence): Generator<SequenceElement & { readonly item: Term }> {
  for (const el of seq.elements) {
    if (el.item.kind === "Term") yield el as SequenceElement & { readonly item: Term };
    else yield* terms(el.item.body);
  }
}

/** Structural checks of one pattern. */
export function checkStructure(decl: PatternDecl, file: string, report: (d: Diagnostic) => void): void {
  const at = (def: MessageDef, span: Span, args: (string | number)[] = [], hint?: string) =>
    report(semantic(def, file, span, args, hint));
  const top = decl.match.elements;
  const last = top[top.length - 1];
  const first = firstTerm(decl.match);

  /** `quiet`: inside a group already warned about as a loop over nothing (W2004 once, outermost). */
  function walk(seq: Sequence, inGroup: boolean, after: SequenceElement | null, quiet = false): void {
    const els = seq.elements;
    for (let i = 0; i < els.length; i++) {
      const el = els[i];
      const item = el.item;
      const opSpan = el.opSpan ?? item.span;
      if (isNegated(el)) {
        if (i === 0) at(Messages.StartsWithNegation, opSpan);
        if (item.kind === "Group") at(Messages.NegatedGroup, opSpan, [], Hints.NegatedGroup);
        else {
          if (item.quantifier !== null)
            at(Messages.NegatedQuantifier, item.quantifier.span, [], Hints.NegatedPlain);
          for (const m of item.modifiers)
            at(Messages.NegatedModifier, wordSpan(m), [m.name], Hints.NegatedPlain);
        }
        const before = els[i - 1];
        if (before !== undefined && !isNegated(before) && canBeAbsent(before.item)) {
          at(Messages.NegationAfterAbsent, opSpan, [], fill(Hints.CanBeAbsent, [describeItem(before.item)]));
        }
        if (inGroup && i === els.length - 1)
          at(Messages.NegationEndsGroup, opSpan, [], Hints.NegationEndsGroup);
      } else {
        checkModifiers(item);
      }
      const next = els[i + 1] ?? after;
      const loopsOverNothing = item.kind === "Group" && isLoop(item.quantifier) && takesNothing(item.body);
      if (loopsOverNothing && !quiet) {
        // `((g: A)*)*`: an empty repetition is a repetition, so every event can be counted in
        // exponentially many ways (nested like this ten deep, one event gives 512 identical
        // matches and a few events hang the run). Legal (Flink allows it), so a warning.
        at(Messages.LoopOverAbsentGroup, (item.quantifier as Quantifier).span, [], Hints.LoopOverAbsentGroup);
      }
      if (item.kind === "Group") walk(item.body, true, next, quiet || loopsOverNothing);
      else {
        if (!isNegated(el) && modifier(item, "greedy") !== undefined) checkAfterGreedy(item, next);
        checkTermWindow(el, item);
      }
    }
  }

  function checkModifiers(item: Term | Group): void {
    const loop = isLoop(item.quantifier);
    const seen = new Set<ModifierName>();
    for (const m of item.modifiers) {
      const span = wordSpan(m);
      if (seen.has(m.name)) {
        at(Messages.DuplicateModifier, span, [m.name]);
        continue;
      }
      seen.add(m.name);
      switch (m.name) {
        case "optional":
          if (item.quantifier !== null && item.quantifier.min === 0) {
            at(Messages.OptionalAlreadyAbsent, span, [], fill(Hints.AlreadyAbsent, [item.quantifier.raw]));
          }
          break;
        case "until":
          if (!isUnboundedLoop(item.quantifier))
            at(Messages.UntilNeedsUnboundedLoop, span, [], Hints.UnboundedLoop);
          break;
        case "greedy":
          if (item.kind === "Group") at(Messages.GreedyOnGroup, span, [], Hints.GreedyOnGroup);
          else if (!loop) at(Messages.ModifierNeedsLoop, span, [m.name], fill(Hints.AddLoop, [m.name]));
          else if (seen.has("combinations")) at(Messages.GreedyWithCombinations, span, [], Hints.PickOne);
          break;
        case "consecutive":
        case "combinations": {
          if (!loop) {
            at(Messages.ModifierNeedsLoop, span, [m.name], fill(Hints.AddLoop, [m.name]));
            break;
          }
          const other = m.name === "consecutive" ? "combinations" : "consecutive";
          if (seen.has(other)) at(Messages.ConsecutiveWithCombinations, span, [], Hints.PickOne);
          if (m.name === "combinations" && seen.has("greedy") && item.kind === "Term") {
            at(Messages.GreedyWithCombinations, span, [], Hints.PickOne);
          }
          break;
        }
      }
    }
  }

  /** A term that can be absent may not directly follow a greedy term (§3.2). */
  function checkAfterGreedy(greedy: Term, next: SequenceElement | null): void {
    while (next !== null && !isNegated(next)) {
      if (canBeAbsent(next.item)) {
        at(
          Messages.AbsentAfterGreedy,
          absentSpan(next.item),
          [],
          fill(Hints.IsGreedy, [greedy.variable.name]),
        );
        return;
      }
      if (next.item.kind === "Term") return;
      next = next.item.body.elements[0] ?? null;
    }
  }

  /** Term-level `within` (§3.6, §8). */
  function checkTermWindow(el: SequenceElement, term: Term): void {
    const w = term.within;
    if (w === null) return;
    if (isLoop(term.quantifier)) at(Messages.WithinOnLoop, w.span, [], Hints.PatternWindow);
    else if (canBeAbsent(term)) at(Messages.WithinOnAbsent, w.span, [], Hints.PatternWindow);
    else if (term === first) at(Messages.WithinOnFirst, w.span, [], Hints.FirstTermWindow);
    else if (isNegated(el) && el !== last)
      at(Messages.WithinOnNegatedNotLast, w.span, [], Hints.NegatedWindow);
    if (decl.within !== null && w.ms > decl.within.ms) {
      at(Messages.WithinLargerThanPattern, w.span, [w.raw, decl.within.raw]);
    }
  }

  walk(decl.match, false, null);

  // Windows of the whole pattern.
  const windowed = [...terms(decl.match)].filter((el) => el.item.within !== null);
  if (last !== undefined && last.op === "notFollowedBy" && last.item.kind === "Term") {
    if (decl.within === null && last.item.within === null) {
      at(Messages.TrailingNegationNeedsWindow, last.opSpan ?? last.span, [], Hints.AddWindow);
    }
  }
  if (decl.onTimeout !== null && decl.within === null && windowed.length === 0) {
    const s = decl.onTimeout.span.start;
    at(Messages.OnTimeoutWithoutWindow, { start: s, end: s + 2 }, [], Hints.OnTimeoutWindow);
  }
  if (decl.within === null && windowed.length === 1 && windowed[0] === last) {
    const term = windowed[0].item;
    at(Messages.OnlyWindowOnLastTerm, term.within!.span, [decl.name.name], Hints.OnlyWindowOnLastTerm);
  }
}
