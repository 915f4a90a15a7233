import { describe, expect, it } from "vitest";
import { exprToSource } from "../../src/compile/expr-source.js";
import type { Expr } from "../../src/lang/ast.js";
import { parse } from "../../src/lang/parse.js";
import {
  between,
  bin,
  call,
  event,
  index,
  isNull,
  list,
  lit,
  member,
  name,
  neg,
  not,
  prev,
} from "./expr-builders.js";

const p = name("price");
const s = (e: Expr) => exprToSource(e);

describe("exprToSource", () => {
  it("prints the canonical form", () => {
    expect(s(bin("and", bin(">", p, lit(10)), bin("==", name("name"), lit("a"))))).toBe(
      'price > 10 and name == "a"',
    );
    expect(s(member(call("first", name("fail")), "ip"))).toBe("first(fail).ip");
    expect(s(index(member(member(event, "order"), "tags"), lit(0)))).toBe("event.order.tags[0]");
    expect(s(list(lit(1), lit("x"), lit(null)))).toBe('[1, "x", null]');
    expect(s(isNull(member(prev, "x"), true))).toBe("prev.x is not null");
    expect(s(between(p, lit(1), bin("+", lit(2), lit(3))))).toBe("price between 1 and 2 + 3");
    expect(s(lit(300000, "5 minutes"))).toBe("5 minutes");
  });

  it("adds only the parentheses precedence needs", () => {
    expect(s(bin("*", bin("+", lit(1), lit(2)), lit(3)))).toBe("(1 + 2) * 3");
    expect(s(bin("+", lit(1), bin("*", lit(2), lit(3))))).toBe("1 + 2 * 3");
    expect(s(bin("-", bin("-", lit(1), lit(2)), lit(3)))).toBe("1 - 2 - 3");
    expect(s(bin("-", lit(1), bin("-", lit(2), lit(3))))).toBe("1 - (2 - 3)");
    expect(s(bin("and", bin("or", name("a"), name("b")), name("c")))).toBe("(a or b) and c");
    expect(s(bin("or", bin("and", name("a"), name("b")), name("c")))).toBe("a and b or c");
    expect(s(not(bin("==", name("a"), lit(1))))).toBe("not a == 1");
    expect(s(not(bin("and", name("a"), name("b"))))).toBe("not (a and b)");
    expect(s(bin("==", bin("==", name("a"), name("b")), lit(true)))).toBe("(a == b) == true");
    expect(s(neg(bin("+", name("a"), lit(1))))).toBe("-(a + 1)");
    expect(s(neg(neg(name("a"))))).toBe("- -a");
    expect(s(member(bin("+", name("a"), lit(1)), "f"))).toBe("(a + 1).f");
    expect(s(neg(member(name("a"), "f")))).toBe("-a.f");
    expect(s(isNull(bin("+", name("a"), lit(1))))).toBe("a + 1 is null");
    expect(s(isNull(bin("==", name("a"), lit(1))))).toBe("(a == 1) is null");
    expect(s(between(bin("<", name("a"), lit(1)), lit(1), lit(2)))).toBe("(a < 1) between 1 and 2");
  });

  it("backticks names that are reserved or not plain, except after `.`", () => {
    expect(s(name("timeout"))).toBe("`timeout`");
    expect(s(name("user-id"))).toBe("`user-id`");
    expect(s(name("a`b"))).toBe("`a``b`");
    expect(s(member(name("x"), "timeout"))).toBe("x.timeout");
    expect(s(member(name("x"), "a b"))).toBe("x.`a b`");
    expect(s(call("first", name("x")))).toBe("first(x)");
  });
});

describe("exprToSource on parsed expressions", () => {
  const where = (src: string): Expr => {
    const { ast } = parse(`pattern P { match a: A where ${src} }`, "t.pattern");
    const term = ast!.patterns[0].match.elements[0].item;
    if (term.kind !== "Term" || term.where === null) throw new Error("no where");
    return term.where;
  };
  it.each([
    ['price>10 and name=="a"', 'price > 10 and name == "a"'],
    ["((a + b)) * c == -(d)", "(a + b) * c == -d"],
    ["not (x in [1, 2,]) or y between 1+1 and 5min", "not x in [1, 2] or y between 1 + 1 and 5min"],
    ['matches(s, "a\\\\d")', 'matches(s, "a\\\\d")'],
    ["`timeout` > 30 and event.`a b`[0] is not null", "`timeout` > 30 and event.`a b`[0] is not null"],
    ["a or (b or c)", "a or (b or c)"],
    ["sum(a.price) + price < 5", "sum(a.price) + price < 5"],
  ])("%s → %s, which parses to the same form", (input, expected) => {
    const out = exprToSource(where(input));
    expect(out).toBe(expected);
    expect(exprToSource(where(out))).toBe(out);
  });
});
