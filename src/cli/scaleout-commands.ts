/**
 * The distributed commands (scale-out.md): `cep produce`, `cep worker`, `cep consume`,
 * `cep status`. Each loads the Redis code on use, so the other commands never pay for it.
 */
import { hostname } from "node:os";
import type { SingleBar } from "cli-progress";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { JsonObject } from "../io/json.js";
import { errorRecord, type LineSink, lateRecord, openFileSink, StreamSink } from "../io/sinks.js";
import { openInput } from "../io/source.js";
import type { Worker } from "../scaleout/worker.js";
import { ioReason } from "../shell/io-reason.js";
import { durationOption } from "../shell/options.js";
import { type CliEnv, UsageError } from "./api.js";
import { hostPortOption } from "./live-options.js";
import { compileSources, readSources } from "./load.js";
import { newBar } from "./progress.js";
import { readerLeft, writeFailure } from "./write-error.js";

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

function addRedisOptions(cmd: Command): Command {
  return cmd
    .requiredOption("--redis <url>", "redis://host:port (with --cluster: comma-separated seed host:port)")
    .option("--cluster", "the URL names Redis Cluster seed nodes");
}

/**
 * `--redis`, `--cluster` and the job's fixed settings: taken when this command creates the
 * job, checked against it otherwise (produce and worker both may come first).
 */
function addJobOptions(cmd: Command): Command {
  return addRedisOptions(cmd)
    .option("--partitions <n>", "partition count P (fixed when the job is created)", positiveInt)
    .option("--partition-by <field>", "the partition field (every pattern's key by begins with it)")
    .option("--type-field <field>", "field holding the event type (job setting)")
    .option("--time-field <field>", "field holding the event time (job setting)");
}

interface RedisOpts {
  redis: string;
  cluster?: boolean;
}

/** Connects, or fails with a usage error when Redis does not answer within 5 s. */
async function openRedis(opts: RedisOpts, name: string) {
  const { connect } = await import("../scaleout/job.js");
  // ioredis reconnects by itself; say so once per distinct error instead of once per attempt.
  let lastError = "";
  const client = connect(opts.redis, {
    cluster: opts.cluster ?? false,
    name,
    onError: (err) => {
      if (err.message === lastError) return;
      lastError = err.message;
      process.stderr.write(`cep: redis: ${err.message} (reconnecting)\n`);
    },
  });
  client.on("ready", () => {
    lastError = "";
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new UsageError(`cannot connect to Redis at ${opts.redis}`)), 5000);
      }),
    ]);
  } catch (err) {
    client.disconnect();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return client;
}

/** An output of a command, with what the user called it (for a failed write's message). */
interface OpenedSink {
  sink: LineSink;
  name: string;
  /** stdout or stderr. */
  standard: boolean;
}

/** Opens `file` (stdout/stderr for `-` or none) and adds it to `opened` as `flag`. */
async function openSink(
  env: CliEnv,
  file: string | undefined,
  fallback: "stdout" | "stderr",
  flag: string,
  opened: OpenedSink[],
): Promise<LineSink> {
  let sink: LineSink;
  if (file === undefined || file === "-") {
    sink = new StreamSink(fallback === "stdout" ? env.stdout : env.stderr, false);
  } else {
    try {
      sink = await openFileSink(file);
    } catch (err) {
      throw new UsageError(`cannot write ${file}: ${ioReason(err)}`);
    }
  }
  const standard = file === undefined || file === "-";
  opened.push({ sink, name: `${flag} ${standard ? `- (${fallback})` : file}`, standard });
  return sink;
}

/**
 * After a command: one message per output whose writes failed (EPIPE on stdout or stderr
 * aside: the reader went away). Returns whether there was any; null when no output failed at all.
 */
function reportFailedWrites(env: CliEnv, opened: readonly OpenedSink[]): boolean | null {
  let any: boolean | null = null;
  for (const { sink, name, standard } of opened) {
    if (sink.error === null) continue;
    any ??= false;
    if (readerLeft(standard, sink.error)) continue;
    env.stderr.write(`cep: ${writeFailure(name, sink.error)}\n`);
    any = true;
  }
  return any;
}

/** Maps a job error to a usage error (exit 2). */
async function withJob<T>(f: () => Promise<T>): Promise<T> {
  const { JobError } = await import("../scaleout/job.js");
  try {
    return await f();
  } catch (err) {
    if (err instanceof JobError) throw new UsageError(err.message);
    throw err;
  }
}

/** Registers produce, worker, consume and status on `program`; `setCode` receives each command's exit code. */
export function addScaleOutCommands(program: Command, env: CliEnv, setCode: (code: number) => void): void {
  addJobOptions(
    program
      .command("produce")
      .description("partition events into a Redis job's input streams (scale-out)")
      .option("--input <file>", "events: NDJSON or CSV file, or - for stdin", "-")
      .addOption(
        new Option("--format <format>", "input format (default: by extension)").choices(["ndjson", "csv"]),
      )
      .option(
        "--out-of-orderness <duration>",
        "how late an event may be (judged over the whole stream)",
        durationOption,
        0,
      )
      .option("--batch <n>", "events per write batch (a watermark tick follows each)", positiveInt, 1000)
      .option("--end", "append an end entry to every partition after the input")
      .option(
        "--log <file>",
        "write the merged stream (events and $watermark ticks, as sent): the oracle's input",
      )
      .option("--late <file>", "late events (default: the error output)")
      .option("--errors <file>", "bad input lines (default: stderr)")
      .option("--quiet", "no summary on stderr"),
  ).action(async (opts) => setCode(await produceCommand(env, opts)));

  addJobOptions(
    program
      .command("worker")
      .description("run patterns on this worker's share of a Redis job's partitions (scale-out)")
      .argument("<file.pattern...>", "pattern files")
      .option("--id <name>", "stable worker id (default: host name and pid)")
      .option("--lease <duration>", "lease and heartbeat TTL", durationOption, 3000)
      .option("--tick <duration>", "membership tick", durationOption, 300)
      .option("--batch <n>", "entries per partition per commit", positiveInt, 1000)
      .option("--trim-input", "delete input entries below each committed position")
      .option(
        "--metrics <host:port>",
        "serve Prometheus metrics (/metrics) and /healthz there (port 0: any free port)",
        hostPortOption,
      )
      .option("--quiet", "no log of claims and hand-offs on stderr"),
  ).action(async (files: string[], opts) => setCode(await workerCommand(env, files, opts)));

  addRedisOptions(
    program
      .command("deploy")
      .description("publish a new pattern-set version of a Redis job; every partition switches at a marker")
      .argument("<file.pattern...>", "pattern files: the whole new set"),
  ).action(async (files: string[], opts) => setCode(await deployCommand(env, files, opts)));

  addRedisOptions(
    program
      .command("consume")
      .description("write a Redis job's matches as NDJSON, each with its id, through a consumer group")
      .option("--group <name>", "consumer group", "cep")
      .option("--consumer <name>", "consumer name within the group", "consumer")
      .option("--output <file>", "records, one JSON line each, or - for stdout", "-")
      .option("--follow", "keep reading new matches until interrupted")
      .option("--until-end", "read until every partition has processed its end entry"),
  ).action(async (opts) => setCode(await consumeCommand(env, opts)));

  addRedisOptions(
    program
      .command("status")
      .description("workers, partition owners, epochs, positions and lag of a Redis job")
      .option("--json", "print the status as JSON"),
  ).action(async (opts) => setCode(await statusCommand(env, opts)));
}

interface ProduceOpts extends RedisOpts {
  input: string;
  format?: "ndjson" | "csv";
  partitions?: number;
  partitionBy?: string;
  typeField?: string;
  timeField?: string;
  outOfOrderness: number;
  batch: number;
  end?: boolean;
  log?: string;
  late?: string;
  errors?: string;
  quiet?: boolean;
}

/** `cep produce`; a failed write to `--errors`, `--late` or `--log` is exit 2 (after the summary). */
async function produceCommand(env: CliEnv, opts: ProduceOpts): Promise<number> {
  const opened: OpenedSink[] = [];
  const code = await produceTo(env, opts, opened);
  return reportFailedWrites(env, opened) ? 2 : code;
}

async function produceTo(env: CliEnv, opts: ProduceOpts, opened: OpenedSink[]): Promise<number> {
  const started = env.monotonic();
  let input: Awaited<ReturnType<typeof openInput>>;
  try {
    input = await openInput(opts.input, env.stdin);
  } catch (err) {
    throw new UsageError(`cannot read ${opts.input}: ${ioReason(err)}`);
  }
  const errors = await openSink(env, opts.errors, "stderr", "--errors", opened);
  const late = opts.late === undefined ? null : await openSink(env, opts.late, "stderr", "--late", opened);
  const log = opts.log === undefined ? null : await openSink(env, opts.log, "stdout", "--log", opened);
  const client = await openRedis(opts, "cep-produce");
  try {
    const { ensureJob } = await import("../scaleout/job.js");
    const { Producer } = await import("../scaleout/producer.js");
    const job = await withJob(() =>
      ensureJob(client, {
        partitions: opts.partitions,
        partitionBy: opts.partitionBy,
        typeField: opts.typeField,
        timeField: opts.timeField,
      }),
    );
    const producer = await Producer.open(client, job, {
      outOfOrderness: opts.outOfOrderness,
      log: log === null ? undefined : (line) => log.write(line),
    });
    const format = opts.format ?? (/\.csv$/i.test(opts.input) ? "csv" : "ndjson");
    const reader =
      format === "csv"
        ? (await import("../io/csv.js")).readCsv
        : (await import("../io/ndjson.js")).readNdjson;
    // A bar over the input's bytes, as `cep run` shows one: files on a terminal, after 0.5 s.
    let bar: SingleBar | null = null;
    let lastDraw = 0;
    const progress =
      env.stderrIsTTY && !opts.quiet && input.size !== null && input.size > 0
        ? (bytes: number) => {
            const now = env.monotonic();
            if (now - started < 500 || now - lastDraw < 200) return;
            lastDraw = now;
            const s = producer.stats;
            const payload = {
              events: s.events,
              rate: Math.round(s.events / ((now - started) / 1000)),
              late: s.late,
            };
            if (bar === null) {
              bar = newBar({
                stream: env.stderr,
                format: "{bar} {percentage}% | {events} events | {rate} events/s | {late} late",
                hideCursor: true,
                clearOnComplete: true,
              });
              bar.start(input.size as number, bytes, payload);
            } else bar.update(bytes, payload);
          }
        : null;
    // A pipe may go quiet: what was read is sent within 200 ms (scale-out.md §2.5).
    const idle = setInterval(() => {
      if (producer.pendingCount > 0) void producer.flush();
    }, 200);
    try {
      await reader(
        input.chunks,
        {
          event(line: number, value: JsonObject, text: string) {
            // A CSV row goes out as the JSON object it was read as; an NDJSON line as written.
            const refused = producer.add(value, format === "csv" ? JSON.stringify(value) : text);
            if (refused?.kind === "late") {
              if (late !== null) late.write(lateRecord(input.name, line, refused.reason, value));
              else errors.write(errorRecord(input.name, line, refused.reason, text));
            } else if (refused !== null) errors.write(errorRecord(input.name, line, refused.reason, text));
            return producer.pendingCount >= opts.batch;
          },
          bad(line: number, reason: string, text: string) {
            producer.stats.bad++;
            errors.write(errorRecord(input.name, line, reason, text));
          },
        },
        {
          onPause: () => producer.flush(),
          afterChunk: (bytes: number) => {
            progress?.(bytes);
            return undefined;
          },
        },
      );
      (bar as SingleBar | null)?.stop();
    } finally {
      clearInterval(idle);
    }
    if (opts.end) await producer.end();
    else await producer.flush();
    const s = producer.stats;
    if (!opts.quiet) {
      const used = s.perPartition.filter((n) => n > 0).length;
      env.stderr.write(
        `cep: produced ${s.events} events to ${used} of ${job.partitions} partitions, ${s.ticks} watermark ticks, ` +
          `${s.late} late, ${s.bad} bad lines${opts.end ? ", end entries appended" : ""}, ` +
          `${((env.monotonic() - started) / 1000).toFixed(2)}s\n`,
      );
    }
    return 0;
  } finally {
    input.close();
    await Promise.all([errors.close(), late?.close(), log?.close()]);
    client.disconnect();
  }
}

interface WorkerOpts extends RedisOpts {
  id?: string;
  partitions?: number;
  partitionBy?: string;
  typeField?: string;
  timeField?: string;
  lease: number;
  tick: number;
  batch: number;
  trimInput?: boolean;
  metrics?: { host: string; port: number };
  quiet?: boolean;
}

async function workerCommand(env: CliEnv, files: string[], opts: WorkerOpts): Promise<number> {
  const sources = await readSources(files);
  const client = await openRedis(opts, `cep-worker-${opts.id ?? process.pid}`);
  try {
    const { ensureJob } = await import("../scaleout/job.js");
    const job = await withJob(() =>
      ensureJob(client, {
        partitions: opts.partitions,
        partitionBy: opts.partitionBy,
        typeField: opts.typeField,
        timeField: opts.timeField,
      }),
    );
    const program = compileSources(env, sources, { typeField: job.typeField, timeField: job.timeField });
    if (program === null) return 1;
    const { Worker: WorkerClass } = await import("../scaleout/worker.js");
    let worker: Worker;
    let abandoned = false;
    let observeCommit: ((seconds: number) => void) | undefined;
    try {
      // The CLI holds the library's Program structurally (api.ts); it is the real one.
      worker = new WorkerClass(client, program as unknown as ConstructorParameters<typeof Worker>[1], job, {
        id: opts.id ?? `${hostname()}-${process.pid}`,
        sources,
        leaseMs: opts.lease,
        tickMs: opts.tick,
        batch: opts.batch,
        trimInput: opts.trimInput ?? false,
        onCommit: (seconds) => observeCommit?.(seconds),
        // The loop may never return then: the process ends when nothing is left to wait for.
        onAbandon: () => {
          abandoned = true;
          process.exitCode = 1;
        },
        log: opts.quiet ? undefined : (m) => env.stderr.write(`cep: ${m}\n`),
      });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const metrics = await serveWorkerMetrics(env, opts.metrics, worker);
    observeCommit = metrics?.observeCommit;
    const stop = () => worker.stop();
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    try {
      await worker.run();
    } catch (err) {
      env.stderr.write(`cep: worker stopped: ${(err as Error).message}\n`);
      return 1;
    } finally {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      await metrics?.close();
    }
    const s = worker.stats;
    if (!opts.quiet) {
      env.stderr.write(
        `cep: worker stopped: ${s.entries} entries, ${s.matches} matches, ${s.commits} commits, ${s.fenced} fenced, ${s.claims} claims, ${s.releases} releases, ${s.errors} errors` +
          `${s.deploys > 0 || s.versionErrors > 0 ? `, ${s.deploys} pattern-set updates (${s.replaced} partial matches replaced, ${s.versionErrors} versions not runnable)` : ""}\n`,
      );
    }
    return abandoned ? 1 : 0;
  } finally {
    client.disconnect();
  }
}

/**
 * `cep deploy`: compiles the new set (exit 1 with `cep check`'s diagnostics when it does
 * not; exit 2 when it cannot run partitioned by the job's field, as `cep worker` refuses
 * it: nothing is published), then stores it as the next version and marks every
 * partition stream (versions.ts).
 */
async function deployCommand(env: CliEnv, files: string[], opts: RedisOpts): Promise<number> {
  const sources = await readSources(files);
  const client = await openRedis(opts, "cep-deploy");
  try {
    const { readJob } = await import("../scaleout/job.js");
    const { checkPartitionable, deploy, setDiff, versionRecord } = await import("../scaleout/versions.js");
    const job = await readJob(client);
    if (job === null) throw new UsageError("no job in this Redis (run cep produce or cep worker first)");
    const program = compileSources(env, sources, { typeField: job.typeField, timeField: job.timeField });
    if (program === null) return 1;
    // The CLI holds the library's Program structurally (api.ts); it is the real one.
    const compiled = program as unknown as Parameters<typeof versionRecord>[1];
    try {
      checkPartitionable(compiled, job);
    } catch (err) {
      // As `cep worker` refuses such files: a usage error (exit 2), nothing published.
      throw new UsageError(`cannot deploy: ${(err as Error).message}`);
    }
    const record = versionRecord(sources, compiled);
    const r = await withJob(() => deploy(client, job, record, { cluster: opts.cluster ?? false }));
    const d = setDiff(r.previous, record.fingerprint);
    const parts = (["added", "removed", "changed", "kept"] as const)
      .filter((k) => d[k].length > 0)
      .map((k) => `${k} ${d[k].join(", ")}`);
    env.stderr.write(
      r.existing
        ? `cep: the set is already version ${r.version}${r.marked > 0 ? `; marked the ${r.marked} partitions that lacked its marker` : ""}\n`
        : `cep: deployed pattern-set version ${r.version} (${r.marked} of ${job.partitions} partitions marked): ${parts.join("; ")}\n`,
    );
    return 0;
  } finally {
    client.disconnect();
  }
}

/** `cep worker --metrics`: starts the server (prom-client is loaded only now); a usage error when it cannot listen. */
async function serveWorkerMetrics(
  env: CliEnv,
  at: { host: string; port: number } | undefined,
  worker: Worker,
) {
  if (at === undefined) return null;
  const { startWorkerMetrics } = await import("./worker-metrics.js");
  try {
    const server = await startWorkerMetrics(at.host, at.port, {
      stats: () => worker.stats,
      partitions: () => worker.partitions(),
      now: env.wallClock,
    });
    env.stderr.write(`cep: metrics on http://${server.address}/metrics (and /healthz)\n`);
    return server;
  } catch (err) {
    throw new UsageError(`cannot serve --metrics on ${at.host}:${at.port}: ${ioReason(err)}`);
  }
}

interface ConsumeOpts extends RedisOpts {
  group: string;
  consumer: string;
  output: string;
  follow?: boolean;
  untilEnd?: boolean;
}

/**
 * `cep consume`. Matches are acknowledged only once written: a failed write stops it with
 * exit 2 (EPIPE on stdout: quietly, 0), the batch left pending for the next consume.
 */
async function consumeCommand(env: CliEnv, opts: ConsumeOpts): Promise<number> {
  const opened: OpenedSink[] = [];
  try {
    await consumeTo(env, opts, opened);
  } catch (err) {
    const failed = reportFailedWrites(env, opened);
    if (failed === null) throw err;
    return failed ? 2 : 0;
  }
  return reportFailedWrites(env, opened) ? 2 : 0;
}

async function consumeTo(env: CliEnv, opts: ConsumeOpts, opened: OpenedSink[]): Promise<void> {
  const out = await openSink(env, opts.output, "stdout", "--output", opened);
  const client = await openRedis(opts, "cep-consume");
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  try {
    const { readJob } = await import("../scaleout/job.js");
    const { consume } = await import("../scaleout/consumer.js");
    const job = await readJob(client);
    if (job === null) throw new UsageError("no job in this Redis (run cep produce or cep worker first)");
    await consume(client, job, (line) => out.write(line), {
      group: opts.group,
      consumer: opts.consumer,
      follow: opts.follow,
      untilEnd: opts.untilEnd,
      signal: abort.signal,
      flush: async () => {
        await out.drain();
        if (out.error !== null) throw out.error;
      },
    });
  } finally {
    process.off("SIGTERM", stop);
    process.off("SIGINT", stop);
    await out.close();
    client.disconnect();
  }
}

async function statusCommand(env: CliEnv, opts: RedisOpts & { json?: boolean }): Promise<number> {
  const client = await openRedis(opts, "cep-status");
  try {
    const { status, renderStatus } = await import("../scaleout/status.js");
    const s = await status(client);
    if (s === null) throw new UsageError("no job in this Redis (run cep produce or cep worker first)");
    env.stdout.write(opts.json ? `${JSON.stringify(s, null, 2)}\n` : renderStatus(s));
    return 0;
  } finally {
    client.disconnect();
  }
}
