/**
 * What each name of a file's AST is — an event type, a variable, a field, a function,
 * a pattern — and where durations are: the AST half of semantic tokens (the lexer
 * gives the rest). Expressions are walked with an explicit stack: a chain `a + b + …`
 * is as deep as it is long (lang/chain.ts).
 */
import type { Expr, FileNode, Sequence, Span } from "../lang/ast.js";
import { pushOperands } from "../lang/chain.js";
import { innerSequences, modifiersOf } from "../lang/items.js";

/** The role of a name. */
export type NameRole = "type" | "variable" | "property" | "function" | "pattern" | "duration";

/** One classified name (or duration) of the AST. */
export interface NamedSpan {
  readonly span: Span;
  readonly role: NameRole;
  /** True where the name is declared (an event, a field, a term's variable, a pattern, an emitted field). */
  readonly declaration: boolean;
}

/** Every classified name and duration of `file`, in no particular order. */
export function namesOf(file: FileNode): NamedSpan[] {
  const out: NamedSpan[] = [];
  const add = (span: Span, role: NameRole, declaration = false) => out.push({ span, role, declaration });
  for (const e of file.events) {
    add(e.name.span, "type", true);
    for (const f of e.fields) add(f.name.span, "property", true);
  }
  for (const p of file.patterns) {
    add(p.name.span, "pattern", true);
    for (const k of p.keyBy) for (const s of k.segments) add(s.span, "property");
    if (p.within !== null) add(p.within.span, "duration");
    if (p.skip?.target) add(p.skip.target.span, "variable");
    sequence(p.match, add);
    for (const emit of [p.emit, p.onTimeout?.emit ?? null]) {
      if (emit === null) continue;
      for (const f of emit.fields) {
        add(f.name.span, "property", true);
        expression(f.value, "emit", add);
      }
    }
  }
  return out;
}

type Add = (span: Span, role: NameRole, declaration?: boolean) => void;

function sequence(root: Sequence, add: Add): void {
  const stack: Sequence[] = [root];
  for (let s = stack.pop(); s !== undefined; s = stack.pop()) {
    for (const el of s.elements) {
      const item = el.item;
      for (const m of modifiersOf(item)) if (m.condition !== null) expression(m.condition, "where", add);
      if (item.kind !== "Term") {
        stack.push(...innerSequences(item));
        continue;
      }
      if (item.explicitVariable) add(item.variable.span, "variable", true);
      if (item.type !== null) add(item.type.span, "type");
      if (item.within !== null) add(item.within.span, "duration");
      if (item.where !== null) expression(item.where, "where", add);
    }
  }
}

/** In `where`/`until` a bare name is a field of the event; in `emit`, a variable. */
function expression(root: Expr, mode: "where" | "emit", add: Add): void {
  const stack: Expr[] = [root];
  for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
    switch (e.kind) {
      case "Literal":
        if (e.duration) add(e.span, "duration");
        break;
      case "Name":
        add(e.name.span, mode === "where" ? "property" : "variable");
        break;
      case "Member":
      case "Index": {
        // The root of a path is a variable (or `event`, `prev`, a call).
        if (e.kind === "Member") add(e.property.span, "property");
        else stack.push(e.index);
        if (e.object.kind === "Name") add(e.object.name.span, "variable");
        else stack.push(e.object);
        break;
      }
      case "Call":
        add(e.callee.span, "function");
        pushOperands(e, stack);
        break;
      default:
        pushOperands(e, stack);
    }
  }
}
