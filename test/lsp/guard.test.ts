/**
 * `ctx.safe`: an internal error in a feature's handler is logged and the request
 * answers the feature's empty result; the server goes on.
 */
import { expect, test } from "vitest";
import { guard } from "../../src/lsp/context.js";

test("a throwing handler answers its fallback and logs the error with the handler's name", () => {
  const logged: string[] = [];
  const safe = guard((m) => logged.push(m));
  const handler = safe("hover", null, (n: number) => {
    if (n < 0) throw new Error("boom");
    return n * 2;
  });
  expect(handler(2)).toBe(4);
  expect(logged).toEqual([]);
  expect(handler(-1)).toBeNull();
  expect(logged.length).toBe(1);
  expect(logged[0]).toMatch(/^cep lsp: internal error in hover: Error: boom/);
  // A non-Error thrown value is logged too.
  const odd = safe("folding", [] as number[], () => {
    throw "odd";
  });
  expect(odd(undefined)).toEqual([]);
  expect(logged[1]).toBe("cep lsp: internal error in folding: odd");
});
