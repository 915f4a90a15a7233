/**
 * REPL history across sessions: one line per entry, oldest first, in `~/.cep_history`
 * (or `$CEP_HISTORY`; an empty `CEP_HISTORY` turns history off, as `NODE_REPL_HISTORY`
 * does for node). Only interactive sessions read or write it. Failures to read or write
 * never stop the session: history is a convenience.
 */
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Lines kept in memory and in the file. */
export const HISTORY_SIZE = 1000;

/** The history file, or null when history is off. */
export function historyPath(env: Readonly<Record<string, string | undefined>>): string | null {
  const given = env.CEP_HISTORY;
  if (given !== undefined) return given.trim() === "" ? null : given;
  try {
    return join(homedir(), ".cep_history");
  } catch {
    return null;
  }
}

/** A history file: loaded once, appended to line by line. */
export class History {
  private last: string | null = null;
  private failed = false;

  constructor(
    private readonly path: string,
    private readonly warn: (message: string) => void,
  ) {}

  /**
   * The saved lines, newest first (readline's order). A file grown past twice the limit
   * is rewritten with its newest {@link HISTORY_SIZE} lines.
   */
  load(): string[] {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch {
      return [];
    }
    const lines = text.split("\n").filter((l) => l.trim() !== "");
    if (lines.length > 2 * HISTORY_SIZE) {
      try {
        writeFileSync(this.path, `${lines.slice(-HISTORY_SIZE).join("\n")}\n`);
      } catch {
        // Keep going with the long file.
      }
    }
    const recent = lines.slice(-HISTORY_SIZE);
    this.last = recent.at(-1) ?? null;
    return recent.reverse();
  }

  /** Appends a line (not blank lines, nor a repeat of the previous one). */
  add(line: string): void {
    if (this.failed || line.trim() === "" || line === this.last) return;
    this.last = line;
    try {
      appendFileSync(this.path, `${line}\n`, { mode: 0o600 });
    } catch (err) {
      this.failed = true;
      this.warn(`history is not saved: cannot write ${this.path} (${(err as Error).message})`);
    }
  }
}
