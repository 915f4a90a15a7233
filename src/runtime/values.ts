/**
 * Reading the role fields of an event: time, type and key paths. Own properties only,
 * so nothing user-supplied is read through a prototype.
 */
import { luxon } from "../util/lazy.js";

const hasOwn = Object.prototype.hasOwnProperty;

/** Reads an own property of a plain object; anything else gives undefined. */
export function field(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return undefined;
  const v = (obj as Record<string, unknown>)[name];
  // Only objects and functions can come from a prototype (Object.prototype holds no
  // primitives), so primitives skip the own-property check on this hot path.
  if (v === undefined || ((typeof v === "object" || typeof v === "function") && !hasOwn.call(obj, name))) {
    return undefined;
  }
  return v;
}

/** Reads an own property of an object known to be a non-array object (the hot path of `field`). */
export function ownField(obj: Record<string, unknown>, name: string): unknown {
  const v = obj[name];
  if (v === undefined || ((typeof v === "object" || typeof v === "function") && !hasOwn.call(obj, name))) {
    return undefined;
  }
  return v;
}

/** Sets a property without ever touching a prototype (`__proto__` is plain data here). */
export function put(obj: Record<string, unknown>, name: string, value: unknown): void {
  if (name === "__proto__")
    Object.defineProperty(obj, name, { value, enumerable: true, writable: true, configurable: true });
  else obj[name] = value;
}

/** Reads a field path (`order.customer.id`). */
export function path(obj: unknown, segments: readonly string[]): unknown {
  let v = obj;
  for (let i = 0; i < segments.length; i++) {
    v = field(v, segments[i]);
    if (v === undefined) return undefined;
  }
  return v;
}

/**
 * Largest distance from the epoch, in ms, of an accepted time: JavaScript Date's range
 * (±100,000,000 days), the range where a time has an ISO-8601 form.
 */
export const MAX_TIME = 8.64e15;

/**
 * ISO-8601 date and time with `Z` or an offset `±hh:mm` (hh ≤ 23, mm ≤ 59, as RFC 3339);
 * years as 4 digits or, beyond 0000–9999, as ± and 6 digits (what `toISOString` writes;
 * `-000000` is not a year).
 */
const ISO_WITH_ZONE =
  /^(?:\d{4}|\+\d{6}|-(?!000000)\d{6})-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** The accepted forms of a time, for messages. */
export const TIME_FORMS = "integer epoch ms within ±8.64e15 or ISO-8601 with Z or ±hh:mm";

/**
 * An event time, a `$watermark`, a REPL `.watermark`, a `--clock`: an integer number of
 * epoch ms within ±{@link MAX_TIME}, or an ISO-8601 string with `Z` or `±hh:mm` within the
 * same range. Returns the ms, or why it is unusable. The one time grammar of Cepheus.
 *
 * ```ts
 * parseTime("2024-03-01T09:00:00+01:00"); // 1709280000000
 * parseTime(1e300); // "invalid time"
 * ```
 */
export function parseTime(v: unknown): number | "missing time" | "invalid time" {
  if (typeof v === "number") {
    return Number.isInteger(v) && v <= MAX_TIME && v >= -MAX_TIME ? v : "invalid time";
  }
  if (typeof v === "string") {
    if (!ISO_WITH_ZONE.test(v)) return "invalid time";
    const dt = luxon().DateTime.fromISO(v, { setZone: true });
    if (!dt.isValid) return "invalid time";
    const t = dt.toMillis();
    return t <= MAX_TIME && t >= -MAX_TIME ? t : "invalid time";
  }
  return v === undefined || v === null ? "missing time" : "invalid time";
}

/**
 * The reason for an unusable time `v`: `what` (e.g. `invalid time (ts)`), the accepted
 * forms and the value given (cut short), e.g.
 * `invalid time (ts): expected integer epoch ms within ±8.64e15 or ISO-8601 with Z or ±hh:mm, got "yesterday"`.
 */
export function invalidTime(what: string, v: unknown): string {
  return `${what}: expected ${TIME_FORMS}, got ${shown(v)}`;
}

/** A short, safe rendering of any value for a message. */
function shown(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/**
 * Canonical JSON of a composite key (objects with sorted keys), so keys compare by JSON
 * value. Primitive keys are used as they are.
 */
export function canonicalKey(v: unknown): string {
  return canonicalJson(v);
}

function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(",")}}`;
}
