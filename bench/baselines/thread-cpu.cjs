/**
 * Preloaded (`node --require`) into a `cep run --threads N` process by the CLI bench: at
 * exit, each thread's CPU time (user + system, from /proc, Linux only) — every worker
 * thread its own, the main (reading) thread, and the process's other threads (V8's
 * compiler and garbage-collector helpers, libuv) — as one stderr line
 * `cep-thread-cpu: {"main":…,"workers":[…],"helpers":…}` (ms).
 */
const fs = require("node:fs");
const { isMainThread } = require("node:worker_threads");

const HZ_MS = 10; // clock ticks are 1/100 s on Linux
const ticks = (stat) => {
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * HZ_MS;
};
const workers = [];
if (!isMainThread) {
  process.on("exit", () => {
    try {
      const own = ticks(fs.readFileSync("/proc/thread-self/stat", "utf8"));
      fs.appendFileSync(process.env.CEP_THREAD_CPU_FILE, `${own}\n`);
    } catch {}
  });
} else {
  process.on("exit", () => {
    try {
      let main = 0;
      let helpers = 0;
      for (const t of fs.readdirSync("/proc/self/task")) {
        const ms = ticks(fs.readFileSync(`/proc/self/task/${t}/stat`, "utf8"));
        if (Number(t) === process.pid) main = ms;
        else helpers += ms;
      }
      const file = process.env.CEP_THREAD_CPU_FILE;
      for (const l of fs.readFileSync(file, "utf8").split("\n")) if (l !== "") workers.push(Number(l));
      process.stderr.write(`cep-thread-cpu: ${JSON.stringify({ main, workers, helpers })}\n`);
    } catch {}
  });
}
