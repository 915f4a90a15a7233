/**
 * Deliberate misuse of the generated types: test/types/app.test.ts expects tsc to reject
 * each line marked `// error TSnnnn` with that code, and nothing else. Excluded from the
 * repository's own typecheck (tsconfig.json).
 */
import { compile, Engine } from "../../../src/index.js";
import type { Match } from "./patterns.js";

const engine = new Engine<Match>(compile("", { file: "fraud.pattern" }));
engine.on("match", (r) => {
  if (r.pattern === "BruteFroce") return; // error TS2367
  if (r.pattern === "BruteForce") {
    console.log(r.events.fial); // error TS2339
    console.log(r.events.fail[0].usr); // error TS2551
    const attempts: string = r.emit.attempts; // error TS2322
    console.log(attempts, r.emit.attempts.toUpperCase()); // error TS2339
    console.log(r.events.session); // error TS2339
  }
});
