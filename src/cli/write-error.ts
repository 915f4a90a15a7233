/**
 * Messages for failed writes to an output (`cep run`, `cep produce`, `cep consume`):
 * `cannot write to --output /dev/full: ENOSPC: no space left on device`.
 *
 * ```ts
 * if (sink.error) env.stderr.write(`cep: ${writeFailure("--output out.ndjson", sink.error)}\n`);
 * ```
 */
import { ioReason } from "../shell/io-reason.js";

/** A write error as `ENOSPC: no space left on device` (Node adds `, write`: the call, not the cause). */
export function writeReason(err: Error): string {
  const syscall = (err as { syscall?: unknown }).syscall;
  const message = ioReason(err);
  return typeof syscall === "string" && message.endsWith(`, ${syscall}`)
    ? message.slice(0, -syscall.length - 2)
    : message;
}

/** `cannot write to <name>: <reason>`; `name` says what the user called the output. */
export function writeFailure(name: string, err: Error): string {
  return `cannot write to ${name}: ${writeReason(err)}`;
}

/** EPIPE on stdout or stderr: the reader went away (`| head`), which is not a failure. */
export function readerLeft(standard: boolean, err: Error): boolean {
  return standard && (err as { code?: unknown }).code === "EPIPE";
}
