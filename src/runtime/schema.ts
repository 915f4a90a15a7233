/**
 * Checking events against `event` declarations (language.md §2). Each declaration is
 * compiled once into a closure per field; checking an event calls them in declaration
 * order and stops at the first field that does not fit. Nothing reads the declaration
 * per event.
 */
import type { SchemaFieldType, SchemaModel } from "../compile/model.js";
import { parseTime } from "./values.js";

/**
 * Checks one event (a non-array object) of the declared type: null when it fits, else the
 * reason, `schema: Checkout.amount: expected number, got string`.
 */
export type SchemaCheck = (event: Record<string, unknown>) => string | null;

const hasOwn = Object.prototype.hasOwnProperty;

/** The JSON type of a present value, as messages name it. */
function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

/** Why a present, non-null value is not of the declared type, or null when it is. */
type ValueCheck = (v: unknown) => string | null;

const VALUE_CHECKS: Record<Exclude<SchemaFieldType, "any">, ValueCheck> = {
  string: (v) => (typeof v === "string" ? null : `got ${jsonType(v)}`),
  number: (v) => (typeof v === "number" ? null : `got ${jsonType(v)}`),
  boolean: (v) => (typeof v === "boolean" ? null : `got ${jsonType(v)}`),
  time: (v) => {
    if (typeof v === "number") return Number.isInteger(v) ? null : "got a number that is not whole epoch ms";
    if (typeof v === "string")
      return typeof parseTime(v) === "number" ? null : "got a string that is not ISO-8601 with Z or ±hh:mm";
    return `got ${jsonType(v)}`;
  },
};

/** One field's check: its value read as an own property (objects never through a prototype). */
function fieldCheck(type: string, field: SchemaModel["fields"][number]): SchemaCheck | null {
  const { name, optional } = field;
  const where = `schema: ${type}.${name}: `;
  if (field.type === "any") {
    // `any` takes every value, null included; only a required field's absence fails.
    if (optional) return null;
    return (event) => (hasOwn.call(event, name) ? null : `${where}missing, expected any`);
  }
  const check = VALUE_CHECKS[field.type];
  const expected = `expected ${field.type}`;
  return (event) => {
    let v = event[name];
    if ((typeof v === "object" || typeof v === "function") && v !== null && !hasOwn.call(event, name))
      v = undefined;
    if (v === undefined || v === null) {
      if (optional) return null;
      return v === null ? `${where}${expected}, got null` : `${where}missing, ${expected}`;
    }
    const why = check(v);
    return why === null ? null : `${where}${expected}, ${why}`;
  };
}

/** The type test that decides a present value at once, for the generated fast path. */
const FAST_TEST: Record<SchemaFieldType, (name: string) => string> = {
  string: (k) => `typeof e[${k}] === "string"`,
  number: (k) => `typeof e[${k}] === "number"`,
  boolean: (k) => `typeof e[${k}] === "boolean"`,
  time: (k) => `typeof e[${k}] === "number" && Number.isInteger(e[${k}])`,
  any: (k) => `hasOwn.call(e, ${k})`, // present as an own property, whatever its value
};

/**
 * Compiles a declaration into its check. Undeclared fields are not looked at; the role
 * fields (type, time) are checked only when declared explicitly.
 *
 * The check is generated JavaScript: one read per field at its own property site (each
 * site sees one event shape, so V8 keeps it monomorphic; a closure per field shared one
 * keyed site across fields and types: ~90–160 → ~10–20 ns per three-field event). Only a
 * value that fails the fast test goes to that field's closure, which gives the reason.
 * No text from the pattern becomes code except through `JSON.stringify`d property names.
 *
 * ```ts
 * const check = compileSchema({ type: "Checkout", fields: [{ name: "amount", type: "number", optional: false }] });
 * check({ type: "Checkout", amount: "150" }); // "schema: Checkout.amount: expected number, got string"
 * ```
 */
export function compileSchema(model: SchemaModel): SchemaCheck {
  const slow: SchemaCheck[] = [];
  const body: string[] = [];
  for (const f of model.fields) {
    const c = fieldCheck(model.type, f);
    if (c === null) continue;
    const i = slow.length;
    slow.push(c);
    body.push(
      `if (!(${FAST_TEST[f.type](JSON.stringify(f.name))})) { const why = slow[${i}](e); if (why !== null) return why; }`,
    );
  }
  if (slow.length === 0) return () => null;
  const make = new Function(
    "slow",
    "hasOwn",
    `"use strict";\nreturn function check(e) {\n  ${body.join("\n  ")}\n  return null;\n};`,
  );
  return make(slow, hasOwn) as SchemaCheck;
}

/**
 * The checks of the declared types the running patterns use, each compiled once per
 * declaration. When two patterns declare a type differently (a REPL session that
 * redefined it), the first pattern's declaration is the one checked.
 */
export class SchemaChecks {
  /** Declared type → its check; null when there are none (one test per event). */
  checks: Map<string, SchemaCheck> | null = null;
  /** Checks compiled once per declaration, kept across pattern changes. */
  private readonly compiled = new WeakMap<SchemaModel, SchemaCheck>();
  /** The last type looked up and its check: consecutive events often share a type. */
  private lastType: unknown = undefined;
  private lastCheck: SchemaCheck | undefined = undefined;

  /** `enabled`: option `schemaCheck`; without it no event is checked. */
  constructor(private readonly enabled: boolean) {}

  /** (Re)builds the checks for these patterns' declarations. */
  build(patterns: readonly { readonly schemas?: readonly SchemaModel[] }[]): void {
    this.lastType = undefined;
    this.lastCheck = undefined;
    const checks = new Map<string, SchemaCheck>();
    if (this.enabled) {
      for (const p of patterns) {
        // Older compiled models (built by hand) may lack `schemas`.
        for (const m of p.schemas ?? []) {
          if (checks.has(m.type)) continue;
          let c = this.compiled.get(m);
          if (c === undefined) {
            c = compileSchema(m);
            this.compiled.set(m, c);
          }
          checks.set(m.type, c);
        }
      }
    }
    this.checks = checks.size === 0 ? null : checks;
  }

  /** Why an event of a declared type does not fit its declaration, or null (`checks` is not null). */
  misfit(type: string, event: Record<string, unknown>): string | null {
    let check = this.lastCheck;
    if (type !== this.lastType) {
      check = (this.checks as Map<string, SchemaCheck>).get(type);
      this.lastType = type;
      this.lastCheck = check;
    }
    return check === undefined ? null : check(event);
  }

  /** Whether a restored buffered event does not fit (it was reported when first pushed). */
  misfitsSilently(type: unknown, event: unknown): boolean {
    const check = typeof type === "string" ? this.checks?.get(type) : undefined;
    return check !== undefined && check(event as Record<string, unknown>) !== null;
  }
}
