/**
 * A key as a user types it on a command line or in the REPL (`--trace 42`, `.why alice`),
 * matched against the keys the engine computes from events.
 *
 * The text is read as JSON when it is JSON, else as a string. A number, `true`, `false`
 * or `null` also matches the string the user typed (`42` finds 42 and "42": a key read
 * from CSV or from a JSON string field looks the same on a terminal); a quoted string
 * (`'"42"'`) matches only that string; a JSON array matches a composite key (`key by a, b`)
 * element by element under the same rule.
 *
 * ```ts
 * const k = parseKeyArg("42");
 * k.test(42); // true
 * k.test("42"); // true
 * parseKeyArg('["eu", 7]').test(["eu", "7"]); // true
 * ```
 */
import { canonicalKey } from "../runtime/values.js";

/** A typed key: its text, and the test against an engine key. */
export interface KeyArg {
  /** The text as typed. */
  readonly text: string;
  /** The typed value (JSON), or the text itself when it is not JSON. */
  readonly value: unknown;
  /** Whether an engine key is the typed one. */
  test(key: unknown): boolean;
  /**
   * Every engine key {@link test} accepts (`42` → `[42, "42"]`), for the engine's `trace.keys`
   * list (a set lookup per key step, cheaper than a predicate); null when there are too many.
   */
  readonly candidates: readonly unknown[] | null;
}

/** Reads a typed key; throws a `RangeError` for an empty text or a value nested too deeply. */
export function parseKeyArg(text: string): KeyArg {
  if (text.trim() === "") throw new RangeError("a key must not be empty");
  let value: unknown;
  let json = true;
  try {
    value = JSON.parse(text);
  } catch {
    value = text;
    json = false;
  }
  if (depth(value) > MAX_DEPTH)
    throw new RangeError(`a key must not be nested deeper than ${MAX_DEPTH} levels`);
  // A bare word is a string; a typed scalar also matches its text as typed (`1.50` finds "1.50").
  const raw = json && !isString(value) ? text.trim() : null;
  const own = candidatesOf(value);
  return {
    text,
    value,
    test: (key) => sameKey(value, key) || (raw !== null && key === raw),
    candidates: own === null ? null : raw === null || own.includes(raw) ? own : [...own, raw],
  };
}

/** Composite keys typed with numbers: at most this many spellings are listed. */
const MAX_CANDIDATES = 256;

/** The keys {@link sameKey} accepts for `value`, or null when more than {@link MAX_CANDIDATES}. */
function candidatesOf(value: unknown): unknown[] | null {
  if (Array.isArray(value)) {
    let out: unknown[][] = [[]];
    for (const element of value) {
      const each = candidatesOf(element);
      if (each === null || out.length * each.length > MAX_CANDIDATES) return null;
      out = out.flatMap((prefix) => each.map((c) => [...prefix, c]));
    }
    return out;
  }
  if (value !== null && typeof value === "object") return [value];
  return isString(value) ? [value] : [value, JSON.stringify(value)];
}

/** Keys are scalars or short arrays; a deeper typed value is refused (comparing it recurses). */
const MAX_DEPTH = 32;

/** How deeply arrays and objects nest in `v` (0 for a scalar), without recursion. */
function depth(v: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length > 0) {
    const [x, d] = stack.pop() as [unknown, number];
    if (x === null || typeof x !== "object") continue;
    if (d + 1 > max) max = d + 1;
    if (max > MAX_DEPTH) return max;
    for (const y of Object.values(x)) stack.push([y, d + 1]);
  }
  return max;
}

/** Whether `key` is the typed `value` (scalars also as their JSON text; arrays element-wise). */
function sameKey(value: unknown, key: unknown): boolean {
  if (Array.isArray(value)) {
    if (!Array.isArray(key) || key.length !== value.length) return false;
    for (let i = 0; i < value.length; i++) if (!sameKey(value[i], key[i])) return false;
    return true;
  }
  if (value !== null && typeof value === "object") {
    return (
      key !== null &&
      typeof key === "object" &&
      !Array.isArray(key) &&
      canonicalKey(key) === canonicalKey(value)
    );
  }
  if (key === value) return true;
  return !isString(value) && isString(key) && key === JSON.stringify(value);
}

function isString(v: unknown): v is string {
  return typeof v === "string";
}
