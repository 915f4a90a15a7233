/**
 * F2 for W4: hand-written `key by k within w match a: A followed by [any] b: B`.
 *
 * Per key, the A events still waiting, in time order; one global FIFO of all A events
 * drives expiry (t − t(a) ≥ w), so a key whose A's expire is dropped without another event
 * of its own. `followed by`: a B completes every waiting A of its key and ends them.
 * `followed by any`: a B completes every waiting A, which keep waiting.
 */
import type { Baseline, BaselineFactory, MatchSink } from "./types.js";

interface KeyedEvent {
  readonly type: string;
  readonly k: unknown;
  readonly ts: number;
}

interface Waiting {
  list: KeyedEvent[];
  head: number;
}

class AThenB implements Baseline {
  private readonly waiting = new Map<unknown, Waiting>();
  private fifo: KeyedEvent[] = [];
  private fifoHead = 0;
  constructor(
    private readonly w: number,
    private readonly any: boolean,
    private readonly sink: MatchSink,
  ) {}

  run(events: readonly object[], from: number, to: number): void {
    const waiting = this.waiting;
    const w = this.w;
    for (let i = from; i < to; i++) {
      const e = events[i] as KeyedEvent;
      const t = e.ts;
      // 1. Expire the oldest A's (each is at the front of its key's list, if still there).
      const fifo = this.fifo;
      let h = this.fifoHead;
      while (h < fifo.length && t - fifo[h].ts >= w) {
        const a = fifo[h++];
        const ws = waiting.get(a.k);
        if (ws !== undefined && ws.list[ws.head] === a) {
          ws.head++;
          if (ws.head === ws.list.length) waiting.delete(a.k);
        }
      }
      if (h > 4096 && h * 2 > fifo.length) {
        this.fifo = fifo.slice(h);
        h = 0;
      }
      this.fifoHead = h;
      // 2. Match or wait.
      if (e.type === "B") {
        const ws = waiting.get(e.k);
        if (ws === undefined) continue;
        for (let k = ws.head; k < ws.list.length; k++) this.sink([ws.list[k], e]);
        if (!this.any) waiting.delete(e.k);
      } else if (e.type === "A") {
        const ws = waiting.get(e.k);
        if (ws === undefined) waiting.set(e.k, { list: [e], head: 0 });
        else {
          if (ws.head > 64 && ws.head * 2 > ws.list.length) {
            ws.list = ws.list.slice(ws.head);
            ws.head = 0;
          }
          ws.list.push(e);
        }
        this.fifo.push(e);
      }
    }
  }
}

/** F2 for W4 (`any`: `followed by any`). */
export function f2W4(w: number, any: boolean): BaselineFactory {
  return (sink) => new AThenB(w, any, sink);
}
