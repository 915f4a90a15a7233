/**
 * Structural checks of a pattern's `match` sequence: negation placement, quantifiers,
 * modifiers and windows (language.md §3.1–§3.3, §3.6; flink-semantics.md §3 "Validation").
 */
import type {
  Modifier,
  ModifierName,
  PatternDecl,
  Quantifier,
  Sequence,
  SequenceElement,
  SequenceItem,
  Span,
  Term,
} from "./ast.js";
import { fill, Hints, type MessageDef, Messages, semantic } from "./check-messages.js";
import type { Diagnostic } from "./diagnostics.js";
import {
  innerSequences,
  modifiersOf,
  permuteSequence,
  type Quantifiable,
  quantifierOf,
  single,
  terms,
} from "./items.js";

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

function modifier(item: SequenceItem, name: ModifierName): Modifier | undefined {
  return modifiersOf(item).find((m) => m.name === name);
}

/** `?`, `*`, `{0,m}` or `optional` on the item itself. */
function markedAbsent(item: SequenceItem): boolean {
  return quantifierOf(item)?.min === 0 || modifier(item, "optional") !== undefined;
}

/**
 * Whether an item can be absent from a match: `?`, `*`, `{0,m}` or `optional`; for an
 * alternation also when some alternative can take nothing (§3.3a: the alternation is
 * absent when that alternative is chosen); a permute when each element can be absent.
 * A group is absent only by its own quantifier or `optional`, as before alternation.
 */
export function canBeAbsent(item: SequenceItem): boolean {
  if (markedAbsent(item)) return true;
  if (item.kind === "Alternation") return item.alternatives.some(takesNothing);
  if (item.kind === "Permute") return takesNothing(permuteSequence(item));
  return false;
}

/** Whether an item can take no event: it can be absent, or everything inside it can. */
function itemTakesNothing(item: SequenceItem): boolean {
  if (canBeAbsent(item)) return true;
  return item.kind === "Group" && takesNothing(item.body);
}

/** Whether a sequence can complete without taking any event: every element is negated or can take nothing. */
export function takesNothing(seq: Sequence): boolean {
  return seq.elements.every((el) => isNegated(el) || itemTakesNothing(el.item));
}

/** The token that makes an item absent-able: its quantifier or its `optional` (else the item). */
function absentSpan(item: SequenceItem): Span {
  const q = quantifierOf(item);
  if (q !== null && q.min === 0) return q.span;
  const optional = modifier(item, "optional");
  return optional ? wordSpan(optional) : item.span;
}

/** Just the keyword of a modifier (`until (…)` spans its condition too). */
function wordSpan(m: Modifier): Span {
  return { start: m.span.start, end: m.span.start + m.name.length };
}

function describeItem(item: SequenceItem): string {
  switch (item.kind) {
    case "Term":
      return item.variable.name;
    case "Group":
      return "the group";
    case "Alternation":
      return markedAbsent(item) ? "the alternation" : "an alternative of the alternation";
    case "Permute":
      return "each element of the `permute`";
  }
}

/**
 * The terms a sequence can start with: its first element's, through leading groups,
 * into every alternative of an alternation and every element of a permute.
 */
export function firstTerms(seq: Sequence): Term[] {
  const first = seq.elements[0];
  if (first === undefined) return [];
  if (first.item.kind === "Term") return [first.item];
  if (first.item.kind === "Permute") return first.item.elements.flatMap((e) => itemFirstTerms(e));
  return innerSequences(first.item).flatMap(firstTerms);
}

/** The terms a sequence can end with: its last element's, into groups, alternatives and permutes. */
export function lastTerms(seq: Sequence): Term[] {
  const last = seq.elements[seq.elements.length - 1];
  if (last === undefined) return [];
  if (last.item.kind === "Term") return [last.item];
  if (last.item.kind === "Permute") return last.item.elements.flatMap((e) => lastTerms(single(e)));
  return innerSequences(last.item).flatMap(lastTerms);
}

function itemFirstTerms(item: SequenceItem): Term[] {
  return item.kind === "Term" ? [item] : innerSequences(item).flatMap(firstTerms);
}

/** Where a sequence being walked sits: at the top, in a group, an alternative or a permute. */
type Place = "top" | "group" | "alternative" | "permute";

/** Structural checks of one pattern. */
export function checkStructure(decl: PatternDecl, file: string, report: (d: Diagnostic) => void): void {
  const at = (def: MessageDef, span: Span, args: (string | number)[] = [], hint?: string) =>
    report(semantic(def, file, span, args, hint));
  const top = decl.match.elements;
  const last = top[top.length - 1];
  const first = new Set(firstTerms(decl.match));

  /** `quiet`: inside a group already warned about as a loop over nothing (W2004 once, outermost). */
  /** `after`: the elements that can follow the sequence's last one (several after a permute's element). */
  function walk(seq: Sequence, place: Place, after: readonly SequenceElement[], quiet = false): void {
    const els = seq.elements;
    for (let i = 0; i < els.length; i++) {
      const el = els[i];
      const item = el.item;
      const opSpan = el.opSpan ?? item.span;
      if (isNegated(el)) {
        // (The grammar already refuses a sequence or alternative that starts with an operator.)
        if (i === 0) at(Messages.StartsWithNegation, opSpan);
        if (item.kind === "Group") at(Messages.NegatedGroup, opSpan, [], Hints.NegatedGroup);
        else if (item.kind !== "Term") {
          const what = item.kind === "Permute" ? "a `permute`" : "an alternation";
          at(Messages.NegatedAlternation, opSpan, [what], Hints.NegatedGroup);
        } else {
          if (item.quantifier !== null)
            at(Messages.NegatedQuantifier, item.quantifier.span, [], Hints.NegatedPlain);
          for (const m of item.modifiers)
            at(Messages.NegatedModifier, wordSpan(m), [m.name], Hints.NegatedPlain);
        }
        const before = els[i - 1];
        if (before !== undefined && !isNegated(before) && canBeAbsent(before.item)) {
          const hint =
            before.item.kind === "Term"
              ? fill(Hints.CanBeAbsent, [before.item.variable.name])
              : fill(Hints.ItemCanBeAbsent, [describeItem(before.item)]);
          at(Messages.NegationAfterAbsent, opSpan, [], hint);
        }
        if (i === els.length - 1) {
          if (place === "alternative")
            at(Messages.NegationEndsAlternative, opSpan, [], Hints.NegationEndsAlternative);
          else if (place !== "top") at(Messages.NegationEndsGroup, opSpan, [], Hints.NegationEndsGroup);
        }
      } else if (item.kind !== "Permute") {
        checkModifiers(item);
      }
      const next = i + 1 < els.length ? [els[i + 1]] : after;
      const loopsOverNothing =
        item.kind !== "Term" && isLoop(quantifierOf(item)) && innerSequences(item).some(takesNothing);
      if (loopsOverNothing && !quiet) {
        // `((g: A)*)*`: an empty repetition is a repetition, so every event can be counted in
        // exponentially many ways (nested like this ten deep, one event gives 512 identical
        // matches and a few events hang the run). Legal (Flink allows it), so a warning.
        at(
          Messages.LoopOverAbsentGroup,
          (quantifierOf(item) as Quantifier).span,
          [],
          Hints.LoopOverAbsentGroup,
        );
      }
      const q = quiet || loopsOverNothing;
      switch (item.kind) {
        case "Group":
          walk(item.body, "group", next, q);
          break;
        case "Alternation":
          for (const alt of item.alternatives) walk(alt, "alternative", next, q);
          break;
        case "Permute": {
          checkPermute(item.elements.length, item.span);
          // Each element comes first, last and after each other one in some order.
          const all = permuteSequence(item).elements;
          for (const e of all) walk(single(e.item), "permute", [...all.filter((o) => o !== e), ...next], q);
          break;
        }
        default:
          if (!isNegated(el) && modifier(item, "greedy") !== undefined) checkAfterGreedy(item, next);
          checkTermWindow(el, item);
      }
    }
  }

  /** 2 ≤ n ≤ 5 elements (§3.3a): n! orders are compiled. */
  function checkPermute(n: number, span: Span): void {
    const permuteWord = { start: span.start, end: span.start + "permute".length };
    if (n < 2) at(Messages.PermuteTooFew, permuteWord, [n], Hints.PermuteTooFew);
    else if (n > 5) {
      let orders = 1;
      for (let k = 2; k <= n; k++) orders *= k;
      at(Messages.PermuteTooMany, permuteWord, [n, orders.toLocaleString("en-US")], Hints.PermuteTooMany);
    }
  }

  function checkModifiers(item: Quantifiable): void {
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
          if (item.kind !== "Term") at(Messages.GreedyOnGroup, span, [], Hints.GreedyOnGroup);
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
  function checkAfterGreedy(greedy: Term, next: readonly SequenceElement[]): void {
    // The items that can come right after the greedy term: into the first element of
    // a group, of every alternative, of every order of a permute.
    const todo: SequenceItem[] = next.filter((el) => !isNegated(el)).map((el) => el.item);
    while (todo.length > 0) {
      const item = todo.pop() as SequenceItem;
      if (canBeAbsent(item)) {
        at(Messages.AbsentAfterGreedy, absentSpan(item), [], fill(Hints.IsGreedy, [greedy.variable.name]));
        return;
      }
      if (item.kind === "Permute") todo.push(...item.elements);
      else
        for (const inner of innerSequences(item)) {
          const head = inner.elements[0];
          if (head !== undefined && !isNegated(head)) todo.push(head.item);
        }
    }
  }

  /** Term-level `within` (§3.6, §8). */
  function checkTermWindow(el: SequenceElement, term: Term): void {
    const w = term.within;
    if (w === null) return;
    if (isLoop(term.quantifier)) at(Messages.WithinOnLoop, w.span, [], Hints.PatternWindow);
    else if (canBeAbsent(term)) at(Messages.WithinOnAbsent, w.span, [], Hints.PatternWindow);
    else if (first.has(term)) at(Messages.WithinOnFirst, w.span, [], Hints.FirstTermWindow);
    else if (isNegated(el) && el !== last)
      at(Messages.WithinOnNegatedNotLast, w.span, [], Hints.NegatedWindow);
    if (decl.within !== null && w.ms > decl.within.ms) {
      at(Messages.WithinLargerThanPattern, w.span, [w.raw, decl.within.raw]);
    }
  }

  walk(decl.match, "top", []);

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
  // The last term: of the pattern, or of any alternative or order that ends it.
  const lastOnes = new Set(lastTerms(decl.match));
  if (decl.within === null && windowed.length > 0 && windowed.every((el) => lastOnes.has(el.item))) {
    const term = windowed[0].item;
    at(Messages.OnlyWindowOnLastTerm, term.within!.span, [decl.name.name], Hints.OnlyWindowOnLastTerm);
  }
}
