import { compile } from "../src/index.js";
import { verify } from "./harness.js";
import { w1Cases } from "./workloads/w1.js";
import { f2W1 } from "./baselines/f2-w1.js";
const c = w1Cases().cases.find((x) => x.id === "W1 n=3 fb-any w=100")!;
console.log(verify({ ...c, f2: f2W1(["T0","T1","T2"], 101, true) }, compile(c.source), c.events(), 5000));
const d = w1Cases().cases.find((x) => x.id === "W1 n=3 fb w=100")!;
console.log(verify({ ...d, f2: f2W1(["T0","T1","T2"], 100, true) }, compile(d.source), d.events(), 5000));
