/**
 * Reading the role fields of an event: time, type and key paths. Own properties only,
 * so nothing user-supplied is read through a prototype.
 */
import { luxon } from "../lang/lazy.js";

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

const ISO_WITH_ZONE = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

/**
 * An event time: a finite integer of epoch ms, or an ISO-8601 string with `Z` or an
 * offset. Returns the ms, or a reason string when unusable.
 */
export function parseTime(v: unknown): number | string {
  if (typeof v === "number") {
    return Number.isInteger(v) ? v : "invalid time";
  }
  if (typeof v === "string") {
    if (!ISO_WITH_ZONE.test(v)) return "invalid time";
    const dt = luxon().DateTime.fromISO(v, { setZone: true });
    return dt.isValid ? dt.toMillis() : "invalid time";
  }
  return v === undefined || v === null ? "missing time" : "invalid time";
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
