/**
 * Token- and character-level mutations of pattern sources for fast-check fuzz tests
 * (the parser fuzz and the hostile-pattern fuzz share them).
 */
import fc from "fast-check";
import { lex } from "../../src/lang/tokens.js";

/** A mutation: a source → an arbitrary of mutated sources. */
export type Mutation = (source: string) => fc.Arbitrary<string>;

/** Token boundaries of a source (start and end offsets). */
export function tokenRanges(source: string): [number, number][] {
  return lex(source).map((t) => [t.startOffset, t.startOffset + t.image.length]);
}

/** Delete a token. */
export const deleteToken: Mutation = (s) => {
  const r = tokenRanges(s);
  return r.length === 0
    ? fc.constant(s)
    : fc.nat(r.length - 1).map((i) => s.slice(0, r[i][0]) + s.slice(r[i][1]));
};

/** Insert one of `pieces` before a token. */
export const insertPiece =
  (pieces: readonly string[]): Mutation =>
  (s) => {
    const r = tokenRanges(s);
    return fc.tuple(fc.nat(Math.max(0, r.length - 1)), fc.constantFrom(...pieces)).map(([i, p]) => {
      const at = r[i]?.[0] ?? 0;
      return `${s.slice(0, at)}${p} ${s.slice(at)}`;
    });
  };

/** Replace a token by one of `pieces`. */
export const replaceToken =
  (pieces: readonly string[]): Mutation =>
  (s) => {
    const r = tokenRanges(s);
    if (r.length === 0) return fc.constant(s);
    return fc
      .tuple(fc.nat(r.length - 1), fc.constantFrom(...pieces))
      .map(([i, p]) => s.slice(0, r[i][0]) + p + s.slice(r[i][1]));
  };

/** Delete, insert or replace one character with one of `chars` ("" deletes). */
export const editChar =
  (chars: readonly string[]): Mutation =>
  (s) =>
    fc
      .tuple(fc.nat(s.length), fc.constantFrom(...chars), fc.boolean())
      .map(([i, c, replace]) => s.slice(0, i) + c + s.slice(replace ? i + 1 : i));

/** `seed` after the mutations `which` (indexes into `mutations`), applied in order. */
export function applyMutations(mutations: readonly Mutation[], seed: string, which: readonly number[]) {
  return which.reduce<fc.Arbitrary<string>>((acc, m) => acc.chain((s) => mutations[m](s)), fc.constant(seed));
}
