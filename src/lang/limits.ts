/**
 * The size limits of the language (docs/language.md "Limits"), in one place so the
 * parser, the tree builder, the compiler and the docs agree.
 *
 * - {@link MAX_NESTING}: how deep brackets, groups, prefix operators and path steps may
 *   nest. The parser recurses per level, and so does every walk over an expression
 *   except along flat operator chains (`a + b + …`, `a and b and …`), which are walked
 *   in loops and limited only by {@link MAX_BLOCK_TOKENS}.
 * - {@link MAX_BLOCK_TOKENS}: how many tokens one `event`/`pattern` block may hold.
 * - {@link MAX_COMPILED_SIZE}: the NFA size a pattern may compile to.
 */

/**
 * The deepest nesting of `(…)`, `[…]`, groups, `not`, unary `-` and `.f`/`[i]` path
 * steps within one block. Chevrotain's recursive descent overflows the stack beyond
 * ~130 parentheses; 64 leaves room for callers deep in their own stacks.
 */
export const MAX_NESTING = 64;

/**
 * The most tokens one `event` or `pattern` block may hold (words, numbers, strings,
 * operators, brackets; comments do not count). Checked before the block is parsed
 * beyond it: the parser builds a concrete syntax tree of ~10 nodes per operand, 15–60 µs
 * of CPU per token (flat: nothing grows faster than the block), so a block at the
 * limit compiles in 0.15–0.6 s.
 * Realistic patterns hold a few hundred tokens; a 2,000-term `a + b + …` chain ~4,000.
 */
export const MAX_BLOCK_TOKENS = 10_000;

/**
 * The most NFA states plus edges a pattern may compile to, counted before building.
 * Realistic patterns stay far below it; at the cap the builder still takes well under
 * a second.
 */
export const MAX_COMPILED_SIZE = 100_000;
