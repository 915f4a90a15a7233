/**
 * The README's test command (`npm ci && npm test`) must pass on a fresh machine with only
 * Node: `npm test` first runs scripts/ensure-redis.sh, which installs redis-server for the
 * scale-out tests when it can (root, or `sudo -n`) and otherwise fails with one line that
 * says what to run (issue #12: 15 scale-out tests failed on a machine without Redis).
 *
 * The script runs here with a PATH of stand-ins only — `redis-server`, `redis-cli`, `id`,
 * `sudo`, `apt-get` as the case needs — so nothing is installed and the real Redis of this
 * machine is out of sight. `apt-get install` "installs" by writing Redis stand-ins.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { root } from "../cli/dist.js";

let bin: string;
let log: string;

const script = (name: string, body: string) => {
  writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
};
const redisStandIns = (version: string) =>
  `printf '%s\\n' '#!/bin/bash' 'echo "Redis server v=${version} sha=00000000:0 malloc=libc bits=64 build=0"' > "${bin}/redis-server"
printf '%s\\n' '#!/bin/bash' 'echo "redis-cli ${version}"' > "${bin}/redis-cli"
/bin/chmod +x "${bin}/redis-server" "${bin}/redis-cli"`;

/** A machine: who we are, whether sudo works without a password, what apt-get does. */
function machine(o: { uid: number; sudo?: boolean; apt?: "installs" | "fails" | "missing"; redis?: string }) {
  script("id", `echo ${o.uid}`);
  if (o.sudo) script("sudo", `echo "sudo $*" >> "${log}"; [ "$1" = -n ] && shift; exec "$@"`);
  if (o.apt !== "missing") {
    script(
      "apt-get",
      `echo "apt-get $*" >> "${log}"
case " $* " in *" install "*) ${o.apt === "installs" ? `${redisStandIns("7.0.15")}; exit 0` : "exit 100"} ;; esac`,
    );
  }
  if (o.redis !== undefined) script("redis-server-setup", redisStandIns(o.redis));
  if (o.redis !== undefined) spawnSync(join(bin, "redis-server-setup"));
}

function ensure() {
  const r = spawnSync("/bin/bash", [join(root, "scripts", "ensure-redis.sh")], {
    encoding: "utf8",
    env: { PATH: bin },
  });
  let calls = "";
  try {
    calls = readFileSync(log, "utf8");
  } catch {}
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    calls: calls.trim().split("\n").filter(Boolean),
  };
}

beforeEach(() => {
  bin = mkdtempSync(join(tmpdir(), "cep-ensure-redis-"));
  log = join(bin, "calls.log");
  for (const tool of ["env", "true"]) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
});

afterEach(() => {
  rmSync(bin, { recursive: true, force: true });
});

const HOW = "run `sudo apt-get install redis-server` (Debian, Ubuntu) or `brew install redis` (macOS)";

describe("scripts/ensure-redis.sh", () => {
  test("Redis 7 on the PATH: nothing to do, nothing printed", () => {
    machine({ uid: 1000, apt: "installs", redis: "7.2.4" });
    expect(ensure()).toEqual({ code: 0, stdout: "", stderr: "", calls: [] });
  });

  test("missing, as root: installs redis-server with apt-get", () => {
    machine({ uid: 0, apt: "installs" });
    const r = ensure();
    expect(r.code).toBe(0);
    expect(r.calls).toEqual(["apt-get update -qq", "apt-get install -y -qq redis-server"]);
    expect(r.stderr).toContain("installing redis-server");
  });

  test("missing, as a user with passwordless sudo: installs through sudo -n", () => {
    machine({ uid: 1000, sudo: true, apt: "installs" });
    const r = ensure();
    expect(r.code).toBe(0);
    expect(r.calls).toContain("apt-get install -y -qq redis-server");
    expect(r.calls.filter((c) => c.startsWith("sudo -n"))).toHaveLength(3); // the probe, update, install
  });

  test.each([
    ["a user without sudo", { uid: 1000, apt: "installs" as const }],
    ["root, apt-get failing (offline)", { uid: 0, apt: "fails" as const }],
    ["root, no apt-get (not Debian)", { uid: 0, apt: "missing" as const }],
    ["root, Redis 6 installed and apt-get failing", { uid: 0, apt: "fails" as const, redis: "6.0.16" }],
  ])("cannot install (%s): fails with one line saying what to run", (_, m) => {
    machine(m);
    const r = ensure();
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.split("\n").filter((l) => l !== "" && !l.includes("installing redis-server"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(HOW);
    if (m.uid !== 0) expect(r.calls.filter((c) => c.startsWith("apt-get"))).toEqual([]);
  });
});

describe("the README's test command runs it", () => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

  test("npm test and npm run test:scale-out start with scripts/ensure-redis.sh", () => {
    expect(pkg.scripts.test).toMatch(/^bash scripts\/ensure-redis\.sh && /);
    expect(pkg.scripts["test:scale-out"]).toMatch(/^bash scripts\/ensure-redis\.sh && /);
  });

  test(".ci/run runs exactly the README's test command", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const row = /^\|\s*run the tests[^|]*\|\s*`([^`]+)`\s*\|/m.exec(readme);
    expect(row?.[1]).toBe("npm ci && npm test");
    const ci = readFileSync(join(root, ".ci", "run"), "utf8")
      .trimEnd()
      .split("\n");
    expect(ci[ci.length - 1]).toBe(row?.[1]);
  });
});
