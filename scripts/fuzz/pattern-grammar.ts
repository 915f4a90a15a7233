/**
 * Random pattern sources from the grammar (grammar/pattern.ebnf): mostly well-formed,
 * with the sizes pushed to the edges the mutators also reach (deep expressions, long
 * sequences, big quantifiers and windows).
 */
import type { Rand } from "./rand.js";

const TYPES = ["A", "B", "C", "Tick", "LoginFailed", "LoginOk", "Reading", "`odd type`"];
const FIELDS = ["user", "ip", "price", "value", "ts", "type", "x", "`a b`", "__proto__", "constructor"];
const FUNCTIONS = [
  "abs",
  "round",
  "floor",
  "ceil",
  "lower",
  "upper",
  "len",
  "contains",
  "startsWith",
  "endsWith",
  "matches",
  "coalesce",
  "if",
  "time",
  "count",
  "sum",
  "avg",
  "min",
  "max",
  "first",
  "last",
  "key",
  "nosuch",
];
const UNITS = ["ms", "s", "sec", "seconds", "m", "min", "minutes", "h", "hours", "d", "days", "w", "weeks"];
const CONTIGUITY = ["next", "followed by", "followed by any", "not next", "not followed by"];
const MODIFIERS = ["optional", "greedy", "consecutive", "combinations"];
const SKIPS = [
  "after match no skip",
  "after match skip to next",
  "after match skip past last event",
  "after match skip to first a0",
  "after match skip to last a1",
];

/** A random pattern file: a few event declarations and patterns. */
export function grammarSource(r: Rand): string {
  const blocks: string[] = [];
  for (let i = r.int(0, 2); i > 0; i--) blocks.push(eventDecl(r));
  for (let i = r.int(1, 3); i > 0; i--) blocks.push(patternDecl(r, `P${i}`));
  return blocks.join("\n\n");
}

function eventDecl(r: Rand): string {
  const fields = Array.from(
    { length: r.small(8) },
    () =>
      `${r.pick(FIELDS)}: ${r.pick(["string", "number", "boolean", "time", "any", "date"])}${r.chance(0.2) ? "?" : ""}`,
  );
  return `event ${r.pick(TYPES)} { ${fields.join(", ")} }`;
}

function patternDecl(r: Rand, name: string): string {
  const parts = [`pattern ${name} {`];
  if (r.chance(0.6))
    parts.push(`  key by ${Array.from({ length: 1 + r.small(3) }, () => keyPath(r)).join(", ")}`);
  if (r.chance(0.6)) parts.push(`  within ${duration(r)}`);
  if (r.chance(0.3)) parts.push(`  ${r.pick(SKIPS)}`);
  const vars = { n: 0 };
  parts.push(`  match ${sequence(r, vars, 0)}`);
  if (r.chance(0.6)) parts.push(`  emit { ${emitFields(r, vars.n)} }`);
  if (r.chance(0.2)) parts.push(`  on timeout${r.chance(0.7) ? ` emit { ${emitFields(r, vars.n)} }` : ""}`);
  parts.push("}");
  return parts.join("\n");
}

function keyPath(r: Rand): string {
  return [r.pick(FIELDS), ...Array.from({ length: r.small(3) }, () => r.pick(FIELDS))].join(".");
}

/** A duration: mostly small, sometimes at or past the limits (2^53 − 1 ms). */
export function duration(r: Rand): string {
  switch (r.int(0, 5)) {
    case 0:
      return `${r.int(1, 90)} ${r.pick(UNITS)}`;
    case 1:
      return `${r.int(0, 9)}${r.pick(UNITS)}${r.int(0, 59)}${r.pick(UNITS)}`;
    case 2:
      return r.pick(["PT1M", "P1D", "PT0S", "P99999999999999999W", "PT1.5S", "P", "PT"]);
    case 3:
      return r.pick([
        "9007199254740991 ms",
        "9007199254740992 ms",
        "1e308 days",
        "0 s",
        "0.0001 ms",
        "104249991 days",
      ]);
    default:
      return `${r.int(1, 10)} ${r.pick(UNITS)} ${r.int(1, 59)} ${r.pick(UNITS)}`;
  }
}

function sequence(r: Rand, vars: { n: number }, depth: number): string {
  const n = 1 + r.small(depth === 0 ? 6 : 2);
  const out = [element(r, vars, depth)];
  for (let i = 1; i < n; i++) out.push(r.pick(CONTIGUITY), element(r, vars, depth));
  return out.join(" ");
}

function element(r: Rand, vars: { n: number }, depth: number): string {
  if (depth < 4 && r.chance(0.15)) {
    return `(${sequence(r, vars, depth + 1)})${quantifier(r)}${modifiers(r)}`;
  }
  const v = `a${vars.n++}`;
  let t = r.chance(0.8) ? `${v}: ${r.chance(0.9) ? r.pick(TYPES) : "*"}` : r.pick(TYPES);
  t += quantifier(r) + modifiers(r);
  if (r.chance(0.1)) t += ` within ${duration(r)}`;
  if (r.chance(0.6)) t += ` where ${expression(r, vars.n, 0)}`;
  return t;
}

function quantifier(r: Rand): string {
  if (r.chance(0.5)) return "";
  return r.pick([
    "?",
    "+",
    "*",
    `{${r.int(0, 5)}}`,
    `{${r.int(0, 3)},}`,
    `{${r.int(0, 3)},${r.int(0, 8)}}`,
    `{${r.pick([10000, 10001, 9999, 100000000000000000000])}}`,
    `{0,${r.pick([10000, 65536])}}`,
  ]);
}

function modifiers(r: Rand): string {
  let m = "";
  for (let i = r.small(3); i > 0; i--) {
    m += r.chance(0.2) ? ` until (${expression(r, 1, 2)})` : ` ${r.pick(MODIFIERS)}`;
  }
  return m;
}

function emitFields(r: Rand, nVars: number): string {
  return Array.from(
    { length: r.small(6) },
    (_, i) => `${r.chance(0.8) ? `f${i}` : r.pick(FIELDS)}: ${expression(r, nVars, 0)}`,
  ).join(", ");
}

/** A random expression over variables a0…a(nVars−1). */
export function expression(r: Rand, nVars: number, depth: number): string {
  if (depth > 5 || r.chance(0.35)) return primary(r, nVars, depth);
  switch (r.int(0, 7)) {
    case 0:
      return `${expression(r, nVars, depth + 1)} ${r.pick(["and", "or"])} ${expression(r, nVars, depth + 1)}`;
    case 1:
      return `not ${expression(r, nVars, depth + 1)}`;
    case 2:
      return `${expression(r, nVars, depth + 1)} ${r.pick(["==", "!=", "<", "<=", ">", ">=", "in"])} ${expression(r, nVars, depth + 1)}`;
    case 3:
      return `${expression(r, nVars, depth + 1)} between ${primary(r, nVars, depth)} and ${primary(r, nVars, depth)}`;
    case 4:
      return `${expression(r, nVars, depth + 1)} is ${r.chance(0.5) ? "not " : ""}null`;
    case 5:
      return `${expression(r, nVars, depth + 1)} ${r.pick(["+", "-", "*", "/", "%"])} ${expression(r, nVars, depth + 1)}`;
    case 6:
      return `-${primary(r, nVars, depth)}`;
    default:
      return `(${expression(r, nVars, depth + 1)})`;
  }
}

function primary(r: Rand, nVars: number, depth: number): string {
  const v = () => (nVars > 0 && r.chance(0.9) ? `a${r.int(0, nVars - 1)}` : r.pick(["event", "prev", "x"]));
  switch (r.int(0, 9)) {
    case 0:
      return r.pick(["0", "1", "42", "1.5", "1e21", "1e308", "9007199254740993", "0.1"]);
    case 1:
      return JSON.stringify(r.pick(["", "x", "é😀", "\u0000", "a\nb", "\\d+", "(a+)+$", "__proto__"]));
    case 2:
      return r.pick(["true", "false", "null", "event", "prev", "5 minutes", "1h30m", "0ms"]);
    case 3:
      return `${v()}.${r.pick(FIELDS)}`;
    case 4:
      return `${v()}[${r.int(-1, 3)}].${r.pick(FIELDS)}`;
    case 5:
      return `${r.pick(FUNCTIONS)}(${Array.from({ length: r.small(4) }, () => expression(r, nVars, depth + 2)).join(", ")})`;
    case 6:
      return `[${Array.from({ length: r.small(5) }, () => primary(r, nVars, depth + 1)).join(", ")}]`;
    case 7:
      return `prev.${r.pick(FIELDS)}`;
    default:
      return r.pick(FIELDS);
  }
}
