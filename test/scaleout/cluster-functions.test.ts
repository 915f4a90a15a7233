/**
 * T2 on Redis Cluster (scale-out.md §2.11): three primaries. `loadFunctions` must load
 * the library on every primary (functions are per node), and claim/commit must work for
 * partitions whose hash tags land on different nodes, each call routed by its first key.
 */
import { Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import { claim, commit, fcall, JOB, keys, loadFunctions, release } from "../../src/scaleout/functions.js";
import { ensureJob } from "../../src/scaleout/job.js";
import { deploy, initVersions, versionRecord } from "../../src/scaleout/versions.js";
import { type RedisClusterHandle, startCluster } from "../support/redis.js";

let handle: RedisClusterHandle;
let cluster: Cluster;
/** One direct connection per primary, by port. */
const direct = new Map<number, Redis>();

beforeAll(async () => {
  handle = await startCluster(3);
  for (const port of handle.ports) direct.set(port, new Redis({ host: "127.0.0.1", port }));
  cluster = new Cluster(handle.nodes);
}, 20_000);

afterAll(async () => {
  cluster?.disconnect();
  for (const r of direct.values()) r.disconnect();
  await handle?.stop();
});

/** The port of the primary serving partition p's slot. */
async function ownerPort(p: number): Promise<number> {
  const any = direct.values().next().value as Redis;
  const slot = (await any.call("CLUSTER", ["KEYSLOT", keys(p).lease])) as number;
  const ranges = (await any.call("CLUSTER", ["SLOTS"])) as [number, number, [string, number]][];
  const r = ranges.find(([from, to]) => slot >= from && slot <= to);
  if (!r) throw new Error(`no node serves slot ${slot}`);
  return r[2][1];
}

/** The first partition served by each primary: port → partition. */
async function onePartitionPerNode(): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  for (let p = 0; found.size < handle.ports.length && p < 1000; p++) {
    const port = await ownerPort(p);
    if (!found.has(port)) found.set(port, p);
  }
  return found;
}

describe("the library on a 3-primary cluster", () => {
  it("is loaded on every primary", async () => {
    await loadFunctions(cluster);
    for (const [port, r] of direct) {
      const libs = (await r.call("FUNCTION", ["LIST", "LIBRARYNAME", "cepheus"])) as unknown[];
      expect(libs, `primary on port ${port}`).toHaveLength(1);
    }
  });

  it("claims and commits partitions on different nodes, each written on its own node", async () => {
    await loadFunctions(cluster);
    const parts = await onePartitionPerNode();
    expect(parts.size).toBe(3);
    for (const [port, p] of parts) {
      const e = await claim(cluster, p, "w0", 5000);
      expect(e).toBe(1);
      expect(await claim(cluster, p, "w1", 5000)).toBeNull();
      await commit(cluster, p, {
        epoch: e!,
        expectedPos: "0-0",
        newPos: "3-0",
        put: [["k", `{"p":${p}}`]],
        del: [],
        out: [{ m: `{"p":${p}}`, src: "3-0", i: 0 }],
        meta: { wm: "10" },
      });
      await expect(
        commit(cluster, p, {
          epoch: e!,
          expectedPos: "0-0",
          newPos: "4-0",
          put: [],
          del: [],
          out: [],
          meta: {},
        }),
      ).rejects.toThrow(/FENCED pos/);
      // The writes are on the primary serving the partition's slot.
      const node = direct.get(port)!;
      expect(await node.get(keys(p).pos)).toBe("3-0");
      expect(await node.hget(keys(p).state, "k")).toBe(`{"p":${p}}`);
      expect(await node.xlen(keys(p).out)).toBe(1);
      expect(await release(cluster, p, "w0")).toBe(true);
    }
  });

  it("reloads the library when one primary lost it", async () => {
    await loadFunctions(cluster);
    const parts = await onePartitionPerNode();
    const [port, p] = [...parts][1];
    await direct.get(port)!.call("FUNCTION", ["FLUSH"]);
    expect(await claim(cluster, p, "w2", 5000)).not.toBeNull();
    const libs = (await direct.get(port)!.call("FUNCTION", ["LIST"])) as unknown[];
    expect(libs).toHaveLength(1);
  });

  it("cep deploy on a cluster: the version first, then every partition marked; an interrupted deploy is completed by running it again", async () => {
    await loadFunctions(cluster);
    const job = await ensureJob(cluster, { partitions: 6, partitionBy: "user" });
    const v = (src: string) => versionRecord([{ file: "p.pattern", source: src }], compile(src));
    expect(await initVersions(cluster, v("pattern P { key by user  match a: A followed by b: B }"))).toBe(1);
    const v2 = v("pattern P { key by user  match a: A followed by b: C }");
    expect(await deploy(cluster, job, v2, { cluster: true })).toMatchObject({
      version: 2,
      marked: 6,
      existing: false,
    });
    const markers = async () =>
      Promise.all(
        Array.from({ length: 6 }, async (_, p) =>
          (await cluster.xrange(keys(p).in, "-", "+")).map(([, f]) => f.join(" ")),
        ),
      );
    expect(await markers()).toEqual(Array(6).fill(["deploy 2"]));
    // Again: nothing new (the set is the newest version, every partition has its marker).
    expect(await deploy(cluster, job, v2, { cluster: true })).toMatchObject({
      version: 2,
      marked: 0,
      existing: true,
    });
    // A deploy that stopped after storing version 3 (cep_deploy with the job key alone, as
    // the cluster path does first): running it again writes only the missing markers.
    const v3 = v("pattern P { key by user  match a: A followed by b: D }");
    expect(await fcall(cluster, ["cep_deploy", 1, JOB, "2", JSON.stringify(v3)])).toBe(3);
    expect(await deploy(cluster, job, v3, { cluster: true })).toMatchObject({
      version: 3,
      marked: 6,
      existing: true,
    });
    expect(await markers()).toEqual(Array(6).fill(["deploy 2", "deploy 3"]));
  });
});
