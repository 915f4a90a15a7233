import { compile } from "../src/index.js";
import { verify } from "./harness.js";
import { w1Cases } from "./workloads/w1.js";
import { w3Cases } from "./workloads/w3.js";
import { w4Cases } from "./workloads/w4.js";
import { w7Cases } from "./workloads/w7.js";
const filter = process.argv[2] ?? "";
const all = [...w1Cases().cases, ...w3Cases(), ...w4Cases(), ...w7Cases()].filter((c) => c.id.includes(filter));
for (const c of all) {
  const t0 = performance.now();
  const n = Math.min(c.verifyN, Number(process.env.VN ?? 1e9));
  const errs = verify(c, compile(c.source), c.events(), n);
  console.log(c.id, n, errs.length ? errs.join("\n") : "OK", `${(performance.now() - t0).toFixed(0)}ms`);
}
