/**
 * Why a file could not be opened, read or written, in words for a one-line message:
 * `cep: cannot read x.pattern: no such file or directory`, the same in the REPL.
 */

/** A readable reason for a failed open/read/write: "no such file", "permission denied", … */
export function ioReason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    case "ENOTDIR":
      return "not a directory";
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
