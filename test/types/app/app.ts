/**
 * A sample app on generated types: `patterns.d.ts` is what `cep types fraud.pattern`
 * writes (test/types/app.test.ts checks it is current and type-checks this file with tsc).
 * `new Engine<Match>` gives listeners the union of the patterns' records; narrowing by
 * `pattern`, then by `timeout`, types `events` per variable and `emit` per field.
 */
import { compile, Engine } from "../../../src/index.js";
import type { BruteForceMatch, Match } from "./patterns.js";

/** One line per record: what an alerting service would send. */
export function alerts(source: string, events: readonly unknown[]): string[] {
  const engine = new Engine<Match>(compile(source, { file: "fraud.pattern" }));
  const out: string[] = [];
  const describe = (r: Match): string => {
    switch (r.pattern) {
      case "BruteForce":
        return bruteForce(r);
      case "Login":
        if (r.timeout) return `${r.emit.user} ${r.emit.still} since ${r.start} (${r.events.session[0].ip})`;
        return `${r.key} logged out after ${r.end - r.start} ms`;
      default: {
        const unreachable: never = r;
        return unreachable;
      }
    }
  };
  engine.on("match", (r) => out.push(describe(r)));
  engine.on("timeout", (r) => out.push(describe(r)));
  for (const e of events) engine.push(e);
  engine.end();
  return out;
}

function bruteForce(r: BruteForceMatch): string {
  const first = r.events.fail[0];
  const attempts: number = r.emit.attempts;
  const country = r.emit.country ?? "unknown country";
  const last: number = r.events.fail[r.events.fail.length - 1].attempt;
  return `${first.user}: ${attempts} failures (last attempt #${last}) from ${r.emit.from}, then ${r.events.ok[0].ip.toLowerCase()} in ${country}`;
}
