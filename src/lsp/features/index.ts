/**
 * The language server's features, each a module whose `register` adds its handlers
 * through the {@link ServerContext} and returns the capabilities it brings. A new
 * feature is a new file and one line here; `server.ts` never changes for it.
 */
import type { Feature } from "../context.js";
import { register as completion } from "./completion.js";
import { register as diagnostics } from "./diagnostics.js";
import { register as folding } from "./folding.js";
import { register as formatting } from "./formatting.js";
import { register as hover } from "./hover.js";
import { register as navigation } from "./navigation.js";
import { register as quickFixes } from "./quick-fixes.js";
import { register as rename } from "./rename.js";
import { register as semanticTokens } from "./semantic-tokens.js";
import { register as symbols } from "./symbols.js";

/** Registered in this order; their capabilities are merged into `initialize`'s result. */
export const features: readonly Feature[] = [
  diagnostics,
  symbols,
  semanticTokens,
  folding,
  quickFixes,
  formatting,
  hover,
  completion,
  navigation,
  rename,
];
