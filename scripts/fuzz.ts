/**
 * The fuzz campaign (issue #13): mutated patterns, mutated event lines and random `cep`
 * command lines, for a count or a time; prints progress and a summary, and writes each
 * distinct crash's reproduction into `fuzz-out/seed-<S>/`. Not part of CI. Usage is in
 * docs/operations.md ("Fuzzing"):
 *
 *   npm run build && npm run fuzz -- --count 100000 --seed 1
 *   npm run fuzz -- --time 10m --only patterns
 *   npm run fuzz -- --seed 1 --replay events:1234
 */
import { parseArgs } from "node:util";
import { parseDurationArg } from "../src/shell/duration.js";
import { type CampaignOptions, formatSummary, replay, runCampaign } from "./fuzz/campaign.js";
import { privateBin } from "./fuzz/cli.js";
import { KINDS, type Kind } from "./fuzz/target.js";

const USAGE = `npm run fuzz -- [options]
  --count <n>        total inputs (all kinds; about 0.3% are cli runs); default 10000 unless --time
  --time <duration>  stop after this long (10m, 1h, 90s)
  --seed <n>         campaign seed (default 1): the same seed makes the same inputs
  --only <kinds>     patterns, events, cli, or a comma list (default all three)
  --budget <ms>      an in-process input slower than this is reported "slow" (default 2000)
  --kill <ms>        an in-process input still running after this is killed as a hang (default 10000)
  --heap <MiB>       the in-process worker's heap limit: past it, a "memory" failure (default 1024)
  --cli-timeout <ms> per cep command (default 20000)
  --out <dir>        reproductions go to <dir>/seed-<S>/ (default fuzz-out)
  --replay <kind:n>  run one input of the seed again, here, shrink it and print its reproduction`;

function main(): Promise<number> | number {
  const { values } = parseArgs({
    options: {
      count: { type: "string" },
      time: { type: "string" },
      seed: { type: "string", default: "1" },
      only: { type: "string" },
      budget: { type: "string", default: "2000" },
      kill: { type: "string", default: "10000" },
      heap: { type: "string", default: "1024" },
      "cli-timeout": { type: "string", default: "20000" },
      out: { type: "string", default: "fuzz-out" },
      replay: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const int = (name: string, text: string): number => {
    if (!/^\d+$/.test(text)) throw new Error(`--${name} expects a whole number, got "${text}"`);
    return Number(text);
  };
  const kinds = (values.only ?? KINDS.join(",")).split(",").map((k) => {
    if (!(KINDS as readonly string[]).includes(k))
      throw new Error(`--only: unknown kind "${k}" (patterns, events, cli)`);
    return k as Kind;
  });
  const timeMs = values.time === undefined ? null : parseDurationArg(values.time, { allowZero: false });
  const count = values.count !== undefined ? int("count", values.count) : timeMs === null ? 10_000 : null;
  const needsBin = kinds.includes("cli") || values.replay?.startsWith("cli:") === true;
  const options: CampaignOptions = {
    seed: int("seed", values.seed),
    count,
    timeMs,
    kinds,
    budgetMs: int("budget", values.budget),
    killMs: int("kill", values.kill),
    heapMb: int("heap", values.heap),
    cliTimeoutMs: int("cli-timeout", values["cli-timeout"]),
    minimizeMs: 5000,
    bin: needsBin ? privateBin() : "",
    out: values.out,
    log: (line) => console.log(line),
  };
  if (values.replay !== undefined) return replayOne(options, values.replay);
  console.log(
    `fuzz: seed ${options.seed}, ${count === null ? "no count limit" : `${count} inputs`}, ${timeMs === null ? "no time limit" : `${timeMs / 1000} s`}, kinds ${kinds.join(", ")}`,
  );
  return runCampaign(options).then((summary) => {
    console.log(formatSummary(summary));
    return 0;
  });
}

async function replayOne(options: CampaignOptions, id: string): Promise<number> {
  const m = /^(patterns|events|cli):(\d+)$/.exec(id);
  if (m === null) throw new Error(`--replay expects kind:index (events:1234), got "${id}"`);
  const { describe, failure, reproduction } = await replay(options, m[1] as Kind, Number(m[2]));
  console.log(`${id}: ${describe}`);
  console.log(
    failure === null ? "no failure" : `${failure.class}: ${failure.message}\n${failure.stack ?? ""}`,
  );
  console.log(`reproduction (shrunk):\n${reproduction.command}`);
  for (const [name, content] of Object.entries(reproduction.files)) {
    const text = typeof content === "string" ? content : Buffer.from(content).toString("utf8");
    console.log(
      `--- ${name} (${content.length} ${typeof content === "string" ? "chars" : "bytes"})\n${text.slice(0, 2000)}`,
    );
  }
  return failure === null ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (err) {
  console.error(`fuzz: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  process.exitCode = 2;
}
