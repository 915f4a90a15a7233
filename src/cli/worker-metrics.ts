/**
 * `cep worker --metrics <host:port>`: the `cep run` metrics (metrics.ts), summed over the
 * partitions the worker owns, plus the worker's own: partitions owned, commit latency,
 * Redis errors, pattern-set markers applied and the version in force per partition.
 * Loaded only with the option (prom-client stays out of other runs). The names are listed
 * in docs/operations.md ("Metrics").
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { EngineStats } from "../runtime/engine.js";
import type { OwnedPartition, WorkerStats } from "../scaleout/worker.js";
import { type MetricsServer, startMetrics } from "./metrics.js";
import type { RunStatus } from "./run.js";

/** What the worker metrics read at each scrape. */
export interface WorkerMetricsSource {
  stats(): WorkerStats;
  partitions(): OwnedPartition[];
  /** Wall clock (ms), for the event-time lag. */
  now(): number;
}

/** A running worker metrics server, and the commit histogram the worker feeds. */
export interface WorkerMetrics extends MetricsServer {
  /** Records one commit's duration in seconds. */
  observeCommit(seconds: number): void;
}

function addAll(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const k of Object.keys(from)) into[k] = (into[k] ?? 0) + from[k];
}

/**
 * The worker as a `cep run` status: its committed counters, and the engine statistics of
 * the partitions it owns now, summed (the watermark: the lowest, so the lag is the worst
 * partition's).
 */
export function workerRunStatus(stats: WorkerStats, parts: readonly OwnedPartition[]): RunStatus {
  const sum: EngineStats = {
    events: 0,
    matches: 0,
    timeouts: 0,
    late: 0,
    bad: 0,
    partialMatches: 0,
    keys: 0,
    dropped: 0,
    memory: 0,
    unkeyed: 0,
    schemaErrors: 0,
    replaced: 0,
    matchesByPattern: {},
    partialMatchesByPattern: {},
    keysByPattern: {},
    watermark: null,
  };
  for (const { stats: s } of parts) {
    for (const k of ["events", "partialMatches", "keys", "dropped", "memory", "replaced"] as const)
      sum[k] += s[k];
    addAll(sum.partialMatchesByPattern, s.partialMatchesByPattern);
    addAll(sum.keysByPattern, s.keysByPattern);
    if (s.watermark !== null && Number.isFinite(s.watermark)) {
      sum.watermark = sum.watermark === null ? s.watermark : Math.min(sum.watermark, s.watermark);
    }
  }
  const timeouts = Object.values(stats.timeoutsByPattern).reduce((a, b) => a + b, 0);
  return {
    counters: {
      records: stats.entries,
      events: stats.entries,
      matches: stats.matchesByPattern,
      timeouts,
      late: 0,
      bad: stats.errors - stats.redisErrors,
      missingKeys: 0,
    },
    timeoutsByPattern: stats.timeoutsByPattern,
    stats: sum,
  };
}

/** Listens on `host:port` and serves the worker's metrics and `/healthz`. */
export async function startWorkerMetrics(
  host: string,
  port: number,
  source: WorkerMetricsSource,
): Promise<WorkerMetrics> {
  let commits: Histogram | null = null;
  const server = await startMetrics(
    host,
    port,
    { status: () => workerRunStatus(source.stats(), source.partitions()), now: source.now },
    (register: Registry) => {
      const registers = [register];
      new Gauge({
        name: "cep_worker_partitions_owned",
        help: "Partitions this worker owns (holds the lease of) now.",
        registers,
        collect() {
          this.set(source.partitions().length);
        },
      });
      new Counter({
        name: "cep_worker_redis_errors_total",
        help: "Failed Redis calls: reads, claims, renewals, membership ticks, commits other than fenced ones.",
        registers,
        collect() {
          this.reset();
          this.inc(source.stats().redisErrors);
        },
      });
      new Counter({
        name: "cep_worker_fenced_commits_total",
        help: "Commits refused by the epoch or position check (the partition was dropped and is restored).",
        registers,
        collect() {
          this.reset();
          this.inc(source.stats().fenced);
        },
      });
      new Counter({
        name: "cep_worker_pattern_set_updates_total",
        help: "Pattern-set markers applied (one per partition and cep deploy).",
        registers,
        collect() {
          this.reset();
          this.inc(source.stats().deploys);
        },
      });
      new Counter({
        name: "cep_worker_pattern_set_errors_total",
        help: "Pattern-set versions this worker could not load or compile (the partition was released).",
        registers,
        collect() {
          this.reset();
          this.inc(source.stats().versionErrors);
        },
      });
      new Gauge({
        name: "cep_worker_pattern_set_version",
        help: "The pattern-set version in force, per owned partition.",
        labelNames: ["partition"],
        registers,
        collect() {
          this.reset();
          for (const o of source.partitions()) this.set({ partition: String(o.p) }, o.version);
        },
      });
      commits = new Histogram({
        name: "cep_worker_commit_duration_seconds",
        help: "Duration of one checkpoint commit (the cep_commit function call), in seconds.",
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers,
      });
    },
  );
  const histogram = commits as Histogram | null;
  return {
    address: server.address,
    close: () => server.close(),
    observeCommit: (seconds) => histogram?.observe(seconds),
  };
}
