/**
 * Mutations of pattern sources: byte-level, token-level (with a tokenizer of our own, so
 * making an input never runs the code under test), splicing between files, and the
 * size extremes (deep nesting, huge numbers and quantifiers, long chains).
 */
import { expression } from "./pattern-grammar.js";
import type { Rand } from "./rand.js";

const TOKEN =
  /\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\\n]|\\.)*"|`(?:[^`\n]|``)*`|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[A-Za-z]*|==|!=|<=|>=|\S/gu;

/** Token boundaries [start, end) of `s` (whitespace and comments excluded from none). */
export function tokens(s: string): [number, number][] {
  const out: [number, number][] = [];
  for (const m of s.matchAll(TOKEN)) out.push([m.index, m.index + m[0].length]);
  return out;
}

const KEYWORDS = (
  "event pattern key by within after match no skip to next past first last followed any not emit on " +
  "timeout where optional greedy consecutive combinations until and or in between is true false null prev"
).split(" ");

const PIECES = [
  ...KEYWORDS,
  ..."{ } ( ) [ ] , : . ? + * - / % == != < <= > >= = ! & | ; ' # @ \\".split(" "),
  ..."0 1 42 1.5 1e3 01 1. 5min 1h30m 0.5ms PT1M P1Y 9999999999999999999 1e308 -0".split(" "),
  '"str"',
  '"bad\\q"',
  '"open',
  "`key`",
  "`a``b`",
  "``",
  "// c\n",
  "/* b */",
  "/*",
  "\n",
];

const UNICODE = [
  "é",
  "😀",
  "\u0301",
  "\u200b",
  "\u202e",
  "\u2028",
  "\ufeff",
  "\u0000",
  "\ud800",
  "\udc00",
  "\uffff",
  "\u00a0",
  "Ω",
  "\r",
  "\r\n",
];

const HUGE = [
  "10000",
  "10001",
  "65536",
  "4294967296",
  "9007199254740993",
  "99999999999999999999999",
  "1e308",
  "1e309",
  "0.000000001",
  `1${"0".repeat(400)}`,
];

/** Applies one random mutation to `s`; `other` is a second source for splicing. */
export function mutateOnce(r: Rand, s: string, other: string): string {
  const t = tokens(s);
  const at = () => (t.length === 0 ? [0, 0] : t[r.int(0, t.length - 1)]);
  switch (r.int(0, 12)) {
    case 0: {
      // Flip a bit of one UTF-16 unit (can make lone surrogates, controls, anything).
      if (s.length === 0) return s;
      const i = r.int(0, s.length - 1);
      return s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ (1 << r.int(0, 15))) + s.slice(i + 1);
    }
    case 1: {
      const [a, b] = at();
      return s.slice(0, a) + s.slice(b);
    }
    case 2: {
      const [a, b] = at();
      return `${s.slice(0, b)} ${s.slice(a, b).repeat(r.int(1, 3))}${s.slice(b)}`;
    }
    case 3: {
      if (t.length < 2) return s;
      let [x, y] = [at(), at()];
      if (x[0] > y[0]) [x, y] = [y, x];
      if (x[1] > y[0]) return s;
      return (
        s.slice(0, x[0]) + s.slice(y[0], y[1]) + s.slice(x[1], y[0]) + s.slice(x[0], x[1]) + s.slice(y[1])
      );
    }
    case 4: {
      // Splice: a prefix of this source, a suffix of the other, at token boundaries.
      const u = tokens(other);
      const cut = t.length === 0 ? 0 : t[r.int(0, t.length - 1)][0];
      const from = u.length === 0 ? 0 : u[r.int(0, u.length - 1)][0];
      return s.slice(0, cut) + other.slice(from);
    }
    case 5: {
      const [a, b] = at();
      return s.slice(0, a) + r.pick(KEYWORDS) + s.slice(b);
    }
    case 6: {
      const [a] = at();
      return `${s.slice(0, a)}${r.pick(PIECES)} ${s.slice(a)}`;
    }
    case 7: {
      const i = r.int(0, s.length);
      return s.slice(0, i) + r.pick(UNICODE) + s.slice(i);
    }
    case 8: {
      // A number becomes huge, or a quantifier/window appears with one.
      const nums = t.filter(([a]) => /[0-9]/.test(s[a]));
      if (nums.length > 0 && r.chance(0.6)) {
        const [a, b] = r.pick(nums);
        return s.slice(0, a) + r.pick(HUGE) + s.slice(b);
      }
      return insertAfterType(
        r,
        s,
        t,
        r.pick([`{${r.pick(HUGE)}}`, `{0,${r.pick(HUGE)}}`, `{${r.pick(HUGE)},}`]),
      );
    }
    case 9:
      return deepen(r, s, t);
    case 10:
      return lengthen(r, s, t);
    case 11: {
      // A condition replaced or added.
      const w = s.indexOf("where ");
      const e = expression(r, 3, 0);
      return w < 0
        ? insertAfterType(r, s, t, ` where ${e}`)
        : `${s.slice(0, w + 6)}${e} and ${s.slice(w + 6)}`;
    }
    default: {
      // Duplicate a whole block (duplicate names) or a line.
      const lines = s.split("\n");
      const i = r.int(0, lines.length - 1);
      lines.splice(i, 0, ...lines.slice(i, i + r.int(1, 8)));
      return lines.join("\n");
    }
  }
}

/** Depths for nesting: mostly modest, sometimes (1 in 25) far past any stack. */
const DEPTHS = [3, 10, 50, 200];
const DEEP = [1000, 3000, 10000, 50000];

function deepen(r: Rand, s: string, t: [number, number][]): string {
  const n = r.pick(r.chance(0.04) ? DEEP : DEPTHS);
  const inner = r.pick(["a0.x", "1", "true", "event.x"]);
  const variants = [
    () => `${"(".repeat(n)}${inner}${")".repeat(n)}`,
    () => `${"not ".repeat(n)}${inner}`,
    () => `${"-".repeat(n)}1`,
    () => `${"[".repeat(n)}${inner}${"]".repeat(n)}`,
    () => `${"abs(".repeat(n)}1${")".repeat(n)}`,
    () => Array.from({ length: n }, () => inner).join(r.pick([" and ", " or ", " + ", " == "])),
    () => `${inner}${".x".repeat(n)}`,
    () => `${inner}${"[0]".repeat(n)}`,
  ];
  const e = r.pick(variants)();
  if (r.chance(0.3)) {
    // Nested groups in the sequence instead of an expression.
    const q = r.pick(["", "+", "{2}", "{0,3}", "*", "{10000}"]);
    const group = `${"(".repeat(n)}g: A${`)${q}`.repeat(n)}`;
    const m = s.indexOf("match ");
    return m < 0
      ? `pattern Deep { match ${group} }`
      : `${s.slice(0, m + 6)}${group} followed by ${s.slice(m + 6)}`;
  }
  const w = s.indexOf("where ");
  if (w >= 0) return `${s.slice(0, w + 6)}${e} and ${s.slice(w + 6)}`;
  return insertAfterType(r, s, t, ` where ${e}`);
}

function lengthen(r: Rand, s: string, t: [number, number][]): string {
  const n = r.chance(0.04) ? r.pick([500, 2000, 5000]) : r.pick([5, 10, 30, 100]);
  const contiguity = r.pick(["next", "followed by", "followed by any", "not next"]);
  const chain = Array.from(
    { length: n },
    (_, i) => `v${i}: ${r.pick(["A", "B", "Tick"])}${r.pick(["", "?", "+", "{2}"])}`,
  ).join(` ${contiguity} `);
  if (r.chance(0.5)) {
    const m = s.indexOf("match ");
    if (m >= 0) return `${s.slice(0, m + 6)}${chain} followed by ${s.slice(m + 6)}`;
  }
  if (r.chance(0.3)) {
    // Many patterns, or many emit fields.
    return Array.from(
      { length: Math.min(n, 500) },
      (_, i) => `pattern L${i} { match a: A where a.x == ${i} }`,
    ).join("\n");
  }
  return insertAfterType(r, s, t, ` ${contiguity} ${chain}`);
}

/** Inserts `text` after a term's type (an identifier after `:`), else after a random token. */
function insertAfterType(r: Rand, s: string, t: [number, number][], text: string): string {
  const spots = t.filter(([a], i) => i > 0 && s[t[i - 1][0]] === ":" && /[A-Z`*]/.test(s[a]));
  const spot = spots.length > 0 ? r.pick(spots) : t.length > 0 ? r.pick(t) : [0, 0];
  return s.slice(0, spot[1]) + text + s.slice(spot[1]);
}
