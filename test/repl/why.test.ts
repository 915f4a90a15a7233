/**
 * The REPL's `.why [key]` and `.trace on|off [key]` (issue #14): in-process through
 * `Session` (exact texts), and once through the real `bin/cep.js repl` with piped stdin,
 * where the records must be those `cep run` writes — the REPL's engine always traces, and
 * that must change nothing it matches.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { compile } from "../../src/compile/program.js";
import { COMMANDS, Session } from "../../src/repl/session.js";
import { TraceLog } from "../../src/repl/why.js";
import { Engine } from "../../src/runtime/engine.js";
import { privateBin, root } from "../cli/dist.js";

const AB = `pattern AB {
  key by k
  match a: A followed by b: B where v > 10
}
pattern AC {
  key by k
  match a: A next c: C
}`;

const ev = (type: string, k: unknown, ts: number, extra: object = {}) =>
  JSON.stringify({ type, k, ts, ...extra });

/** A non-interactive session (messages carry `line N:`), records as JSON lines. */
function session() {
  const out: string[] = [];
  const err: string[] = [];
  const s = new Session({
    options: { typeField: "type", timeField: "ts", outOfOrderness: 0, processingTime: false, clock: null },
    interactive: false,
    readable: false,
    outColor: false,
    errColor: false,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
  });
  /** Feeds lines; returns what they printed to stdout and stderr. */
  const type = (...lines: string[]) => {
    out.length = 0;
    err.length = 0;
    for (const l of lines.join("\n").split("\n")) s.handleLine(l);
    return { out: out.join(""), err: err.join("") };
  };
  return { s, type };
}

describe(".why", () => {
  test("without a key: the last event's key, each partial match with its events, what it waits for, and why the last event did not move it", () => {
    const { type } = session();
    type(AB); // lines 1–8
    type(ev("A", 42, 1), ev("A", 7, 2), ev("B", 42, 3, { v: 5 })); // lines 9–11
    expect(type(".why").out).toBe(
      [
        "AB key 42: 1 partial match",
        '  p1: a = line 9; waiting for b (type == "B" and v > 10)',
        "    line 11 B: p1 ignored it (waits in b) — b: v > 10 is false (v = 5)",
        "      at <stdin:1>:3:37",
        "      3 |   match a: A followed by b: B where v > 10",
        "        |                                     ^^^^^^",
        "AC key 42: no partial matches",
        "  the last event that reached one (line 11), and time since:",
        '    line 11 B: p2 died — `next c` needs the very next event, and c needs type C, the event is "B"',
        "      at <stdin:5>:3:19",
        "      3 |   match a: A next c: C",
        "        |                   ^^^^",
        "",
      ].join("\n"),
    );
  });

  test("without a key, a pattern where the last event's key has nothing is left out", () => {
    const { type } = session();
    type(AB, "pattern U {\n  key by u\n  match x: X followed by y: Y\n}"); // lines 1–12
    type(JSON.stringify({ type: "X", u: 1, ts: 1 }), JSON.stringify({ type: "A", k: 5, u: 2, ts: 2 }));
    const why = type(".why").out;
    expect(why).toMatch(/^AB key 5: 1 partial match\n/);
    expect(why).toContain("AC key 5: 1 partial match\n");
    expect(why).not.toContain("U key");
  });

  test('with a key typed as on the command line: 42 finds 42 and "42"; a key that took the event says so', () => {
    const { type } = session();
    type(AB, ev("A", 42, 1), ev("A", "42", 2), ev("A", 7, 3), ev("B", "42", 4, { v: 11 }));
    const why = type(".why 42").out;
    expect(why).toContain("AB key 42: 1 partial match\n  p1: a = line 9; waiting for b");
    expect(why).toContain('AB key "42": no partial matches\n');
    expect(why).toContain("line 12 B: p3 took it as b\n    line 12 B: p3 completed\n");
    expect(why).not.toContain("key 7");
  });

  test("a pattern name typed before the key: the message says .why takes the key alone", () => {
    const { type } = session();
    type(AB, ev("A", 42, 1));
    expect(type(".why AB 42").err).toContain(
      "key AB 42: no partial matches, and no event of it reached one (keys with some: 42); .why takes a key alone (every pattern is searched): .why 42",
    );
    expect(type(".why 43").err).not.toContain(".why takes a key alone");
  });

  test("a partial match that took the last event, with several events per term", () => {
    const { type } = session();
    type("pattern L {\n  key by k\n  match a: A followed by b: B+ followed by c: C\n}"); // lines 1–4
    type(ev("A", 1, 1), ev("B", 1, 2), ev("B", 1, 3)); // lines 5–7
    const why = type(".why 1").out;
    expect(why).toContain("p1: a = line 5, b = lines 6, 7; waiting for ");
    expect(why).toContain("line 7 B: p1 took it as b");
  });

  test("a partial match that split without taking the event: each half with its own state's record", () => {
    const { type } = session();
    type("pattern L {\n  key by k\n  match s: A{1,} where x < 5 followed by b: A where x >= 200\n}");
    type(ev("A", 1, 1, { x: 1 }), ev("A", 1, 2, { x: 38 })); // lines 5, 6
    const lines = type(".why").out.split("\n");
    const heads = lines.filter((l) => /^ {2}\S/.test(l) && !l.startsWith("  the last"));
    expect(heads).toHaveLength(2);
    expect(heads.every((l) => /^ {2}p\d+: s = line 5; waiting for /.test(l))).toBe(true);
    // The half left in s:0 ignored the event (older tracers said it "moved on to s:0"); the other moved on to b.
    for (const [waits, moved] of [
      ["waiting for s (", "s:0"],
      ["waiting for b (", "moved on to b without it"],
    ]) {
      const i = lines.findIndex((l) => l.includes(waits));
      expect(lines[i + 1]).toContain(moved);
      expect(lines[i + 1]).toContain("s: x < 5 is false (x = 38); b: x >= 200 is false (x = 38)");
    }
  });

  test("no event yet, an unknown key, no patterns, and an empty key are told, on stderr", () => {
    const none = session();
    expect(none.type(".why").err).toBe("line 1: error: no patterns yet: nothing to explain\n");
    const { type } = session();
    type(AB);
    expect(type(".why").err).toBe(
      "line 9: error: no event typed yet: type one, or name a key (.why <key>)\n",
    );
    type(ev("A", 42, 1));
    const r = type(".why 9");
    expect(r.out).toBe("");
    expect(r.err).toBe(
      "line 11: key 9: no partial matches, and no event of it reached one (keys with some: 42)\n",
    );
  });

  test("a typed key nested too deeply is refused, not compared", () => {
    const { type } = session();
    type(AB, ev("A", 42, 1));
    const deep = `${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}`;
    expect(type(`.why ${deep}`).err).toBe(
      "line 10: error: .why: a key must not be nested deeper than 32 levels\n",
    );
    expect(type(`.trace on ${deep}`).err).toBe(
      "line 11: error: .trace: a key must not be nested deeper than 32 levels\n",
    );
  });

  test(".reset forgets the trace with the state", () => {
    const { type } = session();
    type(AB, ev("A", 42, 1), ".reset");
    expect(type(".why").err).toContain("no event typed yet");
    expect(type(".why 42").err).toContain("key 42: no partial matches");
  });
});

describe("TraceLog", () => {
  test("keeps a live entry only for partial matches that live: none after the end of input", () => {
    const name = "login-brute-force";
    const source = readFileSync(join(root, "patterns", `${name}.pattern`), "utf8");
    const log = new TraceLog(() => {});
    const engine = new Engine(compile(source, { file: `${name}.pattern` }), { trace: { sink: log.sink } });
    // Ten users, failures from three IPs and some successes: forks, matches, pruning, partial matches left.
    for (let i = 0; i < 300; i++) {
      const type = i % 7 === 0 ? "LoginOk" : "LoginFailed";
      engine.push({ type, user: `u${i % 10}`, ip: `10.0.0.${i % 3}`, ts: 1_700_000_000_000 + i * 100 });
    }
    // Before the end: one live entry (in one state) per partial match the engine holds.
    const size = (key: unknown) =>
      [...(log.log("BruteForce", key)?.live.values() ?? [])].reduce((n, x) => n + x.byState.size, 0);
    const keys = engine.snapshot().runners.flatMap((r) => r.keys);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(size(k.key)).toBe(k.partials.length + k.completed.length);
    engine.end();
    for (const k of keys) expect(size(k.key)).toBe(0);
  });
});

describe(".trace", () => {
  test(".trace on <key> prints that key's trace lines as events are typed; .trace off stops; .trace says what is traced", () => {
    const { type } = session();
    type(AB, ev("A", 42, 1), ev("A", 7, 2));
    expect(type(".trace on 7").err).toBe("line 11: tracing key 7\n");
    const r = type(ev("B", 42, 3, { v: 50 }), ev("B", 7, 4, { v: 5 }));
    // Key 42's match record is printed as always; only key 7's trace lines.
    const lines = r.out.trimEnd().split("\n");
    expect(JSON.parse(lines[0])).toMatchObject({ pattern: "AB", key: 42 });
    expect(lines.slice(1)).toEqual([
      "trace AB key 7: line 13 B: p3 ignored it (waits in b) — b: v > 10 is false (v = 5)",
      'trace AC key 7: line 13 B: p4 died — `next c` needs the very next event, and c needs type C, the event is "B"',
    ]);
    expect(type(".trace off").err).toBe("line 14: tracing is off\n");
    expect(type(ev("A", 7, 5)).out).toBe("");
    expect(type(".trace").err).toBe("line 16: tracing is off\n");
  });

  test(".trace on without a key traces every key; bad usage is told", () => {
    const { type } = session();
    type(AB, ".trace on");
    const out = type(ev("A", 1, 1), ev("A", 2, 2)).out;
    expect(out).toContain("trace AB key 1: line 10 A: p1 created: a took it\n");
    expect(out).toContain("trace AC key 2: line 11 A: p4 created: a took it\n");
    expect(type(".trace maybe").err).toBe("line 12: error: usage: .trace on|off [key]\n");
    expect(type(".trace off 5").err).toBe("line 13: error: key 5 is not traced (tracing every key)\n");
  });

  test(".help and completion know the new commands", () => {
    const { s, type } = session();
    const help = type(".help").out;
    expect(help).toContain(".why [key]");
    expect(help).toContain(".trace on|off [key]");
    expect(s.complete(".tr")).toEqual([[".trace "], ".tr"]);
    expect(COMMANDS.map((c) => c.name)).toContain(".why");
  });
});

describe("cep repl (piped): tracing changes no record", () => {
  let bin: string;
  beforeAll(() => {
    bin = privateBin();
  }, 120_000);

  test("an example's records are cep run's, with .why and .trace typed between the events", () => {
    const name = "login-brute-force";
    const pattern = join(root, "patterns", `${name}.pattern`);
    const events = readFileSync(join(root, "patterns", `${name}.events.ndjson`), "utf8")
      .trimEnd()
      .split("\n");
    const run = spawnSync(process.execPath, [bin, "run", pattern, "--input", "-", "--quiet"], {
      input: `${events.join("\n")}\n`,
      encoding: "utf8",
    });
    const script = [".trace on alice", ...events.flatMap((e, i) => (i % 3 === 0 ? [e, ".why"] : [e])), ""];
    const repl = spawnSync(process.execPath, [bin, "repl", pattern], {
      input: script.join("\n"),
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "", CEP_HISTORY: "/dev/null" },
    });
    expect(run.status).toBe(0);
    expect(repl.status).toBe(0);
    const expected = run.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    const got = repl.stdout
      .split("\n")
      .filter((l) => l.startsWith('{"pattern"'))
      .map((l) => JSON.parse(l));
    expect(expected.length).toBeGreaterThan(0);
    expect(got).toEqual(expected);
    expect(repl.stdout).toContain('trace BruteForce key "alice": line ');
    expect(repl.stdout).toContain('BruteForce key "alice": ');
  });
});
