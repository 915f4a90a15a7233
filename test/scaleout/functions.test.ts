/**
 * T2 (scale-out.md §3): the `cepheus` Redis Function library against a real, private
 * redis-server (AOF, fsync always): leases and epochs (§2.4), and the atomic, fenced
 * checkpoint (§2.6) — every write on a valid call, none at all on a fenced one.
 *
 * Fails, rather than skips, when redis-server is not installed.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CommitArgs,
  claim,
  commit,
  FencedError,
  keys,
  loadFunctions,
  release,
  renew,
} from "../../src/scaleout/functions.js";
import { type RedisServer, startRedis } from "../support/redis.js";

let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
  redis.on("error", () => {}); // reconnects are expected in the restart test
  await loadFunctions(redis);
});

afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every key of partition p, serialised with DUMP (null when absent): a full picture. */
async function dump(p: number): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const [name, key] of Object.entries(keys(p))) {
    const d = await redis.callBuffer("DUMP", key);
    out[name] = d === null ? null : (d as Buffer).toString("base64");
  }
  return out;
}

async function outputs(p: number): Promise<Record<string, string>[]> {
  const entries = (await redis.xrange(keys(p).out, "-", "+")) as [string, string[]][];
  return entries.map(([, f]) => {
    expect(f.filter((_, i) => i % 2 === 0)).toEqual(["m", "src", "i"]);
    return { m: f[1], src: f[3], i: f[5] };
  });
}

function args(epoch: number, over: Partial<CommitArgs> = {}): CommitArgs {
  return { epoch, expectedPos: "0-0", newPos: "1-0", put: [], del: [], out: [], meta: {}, ...over };
}

describe("cep_claim", () => {
  it("gives a new epoch to a new owner, the same epoch to the owner, and nothing to others", async () => {
    expect(await claim(redis, 0, "w0", 5000)).toBe(1);
    expect(await redis.get(keys(0).lease)).toBe("w0");
    await redis.pexpire(keys(0).lease, 1000);
    expect(await claim(redis, 0, "w0", 5000)).toBe(1);
    expect(await redis.pttl(keys(0).lease)).toBeGreaterThan(4000); // extended again
    expect(await claim(redis, 0, "w1", 5000)).toBeNull();
    expect(await redis.get(keys(0).epoch)).toBe("1");
  });

  it("lets another worker claim after the lease expires, with the next epoch", async () => {
    expect(await claim(redis, 1, "w0", 200)).toBe(1);
    expect(await claim(redis, 1, "w1", 200)).toBeNull();
    await sleep(300);
    expect(await claim(redis, 1, "w1", 5000)).toBe(2);
    expect(await claim(redis, 1, "w0", 5000)).toBeNull();
  });
});

describe("cep_renew", () => {
  it("extends the lease only for the owner under its epoch", async () => {
    const e = (await claim(redis, 2, "w0", 1000))!;
    expect(await renew(redis, 2, "w0", 5000, e)).toBe(true);
    expect(await redis.pttl(keys(2).lease)).toBeGreaterThan(4000);
    expect(await renew(redis, 2, "w0", 9000, e + 1)).toBe(false);
    expect(await renew(redis, 2, "w1", 9000, e)).toBe(false);
    expect(await redis.pttl(keys(2).lease)).toBeLessThanOrEqual(5000);
  });

  it("refuses a worker whose lease expired, once another claimed", async () => {
    const e = (await claim(redis, 3, "w0", 100))!;
    await sleep(200);
    expect(await renew(redis, 3, "w0", 1000, e)).toBe(false); // no lease at all
    expect(await claim(redis, 3, "w1", 1000)).toBe(e + 1);
    expect(await renew(redis, 3, "w0", 1000, e)).toBe(false);
    expect(await renew(redis, 3, "w1", 1000, e + 1)).toBe(true);
  });
});

describe("cep_release", () => {
  it("deletes the lease only for its owner, and the next claim bumps the epoch", async () => {
    expect(await claim(redis, 4, "w0", 5000)).toBe(1);
    expect(await release(redis, 4, "w1")).toBe(false);
    expect(await redis.get(keys(4).lease)).toBe("w0");
    expect(await release(redis, 4, "w0")).toBe(true);
    expect(await redis.exists(keys(4).lease)).toBe(0);
    expect(await release(redis, 4, "w0")).toBe(false);
    expect(await claim(redis, 4, "w1", 5000)).toBe(2);
  });
});

describe("cep_commit", () => {
  it("writes state, outputs in order, meta and pos", async () => {
    const p = 10;
    const e = (await claim(redis, p, "w0", 5000))!;
    await commit(
      redis,
      p,
      args(e, {
        newPos: "5-0",
        put: [
          ["k1", '{"s":1}'],
          ["k2", '{"s":2}'],
        ],
        out: [
          { m: '{"a":1}', src: "3-0", i: 0 },
          { m: '{"a":2}', src: "3-0", i: 1 },
          { m: '{"a":3}', src: "5-0", i: 0 },
        ],
        meta: { wm: "1000", read: "5" },
      }),
    );
    expect(await redis.hgetall(keys(p).state)).toEqual({ k1: '{"s":1}', k2: '{"s":2}' });
    expect(await redis.hgetall(keys(p).meta)).toEqual({ wm: "1000", read: "5" });
    expect(await redis.get(keys(p).pos)).toBe("5-0");
    expect(await outputs(p)).toEqual([
      { m: '{"a":1}', src: "3-0", i: "0" },
      { m: '{"a":2}', src: "3-0", i: "1" },
      { m: '{"a":3}', src: "5-0", i: "0" },
    ]);

    // The next checkpoint continues from 5-0: a put, a delete, no outputs, no meta.
    await commit(redis, p, args(e, { expectedPos: "5-0", newPos: "9-0", put: [["k3", "{}"]], del: ["k1"] }));
    expect(await redis.hgetall(keys(p).state)).toEqual({ k2: '{"s":2}', k3: "{}" });
    expect(await redis.hgetall(keys(p).meta)).toEqual({ wm: "1000", read: "5" });
    expect(await redis.get(keys(p).pos)).toBe("9-0");
    expect(await redis.xlen(keys(p).out)).toBe(3);
  });

  it("deletes fields, and a delete of every field removes the hash", async () => {
    const p = 11;
    const e = (await claim(redis, p, "w0", 5000))!;
    await commit(
      redis,
      p,
      args(e, {
        put: [
          ["a", "1"],
          ["b", "2"],
          ["c", "3"],
        ],
      }),
    );
    await commit(redis, p, args(e, { expectedPos: "1-0", newPos: "2-0", del: ["a", "c", "absent"] }));
    expect(await redis.hgetall(keys(p).state)).toEqual({ b: "2" });
    await commit(redis, p, args(e, { expectedPos: "2-0", newPos: "3-0", del: ["b"] }));
    expect(await redis.exists(keys(p).state)).toBe(0);
  });

  it("refuses a wrong epoch with FENCED epoch and writes nothing", async () => {
    const p = 12;
    const e = (await claim(redis, p, "w0", 5000))!;
    await commit(
      redis,
      p,
      args(e, { newPos: "2-0", put: [["k", "v"]], out: [{ m: "x", src: "2-0", i: 0 }] }),
    );
    const before = await dump(p);
    const fenced = args(e + 1, {
      expectedPos: "2-0",
      newPos: "3-0",
      put: [["k", "changed"]],
      del: ["k"],
      out: [{ m: "y", src: "3-0", i: 0 }],
      meta: { wm: "9" },
    });
    await expect(commit(redis, p, fenced)).rejects.toThrow(/FENCED epoch/);
    await expect(commit(redis, p, { ...fenced, epoch: e - 1 })).rejects.toBeInstanceOf(FencedError);
    expect(await dump(p)).toEqual(before);
  });

  it("fences a zombie whose partition was claimed by another worker", async () => {
    const p = 13;
    const old = (await claim(redis, p, "w0", 100))!;
    await sleep(200);
    // Lease expiry alone does not block a commit: nobody else has claimed yet.
    await commit(redis, p, args(old, { newPos: "1-0" }));
    const e = (await claim(redis, p, "w1", 5000))!;
    expect(e).toBe(old + 1);
    const before = await dump(p);
    const err = await commit(
      redis,
      p,
      args(old, { expectedPos: "1-0", newPos: "2-0", put: [["k", "v"]] }),
    ).catch((x) => x);
    expect(err).toBeInstanceOf(FencedError);
    expect(err.reason).toBe("epoch");
    expect(err.partition).toBe(p);
    expect(await dump(p)).toEqual(before);
  });

  it("refuses a wrong position with FENCED pos and writes nothing (a resent commit)", async () => {
    const p = 14;
    const e = (await claim(redis, p, "w0", 5000))!;
    const first = args(e, {
      newPos: "4-0",
      put: [["k", "v1"]],
      out: [{ m: "x", src: "4-0", i: 0 }],
      meta: { wm: "1" },
    });
    await commit(redis, p, first);
    const before = await dump(p);
    // The same call again, as ioredis resends after a reconnect: it must not apply twice.
    await expect(commit(redis, p, first)).rejects.toThrow(/FENCED pos/);
    const stale = { ...first, expectedPos: "3-0", put: [["k", "v2"]] as [string, string][], del: ["k"] };
    const err = await commit(redis, p, stale).catch((x) => x);
    expect(err).toBeInstanceOf(FencedError);
    expect(err.reason).toBe("pos");
    expect(await dump(p)).toEqual(before);
  });

  it("takes an absent pos as 0-0", async () => {
    const p = 15;
    const e = (await claim(redis, p, "w0", 5000))!;
    await expect(commit(redis, p, args(e, { expectedPos: "1-0" }))).rejects.toThrow(/FENCED pos/);
    expect(await redis.exists(keys(p).pos)).toBe(0);
    await commit(redis, p, args(e, { expectedPos: "0-0" }));
    expect(await redis.get(keys(p).pos)).toBe("1-0");
  });

  it("handles 20,000 puts, 10,000 deletes and 5,000 outputs in one call", async () => {
    const p = 16;
    const e = (await claim(redis, p, "w0", 5000))!;
    const put: [string, string][] = Array.from({ length: 20_000 }, (_, i) => [`key-${i}`, `{"n":${i}}`]);
    const out = Array.from({ length: 5_000 }, (_, i) => ({ m: `{"m":${i}}`, src: `${i + 1}-0`, i: 0 }));
    const meta = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`f${i}`, String(i)]));
    let t = performance.now();
    await commit(redis, p, args(e, { newPos: "100-0", put, out, meta }));
    const putMs = performance.now() - t;
    expect(await redis.hlen(keys(p).state)).toBe(20_000);
    expect(await redis.hget(keys(p).state, "key-19999")).toBe('{"n":19999}');
    expect(await redis.xlen(keys(p).out)).toBe(5_000);
    expect(await redis.hlen(keys(p).meta)).toBe(5_000);
    const del = put.slice(0, 10_000).map(([k]) => k);
    t = performance.now();
    await commit(redis, p, args(e, { expectedPos: "100-0", newPos: "200-0", del }));
    const delMs = performance.now() - t;
    expect(await redis.hlen(keys(p).state)).toBe(10_000);
    expect(await redis.hexists(keys(p).state, "key-0")).toBe(0);
    console.log(
      `large commit: 20k puts + 5k outputs + 5k meta ${putMs.toFixed(0)} ms; 10k deletes ${delMs.toFixed(0)} ms`,
    );
  });

  it("rejects malformed arguments and wrong key types before writing anything", async () => {
    const p = 17;
    const k = keys(p);
    const e = (await claim(redis, p, "w0", 5000))!;
    const base = ["cep_commit", 5, k.epoch, k.pos, k.state, k.out, k.meta, String(e), "0-0", "1-0"];
    const before = await dump(p);
    for (const tail of [
      ["2", "k", "v"], // fewer pairs than announced
      ["0", "0", "1", "m", "src"], // an incomplete output
      ["0", "0", "0", "wm"], // an odd meta tail
      ["x", "0", "0"], // not a count
      ["-1", "0", "0"],
    ]) {
      await expect(redis.call("FCALL", [...base, ...tail])).rejects.toThrow(/malformed/);
    }
    await redis.set(k.out, "not a stream");
    await expect(commit(redis, p, args(e, { put: [["k", "v"]] }))).rejects.toThrow(/WRONGTYPE/);
    await redis.del(k.out);
    expect(await dump(p)).toEqual(before);
  });
});

describe("recovery", () => {
  it("reloads the library when the server lost it", async () => {
    await redis.call("FUNCTION", ["FLUSH"]);
    expect(await claim(redis, 20, "w0", 5000)).toBe(1);
    const libs = (await redis.call("FUNCTION", ["LIST"])) as unknown[];
    expect(libs).toHaveLength(1);
  });

  it("keeps every acknowledged commit and the library across kill -9 and an AOF restart", async () => {
    const p = 21;
    const e = (await claim(redis, p, "w0", 60_000))!;
    await commit(
      redis,
      p,
      args(e, { newPos: "7-0", put: [["k", "v"]], out: [{ m: "x", src: "7-0", i: 0 }] }),
    );
    const before = await dump(p);
    const oldPid = server.pid;
    await server.kill9();
    await server.restart();
    expect(server.pid).not.toBe(oldPid);
    const after = await dump(p);
    expect({ ...after, lease: null }).toEqual({ ...before, lease: null });
    // The library came back from the AOF: no reload needed.
    expect(await redis.call("FCALL", ["cep_claim", 2, keys(p).lease, keys(p).epoch, "w0", 60_000])).toBe(e);
  });
});
