#!/usr/bin/env bash
# Three `cep worker`s on one machine, over a private Redis, against `cep run` on the same
# input: the same matches. Needs redis-server (Redis 7) on the PATH and a build (npm run build).
#
#   bash scripts/scale-out-demo.sh [events]      # default 100000 events
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
# CEP_BIN: the cep to run (the tests pass a private copy of the build).
bin=${CEP_BIN:-bin/cep.js}
cep() { node "$bin" "$@"; }
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # Let the workers release their leases while Redis still answers.
  for p in "${pids[@]}"; do
    for _ in $(seq 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
  done
  [ -f "$work/redis.pid" ] && kill "$(cat "$work/redis.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 1" INT TERM
# A free port can be taken by someone else before redis-server binds it: check that the
# server answering is ours (its dir), else try another port.
for attempt in 1 2 3 4 5; do
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  rm -f "$work/redis.pid"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly yes \
    --appendfsync always --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log" || true
  for _ in $(seq 100); do
    [ "$(redis-cli -p "$port" config get dir 2>/dev/null | tail -n 1)" = "$work" ] && break 2
    sleep 0.05
  done
done
[ "$(redis-cli -p "$port" config get dir 2>/dev/null | tail -n 1)" = "$work" ] || { echo "could not start redis-server" >&2; exit 1; }
url="redis://127.0.0.1:$port"

# Seeded login events: failures and successes for 5,000 users from a few IPs.
node -e '
let s = 7; const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
const out = []; let ts = 1700000000000;
for (let i = 0; i < +process.argv[1]; i++) {
  ts += Math.floor(r() * 40);
  const type = r() < 0.8 ? "LoginFailed" : "LoginOk";
  out.push(JSON.stringify({ type, user: "u" + Math.floor(r() * 5000), ip: "10.0.0." + Math.floor(r() * 4), ts }));
}
require("fs").writeFileSync(process.argv[2], out.join("\n") + "\n");
' "$n" "$work/events.ndjson"

echo "== 1. produce: $n events into 16 partitions by user"
cep produce --redis "$url" --partitions 16 --partition-by user --input "$work/events.ndjson" --end --log "$work/merged.ndjson"
echo "== 2. three workers"
for w in w1 w2 w3; do
  node "$bin" worker --redis "$url" --id "$w" --lease 1s --tick 100ms patterns/login-brute-force.pattern 2>"$work/$w.log" &
  pids+=($!)
done
echo "== 3. consume every match (until every partition has processed its end entry)"
if ! timeout 120 node "$bin" consume --redis "$url" --until-end >"$work/distributed.ndjson"; then
  echo "consume did not finish; worker logs:" >&2
  tail -n 20 "$work"/w*.log >&2
  exit 1
fi
cep status --redis "$url" | grep -E "^(job|workers|total lag)"
echo "== 4. the same patterns in one process: cep run"
cep run patterns/login-brute-force.pattern --input "$work/events.ndjson" >"$work/single.ndjson"
node -e '
const fs = require("fs");
const read = (f, strip) => fs.readFileSync(f, "utf8").split("\n").filter(Boolean)
  .map((l) => { if (!strip) return l; const o = JSON.parse(l); delete o.id; return JSON.stringify(o); }).sort();
const a = read(process.argv[1], true), b = read(process.argv[2], false);
const ids = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l).id);
console.log(`distributed: ${a.length} matches (${new Set(ids).size} distinct ids); cep run: ${b.length} matches`);
console.log(JSON.stringify(a) === JSON.stringify(b) ? "identical: yes" : "identical: NO");
process.exit(JSON.stringify(a) === JSON.stringify(b) ? 0 : 1);
' "$work/distributed.ndjson" "$work/single.ndjson"
grep -h "claimed partition" "$work"/w*.log | wc -l | xargs -I{} echo "claims logged by the workers: {}"
