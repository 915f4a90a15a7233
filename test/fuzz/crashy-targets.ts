/**
 * Fake in-process targets for the fuzz campaign's own test: a "library" that throws on
 * inputs containing BOOM, hangs on HANG and eats its heap on HOG, so the test can check
 * that the campaign finds, de-duplicates, shrinks and survives each.
 */
import type { Rand } from "../../scripts/fuzz/rand.js";
import { exceptionFailure, type Failure, shrinkText, type Target } from "../../scripts/fuzz/target.js";

const WORDS = ["a", "b", "c", "x", "y", "z", "d", "e", "f", "g", "h"];

/** A word: BOOM 1 in 10, HANG and HOG 1 in 400 each, else a plain word. */
function word(r: Rand): string {
  const n = r.int(0, 399);
  return n < 40 ? "BOOM" : n === 40 ? "HANG" : n === 41 ? "HOG" : r.pick(WORDS);
}

/** The code under test: fine unless `text` holds one of the trigger words. */
function fragile(text: string): void {
  if (text.includes("BOOM")) throw new TypeError("boom: cannot read properties of undefined");
  if (text.includes("HANG")) for (;;) {}
  if (text.includes("HOG")) {
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array(1e6).fill(1));
  }
}

function target(kind: "patterns" | "events", triggers: readonly string[]): Target<string> {
  return {
    kind,
    make: (r: Rand) =>
      Array.from({ length: 1 + r.int(0, 5) }, () => {
        const w = word(r);
        return triggers.includes(w) ? w : w.toLowerCase();
      }).join(" "),
    run(text): Failure | null {
      try {
        fragile(text);
        return null;
      } catch (err) {
        return exceptionFailure(err);
      }
    },
    describe: (text) => JSON.stringify(text),
    reproduce: (text) => ({ files: { "input.txt": text }, command: 'cat "$DIR/input.txt"' }),
    shrink: shrinkText,
  };
}

/** `patterns` may throw (BOOM); `events` (most inputs) may throw, hang (HANG) or run out of memory (HOG). */
export function inProcessTargets(_budgetMs: number): Target<any>[] {
  return [target("patterns", ["BOOM"]), target("events", ["BOOM", "HANG", "HOG"])];
}
