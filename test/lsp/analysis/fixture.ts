/** A small workspace of three files shared by the analysis tests. */
import { makeView, uriOf } from "./make-view.js";

export const SCHEMAS = `event LoginFailed { user: string, ip: string }
event LoginOk { user: string, ip: string, device: string? }
`;

export const LOGIN = `// brute force, then a probe
pattern BruteForce {
  key by user
  within 5 minutes
  after match skip to first fail
  match fail: LoginFailed{3,} consecutive
        followed by ok: LoginOk where ip != first(fail).ip
        not followed by Logout
  emit { user: ok.user, attempts: count(fail), from: first(fail).ip, to: ok.ip }
}
`;

export const QUICK = `pattern Quick {
  match LoginOk next x: Probe within 1s where host == LoginOk.ip
  emit { who: LoginOk.user, host: x.host }
}
`;

export const FILES = { "schemas.pattern": SCHEMAS, "login.pattern": LOGIN, "quick.pattern": QUICK };
export const view = () => makeView(FILES);
export const SCHEMAS_URI = uriOf("schemas.pattern");
export const LOGIN_URI = uriOf("login.pattern");
export const QUICK_URI = uriOf("quick.pattern");

/** The offset of the `n`-th (0-based) occurrence of `needle` in `text`, plus `delta`. */
export function at(text: string, needle: string, n = 0, delta = 0): number {
  let i = -1;
  for (let k = 0; k <= n; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`${needle} #${n} not found`);
  }
  return i + delta;
}
