/**
 * Durations on the command line (language.md §3.5): the language's forms (`5s`, `1h30m`,
 * `2 minutes`, `1.5s`), ISO-8601 (`PT1M`, `P1W2D`), or a bare integer of milliseconds;
 * and back, in the compact form `cep` and the REPL print.
 *
 * ```ts
 * parseDurationArg("1h30m");                      // 5_400_000
 * parseDurationArg("0", { allowZero: true });     // 0 (--out-of-orderness)
 * formatMs(5_400_000);                            // "1h30m"
 * ```
 */
import { luxon } from "../util/lazy.js";

const UNIT_MS: Record<string, bigint> = {
  ms: 1n,
  millisecond: 1n,
  milliseconds: 1n,
  s: 1000n,
  sec: 1000n,
  second: 1000n,
  seconds: 1000n,
  m: 60_000n,
  min: 60_000n,
  minute: 60_000n,
  minutes: 60_000n,
  h: 3_600_000n,
  hour: 3_600_000n,
  hours: 3_600_000n,
  d: 86_400_000n,
  day: 86_400_000n,
  days: 86_400_000n,
  w: 604_800_000n,
  week: 604_800_000n,
  weeks: 604_800_000n,
};

// Longest first, so that `5ms` is 5 milliseconds and `5min` is not `5m` + `in`.
const UNITS = Object.keys(UNIT_MS).sort((a, b) => b.length - a.length);
const PART = new RegExp(`^(\\d+)(?:\\.(\\d+))?(?:\\s*)(${UNITS.join("|")})(?![A-Za-z_])\\s*`);
const ISO = /^P(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$/;
const MAX = BigInt(Number.MAX_SAFE_INTEGER);

export interface DurationArgOptions {
  /** Accept a total of 0 (only `--out-of-orderness` does). */
  allowZero?: boolean;
}

/** Milliseconds of `text`; throws an Error whose message says what is wrong. */
export function parseDurationArg(text: string, options: DurationArgOptions = {}): number {
  const s = text.trim();
  let ms: bigint;
  if (/^\d+$/.test(s)) {
    ms = BigInt(s);
  } else if (s.startsWith("P")) {
    ms = parseIso(s);
  } else {
    ms = parseParts(s);
  }
  if (ms === 0n && !options.allowZero) throw new Error(`duration must be at least 1 ms: '${text}'`);
  if (ms > MAX) throw new Error(`duration too large (at most 2^53-1 ms): '${text}'`);
  return Number(ms);
}

function parseIso(s: string): bigint {
  const m = ISO.exec(s);
  // At least one field, and no bare `T`.
  if (m === null || s === "P" || m[3] === "T") {
    throw new Error(`invalid ISO-8601 duration '${s}' (expected P[nW][nD][T[nH][nM][nS]], integers)`);
  }
  return BigInt(luxon().Duration.fromISO(s).toMillis());
}

function parseParts(s: string): bigint {
  if (s.length === 0) throw new Error("empty duration");
  let total = 0n;
  let rest = s;
  while (rest.length > 0) {
    const m = PART.exec(rest);
    if (m === null) {
      throw new Error(
        `invalid duration '${s}' (examples: 500, 5s, 1h30m, 2 minutes, PT1M; units: ms s m h d w and their words)`,
      );
    }
    const [whole, int, frac = "", unit] = m;
    const scale = 10n ** BigInt(frac.length);
    const scaled = (BigInt(int) * scale + BigInt(frac || "0")) * UNIT_MS[unit];
    if (scaled % scale !== 0n) throw new Error(`duration '${s}' is not a whole number of milliseconds`);
    total += scaled / scale;
    rest = rest.slice(whole.length);
  }
  return total;
}

const FORMAT_UNITS: [string, number][] = [
  ["w", 604_800_000],
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1000],
  ["ms", 1],
];

/** Milliseconds in the language's compact duration syntax: 5400000 → `1h30m`, 1500 → `1s500ms`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms === 0) return "0ms";
  let rest = Math.abs(ms);
  let out = ms < 0 ? "-" : "";
  for (const [unit, size] of FORMAT_UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
