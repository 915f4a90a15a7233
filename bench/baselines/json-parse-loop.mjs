/**
 * The CLI's baseline: a bare JSON.parse-per-line loop over an NDJSON file — read in 1 MiB
 * chunks, split on "\n", parse each non-empty line, touch its type and time. Prints the
 * number of events. Run: `node bench/baselines/json-parse-loop.mjs events.ndjson`.
 */
import { createReadStream } from "node:fs";

let carry = "";
let count = 0;
let acc = 0;
for await (const chunk of createReadStream(process.argv[2], { encoding: "utf8", highWaterMark: 1 << 20 })) {
  const lines = (carry + chunk).split("\n");
  carry = lines.pop() ?? "";
  for (const line of lines) {
    if (line.length === 0) continue;
    const e = JSON.parse(line);
    acc += e.ts + e.type.length;
    count++;
  }
}
if (carry.length > 0) {
  JSON.parse(carry);
  count++;
}
process.stdout.write(`${count} ${acc > 0 ? "" : "-"}\n`);
