/**
 * The measurement harness: one benchmark case is verified against its oracle, calibrated
 * to a run time, then timed in rounds that alternate the engine with the baselines in
 * this process (style.md §19), and probed once more for latency and memory.
 *
 * 1. verify: engine, F1, F2 and F3 on a prefix — same matches (count and an order-independent
 *    hash of every match's events and emit values), or the case fails;
 * 2. calibrate: grow the engine's input until it takes ~`seconds` (within minN..maxN);
 *    F3 gets its own length for half that time (it may be much slower), never more than
 *    the engine's;
 * 3. rounds: engine, F1, F2, F3, F0 (a full GC before the engine and F3, which allocate);
 *    the engine's and F1's match counts must equal F2's in every round (and F3's equal
 *    F2's on its length); with `both`, the engine built with `{ codegen: false }` too;
 * 4. probe: the engine once more with each push timed (hdr-histogram), live partial
 *    matches sampled, heap measured after GC at checkpoints and at the end.
 */
import v8 from "node:v8";
import { build } from "hdr-histogram-js";
import { compile, Engine, type MatchRecord, type Program } from "../src/index.js";
import { f0 } from "./baselines/f0.js";
import type { BaselineFactory, MatchSink } from "./baselines/types.js";

/** `CEP_CODEGEN=0` runs the engine on the interpreter, as `--interpreter` does (A/B against generated matchers, issue #16). */
const INTERPRETER_BY_ENV = process.env.CEP_CODEGEN === "0";

/** One benchmark: a pattern, its events, and its baselines. */
export interface BenchCase {
  readonly workload: string;
  readonly id: string;
  readonly source: string;
  /** The case's events; at least `maxN` of them. */
  readonly events: () => readonly object[];
  readonly maxN: number;
  /** Never time fewer events (say, to get past the window's warm-up). */
  readonly minN: number;
  /** First calibration length. */
  readonly startN: number;
  /** Prefix length for the oracle check. */
  readonly verifyN: number;
  /** Key field for F0; null when unkeyed. */
  readonly keyField: string | null;
  /** The tightest hand-written loop for this one pattern (the yardstick). */
  readonly f1: BaselineFactory;
  /** A general hand-written matcher for the workload. */
  readonly f2: BaselineFactory;
  readonly f3: BaselineFactory | null;
  /** Event counts at which the probe measures heap after GC (heap-bounded-by-window checks). */
  readonly checkpoints?: readonly number[];
  readonly note?: string;
}

export interface Checkpoint {
  readonly events: number;
  readonly heapBytes: number;
  readonly partials: number;
}

export interface CaseResult {
  readonly workload: string;
  readonly id: string;
  readonly n: number;
  readonly n3: number;
  /** Median ms over the rounds. */
  readonly engineMs: number;
  /** Median ms of the engine built with `{ codegen: false }` (`both`), else null. */
  readonly interpreterMs: number | null;
  readonly f1Ms: number;
  readonly f2Ms: number;
  readonly f3Ms: number | null;
  readonly f0Ms: number;
  readonly engineRoundsMs: readonly number[];
  /** `compile()` of the case's source, once. */
  readonly compileMs: number;
  /** `new Engine(program)`, median (not in the timed pushes). */
  readonly engineSetupMs: number;
  readonly matches: number;
  readonly peakPartials: number;
  /** Heap after GC at the end of the probe (before `end()`), minus the heap before the engine. */
  readonly heapBytes: number;
  readonly p50ns: number;
  readonly p99ns: number;
  readonly checkpoints: readonly Checkpoint[];
  readonly verified: string;
  readonly errors: readonly string[];
  readonly note?: string;
}

export interface HarnessOptions {
  /** Target seconds per engine measurement. */
  readonly seconds: number;
  readonly rounds: number;
  readonly log: (line: string) => void;
  /** Build the engine with `{ codegen: false }` (`--interpreter`). */
  readonly interpreter?: boolean;
  /** Also time (and verify) the engine built with `{ codegen: false }` in every round (`--both`). */
  readonly both?: boolean;
}

const gcFn = (globalThis as { gc?: () => void }).gc;
// Bytecode of functions not run lately is flushed after a few GCs; the many GCs here
// would flush it between two heap readings and make deltas negative.
v8.setFlagsFromString("--no-flush-bytecode");

/** Full GC (needs `--expose-gc`), so one run's garbage is not collected during the next. */
export function fullGc(): void {
  gcFn?.();
}

/** Heap in use after two full GCs (the second frees what finalisers of the first released). */
export function heapAfterGc(): number {
  gcFn?.();
  gcFn?.();
  return process.memoryUsage().heapUsed;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// --- the engine ---

/**
 * The one place the bench builds an engine: `interpreter` (or `CEP_CODEGEN=0`) passes
 * `{ codegen: false }`, the interpreter; otherwise matchers are generated (the default).
 */
export function newEngine(program: Program, interpreter = false): Engine {
  return interpreter || INTERPRETER_BY_ENV ? new Engine(program, { codegen: false }) : new Engine(program);
}

// --- timed runs ---

interface Timed {
  readonly ms: number;
  readonly matches: number;
}

/** The engine over events[0..n): pushes timed; `end()` after (untimed) must add no match. */
export function timeEngine(
  program: Program,
  events: readonly object[],
  n: number,
  interpreter = false,
): Timed & { atEnd: number; setupMs: number } {
  const s0 = performance.now();
  const engine = newEngine(program, interpreter);
  const setupMs = performance.now() - s0;
  let matches = 0;
  engine.on("match", () => {
    matches++;
  });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) engine.push(events[i]);
  const ms = performance.now() - t0;
  const before = matches;
  engine.end();
  return { ms, matches, atEnd: matches - before, setupMs };
}

export function timeBaseline(factory: BaselineFactory, events: readonly object[], n: number): Timed {
  let matches = 0;
  const b = factory(() => {
    matches++;
  });
  const t0 = performance.now();
  b.run(events, 0, n);
  return { ms: performance.now() - t0, matches };
}

// --- the oracle ---

/** Count and order-independent hash of a set of matches (ids of events + emit values). */
class MatchDigest {
  count = 0;
  private h1 = 0;
  private h2 = 0;
  /** The first signatures, to show what differs. */
  readonly sample: string[] = [];

  constructor(private readonly ids: Map<object, number>) {}

  add(events: readonly object[], emit: Record<string, unknown> | undefined): void {
    let sig = "";
    for (const e of events) sig += `${this.ids.get(e) ?? "?"},`;
    if (emit !== undefined) sig += JSON.stringify(emit);
    let a = 0x811c9dc5;
    let b = 0x12345678;
    for (let i = 0; i < sig.length; i++) {
      const c = sig.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 13);
    }
    this.h1 = (this.h1 + (a >>> 0)) % 4294967296;
    this.h2 = (this.h2 ^ (b >>> 0)) >>> 0;
    this.count++;
    if (this.sample.length < 200_000) this.sample.push(sig);
  }

  get hash(): string {
    return `${this.h1.toString(16)}/${this.h2.toString(16)}`;
  }
}

function recordEvents(r: MatchRecord): object[] {
  const out: object[] = [];
  for (const list of Object.values(r.events)) for (const e of list) out.push(e as object);
  return out;
}

/** Lists up to `max` signatures in `a` and not in `b` (as multisets). */
function missing(a: readonly string[], b: readonly string[], max: number): string[] {
  const counts = new Map<string, number>();
  for (const s of b) counts.set(s, (counts.get(s) ?? 0) + 1);
  const out: string[] = [];
  for (const s of a) {
    const c = counts.get(s) ?? 0;
    if (c > 0) counts.set(s, c - 1);
    else if (out.length < max) out.push(s);
  }
  return out;
}

/**
 * Runs engine, F1, F2 and F3 on events[0..n) and compares their matches (with `both`, the
 * engine built with `{ codegen: false }` too). Returns errors.
 */
export function verify(
  c: BenchCase,
  program: Program,
  events: readonly object[],
  n: number,
  interpreter = false,
  both = false,
): string[] {
  const ids = new Map<object, number>();
  for (let i = 0; i < n; i++) ids.set(events[i], i);
  const engineDigest = (interp: boolean) => {
    const d = new MatchDigest(ids);
    const engine = newEngine(program, interp);
    engine.on("match", (r) => d.add(recordEvents(r), r.emit));
    for (let i = 0; i < n; i++) engine.push(events[i]);
    engine.end();
    return d;
  };
  const eng = engineDigest(interpreter);
  const digests: [string, MatchDigest][] = [["engine", eng]];
  if (both) digests.push(["engine (interpreter)", engineDigest(true)]);
  const f1 = new MatchDigest(ids);
  c.f1((evs, emit) => f1.add(evs, emit)).run(events, 0, n);
  digests.push(["F1", f1]);
  const f2 = new MatchDigest(ids);
  const sink2: MatchSink = (evs, emit) => f2.add(evs, emit);
  c.f2(sink2).run(events, 0, n);
  digests.push(["F2", f2]);
  if (c.f3 !== null) {
    const f3 = new MatchDigest(ids);
    c.f3((evs, emit) => f3.add(evs, emit)).run(events, 0, n);
    digests.push(["F3", f3]);
  }
  const errors: string[] = [];
  for (const [name, d] of digests.slice(1)) {
    if (d.count === eng.count && d.hash === eng.hash) continue;
    let detail = `${c.id}: oracle mismatch on ${n} events: engine ${eng.count} matches (hash ${eng.hash}), ${name} ${d.count} (hash ${d.hash})`;
    if (eng.sample.length === eng.count && d.sample.length === d.count) {
      const onlyEngine = missing(eng.sample, d.sample, 3);
      const onlyOther = missing(d.sample, eng.sample, 3);
      detail += `; only in engine: [${onlyEngine.join(" ; ")}]; only in ${name}: [${onlyOther.join(" ; ")}] (event indices, emit)`;
    }
    errors.push(detail);
  }
  return errors;
}

// --- one case ---

function clamp(x: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, x));
}

/** Grows the engine's input ×4 until a run takes a quarter of `targetMs`, then scales to it. */
function calibrate(
  c: BenchCase,
  program: Program,
  events: readonly object[],
  targetMs: number,
  interpreter = false,
): number {
  const maxN = Math.min(c.maxN, events.length);
  let n = Math.min(maxN, c.startN);
  let t = timeEngine(program, events, n, interpreter).ms;
  for (let i = 0; i < 6 && t < targetMs / 4 && n < maxN; i++) {
    n = Math.min(maxN, n * 4);
    t = timeEngine(program, events, n, interpreter).ms;
  }
  return Math.round(clamp((n * targetMs) / Math.max(t, 1), Math.min(c.minN, maxN), maxN));
}

/**
 * Engine only, for `--cpu-prof`: calibrate, then `rounds` timed runs and nothing else (no
 * oracle, baselines or probe), so the profile shows the engine. Returns events/s per round.
 */
export function profileCase(c: BenchCase, opts: HarnessOptions): number[] {
  const events = c.events();
  const program = compile(c.source);
  const N = calibrate(c, program, events, opts.seconds * 1000, opts.interpreter);
  const out: number[] = [];
  for (let r = 0; r < opts.rounds; r++) {
    fullGc();
    out.push((N / timeEngine(program, events, N, opts.interpreter).ms) * 1000);
  }
  const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(1)}k`);
  opts.log(`  ${c.id}: N=${N}, engine ${out.map(fmt).join(" / ")} ev/s`);
  return out;
}

/** Measures one case (see the module comment for the steps). */
export function measureCase(c: BenchCase, opts: HarnessOptions): CaseResult {
  const log = opts.log;
  const t0 = performance.now();
  const target = opts.seconds * 1000;
  // F3 only backs one target (and a column): half the engine's time is enough.
  const target3 = target / 2;
  const events = c.events();
  const maxN = Math.min(c.maxN, events.length);
  const c0 = performance.now();
  const program = compile(c.source);
  const compileMs = performance.now() - c0;
  const errors: string[] = [];

  // 1. Oracle on a prefix.
  const vn = Math.min(c.verifyN, maxN);
  const interp = opts.interpreter === true;
  const both = opts.both === true && !interp;
  errors.push(...verify(c, program, events, vn, interp, both));
  const verified = errors.length === 0 ? `${vn}` : "MISMATCH";

  // 2. Calibrate the engine's length, then F3's.
  const N = calibrate(c, program, events, target, interp);
  let n3 = N;
  if (c.f3 !== null) {
    let m = Math.min(N, c.startN);
    let t3 = timeBaseline(c.f3, events, m).ms;
    for (let i = 0; i < 6 && t3 < target3 / 4 && m < N; i++) {
      m = Math.min(N, m * 4);
      t3 = timeBaseline(c.f3, events, m).ms;
    }
    n3 = Math.round(clamp((m * target3) / Math.max(t3, 1), Math.min(c.minN, N), N));
  }
  log(`  ${c.id}: N=${N}${c.f3 !== null && n3 !== N ? ` (F3: ${n3})` : ""}, oracle ${verified}`);

  // 3. Rounds, alternating. One untimed run of F1 and of the engine(s) at full length first,
  // so no first timed run is a warm-up (calibration's runs are shorter; the engine still
  // got faster from one fresh engine to the next: W4 8 → 14 → 16 → 21M ev/s over four).
  timeBaseline(c.f1, events, N);
  fullGc();
  timeEngine(program, events, N, interp);
  if (both) timeEngine(program, events, N, true);
  const f2At3 = n3 === N ? null : timeBaseline(c.f2, events, n3).matches;
  const eMs: number[] = [];
  const iMs: number[] = [];
  const setupMs: number[] = [];
  const f1Ms: number[] = [];
  const f2Ms: number[] = [];
  const f3Ms: number[] = [];
  const f0Ms: number[] = [];
  let matches = 0;
  for (let r = 0; r < opts.rounds; r++) {
    // A full GC before the runs that allocate (engine, F3): each starts with a clean heap.
    fullGc();
    const e = timeEngine(program, events, N, interp);
    eMs.push(e.ms);
    setupMs.push(e.setupMs);
    const b2 = timeBaseline(c.f2, events, N);
    f2Ms.push(b2.ms);
    if (e.matches !== b2.matches || e.atEnd !== 0)
      errors.push(
        `${c.id}: round ${r + 1}: engine ${e.matches} matches (${e.atEnd} at end()), F2 ${b2.matches}, on ${N} events`,
      );
    if (both) {
      fullGc();
      const ie = timeEngine(program, events, N, true);
      iMs.push(ie.ms);
      if (ie.matches !== b2.matches || ie.atEnd !== 0)
        errors.push(
          `${c.id}: round ${r + 1}: engine (interpreter) ${ie.matches} matches (${ie.atEnd} at end()), F2 ${b2.matches}, on ${N} events`,
        );
    }
    const b1 = timeBaseline(c.f1, events, N);
    f1Ms.push(b1.ms);
    if (b1.matches !== b2.matches)
      errors.push(`${c.id}: round ${r + 1}: F1 ${b1.matches} matches, F2 ${b2.matches}, on ${N} events`);
    matches = b2.matches;
    if (c.f3 !== null) {
      fullGc();
      const b3 = timeBaseline(c.f3, events, n3);
      f3Ms.push(b3.ms);
      const want = f2At3 ?? b2.matches;
      if (b3.matches !== want)
        errors.push(`${c.id}: round ${r + 1}: F3 ${b3.matches} matches, F2 ${want}, on ${n3} events`);
    }
    f0Ms.push(timeBaseline(f0(c.keyField), events, N).ms);
  }

  // 4. Probe: latency, partial matches, heap.
  const probe = probeEngine(program, events, N, c.checkpoints ?? [], interp);
  log(`  ${c.id}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return {
    workload: c.workload,
    id: c.id,
    n: N,
    n3,
    engineMs: median(eMs),
    interpreterMs: iMs.length > 0 ? median(iMs) : null,
    f1Ms: median(f1Ms),
    f2Ms: median(f2Ms),
    f3Ms: f3Ms.length > 0 ? median(f3Ms) : null,
    f0Ms: median(f0Ms),
    engineRoundsMs: eMs,
    compileMs,
    engineSetupMs: median(setupMs),
    matches,
    ...probe,
    verified,
    errors,
    note: c.note,
  };
}

interface Probe {
  peakPartials: number;
  heapBytes: number;
  p50ns: number;
  p99ns: number;
  checkpoints: Checkpoint[];
}

/** The engine once more: every push timed, partial matches sampled, heap after GC. */
export function probeEngine(
  program: Program,
  events: readonly object[],
  n: number,
  checkpoints: readonly number[],
  interpreter = false,
): Probe {
  const hist = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 1e10,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
  });
  const every = clamp(Math.floor(n / 500), 1, 1024);
  const marks = new Set(checkpoints.filter((x) => x <= n));
  const cps: Checkpoint[] = [];
  const heap0 = heapAfterGc();
  const engine = newEngine(program, interpreter);
  engine.on("match", () => {});
  let peak = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    engine.push(events[i]);
    const dt = performance.now() - t0;
    hist.recordValue(Math.max(1, Math.round(dt * 1e6)));
    if (i % every === 0 || marks.has(i + 1)) {
      const p = engine.stats().partialMatches;
      if (p > peak) peak = p;
      if (marks.has(i + 1)) cps.push({ events: i + 1, heapBytes: heapAfterGc() - heap0, partials: p });
    }
  }
  const heapBytes = heapAfterGc() - heap0;
  const p = engine.stats().partialMatches;
  if (p > peak) peak = p;
  engine.end();
  return {
    peakPartials: peak,
    heapBytes,
    p50ns: hist.getValueAtPercentile(50),
    p99ns: hist.getValueAtPercentile(99),
    checkpoints: cps,
  };
}
