import { describe, expect, test } from "vitest";
import {
  describeWindow,
  isNfaDescription,
  type NfaDescription,
  renderDot,
  renderMermaid,
  renderNfaText,
  wrapLabel,
} from "../../src/cli/explain-render.js";

const nfa: NfaDescription = {
  states: [
    {
      name: "fail",
      kind: "start",
      window: null,
      edges: [{ action: "take", target: "fail:0", condition: 'type == "LoginFailed"' }],
    },
    {
      name: "fail:0",
      kind: "normal",
      window: null,
      edges: [
        { action: "take", target: "fail:0", condition: 'type == "LoginFailed"' },
        { action: "ignore", target: "fail:0", condition: 'not (type == "LoginFailed")' },
        { action: "proceed", target: "ok", condition: "true" },
      ],
    },
    {
      name: "ok",
      kind: "normal",
      window: 10_000,
      edges: [{ action: "take", target: "match", condition: 'ip != first(fail).ip and x < "<b>"' }],
    },
    { name: "match", kind: "final", window: null, edges: [] },
    { name: "Logout", kind: "stop", window: null, edges: [] },
    { name: "wait", kind: "pending", window: null, edges: [] },
  ],
  window: 300_000,
  skip: "skip past last event",
};

describe("formatting", () => {
  test("describeWindow accepts ms, text and objects", () => {
    expect(describeWindow(300_000)).toBe("within 5m");
    expect(describeWindow("within 5 minutes")).toBe("within 5 minutes");
    expect(describeWindow({ pattern: 300_000, terms: { ok: 10_000 } })).toBe(
      "within: pattern 5m, terms ok 10s",
    );
    expect(describeWindow(null)).toBeNull();
  });

  test("isNfaDescription wants string edge targets (not a compiled NFA's indices)", () => {
    expect(isNfaDescription(nfa)).toBe(true);
    expect(isNfaDescription({ states: [{ name: "a", edges: [{ target: 1 }] }] })).toBe(false);
    expect(isNfaDescription(null)).toBe(false);
  });
});

describe("renderDot", () => {
  const dot = renderDot([{ name: "BruteForce", nfa }]);

  test("one digraph with a caption, an entry arrow and every state and edge", () => {
    expect(dot.startsWith('digraph "BruteForce" {\n')).toBe(true);
    expect(dot).toContain('label="BruteForce · within 5m · after match skip past last event"');
    expect(dot).toContain('"__start" -> "fail";');
    expect(dot.match(/ -> /g)).toHaveLength(6); // 5 edges + the entry arrow
    expect(dot.trimEnd().endsWith("}")).toBe(true);
  });

  test("kinds and actions are drawn apart", () => {
    expect(dot).toContain('"match" [shape=doublecircle');
    expect(dot).toContain('"Logout" [shape=octagon');
    expect(dot).toContain('"wait" [shape=circle, style=dashed');
    expect(dot).toContain('"fail" [shape=circle, style=bold');
    expect(dot).toMatch(
      /"fail:0" -> "fail:0" \[style=dashed.*label="ignore: not \(type == \\"LoginFailed\\"\)\\l"\]/,
    );
    expect(dot).toMatch(/"fail:0" -> "ok" \[style=dotted.*label="proceed: true\\l"\]/);
  });

  test("term windows appear on their state; quotes are escaped", () => {
    expect(dot).toContain('"ok" [shape=circle, label="ok\\nwithin 10s"]');
    expect(dot).toContain('label="take: ip != first(fail).ip and x < \\"<b>\\"\\l"');
  });
});

describe("renderMermaid", () => {
  test("a titled flowchart with generated ids, shapes per kind, arrows per action", () => {
    const m = renderMermaid([{ name: "BruteForce", nfa }]);
    const lines = m.trimEnd().split("\n");
    expect(lines.slice(0, 4)).toEqual([
      "---",
      'title: "BruteForce · within 5m · after match skip past last event"',
      "---",
      "flowchart LR",
    ]);
    expect(lines).toContain('  p0s0(["fail"])');
    expect(lines).toContain('  p0s2(("ok<br>within 10s"))');
    expect(lines).toContain('  p0s3((("match")))');
    expect(lines).toContain('  p0s4{{"Logout"}}');
    expect(lines).toContain('  p0s1 -.->|"ignore: not (type == #quot;LoginFailed#quot;)"| p0s1');
    expect(lines).toContain('  p0s1 ==>|"proceed: true"| p0s2');
    expect(lines).toContain('  p0s2 -->|"take: ip != first(fail).ip and x #lt; #quot;#lt;b#gt;#quot;"| p0s3');
    expect(lines).toContain("  class p0s4 stop;");
    expect(lines).toContain("  class p0s5 pending;");
  });

  test("several patterns become subgraphs with distinct ids", () => {
    const m = renderMermaid([
      { name: "A", nfa },
      { name: "B", nfa },
    ]);
    expect(m).not.toContain("title:");
    expect(m).toContain('  subgraph p0["A · within 5m · after match skip past last event"]');
    expect(m).toContain('    p1s0(["fail"])');
  });
});

test("renderNfaText lists states and edges", () => {
  const text = renderNfaText({ name: "P", nfa });
  expect(text).toContain("  ok [within 10s]\n    take    -> match  when ip != first(fail).ip");
});

describe("Graphviz layout that keeps labels apart", () => {
  test("golden: top to bottom, long conditions wrapped (wider beside a self-loop), final state `match`", () => {
    const brute: NfaDescription = {
      states: [
        {
          name: "fail",
          kind: "start",
          window: null,
          edges: [
            { action: "take", target: "fail", condition: 'type == "LoginFailed"' },
            { action: "proceed", target: "ok", condition: "true" },
          ],
        },
        {
          name: "ok",
          kind: "normal",
          window: 10_000,
          edges: [
            {
              action: "take",
              target: "match",
              condition: 'type == "LoginOk" and ip != first(fail).ip and ip != "10.0.0.1 or 10.0.0.2"',
            },
            {
              action: "ignore",
              target: "ok",
              condition: 'not (type == "LoginOk" and ip != first(fail).ip and ip != "10.0.0.1 or 10.0.0.2")',
            },
          ],
        },
        { name: "match", kind: "final", window: null, edges: [] },
      ],
      window: 300_000,
      skip: "skip past last event",
    };
    expect(renderDot([{ name: "BruteForce", nfa: brute }])).toBe(
      [
        'digraph "BruteForce" {',
        '  graph [rankdir=TB, labelloc=t, fontname="Helvetica", label="BruteForce · within 5m · after match skip past last event"];',
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
        '  "__start" [shape=point, width=0.08, label=""];',
        '  "__start" -> "fail";',
        '  "fail" [shape=circle, style=bold, label="fail"];',
        '  "ok" [shape=circle, label="ok\\nwithin 10s"];',
        '  "match" [shape=doublecircle, label="match"];',
        '  "fail" -> "fail" [style=solid, label="take: type == \\"LoginFailed\\"\\l"];',
        '  "fail" -> "ok" [style=dotted, color="#2c3e50", label="proceed: true\\l"];',
        '  "ok" -> "match" [style=solid, label="take: type == \\"LoginOk\\" and ip !=\\l  first(fail).ip and ip !=\\l  \\"10.0.0.1 or 10.0.0.2\\"\\l"];',
        '  "ok" -> "ok" [style=dashed, color="#7f8c8d", fontcolor="#7f8c8d", label="ignore: not (type == \\"LoginOk\\" and ip != first(fail).ip and\\l  ip != \\"10.0.0.1 or 10.0.0.2\\")\\l"];',
        "}",
        "",
      ].join("\n"),
    );
  });

  test("wrapLabel breaks at spaces outside strings, indents continuations, keeps a short tail", () => {
    expect(wrapLabel("take: a", 36)).toEqual(["take: a"]);
    expect(wrapLabel('take: type == "Charge" and amount < 5', 20)).toEqual([
      "take: type ==",
      '  "Charge" and amount < 5',
    ]);
    expect(wrapLabel('x == "a b c d e f g h" and yyyyyyyyyyyy', 8)).toEqual([
      "x ==",
      '  "a b c d e f g h"',
      "  and",
      "  yyyyyyyyyyyy",
    ]);
    // An escaped quote does not end the string.
    expect(wrapLabel('s == "a \\" b c" and t', 6)).toEqual(["s ==", '  "a \\" b c" and t']);
    expect(wrapLabel("averyveryverylongword", 5)).toEqual(["averyveryverylongword"]);
  });
});
