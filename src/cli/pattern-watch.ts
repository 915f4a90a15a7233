/**
 * `cep run --watch`: notices when the pattern files change on disk. `fs.watch` on each
 * file's directory (editors often save by writing a new file and renaming it over the old
 * one, which a watch on the file itself would lose), and a poll of the files' size, mtime
 * and inode as a fallback where watching is unreliable (network and container file
 * systems) or unavailable. Changes are debounced: an editor's save is several events, and
 * a file half written would not compile.
 */
import { type FSWatcher, type Stats, statSync, watch } from "node:fs";
import { basename, dirname, resolve } from "node:path";

/** Quiet time after the last change before the files are read (ms). */
export const WATCH_DEBOUNCE_MS = 100;
/** How often the files are looked at when no watch event came (ms). */
export const WATCH_POLL_MS = 500;

/** Watches pattern files; calls `changed` (debounced) when any of them may have changed. */
export class PatternWatcher {
  private readonly watchers: FSWatcher[] = [];
  private readonly poll: NodeJS.Timeout;
  private timer: NodeJS.Timeout | null = null;
  private readonly seen = new Map<string, string>();
  private closed = false;

  constructor(
    files: readonly string[],
    private readonly changed: () => void,
    private readonly debounceMs = WATCH_DEBOUNCE_MS,
    pollMs = WATCH_POLL_MS,
  ) {
    const paths = files.map((f) => resolve(f));
    for (const p of paths) this.seen.set(p, identity(p));
    const byDir = new Map<string, Set<string>>();
    for (const p of paths) {
      const names = byDir.get(dirname(p)) ?? new Set<string>();
      names.add(basename(p));
      byDir.set(dirname(p), names);
    }
    for (const [dir, names] of byDir) {
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => {
          if (name === null || names.has(name.toString())) this.trigger();
        });
        w.on("error", () => w.close()); // the poll goes on
        this.watchers.push(w);
      } catch {
        // No watching here (too many watches, an unsupported file system): the poll remains.
      }
    }
    this.poll = setInterval(() => {
      for (const p of paths) {
        const now = identity(p);
        if (now !== this.seen.get(p)) {
          this.seen.set(p, now);
          this.trigger();
        }
      }
    }, pollMs);
    this.poll.unref();
  }

  /** A change was seen: `changed` runs once things are quiet for the debounce time. */
  private trigger(): void {
    if (this.closed) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.closed) this.changed();
    }, this.debounceMs);
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers) w.close();
    clearInterval(this.poll);
    if (this.timer !== null) clearTimeout(this.timer);
  }
}

/** What the poll compares: size, modification time and inode (or that the file is missing). */
function identity(path: string): string {
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    return "missing";
  }
  return `${st.size}:${st.mtimeMs}:${st.ino}`;
}
