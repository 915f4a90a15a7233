/**
 * When keys need time: one deadline heap for every pattern's keys (Flink keeps a timer per
 * key; one heap in-process touches only keys with something due), and the keys holding
 * completed matches back, which every time advance revisits.
 *
 * Entries go stale instead of being removed: a key rescheduled earlier or removed
 * ({@link KeyState.dead}) keeps its old entry, and {@link ExpiryQueue.pop} skips it.
 */
import type { Runner } from "./key-table.js";
import type { KeyState } from "./matcher.js";
import { Heap } from "./time.js";

/** A key scheduled at deadline `d`. */
export interface ExpiryEntry {
  readonly d: number;
  readonly r: Runner;
  readonly ks: KeyState;
}

const compareEntries = (a: ExpiryEntry, b: ExpiryEntry) => a.d - b.d;

/** The deadline heap and the holding sets. */
export class ExpiryQueue {
  private readonly heap = new Heap<ExpiryEntry>(compareEntries);
  /** Patterns that may have keys holding matches back (revisited at every advance). */
  private readonly holders = new Set<Runner>();

  /**
   * Schedules `ks` at `d` unless it is already due earlier. `d` is a lower bound on the
   * earliest expiry among the key's branches not yet scheduled; a deadline that turns out
   * early just re-checks the key then.
   */
  schedule(r: Runner, ks: KeyState, d: number): void {
    if (d < ks.scheduled) {
      ks.scheduled = d;
      this.heap.push({ d, r, ks });
    }
  }

  /** The next live entry due by `t`, removed (its key's schedule cleared), or undefined. */
  pop(t: number): ExpiryEntry | undefined {
    const heap = this.heap;
    while (heap.size > 0 && heap.peek()!.d <= t) {
      const e = heap.pop()!;
      if (e.ks.dead || e.ks.scheduled !== e.d) continue;
      e.ks.scheduled = Infinity;
      return e;
    }
    return undefined;
  }

  /** Records whether `ks` holds completed matches back. */
  hold(r: Runner, ks: KeyState): void {
    if (ks.completed.length > 0) {
      if (!r.holding.has(ks)) {
        r.holding.add(ks);
        this.holders.add(r);
      }
    } else if (r.holding.size > 0) r.holding.delete(ks);
  }

  /** Whether any pattern may have keys holding matches back. */
  get holding(): boolean {
    return this.holders.size > 0;
  }

  /** The patterns with keys holding matches back (a copy); those with none leave the set. */
  holdingRunners(): Runner[] {
    const list: Runner[] = [];
    for (const r of this.holders) {
      if (r.holding.size === 0) this.holders.delete(r);
      else list.push(r);
    }
    return list;
  }

  /** A removed pattern leaves the heap and the holding sets. */
  dropRunner(r: Runner): void {
    this.holders.delete(r);
    r.holding.clear();
    const keep = this.heap.toArray().filter((e) => e.r !== r);
    this.heap.clear();
    for (const e of keep) this.heap.push(e);
  }

  /** Forgets everything (end of input). */
  clear(): void {
    this.heap.clear();
    this.holders.clear();
  }
}
