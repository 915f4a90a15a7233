/**
 * The Redis side of the distributed mode: the key layout of a partition (scale-out.md
 * §2.1), the `cepheus` Redis Function library (claim, renew, release — §2.4 — and the
 * atomic checkpoint — §2.6), and typed wrappers that call it with `FCALL`.
 *
 * Every key of one partition shares the hash tag `{cep:<p>}`, so each call touches one
 * Cluster slot and `FCALL` is routed by its first key.
 */
import type { Cluster, Redis } from "ioredis";

/** Sorted set of live workers: worker id → heartbeat deadline (ms). Outside any partition tag. */
export const MEMBERS = "cep:members";

/** Hash of the job's fixed settings (partition count, …). Outside any partition tag. */
export const JOB = "cep:job";

/** The Redis keys of one partition; all share the hash tag `{cep:<p>}` (one Cluster slot). */
export interface PartitionKeys {
  /** Stream of input entries (`e` = event line, or `wm` ticks). */
  readonly in: string;
  /** Stream of matches: fields `m`, `src`, `i`. */
  readonly out: string;
  /** Hash: key → JSON snapshot of that key's state. */
  readonly state: string;
  /** String: last input entry ID covered by the committed state (absent = `0-0`). */
  readonly pos: string;
  /** Hash: partition-level state (watermark, pattern-set version, …). */
  readonly meta: string;
  /** String with a PX TTL: the owner's worker id. */
  readonly lease: string;
  /** Integer fencing token, incremented by every new claim. */
  readonly epoch: string;
  /** Integer: the newest pattern-set version whose marker is in `in` (absent = none). */
  readonly mark: string;
}

/**
 * The keys of partition `p`.
 *
 * @example keys(3).state === "{cep:3}:state"
 */
export function keys(p: number): PartitionKeys {
  const t = `{cep:${p}}`;
  return {
    in: `${t}:in`,
    out: `${t}:out`,
    state: `${t}:state`,
    pos: `${t}:pos`,
    meta: `${t}:meta`,
    lease: `${t}:lease`,
    epoch: `${t}:epoch`,
    mark: `${t}:mark`,
  };
}

/**
 * The `cepheus` Redis Function library (Lua, Redis ≥ 7.0), loaded with
 * `FUNCTION LOAD REPLACE` by {@link loadFunctions}.
 *
 * - `cep_claim` KEYS=[lease, epoch] ARGV=[worker, ttlMs] → the epoch (the current one if
 *   the caller already holds the lease, after extending it; else a new one), or nil when
 *   another worker holds the lease.
 * - `cep_renew` KEYS=[lease, epoch] ARGV=[worker, ttlMs, myEpoch] → 1 and PEXPIRE if the
 *   caller holds the lease under that epoch, else 0.
 * - `cep_release` KEYS=[lease] ARGV=[worker] → 1 and DEL if the caller holds the lease, else 0.
 * - `cep_commit` KEYS=[epoch, pos, state, out, meta] ARGV=[myEpoch, expectedPos, newPos,
 *   nPut, k, v…, nDel, k…, nOut, m, src, i…, meta field/value pairs to the end] → the
 *   number of outputs appended; error `FENCED epoch` or `FENCED pos` when fenced.
 * - `cep_init` KEYS=[job] ARGV=[record] → the newest pattern-set version, after storing
 *   `record` as version 1 when the job has none.
 * - `cep_deploy` KEYS=[job, in₀, mark₀, in₁, mark₁, …] ARGV=[expectedVersion, record] →
 *   the new version n (stored as field `v:<n>`, `version` set to n) after writing a
 *   marker entry `deploy <n>` into every listed partition stream; error `STALE version <v>`
 *   when the newest version is not `expectedVersion` (another deploy came first). With no
 *   partition keys (a Cluster: other slots) it only stores the version; `cep_mark` follows.
 * - `cep_mark` KEYS=[in, mark] ARGV=[version] → 1 after writing the marker of `version`,
 *   0 when the stream already has it (idempotent: a retried deploy completes the marking).
 *
 * A marker's entry id is the stream's last id with 2³² added to its sequence number: the
 * producer's next explicit ids (same millisecond part, next sequence numbers) are then
 * refused, and it renumbers them after the marker (producer.ts) instead of writing
 * events out of order.
 *
 * `cep_commit` checks everything (argument shape, key types, epoch, position) before its
 * first write, because a script that fails half-way leaves its earlier writes in place.
 */
export const LIBRARY = `#!lua name=cepheus

local function cep_claim(keys, args)
  local owner = redis.call('GET', keys[1])
  if owner == args[1] then
    redis.call('PEXPIRE', keys[1], args[2])
    local epoch = redis.call('GET', keys[2])
    if epoch then return tonumber(epoch) end
    return redis.call('INCR', keys[2])
  end
  if owner then return false end
  redis.call('SET', keys[1], args[1], 'PX', args[2])
  return redis.call('INCR', keys[2])
end

local function cep_renew(keys, args)
  if redis.call('GET', keys[1]) == args[1] and redis.call('GET', keys[2]) == args[3] then
    redis.call('PEXPIRE', keys[1], args[2])
    return 1
  end
  return 0
end

local function cep_release(keys, args)
  if redis.call('GET', keys[1]) == args[1] then
    redis.call('DEL', keys[1])
    return 1
  end
  return 0
end

-- A count argument: a non-negative integer, or nil.
local function count(args, i)
  local c = tonumber(args[i])
  if c == nil or c < 0 or c ~= math.floor(c) then return nil end
  return c
end

-- Lua's unpack is bounded by its C stack (~8000 values): send long runs in chunks of
-- CHUNK arguments (even, so field/value pairs never split).
local CHUNK = 2000
local function chunked(cmd, key, args, from, to)
  local i = from
  while i <= to do
    local j = math.min(i + CHUNK - 1, to)
    redis.call(cmd, key, unpack(args, i, j))
    i = j + 1
  end
end

local function has_type(key, want)
  local t = redis.call('TYPE', key)['ok']
  return t == 'none' or t == want
end

local function cep_commit(keys, args)
  local n = #args
  local bad = 'ERR cep_commit: malformed arguments'
  -- 1. Shape of the arguments.
  local nPut = count(args, 4)
  if nPut == nil then return redis.error_reply(bad) end
  local delAt = 5 + 2 * nPut
  local nDel = count(args, delAt)
  if nDel == nil then return redis.error_reply(bad) end
  local outAt = delAt + 1 + nDel
  local nOut = count(args, outAt)
  if nOut == nil then return redis.error_reply(bad) end
  local metaAt = outAt + 1 + 3 * nOut
  if metaAt > n + 1 or (n + 1 - metaAt) % 2 ~= 0 then return redis.error_reply(bad) end
  -- 2. Key types, so no write below can fail with WRONGTYPE.
  if not (has_type(keys[3], 'hash') and has_type(keys[4], 'stream') and has_type(keys[5], 'hash')) then
    return redis.error_reply('WRONGTYPE cep_commit: state, out or meta has the wrong type')
  end
  -- 3. Fencing: epoch, then compare-and-set on the input position.
  if redis.call('GET', keys[1]) ~= args[1] then return redis.error_reply('FENCED epoch') end
  if (redis.call('GET', keys[2]) or '0-0') ~= args[2] then return redis.error_reply('FENCED pos') end
  -- 4. Writes only from here on: nothing may be checked after the first write.
  chunked('HSET', keys[3], args, 5, delAt - 1)
  chunked('HDEL', keys[3], args, delAt + 1, outAt - 1)
  for j = outAt + 1, metaAt - 1, 3 do
    redis.call('XADD', keys[4], '*', 'm', args[j], 'src', args[j + 1], 'i', args[j + 2])
  end
  chunked('HSET', keys[5], args, metaAt, n)
  redis.call('SET', keys[2], args[3])
  return nOut
end

-- Pattern-set versions and markers (issue #18).
local GAP = 4294967296

local function marker_id(stream)
  if redis.call('EXISTS', stream) == 0 then return '0-1' end
  local info = redis.call('XINFO', 'STREAM', stream)
  local last = '0-0'
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then last = info[i + 1] end
  end
  local ms, seq = string.match(last, '^(%d+)%-(%d+)$')
  return ms .. '-' .. string.format('%.0f', tonumber(seq) + GAP)
end

local function mark(stream, markKey, n)
  if tonumber(redis.call('GET', markKey) or '0') >= n then return 0 end
  redis.call('XADD', stream, marker_id(stream), 'deploy', tostring(n))
  redis.call('SET', markKey, tostring(n))
  return 1
end

local function marks_ok(keys, from)
  for i = from, #keys, 2 do
    if not (has_type(keys[i], 'stream') and has_type(keys[i + 1], 'string')) then return false end
  end
  return true
end

local function cep_init(keys, args)
  if not has_type(keys[1], 'hash') then return redis.error_reply('WRONGTYPE cep_init: the job is not a hash') end
  local cur = redis.call('HGET', keys[1], 'version')
  if cur then return tonumber(cur) end
  redis.call('HSET', keys[1], 'v:1', args[1], 'version', '1')
  return 1
end

local function cep_deploy(keys, args)
  if #keys % 2 ~= 1 or #args ~= 2 then return redis.error_reply('ERR cep_deploy: malformed arguments') end
  if not (has_type(keys[1], 'hash') and marks_ok(keys, 2)) then
    return redis.error_reply('WRONGTYPE cep_deploy: a job, stream or mark key has the wrong type')
  end
  local cur = tonumber(redis.call('HGET', keys[1], 'version') or '0')
  if cur ~= tonumber(args[1]) then return redis.error_reply('STALE version ' .. cur) end
  local n = cur + 1
  redis.call('HSET', keys[1], 'v:' .. n, args[2], 'version', tostring(n))
  for i = 2, #keys, 2 do mark(keys[i], keys[i + 1], n) end
  return n
end

local function cep_mark(keys, args)
  local n = count(args, 1)
  if #keys ~= 2 or n == nil or n < 1 then return redis.error_reply('ERR cep_mark: malformed arguments') end
  if not marks_ok(keys, 1) then return redis.error_reply('WRONGTYPE cep_mark: stream or mark key has the wrong type') end
  return mark(keys[1], keys[2], n)
end

redis.register_function('cep_claim', cep_claim)
redis.register_function('cep_renew', cep_renew)
redis.register_function('cep_release', cep_release)
redis.register_function('cep_commit', cep_commit)
redis.register_function('cep_init', cep_init)
redis.register_function('cep_deploy', cep_deploy)
redis.register_function('cep_mark', cep_mark)
`;

/** A standalone client or a Cluster client (ioredis). */
export type Client = Redis | Cluster;

/**
 * Loads {@link LIBRARY} with `FUNCTION LOAD REPLACE`: on the server of a standalone
 * client, or on every primary of a Cluster, since functions are stored per node.
 * Idempotent; call it at start-up (workers also call it when a function is missing).
 */
export async function loadFunctions(client: Client): Promise<void> {
  if (!isCluster(client)) {
    await client.call("FUNCTION", ["LOAD", "REPLACE", LIBRARY]);
    return;
  }
  // Any command waits for the slot map, so the list of primaries below is complete.
  await client.ping();
  const primaries = client.nodes("master");
  if (primaries.length === 0) throw new Error("loadFunctions: the cluster client knows no primaries");
  await Promise.all(primaries.map((node) => node.call("FUNCTION", ["LOAD", "REPLACE", LIBRARY])));
}

function isCluster(client: Client): client is Cluster {
  return client.isCluster;
}

/**
 * The error a fenced commit throws: `reason` says whether the epoch moved on (another
 * worker claimed the partition) or the position did (a resent or rolled-back commit).
 * Either way the caller drops the partition's in-memory state (scale-out.md §2.6).
 */
export class FencedError extends Error {
  /** Which check failed. */
  readonly reason: "epoch" | "pos";
  /** The partition of the refused commit. */
  readonly partition: number;

  /** Builds the error for partition `partition`, with message `FENCED <reason> (partition p)`. */
  constructor(reason: "epoch" | "pos", partition: number) {
    super(`FENCED ${reason} (partition ${partition})`);
    this.name = "FencedError";
    this.reason = reason;
    this.partition = partition;
  }
}

/**
 * Calls a function of the library (`argv` = name, numkeys, keys…, args…), loading the library and retrying once when the
 * server does not know it (a server restarted without its functions, a new primary).
 */
export async function fcall(client: Client, argv: (string | number)[]): Promise<unknown> {
  try {
    return await client.call("FCALL", argv);
  } catch (err) {
    if (!/function not found/i.test(String((err as Error)?.message))) throw err;
    await loadFunctions(client);
    return await client.call("FCALL", argv);
  }
}

/**
 * Claims partition `p` for `worker` with a lease of `ttlMs`. Returns the fencing epoch
 * (the current one when `worker` already holds the lease, which is then extended), or
 * null while another worker holds it.
 */
export async function claim(
  client: Client,
  p: number,
  worker: string,
  ttlMs: number,
): Promise<number | null> {
  const k = keys(p);
  const r = await fcall(client, ["cep_claim", 2, k.lease, k.epoch, worker, ttlMs]);
  return r === null ? null : Number(r);
}

/**
 * Extends `worker`'s lease on partition `p` to `ttlMs`. False when the worker no longer
 * holds it or the epoch moved on: the worker must then stop processing `p`.
 */
export async function renew(
  client: Client,
  p: number,
  worker: string,
  ttlMs: number,
  epoch: number,
): Promise<boolean> {
  const k = keys(p);
  const r = await fcall(client, ["cep_renew", 2, k.lease, k.epoch, worker, ttlMs, String(epoch)]);
  return r === 1;
}

/** Releases `worker`'s lease on partition `p` (voluntary hand-off). False if it did not hold it. */
export async function release(client: Client, p: number, worker: string): Promise<boolean> {
  const k = keys(p);
  const r = await fcall(client, ["cep_release", 1, k.lease, worker]);
  return r === 1;
}

/** One checkpoint of a partition: what {@link commit} writes atomically. */
export interface CommitArgs {
  /** The epoch the caller's claim returned. */
  epoch: number;
  /** The `pos` the caller's state was restored from or last committed (`0-0` initially). */
  expectedPos: string;
  /** The last input entry ID the new state covers. */
  newPos: string;
  /** Key snapshots to write (key, JSON). */
  put: [string, string][];
  /** Keys whose state became empty. */
  del: string[];
  /** Matches to append to the output stream: match JSON, input entry ID, index in that input. */
  out: { m: string; src: string; i: number }[];
  /** Partition-level fields to set (watermark, …). */
  meta: Record<string, string>;
}

/**
 * Checkpoints partition `p` in one atomic `cep_commit`: if the epoch and position still
 * match, writes the key snapshots, deletes, output matches, meta fields and the new
 * position; otherwise writes nothing and throws a {@link FencedError} (message
 * `FENCED epoch …` or `FENCED pos …`).
 *
 * @example await commit(redis, 3, { epoch, expectedPos: "0-0", newPos: id, put, del: [], out, meta: { wm: "1000" } })
 */
export async function commit(client: Client, p: number, args: CommitArgs): Promise<void> {
  const k = keys(p);
  const argv: (string | number)[] = [
    "cep_commit",
    5,
    k.epoch,
    k.pos,
    k.state,
    k.out,
    k.meta,
    String(args.epoch),
    args.expectedPos,
    args.newPos,
    args.put.length,
  ];
  for (const [key, value] of args.put) argv.push(key, value);
  argv.push(args.del.length);
  for (const key of args.del) argv.push(key);
  argv.push(args.out.length);
  for (const o of args.out) argv.push(o.m, o.src, o.i);
  for (const [f, v] of Object.entries(args.meta)) argv.push(f, v);
  try {
    await fcall(client, argv);
  } catch (err) {
    const m = /FENCED (epoch|pos)/.exec(String((err as Error)?.message));
    if (m) throw new FencedError(m[1] as "epoch" | "pos", p);
    throw err;
  }
}
