/**
 * The language server's features, each a module whose `register` adds its handlers
 * through the {@link ServerContext} and returns the capabilities it brings. A new
 * feature is a new file and one line here; `server.ts` never changes for it.
 */
import type { Feature } from "../context.js";
import { register as diagnostics } from "./diagnostics.js";

/** Registered in this order; their capabilities are merged into `initialize`'s result. */
export const features: readonly Feature[] = [diagnostics];
