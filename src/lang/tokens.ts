/**
 * The tokens of the pattern language (§1.1, §3.5) and the lexer.
 *
 * Keywords carry a readable `label` and `longer_alt: Identifier`, so `withinLimit` is
 * one name (Chevrotain `examples/lexer/keywords_vs_identifiers`). Token categories do
 * the rest of the work:
 *
 * - `Identifier` covers plain names, backticked names, duration unit words (`min`,
 *   `s` — never reserved) and ISO-8601-shaped words (`PT1M`): each is a name wherever
 *   a name is expected, and the parser asks for the narrower type where it needs one.
 * - `AnyWord` covers `Identifier` and every keyword, for the three positions where any
 *   word is a plain name (after `.`, `emit` keys, `event` field names).
 * - `LexError` covers malformed input (bad strings, numbers, comments, characters).
 *   The parser never accepts one, so a lexical error surfaces exactly where the parser
 *   reaches it, and counts as the block's one syntax error (§7). Its `payload` is a
 *   {@link LexProblem}.
 *
 * Duration helpers (`durationFromParts`, `isoDurationMs`, `parseDurationText`) live here
 * too, so the CLI parses `--within 5min` exactly as the language does.
 */
import {
  createToken,
  createTokenInstance,
  type IToken,
  Lexer,
  type TokenType,
  tokenMatcher,
} from "chevrotain";
import { luxon } from "../util/lazy.js";
import { Messages, type MessageTemplate, message, quote, suggest } from "./messages.js";

// ---------------------------------------------------------------------------
// Durations (§3.5)

/** Milliseconds per duration unit word. */
export const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

/** Unit words, longest first: the order in which `5min` tries them ("the longest unit wins"). */
export const UNIT_WORDS: readonly string[] = Object.keys(UNIT_MS).sort((a, b) => b.length - a.length);

/** One `number unit` part of a duration; `num` is `\d+(\.\d+)?` as written. */
export interface DurationPart {
  readonly num: string;
  readonly unit: string;
}

/** A duration's value, or the reason it has none (a catalogue entry and its arguments). */
export type DurationResult =
  | { readonly ok: true; readonly ms: number }
  | {
      readonly ok: false;
      readonly template: MessageTemplate;
      readonly args: string[];
      readonly hint?: string;
    };

const MAX_MS = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Sums duration parts exactly (decimal arithmetic, so `1.1s` is 1100 ms, not
 * 1100.0000000000002) and checks the total: a whole number of ms, ≥ 1, ≤ 2^53−1.
 */
export function durationFromParts(parts: readonly DurationPart[], raw: string): DurationResult {
  let maxFrac = 0;
  for (const p of parts) maxFrac = Math.max(maxFrac, (p.num.split(".")[1] ?? "").length);
  let total = 0n;
  for (const p of parts) {
    const [int, frac = ""] = p.num.split(".");
    const unit = UNIT_MS[p.unit];
    if (unit === undefined)
      return { ok: false, template: Messages.unknownDurationUnit, args: [quote(p.unit), quote(raw)] };
    total += BigInt(int + frac.padEnd(maxFrac, "0")) * BigInt(unit);
  }
  const scale = 10n ** BigInt(maxFrac);
  if (total % scale !== 0n) return { ok: false, template: Messages.durationNotWholeMs, args: [quote(raw)] };
  const ms = total / scale;
  if (ms < 1n) return { ok: false, template: Messages.durationTooShort, args: [quote(raw)] };
  if (ms > MAX_MS) return { ok: false, template: Messages.durationTooLong, args: [quote(raw)] };
  return { ok: true, ms: Number(ms) };
}

const ISO_RE = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const ISO_FIELD_MS = [604_800_000n, 86_400_000n, 3_600_000n, 60_000n, 1000n];

/**
 * An ISO-8601 duration as §3.5 allows it: `P(nW)(nD)(T(nH)(nM)(nS))`, upper case,
 * whole numbers, at least one field, and valid for luxon's `Duration.fromISO`.
 */
export function isoDurationMs(text: string): DurationResult {
  const m = ISO_RE.exec(text);
  const fields = m ? m.slice(1) : [];
  if (!m || fields.every((f) => f === undefined) || !luxon().Duration.fromISO(text).isValid) {
    let hint = "write weeks, days, hours, minutes and seconds as whole numbers, e.g. `PT1M30S` or `P1DT12H`";
    if (/^P(?:\d+[YM])/.test(text))
      hint = "years and months have no fixed length: use weeks (`W`) or days (`D`)";
    else if (/[.,]/.test(text))
      hint = "fractions are not allowed: use a smaller unit, e.g. `PT90S` for 1.5 minutes";
    else if (/T$/.test(text)) hint = "a `T` must be followed by at least one of `H`, `M`, `S`";
    return { ok: false, template: Messages.invalidIsoDuration, args: [quote(text)], hint };
  }
  let total = 0n;
  fields.forEach((f, i) => {
    if (f !== undefined) total += BigInt(f) * ISO_FIELD_MS[i];
  });
  if (total < 1n) return { ok: false, template: Messages.durationTooShort, args: [quote(text)] };
  if (total > MAX_MS) return { ok: false, template: Messages.durationTooLong, args: [quote(text)] };
  return { ok: true, ms: Number(total) };
}

/** Splits the parts of a one-token duration such as `1h30m` (the token is already known to be valid). */
export function splitDurationToken(image: string): DurationPart[] {
  const parts: DurationPart[] = [];
  let i = 0;
  while (i < image.length) {
    const numEnd = scanDecimal(image, i);
    const unit = longestUnitAt(image, numEnd) ?? "";
    parts.push({ num: image.slice(i, numEnd), unit });
    i = numEnd + Math.max(unit.length, 1);
  }
  return parts;
}

/**
 * Parses a whole duration written as text, as on the command line: `5min`, `1h30m`,
 * `1 hour 30 minutes`, `PT1M`. (CLI-only rules such as `0` or bare integers are the
 * caller's.)
 */
export function parseDurationText(text: string): DurationResult {
  const t = text.trim();
  if (t.startsWith("P")) return isoDurationMs(t);
  const parts: DurationPart[] = [];
  const re = /\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*/y;
  let i = 0;
  while (i < t.length) {
    re.lastIndex = i;
    const m = re.exec(t);
    if (!m) return { ok: false, template: Messages.invalidNumber, args: [quote(t)] };
    if (UNIT_MS[m[2]] === undefined) {
      const s = suggest(m[2], UNIT_WORDS);
      return {
        ok: false,
        template: Messages.unknownDurationUnit,
        args: [quote(m[2]), quote(t)],
        ...(s ? { hint: `did you mean \`${s}\`?` } : {}),
      };
    }
    parts.push({ num: m[1], unit: m[2] });
    i = re.lastIndex;
  }
  if (parts.length === 0) return { ok: false, template: Messages.invalidNumber, args: [quote(t)] };
  return durationFromParts(parts, t);
}

// ---------------------------------------------------------------------------
// Lexical problems

/** What is wrong with a `LexError` token (its `payload`): a catalogue entry, arguments, span. */
export interface LexProblem {
  readonly template: MessageTemplate;
  readonly args: string[];
  readonly hint?: string;
  /** UTF-16 offsets of the part to underline (may be narrower than the token). */
  readonly start: number;
  readonly end: number;
}

type Match = [string] & { payload?: LexProblem };

function matched(text: string, start: number, end: number, payload?: LexProblem): Match {
  const m = [text.slice(start, end)] as Match;
  if (payload) m.payload = payload;
  return m;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
const isWordChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);

/** End of `\d+(\.\d+)?` starting at `i` (or `i` when there is no digit). */
function scanDecimal(text: string, i: number): number {
  let j = i;
  while (isDigit(text[j])) j++;
  if (j > i && text[j] === "." && isDigit(text[j + 1])) {
    j++;
    while (isDigit(text[j])) j++;
  }
  return j;
}

function longestUnitAt(text: string, i: number): string | undefined {
  for (const u of UNIT_WORDS) if (text.startsWith(u, i)) return u;
  return undefined;
}

/** `1h30m`, `5min`, `1.5s`: one or more parts, longest unit first, not followed by a word character. */
function matchDurationLiteral(text: string, offset: number): Match | null {
  let i = offset;
  let parts = 0;
  for (;;) {
    const numEnd = scanDecimal(text, i);
    if (numEnd === i) break;
    const unit = longestUnitAt(text, numEnd);
    if (unit === undefined) return null;
    i = numEnd + unit.length;
    parts++;
    if (!isDigit(text[i])) break;
  }
  if (parts === 0 || isWordChar(text[i])) return null;
  return matched(text, offset, i);
}

const NUMBER_RE = /(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/** JSON number syntax without a sign, not run together with letters, digits or a dot. */
function matchNumber(text: string, offset: number): Match | null {
  NUMBER_RE.lastIndex = offset;
  const m = NUMBER_RE.exec(text);
  if (!m) return null;
  const end = offset + m[0].length;
  if (isWordChar(text[end]) || text[end] === ".") return null;
  return matched(text, offset, end);
}

/** Anything else that starts with a digit: explain what is wrong with it. */
function matchBadNumber(text: string, offset: number): Match | null {
  if (!isDigit(text[offset])) return null;
  let end = offset + 1;
  while (isWordChar(text[end]) || (text[end] === "." && end > offset)) end++;
  const image = text.slice(offset, end);
  return matched(text, offset, end, badNumberProblem(image, offset));
}

function badNumberProblem(image: string, offset: number): LexProblem {
  const at = { start: offset, end: offset + image.length };
  // A duration attempt: digits run together with letters.
  if (/^\d+(?:\.\d+)?[A-Za-z]/.test(image)) {
    let i = 0;
    while (i < image.length) {
      const numEnd = scanDecimal(image, i);
      if (numEnd === i) break;
      let j = numEnd;
      while (/[A-Za-z]/.test(image[j] ?? "")) j++;
      const letters = image.slice(numEnd, j);
      if (letters === "") {
        if (j === image.length) {
          return {
            template: Messages.missingDurationUnit,
            args: [quote(image.slice(i, numEnd)), quote(image)],
            ...at,
          };
        }
        break;
      }
      if (UNIT_MS[letters] === undefined) {
        // One letter is too little to guess from (`2x` is not a misspelt `2s`).
        const s = letters.length > 1 ? suggest(letters, UNIT_WORDS) : undefined;
        return {
          template: Messages.unknownDurationUnit,
          args: [quote(letters), quote(image)],
          hint: s
            ? `did you mean \`${image.slice(0, numEnd)}${s}\`?`
            : "units are `ms`, `s`/`sec`/`second(s)`, `m`/`min`/`minute(s)`, `h`/`hour(s)`, `d`/`day(s)`, `w`/`week(s)`",
          ...at,
        };
      }
      i = j;
    }
  }
  let hint: string | undefined;
  if (/^0\d/.test(image)) hint = "numbers cannot start with `0` (JSON syntax)";
  else if (/^\d+\.$/.test(image)) hint = `write \`${image.slice(0, -1)}\` or \`${image}0\``;
  else if (/_/.test(image)) hint = "digits cannot be grouped with `_`";
  return { template: Messages.invalidNumber, args: [quote(image)], ...(hint ? { hint } : {}), ...at };
}

/** A JSON string on one line; `null` if it is malformed (then {@link matchBadString} explains). */
function matchString(text: string, offset: number): Match | null {
  if (text[offset] !== '"') return null;
  let i = offset + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return matched(text, offset, i + 1);
    if (c === 0x5c) {
      const n = text[i + 1];
      if (n !== undefined && '"\\/bfnrt'.includes(n)) i += 2;
      else if (n === "u" && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
      else return null;
    } else if (c < 0x20) return null;
    else i++;
  }
  return null;
}

function matchBadString(text: string, offset: number): Match | null {
  if (text[offset] !== '"') return null;
  let i = offset + 1;
  let first: LexProblem | undefined;
  let terminated = false;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      terminated = true;
      i++;
      break;
    }
    if (ch === "\n" || ch === "\r") break;
    if (ch === "\\") {
      const n = text[i + 1];
      if (n === undefined || n === "\n" || n === "\r") {
        i++;
        break;
      }
      let len = 2;
      let ok = '"\\/bfnrt'.includes(n);
      if (n === "u") {
        ok = /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6));
        len = ok ? 6 : 2 + (/^[0-9A-Fa-f]{0,3}/.exec(text.slice(i + 2, i + 6))?.[0].length ?? 0);
      }
      if (!ok && !first) {
        const esc = text.slice(i, i + len);
        first = {
          template: Messages.invalidEscape,
          args: [quote(esc)],
          hint:
            n === "u"
              ? "`\\u` takes exactly four hex digits"
              : 'valid escapes are `\\"` `\\\\` `\\/` `\\b` `\\f` `\\n` `\\r` `\\t` `\\uXXXX`',
          start: i,
          end: i + len,
        };
      }
      i += len;
      continue;
    }
    if (ch.charCodeAt(0) < 0x20 && !first) {
      const code = ch.charCodeAt(0);
      const escaped = code === 9 ? "\\t" : `\\u${code.toString(16).padStart(4, "0")}`;
      first = {
        template: Messages.controlCharacterInString,
        args: [`U+${code.toString(16).toUpperCase().padStart(4, "0")}`],
        hint: `write it as \`${escaped}\``,
        start: i,
        end: i + 1,
      };
    }
    i++;
  }
  if (!terminated || !first) {
    return matched(text, offset, i, {
      template: Messages.unterminatedString,
      args: [],
      hint: "strings end on the line they start; write a line break as `\\n`",
      start: offset,
      end: i,
    });
  }
  return matched(text, offset, i, first);
}

/** `` `name` `` with doubled backticks inside; one line, not empty. */
function matchQuoted(text: string, offset: number): Match | null {
  if (text[offset] !== "`") return null;
  let i = offset + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "\n" || ch === "\r") return null;
    if (ch === "`") {
      if (text[i + 1] === "`") {
        i += 2;
        continue;
      }
      return i === offset + 1 ? null : matched(text, offset, i + 1);
    }
    i++;
  }
  return null;
}

function matchBadQuoted(text: string, offset: number): Match | null {
  if (text[offset] !== "`") return null;
  if (text[offset + 1] === "`" && text[offset + 2] !== "`") {
    return matched(text, offset, offset + 2, {
      template: Messages.emptyQuotedName,
      args: [],
      start: offset,
      end: offset + 2,
    });
  }
  let i = offset + 1;
  while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++;
  return matched(text, offset, i, {
    template: Messages.unterminatedQuotedName,
    args: [],
    hint: "a name in backticks ends on the line it starts; write a backtick inside it twice",
    start: offset,
    end: i,
  });
}

const ISO_WORD_RE = /P(?=T?[0-9])(?:[A-Za-z0-9_]|\.[0-9])*/y;

/** A word shaped like an ISO-8601 duration (`PT1M`, `P2D`, also invalid ones like `P1Y`). */
function matchIsoWord(text: string, offset: number): Match | null {
  ISO_WORD_RE.lastIndex = offset;
  const m = ISO_WORD_RE.exec(text);
  return m ? matched(text, offset, offset + m[0].length) : null;
}

// ---------------------------------------------------------------------------
// Token types

/** Category: any word — a name or a keyword (after `.`, `emit` keys, `event` field names). */
export const AnyWord = createToken({ name: "AnyWord", pattern: Lexer.NA, label: "a name" });
/** Category: the reserved words of §1.1. */
export const Keyword = createToken({ name: "Keyword", pattern: Lexer.NA, label: "a keyword" });
/** Category: malformed input; never accepted by the parser. */
export const LexError = createToken({ name: "LexError", pattern: Lexer.NA, label: "invalid input" });

/** A name: `[A-Za-z_][A-Za-z0-9_]*`, or the category of every token usable as one. */
export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [AnyWord],
  label: "a name",
});

/** `` `user-id` `` — a name in backticks. */
export const QuotedIdentifier = createToken({
  name: "QuotedIdentifier",
  pattern: { exec: matchQuoted },
  start_chars_hint: ["`"],
  line_breaks: false,
  categories: [Identifier],
  label: "a name",
});

/** A duration unit word (`ms`, `min`, `hours`…): a name, except right after a number. */
export const UnitWord = createToken({
  name: "UnitWord",
  pattern:
    /milliseconds|millisecond|minutes|minute|seconds|second|hours|hour|weeks|week|days|day|min|sec|ms|s|m|h|d|w/,
  longer_alt: Identifier,
  categories: [Identifier],
  label: "a duration unit",
});

/** A word shaped like an ISO-8601 duration (`PT1M`): a duration after `within`, a name elsewhere. */
export const IsoDuration = createToken({
  name: "IsoDuration",
  pattern: { exec: matchIsoWord },
  start_chars_hint: ["P"],
  line_breaks: false,
  categories: [Identifier],
  label: "an ISO-8601 duration",
});

/** A number directly followed by units: `5min`, `1h30m`, `1.5s`. */
export const DurationLiteral = createToken({
  name: "DurationLiteral",
  pattern: { exec: matchDurationLiteral },
  start_chars_hint: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  line_breaks: false,
  label: "a duration",
});

/** A JSON number without sign. */
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: { exec: matchNumber },
  start_chars_hint: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  line_breaks: false,
  label: "a number",
});

/** A JSON string on one line. */
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: { exec: matchString },
  start_chars_hint: ['"'],
  line_breaks: false,
  label: "a string",
});

const BadString = createToken({
  name: "BadString",
  pattern: { exec: matchBadString },
  start_chars_hint: ['"'],
  line_breaks: false,
  categories: [LexError],
});
const BadQuoted = createToken({
  name: "BadQuoted",
  pattern: { exec: matchBadQuoted },
  start_chars_hint: ["`"],
  line_breaks: false,
  categories: [LexError],
});
const BadNumber = createToken({
  name: "BadNumber",
  pattern: { exec: matchBadNumber },
  start_chars_hint: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  line_breaks: false,
  categories: [LexError],
});
const BadComment = createToken({
  name: "BadComment",
  pattern: {
    exec: (text, offset) =>
      text.startsWith("/*", offset)
        ? matched(text, offset, text.length, {
            template: Messages.unterminatedComment,
            args: [],
            hint: "close it with `*/` (block comments do not nest)",
            start: offset,
            end: offset + 2,
          })
        : null,
  },
  start_chars_hint: ["/"],
  line_breaks: true,
  categories: [LexError],
});
/** A character no token starts with (made from the lexer's own errors, see {@link lex}). */
export const UnknownCharacter = createToken({
  name: "UnknownCharacter",
  pattern: Lexer.NA,
  categories: [LexError],
});

const Whitespace = createToken({
  name: "Whitespace",
  pattern: /[ \t\r\n\uFEFF]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
/** `// …` to the end of the line (kept aside by the lexer: see {@link lexWithComments}). */
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n]*/, group: "comments" });
/** `/* … *\/` (not nested). */
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[\s\S]*?\*\//,
  group: "comments",
  line_breaks: true,
});

function keyword(word: string): TokenType {
  return createToken({
    name: word[0].toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [AnyWord, Keyword],
    label: `'${word}'`,
  });
}

export const Event = keyword("event");
export const Pattern = keyword("pattern");
export const Key = keyword("key");
export const By = keyword("by");
export const Within = keyword("within");
export const After = keyword("after");
export const Match = keyword("match");
export const No = keyword("no");
export const Skip = keyword("skip");
export const To = keyword("to");
export const Next = keyword("next");
export const Past = keyword("past");
export const First = keyword("first");
export const Last = keyword("last");
export const Followed = keyword("followed");
export const Any = keyword("any");
export const Not = keyword("not");
export const Emit = keyword("emit");
export const On = keyword("on");
export const Timeout = keyword("timeout");
export const Where = keyword("where");
export const Optional = keyword("optional");
export const Greedy = keyword("greedy");
export const Consecutive = keyword("consecutive");
export const Combinations = keyword("combinations");
export const Until = keyword("until");
export const And = keyword("and");
export const Or = keyword("or");
export const In = keyword("in");
export const Between = keyword("between");
export const Is = keyword("is");
export const True = keyword("true");
export const False = keyword("false");
export const Null = keyword("null");
export const Prev = keyword("prev");

// §3.3a: `permute` is not reserved. A plain `permute` is the keyword only where it
// starts a permute: directly followed by `(`, or by `next` / `followed by` / `followed
// by any` and then `(` (comments and whitespace between). The lexer decides, so the
// grammar stays LL without gates; everywhere else `permute` is an ordinary name. The
// look-ahead is a plain scan (a regex over a long comment overflows V8's stack), linear
// in what it reads, and reads past each gap once.

/** The end of the whitespace and complete comments from `i` (an unterminated `/*` stops it). */
function skipGap(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff) i++;
    else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) return i;
      i = end + 2;
    } else return i;
  }
}

/** Whether the word `w` is at `i` (not run into a longer word). */
function wordAt(text: string, i: number, w: string): boolean {
  return text.startsWith(w, i) && !isWordChar(text[i + w.length]);
}

/** `permute` where it starts a permute; the token is then the keyword (see above). */
function matchPermute(text: string, offset: number): Match | null {
  if (!wordAt(text, offset, "permute")) return null;
  let i = skipGap(text, offset + 7);
  if (wordAt(text, i, "next")) i = skipGap(text, i + 4);
  else if (wordAt(text, i, "followed")) {
    i = skipGap(text, i + 8);
    if (!wordAt(text, i, "by")) return null;
    i = skipGap(text, i + 2);
    if (wordAt(text, i, "any")) i = skipGap(text, i + 3);
  }
  return text[i] === "(" ? matched(text, offset, offset + 7) : null;
}

/**
 * `permute` as the keyword of `permute [op] ( … )` (§3.3a): contextual, not reserved —
 * lexed so only when a permute follows, an {@link Identifier} anywhere else.
 */
export const Permute = createToken({
  name: "Permute",
  pattern: { exec: matchPermute },
  start_chars_hint: ["p"],
  line_breaks: false,
  categories: [AnyWord],
  label: "'permute'",
});

/** The reserved words of §1.1, in the spec's order. */
export const KEYWORDS: readonly TokenType[] = [
  Event,
  Pattern,
  Key,
  By,
  Within,
  After,
  Match,
  No,
  Skip,
  To,
  Next,
  Past,
  First,
  Last,
  Followed,
  Any,
  Not,
  Emit,
  On,
  Timeout,
  Where,
  Optional,
  Greedy,
  Consecutive,
  Combinations,
  Until,
  And,
  Or,
  In,
  Between,
  Is,
  True,
  False,
  Null,
  Prev,
];

/** Words that are keywords only in their context (§3.3a `permute`), never reserved. */
export const CONTEXTUAL_KEYWORDS: readonly TokenType[] = [Permute];

/** The reserved words as text. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(KEYWORDS.map((k) => k.name.toLowerCase()));

function punct(name: string, text: string): TokenType {
  return createToken({
    name,
    pattern: new RegExp(text.replace(/[.*+?()[\]{}|\\/]/g, "\\$&")),
    label: `'${text}'`,
  });
}

export const LCurly = punct("LCurly", "{");
export const RCurly = punct("RCurly", "}");
export const LParen = punct("LParen", "(");
export const RParen = punct("RParen", ")");
export const LBracket = punct("LBracket", "[");
export const RBracket = punct("RBracket", "]");
export const Comma = punct("Comma", ",");
export const Colon = punct("Colon", ":");
export const Dot = punct("Dot", ".");
export const Question = punct("Question", "?");
export const Plus = punct("Plus", "+");
export const Star = punct("Star", "*");
export const Minus = punct("Minus", "-");
export const Slash = punct("Slash", "/");
export const Percent = punct("Percent", "%");
export const EqEq = punct("EqEq", "==");
export const NotEq = punct("NotEq", "!=");
export const LessEq = punct("LessEq", "<=");
export const GreaterEq = punct("GreaterEq", ">=");
export const Less = punct("Less", "<");
export const Greater = punct("Greater", ">");
/** `|` between the alternatives of `( a: A | b: B )` (§3.3a). */
export const Pipe = punct("Pipe", "|");

/** Every token type the lexer tries, in order (first match wins, keywords yield to longer names). */
export const lexerTokens: TokenType[] = [
  Whitespace,
  LineComment,
  BlockComment,
  BadComment,
  StringLiteral,
  BadString,
  QuotedIdentifier,
  BadQuoted,
  DurationLiteral,
  NumberLiteral,
  BadNumber,
  IsoDuration,
  Permute,
  // Longest first, so `not` is tried before `no`.
  ...[...KEYWORDS].sort((a, b) => b.name.length - a.name.length),
  UnitWord,
  Identifier,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  LCurly,
  RCurly,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Dot,
  Question,
  Plus,
  Star,
  Minus,
  Slash,
  Percent,
  Pipe,
];

/** The parser's vocabulary: every token type, categories included. */
export const allTokens: readonly TokenType[] = [AnyWord, Keyword, LexError, UnknownCharacter, ...lexerTokens];

/** Lexer options; its validations run in the tests (test/grammar/validate.test.ts), not at start-up (~10 ms). */
export const LEXER_OPTIONS = { positionTracking: "onlyOffset", ensureOptimizations: true } as const;

const lexer = new Lexer(lexerTokens, { ...LEXER_OPTIONS, skipValidations: true });

// ---------------------------------------------------------------------------
// Lexing

const CHAR_HINTS: Readonly<Record<string, string>> = {
  "=": "compare with `==`",
  "!": "negate with `not`; compare with `!=`",
  "&": "write `and`",
  ";": "clauses and terms are not separated by `;`",
  "'": 'strings use double quotes: `"…"`',
  "#": "comments start with `//` or `/*`",
};

const CHAR_NAMES: Readonly<Record<number, string>> = {
  11: "vertical tab",
  12: "form feed",
  160: "no-break space",
  8203: "zero-width space",
  8232: "line separator",
  8233: "paragraph separator",
  12288: "ideographic space",
};

function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  const name = CHAR_NAMES[cp];
  if (name) return `${hex} (${name})`;
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || /\s/u.test(ch)) return hex;
  return `${quote(ch)} (${hex})`;
}

function unknownToken(source: string, offset: number): IToken {
  const text = String.fromCodePoint(source.codePointAt(offset) ?? 0);
  let hint = CHAR_HINTS[text];
  if (hint === undefined && /\p{L}/u.test(text))
    hint = "names are ASCII; write other names in backticks: `café`";
  else if (hint === undefined && /\s/u.test(text)) hint = "only spaces, tabs and line breaks separate tokens";
  const tok = createTokenInstance(
    UnknownCharacter,
    text,
    offset,
    offset + text.length - 1,
    Number.NaN,
    Number.NaN,
    Number.NaN,
    Number.NaN,
  );
  const shown = /^[\x21-\x7e]+$/.test(text) ? quote(text) : describeChar(text);
  const problem: LexProblem = {
    template: Messages.unexpectedCharacter,
    args: [shown],
    ...(hint ? { hint } : {}),
    start: offset,
    end: offset + text.length,
  };
  tok.payload = problem;
  return tok;
}

/**
 * Splits a source into tokens. Never fails: malformed input becomes `LexError` tokens
 * (with a {@link LexProblem} payload) at the place it occurs, comments and whitespace
 * are dropped. Offsets are UTF-16 indices; `endOffset` is inclusive (Chevrotain's
 * convention).
 */
export function lex(source: string): IToken[] {
  return lexWithComments(source).tokens;
}

/** A comment of the source: its kind, its text (delimiters included) and its span. */
export interface Comment {
  readonly kind: "line" | "block";
  readonly text: string;
  /** UTF-16 offsets, end exclusive. */
  readonly start: number;
  readonly end: number;
}

/**
 * {@link lex}, plus the comments it set aside, in source order (for the formatter, the
 * language server and `// cep-ignore` suppressions). A `/*` with no end is a `LexError`
 * token, not a comment.
 */
export function lexWithComments(source: string): { tokens: IToken[]; comments: Comment[] } {
  const result = lexer.tokenize(source);
  const comments: Comment[] = (result.groups.comments ?? []).map((t) => ({
    kind: t.tokenType === LineComment ? "line" : "block",
    text: t.image,
    start: t.startOffset,
    end: t.startOffset + t.image.length,
  }));
  return { tokens: lexedTokens(source, result), comments };
}

function lexedTokens(source: string, result: ReturnType<Lexer["tokenize"]>): IToken[] {
  // Offset-only tracking leaves `endOffset` unset; CST node locations need it.
  for (const t of result.tokens) t.endOffset = t.startOffset + t.image.length - 1;
  if (result.errors.length === 0) return result.tokens;
  // The lexer drops a run of characters it cannot match and reports it once; one
  // token for the first character of each run is enough, since a block reports only
  // its first syntax error anyway.
  const extra = result.errors.map((e) => unknownToken(source, e.offset));
  return [...result.tokens, ...extra].sort((a, b) => a.startOffset - b.startOffset);
}

/** The problem carried by a `LexError` token, or undefined for a well-formed token. */
export function lexProblem(token: IToken): LexProblem | undefined {
  return tokenMatcher(token, LexError) ? (token.payload as LexProblem) : undefined;
}

/** Renders a lexical problem's message. */
export function lexProblemMessage(p: LexProblem): string {
  return message(p.template, ...p.args);
}
