/**
 * W2008: a variable bound by a non-negated term and never read, in a pattern with an
 * `emit` (or `on timeout … emit`), whose author has said what the record should hold.
 *
 * Every term has a variable (language.md §3.1): `LoginOk` alone binds `LoginOk`, and a
 * `*` term must be named. There is no "no name" (`_`), so the warning fires only for a
 * name the author wrote (`ok: LoginOk`): dropping it is the fix when the type name is free;
 * otherwise (a `*` term, or a type another term already binds) the name is needed and the
 * hint says to silence it. The events of an unread variable still appear in the record's
 * `events`, so this is a warning, not an error.
 */
import type { Expr, PatternDecl, Sequence } from "./ast.js";
import { pathSteps, pushOperands } from "./chain.js";
import { fill, Hints, Messages, semantic } from "./check-messages.js";
import { isNegated } from "./check-sequence.js";
import type { Diagnostic } from "./diagnostics.js";
import { innerSequences, modifiersOf, terms } from "./items.js";

/** Functions whose argument is a variable (or a path from one) rather than a value. */
const VARIABLE_ARGS = new Set(["first", "last", "time", "count", "sum", "avg", "min", "max"]);

/** W2008 for one pattern. */
export function checkUnused(decl: PatternDecl, file: string, report: (d: Diagnostic) => void): void {
  if (decl.emit === null && (decl.onTimeout === null || decl.onTimeout.emit === null)) return;
  const read = new Set<string>();
  if (decl.skip?.target) read.add(decl.skip.target.name);
  readSequence(decl.match, read);
  for (const emit of [decl.emit, decl.onTimeout?.emit ?? null]) {
    if (emit !== null) for (const f of emit.fields) readNames(f.value, "emit", read);
  }
  const bound = [...terms(decl.match)];
  const names = new Set(bound.map((el) => el.item.variable.name));
  for (const el of bound) {
    const term = el.item;
    if (isNegated(el) || !term.explicitVariable || read.has(term.variable.name)) continue;
    const type = term.type?.name ?? null;
    const hint =
      type === null
        ? fill(Hints.UnusedNeeded, ["a `*` term must be named"])
        : names.has(type)
          ? fill(Hints.UnusedNeeded, [`\`${type}\` alone would bind \`${type}\` twice`])
          : fill(Hints.UnusedNamed, [term.variable.name, type]);
    report(semantic(Messages.UnusedVariable, file, term.variable.span, [term.variable.name], hint));
  }
}

function readSequence(seq: Sequence, read: Set<string>): void {
  for (const el of seq.elements) {
    const item = el.item;
    for (const m of modifiersOf(item)) if (m.condition !== null) readNames(m.condition, "where", read);
    if (item.kind !== "Term") for (const inner of innerSequences(item)) readSequence(inner, read);
    else if (item.where !== null) readNames(item.where, "where", read);
  }
}

/**
 * Every name in `e` that can mean a variable: path roots, arguments of the functions that
 * take one, and (in `emit`) bare names. A bare name in `where` is a field. Iterative:
 * expressions can be thousands of operands long (chain.ts).
 */
function readNames(e: Expr, mode: "where" | "emit", read: Set<string>): void {
  const stack: Expr[] = [e];
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    switch (x.kind) {
      case "Name":
        if (mode === "emit") read.add(x.name.name);
        break;
      case "Member":
      case "Index": {
        const [root, steps] = pathSteps(x);
        for (const step of steps) if (step.kind === "Index") stack.push(step.index);
        if (root.kind === "Name") read.add(root.name.name);
        else stack.push(root);
        break;
      }
      case "Call":
        for (const a of x.args) {
          if (a.kind === "Name" && VARIABLE_ARGS.has(x.callee.name)) read.add(a.name.name);
          else stack.push(a);
        }
        break;
      default:
        pushOperands(x, stack);
    }
  }
}
