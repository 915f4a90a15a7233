/**
 * The in-process targets the worker runs (a module of its own so that a test can hand
 * the campaign another one: any module exporting `inProcessTargets` will do).
 */
import { eventsTarget } from "./events.js";
import { patternsTarget } from "./patterns.js";
import type { Target } from "./target.js";

/** The patterns and events targets, with `budgetMs` per input. */
export function inProcessTargets(budgetMs: number): Target<any>[] {
  return [patternsTarget(budgetMs), eventsTarget(budgetMs)];
}
