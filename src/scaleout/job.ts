/**
 * A distributed job's fixed settings, stored in Redis (`cep:job`) by the first producer or
 * worker and checked by every later one: the partition count cannot change under running
 * state (scale-out.md §2.1), nor the partition field or the fields events are read with.
 */
import { Cluster, Redis } from "ioredis";
import { type Client, JOB } from "./functions.js";

/** The settings every producer and worker of a job must agree on. */
export interface JobConfig {
  /** P: the number of partitions. */
  readonly partitions: number;
  /** The partition field (a `key by` path, dot-separated). */
  readonly partitionBy: string;
  /** The field holding the event type. */
  readonly typeField: string;
  /** The field holding the event time. */
  readonly timeField: string;
}

/** What a caller knows of the job: anything left out is taken from Redis. */
export type JobRequest = { [K in keyof JobConfig]?: JobConfig[K] | undefined };

/** Thrown when the request disagrees with the stored job, or no job exists and the request is incomplete. */
export class JobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JobError";
  }
}

const FIELDS = ["partitions", "partitionBy", "typeField", "timeField"] as const;
const FLAGS: Record<(typeof FIELDS)[number], string> = {
  partitions: "--partitions",
  partitionBy: "--partition-by",
  typeField: "--type-field",
  timeField: "--time-field",
};

/**
 * Reads the job from Redis, creating it from `request` when there is none (type and time
 * fields default to `type` and `ts`). Throws {@link JobError} on any disagreement.
 */
export async function ensureJob(client: Client, request: JobRequest): Promise<JobConfig> {
  const stored = await readJob(client);
  if (stored === null) {
    if (request.partitions === undefined || request.partitionBy === undefined) {
      throw new JobError(
        "no job in this Redis yet: the first producer or worker must give --partitions and --partition-by",
      );
    }
    if (!Number.isInteger(request.partitions) || request.partitions < 1 || request.partitions > 65536) {
      throw new JobError(`--partitions must be an integer from 1 to 65536, not ${request.partitions}`);
    }
    const job: JobConfig = {
      partitions: request.partitions,
      partitionBy: request.partitionBy,
      typeField: request.typeField ?? "type",
      timeField: request.timeField ?? "ts",
    };
    // HSETNX on one field decides the race between two first comers; the loser re-reads.
    const created = await client.hsetnx(JOB, "config", JSON.stringify(job));
    if (created === 1) return job;
    return ensureJob(client, request);
  }
  const diffs = FIELDS.filter((f) => request[f] !== undefined && request[f] !== stored[f]).map(
    (f) => `${FLAGS[f]} ${String(request[f])} but the job has ${String(stored[f])}`,
  );
  if (diffs.length > 0) {
    throw new JobError(
      `this Redis holds a job with other settings (${diffs.join("; ")}); they are fixed when the job is created`,
    );
  }
  return stored;
}

/** The stored job, or null when there is none. */
export async function readJob(client: Client): Promise<JobConfig | null> {
  const text = await client.hget(JOB, "config");
  if (text === null) return null;
  const o = JSON.parse(text) as JobConfig;
  return o;
}

/** Connection settings for {@link connect}. */
export interface ConnectOptions {
  /** Treat the URL's host(s) as seed nodes of a Redis Cluster. */
  cluster?: boolean;
  /** Name shown by `CLIENT LIST`. */
  name?: string;
  /** Connection errors (the client reconnects by itself); default: ignored. */
  onError?: (err: Error) => void;
}

/**
 * Opens a client for `url` (`redis://host:port`, with comma-separated `host:port` seeds for
 * a Cluster). Commands wait through reconnections instead of failing (a restarted Redis
 * is waited for), and ioredis resends unanswered commands after a reconnect — which the
 * commit's position check makes harmless (scale-out.md §2.6).
 */
export function connect(url: string, options: ConnectOptions = {}): Client {
  const common = {
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(50 * times, 500),
    connectionName: options.name,
    lazyConnect: false,
    disconnectTimeout: 200, // ioredis' default 2 s timer otherwise holds the process after disconnect() while reconnecting
  };
  const onError = options.onError ?? (() => {});
  if (!options.cluster) return new Redis(url, common).on("error", onError);
  const seeds = url.replace(/^[a-z+]+:\/\//i, "").replace(/\/.*$/, "");
  const nodes = seeds
    .split(",")
    .filter((h) => h !== "")
    .map((h) => {
      const i = h.lastIndexOf(":");
      return i < 0 ? { host: h, port: 6379 } : { host: h.slice(0, i), port: Number(h.slice(i + 1)) };
    });
  return new Cluster(nodes, {
    redisOptions: common,
    clusterRetryStrategy: (times: number) => Math.min(100 * times, 1000),
  }).on("error", onError);
}
