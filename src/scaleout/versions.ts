/**
 * Pattern-set versions of a distributed job (issue #18): version 1 is the set the first
 * worker was started with; `cep deploy` stores version n+1 in `cep:job` (field `v:<n>`,
 * field `version` = the newest) and writes a marker entry `deploy <n>` into every
 * partition stream. Each partition switches at its marker: the entries before it run
 * under the old set, the entries after it under the new one (docs/scale-out.md
 * "Changing the patterns while it runs").
 */
import type { Program } from "../compile/model.js";
import { compile, type SourceFile } from "../compile/program.js";
import { Engine } from "../runtime/engine.js";
import { type Client, fcall, JOB, keys } from "./functions.js";
import { type JobConfig, JobError } from "./job.js";

/** The format of a stored version this build reads; a newer one is refused (published by a newer cep). */
export const VERSION_FORMAT = 1;

/** A stored pattern-set version: the source files, so every worker compiles the same set. */
export interface PatternSetRecord {
  /** {@link VERSION_FORMAT} of the cep that stored it. */
  readonly format: number;
  /** The pattern files, by name, as given to `cep worker` or `cep deploy`. */
  readonly files: readonly SourceFile[];
  /** {@link setFingerprint} of the compiled set. */
  readonly fingerprint: string;
  /** When it was published (ISO 8601). */
  readonly at: string;
}

/** How two pattern sets differ, by pattern name (from their {@link setFingerprint}s). */
export function setDiff(
  from: string,
  to: string,
): { added: string[]; removed: string[]; changed: string[]; kept: string[] } {
  const parse = (f: string) =>
    new Map(
      f
        .split(",")
        .filter((x) => x !== "")
        .map((x) => [x.slice(0, x.lastIndexOf("@")), x.slice(x.lastIndexOf("@") + 1)] as const),
    );
  const a = parse(from);
  const b = parse(to);
  const out = {
    added: [] as string[],
    removed: [] as string[],
    changed: [] as string[],
    kept: [] as string[],
  };
  for (const [name, fp] of b) {
    if (!a.has(name)) out.added.push(name);
    else (a.get(name) === fp ? out.kept : out.changed).push(name);
  }
  for (const name of a.keys()) if (!b.has(name)) out.removed.push(name);
  return out;
}

/** What {@link deploy} did. */
export interface DeployResult {
  /** The fingerprint of the version that was newest before (empty when unreadable). */
  readonly previous: string;
  /** The version now newest. */
  readonly version: number;
  /** Partition streams that received its marker in this call. */
  readonly marked: number;
  /** True when the set was already the newest version (a retried deploy: only missing markers were written). */
  readonly existing: boolean;
}

/**
 * A program's identity as a pattern set: each pattern's name and fingerprint (a hash of
 * its declaration), in order (the order breaks ties between patterns' matches).
 */
export function setFingerprint(program: Program): string {
  return program.patterns.map((p) => `${p.name}@${p.fingerprint}`).join(",");
}

/**
 * Throws unless `program` can run on the job's partitions: every pattern's `key by` must
 * begin with the partition field (the check a worker's engine makes).
 */
export function checkPartitionable(program: Program, job: JobConfig): void {
  new Engine(program, { watermarksOnly: true, partitionBy: job.partitionBy.split(".") });
}

/** A version record for `files`, compiled as `program`. */
export function versionRecord(files: readonly SourceFile[], program: Program): PatternSetRecord {
  return {
    format: VERSION_FORMAT,
    files: files.map((f) => ({ file: f.file, source: f.source })),
    fingerprint: setFingerprint(program),
    at: new Date().toISOString(),
  };
}

/** The newest version of the job's pattern set (0: none stored yet). */
export async function newestVersion(client: Client): Promise<number> {
  return Number((await client.hget(JOB, "version")) ?? 0);
}

/**
 * Stored version `n`. Throws when it is missing, unreadable, or in a format newer than
 * this build's (it was published by a newer cep).
 */
export async function readVersion(client: Client, n: number): Promise<PatternSetRecord> {
  const text = await client.hget(JOB, `v:${n}`);
  if (text === null) throw new Error(`pattern-set version ${n} is not stored in this job`);
  let record: PatternSetRecord;
  try {
    record = JSON.parse(text) as PatternSetRecord;
  } catch {
    throw new Error(`pattern-set version ${n} is not readable JSON`);
  }
  if (typeof record?.format !== "number" || !Array.isArray(record.files)) {
    throw new Error(`pattern-set version ${n} is not a pattern-set record`);
  }
  if (record.format > VERSION_FORMAT) {
    throw new Error(
      `pattern-set version ${n} was published by a newer cep (format ${record.format}; this one reads ${VERSION_FORMAT})`,
    );
  }
  return record;
}

/** Stores `record` as version 1 unless the job has versions; returns the newest version. */
export async function initVersions(client: Client, record: PatternSetRecord): Promise<number> {
  return Number(await fcall(client, ["cep_init", 1, JOB, JSON.stringify(record)]));
}

/**
 * Publishes `record` as the job's next pattern-set version and writes its marker into
 * every partition stream. On a standalone Redis both happen in one function call
 * (`cep_deploy`): all or nothing. On a Cluster the partitions live in other slots: the
 * version is stored first, then each partition is marked (`cep_mark`, idempotent); a
 * deploy interrupted in between is completed by running it again with the same set (the
 * set equals the newest version: only the missing markers are written).
 */
export async function deploy(
  client: Client,
  job: JobConfig,
  record: PatternSetRecord,
  options: { cluster?: boolean } = {},
): Promise<DeployResult> {
  for (let attempt = 0; ; attempt++) {
    const current = await newestVersion(client);
    if (current === 0) {
      throw new JobError("the job has no pattern set yet: start a worker first (its files become version 1)");
    }
    const newest = await readVersion(client, current).catch(() => null);
    const previous = newest?.fingerprint ?? "";
    if (previous === record.fingerprint) {
      const marked = current === 1 ? 0 : await markAll(client, job, current);
      return { version: current, marked, existing: true, previous };
    }
    const partitionKeys: string[] = [];
    if (!options.cluster) {
      for (let p = 0; p < job.partitions; p++) partitionKeys.push(keys(p).in, keys(p).mark);
    }
    let version: number;
    try {
      version = Number(
        await fcall(client, [
          "cep_deploy",
          1 + partitionKeys.length,
          JOB,
          ...partitionKeys,
          String(current),
          JSON.stringify(record),
        ]),
      );
    } catch (err) {
      // Another deploy published a version since we read it: look again.
      if (/STALE version/.test(String((err as Error)?.message)) && attempt < 5) continue;
      throw err;
    }
    const marked = options.cluster ? await markAll(client, job, version) : job.partitions;
    return { version, marked, existing: false, previous };
  }
}

/** Writes version `n`'s marker into every partition stream that lacks it; returns how many got one. */
async function markAll(client: Client, job: JobConfig, n: number): Promise<number> {
  let marked = 0;
  for (let p = 0; p < job.partitions; p++) {
    const k = keys(p);
    marked += Number(await fcall(client, ["cep_mark", 2, k.in, k.mark, String(n)]));
  }
  return marked;
}

/** What is read of a compile diagnostic (a `CompileError`'s, from lang/, which this layer does not import). */
interface CompileDiagnostic {
  readonly severity: string;
  readonly file: string;
  readonly code: string;
  readonly message: string;
}

/**
 * Compiles stored version `n` with the job's fields — or returns `own` when it is the
 * same set. Throws a one-line error when it does not compile here (a newer cep's syntax,
 * say) or compiles to another set than the one published.
 */
export function compileVersion(record: PatternSetRecord, n: number, job: JobConfig, own: Program): Program {
  if (record.fingerprint === setFingerprint(own)) return own;
  let program: Program;
  try {
    program = compile(record.files, { typeField: job.typeField, timeField: job.timeField });
  } catch (err) {
    const diagnostics = (err as { diagnostics?: CompileDiagnostic[] }).diagnostics;
    if (!Array.isArray(diagnostics)) throw err;
    const first = diagnostics.find((d) => d.severity === "error") ?? diagnostics[0];
    throw new Error(
      `it does not compile here (${diagnostics.length} diagnostics; first: ${first?.file ?? "?"}: ${first?.code ?? ""} ${first?.message ?? ""})`,
    );
  }
  if (setFingerprint(program) !== record.fingerprint) {
    throw new Error(`version ${n} compiles to another set here than where it was published`);
  }
  return program;
}
