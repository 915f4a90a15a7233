/**
 * `bin/cep.js` for tests that start real processes, isolated from concurrent builds.
 *
 * `bin/cep.js` runs `dist/bundle/cep.cjs`, made from `dist/` by `npm run build`, which
 * rewrites `dist/` file by file; a process starting while another test file (or a
 * person) rebuilds can load half-old modules and die with a SyntaxError. Tests that start many processes therefore run a private copy:
 * `dist/`, `bin/` and `package.json` copied into a temporary directory, with a symlink to
 * the repository's `node_modules`. The copy is the same code `bin/cep.js` runs.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));

/** Newest (`newest`) or oldest modification time of the files under `dir` ending in `ext`. */
function mtime(dir: string, ext: string, newest: boolean): number {
  let best = newest ? 0 : Number.POSITIVE_INFINITY;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(ext)) continue;
    const t = statSync(join(entry.parentPath, entry.name)).mtimeMs;
    best = newest ? Math.max(best, t) : Math.min(best, t);
  }
  return best;
}

/** Builds `dist/` when it is missing or older than `src/`. */
export function ensureBuilt(): void {
  const dist = join(root, "dist");
  const fresh =
    existsSync(join(dist, "bundle", "cep.cjs")) &&
    mtime(dist, ".js", false) >= mtime(join(root, "src"), ".ts", true);
  if (fresh) return;
  try {
    execFileSync("npm", ["run", "build"], { cwd: root, stdio: "pipe" });
  } catch {
    // tsc emits despite type errors elsewhere in the tree; what matters is the output.
  }
  if (!existsSync(join(dist, "bundle", "cep.cjs")))
    throw new Error("npm run build produced no dist/bundle/cep.cjs");
}

/** A private copy of the built command; returns the path of its `bin/cep.js`. */
export function privateBin(): string {
  ensureBuilt();
  for (let attempt = 0; ; attempt++) {
    const app = mkdtempSync(join(tmpdir(), "cep-app-"));
    cpSync(join(root, "dist"), join(app, "dist"), { recursive: true });
    cpSync(join(root, "bin"), join(app, "bin"), { recursive: true });
    cpSync(join(root, "package.json"), join(app, "package.json"));
    symlinkSync(join(root, "node_modules"), join(app, "node_modules"), "dir");
    const bin = join(app, "bin", "cep.js");
    try {
      execFileSync(process.execPath, [bin, "--version"], { stdio: "pipe" });
      return bin;
    } catch (err) {
      // Copied in the middle of someone's build: take it again.
      if (attempt >= 3) throw err;
      execFileSync("sleep", ["2"]);
    }
  }
}
