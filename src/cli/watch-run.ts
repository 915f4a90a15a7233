/**
 * `cep run --follow --watch`: the pattern files are reloaded when they change. A reload
 * reads and compiles every file (diagnostics printed as `cep check` prints them); a set
 * that does not compile, or lacks a `--pattern` name, is reported and the running set goes
 * on unchanged. A good one is handed to the run, which applies it at the next event
 * (`engine.updatePatterns`: unchanged patterns keep their state) and says so in one line.
 */
import { resolve } from "node:path";
import { describeUpdate } from "../runtime/update.js";
import {
  type CliEnv,
  type CompiledProgram,
  type PatternSetChange,
  type SourceFile,
  UsageError,
} from "./api.js";
import { type Checkpointer, runIdentity } from "./checkpoint.js";
import { checkPatternNames, compileSources, readSources } from "./load.js";
import type { RunOptions } from "./options.js";
import { PatternWatcher } from "./pattern-watch.js";
import type { PreparedRun } from "./run.js";

/** The reloading of one run's pattern files. */
export class PatternReloader {
  private watcher: PatternWatcher | null = null;
  /** The files' texts last read (a set that does not compile is reported once). */
  private lastRead: SourceFile[];
  /** A reload is being read and compiled; `again`: a change came meanwhile. */
  private busy = false;
  private again = false;

  constructor(
    private readonly env: CliEnv,
    private readonly files: readonly string[],
    private readonly options: RunOptions,
    private readonly prepared: PreparedRun,
    /**
     * The set the run starts with (from the files, or from the checkpoint it resumes), and
     * the files as read at start (`read`: when they did not compile, they were reported).
     */
    inForce: { program: CompiledProgram; sources: SourceFile[]; read: SourceFile[] },
    private readonly checkpoints: Checkpointer | undefined,
  ) {
    this.lastRead = inForce.read;
    checkpoints?.patternsInForce(this.identityOf(inForce.program), inForce.sources);
  }

  /** Starts watching; the files are compared with the set in force at once (a resumed run may be behind them). */
  start(): void {
    this.watcher = new PatternWatcher(this.files, () => void this.reload());
    void this.reload();
  }

  close(): void {
    this.watcher?.close();
  }

  /** The run applied a set before the event of input line `line`. */
  applied(program: CompiledProgram, change: PatternSetChange, line: number, sources: SourceFile[]): void {
    this.env.stderr.write(
      `cep: patterns reloaded before line ${line} of ${this.options.input}: ${describeUpdate(change)}\n`,
    );
    this.checkpoints?.patternsInForce(this.identityOf(program), sources);
  }

  private identityOf(program: CompiledProgram) {
    return runIdentity(this.options, program, (f) => resolve(f)).patterns;
  }

  /** Reads and compiles the files; a good set that differs from the last one goes to the run. */
  private async reload(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      do {
        this.again = false;
        await this.reloadOnce();
      } while (this.again);
    } finally {
      this.busy = false;
    }
  }

  private async reloadOnce(): Promise<void> {
    const env = this.env;
    let sources: SourceFile[];
    try {
      sources = await readSources(this.files);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      env.stderr.write(`cep: patterns not reloaded: ${err.message}; the running patterns go on\n`);
      return;
    }
    if (same(sources, this.lastRead)) return;
    this.lastRead = sources;
    const program = compileSources(env, sources, {
      typeField: this.options.typeField,
      timeField: this.options.timeField,
    });
    if (program === null) {
      const them = this.files.length === 1 ? `${this.files[0]} does` : `${this.files.join(", ")} do`;
      env.stderr.write(
        `cep: patterns not reloaded: ${them} not compile (errors above); the running patterns go on\n`,
      );
      return;
    }
    try {
      checkPatternNames(program, this.options.patterns);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      env.stderr.write(`cep: patterns not reloaded: ${err.message}; the running patterns go on\n`);
      return;
    }
    this.prepared.update(program, sources);
  }
}

function same(a: readonly SourceFile[], b: readonly SourceFile[]): boolean {
  return a.length === b.length && a.every((f, i) => f.file === b[i].file && f.source === b[i].source);
}
