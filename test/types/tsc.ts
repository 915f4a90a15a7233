/**
 * Runs this repository's `tsc` (TypeScript 7, native) on a project, for the `cep types`
 * tests: the exit code and the error codes it printed (`TS2339`, …), in order.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The result of one `tsc -p <project> --noEmit`. */
export interface TscResult {
  readonly code: number | null;
  readonly output: string;
  /** `TSnnnn` codes of the errors, in output order. */
  readonly codes: string[];
}

/** `tsc -p project --noEmit`. */
export function tsc(project: string): TscResult {
  const r = spawnSync(
    join(root, "node_modules", ".bin", "tsc"),
    ["-p", project, "--noEmit", "--pretty", "false"],
    {
      encoding: "utf8",
    },
  );
  const output = `${r.stdout}${r.stderr}`;
  return { code: r.status, output, codes: [...output.matchAll(/error (TS\d+)/g)].map((m) => m[1]) };
}

/** The compiler options every generated-types project uses: strict, ESM, no emit. */
export const STRICT_OPTIONS = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  lib: ["ES2023"],
  types: [],
  strict: true,
  noEmit: true,
  skipLibCheck: false,
};
