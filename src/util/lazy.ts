/**
 * Libraries most runs never need, loaded on first use instead of at start-up (each is
 * ~13 ms of every `cep` start): luxon for ISO-8601 times and durations, re2js for
 * `matches()`. Both ship CommonJS builds, so a synchronous `require` is possible where
 * the ESM import would have to be awaited.
 */
import { createRequire } from "node:module";

const load = createRequire(import.meta.url);

/** luxon (ISO-8601 times and durations). */
export function luxon(): typeof import("luxon") {
  return load("luxon") as typeof import("luxon");
}

/** re2js's `RE2JS` (linear-time regular expressions for `matches()`). */
export function re2(): typeof import("re2js").RE2JS {
  return (load("re2js") as typeof import("re2js")).RE2JS;
}
