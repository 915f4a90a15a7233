/**
 * Vitest set-up of the "interpreter" project (vitest.config.ts): engines built without an
 * explicit `codegen` option run on the interpreter, so the semantic suites test both paths.
 */
import { setCodegenDefault } from "../../src/runtime/codegen/instantiate.js";

setCodegenDefault(false);
