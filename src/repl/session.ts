/**
 * The REPL session, independent of readline: one input line in, records and messages
 * out (cli.md `cep repl`).
 *
 * While no pattern text is being collected, a line whose first non-blank character is
 * `{` is an event and one starting with `.` is a command; blank lines are ignored;
 * anything else starts pattern text, collected until its braces balance
 * (`collector.ts`).
 *
 * **Definitions.** The session's pattern source is a list of chunks — each typed text
 * (`<repl#N>`) and each loaded file — compiled together, so `event` declarations and
 * pattern names work across chunks as across the files of `cep run`. A new chunk that
 * defines an existing pattern (or `event`) name supersedes the old definition: the old
 * text is blanked out of its chunk (newlines kept, so line numbers in diagnostics stay
 * true). Loading a file again supersedes everything the earlier load of that file
 * defined. A chunk is accepted only when the whole set compiles; then the replaced
 * patterns are removed from the engine and the new ones added (they start fresh), and
 * every other pattern keeps its partial matches.
 *
 * **Output.** Records go to stdout (rendered for a terminal, or one JSON line each);
 * requested output (`.patterns`, `.explain`, `.state`, `.help`) to stdout; messages and
 * errors to stderr, prefixed with the input line number when not interactive.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { CompiledPattern, Program } from "../compile/model.js";
// Not ../index.js: that also exports the scale-out API, whose Redis client would load at every start.
import { compile } from "../compile/program.js";
import { parseEvent } from "../io/json.js";
import { isLineTooLong, LINE_TOO_LONG } from "../io/line-limit.js";
import type { Diagnostic } from "../lang/diagnostics.js";
import { CompileError } from "../lang/diagnostics.js";
import { renderDiagnostic } from "../lang/format.js";
import { parse } from "../lang/parse.js";
import { Engine } from "../runtime/engine.js";
import type { MatchRecord } from "../runtime/records.js";
import { recordText } from "../runtime/trace/describe.js";
import type { TraceRecord } from "../runtime/trace/records.js";
import { invalidTime, parseTime, TIME_FORMS } from "../runtime/values.js";
import { formatMs } from "../shell/duration.js";
import { ioReason } from "../shell/io-reason.js";
import { type KeyArg, parseKeyArg } from "../shell/key-arg.js";
import { editDistance } from "../util/nearest.js";
import { PatternCollector } from "./collector.js";
import type { ReplOptions } from "./options.js";
import { formatTime, type Paint, painter, renderRecord } from "./render.js";
import { describeState } from "./state.js";
import { eventKeys, keysMatching, TraceLog, type WhyContext, whyText } from "./why.js";

/** Where the session writes, and how. */
export interface SessionConfig {
  readonly options: ReplOptions;
  /** A person is typing (a TTY): no line numbers in messages. */
  readonly interactive: boolean;
  /** Records rendered for a terminal instead of JSON lines. */
  readonly readable: boolean;
  /** Colours on stdout (records, requested output). */
  readonly outColor: boolean;
  /** Colours on stderr (messages, diagnostics). */
  readonly errColor: boolean;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Wall clock for processing time without `--clock` (default `Date.now`). */
  readonly wallClock?: () => number;
}

/** A chunk of pattern source: typed text or a loaded file. */
interface Chunk {
  /** The file name given to the compiler (unique in the session). */
  readonly file: string;
  /** The source, with superseded definitions blanked out. */
  source: string;
  /** For a loaded file: its resolved path (a reload supersedes the whole chunk). */
  readonly path: string | null;
}

/** One live definition: a pattern or an `event` declaration, in a chunk. */
interface Item {
  readonly kind: "pattern" | "event";
  readonly name: string;
  readonly chunk: Chunk;
  readonly start: number;
  readonly end: number;
}

/** The commands, in `.help` order. */
export const COMMANDS: readonly { name: string; args: string; help: string }[] = [
  { name: ".load", args: "<file>", help: "load a .pattern file (an existing name is replaced)" },
  { name: ".patterns", args: "", help: "list the patterns (and declared event types)" },
  { name: ".explain", args: "[Name]", help: "print a pattern's NFA (all patterns without a name)" },
  { name: ".watermark", args: "<time>", help: "advance event time to <time> (epoch ms or ISO-8601)" },
  { name: ".flush", args: "", help: "end of input: fire what it fires, then reset time and state" },
  { name: ".reset", args: "", help: "reset time and state without firing anything" },
  { name: ".state", args: "", help: "live partial matches per pattern and key, and what each waits for" },
  {
    name: ".why",
    args: "[key]",
    help: "a key's partial matches, what each waits for, and what its last event did to each and why (default: the last event's key)",
  },
  {
    name: ".trace",
    args: "on|off [key]",
    help: "print trace lines as events are typed: what each partial match of the key (default: every key) did, and why",
  },
  { name: ".save", args: "<file>", help: "save the session's patterns to a .pattern file" },
  { name: ".help", args: "", help: "this help" },
  { name: ".exit", args: "", help: "flush and leave (also Ctrl+D)" },
];

/** An interactive CEP session. */
export class Session {
  private readonly collector = new PatternCollector();
  private chunks: Chunk[] = [];
  private items: Item[] = [];
  /** The compiled patterns the engine runs, by name. */
  private running = new Map<string, CompiledPattern>();
  /** The last successful compile of the whole session (its patterns are the live ones). */
  private program: Program | null = null;
  private engine!: Engine;
  private typed = 0;
  private line = 0;
  /** The input line where the pattern text being collected started. */
  private chunkLine = 0;
  private pushed = 0;
  private warnedNoPatterns = false;
  private ended = false;
  private readonly outPaint: Paint;
  private readonly errPaint: Paint;
  /** Trace records of the engine, for `.why` and `.trace` (the engine traces every key). */
  private readonly traceLog = new TraceLog((r) => this.traceLine(r));
  /** The input line each event was typed on (trace records and `.why` name it). */
  private readonly eventLines = new WeakMap<object, number>();
  /** The last event typed (`.why` without a key explains its key). */
  private lastEvent: object | null = null;

  constructor(private readonly config: SessionConfig) {
    this.outPaint = painter(config.outColor);
    this.errPaint = painter(config.errColor);
    this.engine = this.newEngine();
  }

  /** Pattern text is being collected. */
  get collecting(): boolean {
    return this.collector.collecting;
  }

  /** The session has ended (`.exit` or end of input). */
  get done(): boolean {
    return this.ended;
  }

  /** Names of the running patterns, in order. */
  patternNames(): string[] {
    return this.engine.patternNames();
  }

  /** Handles one input line. Returns "exit" after `.exit`. */
  handleLine(text: string): "exit" | undefined {
    if (this.ended) return "exit";
    this.line++;
    if (this.collector.collecting) {
      this.collect(text);
      return undefined;
    }
    const t = text.trimStart();
    if (t === "") return undefined;
    if (t[0] === "{") {
      // The limit of `cep run`, on the whole line as there.
      if (isLineTooLong(text)) this.error(`bad event: ${LINE_TOO_LONG}`);
      else this.event(t.trimEnd());
      return undefined;
    }
    if (t[0] === ".") return this.command(t.trimEnd());
    this.collect(text);
    return undefined;
  }

  /** Discards pattern text being collected (Ctrl+C). Returns whether there was any. */
  discardPending(): boolean {
    if (!this.collector.collecting) return false;
    this.collector.discard();
    return true;
  }

  /** Loads a pattern file (`.load`, and the files on the command line). Returns success. */
  load(file: string): boolean {
    let source: string;
    try {
      source = readFileSync(file, "utf8");
    } catch (err) {
      this.error(`cannot read ${file}: ${ioReason(err)}`);
      return false;
    }
    return this.define(source, file, resolve(file));
  }

  /**
   * End of input (or `.exit`): pattern text still being collected is compiled (so its
   * diagnostic says what is missing), then the engine ends — windows close, timeouts
   * fire, held-back matches are released.
   */
  finish(): void {
    if (this.ended) return;
    const pending = this.collector.take();
    if (pending?.hasCode) {
      this.error("end of input inside pattern text (its braces do not balance)");
      this.defineTyped(pending.text);
    }
    this.engine.end();
    this.ended = true;
  }

  /** Tab completion (readline's completer): commands, pattern names, file names after `.load`/`.save`. */
  complete(line: string): [string[], string] {
    if (!this.collector.collecting && line.trimStart().startsWith(".")) {
      const t = line.trimStart();
      const space = t.indexOf(" ");
      if (space === -1) {
        const hits = COMMANDS.map((c) => c.name).filter((c) => c.startsWith(t));
        return [hits.map((h) => (COMMANDS.find((c) => c.name === h)?.args ? `${h} ` : h)), t];
      }
      const cmd = t.slice(0, space);
      const arg = t.slice(space + 1).trimStart();
      if (cmd === ".explain") return [this.patternNames().filter((n) => n.startsWith(arg)), arg];
      if (cmd === ".load" || cmd === ".save") return [completeFile(arg), arg];
      return [[], arg];
    }
    if (!this.collector.collecting && line.trimStart().startsWith("{")) return [[], line];
    const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(line)?.[0] ?? "";
    if (word === "") return [[], ""];
    const names = [...new Set(this.items.map((i) => i.name))].sort();
    return [names.filter((n) => n.startsWith(word)), word];
  }

  // --- lines ---

  private collect(text: string): void {
    if (!this.collector.collecting) this.chunkLine = this.line;
    const chunk = this.collector.add(text);
    if (chunk?.hasCode) this.defineTyped(chunk.text);
  }

  private event(text: string): void {
    const value = parseEvent(text);
    if (typeof value === "string") {
      this.error(`bad event: ${value}`);
      return;
    }
    if (this.running.size === 0 && !this.warnedNoPatterns) {
      this.warnedNoPatterns = true;
      this.info("no patterns yet: events only advance time (type a pattern, or .load a file)");
    }
    this.pushed++;
    this.eventLines.set(value, this.line);
    this.lastEvent = value;
    this.engine.push(value);
  }

  private command(text: string): "exit" | undefined {
    const m = /^(\.\S*)\s*(.*)$/.exec(text)!;
    const name = m[1];
    const arg = unquote(m[2].trim());
    switch (name) {
      case ".load":
        if (arg === "") this.error("usage: .load <file>");
        else this.load(arg);
        return undefined;
      case ".patterns":
        this.config.stdout(this.listPatterns());
        return undefined;
      case ".explain":
        this.explain(arg);
        return undefined;
      case ".watermark":
        this.watermark(arg);
        return undefined;
      case ".flush":
        this.engine.end();
        this.engine = this.newEngine();
        this.info("flushed: end of input fired; time and state reset, patterns kept");
        return undefined;
      case ".reset": {
        const dropped = this.engine.stats().partialMatches;
        this.engine = this.newEngine();
        this.info(
          `reset: time and state cleared (${dropped} partial match${dropped === 1 ? "" : "es"} dropped), patterns kept`,
        );
        return undefined;
      }
      case ".state":
        this.config.stdout(describeState(this.engine.snapshot(), this.running, this.outPaint));
        return undefined;
      case ".why":
        this.why(arg);
        return undefined;
      case ".trace":
        this.trace(arg);
        return undefined;
      case ".save":
        if (arg === "") this.error("usage: .save <file>");
        else this.save(arg);
        return undefined;
      case ".help":
        this.config.stdout(this.help());
        return undefined;
      case ".exit":
        this.finish();
        return "exit";
      default: {
        const near = COMMANDS.map((c) => c.name)
          .map((c) => ({ c, d: editDistance(name, c) }))
          .filter((x) => x.d <= 2)
          .sort((a, b) => a.d - b.d)[0];
        this.error(
          `unknown command ${name}${near ? ` (did you mean ${near.c}?)` : ""}; .help lists the commands`,
        );
        return undefined;
      }
    }
  }

  // --- definitions ---

  /**
   * Typed text is compiled as a file of its own: `<repl#N>` (the N-th text typed) in an
   * interactive session, `<stdin:L>` (starting at input line L) when input is piped.
   */
  private defineTyped(text: string): boolean {
    this.typed++;
    return this.define(
      text,
      this.config.interactive ? `<repl#${this.typed}>` : `<stdin:${this.chunkLine}>`,
      null,
    );
  }

  /**
   * Adds a chunk of pattern source: compiles it with the rest of the session, and on
   * success replaces what it redefines. Diagnostics are printed; returns success.
   */
  private define(source: string, file: string, path: string | null): boolean {
    const parsed = parse(source, file);
    const defines = new Set<string>();
    for (const e of parsed.ast?.events ?? []) defines.add(`event ${e.name.name}`);
    for (const p of parsed.ast?.patterns ?? []) defines.add(`pattern ${p.name.name}`);

    // What the chunk supersedes: same names, and everything an earlier load of the same file defined.
    const superseded = this.items.filter(
      (i) => defines.has(`${i.kind} ${i.name}`) || (path !== null && i.chunk.path === path),
    );
    const blanked = new Map<Chunk, string>();
    for (const i of superseded) {
      const src = blanked.get(i.chunk) ?? i.chunk.source;
      blanked.set(i.chunk, src.slice(0, i.start) + blank(src.slice(i.start, i.end)) + src.slice(i.end));
    }
    const kept = this.items.filter((i) => !superseded.includes(i));
    const keptChunks = this.chunks.filter((c) => kept.some((i) => i.chunk === c));
    let unique = file;
    for (let n = 2; keptChunks.some((c) => c.file === unique); n++) unique = `${file} (${n})`;
    const chunk: Chunk = { file: unique, source, path };
    const candidate = [
      ...keptChunks.map((c) => ({ file: c.file, source: blanked.get(c) ?? c.source })),
      chunk,
    ];

    let program: Program;
    try {
      program = compile(candidate, {
        typeField: this.config.options.typeField,
        timeField: this.config.options.timeField,
      });
    } catch (err) {
      if (!(err instanceof CompileError)) throw err;
      this.diagnostics(err.diagnostics, candidate);
      return false;
    }
    this.diagnostics(
      program.warnings.filter((d) => d.file === unique),
      candidate,
    );

    // Commit.
    for (const [c, src] of blanked) c.source = src;
    const added: Item[] = [];
    for (const e of parsed.ast?.events ?? []) added.push(item("event", e.name.name, chunk, e.span));
    for (const p of parsed.ast?.patterns ?? []) added.push(item("pattern", p.name.name, chunk, p.span));
    added.sort((a, b) => a.start - b.start);
    this.items = [...kept, ...added];
    this.chunks = [...keptChunks, chunk];
    this.program = program;

    const fresh = new Map(program.patterns.map((p) => [p.name, p]));
    const messages: string[] = [];
    for (const old of superseded) {
      if (old.kind === "pattern" && !fresh.has(old.name)) {
        this.engine.removePattern(old.name);
        this.running.delete(old.name);
        messages.push(`removed pattern ${old.name} (no longer in ${basename(file)})`);
      }
    }
    for (const it of added) {
      const was = superseded.some((s) => s.kind === it.kind && s.name === it.name);
      if (it.kind === "event") {
        messages.push(`${was ? "redeclared" : "declared"} event ${it.name}`);
        continue;
      }
      const compiled = fresh.get(it.name)!;
      if (this.running.has(it.name)) this.engine.removePattern(it.name);
      this.engine.addPattern(programOf([compiled]));
      this.running.set(it.name, compiled);
      messages.push(was ? `replaced pattern ${it.name} (it starts fresh)` : `added pattern ${it.name}`);
    }
    if (path !== null) messages.unshift(`loaded ${file}`);
    if (messages.length === 0) messages.push(`${file}: nothing defined`);
    this.info(messages.join("; "));
    return true;
  }

  /** A fresh engine running every live pattern. */
  private newEngine(): Engine {
    const o = this.config.options;
    const patterns = this.program?.patterns ?? [];
    this.running = new Map(patterns.map((p) => [p.name, p]));
    this.pushed = 0;
    this.traceLog.clear();
    this.lastEvent = null;
    const clock = o.clock;
    const engine = new Engine(programOf(patterns), {
      typeField: o.typeField,
      timeField: o.timeField,
      outOfOrderness: o.outOfOrderness,
      processingTime: o.processingTime,
      schemaCheck: o.schemaCheck !== false,
      clock: clock === null ? (this.config.wallClock ?? Date.now) : () => clock + this.pushed - 1,
      trace: {
        sink: this.traceLog.sink,
        describeEvent: (e) => {
          const line = typeof e === "object" && e !== null ? this.eventLines.get(e) : undefined;
          return line === undefined ? undefined : { line };
        },
      },
    });
    engine.on("match", (r) => this.record(r));
    engine.on("timeout", (r) => this.record(r));
    engine.on("late", () => {
      this.error(
        `late event, not matched: its time is behind the stream's (out-of-orderness ${formatMs(o.outOfOrderness)})`,
      );
    });
    engine.on("error", ({ reason }) => {
      if (reason.startsWith("missing key")) this.info(`${reason}: the event is not fed to that pattern`);
      else if (reason.startsWith("schema: "))
        this.error(`${reason}: the event is not fed to the patterns that use its type`);
      else this.error(`bad event: ${reason}`);
    });
    return engine;
  }

  // --- commands ---

  private listPatterns(): string {
    const names = this.patternNames();
    const events = this.items.filter((i) => i.kind === "event").map((i) => i.name);
    if (names.length === 0 && events.length === 0) return "no patterns (type one, or .load a file)\n";
    const stats = this.engine.stats();
    const p = this.outPaint;
    const lines = names.map((name) => {
      const c = this.running.get(name)!;
      const facts = [c.keyPathText.length > 0 ? `key by ${c.keyPathText.join(", ")}` : "no key"];
      if (c.nfa.window !== null) facts.push(`within ${formatMs(c.nfa.window)}`);
      for (const t of c.termWindows) facts.push(`${t.variable} within ${formatMs(t.ms)}`);
      const skip = (c as { description?: { skip?: unknown } }).description?.skip;
      if (typeof skip === "string") facts.push(skip);
      const partial = stats.partialMatchesByPattern[name] ?? 0;
      const matches = stats.matchesByPattern[name] ?? 0;
      facts.push(`${partial} partial`, `${matches} match${matches === 1 ? "" : "es"}`);
      return `${p(name, "bold")}  ${facts.join(" · ")}  ${p(`(${c.file})`, "dim")}`;
    });
    if (events.length > 0) lines.push(`${p("event types:", "dim")} ${events.join(", ")}`);
    return `${lines.join("\n")}\n`;
  }

  private explain(name: string): void {
    const names = this.patternNames();
    if (names.length === 0) {
      this.error("no patterns to explain");
      return;
    }
    if (name !== "" && !this.running.has(name)) {
      this.error(`no pattern ${name}${nearest(name, names)}; patterns: ${names.join(", ")}`);
      return;
    }
    const dumps = (name === "" ? names : [name]).map((n) => {
      const d = this.running.get(n)!.explain();
      return d.endsWith("\n") ? d : `${d}\n`;
    });
    this.config.stdout(dumps.join("\n"));
  }

  private watermark(arg: string): void {
    if (this.config.options.processingTime) {
      this.error(".watermark: time is the wall clock in processing time");
      return;
    }
    if (arg === "") {
      this.error(`usage: .watermark <time> (${TIME_FORMS})`);
      return;
    }
    const value = /^-?\d+$/.test(arg) ? Number(arg) : arg;
    const t = parseTime(value);
    if (typeof t === "string") {
      // A number is shown as typed (a BigInt prints every digit), not as the double it became.
      this.error(`.watermark: ${invalidTime(t, typeof value === "number" ? BigInt(arg) : arg)}`);
      return;
    }
    this.info(`watermark ${formatTime(t)}`);
    this.engine.advanceTo(t);
  }

  /** `.trace on|off [key]`, or `.trace`: what is traced. */
  private trace(arg: string): void {
    const m = /^(on|off)(?:\s+(.*))?$/.exec(arg);
    if (arg === "") {
      this.info(this.traceLog.status());
      return;
    }
    if (m === null) {
      this.error("usage: .trace on|off [key]");
      return;
    }
    const key = m[2] === undefined ? null : this.keyArg(unquote(m[2].trim()), ".trace");
    if (key === undefined) return;
    if (m[1] === "on") this.traceLog.on(key);
    else if (!this.traceLog.off(key)) {
      this.error(`key ${key?.text} is not traced (${this.traceLog.status()})`);
      return;
    }
    this.info(this.traceLog.status());
  }

  /** `.why [key]`: the key's partial matches and what its last event did to them, per pattern. */
  private why(arg: string): void {
    if (this.running.size === 0) {
      this.error("no patterns yet: nothing to explain");
      return;
    }
    const ctx: WhyContext = {
      snapshot: this.engine.snapshot(),
      patterns: this.running,
      log: this.traceLog,
      lineOf: (e) => (typeof e === "object" && e !== null ? this.eventLines.get(e) : undefined),
      sourceOf: (file) => this.chunks.find((c) => c.file === file)?.source,
      paint: this.outPaint,
    };
    const texts: string[] = [];
    if (arg === "") {
      const last = this.lastEvent;
      if (last === null) {
        this.error("no event typed yet: type one, or name a key (.why <key>)");
        return;
      }
      for (const { pattern, key } of eventKeys(ctx, last)) texts.push(whyText(ctx, pattern, key));
      if (texts.length === 0) {
        this.info(
          "the last event's key has no partial matches in any pattern, and the event did nothing to one",
        );
        return;
      }
    } else {
      const key = this.keyArg(arg, ".why");
      if (key === undefined) return;
      const pairs = keysMatching(ctx, key);
      if (pairs.length === 0) {
        const held = [
          ...new Set(ctx.snapshot.runners.flatMap((r) => r.keys.map((k) => JSON.stringify(k.key)))),
        ];
        const some =
          held.length === 0
            ? "no key has any"
            : `keys with some: ${held.slice(0, 5).join(", ")}${held.length > 5 ? ", …" : ""}`;
        // `.why F u`: the pattern's name typed before the key.
        const [first, ...rest] = arg.trim().split(/\s+/);
        const named = rest.length > 0 && this.patternNames().includes(first);
        const hint = named
          ? `; .why takes a key alone (every pattern is searched): .why ${rest.join(" ")}`
          : "";
        this.info(`key ${key.text}: no partial matches, and no event of it reached one (${some})${hint}`);
        return;
      }
      for (const { pattern, key: k } of pairs) texts.push(whyText(ctx, pattern, k));
    }
    this.config.stdout(texts.join(""));
  }

  /** A typed key, or undefined after an error. */
  private keyArg(text: string, command: string): KeyArg | undefined {
    try {
      return parseKeyArg(text);
    } catch (err) {
      this.error(`${command}: ${(err as Error).message}`);
      return undefined;
    }
  }

  private save(file: string): void {
    const items = this.items;
    if (items.length === 0) {
      this.error("nothing to save: no patterns yet");
      return;
    }
    const ordered = [
      ...items.filter((i) => i.kind === "event"),
      ...items.filter((i) => i.kind === "pattern"),
    ];
    const text = ordered.map((i) => `${i.chunk.source.slice(i.start, i.end).trimEnd()}\n`);
    // Event declarations one after another; a blank line before each pattern.
    let out = "";
    ordered.forEach((it, k) => {
      if (k > 0 && (it.kind === "pattern" || ordered[k - 1].kind === "pattern")) out += "\n";
      out += text[k];
    });
    try {
      writeFileSync(file, out);
    } catch (err) {
      this.error(`cannot write ${file}: ${ioReason(err)}`);
      return;
    }
    const np = ordered.filter((i) => i.kind === "pattern").length;
    const ne = ordered.length - np;
    const parts = [`${np} pattern${np === 1 ? "" : "s"}`];
    if (ne > 0) parts.push(`${ne} event declaration${ne === 1 ? "" : "s"}`);
    this.info(`saved ${parts.join(" and ")} to ${file}`);
  }

  private help(): string {
    const p = this.outPaint;
    const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args}`.length));
    const row = (label: string, text: string) => `${p(label.padEnd(width), "bold")}  ${text}`;
    return [
      row("{…}", "an event: one JSON object per line"),
      row("pattern …", "pattern text or an event declaration, collected until its braces balance;"),
      row("", "a name already defined is replaced; Ctrl+C discards unfinished text"),
      "",
      ...COMMANDS.map((c) => row(`${c.name} ${c.args}`.trimEnd(), c.help)),
      "",
    ].join("\n");
  }

  // --- output ---

  private record(r: MatchRecord): void {
    this.config.stdout(this.config.readable ? renderRecord(r, this.outPaint) : `${JSON.stringify(r)}\n`);
  }

  /** A `.trace on` line: `trace AB key 42: line 3 A: p1 created: a took it`. */
  private traceLine(r: TraceRecord): void {
    const p = this.outPaint;
    const key = r.key === null ? "" : ` key ${JSON.stringify(r.key)}`;
    this.config.stdout(`${p(`trace ${r.pattern}${key}:`, "dim")} ${recordText(r)}\n`);
  }

  private where(): string {
    return this.config.interactive ? "" : `line ${this.line}: `;
  }

  private info(text: string): void {
    this.config.stderr(`${this.where()}${this.errPaint(text, "dim")}\n`);
  }

  private error(text: string): void {
    this.config.stderr(`${this.where()}${this.errPaint("error:", "bold", "red")} ${text}\n`);
  }

  private diagnostics(ds: readonly Diagnostic[], sources: readonly { file: string; source: string }[]): void {
    ds.forEach((d, i) => {
      const source = sources.find((s) => s.file === d.file)?.source ?? "";
      const text = renderDiagnostic(d, source, { color: this.config.errColor });
      this.config.stderr(`${i > 0 ? "\n" : ""}${text.endsWith("\n") ? text : `${text}\n`}`);
    });
  }
}

/** A program of the given patterns, for `new Engine` and `addPattern`. */
function programOf(patterns: readonly CompiledPattern[]): Program {
  return { patterns, warnings: [], sources: new Map() };
}

function item(kind: Item["kind"], name: string, chunk: Chunk, span: { start: number; end: number }): Item {
  return { kind, name, chunk, start: span.start, end: span.end };
}

/** Spaces for every character but line ends, so offsets and line numbers stay. */
function blank(text: string): string {
  return text.replace(/[^\r\n]/g, " ");
}

/** `"a b.pattern"` or `'…'` → the inside. */
function unquote(s: string): string {
  const m = /^(["'])(.*)\1$/.exec(s);
  return m ? m[2] : s;
}

/** ` (did you mean X?)` for a near name, else "". */
function nearest(name: string, names: readonly string[]): string {
  const lower = name.toLowerCase();
  const near =
    names
      .map((n) => ({ n, d: editDistance(lower, n.toLowerCase()) }))
      .filter((x) => x.d <= 2)
      .sort((a, b) => a.d - b.d)[0]?.n ?? names.find((n) => n.toLowerCase().startsWith(lower));
  return near ? ` (did you mean ${near}?)` : "";
}

/** File-name completions for `prefix`: directories (with `/`) and `.pattern` files. */
export function completeFile(prefix: string): string[] {
  const dir = prefix.endsWith("/") ? prefix : dirname(prefix);
  const base = prefix.endsWith("/") ? "" : basename(prefix);
  const shown = prefix.endsWith("/") || prefix.includes("/") ? dir : "";
  let entries: string[];
  try {
    entries = readdirSync(dir === "" ? "." : dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries.sort()) {
    if (!e.startsWith(base) || (e.startsWith(".") && !base.startsWith("."))) continue;
    let isDir = false;
    try {
      isDir = statSync(join(dir, e)).isDirectory();
    } catch {
      continue;
    }
    if (!isDir && !e.endsWith(".pattern")) continue;
    const full = shown === "" ? e : shown.endsWith("/") ? `${shown}${e}` : `${shown}/${e}`;
    out.push(isDir ? `${full}/` : full);
  }
  return out;
}
