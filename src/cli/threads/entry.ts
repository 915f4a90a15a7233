/** A worker thread's script when the CLI runs unbundled (dist/cli): see spawn.ts. */
import { threadMain } from "./worker.js";

threadMain();
