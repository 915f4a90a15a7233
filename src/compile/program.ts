/**
 * `compile`: source text → checked AST → compiled patterns (NFA, key paths, skip
 * strategy, projections). Errors of every file are collected and thrown at once.
 */
import type { EventDecl } from "../lang/ast.js";
import { type CheckOptions, type CheckResult, check, type VariableInfo } from "../lang/check.js";
import { describePattern, type PatternSummary } from "../lang/describe.js";
import { CompileError, type Diagnostic } from "../lang/diagnostics.js";
import { type LineCol, lineIndex } from "../lang/format.js";
import { termChoices } from "../lang/items.js";
import { type ParseResult, parse } from "../lang/parse.js";
import { buildNfa } from "./build-nfa.js";
import { buildDebug } from "./debug.js";
import { describeNfa, dumpNfa, type NfaDescription } from "./dump.js";
import { compileEmit } from "./expr.js";
import { definitionHash, sourceHash } from "./fingerprint.js";
import type { CompiledPattern, Program, SchemaModel, SkipModel } from "./model.js";
import { buildStages } from "./stages.js";

/** One source file given to {@link compile}. */
export interface SourceFile {
  readonly file: string;
  readonly source: string;
}

/** Options of {@link compile}. */
export interface CompileOptions {
  /** The file name used in diagnostics when a single source string is given (default `<input>`). */
  readonly file?: string;
  /** The type role field, for schema checks (default `type`). */
  readonly typeField?: string;
  /** The time role field, for schema checks (default `ts`). */
  readonly timeField?: string;
}

/** A compiled pattern with its plain NFA description, for tools. */
export interface ExplainablePattern extends CompiledPattern {
  readonly description: NfaDescription;
  /** What `cep check` prints: key, windows, skip strategy, terms in source form. */
  readonly summary: PatternSummary;
}

/**
 * Compiles pattern source (one string, or several files) into a {@link Program}.
 * Throws a {@link CompileError} carrying every diagnostic when any file has an error.
 *
 * ```ts
 * const program = compile(`pattern P { match a: A followed by b: B }`, { file: "p.pattern" });
 * ```
 */
export function compile(input: string | readonly SourceFile[], options: CompileOptions = {}): Program {
  const files: readonly SourceFile[] =
    typeof input === "string" ? [{ file: options.file ?? "<input>", source: input }] : input;
  const { checked, diagnostics } = checkParsed(
    files.map((f) => parse(f.source, f.file)),
    options,
  );
  if (diagnostics.some((d) => d.severity === "error")) throw new CompileError(diagnostics);

  const sourceOf = new Map(files.map((f) => [f.file, f.source]));
  const schemaOf = new Map<EventDecl, SchemaModel>();
  const lineIndexes = new Map<string, (offset: number) => LineCol>();
  const patterns: ExplainablePattern[] = checked.patterns.map((info, order) => {
    const decl = info.decl;
    const variables = info.varIndex;
    const nfa = buildNfa(buildStages(decl.match, { variables }), info.windows.pattern);
    const skipDecl = decl.skip;
    const skip: SkipModel = {
      strategy: skipDecl?.strategy ?? "noSkip",
      target: skipDecl?.target ? (variables.get(skipDecl.target.name) ?? -1) : -1,
      targetName: skipDecl?.target?.name ?? null,
    };
    const keyPathText = decl.keyBy.map((k) => k.segments.map((s) => s.name).join("."));
    const choices = termChoices(decl.match);
    const schemas = schemasOf(info.variables, schemaOf);
    const text = sourceOf.get(info.file)?.slice(decl.span.start, decl.span.end) ?? "";
    const scope = { variables, mode: "emit" as const };
    return {
      name: info.name,
      file: info.file,
      order,
      nfa,
      keyPaths: decl.keyBy.map((k) => k.segments.map((s) => s.name)),
      keyPathText,
      variables: info.variables.map((v) => ({
        name: v.name,
        negated: v.negated,
        choices: choices.get(v.term) ?? [],
      })),
      skip,
      emit: decl.emit ? compileEmit(decl.emit, scope) : null,
      reportTimeouts: decl.onTimeout !== null,
      timeoutEmit: decl.onTimeout?.emit ? compileEmit(decl.onTimeout.emit, scope) : null,
      schemas,
      termWindows: info.windows.terms.map((t) => ({ variable: t.variable, ms: t.ms })),
      description: describeNfa(nfa, skip),
      summary: describePattern(info),
      fingerprint: definitionHash(text, schemas),
      sourceFingerprint: sourceHash(text),
      explain: () => dumpNfa(info.name, nfa, skip, keyPathText),
      debug: once(() => {
        const source = sourceOf.get(info.file) ?? "";
        let index = lineIndexes.get(info.file);
        if (index === undefined) lineIndexes.set(info.file, (index = lineIndex(source)));
        return buildDebug({
          file: info.file,
          source,
          nameSpan: decl.name.span,
          variables: info.variables,
          varIndex: variables,
          window:
            decl.within === null
              ? null
              : { ms: decl.within.ms, raw: decl.within.raw, span: decl.within.span },
          skipSpan: decl.skip?.span ?? null,
          sequence: decl.match,
          lineCol: index,
        });
      }),
    };
  });
  return { patterns, warnings: diagnostics.filter((d) => d.severity === "warning"), sources: sourceOf };
}

/**
 * The front end of {@link compile} over files already parsed: every file's parse
 * diagnostics in file order, then `check` over their ASTs together. Every diagnostic
 * `cep check` prints comes from here; the language server calls it after re-parsing only
 * the file that changed.
 */
export function checkParsed(
  parsed: readonly ParseResult[],
  options: CheckOptions = {},
): { checked: CheckResult; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const asts = [];
  for (const r of parsed) {
    diagnostics.push(...r.diagnostics);
    if (r.ast !== null) asts.push(r.ast);
  }
  const checked = check(asts, options);
  diagnostics.push(...checked.diagnostics);
  return { checked, diagnostics };
}

/** `f` called at most once: its result is kept. */
function once<T>(f: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value;
  };
}

/** The declarations of the types a pattern's terms name, each made plain data once per compile. */
function schemasOf(variables: readonly VariableInfo[], made: Map<EventDecl, SchemaModel>): SchemaModel[] {
  const out: SchemaModel[] = [];
  for (const v of variables) {
    const decl = v.schema;
    if (decl === null) continue;
    let model = made.get(decl);
    if (model === undefined) {
      model = Object.freeze({
        type: decl.name.name,
        fields: Object.freeze(
          decl.fields.map((f) => Object.freeze({ name: f.name.name, type: f.type, optional: f.optional })),
        ),
      });
      made.set(decl, model);
    }
    if (!out.includes(model)) out.push(model);
  }
  return out;
}
