/**
 * Private redis-server instances for tests and benchmarks: a standalone server with an
 * append-only file (`appendfsync always`, restartable from it), and a small Redis
 * Cluster of primaries. Every server runs on free loopback ports in its own temporary
 * directory and is stopped by pid, never by name.
 *
 * Use from `beforeAll`/`afterAll`; `stop()` is idempotent, so an `afterAll` may call it
 * whatever state the test left the server in. As a last resort the module SIGKILLs any
 * server it started that is still alive when the process exits.
 */
import { execFile, spawn } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

const HOST = "127.0.0.1";
const START_TIMEOUT_MS = 5000;

/** A running standalone redis-server (see {@link startRedis}). */
export interface RedisServer {
  /** Its port on 127.0.0.1. */
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Its working directory (the AOF directory lives inside). */
  readonly dir: string;
  /** The current process id (changes on restart). */
  readonly pid: number;
  /** SIGTERM, wait for exit, then remove the directory if startRedis created it. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL and wait until the process is gone; the directory stays for {@link restart}. */
  kill9(): Promise<void>;
  /** Starts it again on the same port and directory, loading its AOF (SIGTERMs it first if running). */
  restart(): Promise<void>;
}

/** A running Redis Cluster of primaries (see {@link startCluster}). */
export interface RedisClusterHandle {
  /** The client ports of the primaries. */
  readonly ports: number[];
  /** Seed nodes for `new Cluster(nodes)`. */
  readonly nodes: { host: string; port: number }[];
  /** The primaries' process ids. */
  readonly pids: number[];
  /** SIGTERM every node, wait for exit, remove their directories. Idempotent. */
  stop(): Promise<void>;
}

/** True when `redis-server` is on the PATH (executable). */
export function redisAvailable(): boolean {
  return which("redis-server") !== null;
}

/**
 * Throws a clear error when `redis-server` is not installed: the distributed tests fail
 * rather than skip, since CI installs Redis (`apt-get install -y redis-server`).
 */
export function requireRedis(): void {
  if (!redisAvailable()) {
    throw new Error(
      "redis-server is not on the PATH: the distributed-mode tests need Redis 7 " +
        "(apt-get install -y redis-server); they fail rather than skip",
    );
  }
}

/**
 * Starts a private redis-server on a free port (or `opts.port`) in a fresh temporary
 * directory (or `opts.dir`, which is then kept on stop), with the AOF on and fsync on
 * every write, and waits until it answers PING.
 */
export async function startRedis(opts: { dir?: string; port?: number } = {}): Promise<RedisServer> {
  requireRedis();
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), "cep-redis-")));
  const pidfile = join(dir, "redis.pid");
  let port = opts.port ?? (await freePort());
  let pid = 0;
  const launch = async () => {
    const args = [
      ...["--port", String(port), "--bind", HOST, "--dir", dir],
      ...["--appendonly", "yes", "--appendfsync", "always", "--save", ""],
      ...["--daemonize", "yes", "--pidfile", pidfile, "--logfile", join(dir, "log")],
    ];
    pid = await launchDaemon(args, port, pidfile, dir);
  };
  try {
    await launch();
  } catch (err) {
    // A port taken between freePort() and the bind: one more try on another port.
    if (opts.port !== undefined || !String(err).includes("Address already in use")) throw err;
    port = await freePort();
    await launch();
  }
  let stopped = false;
  const server: RedisServer = {
    port,
    url: `redis://${HOST}:${port}`,
    dir,
    get pid() {
      return pid;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await terminate(pid, "SIGTERM");
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
    async kill9() {
      await terminate(pid, "SIGKILL");
    },
    async restart() {
      if (stopped) throw new Error("restart after stop(): the server's directory is gone");
      await terminate(pid, "SIGTERM");
      await launch();
    },
  };
  return server;
}

/**
 * Starts `n` Redis Cluster primaries on free ports (each with its own directory and a
 * free cluster-bus port), joins them with `redis-cli --cluster create` (no replicas),
 * and waits until every node reports `cluster_state:ok`. No AOF: cluster tests kill
 * workers, not Redis.
 */
export async function startCluster(n = 3): Promise<RedisClusterHandle> {
  requireRedis();
  if (which("redis-cli") === null)
    throw new Error("redis-cli is not on the PATH (it ships with redis-server)");
  const started: { port: number; pid: number; dir: string }[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(started.map((s) => terminate(s.pid, "SIGTERM")));
    await Promise.all(started.map((s) => rm(s.dir, { recursive: true, force: true })));
  };
  try {
    await Promise.all(
      Array.from({ length: n }, async () => {
        const dir = await mkdtemp(join(tmpdir(), "cep-redis-cluster-"));
        const entry = { port: 0, pid: 0, dir };
        started.push(entry);
        // cluster-port (Redis ≥ 7.0) frees us from needing port + 10000 to be free too.
        entry.port = await freePort();
        const busPort = await freePort();
        const pidfile = join(dir, "redis.pid");
        const args = [
          ...["--port", String(entry.port), "--bind", HOST, "--dir", dir],
          ...["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"],
          ...["--cluster-node-timeout", "2000", "--cluster-port", String(busPort)],
          ...["--appendonly", "no", "--save", ""],
          ...["--daemonize", "yes", "--pidfile", pidfile, "--logfile", join(dir, "log")],
        ];
        entry.pid = await launchDaemon(args, entry.port, pidfile, dir);
      }),
    );
    const ports = started.map((s) => s.port);
    await run("redis-cli", [
      "--cluster",
      "create",
      ...ports.map((p) => `${HOST}:${p}`),
      "--cluster-replicas",
      "0",
      "--cluster-yes",
    ]);
    await waitFor(
      async () => {
        const infos = await Promise.all(ports.map((p) => command(p, "CLUSTER INFO")));
        return infos.every((i) => i.includes("cluster_state:ok"));
      },
      10_000,
      "cluster_state:ok on every node",
    );
    return {
      ports,
      nodes: ports.map((port) => ({ host: HOST, port })),
      pids: started.map((s) => s.pid),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------
// Process handling

/** Pids of servers started here and not yet seen to exit: killed when the process exits. */
const live = new Set<number>();
let exitHookInstalled = false;

function track(pid: number): void {
  live.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const p of live) {
      try {
        process.kill(p, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });
}

/**
 * Runs `redis-server` with `--daemonize yes` and waits for its pidfile and a PONG. On
 * failure, kills whatever started and throws with the tail of its log.
 */
async function launchDaemon(args: string[], port: number, pidfile: string, dir: string): Promise<number> {
  await rm(pidfile, { force: true });
  await daemonize("redis-server", args);
  let pid = 0;
  try {
    await waitFor(
      async () => {
        if (pid === 0 && existsSync(pidfile)) {
          pid = Number((await readFile(pidfile, "utf8")).trim()) || 0;
          if (pid) track(pid);
        }
        if (pid !== 0 && !alive(pid)) throw new Error("redis-server exited during start-up");
        return pid !== 0 && (await ping(port));
      },
      START_TIMEOUT_MS,
      `redis-server on port ${port} to answer PING`,
    );
    return pid;
  } catch (err) {
    if (pid) await terminate(pid, "SIGKILL");
    const log = existsSync(join(dir, "log"))
      ? readFileSync(join(dir, "log"), "utf8").split("\n").slice(-8)
      : [];
    throw new Error(`${(err as Error).message}\n--- redis log (${dir}) ---\n${log.join("\n")}`);
  }
}

/** Sends `signal` to `pid` and waits until the process is gone (at most ~10 s, then SIGKILL). */
async function terminate(pid: number, signal: NodeJS.Signals): Promise<void> {
  if (!pid || !alive(pid)) {
    live.delete(pid);
    return;
  }
  try {
    process.kill(pid, signal);
  } catch {
    // raced with its exit
  }
  const deadline = Date.now() + 10_000;
  let killed = signal === "SIGKILL";
  while (alive(pid)) {
    if (!killed && Date.now() > deadline) {
      killed = true;
      process.kill(pid, "SIGKILL");
    }
    await sleep(20);
  }
  live.delete(pid);
}

/**
 * True while `pid` runs. A daemonised server is not our child: once it exits, it may
 * linger as a zombie if the container's init does not reap, so a `Z` state counts as gone.
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return existsSync(`/proc/${pid}`) || process.platform !== "linux";
  }
}

// ---------------------------------------------------------------------------------------
// Small helpers

function which(cmd: string): string | null {
  for (const d of (process.env.PATH ?? "").split(delimiter)) {
    if (!d) continue;
    const f = join(d, cmd);
    try {
      accessSync(f, constants.X_OK);
      return f;
    } catch {
      // not here
    }
  }
  return null;
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a self-daemonising server and waits for its launcher to exit. Not `execFile`:
 * that waits for the child's output pipes to close, and a daemon that inherited a
 * descriptor of them (seen: a restart that hung a test until its timeout) never closes it.
 */
function daemonize(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: "ignore" });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")} did not return within 15 s`));
    }, 15_000);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(" ")} exited with code ${code}`));
    });
  });
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(" ")} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * Sends one inline command over a fresh socket and resolves with the raw reply text, or
 * "" on any connection error. No client library, so nothing reconnects in the background.
 */
function command(port: number, line: string): Promise<string> {
  return new Promise((resolve) => {
    let data = "";
    const sock = connect({ host: HOST, port });
    const done = (v: string) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(1000, () => done(""));
    sock.on("error", () => done(""));
    sock.on("connect", () => sock.write(`${line}\r\n`));
    sock.on("data", (chunk) => {
      data += chunk.toString("utf8");
      // A status or error line, or a bulk string whose declared length has arrived.
      if (data[0] !== "$" && data.endsWith("\r\n")) done(data);
      else if (data[0] === "$") {
        const nl = data.indexOf("\r\n");
        if (nl > 0 && data.length >= nl + 2 + Number(data.slice(1, nl)) + 2) done(data);
      }
    });
  });
}

/** True once the server answers PONG (false while refusing connections or loading its AOF). */
async function ping(port: number): Promise<boolean> {
  return (await command(port, "PING")).startsWith("+PONG");
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
