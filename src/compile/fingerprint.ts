/**
 * A pattern's fingerprint: what says that two compilations define the same pattern, so a
 * snapshot restores into it and `updatePatterns` (`--watch`, `cep deploy`) keeps its state.
 * It hashes the pattern's tokens — comments, spacing and line breaks left out, so editing
 * a comment or running `cep fmt` changes nothing — and the `event` declarations its terms
 * check events against (a changed declaration changes which events it is fed).
 *
 * Earlier versions hashed the source text as written ({@link sourceHash}): snapshots and
 * checkpoints that recorded that hash restore as before (runtime/snapshot.ts
 * `upgradeFingerprint`).
 */
import { createHash } from "node:crypto";
import { lex } from "../lang/tokens.js";
import type { SchemaModel } from "./model.js";

/** The first 16 hex digits of a SHA-256. */
function hash16(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** The fingerprint of a pattern declaration's text and the schemas it uses. */
export function definitionHash(declText: string, schemas: readonly SchemaModel[]): string {
  const tokens = lex(declText).map((t) => t.image);
  return hash16(JSON.stringify({ tokens, schemas }));
}

/** The earlier fingerprint: a hash of the declaration's text as written. */
export function sourceHash(declText: string): string {
  return hash16(declText);
}
