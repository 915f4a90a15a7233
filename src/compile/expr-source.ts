/**
 * Canonical source text of an expression (for NFA dumps): `price > 10 and name == "a"`,
 * with only the parentheses precedence needs. The implementation lives in the language
 * front end so diagnostics can quote expressions too.
 */
export { exprToSource, identToSource } from "../lang/expr-text.js";
