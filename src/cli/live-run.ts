/**
 * The process side of a long-running `cep run` (`--follow`): SIGINT and SIGTERM stop
 * reading instead of killing the process, so the run ends cleanly — records written, the
 * checkpoint saved with the partial matches still open (end of input does not happen) —
 * and the input is followed as it grows (io/follow.ts). A second signal kills as usual.
 */
import { followFile, followStdin } from "../io/follow.js";
import { type InputSource, openInput } from "../io/source.js";
import { ioReason } from "../shell/io-reason.js";
import { UsageError } from "./api.js";
import type { LiveOptions } from "./live-options.js";
import type { MetricsServer, MetricsSource } from "./metrics.js";

/** The signals a following run handles. */
const STOP_SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** One `cep run`'s signal handling and input opening; {@link dispose} when the run is over. */
export class LiveRun {
  private readonly stop = new AbortController();
  /** The signal that stopped the run, if one did. */
  private signal: NodeJS.Signals | null = null;
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    this.signal = signal;
    this.stop.abort();
  };

  constructor(readonly options: LiveOptions) {
    if (options.follow) for (const s of STOP_SIGNALS) process.once(s, this.onSignal);
  }

  /** Signals this run handles (the checkpoint lock leaves them alone). */
  get handledSignals(): readonly NodeJS.Signals[] {
    return this.options.follow ? STOP_SIGNALS : [];
  }

  /** The abort signal a stop raises (also for watchers and servers of the run). */
  get stopSignal(): AbortSignal {
    return this.stop.signal;
  }

  /** Opens the input (followed with `--follow`) at byte `start`; a usage error when it cannot be read. */
  async openInput(path: string, stdin: AsyncIterable<Buffer | string>, start: number): Promise<InputSource> {
    try {
      if (!this.options.follow) return await openInput(path, stdin, start);
      if (path === "-") return followStdin(stdin, this.stop.signal, () => process.stdin.destroy());
      return await followFile(path, start, this.stop.signal);
    } catch (err) {
      if ((err as { code?: unknown }).code === "ENOTFILE") throw new UsageError((err as Error).message);
      throw new UsageError(`cannot read ${path}: ${ioReason(err)}`);
    }
  }

  /** What to say when a signal stopped the run. */
  stoppedNote(checkpoint: string | null): string {
    const by = this.signal ?? "a signal";
    return checkpoint === null
      ? `stopped by ${by}; partial matches still open are not reported (no end of input)`
      : `stopped by ${by}; partial matches still open are kept in checkpoint ${checkpoint}: run the same command to go on`;
  }

  /**
   * `--metrics`: starts the server (its module and prom-client are loaded only now) and
   * says where it listens; null without the option. A usage error when it cannot listen.
   */
  async serveMetrics(
    source: MetricsSource,
    stderr: { write(text: string): unknown },
  ): Promise<MetricsServer | null> {
    const m = this.options.metrics;
    if (m === null) return null;
    const { startMetrics } = await import("./metrics.js");
    try {
      const server = await startMetrics(m.host, m.port, source);
      stderr.write(`cep: metrics on http://${server.address}/metrics (and /healthz)\n`);
      return server;
    } catch (err) {
      throw new UsageError(`cannot serve --metrics on ${m.host}:${m.port}: ${ioReason(err)}`);
    }
  }

  dispose(): void {
    for (const s of STOP_SIGNALS) process.off(s, this.onSignal);
  }
}
