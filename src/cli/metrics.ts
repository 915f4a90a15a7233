/**
 * `cep run --follow --metrics <host:port>`: Prometheus metrics over HTTP (`/metrics`, in
 * the text exposition format, made by `prom-client`) and `/healthz`. Loaded only when the
 * option is given (the bundle keeps `prom-client` external and this module behind a
 * dynamic import), so other runs do not pay for it. Nothing is counted per event here:
 * every value is read from the run's counters and `engine.stats()` when scraped.
 * The names are listed in docs/operations.md ("Metrics").
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { RunStatus } from "./run.js";

/** A running metrics server. */
export interface MetricsServer {
  /** The address it listens on, as `host:port` (the port chosen when 0 was asked for). */
  readonly address: string;
  close(): Promise<void>;
}

/** What the metrics read at each scrape. */
export interface MetricsSource {
  status(): RunStatus;
  /** Wall clock (ms), for the event-time lag. */
  now(): number;
}

/** The registry of a run's metrics (exported for tests). */
export function runRegistry(source: MetricsSource): Registry {
  const register = new Registry();
  // One status per scrape, shared by the collectors below (each `collect` runs in turn).
  let cached: { at: number; status: RunStatus } | null = null;
  const status = (): RunStatus => {
    const tick = scrapeTick;
    if (cached === null || cached.at !== tick) cached = { at: tick, status: source.status() };
    return cached.status;
  };
  let scrapeTick = 0;
  const registers = [register];
  const total = (name: string, help: string, read: (s: RunStatus) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read(status()));
      },
    });
  const perPattern = (
    kind: "counter" | "gauge",
    name: string,
    help: string,
    read: (s: RunStatus) => Readonly<Record<string, number>> | undefined,
  ) => {
    const Metric = kind === "counter" ? Counter : Gauge;
    return new Metric({
      name,
      help,
      labelNames: ["pattern"],
      registers,
      collect() {
        this.reset();
        const values = read(status()) ?? {};
        for (const pattern of Object.keys(values)) {
          if (kind === "counter") (this as Counter<"pattern">).inc({ pattern }, values[pattern]);
          else (this as Gauge<"pattern">).set({ pattern }, values[pattern]);
        }
      },
    });
  };
  total(
    "cep_events_read_total",
    "Input records read and pushed to the engine (events and $watermark records).",
    (s) => s.counters.records,
  );
  total("cep_events_late_total", "Events that arrived too late to be matched.", (s) => s.counters.late);
  total(
    "cep_events_bad_total",
    "Input lines that are not usable events (bad JSON, no usable time, ...).",
    (s) => s.counters.bad,
  );
  total(
    "cep_state_dropped_total",
    "Partial matches dropped by the state limits.",
    (s) => s.stats.dropped ?? 0,
  );
  perPattern("counter", "cep_matches_total", "Matches per pattern.", (s) => s.counters.matches);
  perPattern("counter", "cep_timeouts_total", "Timeouts per pattern (since this process started).", (s) => {
    // Every pattern that ran has a series, 0 until it times out.
    const all: Record<string, number> = {};
    for (const p of Object.keys(s.counters.matches)) all[p] = 0;
    return Object.assign(all, s.timeoutsByPattern);
  });
  perPattern(
    "gauge",
    "cep_partial_matches",
    "Live partial matches per pattern.",
    (s) => s.stats.partialMatchesByPattern,
  );
  perPattern("gauge", "cep_keys", "Keys holding state per pattern.", (s) => s.stats.keysByPattern);
  new Gauge({
    name: "cep_event_time_lag_seconds",
    help: "Wall clock minus the engine's watermark, in seconds (absent before the first event).",
    registers,
    collect() {
      this.reset();
      const w = status().stats.watermark;
      if (typeof w === "number") this.set((source.now() - w) / 1000);
    },
  });
  // Standard process metrics (process_*, nodejs_*): memory, CPU, event-loop lag.
  collectDefaultMetrics({ register });
  const metrics = register.metrics.bind(register);
  register.metrics = () => {
    scrapeTick++;
    return metrics();
  };
  return register;
}

/**
 * Listens on `host:port` (port 0: any free port) and serves `/metrics` and `/healthz`;
 * `extend` adds metrics of its own to the run's registry (`cep worker`'s).
 * Rejects with the system error (EADDRINUSE, EACCES…) when it cannot listen.
 */
export async function startMetrics(
  host: string,
  port: number,
  source: MetricsSource,
  extend?: (register: Registry) => void,
): Promise<MetricsServer> {
  const register = runRegistry(source);
  extend?.(register);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/healthz") {
      res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" }).end("ok\n");
      return;
    }
    if (path !== "/metrics") {
      res
        .writeHead(404, { "Content-Type": "text/plain; charset=utf-8" })
        .end("not found: try /metrics or /healthz\n");
      return;
    }
    register.metrics().then(
      (text) => res.writeHead(200, { "Content-Type": register.contentType }).end(text),
      (err: unknown) =>
        res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" }).end(`${String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Scrapes must not keep a finished run alive.
  server.unref();
  const a = server.address() as AddressInfo;
  const address = a.family === "IPv6" ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
