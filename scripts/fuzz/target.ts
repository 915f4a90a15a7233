/**
 * What a fuzz target is, what a failure is, and how failures are told apart
 * (signatures) and made small (shrinking).
 */
import type { Rand } from "./rand.js";

/** The three kinds of input of the campaign. */
export type Kind = "patterns" | "events" | "cli";

/** The kinds, in the order the summary prints them. */
export const KINDS: readonly Kind[] = ["patterns", "events", "cli"];

/**
 * How an input failed. `exception`: an error other than the documented one escaped;
 * `internal`: a diagnostic with an internal-error code; `invariant`: no exception, but a
 * documented promise broke (a bad line without a reason…); `slow`: finished, over the time
 * budget (twice); `hang`: killed at the kill limit, and again when run alone; `memory`: the
 * worker ran out of its heap, and again alone; `unconfirmed`: a hang or heap exhaustion
 * that did not recur alone (a busy machine, or state left by earlier inputs); for the CLI:
 * `exit-70`, `signal`, `timeout`, `stack-trace`.
 */
export type FailureClass =
  | "exception"
  | "internal"
  | "invariant"
  | "slow"
  | "hang"
  | "memory"
  | "unconfirmed"
  | "exit-70"
  | "signal"
  | "timeout"
  | "stack-trace";

/** One failure: its class, a one-line message and, for exceptions, the stack. */
export interface Failure {
  readonly class: FailureClass;
  readonly message: string;
  readonly stack?: string;
}

/** Files to write beside a crash, and the command that reproduces it from that folder. */
export interface Reproduction {
  readonly files: Readonly<Record<string, string | Uint8Array>>;
  /** Shell command(s), run from the repository root with the folder as `$DIR`. */
  readonly command: string;
}

/** A fuzz target: makes inputs from a generator and runs them. */
export interface Target<I> {
  readonly kind: Kind;
  /** Input from its own generator (the same generator state gives the same input). */
  make(rand: Rand): I;
  /** Runs the input; null when it behaved. Must not throw. */
  run(input: I): Failure | null | Promise<Failure | null>;
  /** One line saying what the input is, for progress and crash reports. */
  describe(input: I): string;
  /** The files and command that reproduce a failure of `input`. */
  reproduce(input: I): Reproduction;
  /** Smaller variants of `input`, most promising first (for shrinking); none: not shrinkable. */
  shrink?(input: I): Iterable<I>;
}

/**
 * A failure's identity for de-duplication: its class, its message with numbers and
 * quoted text blanked, and the innermost frame of the project's code.
 */
export function signature(kind: Kind, failure: Failure): string {
  const message = failure.message
    .split("\n")[0]
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, "…")
    .replace(/\d+(\.\d+)?/g, "N")
    .slice(0, 140);
  const frame = topFrame(failure.stack);
  return `${kind}/${failure.class}: ${message}${frame === null ? "" : ` @ ${frame}`}`;
}

/** The first stack frame in `src/` (`src/lang/parser.ts:120`), else the first frame at all. */
export function topFrame(stack: string | undefined): string | null {
  if (stack === undefined) return null;
  const frames = stack.split("\n").filter((l) => /^\s+at /.test(l));
  const own = frames.find((l) => /[/\\]src[/\\]/.test(l)) ?? frames[0];
  if (own === undefined) return null;
  const m = /([/\\]src[/\\][^:)]+|[^/\\(\s]+):(\d+)(?::\d+)?\)?\s*$/.exec(own);
  return m === null ? own.trim() : `${m[1].replace(/^[/\\]/, "")}:${m[2]}`;
}

/** The failure of an exception caught from a target's code. */
export function exceptionFailure(err: unknown, prefix = ""): Failure {
  if (err instanceof Error) {
    return { class: "exception", message: `${prefix}${err.name}: ${err.message}`, stack: err.stack };
  }
  return { class: "exception", message: `${prefix}thrown non-Error: ${String(err)}` };
}

/**
 * Removal candidates for a text, coarse to fine: halves, quarters, … down to single
 * lines, then the same over characters (ddmin's complement step, lazily).
 */
export function* shrinkText(text: string): Generator<string> {
  const lines = text.split("\n");
  if (lines.length > 1) {
    for (const parts of removals(lines.length)) {
      yield [...lines.slice(0, parts[0]), ...lines.slice(parts[1])].join("\n");
    }
  }
  for (const [from, to] of removals(text.length)) yield text.slice(0, from) + text.slice(to);
}

/** [from, to) ranges to remove from a sequence of `n`: chunks of n/2, n/4, …, 1. */
function* removals(n: number): Generator<[number, number]> {
  for (let size = Math.max(1, n >> 1); ; size >>= 1) {
    for (let from = 0; from < n; from += size) yield [from, Math.min(n, from + size)];
    if (size === 1) return;
  }
}

/**
 * Shrinks `input` while it keeps failing with the same signature: greedy, first
 * improvement, within `budgetMs` and `maxTries` runs. Returns the smallest failing
 * input found (the input itself when nothing smaller fails alike).
 */
export async function minimize<I>(
  target: Target<I>,
  input: I,
  wanted: string,
  budgetMs: number,
  maxTries = 3000,
  onTry: () => void = () => {},
): Promise<I> {
  if (target.shrink === undefined) return input;
  const end = performance.now() + budgetMs;
  let best = input;
  let tries = 0;
  outer: for (;;) {
    for (const candidate of target.shrink(best)) {
      if (++tries > maxTries || performance.now() > end) break outer;
      onTry();
      const failure = await target.run(candidate);
      if (failure !== null && failure.class !== "slow" && signature(target.kind, failure) === wanted) {
        best = candidate;
        continue outer;
      }
    }
    break;
  }
  return best;
}
