/**
 * The lock of `cep run --checkpoint <file>`: `<file>.lock`, held for the whole run, so
 * two runs of one checkpoint never write the same output files at once (they would
 * interleave their writes and truncations).
 *
 * The lock file is one JSON line naming its holder: `{"pid","host","started"}`. It is
 * written completely under a temporary name and then hard-linked to `<file>.lock`:
 * `link` fails when the name exists, so creation is atomic (like `open` with `O_EXCL`)
 * and nobody ever sees a half-written lock, even after a `kill -9` at any moment.
 *
 * A second run finds the lock and
 * - refuses (exit 2) when the holder runs on this host (its pid is alive), naming the
 *   lock file, the pid and the host;
 * - takes it over, with a note, when the holder ran on this host and its pid is gone (a
 *   killed run): the stale file is renamed away (only one taker can win the rename),
 *   checked to be the one judged stale, and deleted;
 * - refuses when the holder is on another host (a shared file system): this host cannot
 *   tell whether it still runs. The message says to delete the lock file once no run
 *   uses the checkpoint.
 *
 * The holder removes the lock when the run ends, however it ends: normally, with an
 * error, or on SIGINT, SIGTERM or SIGHUP (the signal then ends the process as it would
 * have). Only `kill -9` and a crash of the machine leave it, and the next run takes it over.
 *
 * ```ts
 * const lock = await CheckpointLock.acquire("run.ck", (note) => console.error(note));
 * try { … } finally { lock.release(); }
 * ```
 */
import { readFileSync, unlinkSync } from "node:fs";
import { link, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { ioReason } from "../shell/io-reason.js";
import { UsageError } from "./api.js";

/** Who holds a lock. */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO-8601 time the lock was taken. */
  started: string;
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** Attempts at taking the lock when it keeps changing under us (takeovers racing). */
const ATTEMPTS = 5;

/** A held checkpoint lock. */
export class CheckpointLock {
  private held = true;
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    this.release();
    // Die of the signal, as without a handler (exit status 128 + n for the parent).
    process.kill(process.pid, signal);
  };
  private readonly onExit = (): void => this.release();

  /**
   * Made before the lock file is created, so a signal arriving while it is being created
   * (the file exists as soon as the link call returns, before this process hears of it)
   * still removes it: {@link release} removes the file only if it holds our own text.
   */
  private constructor(
    /** The lock file. */
    readonly path: string,
    private readonly text: string,
    /** The signals that remove the lock and end the process (the others are the caller's to handle). */
    private readonly signals: readonly NodeJS.Signals[],
  ) {
    for (const s of signals) process.once(s, this.onSignal);
    process.once("exit", this.onExit);
  }

  /**
   * Takes the lock of `checkpoint`. Throws {@link UsageError} when another run holds it;
   * `note` is told when a stale lock is taken over.
   */
  static async acquire(
    checkpoint: string,
    note: (message: string) => void,
    /** Signals the caller handles itself (`cep run --follow`: SIGINT, SIGTERM); it must release the lock. */
    handled: readonly NodeJS.Signals[] = [],
  ): Promise<CheckpointLock> {
    const path = `${checkpoint}.lock`;
    const me: LockHolder = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
    const text = `${JSON.stringify(me)}\n`;
    const lock = new CheckpointLock(
      path,
      text,
      SIGNALS.filter((s) => !handled.includes(s)),
    );
    try {
      return await CheckpointLock.take(lock, checkpoint, me, note);
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  /** The attempts of {@link acquire}, with the handlers of `lock` already installed. */
  private static async take(
    lock: CheckpointLock,
    checkpoint: string,
    me: LockHolder,
    note: (message: string) => void,
  ): Promise<CheckpointLock> {
    const { path, text } = lock;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (await create(checkpoint, path, text)) return lock;
      let found: string;
      try {
        found = await readFile(path, "utf8");
      } catch (err) {
        if ((err as { code?: unknown }).code === "ENOENT") continue; // released meanwhile
        throw new UsageError(`cannot read lock ${path}: ${ioReason(err)}`);
      }
      const holder = parseHolder(found);
      const remove = `if no run uses checkpoint ${checkpoint}, delete ${path} and run again`;
      if (holder === null) throw new UsageError(`${path} is not a Cepheus lock file; ${remove}`);
      const who = `pid ${holder.pid} on host ${holder.host}, since ${holder.started}`;
      if (holder.host !== me.host) {
        throw new UsageError(
          `checkpoint ${checkpoint} is locked by ${who} (lock ${path}); that is another host, ` +
            `so this one cannot tell whether it still runs: ${remove}`,
        );
      }
      if (holder.pid === me.pid || isAlive(holder.pid)) {
        throw new UsageError(
          `checkpoint ${checkpoint} is in use by another run: ${who} holds lock ${path}; ` +
            `wait for it to end or stop it (kill ${holder.pid}), then run again`,
        );
      }
      if (await takeOver(path, found)) {
        note(`taking over lock ${path}: its holder, pid ${holder.pid} on this host, is not running`);
      }
    }
    throw new UsageError(`cannot take lock ${path}: it keeps changing; is another run starting?`);
  }

  /** Removes the lock (when it is still ours); idempotent, synchronous (exit handlers). */
  release(): void {
    if (!this.held) return;
    this.held = false;
    for (const s of this.signals) process.off(s, this.onSignal);
    process.off("exit", this.onExit);
    try {
      // Not ours any more (deleted by hand, then taken by another run): leave it.
      if (readFileSync(this.path, "utf8") === this.text) unlinkSync(this.path);
    } catch {
      // Already gone.
    }
  }
}

/** Creates `path` (the lock of `checkpoint`) holding `text`, atomically; false when it exists. */
async function create(checkpoint: string, path: string, text: string): Promise<boolean> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text);
    try {
      await link(tmp, path);
      return true;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === "EEXIST") return false;
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw err;
    }
    // A file system without hard links: exclusive creation, then the content.
    try {
      await writeFile(path, text, { flag: "wx" });
      return true;
    } catch (err) {
      if ((err as { code?: unknown }).code === "EEXIST") return false;
      throw err;
    }
  } catch (err) {
    // The lock is beside the checkpoint: where it cannot be made, no checkpoint can be written.
    throw new UsageError(
      `cannot write checkpoint ${checkpoint}: ${ioReason(err)} (creating its lock ${path})`,
    );
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/**
 * Removes the stale lock whose text is `stale`. Renaming is atomic, so of several runs
 * taking over at once one renames the stale file; another may rename the winner's
 * fresh lock instead, sees that, and puts it back. True when the stale lock was removed.
 */
async function takeOver(path: string, stale: string): Promise<boolean> {
  const aside = `${path}.${process.pid}.stale`;
  try {
    await rename(path, aside);
  } catch {
    return false; // gone already: try again
  }
  let moved = "";
  try {
    moved = await readFile(aside, "utf8");
  } catch {
    // Unreadable: treat as not the stale one.
  }
  if (moved !== stale) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
  return moved === stale;
}

function parseHolder(text: string): LockHolder | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  const o = v as Partial<LockHolder> | null;
  if (o === null || typeof o !== "object") return null;
  if (!Number.isSafeInteger(o.pid) || (o.pid as number) <= 0 || typeof o.host !== "string") return null;
  return { pid: o.pid as number, host: o.host, started: typeof o.started === "string" ? o.started : "?" };
}

/** Whether a process with this pid exists on this host (EPERM: it does, owned by someone else). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: unknown }).code === "EPERM";
  }
}
