/**
 * `cep status`: the job, its live workers, and per partition its owner, epoch, committed
 * position, watermark, lag (entries written but not yet committed), keys with state,
 * matches written, and the pattern-set version in force (with a marker not yet passed).
 */
import { type Client, JOB, keys, MEMBERS } from "./functions.js";
import { type JobConfig, readJob } from "./job.js";

/** One partition's state as `cep status` shows it. */
export interface PartitionStatus {
  p: number;
  owner: string | null;
  /** Remaining lease time (ms), or null without an owner. */
  leaseMs: number | null;
  epoch: number;
  pos: string;
  watermark: string | null;
  /** Input entries not yet covered by the committed position. */
  lag: number;
  keys: number;
  matches: number;
  ended: boolean;
  /** The pattern-set version in force: committed with the state (1 before any marker). */
  version: number;
  /** A newer version whose marker is in the input but not yet committed past, or null. */
  pendingVersion: number | null;
}

/** The whole status. */
export interface JobStatus {
  job: JobConfig;
  /** The newest pattern-set version (`cep deploy`); 0 when no worker stored version 1 yet. */
  version: number;
  workers: { id: string; heartbeatDeadline: number; alive: boolean }[];
  partitions: PartitionStatus[];
}

function infoField(reply: unknown[], name: string): unknown {
  for (let i = 0; i + 1 < reply.length; i += 2) if (reply[i] === name) return reply[i + 1];
  return undefined;
}

/** Reads the status of the job in this Redis, or null when there is no job. */
export async function status(client: Client, now = Date.now()): Promise<JobStatus | null> {
  const job = await readJob(client);
  if (job === null) return null;
  const raw = await client.zrange(MEMBERS, "0", "-1", "WITHSCORES");
  const workers: JobStatus["workers"] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const deadline = Number(raw[i + 1]);
    workers.push({ id: raw[i], heartbeatDeadline: deadline, alive: deadline >= now });
  }
  const partitions = await Promise.all(
    Array.from({ length: job.partitions }, async (_, p): Promise<PartitionStatus> => {
      const k = keys(p);
      const res = await client
        .pipeline()
        .get(k.lease)
        .pttl(k.lease)
        .get(k.epoch)
        .get(k.pos)
        .hmget(k.meta, "wm", "entries", "ended")
        .hlen(k.state)
        .xlen(k.out)
        .exists(k.in)
        .hget(k.meta, "version")
        .get(k.mark)
        .exec();
      const v = (i: number) => res?.[i]?.[1];
      let added = 0;
      if (v(7) === 1) {
        const info = (await client.call("XINFO", ["STREAM", k.in])) as unknown[];
        added = Number(infoField(info, "entries-added") ?? infoField(info, "length") ?? 0);
      }
      const [wm, entries, ended] = (v(4) as (string | null)[]) ?? [null, null, null];
      const ttl = Number(v(1));
      return {
        p,
        owner: (v(0) as string | null) ?? null,
        leaseMs: ttl > 0 ? ttl : null,
        epoch: Number(v(2) ?? 0),
        pos: (v(3) as string | null) ?? "0-0",
        watermark: wm,
        lag: Math.max(0, added - Number(entries ?? 0)),
        keys: Number(v(5) ?? 0),
        matches: Number(v(6) ?? 0),
        ended: ended === "1",
        version: Number(v(8) ?? 1),
        // A marker after the end entry is never read: nothing is pending there.
        pendingVersion: ended !== "1" && Number(v(9) ?? 0) > Number(v(8) ?? 1) ? Number(v(9)) : null,
      };
    }),
  );
  const version = Number((await client.hget(JOB, "version")) ?? 0);
  return { job, version, workers, partitions };
}

/** The status as an aligned text table. */
export function renderStatus(s: JobStatus): string {
  const lines: string[] = [];
  lines.push(
    `job: ${s.job.partitions} partitions by ${s.job.partitionBy} (type field ${s.job.typeField}, time field ${s.job.timeField})`,
  );
  const alive = s.workers.filter((w) => w.alive);
  if (s.version > 0) lines.push(`pattern set: version ${s.version}`);
  lines.push(
    `workers: ${alive.length} alive${alive.length > 0 ? ` (${alive.map((w) => w.id).join(", ")})` : ""}`,
  );
  const rows = [
    [
      "partition",
      "owner",
      "lease ms",
      "epoch",
      "position",
      "watermark",
      "lag",
      "keys",
      "matches",
      "ended",
      "version",
    ],
  ];
  for (const p of s.partitions) {
    rows.push([
      String(p.p),
      p.owner ?? "-",
      p.leaseMs === null ? "-" : String(p.leaseMs),
      String(p.epoch),
      p.pos,
      p.watermark ?? "-",
      String(p.lag),
      String(p.keys),
      String(p.matches),
      p.ended ? "yes" : "no",
      p.pendingVersion === null ? String(p.version) : `${p.version} (${p.pendingVersion} pending)`,
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows)
    lines.push(
      r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join("  ")
        .trimEnd(),
    );
  const lag = s.partitions.reduce((a, p) => a + p.lag, 0);
  lines.push(`total lag: ${lag} entries`);
  return `${lines.join("\n")}\n`;
}
