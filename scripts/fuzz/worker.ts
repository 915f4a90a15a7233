/**
 * The in-process loop, run in a worker thread so that the campaign can kill an input that
 * hangs and survive one that runs the heap out. Before each input it stores the step
 * number in shared memory (the supervisor's watchdog reads it); it reports progress,
 * and each failure with its signature and, the first time a signature is seen here, a
 * shrunk reproduction.
 */
import { parentPort, workerData } from "node:worker_threads";
import { randFor, stepAt } from "./schedule.js";
import { type Failure, type Kind, minimize, type Reproduction, signature, type Target } from "./target.js";

/** What the supervisor hands a worker. */
export interface WorkerJob {
  readonly seed: number;
  readonly kinds: readonly Kind[];
  /** First step to run, and the step to stop before. */
  readonly start: number;
  readonly end: number;
  readonly budgetMs: number;
  readonly minimizeMs: number;
  /** Module URL exporting `inProcessTargets(budgetMs)`. */
  readonly targetModule: string;
  /** [0]: the step running now; [1]: set to 1 by the supervisor to stop; [2]: shrink runs (a heartbeat). */
  readonly shared: SharedArrayBuffer;
  /** Signatures already reported (not shrunk again). */
  readonly known: readonly string[];
}

/** Messages from the worker. */
export type WorkerMessage =
  | { type: "progress"; step: number; tried: Partial<Record<Kind, number>>; last: string }
  | {
      type: "failure";
      kind: Kind;
      index: number;
      failure: Failure;
      signature: string;
      describe: string;
      /** Only for a signature new to this worker: the (shrunk) input's reproduction. */
      reproduction?: Reproduction;
      shrunk?: string;
    }
  | { type: "done"; step: number; tried: Partial<Record<Kind, number>> };

async function main(job: WorkerJob): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error("not in a worker");
  const mod = (await import(job.targetModule)) as { inProcessTargets(budgetMs: number): Target<unknown>[] };
  const targets = new Map(mod.inProcessTargets(job.budgetMs).map((t) => [t.kind, t]));
  const cell = new Int32Array(job.shared);
  const known = new Set(job.known);
  let tried: Partial<Record<Kind, number>> = {};
  let last = "";
  let lastReport = performance.now();
  let g = job.start;
  for (; g < job.end && Atomics.load(cell, 1) === 0; g++) {
    Atomics.store(cell, 0, g);
    const { kind, index } = stepAt(job.kinds, g);
    const target = targets.get(kind);
    if (target === undefined) throw new Error(`no target for ${kind}`);
    const input = target.make(randFor(job.seed, kind, index));
    let failure = await target.run(input);
    // On a busy machine a pause can make any input slow: count it only if it is slow twice.
    if (failure?.class === "slow") failure = await target.run(input);
    tried[kind] = (tried[kind] ?? 0) + 1;
    if (failure !== null) {
      const sig = signature(kind, failure);
      const describe = target.describe(input);
      if (known.has(sig)) {
        port.postMessage({
          type: "failure",
          kind,
          index,
          failure,
          signature: sig,
          describe,
        } satisfies WorkerMessage);
      } else {
        known.add(sig);
        const small =
          failure.class === "slow"
            ? input
            : await minimize(target, input, sig, job.minimizeMs, 3000, () => {
                Atomics.add(cell, 2, 1);
              });
        port.postMessage({
          type: "failure",
          kind,
          index,
          failure,
          signature: sig,
          describe,
          reproduction: target.reproduce(small),
          shrunk: small === input ? undefined : target.describe(small),
        } satisfies WorkerMessage);
      }
    }
    const now = performance.now();
    if (now - lastReport > 250) {
      last = target.describe(input);
      port.postMessage({ type: "progress", step: g + 1, tried, last } satisfies WorkerMessage);
      tried = {};
      lastReport = now;
    }
  }
  port.postMessage({ type: "done", step: g, tried } satisfies WorkerMessage);
}

await main(workerData as WorkerJob);
