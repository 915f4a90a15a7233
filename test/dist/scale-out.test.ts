/**
 * Scale-out end to end (scale-out.md §3, T3–T10): real Redis, `cep worker` processes,
 * faults; every case is checked against the single-process oracle (harness.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../support/redis.js";
import { checkAgainstOracle, generate, Job } from "./harness.js";

let redis: RedisServer;
let job: Job;

beforeEach(async () => {
  redis = await startRedis();
});

afterEach(async () => {
  await job?.close();
  await redis?.stop();
});

/** Produce all, wait for the workers, snapshot the state, end, check. */
async function finish(j: Job): Promise<number> {
  await j.caughtUp();
  const states = await j.states();
  await j.end();
  const { matches } = checkAgainstOracle(j, await j.outputs(), states);
  return matches;
}

describe("scale-out on Redis", () => {
  it("T3: one worker equals the oracle", async () => {
    job = new Job(redis.url, 8);
    await job.open();
    job.worker("w0");
    await job.produce(generate(3, 10_000), 1000, 0);
    const matches = await finish(job);
    expect(matches).toBeGreaterThan(1000);
  }, 20_000);

  it("T4: kill -9 of one of three workers mid-stream", async () => {
    job = new Job(redis.url, 8);
    await job.open();
    const ws = ["w0", "w1", "w2"].map((id) => job.worker(id));
    const killAt = 500 + Math.floor(Math.random() * 1500);
    const producing = job.produce(generate(4, 20_000), 500, 60);
    await new Promise((r) => setTimeout(r, killAt));
    await ws[1].kill9();
    await producing;
    try {
      await finish(job);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n(killed w1 at ${killAt} ms)\n${job.logs()}`);
    }
    expect(ws[0].log + ws[2].log).toMatch(/claimed partition/);
  }, 20_000);
});
