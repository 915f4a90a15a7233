/**
 * `cep run --follow --watch` (issue #18) with the real binary: the pattern file is edited
 * while events flow. A good edit is applied at the next event with one line saying what
 * was added, removed, changed and kept — a kept pattern keeps its partial matches, a
 * changed or new one starts empty; an edit that does not compile is reported with
 * `cep check`'s diagnostics and the running set goes on. With `--checkpoint`, the set in
 * force is saved and a restart resumes with it, even while the file does not compile.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { privateBin } from "./dist.js";
import { cleanup, type Live, line, linesOf, pause, start, waitFor } from "./live.js";

let bin: string;
let dir: string;
const at = (name: string) => join(dir, name);
let running: Live | null = null;

const AB = "pattern AB { key by k  match a: A followed by b: B }\n";
const AC = "pattern AC { key by k  match a: A followed by c: C }\n";
const AC2 = "pattern AC { key by k  match a: A followed by c: C where x > 1 }\n";
const AD = "pattern AD { key by k  match a: A followed by d: D }\n";
const BROKEN = "pattern AB { key by k  match a: A followed by b: B\n";

beforeAll(() => {
  bin = privateBin();
}, 120_000);

afterEach(() => {
  cleanup(running);
  running = null;
});

let ts = 0;
const event = (type: string, k: number, x = 0) => line({ type, k, x, ts: ++ts });

/**
 * Events are what applies a reload, so until `stderr` says `expected`, a harmless event
 * (a type no pattern uses) is appended now and then.
 */
async function pokeUntil(live: Live, expected: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!live.stderr().includes(expected)) {
    if (Date.now() > deadline) throw new Error(`no "${expected}" on stderr: ${live.stderr()}`);
    appendFileSync(at("in.ndjson"), event("Z", 0));
    await pause(50);
  }
}

/** `pattern:key` of every record written so far. */
const records = () => linesOf(at("out.ndjson")).map((l) => `${JSON.parse(l).pattern}:${JSON.parse(l).key}`);

describe("cep run --follow --watch", () => {
  test("applies a good edit at the next event; reports one that does not compile and goes on", async () => {
    dir = mkdtempSync(join(tmpdir(), "cep-watch-"));
    writeFileSync(at("p.pattern"), AB + AC);
    writeFileSync(at("in.ndjson"), event("A", 1) + event("A", 9) + event("B", 9));
    const args = [
      "run",
      "p.pattern",
      "--input",
      "in.ndjson",
      "--output",
      "out.ndjson",
      "--follow",
      "--watch",
    ];
    running = start(bin, args, dir);
    const live = running;
    // The A of key 1 is read before the edit (AB:9 comes after it).
    await waitFor("AB:9", () => records().length === 1);
    writeFileSync(at("p.pattern"), AD + AC2 + AB);
    await pokeUntil(live, "cep: patterns reloaded before line");
    expect(live.stderr()).toMatch(
      /cep: patterns reloaded before line \d+ of in\.ndjson: added AD; changed AC; kept AB\n/,
    );
    appendFileSync(at("in.ndjson"), event("B", 1) + event("C", 1, 5) + event("D", 1));
    appendFileSync(at("in.ndjson"), event("A", 2) + event("C", 2, 5) + event("D", 2));
    await waitFor("AB:1, AC:2, AD:2", () => records().length === 4);
    // AB kept key 1's A; AC (changed) and AD (new) start empty: only key 2's A counts for them.
    expect(records()).toEqual(["AB:9", "AB:1", "AC:2", "AD:2"]);

    // An edit that does not compile: cep check's diagnostics, and the running set goes on.
    writeFileSync(at("p.pattern"), BROKEN);
    await waitFor("the compile error", () => live.stderr().includes("patterns not reloaded"));
    writeFileSync(at("broken.pattern"), BROKEN);
    const check = spawnSync(process.execPath, [bin, "check", "broken.pattern"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(check.status).toBe(1);
    expect(live.stderr()).toContain(check.stderr.replaceAll("broken.pattern", "p.pattern"));
    expect(live.stderr()).toContain(
      "cep: patterns not reloaded: p.pattern does not compile (errors above); the running patterns go on\n",
    );
    appendFileSync(at("in.ndjson"), event("A", 3) + event("B", 3) + event("D", 3));
    await waitFor("AB:3 and AD:3", () => records().length === 6);
    expect(records().slice(4)).toEqual(["AB:3", "AD:3"]);
    // Reported once, though the file was seen changing by the watch and the poll.
    await pause(700);
    expect(live.stderr().split("patterns not reloaded").length).toBe(2);
    live.child.kill("SIGTERM");
    expect((await live.exited).code).toBe(0);
  });

  test("with --checkpoint, a restart resumes with the set in force (the file broken meanwhile), then reloads", async () => {
    dir = mkdtempSync(join(tmpdir(), "cep-watch-"));
    writeFileSync(at("p.pattern"), AB + AC);
    writeFileSync(at("in.ndjson"), event("A", 1) + event("A", 7) + event("B", 7));
    const args = [
      "run",
      "p.pattern",
      "--input",
      "in.ndjson",
      "--output",
      "out.ndjson",
      "--checkpoint",
      "run.ck",
      "--follow",
      "--watch",
    ];
    running = start(bin, args, dir);
    let live = running;
    await waitFor("AB:7 (the run has started)", () => records().length === 1);
    writeFileSync(at("p.pattern"), AB + AC + AD);
    await pokeUntil(live, "added AD; kept AB, AC");
    appendFileSync(at("in.ndjson"), event("A", 2) + event("A", 8) + event("B", 8));
    await waitFor("AB:8 (so key 2's A was read)", () => records().length === 2);
    writeFileSync(at("p.pattern"), BROKEN);
    await waitFor("the compile error", () => live.stderr().includes("patterns not reloaded"));
    live.child.kill("SIGTERM");
    expect((await live.exited).code).toBe(0);
    const ck = JSON.parse(readFileSync(at("run.ck"), "utf8")).state;
    expect(ck.run.patterns.map((p: { name: string }) => p.name)).toEqual(["AB", "AC", "AD"]);
    expect(ck.sources).toEqual([{ file: "p.pattern", source: AB + AC + AD }]);

    // Restart: the file still does not compile, the run goes on with AB, AC, AD and their state.
    running = start(bin, args, dir);
    live = running;
    await waitFor("the resume note", () => live.stderr().includes("resuming from checkpoint run.ck"));
    expect(live.stderr()).toContain("E1101");
    appendFileSync(at("in.ndjson"), event("D", 2) + event("B", 1));
    await waitFor("AD:2 and AB:1", () => records().length === 4);
    expect(records()).toEqual(["AB:7", "AB:8", "AD:2", "AB:1"]);
    // Fixed: reloaded as usual.
    writeFileSync(at("p.pattern"), AB + AD);
    await pokeUntil(live, "removed AC; kept AB, AD");
    live.child.kill("SIGINT");
    expect((await live.exited).code).toBe(0);
  });
});
