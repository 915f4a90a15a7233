/**
 * The engine's side of tracing (docs/library.md "Tracing"): which trace step a key's
 * event or time advance belongs to, and the traced keys holding partial matches, which
 * must say so when their pattern skips an event (its type leaves every waiting state
 * unchanged, or it was withheld for not fitting its schema). Made only when
 * `options.trace` is given: the engine holds `TraceHooks | null`, so tracing off costs a
 * null test.
 */
import type { Dispatcher } from "./dispatch.js";
import { keyStates, MISSING, type Runner, withholds } from "./key-table.js";
import type { KeyState } from "./matcher.js";
import type { StepOutput } from "./output.js";
import type { Tracer, TraceStep } from "./trace/tracer.js";
import { canonicalKey } from "./values.js";

/** Trace steps for the state store, and the traced keys' bookkeeping for the engine. */
export class TraceHooks {
  /**
   * Traced keys holding partial matches, with their runner: an event their pattern skips
   * (its type leaves every waiting state unchanged) is still traced for them. Usually empty,
   * so tracing one key costs the other events one size test.
   */
  private readonly live: KeyState[] = [];
  /** The runner of each {@link live} entry (parallel arrays: no iterator per event). */
  private readonly liveRunners: Runner[] = [];
  /** With exactly one {@link live} key and a one-field key: the field's name and the key (else null). */
  private oneName: string | null = null;
  private oneKey: unknown = undefined;
  /** Traced keys stepped with the event being fed (cleared after it). */
  private readonly stepped: KeyState[] = [];

  constructor(
    readonly tracer: Tracer,
    private readonly out: StepOutput,
  ) {}

  /** A trace step for a time advance of `ks`, or null when it is not traced. */
  step(r: Runner, ks: KeyState): TraceStep | null {
    return r.traced
      ? this.tracer.begin(r.pattern, ks, this.out.matches.length, this.out.timeouts.length)
      : null;
  }

  /** A trace step for feeding an event to `ks` (a traced key of a traced pattern). */
  feed(r: Runner, ks: KeyState): TraceStep | null {
    this.stepped.push(ks);
    this.tracer.startEvent();
    return this.tracer.begin(r.pattern, ks, this.out.matches.length, 0);
  }

  /** After state was restored: traced keys holding partial matches join {@link live}. */
  restored(runners: readonly Runner[]): void {
    for (const r of runners) {
      if (!r.traced) continue;
      for (const ks of keyStates(r)) if (this.tracer.keyTest(ks.key)) this.note(r, ks);
    }
  }

  /** Keeps {@link live} current after a traced key's step. */
  note(r: Runner, ks: KeyState): void {
    const i = this.live.indexOf(ks);
    const live = !ks.dead && ks.partials.length > 0;
    if (live && i < 0) {
      this.live.push(ks);
      this.liveRunners.push(r);
    } else if (!live && i >= 0) {
      this.live.splice(i, 1);
      this.liveRunners.splice(i, 1);
    }
    const one = this.live.length === 1 ? this.liveRunners[0].keyName : null;
    this.oneName = one;
    this.oneKey = one === null ? undefined : this.live[0].mapKey;
  }

  /**
   * Whether the event just fed needs {@link unfed}: it was withheld, records are batched,
   * or it may be one a traced key holding state did not step with (with one such key and
   * a one-field key, other keys' events cost one comparison here).
   */
  wants(event: unknown, keys: unknown[] | null, invalid: boolean): boolean {
    if (invalid || this.tracer.batching) return true;
    if (this.live.length === 0) return false;
    const name = this.oneName;
    return name === null || keys !== null || (event as Record<string, unknown>)[name] === this.oneKey;
  }

  /**
   * After an event was fed: traced patterns that did not step the event's key — its type
   * leaves every waiting state unchanged, or it was withheld for not fitting its schema —
   * still say so for a traced key that holds state.
   */
  unfed(
    d: Dispatcher,
    event: unknown,
    type: unknown,
    time: number,
    keys: unknown[] | null,
    invalid: boolean,
    seq: number,
  ): void {
    const tracer = this.tracer;
    if (invalid) {
      // Withheld for not fitting its schema: say so for a traced key.
      for (const r of d.runners) {
        if (!r.traced || !withholds(r, invalid, type)) continue;
        let k = keys === null ? undefined : keys[r.id];
        if (k === undefined) k = d.keyOf(r, event, false);
        if (k !== MISSING && tracer.keyTest(k))
          tracer.skipped(r.pattern, k, event, time, { rule: "schema" }, seq);
      }
    }
    const live = this.live;
    const stepped = this.stepped;
    for (let i = 0; i < live.length; i++) {
      const ks = live[i];
      const r = this.liveRunners[i];
      // One own field (`key by user`), the usual case: other keys' events cost one comparison.
      const name = r.keyName;
      if (keys === null && name !== null && (event as Record<string, unknown>)[name] !== ks.mapKey) continue;
      if (ks.dead || ks.partials.length === 0) {
        this.note(r, ks);
        i--;
        continue;
      }
      if ((stepped.length !== 0 && stepped.includes(ks)) || (invalid && withholds(r, invalid, type)))
        continue;
      let k = keys === null ? undefined : keys[r.id];
      if (k === undefined) k = d.keyOf(r, event, false);
      if (k === MISSING) continue;
      const same = k !== null && typeof k === "object" ? canonicalKey(k) === ks.mapKey : k === ks.mapKey;
      if (same) tracer.untouched(r.pattern, ks, event, type, time, seq);
    }
    if (stepped.length !== 0) stepped.length = 0;
    tracer.endEvent();
  }

  /** A late event, for the traced patterns whose key it has. */
  late(d: Dispatcher, event: unknown, time: number, watermark: number): void {
    for (const r of d.runners) {
      if (!r.traced) continue;
      const k = d.keyOf(r, event, false);
      if (k !== MISSING) this.tracer.skipped(r.pattern, k, event, time, { rule: "late", watermark });
    }
  }
}
