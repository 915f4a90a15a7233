/**
 * Every Node version the package claims (package.json `engines.node`) must be one that
 * every installed dependency, production and development, accepts: otherwise `npm ci`
 * warns `EBADENGINE` on a version the README promises (issue #12: Chevrotain 13 wanted
 * Node ≥ 22 while the README said 20). Entries of package-lock.json that are not
 * installed here (other platforms' optional binaries) are not checked.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import semver from "semver";
import { expect, test } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const json = (file: string) => JSON.parse(readFileSync(join(root, file), "utf8"));

interface LockEntry {
  readonly version?: string;
  readonly engines?: { readonly node?: string } | readonly string[];
}

test("package.json claims a valid Node range that includes the running Node", () => {
  const claimed: string = json("package.json").engines.node;
  expect(semver.validRange(claimed), `engines.node ${claimed}`).not.toBeNull();
  expect(semver.satisfies(process.version, claimed), `${process.version} in ${claimed}`).toBe(true);
});

test("every installed dependency accepts every Node version package.json claims", () => {
  const claimed: string = json("package.json").engines.node;
  const packages: Record<string, LockEntry> = json("package-lock.json").packages;
  const refused: string[] = [];
  let checked = 0;
  for (const [path, entry] of Object.entries(packages)) {
    if (path === "" || !existsSync(join(root, path, "package.json"))) continue;
    checked++;
    // Old packages may give engines as an array of strings; npm ignores those.
    const wanted = Array.isArray(entry.engines) ? undefined : (entry.engines as { node?: string })?.node;
    if (wanted === undefined) continue;
    if (!semver.subset(claimed, wanted))
      refused.push(
        `${path}@${entry.version}: engines.node ${wanted} (min of ours: ${semver.minVersion(claimed)})`,
      );
  }
  expect(checked, "installed packages found in package-lock.json").toBeGreaterThan(50);
  expect(refused, `dependencies that refuse part of engines.node ${claimed}`).toEqual([]);
});

// The VS Code extension (editors/vscode) has its own lockfile, installed by `npm test`
// (scripts/vscode-extension.sh): it claims the same Node range and every entry of its lockfile
// accepts it — all entries, installed or not, so this holds before the extension is built.
test("the VS Code extension claims the same Node range and its lockfile accepts all of it", () => {
  const claimed: string = json("package.json").engines.node;
  expect(json("editors/vscode/package.json").engines.node).toBe(claimed);
  const lock = json("editors/vscode/package-lock.json");
  expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2);
  const packages: Record<string, LockEntry> = lock.packages;
  const refused: string[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    if (path === "") continue;
    const wanted = Array.isArray(entry.engines) ? undefined : (entry.engines as { node?: string })?.node;
    if (wanted !== undefined && !semver.subset(claimed, wanted))
      refused.push(`editors/vscode/${path}@${entry.version}: engines.node ${wanted}`);
  }
  expect(Object.keys(packages).length, "entries in editors/vscode/package-lock.json").toBeGreaterThan(50);
  expect(refused, `extension dependencies that refuse part of engines.node ${claimed}`).toEqual([]);
});
