/**
 * What the docs say about running `cep` through `npx` in a clone is checked with the real
 * `npx` (the docs test stands in a shell function for it): from the clone's root,
 * `npx cep` runs the checkout's own command and passes every argument on, `--help` and
 * `--version` included (npm 10 and 11). Issue #12: the docs said the opposite and advised
 * `npx cep -- --version`, which hands `cep` a `--` and fails.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { ensureBuilt, root } from "../cli/dist.js";

const npx = (...args: string[]) => {
  const r = spawnSync("npx", ["cep", ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: "1", npm_config_update_notifier: "false" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const version: string = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;

beforeAll(() => ensureBuilt(), 180_000);

describe("npx cep from the clone's root", () => {
  test("--version prints cep's version", () => {
    expect(npx("--version")).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  test("--help and help print cep's help", () => {
    for (const args of [["--help"], ["help"]]) {
      const r = npx(...args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout, args.join(" ")).toMatch(/^Usage: cep \[options\] \[command\]/);
    }
  });

  test("options after a command reach it: run --help", () => {
    const r = npx("run", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--input");
  });

  test("runs the README's example end to end", () => {
    const r = npx(
      "run",
      "patterns/login-brute-force.pattern",
      "--input",
      "patterns/login-brute-force.events.ndjson",
      "--quiet",
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ pattern: "BruteForce", key: "alice" });
  });
});

test("no document advises `npx cep -- …` (it fails: cep receives the `--`)", () => {
  const docs = [
    "README.md",
    ...readdirSync(join(root, "docs"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/${f}`),
  ];
  const bad = docs.flatMap((doc) =>
    readFileSync(join(root, doc), "utf8")
      .split("\n")
      .flatMap((line, i) => (/npx cep -- /.test(line) ? [`${doc}:${i + 1}: ${line.trim()}`] : [])),
  );
  expect(bad).toEqual([]);
  expect(npx("--", "--version").code, "npx cep -- --version").not.toBe(0);
});
