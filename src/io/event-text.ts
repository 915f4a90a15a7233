/**
 * Events written exactly as read (language.md §5: "each event is the input event
 * unchanged"). `JSON.parse` then `JSON.stringify` is not the identity: `1e400` becomes
 * `null`, `-0` becomes `0`, `9007199254740993` loses its last digit, duplicate keys
 * collapse, spacing and escapes change. So `cep run` keeps each NDJSON event's line text
 * on the parsed object ({@link keepText}) and writes that text verbatim wherever the event
 * appears in output ({@link recordLine}, late records); conditions and `emit` still read
 * the parsed values (`JSON.parse` semantics: the last of duplicate keys wins).
 *
 * The text rides on the event under a symbol key: one store per event, no lookup table
 * (a `WeakMap` entry per event cost ~2× the whole parse), invisible to field reads,
 * `Object.keys` and `JSON.stringify`. Events without a text (CSV rows, which are
 * converted; library events) are written with `JSON.stringify`.
 *
 * ```ts
 * const ev = JSON.parse(line);
 * keepText(ev, line);
 * engine.on("match", (r) => out.write(recordLine(r)));
 * ```
 */

/** The symbol key holding an event's input text. */
const TEXT: unique symbol = Symbol("cepheus.eventText");

interface WithText {
  [TEXT]?: string;
}

/** Remembers `text` (valid JSON for it) as the way to write `event`. */
export function keepText(event: object, text: string): void {
  (event as WithText)[TEXT] = text;
}

/** The text kept for `event`, or undefined. */
export function keptText(event: unknown): string | undefined {
  return event !== null && typeof event === "object" ? (event as WithText)[TEXT] : undefined;
}

/** `event` as JSON: its input text when kept, else `JSON.stringify` (`null` for nothing writable). */
export function eventJson(event: unknown): string {
  if (event !== null && typeof event === "object") {
    const text = (event as WithText)[TEXT];
    if (text !== undefined) return text;
  }
  return JSON.stringify(event) ?? "null";
}

/**
 * One output record as a JSON line: `JSON.stringify(record)` exactly, except that each
 * event in `events` is written as {@link eventJson} (its input text when kept). Fields are
 * written in the record's own order; `events` holds one array per variable.
 */
export function recordLine(record: object): string {
  let out = "{";
  let first = true;
  const r = record as Record<string, unknown>;
  for (const name in r) {
    if (!Object.hasOwn(r, name)) continue;
    const value = r[name];
    const json = name === "events" ? eventsJson(value) : JSON.stringify(value);
    if (json === undefined) continue; // as JSON.stringify: undefined and functions are left out
    out += first ? `${JSON.stringify(name)}:${json}` : `,${JSON.stringify(name)}:${json}`;
    first = false;
  }
  return `${out}}`;
}

/** The `events` map: variable → array of events, each written as read. */
function eventsJson(events: unknown): string | undefined {
  if (events === null || typeof events !== "object" || Array.isArray(events)) return JSON.stringify(events);
  const map = events as Record<string, unknown>;
  let out = "{";
  let first = true;
  for (const name in map) {
    if (!Object.hasOwn(map, name)) continue;
    const list = map[name];
    let json: string | undefined;
    if (Array.isArray(list)) {
      json = "[";
      for (let i = 0; i < list.length; i++) json += i === 0 ? eventJson(list[i]) : `,${eventJson(list[i])}`;
      json += "]";
    } else {
      json = JSON.stringify(list);
      if (json === undefined) continue;
    }
    out += first ? `${JSON.stringify(name)}:${json}` : `,${JSON.stringify(name)}:${json}`;
    first = false;
  }
  return `${out}}`;
}
