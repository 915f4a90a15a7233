/**
 * An expected record of `cep test` as a pattern over an output record, and the
 * field-level differences between the two.
 *
 * An expected record that is a JSON object gives only the fields it cares about:
 *
 * - every top-level field it gives must equal the output's, as a JSON value;
 * - except `events` and `emit` when it gives them as objects: each variable (of `events`)
 *   or key (of `emit`) it gives must equal the output's (an `events` variable: the whole
 *   array of its events); the others are not compared;
 * - `timeout` is compared even when not given: a record without it expects a match.
 *
 * A full record is therefore compared exactly as before; anything else (an array, a
 * number) is compared as a whole.
 *
 * ```ts
 * const m = recordMatcher({ pattern: "P", emit: { attempts: 3 } });
 * m.key === m.project(outputRecord);  // the output record satisfies it
 * fieldDifferences(expected, output); // { equal: 5, lines: ["emit.attempts: expected 3, got 4"] }
 * ```
 */

/** JSON text with object keys sorted: equal JSON values give equal strings. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

/** Fields compared per key given rather than as a whole. */
const PER_KEY = ["events", "emit"];

type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return x !== null && typeof x === "object" && !Array.isArray(x);
}

/**
 * One expected record compiled for comparison: `key` is its canonical text, `project`
 * gives an output record's canonical text restricted to what the expected one gives.
 * Equal strings ⇔ the output satisfies it. `shape` names the projection, so records with
 * the same fields can share projections of the output.
 */
export interface RecordMatcher {
  readonly key: string;
  readonly shape: string;
  project(actual: unknown): string;
}

/** Compiles one expected record (see the module comment for the rules). */
export function recordMatcher(expected: unknown): RecordMatcher {
  const key = canonicalJson(expected);
  if (!isObject(expected)) return { key, shape: "", project: canonicalJson };
  const top = Object.keys(expected).filter((k) => !(PER_KEY.includes(k) && isObject(expected[k])));
  const inner = PER_KEY.filter((k) => isObject(expected[k])).map(
    (k) => [k, Object.keys(expected[k] as Json)] as const,
  );
  const givesTimeout = Object.hasOwn(expected, "timeout");
  const project = (actual: unknown): string => {
    if (!isObject(actual)) return canonicalJson(actual);
    const out: Json = {};
    for (const k of top) if (Object.hasOwn(actual, k)) out[k] = actual[k];
    for (const [k, names] of inner) {
      if (!Object.hasOwn(actual, k)) continue;
      const value = actual[k];
      if (!isObject(value)) {
        out[k] = value;
        continue;
      }
      const part: Json = {};
      for (const n of names) if (Object.hasOwn(value, n)) part[n] = value[n];
      out[k] = part;
    }
    if (!givesTimeout && Object.hasOwn(actual, "timeout")) out.timeout = actual.timeout;
    return canonicalJson(out);
  };
  return { key, shape: JSON.stringify([top, inner, givesTimeout]), project };
}

/** How an output record compares with an expected one, field by field. */
export interface FieldDifferences {
  /** Leaf values (numbers, strings, …) the two share at the same path. */
  equal: number;
  /** `path: expected X, got Y`, one per differing path. */
  lines: string[];
}

/** Characters of a value shown in a difference line. */
const VALUE_WIDTH = 60;

function show(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > VALUE_WIDTH ? `${s.slice(0, VALUE_WIDTH)}…` : s;
}

function child(path: string, key: string): string {
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  if (path === "") return name;
  return name.startsWith('"') ? `${path}[${name}]` : `${path}.${name}`;
}

/**
 * The paths where `actual` does not satisfy `expected`, under the same rules as
 * {@link recordMatcher}, inside values down to single fields (`events.fail[2].ip`).
 */
export function fieldDifferences(expected: unknown, actual: unknown): FieldDifferences {
  const d: FieldDifferences = { equal: 0, lines: [] };
  if (!isObject(expected) || !isObject(actual)) {
    compareExact(d, "", expected, actual);
    return d;
  }
  for (const k of Object.keys(expected)) {
    const e = expected[k];
    if (PER_KEY.includes(k) && isObject(e) && isObject(actual[k])) {
      const a = actual[k] as Json;
      for (const n of Object.keys(e)) compareGiven(d, child(k, n), e, a, n);
    } else compareGiven(d, child("", k), expected, actual, k);
  }
  if (!Object.hasOwn(expected, "timeout") && Object.hasOwn(actual, "timeout")) {
    d.lines.push(`timeout: expected a match (no timeout field), got ${show(actual.timeout)}`);
  }
  return d;
}

function compareGiven(d: FieldDifferences, path: string, e: Json, a: Json, key: string): void {
  if (Object.hasOwn(a, key)) compareExact(d, path, e[key], a[key]);
  else d.lines.push(`${path}: expected ${show(e[key])}, got no such field`);
}

function compareExact(d: FieldDifferences, path: string, e: unknown, a: unknown): void {
  const at = path === "" ? "record" : path;
  if (isObject(e) && isObject(a)) {
    for (const k of Object.keys(e)) compareGiven(d, child(path, k), e, a, k);
    for (const k of Object.keys(a)) {
      if (!Object.hasOwn(e, k)) d.lines.push(`${child(path, k)}: expected no such field, got ${show(a[k])}`);
    }
  } else if (Array.isArray(e) && Array.isArray(a)) {
    if (e.length !== a.length) d.lines.push(`${at}: expected ${e.length} items, got ${a.length}`);
    else for (let i = 0; i < e.length; i++) compareExact(d, `${path}[${i}]`, e[i], a[i]);
  } else if (canonicalJson(e) === canonicalJson(a)) d.equal++;
  else d.lines.push(`${at}: expected ${show(e)}, got ${show(a)}`);
}
