/**
 * The seed material of the campaign: the example patterns with their sample events, and
 * the golden test cases' pattern files. Read once per process.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A pattern file of the corpus. */
export interface SeedPattern {
  /** Path from the repository root. */
  readonly file: string;
  readonly source: string;
}

/** An example of patterns/: its pattern and its sample event lines. */
export interface Scenario {
  readonly name: string;
  readonly file: string;
  readonly source: string;
  readonly lines: readonly string[];
}

let patterns: SeedPattern[] | null = null;
let scenarios: Scenario[] | null = null;

/** patterns/*.pattern and test/cases/**\/*.pattern, sorted (the order seeds depend on). */
export function seedPatterns(): readonly SeedPattern[] {
  if (patterns !== null) return patterns;
  const files = [...list(join(ROOT, "patterns"), false), ...list(join(ROOT, "test", "cases"), true)].sort();
  patterns = files.map((f) => ({ file: relative(ROOT, f), source: readFileSync(f, "utf8") }));
  return patterns;
}

/** The examples of patterns/ that have sample events, sorted by name. */
export function seedScenarios(): readonly Scenario[] {
  if (scenarios !== null) return scenarios;
  const dir = join(ROOT, "patterns");
  scenarios = readdirSync(dir)
    .filter((f) => f.endsWith(".events.ndjson"))
    .sort()
    .map((f) => {
      const name = f.slice(0, -".events.ndjson".length);
      const file = join("patterns", `${name}.pattern`);
      return {
        name,
        file,
        source: readFileSync(join(ROOT, file), "utf8"),
        lines: readFileSync(join(dir, f), "utf8")
          .split("\n")
          .filter((l) => l.length > 0),
      };
    });
  return scenarios;
}

function list(dir: string, recursive: boolean): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive })
    .filter((e) => e.isFile() && e.name.endsWith(".pattern"))
    .map((e) => join(e.parentPath, e.name));
}
