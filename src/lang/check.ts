/**
 * Semantic checks over every file of a run (language.md §2–§3, §7).
 *
 * `check` takes the parsed files together, because pattern names are unique across
 * files and `event` declarations are visible in every file. It returns every
 * diagnostic (errors and warnings, sorted by file then position) and, for each
 * pattern, a {@link PatternInfo}: the variable table the compiler and the runtime
 * address by index, and the pattern's windows.
 *
 * ```ts
 * const { diagnostics, patterns } = check([parse(src, "a.pattern").ast!]);
 * ```
 */

import { editDistance, nearest } from "../util/nearest.js";
import type { Contiguity, EventDecl, FileNode, PatternDecl, Sequence, SequenceElement, Term } from "./ast.js";
import { checkExpr, type ExprScope, makeSchema, type Schema, type ScopeVariable } from "./check-expr.js";
import { fill, Hints, Messages, semantic } from "./check-messages.js";
import { checkFirstEvents } from "./check-null.js";
import { checkStructure, isNegated } from "./check-sequence.js";
import { checkSize } from "./check-size.js";
import { checkState } from "./check-state.js";
import { checkUnbound } from "./check-unbound.js";
import { checkUnused } from "./check-unused.js";
import type { Diagnostic } from "./diagnostics.js";
import { innerSequences, modifiersOf } from "./items.js";
import { applyIgnores } from "./suppress.js";
import { RESERVED_WORDS } from "./types.js";

/** One variable of a pattern (one per term, negated ones included). */
export interface VariableInfo {
  readonly name: string;
  /** Position in {@link PatternInfo.variables}: the index the runtime uses. */
  readonly index: number;
  readonly term: Term;
  /** The event type; null for `*`. */
  readonly type: string | null;
  /** The type's declaration; null for `*` and for undeclared (dynamic) types. */
  readonly schema: EventDecl | null;
  /** True for `not next` / `not followed by` terms: they never take events. */
  readonly negated: boolean;
  /** The operator joining the term to the previous element; null for the first element of a sequence. */
  readonly op: Contiguity | null;
  /** Nesting in groups, alternations and permutes: 0 at top level. */
  readonly depth: number;
}

/** A term-level window. */
export interface TermWindow {
  readonly variable: string;
  readonly index: number;
  readonly ms: number;
}

/** What the checker learned about one pattern. */
export interface PatternInfo {
  readonly decl: PatternDecl;
  readonly name: string;
  readonly file: string;
  /** One per term in source order, depth-first through groups, alternatives and permute elements. */
  readonly variables: readonly VariableInfo[];
  /** Variable name → index (the first binding when a name is bound twice, which is an error). */
  readonly varIndex: ReadonlyMap<string, number>;
  readonly windows: {
    /** The pattern's `within` (ms), or null. */
    readonly pattern: number | null;
    /** Term-level windows in term order. */
    readonly terms: readonly TermWindow[];
  };
  /** Warnings about this pattern (also in the `diagnostics` of {@link check}). */
  readonly warnings: readonly Diagnostic[];
  /** True when no error was reported for this pattern. */
  readonly ok: boolean;
}

/** Names of the two role fields (§2); both configurable per run. */
export interface CheckOptions {
  /** Default `type`. */
  readonly typeField?: string;
  /** Default `ts`. */
  readonly timeField?: string;
}

/** The result of {@link check}. */
export interface CheckResult {
  readonly diagnostics: Diagnostic[];
  readonly patterns: PatternInfo[];
}

/** Check every file of a run together. */
export function check(files: readonly FileNode[], options: CheckOptions = {}): CheckResult {
  const typeField = options.typeField ?? "type";
  const timeField = options.timeField ?? "ts";
  const diagnostics: Diagnostic[] = [];
  const fileOrder = new Map<string, number>();
  files.forEach((f, i) => {
    if (!fileOrder.has(f.file)) fileOrder.set(f.file, i);
  });

  // 1. Event declarations, visible across files.
  const schemas = new Map<string, Schema>();
  const declaredIn = new Map<string, string>();
  for (const f of files) {
    for (const decl of f.events) {
      const name = decl.name.name;
      const seenFields = new Set<string>();
      for (const field of decl.fields) {
        if (seenFields.has(field.name.name)) {
          diagnostics.push(
            semantic(Messages.DuplicateField, f.file, field.name.span, [field.name.name, name]),
          );
        }
        seenFields.add(field.name.name);
      }
      const first = declaredIn.get(name);
      if (first !== undefined) {
        diagnostics.push(
          semantic(
            Messages.DuplicateEvent,
            f.file,
            decl.name.span,
            [name],
            first === f.file ? fill(Hints.DeclaredAbove, [name]) : fill(Hints.FirstDeclaredIn, [name, first]),
          ),
        );
        continue;
      }
      declaredIn.set(name, f.file);
      schemas.set(name, makeSchema(decl, typeField, timeField));
    }
  }

  // 2. Patterns: names unique across files, then each pattern on its own.
  const patterns: PatternInfo[] = [];
  const definedIn = new Map<string, string>();
  for (const f of files) {
    for (const decl of f.patterns) {
      const own: Diagnostic[] = [];
      const name = decl.name.name;
      const first = definedIn.get(name);
      if (first !== undefined) {
        own.push(
          semantic(
            Messages.DuplicatePattern,
            f.file,
            decl.name.span,
            [name],
            first === f.file ? fill(Hints.DefinedAbove, [name]) : fill(Hints.FirstDefinedIn, [name, first]),
          ),
        );
      } else definedIn.set(name, f.file);
      patterns.push(checkPattern(decl, f.file, schemas, own));
      diagnostics.push(...own);
    }
  }

  // 3. `// cep-ignore` directives: the one place every caller's warnings pass.
  const kept = applyIgnores(files, diagnostics);
  if (kept.length !== diagnostics.length || kept.some((d, i) => d !== diagnostics[i])) {
    const live = new Set(kept);
    for (let i = 0; i < patterns.length; i++) {
      const p = patterns[i];
      if (p.warnings.some((w) => !live.has(w)))
        patterns[i] = { ...p, warnings: p.warnings.filter((w) => live.has(w)) };
    }
    diagnostics.splice(0, diagnostics.length, ...kept);
  }

  // Stable: same position keeps report order.
  diagnostics.sort(
    (a, b) => (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) || a.span.start - b.span.start,
  );
  return { diagnostics, patterns };
}

function checkPattern(
  decl: PatternDecl,
  file: string,
  schemas: ReadonlyMap<string, Schema>,
  out: Diagnostic[],
) {
  const report = (d: Diagnostic) => out.push(d);

  // 1. The variable table.
  const variables: VariableInfo[] = [];
  const varIndex = new Map<string, number>();
  const scopeVars = new Map<string, ScopeVariable>();
  const termSchema = new Map<Term, Schema | null>();
  for (const [el, depth] of termsWithDepth(decl.match, 0)) {
    const term = el.item as Term;
    const name = term.variable.name;
    const typeName = term.type?.name ?? null;
    const schema = typeName === null ? null : (schemas.get(typeName) ?? null);
    termSchema.set(term, schema);
    if (typeName !== null && schema === null && term.type !== null) {
      const near = nearestType(typeName, schemas.keys());
      if (near !== null) {
        report(
          semantic(
            Messages.UnknownTypeNear,
            file,
            term.type.span,
            [typeName],
            fill(Hints.DidYouMean, [near]),
          ),
        );
      }
    }
    if (varIndex.has(name)) {
      const hint = term.explicitVariable
        ? Hints.BoundOnce
        : fill(Hints.NameTheSecond, [name, suggestName(name, varIndex)]);
      report(semantic(Messages.DuplicateVariable, file, term.variable.span, [name], hint));
    } else {
      varIndex.set(name, variables.length);
      scopeVars.set(name, { negated: isNegated(el), schema });
    }
    variables.push({
      name,
      index: variables.length,
      term,
      type: typeName,
      schema: schema?.decl ?? null,
      negated: isNegated(el),
      op: el.op,
      depth,
    });
  }

  // 2. Structure: negation, quantifiers, modifiers, windows; the compiled size.
  checkStructure(decl, file, report);
  checkSize(decl, file, report);
  checkState(decl, file, report);

  // 3. Key paths must exist on every declared type the pattern reads.
  checkKeyFields(decl, file, variables, schemas, report);

  // 4. Skip target.
  const target = decl.skip?.target ?? null;
  if (target !== null) {
    const v = scopeVars.get(target.name);
    if (v === undefined) {
      const near = nearest(
        target.name,
        [...scopeVars].filter(([, s]) => !s.negated).map(([n]) => n),
      );
      const hint = near !== null ? fill(Hints.DidYouMean, [near]) : Hints.SkipTarget;
      report(semantic(Messages.SkipTargetUnknown, file, target.span, [target.name, decl.name.name], hint));
    } else if (v.negated) {
      report(semantic(Messages.SkipTargetNegated, file, target.span, [target.name], Hints.SkipTarget));
    }
  }

  // 5. Expressions.
  const scope = (mode: "where" | "emit", current: Schema | null): ExprScope => ({
    mode,
    current,
    variables: scopeVars,
    file,
    report,
  });
  const visitItem = (seq: Sequence): void => {
    for (const el of seq.elements) {
      const item = el.item;
      for (const m of modifiersOf(item))
        if (m.condition !== null) checkExpr(m.condition, scope("where", null));
      if (item.kind !== "Term") for (const inner of innerSequences(item)) visitItem(inner);
      else if (item.where !== null) checkExpr(item.where, scope("where", termSchema.get(item) ?? null));
    }
  };
  visitItem(decl.match);
  checkFirstEvents(decl, file, report);
  checkUnbound(decl, file, report);
  for (const emit of [decl.emit, decl.onTimeout?.emit ?? null]) {
    if (emit === null) continue;
    const names = new Set<string>();
    for (const field of emit.fields) {
      if (names.has(field.name.name))
        report(semantic(Messages.DuplicateEmitField, file, field.name.span, [field.name.name]));
      names.add(field.name.name);
      checkExpr(field.value, scope("emit", null));
    }
  }
  // Unused names only once the pattern is right: a misspelt name is an error, not a
  // warning about the name it missed.
  if (!out.some((d) => d.severity === "error")) checkUnused(decl, file, report);

  return {
    decl,
    name: decl.name.name,
    file,
    variables,
    varIndex,
    windows: {
      pattern: decl.within?.ms ?? null,
      terms: variables
        .filter((v) => v.term.within !== null)
        .map((v) => ({ variable: v.name, index: v.index, ms: v.term.within!.ms })),
    },
    warnings: out.filter((d) => d.severity === "warning"),
    ok: !out.some((d) => d.severity === "error"),
  } satisfies PatternInfo;
}

function checkKeyFields(
  decl: PatternDecl,
  file: string,
  variables: readonly VariableInfo[],
  schemas: ReadonlyMap<string, Schema>,
  report: (d: Diagnostic) => void,
): void {
  const seen = new Set<string>();
  for (const v of variables) {
    if (v.type === null || seen.has(v.type)) continue;
    seen.add(v.type);
    const schema = schemas.get(v.type);
    if (schema === undefined) continue;
    for (const path of decl.keyBy) {
      const head = path.segments[0];
      if (head === undefined || schema.fields.has(head.name)) continue;
      const near = nearest(head.name, schema.fields.keys());
      const hint = near !== null ? fill(Hints.DidYouMean, [near]) : fill(Hints.KeyField, [schema.name]);
      report(semantic(Messages.KeyFieldMissing, file, head.span, [head.name, schema.name], hint));
    }
  }
}

/** The declared type within edit distance 2 of an undeclared one (§2), nearest first. */
function nearestType(name: string, declared: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of declared) {
    const d = editDistance(name, candidate);
    if (d > 0 && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** A fresh variable name for the "name the second one" hint: `Tick` → `tick2`. */
function suggestName(name: string, taken: ReadonlyMap<string, number>): string {
  const base = name.charAt(0).toLowerCase() + name.slice(1);
  for (let i = 2; ; i++) {
    const candidate = `${base}${i}`;
    if (!taken.has(candidate) && !RESERVED_WORDS.has(candidate)) return candidate;
  }
}

/** Every term element in source order, depth-first, with its depth (groups, alternations, permutes). */
function* termsWithDepth(seq: Sequence, depth: number): Generator<[SequenceElement, number]> {
  for (const el of seq.elements) {
    if (el.item.kind === "Term") yield [el, depth];
    else for (const inner of innerSequences(el.item)) yield* termsWithDepth(inner, depth + 1);
  }
}
