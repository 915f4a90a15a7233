/**
 * `cep why` through the real binary, over a catalogue of scenarios — one per reason a
 * partial match ends or an event is not taken, plus `--expect`, `--format json` and bad
 * usage: `test/cases/why/<name>/` holds `p.pattern`, `events.ndjson` and `args` (extra
 * arguments, split like a shell splits words), and `test/baselines/why/<name>.txt` the
 * exit code, stdout and stderr of `cep why p.pattern --input events.ndjson <args>` run in
 * that directory.
 *
 * A missing or different baseline fails. To accept the current output, run
 * `ACCEPT=1 npx vitest run test/cli/why.test.ts` and review the diff: each baseline must
 * name the right event line and the right rule, not merely be what the code prints.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as shellParse } from "shell-quote";
import { beforeAll, describe, expect, test } from "vitest";
import { expectGolden } from "../support/golden.js";
import { ensureBuilt } from "./dist.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = join(root, "bin", "cep.js");
const casesDir = join(root, "test", "cases", "why");
const baselines = join(root, "test", "baselines", "why");

beforeAll(() => {
  ensureBuilt();
}, 120_000);

function words(text: string): string[] {
  return shellParse(text.trim()).filter((w): w is string => typeof w === "string");
}

/** `cep why …` in the case's directory, as the baseline records it. */
function runCase(name: string): string {
  const dir = join(casesDir, name);
  const args = [
    "why",
    "p.pattern",
    "--input",
    "events.ndjson",
    ...words(readFileSync(join(dir, "args"), "utf8")),
  ];
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  const parts = [`$ cep ${args.join(" ")}`, `exit ${r.status}`, "--- stdout", r.stdout.trimEnd()];
  if (r.stderr !== "") parts.push("--- stderr", r.stderr.trimEnd());
  return `${parts.join("\n")}\n`;
}

const names = readdirSync(casesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe("cep why: the catalogue", () => {
  for (const name of names) {
    test(name, () => {
      const actual = runCase(name);
      expectGolden(actual, join(baselines, `${name}.txt`), "test/cli/why.test.ts");
    });
  }
});

/**
 * What each baseline must say, whatever else it says: the event line and the rule. A
 * baseline accepted with a wrong explanation fails here.
 */
const MUST: Record<string, string[]> = {
  // of an alternation, the terms of the alternative taken (v c x p), or the shortest and longest
  "alternation-chosen": ["p1 reached 2 of 4 terms: v (line 1), c (line 2)"],
  "alternation-undecided": ["p1 reached 1 of 3–4 terms: v (line 1)"],
  "condition-false": ["line 3: Checkout — amount > 100 is false, amount = 87", "p.pattern:5:35"],
  "condition-null": ["line 3: B — y > 1 is null, y = null"],
  "consecutive-broken": ["died at line 4 (D)", "`b` is `consecutive`"],
  "expect-record": [
    "Expected lines 1, 2 as a, b: not a match",
    "line 2 (B) was not taken as b: v == a.v is false, v = 2, a.v = 1",
  ],
  // by line numbers only, the last expected event is meant for the last term (both reject it by type)
  "expect-lines-last-term": ["line 3 (Bee) was not taken as b: b needs type B"],
  // a trailing `not followed by` needs no more events, only its window to pass
  "expect-trailing-negation": [
    "p1 took them all and waited for the window of `not followed by n` to pass; it died at line 2 (N)",
  ],
  // an event type one edit from a term's (and of this key): said, with the nearest name; Browse is not
  "misnamed-type": ["line 2: Checkot — did you mean Checkout?"],
  // a whole output record: its pattern and key are the ones explained (no --key)
  "expect-output-record": [
    "P, key 1: no match",
    "Expected lines 1, 2 as a, b: not a match",
    "line 2 (B) was not taken as b: v == a.v is false, v = 2, a.v = 1",
  ],
  "format-json": ['"outcome": "rejected"', '"condition": "v > 1"', '"line": 2'],
  "held-back-discarded": ["p2 completed with these events, but was held back by p1", "skip past last event"],
  "held-back-released": ["it is a match", "held back by p1, then released at line 4 (B)"],
  incomplete: ["p1 took them all, but P needed c too", "the input ended"],
  "is-a-match": ["Expected lines 1, 2 as a, b: it is a match"],
  "key-as-string": ['P, key "42": no match', "P, key 42: no match", "line 2: B — v > 1 is false, v = 0"],
  "composite-key": ['P, key ["u1",7]', "a (line 1)"],
  "late-event": ["line 2 (B) was never fed to P: the event was late"],
  "missing-key": ["line 2 (B) was never fed to P: the event has no key (k)"],
  "more-events": ["p1 took them all and then line 3 (C) as c"],
  "near-miss-expect": [
    "no input event equals the expected ok event; the nearest is line 7 (LoginOk), which differs in:",
    'ip: expected "192.168.7.7", got "10.0.0.1"',
    'line 7 (LoginOk) was not taken as ok: ip != first(fail).ip is false, ip = "10.0.0.1", first(fail).ip = "10.0.0.1"',
    "p.pattern:13:39",
  ],
  "never-started": ["line 1 (A) started no partial match: x > 3 is false, x = 1"],
  "next-broken": [
    "died at line 2 (C): `next b` needs the very next event",
    "p1 took line 1; it died at line 2 (C), before line 3 (B) as b: `next b` needs the very next event",
  ],
  greedy: ["Expected lines 1, 2, 3 as a, b, c: not a match", "line 3 (B) was taken as b, not as c"],
  "not-followed-by": ["died at line 3 (N): the event matched the negated term `not followed by n`"],
  "not-next": ["died at line 2 (N): the event matched the negated term `not next n`"],
  "other-key": ["line 2 (B) has key 2, not 1"],
  "other-term": ["line 2 (B) was taken as b, not as c"],
  "pattern-window": [
    "died at time 9000, when line 2 (B) arrived: the pattern's window of 5 seconds passed",
    "p.pattern:3:10",
  ],
  schema: ["line 2 (B) was never fed to P: the event does not fit its type's `event` declaration"],
  "skip-pruned": [
    "p2 reached 1 of 3 terms: a (line 3)",
    "p2 took line 3; it was pruned at line 4 (C), before line 5 (B) as b: `after match skip past last event` discarded it when p1 was emitted",
  ],
  "skip-discarded": [
    "p2 completed with these events at line 3 (B), but was discarded: `after match skip past last event` discarded it when p1 was emitted",
  ],
  "state-limit": ["p1 took line 1; it was dropped", "state limit memory"],
  "term-window": [
    "died at time 5000, when line 2 (B) arrived: b's window of 3 seconds passed (previous event at 1000, deadline 4000)",
  ],
  "timed-out": [
    "it timed out at time 7000, before line 3 (B) as b: the pattern's window of 5 seconds passed",
  ],
  "timeout-expected": [
    "Expected lines 1 as a: they timed out, as expected",
    "p1 timed out at time 7000: the pattern's window of 5 seconds passed",
  ],
  "took-other": ["it took line 2 (B) as b instead, so line 3 (B) came too late"],
  unkeyed: ["P, key null", "line 2: B — v > 1 is false, v = 1"],
  until: ["line 3 (B) was not taken as b: b's `until (x > 5)` held (x = 9)"],
  "usage-bad-expect": ["exit 2", "cep: --expect takes input line numbers"],
  "usage-expect-bad-event": ["exit 2", "--expect: line 2 is not a usable event: missing time (ts)"],
  "usage-expect-bad-line": ["exit 2", "line 7 is not an event of the input"],
  "usage-expect-no-event": ["exit 2", "no input event equals the expected b event"],
  "usage-key-never-seen": ["exit 2", "key 9 was never seen by P; keys seen: 1, 2"],
  "usage-no-key": ["exit 2", "--key is needed: P is keyed by k"],
  "usage-proto-expect": ["exit 2", "P has no variable __proto__"],
  "usage-key-unkeyed": ["exit 2", "P has no `key by`: leave --key out"],
  "usage-unknown-pattern": ["exit 2", "--pattern Q names no pattern (did you mean P?)"],
  "wrong-type": ['line 2 (C) was not taken as b: b needs type B, the event is "C"'],
};

describe("cep why: each baseline names the right line and rule", () => {
  test("every case has its checks, and every check its case", () => {
    expect(Object.keys(MUST).sort()).toEqual(names);
  });
  for (const name of names) {
    test(name, () => {
      const baseline = join(baselines, `${name}.txt`);
      const text = existsSync(baseline) ? readFileSync(baseline, "utf8") : "";
      for (const s of MUST[name] ?? []) expect(text).toContain(s);
    });
  }
});
