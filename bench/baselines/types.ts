/** What every baseline matcher shares with the harness. */

/** Receives one match: its events in time order, and the `emit` values when the pattern has them. */
export type MatchSink = (events: readonly object[], emit?: Record<string, unknown>) => void;

/** A baseline matcher: feeds `events[from..to)` in order, reporting matches to its sink. */
export interface Baseline {
  run(events: readonly object[], from: number, to: number): void;
}

/** Builds a fresh baseline (empty state) reporting to `sink`. */
export type BaselineFactory = (sink: MatchSink) => Baseline;
