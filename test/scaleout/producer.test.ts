/**
 * The producer against a real Redis: partitioning by FNV-1a, ticks after each batch, the
 * end entries, lateness over the whole stream, and a second producer writing to the same
 * job detected instead of its entries being lost silently.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import { type Client, JOB, keys } from "../../src/scaleout/functions.js";
import { partitionOf } from "../../src/scaleout/hash.js";
import { connect, ensureJob } from "../../src/scaleout/job.js";
import { Producer } from "../../src/scaleout/producer.js";
import { deploy, initVersions, versionRecord } from "../../src/scaleout/versions.js";
import { type RedisServer, startRedis } from "../support/redis.js";

let redis: RedisServer;
let client: Client;

beforeAll(async () => {
  redis = await startRedis();
  client = connect(redis.url);
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

const ev = (k: string, ts: number) => ({ type: "A", k, ts });

describe("Producer", () => {
  it("partitions, ticks every partition after a batch, judges lateness globally, ends", async () => {
    await client.flushall();
    const job = await ensureJob(client, { partitions: 4, partitionBy: "k" });
    const log: string[] = [];
    const p = await Producer.open(client, job, { outOfOrderness: 10, log: (l) => log.push(l) });
    for (const e of [ev("a", 100), ev("b", 120), ev("c", 112)])
      expect(p.add(e, JSON.stringify(e))).toBeNull();
    // 112 is within the bound of 120; 100 is not any more (120 − 10 = 110).
    expect(p.add(ev("d", 100), "{}")).toEqual({ kind: "late", reason: "late" });
    expect(p.add({ type: "A", ts: 1 }, "{}")).toEqual({ kind: "bad", reason: "missing partition field k" });
    await p.flush();
    // Tick = highest − bound − 1 = 109; after it, 109 itself is late, 110 is not.
    expect(p.add(ev("a", 109), "{}")?.kind).toBe("late");
    expect(p.add(ev("a", 110), JSON.stringify(ev("a", 110)))).toBeNull();
    await p.end();
    expect(log).toEqual([
      JSON.stringify(ev("a", 100)),
      JSON.stringify(ev("b", 120)),
      JSON.stringify(ev("c", 112)),
      '{"$watermark":109}',
      JSON.stringify(ev("a", 110)),
    ]);
    for (let part = 0; part < 4; part++) {
      const entries = await client.xrange(keys(part).in, "-", "+");
      const kinds = entries.map(([, f]) => (f[0] === "e" ? `e:${JSON.parse(f[1]).k}` : `${f[0]}:${f[1]}`));
      const before = ["a", "b", "c"].filter((k) => partitionOf(k, 4) === part).map((k) => `e:${k}`);
      expect(kinds.slice(0, before.length).sort()).toEqual(before.sort());
      expect(kinds[before.length]).toBe("wm:109");
      expect(kinds[kinds.length - 1]).toBe("end:1");
    }
  });

  it("refuses to lose events when another producer writes to the same job", async () => {
    await client.flushall();
    const job = await ensureJob(client, { partitions: 1, partitionBy: "k" });
    const first = await Producer.open(client, job);
    // A second producer starts later: its ids are above everything the first will write.
    await new Promise((r) => setTimeout(r, 5));
    const second = await Producer.open(client, job);
    second.add(ev("a", 1), JSON.stringify(ev("a", 1)));
    await second.flush();
    first.add(ev("b", 2), JSON.stringify(ev("b", 2)));
    await expect(first.flush()).rejects.toThrow(/another producer is writing to this job/);
  });

  it("a deploy marker written between two flushes: the later entries are renumbered after it, in order", async () => {
    await client.flushall();
    const job = await ensureJob(client, { partitions: 2, partitionBy: "k" });
    const v = (src: string) => versionRecord([{ file: "p.pattern", source: src }], compile(src));
    await initVersions(client, v("pattern P { key by k  match a: A followed by b: B }"));
    const p = await Producer.open(client, job);
    const batch = (from: number) => {
      for (let i = from; i < from + 5; i++)
        p.add({ type: "A", k: `k${i % 3}`, ts: i, v: i }, JSON.stringify({ v: i }));
    };
    batch(0);
    await p.flush();
    const r = await deploy(client, job, v("pattern Q { key by k  match a: A followed by b: C }"));
    expect(r).toMatchObject({ version: 2, marked: 2, existing: false });
    batch(5);
    await p.flush();
    await p.end();
    expect(await client.hget(JOB, "version")).toBe("2");
    for (let part = 0; part < 2; part++) {
      const entries = await client.xrange(keys(part).in, "-", "+");
      const kinds = entries.map(([, f]) => (f[0] === "e" ? `e${JSON.parse(f[1]).v}` : f[0]));
      const mine = (from: number) =>
        [0, 1, 2, 3, 4]
          .map((i) => i + from)
          .filter((i) => partitionOf(`k${i % 3}`, 2) === part)
          .map((i) => `e${i}`);
      expect(kinds).toEqual([...mine(0), "wm", "deploy", ...mine(5), "wm", "end"]);
      const ids = entries.map(([id]) => id);
      expect([...ids].sort((a, b) => (BigInt(a.split("-")[1]) < BigInt(b.split("-")[1]) ? -1 : 1))).toEqual(
        ids,
      );
    }
    expect(p.stats.events).toBe(10);
  });
});
