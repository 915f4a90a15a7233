/**
 * The compiled-size limit (docs/language.md "Limits"): before anything is built, an
 * upper bound of the NFA states plus edges a pattern compiles to, so that
 * `(a: A{10000}){10000}` is rejected at once instead of building 10^8 states.
 *
 * The bound follows the builder (compile/build-nfa.ts, Flink's NFACompiler): every
 * repetition of a term is a state of its own — a required one with its take, ignore
 * and Stop edges (at most {@link REQUIRED}), an optional one also with its ignore state
 * and proceed edge (at most {@link OPTIONAL}); a loop adds its looping and ignore states;
 * a group's body is built once per repetition, so nested quantifiers multiply. An
 * alternation builds each alternative; a `permute` of n elements each of its n! orders.
 */
import type { Alternation, Group, PatternDecl, Permute, Sequence, SequenceItem, Span, Term } from "./ast.js";
import { Hints, Messages, semantic } from "./check-messages.js";
import { canBeAbsent } from "./check-sequence.js";
import type { Diagnostic } from "./diagnostics.js";
import { innerSequences, permuteSequence, type Quantifiable, quantifierOf } from "./items.js";
import { MAX_COMPILED_SIZE } from "./limits.js";

/** States + edges of one required repetition: its state; take, ignore and a Stop edge. */
const REQUIRED = 4;
/** Of one optional repetition: two states (take and ignore); take, proceed, ignores, Stop edges. */
const OPTIONAL = 8;
/** The looping and ignore states of an unbounded loop with their edges. */
const LOOP = 8;

/**
 * Reports the term or group whose size takes pattern `decl` over the limit (at its
 * quantifier), or nothing. Returns the bound, for tests.
 */
export function checkSize(decl: PatternDecl, file: string, report: (d: Diagnostic) => void): number {
  let reported = false;
  const over = (item: SequenceItem, size: number): void => {
    if (reported) return;
    reported = true;
    const at: Span = quantifierOf(item)?.span ?? item.span;
    const what =
      item.kind === "Term"
        ? `\`${item.variable.name}\``
        : item.kind === "Group"
          ? "the group"
          : item.kind === "Alternation"
            ? "the alternation"
            : "the `permute`";
    report(
      semantic(
        Messages.PatternTooLarge,
        file,
        at,
        [what, decl.name.name, formatSize(size), formatSize(MAX_COMPILED_SIZE)],
        Hints.PatternTooLarge,
      ),
    );
  };
  const sequence = (seq: Sequence): number => {
    let total = 0;
    for (const el of seq.elements) {
      const item = el.item;
      const size =
        item.kind === "Term" ? termSize(item) : item.kind === "Permute" ? permuteSize(item) : groupSize(item);
      total += size;
      // The smallest item over the limit, or the one that takes the sequence over it.
      if (size > MAX_COMPILED_SIZE || total > MAX_COMPILED_SIZE) over(item, total);
    }
    return total;
  };
  const groupSize = (g: Group | Alternation): number => {
    // An alternation builds every alternative (and a state to fork from).
    const body = innerSequences(g).reduce((sum, alt) => sum + sequence(alt), 0);
    // Each repetition builds the body again; a loop builds it once more, plus a dummy state.
    return body * repetitions(g) + REQUIRED;
  };
  const permuteSize = (p: Permute): number => {
    const elements = sequence(permuteSequence(p));
    // More than 5 elements is E2052 already; the size would only repeat it.
    if (p.elements.length > 5) return elements;
    // n! orders, each building every element.
    let orders = 1;
    for (let k = 2; k <= p.elements.length; k++) orders *= k;
    return elements * orders + REQUIRED;
  };
  return sequence(decl.match) + 1;
}

/** How often a term or group is built: `{n,m}` m times, a loop n + 1 times. */
function repetitions(item: Quantifiable): number {
  const q = item.quantifier;
  if (q === null) return 1;
  const from = Math.max(1, q.min);
  return q.max === null ? from + 1 : Math.max(from, q.max);
}

function termSize(t: Term): number {
  const q = t.quantifier;
  const first = canBeAbsent(t) ? OPTIONAL : REQUIRED;
  if (q === null) return first;
  const from = Math.max(1, q.min);
  if (q.max === null) return first + REQUIRED * (from - 1) + LOOP;
  return first + REQUIRED * (from - 1) + OPTIONAL * (q.max - from);
}

/** `400000004` → `400,000,004`; beyond 10^15, `more than 10^15`. */
function formatSize(n: number): string {
  if (n > 1e15) return "more than 10^15";
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
