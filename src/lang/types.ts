/**
 * Static types of the pattern language (language.md §2) and the function table.
 *
 * Static types are deliberately coarse: `number`, `string`, `boolean`, `null` and
 * `any`. Optional schema fields, `time` fields, undeclared paths, `prev.*` and paths
 * into dynamic terms are `any`, and `null` is compatible with everything, so the
 * checker only rejects what can never be right: comparing two different known types,
 * or arithmetic on a known non-number.
 */
import type { FieldType } from "./ast.js";

/** A static type. */
export type StaticType = "number" | "string" | "boolean" | "null" | "any";

/** The three types the checker can prove incompatible. */
export type KnownType = "number" | "string" | "boolean";

/** The static type of a declared field: `T?` and `time` are `any`. */
export function fieldStaticType(type: FieldType, optional: boolean): StaticType {
  if (optional) return "any";
  switch (type) {
    case "string":
    case "number":
    case "boolean":
      return type;
    case "time":
    case "any":
      return "any";
  }
}

/** True for `number`, `string` and `boolean`. */
export function isKnown(t: StaticType): t is KnownType {
  return t === "number" || t === "string" || t === "boolean";
}

/** Two operands are incompatible when both have known, different types (§2). */
export function incompatible(a: StaticType, b: StaticType): boolean {
  return isKnown(a) && isKnown(b) && a !== b;
}

/** Arithmetic on a known non-number is an error (§2). */
export function nonNumber(t: StaticType): boolean {
  return t === "string" || t === "boolean";
}

/**
 * How a function treats its arguments:
 * - `scalar`: ordinary values;
 * - `aggregate`: a variable or a path from one (`count sum avg min max`);
 * - `event`: a variable or `prev` (`first last`);
 * - `time`: nothing, a variable or `prev`;
 * - `key`: nothing.
 */
export type FunctionKind = "scalar" | "aggregate" | "event" | "time" | "key";

/** One built-in function. */
export interface FunctionSig {
  readonly name: string;
  readonly kind: FunctionKind;
  readonly minArgs: number;
  readonly maxArgs: number;
  /** The result type (§2): fixed per function. `first`/`last` give an event, typed `any`. */
  readonly result: StaticType;
}

function sig(name: string, kind: FunctionKind, minArgs: number, maxArgs: number, result: StaticType) {
  return [name, { name, kind, minArgs, maxArgs, result }] as const;
}

/** Every built-in function by name (§3.4). */
export const FUNCTIONS: ReadonlyMap<string, FunctionSig> = new Map<string, FunctionSig>([
  sig("abs", "scalar", 1, 1, "number"),
  sig("round", "scalar", 1, 1, "number"),
  sig("floor", "scalar", 1, 1, "number"),
  sig("ceil", "scalar", 1, 1, "number"),
  sig("lower", "scalar", 1, 1, "string"),
  sig("upper", "scalar", 1, 1, "string"),
  sig("len", "scalar", 1, 1, "number"),
  sig("contains", "scalar", 2, 2, "boolean"),
  sig("startsWith", "scalar", 2, 2, "boolean"),
  sig("endsWith", "scalar", 2, 2, "boolean"),
  sig("matches", "scalar", 2, 2, "boolean"),
  sig("coalesce", "scalar", 2, 2, "any"),
  sig("if", "scalar", 3, 3, "any"),
  sig("time", "time", 0, 1, "number"),
  sig("key", "key", 0, 0, "any"),
  sig("first", "event", 1, 1, "any"),
  sig("last", "event", 1, 1, "any"),
  sig("count", "aggregate", 1, 1, "number"),
  sig("sum", "aggregate", 1, 1, "number"),
  sig("avg", "aggregate", 1, 1, "number"),
  sig("min", "aggregate", 1, 1, "number"),
  sig("max", "aggregate", 1, 1, "number"),
]);

/** Reserved words (§1.1): written in backticks when used as a plain name. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  (
    "event pattern key by within after match no skip to next past first last followed any not emit on " +
    "timeout where optional greedy consecutive combinations until and or in between is true false null prev"
  ).split(" "),
);
