/**
 * The campaign: the in-process kinds (patterns, events) in a supervised worker thread,
 * the CLI kind in this thread at the same time (it mostly waits for child processes),
 * crash records de-duplicated by signature, one reproduction folder per distinct crash,
 * progress lines and a summary.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { cliTarget } from "./cli.js";
import { ROOT } from "./corpus.js";
import { randFor, stepAt } from "./schedule.js";
import {
  type Failure,
  KINDS,
  type Kind,
  minimize,
  type Reproduction,
  signature,
  type Target,
} from "./target.js";
import type { WorkerJob, WorkerMessage } from "./worker.js";

/** Campaign settings (`npm run fuzz -- --help` lists the flags that set them). */
export interface CampaignOptions {
  readonly seed: number;
  /** Total inputs (all kinds); null: until `timeMs`. */
  readonly count: number | null;
  /** Wall-clock limit in ms; null: until `count`. */
  readonly timeMs: number | null;
  readonly kinds: readonly Kind[];
  /** An in-process input slower than this is a `slow` failure. */
  readonly budgetMs: number;
  /** An in-process input still running after this is killed: a `hang`. */
  readonly killMs: number;
  /** Heap limit of the worker (MiB): past it, a `memory` failure. */
  readonly heapMb: number;
  /** Per CLI command. */
  readonly cliTimeoutMs: number;
  /** Time spent shrinking each new crash. */
  readonly minimizeMs: number;
  /** `bin/cep.js` to run for the cli kind. */
  readonly bin: string;
  /** Where reproductions go (a folder per seed is made inside), or null for none. */
  readonly out: string | null;
  /** Module exporting `inProcessTargets(budgetMs)` (tests inject their own). */
  readonly targetModule?: string;
  /** CLI inputs per in-process input when both run with a count (default 0.003). */
  readonly cliShare?: number;
  /** Progress lines go here; default: none. */
  readonly log?: (line: string) => void;
  /** Seconds between progress lines (default 10). */
  readonly progressEvery?: number;
}

/** One distinct crash. */
export interface Crash {
  readonly signature: string;
  readonly kind: Kind;
  readonly failure: Failure;
  /** `kind:index` of the first input that showed it (replayable with the same seed). */
  readonly id: string;
  readonly describe: string;
  /** The shrunk input's description, when shrinking found a smaller one. */
  readonly shrunk?: string;
  count: number;
  /** Its reproduction folder, when written. */
  dir: string | null;
}

/** What a campaign did. */
export interface Summary {
  readonly seed: number;
  readonly tried: Record<Kind, number>;
  readonly elapsedMs: number;
  readonly crashes: Crash[];
}

const TARGETS = new URL("./targets.ts", import.meta.url).href;

/** Runs a campaign; resolves with its summary (crash folders written on the way). */
export async function runCampaign(options: CampaignOptions): Promise<Summary> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  // `stop.at` is the deadline; a failure of the campaign itself moves it to now.
  const stop = { at: options.timeMs === null ? Number.POSITIVE_INFINITY : started + options.timeMs };
  const inProcess = options.kinds.filter((k) => k !== "cli");
  const withCli = options.kinds.includes("cli");
  let cliCount = Number.POSITIVE_INFINITY;
  let stepCount = Number.POSITIVE_INFINITY;
  if (options.count !== null) {
    cliCount = !withCli
      ? 0
      : inProcess.length === 0
        ? options.count
        : Math.ceil(options.count * (options.cliShare ?? 0.003));
    stepCount = options.count - cliCount;
  }
  const tried: Record<Kind, number> = { patterns: 0, events: 0, cli: 0 };
  /** Inputs the running worker has reported since it started (for progress lines). */
  const live: Record<Kind, number> = { patterns: 0, events: 0, cli: 0 };
  const crashes = new Map<string, Crash>();
  const outDir = options.out === null ? null : join(options.out, `seed-${options.seed}`);
  if (outDir !== null) {
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
  }
  const targetModule = options.targetModule ?? TARGETS;
  let regenerate: Map<Kind, Target<unknown>> | null = null;
  let lastTried = "";
  let lastCli = "";

  const record = (
    kind: Kind,
    index: number,
    failure: Failure,
    sig: string,
    describe: string,
    reproduction: Reproduction | undefined,
    shrunk?: string,
  ) => {
    const known = crashes.get(sig);
    if (known !== undefined) {
      known.count++;
      return;
    }
    const crash: Crash = {
      signature: sig,
      kind,
      failure,
      id: `${kind}:${index}`,
      describe,
      shrunk,
      count: 1,
      dir: null,
    };
    crashes.set(sig, crash);
    if (outDir !== null && reproduction !== undefined) {
      crash.dir = writeCrash(outDir, crashes.size, crash, reproduction, options.seed);
    }
    log(
      `NEW ${sig}\n    input ${crash.id}: ${describe}${crash.dir === null ? "" : `\n    saved in ${crash.dir}`}`,
    );
  };

  /** The reproduction of an input the worker could not report itself (hang, memory). */
  const reproduceLost = async (kind: Kind, index: number) => {
    regenerate ??= new Map(
      ((await import(targetModule)) as { inProcessTargets(b: number): Target<unknown>[] })
        .inProcessTargets(options.budgetMs)
        .map((t) => [t.kind, t]),
    );
    const t = regenerate.get(kind);
    if (t === undefined) return { describe: "?", reproduction: undefined };
    const input = t.make(randFor(options.seed, kind, index));
    return { describe: t.describe(input), reproduction: t.reproduce(input) };
  };

  const job = (start: number): WorkerJob => ({
    seed: options.seed,
    kinds: inProcess,
    start,
    end: stepCount,
    budgetMs: options.budgetMs,
    minimizeMs: options.minimizeMs,
    targetModule,
    shared: new SharedArrayBuffer(12),
    known: [...crashes.keys()],
  });

  // The in-process kinds, supervised.
  const inProcessDone = (async () => {
    if (inProcess.length === 0) return;
    let step = 0;
    while (step < stepCount && performance.now() < stop.at) {
      const outcome = await superviseWorker({
        job: job(step),
        stop,
        killMs: options.killMs,
        heapMb: options.heapMb,
        onMessage: (m) => {
          if (m.type === "progress") {
            for (const k of KINDS) live[k] += m.tried[k] ?? 0;
            lastTried = m.last;
          } else if (m.type === "failure") {
            record(m.kind, m.index, m.failure, m.signature, m.describe, m.reproduction, m.shrunk);
          }
        },
      });
      // Exact counts from the steps run (progress reports of a killed worker may be lost).
      for (let g = step; g < outcome.next; g++) tried[stepAt(inProcess, g).kind]++;
      for (const k of KINDS) live[k] = 0;
      step = outcome.next;
      if (outcome.lost !== null) {
        const lost = outcome.lost;
        const { kind, index } = stepAt(inProcess, lost.step);
        let failure = lost.failure;
        if (failure.class === "hang" || failure.class === "memory") {
          // Again, alone in a fresh worker: what does not recur was the machine (or earlier inputs).
          const again = await superviseWorker({
            job: { ...job(lost.step), end: lost.step + 1 },
            stop: { at: Number.POSITIVE_INFINITY },
            killMs: options.killMs,
            heapMb: options.heapMb,
            onMessage: () => {},
          });
          if (again.lost === null) {
            failure = { class: "unconfirmed", message: `${failure.message}; alone it finished` };
          }
        }
        const { describe, reproduction } = await reproduceLost(kind, index);
        record(kind, index, failure, signature(kind, failure), describe, reproduction);
      }
    }
  })();

  // The cli kind, here, one command at a time.
  const cliDone = (async () => {
    if (!withCli) return;
    const target = cliTarget(options.bin, options.cliTimeoutMs);
    for (let i = 0; i < cliCount && performance.now() < stop.at; i++) {
      const input = target.make(randFor(options.seed, "cli", i));
      let failure = await target.run(input);
      if (failure?.class === "timeout" && (await target.run(input)) === null) {
        failure = { class: "unconfirmed", message: `${failure.message}; the second run finished` };
      }
      tried.cli++;
      if (failure !== null) {
        const sig = signature("cli", failure);
        const reproduction = crashes.has(sig) ? undefined : target.reproduce(input);
        record("cli", i, failure, sig, target.describe(input), reproduction);
      }
      lastCli = target.describe(input);
    }
  })();

  const ticker = setInterval(
    () => {
      const s = ((performance.now() - started) / 1000).toFixed(0);
      const counts = KINDS.filter((k) => options.kinds.includes(k))
        .map((k) => `${k} ${tried[k] + live[k]}`)
        .join(", ");
      const failures = [...crashes.values()].reduce((n, c) => n + c.count, 0);
      log(`[${s}s] ${counts}; ${failures} failures, ${crashes.size} distinct`);
      if (lastTried !== "") log(`    last in-process: ${lastTried.slice(0, 150)}`);
      if (lastCli !== "") log(`    last cli: ${lastCli.slice(0, 150)}`);
    },
    (options.progressEvery ?? 10) * 1000,
  );
  try {
    const halt = (err: unknown) => {
      stop.at = 0;
      throw err;
    };
    await Promise.all([inProcessDone.catch(halt), cliDone.catch(halt)]);
  } finally {
    clearInterval(ticker);
  }
  const summary: Summary = {
    seed: options.seed,
    tried,
    elapsedMs: performance.now() - started,
    crashes: [...crashes.values()],
  };
  if (outDir !== null) {
    writeFileSync(join(outDir, "summary.txt"), formatSummary(summary));
    writeFileSync(join(outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  }
  return summary;
}

/** Replays input `kind:index` of `seed` once, here; returns its failure (null: it behaved) and what it was. */
export async function replay(
  options: Pick<CampaignOptions, "seed" | "budgetMs" | "bin" | "cliTimeoutMs" | "targetModule">,
  kind: Kind,
  index: number,
): Promise<{ describe: string; failure: Failure | null; reproduction: Reproduction }> {
  const targets: Target<unknown>[] =
    kind === "cli"
      ? [cliTarget(options.bin, options.cliTimeoutMs) as Target<unknown>]
      : (
          (await import(options.targetModule ?? TARGETS)) as {
            inProcessTargets(b: number): Target<unknown>[];
          }
        ).inProcessTargets(options.budgetMs);
  const target = targets.find((t) => t.kind === kind);
  if (target === undefined) throw new Error(`no target ${kind}`);
  const input = target.make(randFor(options.seed, kind, index));
  const failure = await target.run(input);
  const small =
    failure === null || failure.class === "slow"
      ? input
      : await minimize(target, input, signature(kind, failure), 10_000);
  return { describe: target.describe(input), failure, reproduction: target.reproduce(small) };
}

/** How long a worker may take to load (tsx compiling the targets on a busy machine). */
const STARTUP_MS = 120_000;

interface SuperviseArgs {
  job: WorkerJob;
  stop: { at: number };
  killMs: number;
  heapMb: number;
  onMessage(m: WorkerMessage): void;
}

/** Where a worker stopped: the next step, and the input it was killed or died on. */
interface WorkerOutcome {
  next: number;
  lost: { step: number; failure: Failure } | null;
}

/** Runs one worker until it finishes, the deadline passes, an input hangs or the heap runs out. */
function superviseWorker(args: SuperviseArgs): Promise<WorkerOutcome> {
  const { job } = args;
  const cell = new Int32Array(job.shared);
  // −1 until the worker starts its first input: loading it is not an input's time.
  Atomics.store(cell, 0, -1);
  const tsx = tsxApi();
  const url = new URL("./worker.ts", import.meta.url).href;
  const worker = new Worker(
    `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); });`,
    { eval: true, workerData: job, resourceLimits: { maxOldGenerationSizeMb: args.heapMb }, stderr: false },
  );
  return new Promise((resolve, reject) => {
    let seen = -1;
    let beat = 0;
    let since = performance.now();
    let settled = false;
    const finish = (outcome: WorkerOutcome) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      void worker.terminate();
      resolve(outcome);
    };
    const watch = setInterval(() => {
      const now = performance.now();
      const step = Atomics.load(cell, 0);
      const shrinking = Atomics.load(cell, 2);
      if (step !== seen || shrinking !== beat) {
        seen = step;
        beat = shrinking;
        since = now;
      } else if (step === -1 && now - since > STARTUP_MS) {
        settled = true;
        clearInterval(watch);
        void worker.terminate();
        reject(new Error(`the fuzz worker did not start within ${STARTUP_MS / 1000} s`));
        return;
      } else if (step !== -1 && now - since > args.killMs) {
        finish({
          next: step + 1,
          lost: {
            step,
            failure: { class: "hang", message: `still running after ${args.killMs} ms: killed` },
          },
        });
      }
      if (now > args.stop.at) Atomics.store(cell, 1, 1);
    }, 100);
    worker.on("message", (m: WorkerMessage) => {
      args.onMessage(m);
      if (m.type === "done") finish({ next: m.step, lost: null });
    });
    worker.on("error", (err: Error & { code?: string }) => {
      const step = Atomics.load(cell, 0);
      if (step === -1) {
        // Not an input's fault: the worker could not start (a broken module, a missing loader).
        settled = true;
        clearInterval(watch);
        void worker.terminate();
        reject(new Error(`the fuzz worker failed to start: ${err.stack ?? err.message}`));
        return;
      }
      const memory = err.code === "ERR_WORKER_OUT_OF_MEMORY";
      finish({
        next: step + 1,
        lost: {
          step,
          failure: memory
            ? { class: "memory", message: `worker heap over ${args.heapMb} MiB: ${err.message}` }
            : { class: "exception", message: `worker died: ${err.name}: ${err.message}`, stack: err.stack },
        },
      });
    });
    worker.on("exit", (code) => {
      const step = Math.max(job.start, Atomics.load(cell, 0));
      finish({
        next: step + 1,
        lost: {
          step,
          failure: { class: "exception", message: `worker exited with code ${code} before finishing` },
        },
      });
    });
  });
}

/** The URL of tsx's ESM API (a worker registers it to load the TypeScript targets). */
function tsxApi(): string {
  const resolve = (import.meta as { resolve?: (s: string) => string }).resolve;
  return typeof resolve === "function" ? resolve("tsx/esm/api") : "tsx/esm/api";
}

/** Writes a crash's folder: its files, `repro.sh` and `failure.txt`; returns the folder. */
function writeCrash(
  outDir: string,
  n: number,
  crash: Crash,
  reproduction: Reproduction,
  seed: number,
): string {
  const slug = crash.failure.message
    .replace(/[^A-Za-z0-9]+/g, "-")
    .slice(0, 40)
    .replace(/^-|-$/g, "");
  const dir = join(outDir, `${String(n).padStart(3, "0")}-${crash.kind}-${crash.failure.class}-${slug}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(reproduction.files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  const [kind, index] = crash.id.split(":");
  writeFileSync(
    join(dir, "repro.sh"),
    [
      "#!/bin/sh",
      `# ${crash.signature}`,
      `# Exactly, in process: npm run fuzz -- --seed ${seed} --replay ${kind}:${index}`,
      'DIR="$(cd "$(dirname "$0")" && pwd)"',
      `REPO="\${REPO:-${ROOT.replace(/\/$/, "")}}"`,
      'cd "$REPO"',
      reproduction.command,
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  writeFileSync(
    join(dir, "failure.txt"),
    [
      crash.signature,
      "",
      `input ${crash.id} (seed ${seed}): ${crash.describe}`,
      crash.shrunk === undefined ? "" : `shrunk to: ${crash.shrunk}`,
      "",
      crash.failure.message,
      crash.failure.stack ?? "",
      "",
    ].join("\n"),
  );
  return dir;
}

/** The summary as text: inputs per kind, then crashes by kind with their signatures. */
export function formatSummary(s: Summary): string {
  const total = KINDS.reduce((n, k) => n + s.tried[k], 0);
  const lines = [
    `seed ${s.seed}: ${total} inputs in ${(s.elapsedMs / 1000).toFixed(1)} s (${KINDS.map((k) => `${k} ${s.tried[k]}`).join(", ")})`,
  ];
  if (s.crashes.length === 0) {
    lines.push("no failures");
  } else {
    lines.push(`${s.crashes.length} distinct failures:`);
    for (const k of KINDS) {
      for (const c of s.crashes.filter((x) => x.kind === k)) {
        lines.push(`  ${c.count}× ${c.signature}`);
        lines.push(`      first: ${c.id} ${c.describe.slice(0, 160)}`);
        if (c.dir !== null) lines.push(`      reproduction: ${c.dir}`);
      }
    }
  }
  return `${lines.join("\n")}\n`;
}
