/**
 * The README's test command (`npm ci && npm test`) must pass on a fresh machine with only
 * Node: `npm test` first runs scripts/ensure-test-tools.sh, which installs what the tests
 * need — redis-server for the scale-out tests, Graphviz's `dot` for the docs and first-hour
 * tests — when it can (root, or `sudo -n`; one `apt-get install` of what is missing) and
 * otherwise fails with one line that says what is missing and what to run (issue #12: 15
 * scale-out tests failed on a machine without Redis; tests needing `dot` used to skip).
 *
 * The script runs here with a PATH of stand-ins only — `redis-server`, `redis-cli`, `dot`,
 * `id`, `sudo`, `apt-get` as the case needs — so nothing is installed and the real Redis
 * and Graphviz of this machine are out of sight. `apt-get install` "installs" by writing
 * stand-ins for the packages it is given.
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
const dotStandIn = () =>
  `printf '%s\\n' '#!/bin/bash' 'echo "dot - graphviz version 2.43.0 (0)" >&2' > "${bin}/dot"
/bin/chmod +x "${bin}/dot"`;

/**
 * A machine: who we are, whether sudo works without a password, what apt-get does, which
 * Redis (if any) and whether Graphviz's `dot` is installed.
 */
function machine(o: {
  uid: number;
  sudo?: boolean;
  apt?: "installs" | "fails" | "missing";
  redis?: string;
  dot?: boolean;
}) {
  script("id", `echo ${o.uid}`);
  if (o.sudo) script("sudo", `echo "sudo $*" >> "${log}"; [ "$1" = -n ] && shift; exec "$@"`);
  if (o.apt !== "missing") {
    const installs = `case " $* " in *" redis-server "*) ${redisStandIns("7.0.15")} ;; esac
case " $* " in *" graphviz "*) ${dotStandIn()} ;; esac
exit 0`;
    script(
      "apt-get",
      `echo "apt-get $*" >> "${log}"
case " $* " in *" install "*) ${o.apt === "installs" ? installs : "exit 100"} ;; esac`,
    );
  }
  if (o.redis !== undefined) script("redis-server-setup", redisStandIns(o.redis));
  if (o.redis !== undefined) spawnSync(join(bin, "redis-server-setup"));
  if (o.dot) script("dot-setup", dotStandIn());
  if (o.dot) spawnSync(join(bin, "dot-setup"));
}

function ensure() {
  const r = spawnSync("/bin/bash", [join(root, "scripts", "ensure-test-tools.sh")], {
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
  bin = mkdtempSync(join(tmpdir(), "cep-ensure-test-tools-"));
  log = join(bin, "calls.log");
  for (const tool of ["env", "true"]) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
});

afterEach(() => {
  rmSync(bin, { recursive: true, force: true });
});

const how = (apt: string, brew: string) =>
  `run \`sudo apt-get install ${apt}\` (Debian, Ubuntu) or \`brew install ${brew}\` (macOS)`;
const REDIS = "Redis 7+ (redis-server and redis-cli)";
const DOT = "Graphviz (dot)";

/** The script failed with exactly one line (besides "installing …") naming `needs` and saying `run`. */
function expectOneLine(r: ReturnType<typeof ensure>, needs: string, run: string) {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe("");
  const lines = r.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("npm test: installing "));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(`the tests need ${needs} on the PATH`);
  expect(lines[0]).toContain(run);
}

describe("scripts/ensure-test-tools.sh", () => {
  test("Redis 7 and dot on the PATH: nothing to do, nothing printed", () => {
    machine({ uid: 1000, apt: "installs", redis: "7.2.4", dot: true });
    expect(ensure()).toEqual({ code: 0, stdout: "", stderr: "", calls: [] });
  });

  test("Redis missing, as root: installs redis-server (only) with apt-get", () => {
    machine({ uid: 0, apt: "installs", dot: true });
    const r = ensure();
    expect(r.code).toBe(0);
    expect(r.calls).toEqual(["apt-get update -qq", "apt-get install -y -qq redis-server"]);
    expect(r.stderr).toBe("npm test: installing redis-server for the tests (apt-get)\n");
  });

  test("dot missing, as root: installs graphviz (only) with apt-get", () => {
    machine({ uid: 0, apt: "installs", redis: "7.2.4" });
    const r = ensure();
    expect(r.code).toBe(0);
    expect(r.calls).toEqual(["apt-get update -qq", "apt-get install -y -qq graphviz"]);
    expect(r.stderr).toBe("npm test: installing graphviz for the tests (apt-get)\n");
  });

  test("both missing, as root: one apt-get install of both", () => {
    machine({ uid: 0, apt: "installs" });
    const r = ensure();
    expect(r.code).toBe(0);
    expect(r.calls).toEqual(["apt-get update -qq", "apt-get install -y -qq redis-server graphviz"]);
    expect(r.stderr).toBe("npm test: installing redis-server graphviz for the tests (apt-get)\n");
  });

  test("Redis 6 and dot, as root: upgrades redis-server only", () => {
    machine({ uid: 0, apt: "installs", redis: "6.0.16", dot: true });
    const r = ensure();
    expect(r.code).toBe(0);
    expect(r.calls).toEqual(["apt-get update -qq", "apt-get install -y -qq redis-server"]);
  });

  test("both missing, as a user with passwordless sudo: installs through sudo -n", () => {
    machine({ uid: 1000, sudo: true, apt: "installs" });
    const r = ensure();
    expect(r.code).toBe(0);
    expect(r.calls).toContain("apt-get install -y -qq redis-server graphviz");
    expect(r.calls.filter((c) => c.startsWith("sudo -n"))).toHaveLength(3); // the probe, update, install
  });

  test.each([
    ["a user without sudo", { uid: 1000, apt: "installs" as const, dot: true }],
    ["root, apt-get failing (offline)", { uid: 0, apt: "fails" as const, dot: true }],
    ["root, no apt-get (not Debian)", { uid: 0, apt: "missing" as const, dot: true }],
    [
      "root, Redis 6 installed and apt-get failing",
      { uid: 0, apt: "fails" as const, redis: "6.0.16", dot: true },
    ],
  ])("Redis missing, cannot install (%s): fails with one line saying what to run", (_, m) => {
    machine(m);
    const r = ensure();
    expectOneLine(r, REDIS, how("redis-server", "redis"));
    expect(r.stderr).not.toContain("Graphviz");
    if (m.uid !== 0) expect(r.calls.filter((c) => c.startsWith("apt-get"))).toEqual([]);
  });

  test.each([
    ["a user without sudo", { uid: 1000, apt: "installs" as const, redis: "7.2.4" }],
    ["root, apt-get failing (offline)", { uid: 0, apt: "fails" as const, redis: "7.2.4" }],
    ["root, no apt-get (not Debian)", { uid: 0, apt: "missing" as const, redis: "7.2.4" }],
  ])("dot missing, cannot install (%s): fails with one line naming graphviz", (_, m) => {
    machine(m);
    const r = ensure();
    expectOneLine(r, DOT, how("graphviz", "graphviz"));
    expect(r.stderr).not.toContain("Redis");
    if (m.uid !== 0) expect(r.calls.filter((c) => c.startsWith("apt-get"))).toEqual([]);
  });

  test("both missing, cannot install: one line naming both", () => {
    machine({ uid: 0, apt: "fails" });
    const r = ensure();
    expect(r.calls).toEqual(["apt-get update -qq", "apt-get install -y -qq redis-server graphviz"]);
    expectOneLine(r, `${REDIS} and ${DOT}`, how("redis-server graphviz", "redis graphviz"));
  });
});

describe("the README's test command runs it", () => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

  test("npm test and npm run test:scale-out start with scripts/ensure-test-tools.sh", () => {
    expect(pkg.scripts.test).toMatch(/^bash scripts\/ensure-test-tools\.sh && /);
    expect(pkg.scripts["test:scale-out"]).toMatch(/^bash scripts\/ensure-test-tools\.sh && /);
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
