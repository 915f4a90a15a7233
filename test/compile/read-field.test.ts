/**
 * `readField`, the field read behind `price`, `a.price`, `e.user.id` in conditions and
 * emits: object and function values count only as own properties (nothing from a
 * prototype leaks into a record), primitives are read as the object gives them.
 */
import { describe, expect, it } from "vitest";
import { readField } from "../../src/compile/functions.js";

describe("readField", () => {
  it("reads own fields of parsed events, null for absent ones", () => {
    const e = JSON.parse('{"price": 3, "user": {"id": "u1"}, "tags": ["a"], "none": null}');
    expect(readField(e, "price")).toBe(3);
    expect(readField(e, "user")).toEqual({ id: "u1" });
    expect(readField(e, "tags")).toEqual(["a"]);
    expect(readField(e, "none")).toBeNull();
    expect(readField(e, "missing")).toBeNull();
  });

  it("never returns a function or a prototype", () => {
    const e = JSON.parse('{"a": 1}');
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"])
      expect(readField(e, name)).toBeNull();
    class Tick {
      method(): number {
        return 1;
      }
    }
    expect(readField(new Tick(), "method")).toBeNull();
  });

  it("keeps keys like __proto__ and constructor as plain data", () => {
    const e = JSON.parse('{"__proto__": {"x": 1}, "constructor": "c", "prototype": 5}');
    expect(readField(e, "__proto__")).toEqual({ x: 1 });
    expect(readField(e, "constructor")).toBe("c");
    expect(readField(e, "prototype")).toBe(5);
  });

  it("reads a class instance's getter fields as their values", () => {
    class Tick {
      constructor(private readonly p: number) {}
      get price(): number {
        return this.p;
      }
    }
    expect(readField(new Tick(7), "price")).toBe(7);
  });

  it("gives null on arrays and non-objects", () => {
    expect(readField([1, 2], "length")).toBeNull();
    expect(readField("text", "length")).toBeNull();
    expect(readField(null, "x")).toBeNull();
    expect(readField(5, "x")).toBeNull();
  });
});
