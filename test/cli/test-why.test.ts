/**
 * `cep test` through the real binary: a missing expected record is explained as `cep why`
 * explains it — the closest partial match and what stopped it — under the diff.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { ensureBuilt, root } from "./dist.js";

const bin = join(root, "bin", "cep.js");
let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "cep-test-why-"));
}, 120_000);

function cep(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("cep test explains a missing record", () => {
  test("near miss of patterns/login-brute-force: the changed line and the condition that failed", () => {
    copyFileSync(join(root, "patterns", "login-brute-force.pattern"), join(dir, "brute.pattern"));
    copyFileSync(
      join(root, "patterns", "login-brute-force.expected.ndjson"),
      join(dir, "brute.expected.ndjson"),
    );
    // Line 7: alice's successful login now comes from her first failure's IP.
    const events = readFileSync(join(root, "patterns", "login-brute-force.events.ndjson"), "utf8").split(
      "\n",
    );
    expect(events[6]).toContain('"LoginOk","user":"alice"');
    events[6] = events[6].replace("192.168.7.7", "10.0.0.1");
    writeFileSync(join(dir, "brute.events.ndjson"), events.join("\n"));
    const r = cep(["test", "brute.pattern"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("FAIL brute: 1 missing");
    expect(r.stdout).toContain("why (cep why):");
    expect(r.stdout).toContain('BruteForce, key "alice"');
    expect(r.stdout).toContain(
      'line 7 (LoginOk) was not taken as ok: ip != first(fail).ip is false, ip = "10.0.0.1", first(fail).ip = "10.0.0.1"',
    );
    expect(r.stdout).toContain("brute.pattern:13:");
  });

  test("a record whose events are never taken in full: the event and the rule, with the diff kept", () => {
    writeFileSync(
      join(dir, "shop.pattern"),
      "pattern Big {\n  key by user\n  match a: Add followed by c: Checkout where amount > 100\n}\n",
    );
    writeFileSync(
      join(dir, "shop.events.ndjson"),
      '{"type":"Add","ts":1,"user":"u1"}\n{"type":"Checkout","ts":2,"user":"u1","amount":87}\n' +
        '{"type":"Add","ts":3,"user":"u2"}\n{"type":"Checkout","ts":4,"user":"u2","amount":150}\n',
    );
    const match = (u: string, t: number, amount: number) =>
      JSON.stringify({
        pattern: "Big",
        key: u,
        start: t,
        end: t + 1,
        events: {
          a: [{ type: "Add", ts: t, user: u }],
          c: [{ type: "Checkout", ts: t + 1, user: u, amount }],
        },
      });
    writeFileSync(join(dir, "shop.expected.ndjson"), `${match("u1", 1, 87)}\n${match("u2", 3, 150)}\n`);
    const r = cep(["test", "shop.pattern"]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split("\n");
    const missing = lines.findIndex((l) => l.includes("missing    #1"));
    expect(missing).toBeGreaterThanOrEqual(0);
    expect(lines[missing + 1].trim()).toBe("why (cep why):");
    expect(r.stdout).toContain("line 2 (Checkout) was not taken as c: amount > 100 is false, amount = 87");
    // The passing record is not explained; the count line is still there.
    expect(r.stdout).not.toContain('key "u2"');
    expect(r.stdout).toContain("0 passed, 1 failed");
  });

  test("a record without events whose key matched: the diff only", () => {
    writeFileSync(join(dir, "emit.expected.ndjson"), '{"pattern":"Big","key":"u2","emit":{"x":1}}\n');
    copyFileSync(join(dir, "shop.pattern"), join(dir, "emit.pattern"));
    copyFileSync(join(dir, "shop.events.ndjson"), join(dir, "emit.events.ndjson"));
    const r = cep(["test", "emit.pattern"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("missing    #1");
    expect(r.stdout).not.toContain("why (cep why)");
  });

  test("a record without events whose key never matched: its furthest partial match", () => {
    writeFileSync(join(dir, "nokey.expected.ndjson"), '{"pattern":"Big","key":"u1"}\n');
    copyFileSync(join(dir, "shop.pattern"), join(dir, "nokey.pattern"));
    copyFileSync(join(dir, "shop.events.ndjson"), join(dir, "nokey.events.ndjson"));
    const r = cep(["test", "nokey.pattern"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("why (cep why):");
    expect(r.stdout).toContain("line 2: Checkout — amount > 100 is false, amount = 87");
  });

  test("a passing scenario prints no explanation", () => {
    writeFileSync(join(dir, "ok.pattern"), "pattern P {\n  match a: A\n}\n");
    writeFileSync(join(dir, "ok.events.ndjson"), '{"type":"A","ts":1}\n');
    writeFileSync(
      join(dir, "ok.expected.ndjson"),
      '{"pattern":"P","key":null,"start":1,"end":1,"events":{"a":[{"type":"A","ts":1}]}}\n',
    );
    const r = cep(["test", "ok.pattern"]);
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).not.toContain("why");
  });
});
