/**
 * `cep types`: TypeScript declarations from `event` schemas and patterns.
 *
 * - an interface per `event` declaration, `<Name>Event`: the type field as the type
 *   name's string literal, declared fields (`time` → `number | string`, `any` →
 *   `unknown`, `T?` → optional and nullable), the time field optional unless declared;
 * - per pattern `<Name>Match` (a completed match) and, with `on timeout`, `<Name>Timeout`:
 *   `pattern`, `key`, `start`, `end`, `timeout`, `events` (one array per non-negated
 *   variable, optional where a record may lack it), `emit` (dts-expr.ts);
 * - `Match`, the union of every record type (discriminated by `pattern`, then
 *   `timeout`), for `new Engine<Match>(program)`, and `Matches`, record types by pattern name.
 *
 * Names are PascalCase ASCII made from the source names, suffixed by kind so an event
 * and a pattern of one name never collide, and numbered when two still would. Every
 * source name that reaches the output is quoted with JSON (line separators escaped):
 * any name the language accepts gives valid TypeScript and no code of its own.
 *
 * ```ts
 * const dts = generateTypes([{ file: "login.pattern", source }]);
 * ```
 */
import type { EmitField, EventDecl, FileNode, Sequence } from "./ast.js";
import { type CheckOptions, check, type PatternInfo, type VariableInfo } from "./check.js";
import { canBeAbsent, isNegated } from "./check-sequence.js";
import { CompileError, type Diagnostic } from "./diagnostics.js";
import { type EmitScope, type EmitVariable, fieldType, render, typeOfEmit } from "./dts-expr.js";
import { innerSequences } from "./items.js";
import { parse } from "./parse.js";

/** One pattern source file given to {@link generateTypes}. */
export interface TypesSource {
  readonly file: string;
  readonly source: string;
}

/** Options of {@link generateTypes}: the role fields, as the engine will be run with. */
export interface TypesOptions extends CheckOptions {
  /** The file name used when a single source string is given (default `<input>`). */
  readonly file?: string;
}

/**
 * TypeScript declarations (a `.d.ts` text) for the event schemas and match records of
 * `input`, compiled together as `compile` does. Throws a `CompileError` carrying every
 * diagnostic when a file has errors. The types assume the engine checks events against
 * their schemas (the default; not with `schemaCheck: false`).
 *
 * ```ts
 * import { generateTypes } from "cepheus";
 * writeFileSync("patterns.d.ts", generateTypes([{ file: "login.pattern", source }]));
 * // then: const engine = new Engine<Match>(program); engine.on("match", (r) => { if (r.pattern === "BruteForce") … });
 * ```
 */
export function generateTypes(input: string | readonly TypesSource[], options: TypesOptions = {}): string {
  const files: readonly TypesSource[] =
    typeof input === "string" ? [{ file: options.file ?? "<input>", source: input }] : input;
  const diagnostics: Diagnostic[] = [];
  const asts: FileNode[] = [];
  for (const f of files) {
    const r = parse(f.source, f.file);
    diagnostics.push(...r.diagnostics);
    if (r.ast !== null) asts.push(r.ast);
  }
  const checked = check(asts, options);
  diagnostics.push(...checked.diagnostics);
  if (diagnostics.some((d) => d.severity === "error")) throw new CompileError(diagnostics);
  return new Writer(options.typeField ?? "type", options.timeField ?? "ts").write(
    files.map((f) => f.file),
    asts,
    checked.patterns,
  );
}

/** A string as TypeScript source: JSON, plus U+2028/U+2029, which end a line in comments. */
export function quote(s: string): string {
  return JSON.stringify(s)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** A property name: bare when it is a plain identifier, else quoted. */
function prop(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && name !== "__proto__" ? name : quote(name);
}

/** Text safe inside a `/** … *\/` comment. */
function commentText(s: string): string {
  return quote(s).replace(/\*\//g, "*\\/");
}

/** PascalCase ASCII from any name: `user-id` → `UserId`, `` `ü` `` → `Unnamed`. */
function pascal(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w !== "");
  const s = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
  if (s === "") return "Unnamed";
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

class Writer {
  private readonly used = new Set(["Match", "Matches"]);
  private readonly eventNames = new Map<EventDecl, string>();
  private readonly out: string[] = [];

  constructor(
    private readonly typeField: string,
    private readonly timeField: string,
  ) {}

  /** A fresh type name: `pascal(name) + suffix`, numbered when taken. */
  private name(source: string, suffix: string): string {
    const base = pascal(source) + suffix;
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}${i}`;
    this.used.add(name);
    return name;
  }

  write(fileNames: readonly string[], asts: readonly FileNode[], patterns: readonly PatternInfo[]): string {
    const out = this.out;
    out.push(
      `// Generated by \`cep types\` from ${fileNames.map(quote).join(", ")}. Do not edit: run it again.`,
    );
    out.push("");
    for (const f of asts) for (const e of f.events) this.eventNames.set(e, this.name(e.name.name, "Event"));
    for (const f of asts) for (const e of f.events) this.event(e);
    const byPattern: [string, string[]][] = [];
    for (const p of patterns) byPattern.push([p.name, this.pattern(p)]);
    const all = byPattern.flatMap(([, names]) => names);
    out.push("/** Every record of these patterns: narrow by `pattern`, then by `timeout`. */");
    out.push(`export type Match = ${all.length === 0 ? "never" : all.join(" | ")};`);
    out.push("");
    out.push("/** The record types of each pattern, by pattern name. */");
    out.push("export interface Matches {");
    for (const [name, names] of byPattern) out.push(`  ${prop(name)}: ${names.join(" | ")};`);
    out.push("}");
    return `${out.join("\n")}\n`;
  }

  private event(e: EventDecl): void {
    const out = this.out;
    out.push(`/** An event of type ${commentText(e.name.name)}. */`);
    out.push(`export interface ${this.eventNames.get(e)} {`);
    out.push(`  ${prop(this.typeField)}: ${quote(e.name.name)};`);
    for (const f of e.fields) {
      if (f.name.name === this.typeField) continue;
      const t = fieldType(f);
      out.push(`  ${prop(f.name.name)}${f.optional ? "?" : ""}: ${render(t)};`);
    }
    if (!e.fields.some((f) => f.name.name === this.timeField && this.timeField !== this.typeField))
      out.push(`  ${prop(this.timeField)}?: number | string;`);
    out.push("}");
    out.push("");
  }

  /** Writes a pattern's record types; returns their names. */
  private pattern(p: PatternInfo): string[] {
    const decl = p.decl;
    const key = this.keyType(p);
    const inMatch = new Map<string, boolean>();
    presence(decl.match, false, inMatch);
    const first = decl.match.elements[0]?.item;
    const names = [this.name(p.name, "Match")];
    this.record(names[0], p, key, false, inMatch, decl.emit?.fields ?? null);
    if (decl.onTimeout !== null) {
      // A timeout holds a prefix of a match: only a first term that cannot be absent is sure.
      const inTimeout = new Map<string, boolean>();
      for (const name of inMatch.keys()) inTimeout.set(name, false);
      if (first?.kind === "Term" && !canBeAbsent(first)) inTimeout.set(first.variable.name, true);
      names.push(this.name(p.name, "Timeout"));
      this.record(names[1], p, key, true, inTimeout, decl.onTimeout.emit?.fields ?? null);
    }
    return names;
  }

  private record(
    name: string,
    p: PatternInfo,
    key: string,
    timeout: boolean,
    present: ReadonlyMap<string, boolean>,
    emit: readonly EmitField[] | null,
  ): void {
    const out = this.out;
    const what = timeout ? "A timeout (partial match) of pattern" : "A match of pattern";
    out.push(`/** ${what} ${commentText(p.name)} (${commentText(p.file)}). */`);
    out.push(`export interface ${name} {`);
    out.push(`  pattern: ${quote(p.name)};`);
    out.push(`  key: ${key};`);
    out.push("  start: number;");
    out.push("  end: number;");
    out.push(timeout ? "  timeout: true;" : "  timeout?: never;");
    const variables = new Map<string, EmitVariable>();
    out.push("  events: {");
    for (const v of p.variables) {
      if (v.negated) continue;
      const element = this.elementType(v);
      const sure = present.get(v.name) === true;
      variables.set(v.name, { element, schema: v.schema, present: sure });
      out.push(`    ${prop(v.name)}${sure ? "" : "?"}: ${element}[];`);
    }
    out.push("  };");
    if (emit !== null) {
      const scope: EmitScope = { variables, key, typeField: this.typeField, quote };
      out.push("  emit: {");
      for (const f of emit) out.push(`    ${prop(f.name.name)}: ${render(typeOfEmit(f.value, scope))};`);
      out.push("  };");
    }
    out.push("}");
    out.push("");
  }

  /** One event of a variable: its declared interface, the type name with any fields, or any object (`*`). */
  private elementType(v: VariableInfo): string {
    if (v.schema !== null) return this.eventNames.get(v.schema) ?? "Record<string, unknown>";
    if (v.type === null) return "Record<string, unknown>";
    return `{ ${prop(this.typeField)}: ${quote(v.type)}; [field: string]: unknown }`;
  }

  /**
   * The key's type: per `key by` path, the declared type of its field when every term
   * that takes events declares it alike (keys are never null: such events are not fed),
   * else `unknown`; a tuple for several paths; `null` without `key by`.
   */
  private keyType(p: PatternInfo): string {
    const paths = p.decl.keyBy;
    if (paths.length === 0) return "null";
    const types = paths.map((path) => {
      if (path.segments.length !== 1) return "unknown";
      const field = path.segments[0].name;
      let type: string | null = null;
      for (const v of p.variables) {
        if (v.negated) continue;
        const f = v.schema?.fields.find((d) => d.name.name === field);
        if (f === undefined) return "unknown";
        const t = render(fieldType({ ...f, optional: false }));
        if (type !== null && type !== t) return "unknown";
        type = t;
      }
      return type ?? "unknown";
    });
    return types.length === 1 ? types[0] : `[${types.join(", ")}]`;
  }
}

/**
 * Which variables every completed match holds: a term that cannot be absent, inside
 * groups that cannot be absent and outside alternatives (a variable of an alternative
 * is there only when that alternative was chosen). Negated terms never take events and
 * are left out.
 */
function presence(seq: Sequence, absentable: boolean, out: Map<string, boolean>): void {
  for (const el of seq.elements) {
    if (isNegated(el)) continue;
    const item = el.item;
    const a = absentable || canBeAbsent(item) || item.kind === "Alternation";
    if (item.kind === "Term") out.set(item.variable.name, !a);
    else for (const inner of innerSequences(item)) presence(inner, a, out);
  }
}
