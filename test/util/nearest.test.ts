import { describe, expect, it } from "vitest";
import { editDistance, nearest } from "../../src/util/nearest.js";

describe("edit distance and suggestions", () => {
  it("counts an adjacent transposition as one edit", () => {
    expect(editDistance("fial", "fail")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("LoginOK", "LoginOk")).toBe(1);
  });

  it("suggests only close names", () => {
    expect(nearest("fial", ["ok", "fail"])).toBe("fail");
    expect(nearest("b", ["a", "c"])).toBeNull();
    expect(nearest("aa", ["a"])).toBe("a");
    expect(nearest("USER", ["user", "users"])).toBe("user");
    expect(nearest("price", ["ip", "user"])).toBeNull();
    expect(nearest("x", [])).toBeNull();
  });
});
