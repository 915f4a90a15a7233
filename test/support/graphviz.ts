/**
 * Graphviz's `dot` is a test requirement, like Redis: `npm test` installs it first
 * (scripts/ensure-test-tools.sh). A test that needs it calls {@link requireDot}, which
 * fails with what to run rather than letting the test skip or fail obscurely.
 */
import { spawnSync } from "node:child_process";

let found: boolean | undefined;

/** True when `dot -V` runs (checked once per test file). */
export function hasDot(): boolean {
  found ??= spawnSync("dot", ["-V"], { stdio: "ignore" }).status === 0;
  return found;
}

/** Throws a clear error when Graphviz's `dot` is not on the PATH. */
export function requireDot(): void {
  if (hasDot()) return;
  throw new Error(
    "Graphviz's `dot` is not on the PATH, and this test needs it: " +
      "`npm test` installs it (scripts/ensure-test-tools.sh), or run `sudo apt-get install graphviz` " +
      "(Debian, Ubuntu) or `brew install graphviz` (macOS)",
  );
}
