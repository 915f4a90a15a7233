/**
 * The package as an app installs it: built privately (tsc, then scripts/bundle.mjs, as
 * `npm run build`), packed with `npm pack` (so `files` and `exports` are what ships),
 * unpacked into a fresh app's node_modules (its dependencies linked to this checkout's),
 * then used the ways issue #12 found broken and the ways that worked:
 *
 * - `require("cepheus")` from a CommonJS app (a default `npm init` project), and `tsx` on a
 *   `.ts` file there — before: ERR_PACKAGE_PATH_NOT_EXPORTED;
 * - a `.ts` file type-checked by this repository's `tsc` as CommonJS (`module: node16`,
 *   `module: commonjs`), strict and without skipLibCheck, then run;
 * - `import` from an ES module and a type-checked `.mts`;
 * - one implementation for both: `require` and `import` give the same classes.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { root } from "../cli/dist.js";

let work = "";
let app = "";
const bin = (name: string) => join(root, "node_modules", ".bin", name);

function run(cmd: string, args: string[]): { code: number | null; out: string } {
  const r = spawnSync(cmd, args, {
    cwd: app,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "cep-package-"));
  // A private build (concurrent tests may be rebuilding dist/).
  const build = join(work, "build");
  spawnSync(bin("tsc"), ["-p", join(root, "tsconfig.build.json"), "--outDir", join(build, "dist")]);
  for (const f of ["bin", "grammar", "package.json", "README.md", "LICENSE"])
    if (existsSync(join(root, f))) cpSync(join(root, f), join(build, f), { recursive: true });
  symlinkSync(join(root, "node_modules"), join(build, "node_modules"), "dir");
  execFileSync(process.execPath, [join(root, "scripts", "bundle.mjs"), join(build, "dist")], {
    stdio: "pipe",
  });
  execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", work], {
    cwd: build,
    stdio: "pipe",
  });
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
  if (tarball === undefined) throw new Error("npm pack made no tarball");

  // The app: what `npm init -y` writes (CommonJS), with cepheus "installed".
  app = join(work, "app");
  mkdirSync(join(app, "node_modules"), { recursive: true });
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "app", version: "1.0.0", main: "index.js" }),
  );
  execFileSync("tar", ["-xzf", join(work, tarball), "-C", join(app, "node_modules")]);
  renameSync(join(app, "node_modules", "package"), join(app, "node_modules", "cepheus"));
  symlinkSync(join(root, "node_modules"), join(app, "node_modules", "cepheus", "node_modules"), "dir");

  const program = (load: string) => `${load}
const program = compile("pattern P { key by user within 1 minute match a: A followed by b: B emit { n: count(a) } }");
const engine = new Engine(program);
engine.on("match", (record) => console.log("match", record.key, JSON.stringify(record.emit)));
engine.push({ type: "A", user: "u1", ts: 1000 });
engine.push({ type: "B", user: "u1", ts: 2000 });
engine.end();
try {
  compile("pattern {");
} catch (err) {
  console.log("CompileError", err instanceof CompileError);
}
`;
  writeFileSync(
    join(app, "index.js"),
    program('const { compile, Engine, CompileError } = require("cepheus");'),
  );
  writeFileSync(join(app, "esm.mjs"), program('import { compile, Engine, CompileError } from "cepheus";'));
  const ts = program('import { compile, Engine, CompileError, type MatchRecord } from "cepheus";').replace(
    "(record) =>",
    "(record: MatchRecord) =>",
  );
  writeFileSync(join(app, "app.ts"), ts);
  writeFileSync(join(app, "app.mts"), ts);
  writeFileSync(
    join(app, "same.js"),
    `const cjs = require("cepheus");
import("cepheus").then((esm) => {
  console.log(["Engine", "CompileError", "compile", "Worker", "connect"].map((n) => n + " " + (typeof cjs[n] === "function" && esm[n] === cjs[n])).join(", "));
});
`,
  );
}, 300_000);

afterAll(() => {
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

const EXPECTED = 'match u1 {"n":1}\nCompileError true\n';

/** Type-checks `file` with this repository's tsc (strict, no skipLibCheck), writes JS to `out`. */
function tsc(file: string, out: string, ...options: string[]) {
  return run(bin("tsc"), [
    file,
    "--strict",
    "--target",
    "es2022",
    ...options,
    "--types",
    "node",
    "--typeRoots",
    join(root, "node_modules", "@types"),
    "--outDir",
    out,
  ]);
}

describe("a CommonJS app", () => {
  test('require("cepheus") compiles and runs a pattern', () => {
    expect(run(process.execPath, ["index.js"])).toEqual({ code: 0, out: EXPECTED });
  });

  test("tsx runs a .ts file that imports cepheus", () => {
    expect(run(bin("tsx"), ["app.ts"])).toEqual({ code: 0, out: EXPECTED });
  });

  test.each([
    ["node16", ["--module", "node16", "--moduleResolution", "node16"]],
    ["commonjs", ["--module", "commonjs"]],
  ])("a .ts file type-checks against the package's types (module %s) and runs", (name, options) => {
    expect(tsc("app.ts", `out-${name}`, ...options)).toEqual({ code: 0, out: "" });
    expect(run(process.execPath, [join(`out-${name}`, "app.js")])).toEqual({ code: 0, out: EXPECTED });
  });
});

describe("an ES module app", () => {
  test('import from "cepheus" compiles and runs a pattern', () => {
    expect(run(process.execPath, ["esm.mjs"])).toEqual({ code: 0, out: EXPECTED });
  });

  test("a .mts file type-checks (module nodenext) and runs", () => {
    expect(tsc("app.mts", "out-esm", "--module", "nodenext")).toEqual({ code: 0, out: "" });
    expect(run(process.execPath, [join("out-esm", "app.mjs")])).toEqual({ code: 0, out: EXPECTED });
  });
});

test("require and import load one implementation (the Redis exports included)", () => {
  expect(run(process.execPath, ["same.js"])).toEqual({
    code: 0,
    out: "Engine true, CompileError true, compile true, Worker true, connect true\n",
  });
});
