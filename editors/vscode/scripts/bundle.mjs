// One CommonJS file for VS Code: the client library is bundled in (the .vsix ships no
// node_modules), `vscode` is provided by the editor at run time.
import { rmSync } from "node:fs";
import { build } from "esbuild";

rmSync("dist", { recursive: true, force: true });

await build({
  entryPoints: ["src/extension.ts"],
  outfile: "dist/extension.js",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["vscode"],
  minify: true,
  keepNames: true,
  logLevel: "warning",
});
