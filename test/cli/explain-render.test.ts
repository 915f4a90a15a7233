import { describe, expect, test } from "vitest";
import {
  describeWindow,
  formatMs,
  isNfaDescription,
  type NfaDescription,
  renderDot,
  renderMermaid,
  renderNfaText,
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
      edges: [{ action: "take", target: "$endState$", condition: 'ip != first(fail).ip and x < "<b>"' }],
    },
    { name: "$endState$", kind: "final", window: null, edges: [] },
    { name: "Logout", kind: "stop", window: null, edges: [] },
    { name: "wait", kind: "pending", window: null, edges: [] },
  ],
  window: 300_000,
  skip: "skip past last event",
};

describe("formatting", () => {
  test("formatMs uses the language's compact syntax", () => {
    expect(formatMs(5_400_000)).toBe("1h30m");
    expect(formatMs(1500)).toBe("1s500ms");
    expect(formatMs(0)).toBe("0ms");
    expect(formatMs(694_861_001)).toBe("1w1d1h1m1s1ms");
  });

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
    expect(dot).toContain('"$endState$" [shape=doublecircle');
    expect(dot).toContain('"Logout" [shape=octagon');
    expect(dot).toContain('"wait" [shape=circle, style=dashed');
    expect(dot).toContain('"fail" [shape=circle, style=bold');
    expect(dot).toMatch(
      /"fail:0" -> "fail:0" \[style=dashed.*label="ignore: not \(type == \\"LoginFailed\\"\)"\]/,
    );
    expect(dot).toMatch(/"fail:0" -> "ok" \[style=dotted.*label="proceed: true"\]/);
  });

  test("term windows appear on their state; quotes are escaped", () => {
    expect(dot).toContain('"ok" [shape=circle, label="ok\\nwithin 10s"]');
    expect(dot).toContain('label="take: ip != first(fail).ip and x < \\"<b>\\""');
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
    expect(lines).toContain('  p0s3((("$endState$")))');
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
  expect(text).toContain("  ok [within 10s]\n    take    -> $endState$  when ip != first(fail).ip");
});
