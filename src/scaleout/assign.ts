/**
 * The partition → worker table every worker computes from the live member set
 * (scale-out.md §2.3 step 2). Workers never exchange the table: they agree because the
 * function is deterministic and they read the same sorted set.
 */
import { fmix32, fnv1a32String } from "./hash.js";

/**
 * Balanced rendezvous hashing: for p = 0..P-1, rank the members by descending
 * `fmix32(fnv1a32(utf8(id + "#" + p)))` (ties by id ascending) and give p to the
 * best-ranked member whose load so far is below ⌈P/N⌉. Duplicate ids count once, and
 * the input order does not matter (ids are sorted by UTF-16 code units, like
 * `Array.prototype.sort`).
 *
 * Returns the owner id of each partition, indexed by partition; an empty array when
 * there are no members (nobody owns anything) or no partitions.
 *
 * @example assign(["w2", "w0", "w1"], 16) // 16 ids, each worker owning 5 or 6
 * @throws RangeError when `partitions` is not a non-negative integer.
 */
export function assign(members: readonly string[], partitions: number): string[] {
  if (!Number.isInteger(partitions) || partitions < 0) {
    throw new RangeError(`partitions must be a non-negative integer, got ${partitions}`);
  }
  const ids = [...new Set(members)].sort();
  const n = ids.length;
  if (n === 0 || partitions === 0) return [];
  const cap = Math.ceil(partitions / n);
  // Counters by member index rather than a Map: P·N iterations on every heartbeat tick.
  const load = new Int32Array(n);
  const owners = new Array<string>(partitions);
  for (let p = 0; p < partitions; p++) {
    const suffix = `#${p}`;
    let best = -1;
    let bestScore = -1;
    // ids are ascending, so keeping the first of equal scores breaks ties by id.
    for (let i = 0; i < n; i++) {
      if (load[i] >= cap) continue;
      const score = fmix32(fnv1a32String(ids[i] + suffix));
      if (score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    load[best]++;
    owners[p] = ids[best];
  }
  return owners;
}
