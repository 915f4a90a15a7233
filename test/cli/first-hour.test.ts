/**
 * What a new user trips over in the first hour (issue #12), through the real `cep`
 * (`node bin/cep.js` of a private copy of the build, see dist.ts): hints for events given
 * without `--input` and for a terminal stdin, `cep test` with hand-written expectations,
 * and `cep explain` pictures without internal names or overlapping labels (every example
 * is explained in-process with the real library, then laid out by Graphviz, which
 * `npm test` installs: scripts/ensure-test-tools.sh).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { CompileError, compile, Engine, renderDiagnostic } from "../../src/index.js";
import { requireDot } from "../support/graphviz.js";
import { privateBin, root } from "./dist.js";
import { Capture } from "./fake-api.js";

let bin: string;
let dir: string;

beforeAll(() => {
  bin = privateBin();
  dir = mkdtempSync(join(tmpdir(), "cep-first-hour-"));
}, 120_000);

const at = (name: string) => join(dir, name);
const write = (name: string, text: string) => {
  writeFileSync(at(name), text);
  return at(name);
};

/** `node bin/cep.js args…` in the test directory, stdin piped (not a terminal). */
function cep(args: string[], input = "") {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, input, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const LOGIN = join(root, "patterns", "login-brute-force.pattern");
const LOGIN_EVENTS = join(root, "patterns", "login-brute-force.events.ndjson");

describe("cep run: hints", () => {
  test("an events file given where a pattern file goes: did you mean --input", () => {
    const r = cep(["run", LOGIN, LOGIN_EVENTS]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `cep: ${LOGIN_EVENTS} looks like an events file, not a pattern file: did you mean --input ${LOGIN_EVENTS}?\n`,
    );
  });

  test("any name: a file whose text starts with `{` is events too (the suggestion quoted for the shell)", () => {
    write("my events.txt", '\n  {"type":"LoginFailed","user":"a","ip":"x","ts":1}\n');
    const r = cep(["run", LOGIN, "my events.txt"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("did you mean --input 'my events.txt'?");
    for (const name of ["e.jsonl", "e.json", "e.CSV"]) {
      write(name, "type,ts\nA,1\n");
      expect(cep(["run", LOGIN, name]).stderr).toContain(`did you mean --input ${name}?`);
    }
  });

  test("stdin on a terminal: one line says events are read from there; piped stdin: nothing", () => {
    const piped = cep(["run", LOGIN], "");
    expect(piped.code).toBe(0);
    expect(piped.stderr).not.toContain("stdin");
    // `script` runs the command on a pseudo-terminal; its empty stdin ends the input.
    const r = spawnSync(
      "script",
      [
        "-qec",
        `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} run ${JSON.stringify(LOGIN)}`,
        "/dev/null",
      ],
      { cwd: dir, input: "", encoding: "utf8" },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      "cep: reading events from stdin (end with Ctrl-D; use --input FILE to read a file)",
    );
    expect(r.stdout).toContain("cep: 0 events");
  });

  test("the reserved-word hint shows the backticked name once", () => {
    write("reserved.pattern", "event A { ts: time }\npattern P {\n  match key: A\n}\n");
    const r = cep(["check", "reserved.pattern"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("= hint: write it in backticks to use it as a name: `key`\n");
    expect(r.stderr).not.toContain("``");
  });
});

describe("cep test: hand-written expectations", () => {
  const scenario = (expected: string) => {
    write("brute.pattern", readFileSync(LOGIN, "utf8"));
    write("brute.events.ndjson", readFileSync(LOGIN_EVENTS, "utf8"));
    write("brute.expected.ndjson", expected);
    return cep(["test", "brute.pattern"]);
  };

  test("an expected record gives only the fields it cares about", () => {
    const r = scenario('{"pattern":"BruteForce","key":"alice","emit":{"attempts":4,"to":"192.168.7.7"}}\n');
    expect(r.stdout).toBe("PASS brute (1 record)\n1 passed, 0 failed\n");
    expect(r.code).toBe(0);
  });

  test("a record that differs shows the fields in which the nearest output record differs", () => {
    const r = scenario('{"pattern":"BruteForce","key":"alice","end":1700000040000,"emit":{"attempts":3}}\n');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      [
        "FAIL brute: 1 missing, 1 unexpected (expected 1, got 1)",
        '    missing    #1 {"pattern":"BruteForce","key":"alice","end":1700000040000,"emit":{"attempts":3}}',
        "      nearest output record #1 differs in:",
        "        end: expected 1700000040000, got 1700000042000",
        "        emit.attempts: expected 3, got 4",
        '    unexpected #1 {"pattern":"BruteForce","key":"alice","start":1700000000000,',
      ].join("\n"),
    );
  });
});

describe("cep explain: pictures a person can read", () => {
  const examples = readdirSync(join(root, "patterns"))
    .filter((f) => f.endsWith(".pattern"))
    .sort();
  /** `cep explain` in-process with the real library (39 process starts would take ~30 s here). */
  const explain = async (file: string, format: string) => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await runCli(["explain", join(root, "patterns", file), "--format", format], {
      api: { compile, Engine, CompileError, renderDiagnostic },
      stdin: (async function* () {})(),
      stdout,
      stderr,
      stderrIsTTY: false,
      env: {},
      wallClock: Date.now,
      monotonic: () => performance.now(),
    });
    expect(code, `${file} --format ${format}: ${stderr.text}`).toBe(0);
    return stdout.text;
  };

  test("the real binary: the brute-force example's final state is `match` in every format", () => {
    for (const format of ["text", "dot", "mermaid"]) {
      const r = cep(["explain", LOGIN, "--format", format]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("match");
      expect(r.stdout).not.toContain("$endState$");
    }
  });

  test("no rendering shows an internal name such as $endState$; the final state is `match`", async () => {
    let drawn = 0;
    for (const file of examples) {
      // Every final state, wherever one is drawn (a trailing `not followed by` has none).
      const finals = {
        text: [/^ {2}state (\S+) +\[final\]$/gm],
        dot: [/ \[shape=doublecircle, label="([^"]*)"\]/g],
        mermaid: [/\(\(\("([^"]*)"\)\)\)/g],
      };
      for (const [format, [final]] of Object.entries(finals)) {
        const out = await explain(file, format);
        expect(out, `${file} --format ${format}`).not.toMatch(/\$\w*\$/);
        const names = [...out.matchAll(final)].map((m) => m[1]);
        expect(
          names.every((n) => n === "match"),
          `${file} --format ${format}: ${names}`,
        ).toBe(true);
        drawn += names.length;
      }
    }
    expect(drawn).toBeGreaterThan(30);
  });

  test("Graphviz lays out every example with no label over another label or a state", async () => {
    requireDot();
    for (const file of examples) {
      const dot = await explain(file, "dot");
      const r = spawnSync("dot", ["-Tjson"], { input: dot, encoding: "utf8" });
      expect(r.status, `${file}: ${r.stderr}`).toBe(0);
      const problems = overlaps(JSON.parse(r.stdout));
      expect(problems, file).toEqual([]);
    }
  });
});

/** A box in Graphviz points (y up). */
interface Box {
  what: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface DrawOp {
  op: string;
  size?: number;
  pt?: [number, number];
  align?: "l" | "c" | "r";
  width?: number;
  text?: string;
  rect?: [number, number, number, number];
  points?: [number, number][];
}

interface DotJson {
  _ldraw_?: DrawOp[];
  objects?: ({ name: string; _ldraw_?: DrawOp[]; _draw_?: DrawOp[] } & Record<string, unknown>)[];
  edges?: { tail: number; head: number; _ldraw_?: DrawOp[] }[];
}

/** The box around all the text of one label (`_ldraw_`: font ops, then one text op per line). */
function labelBox(what: string, ops: DrawOp[] | undefined): Box | null {
  let size = 14;
  let box: Box | null = null;
  for (const d of ops ?? []) {
    if (d.op === "F") size = d.size ?? size;
    if (d.op !== "T" || d.pt === undefined || d.width === undefined) continue;
    const [x, y] = d.pt;
    const x0 = d.align === "l" ? x : d.align === "r" ? x - d.width : x - d.width / 2;
    const line = { what, x0, y0: y - 0.25 * size, x1: x0 + d.width, y1: y + 0.8 * size };
    box =
      box === null
        ? line
        : {
            what,
            x0: Math.min(box.x0, line.x0),
            y0: Math.min(box.y0, line.y0),
            x1: Math.max(box.x1, line.x1),
            y1: Math.max(box.y1, line.y1),
          };
  }
  return box;
}

/** A state's outline (ellipse or polygon). */
function shapeBox(what: string, ops: DrawOp[] | undefined): Box | null {
  for (const d of ops ?? []) {
    if ((d.op === "e" || d.op === "E") && d.rect) {
      const [cx, cy, rx, ry] = d.rect;
      return { what, x0: cx - rx, y0: cy - ry, x1: cx + rx, y1: cy + ry };
    }
    if ((d.op === "p" || d.op === "P") && d.points) {
      const xs = d.points.map((p) => p[0]);
      const ys = d.points.map((p) => p[1]);
      return { what, x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
    }
  }
  return null;
}

/** Pairs of labels (or an edge label and a state) closer than a point to each other. */
function overlaps(graph: DotJson): string[] {
  const objects = (graph.objects ?? []).filter((o) => !o.name.startsWith("cluster"));
  const names = graph.objects?.map((o) => o.name) ?? [];
  const labels: Box[] = [];
  const caption = labelBox("caption", graph._ldraw_);
  if (caption) labels.push(caption);
  for (const o of graph.objects ?? []) {
    const b = labelBox(`label of ${o.name}`, o._ldraw_);
    if (b) labels.push(b);
  }
  for (const e of graph.edges ?? []) {
    const b = labelBox(`label of ${names[e.tail]} -> ${names[e.head]}`, e._ldraw_);
    if (b) labels.push(b);
  }
  const shapes = objects.map((o) => shapeBox(`state ${o.name}`, o._draw_)).filter((b) => b !== null);
  const GAP = 1;
  const apart = (a: Box, b: Box) =>
    a.x1 + GAP <= b.x0 || b.x1 + GAP <= a.x0 || a.y1 + GAP <= b.y0 || b.y1 + GAP <= a.y0;
  const out: string[] = [];
  labels.forEach((a, i) => {
    for (const b of labels.slice(i + 1)) if (!apart(a, b)) out.push(`${a.what} / ${b.what}`);
    if (a.what.includes(" -> ") || a.what === "caption") {
      for (const s of shapes) if (!apart(a, s)) out.push(`${a.what} / ${s.what}`);
    }
  });
  return out;
}
