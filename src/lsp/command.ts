/**
 * `cep lsp --stdio`'s entry, loaded only by that command (the CLI imports it on use):
 * the language server over this process's stdin and stdout.
 */
import { createConnection } from "vscode-languageserver/node";
import { startServer } from "./server.js";

/**
 * Serves LSP over stdin/stdout. The protocol library ends the process on `exit` (code 0
 * after `shutdown`, else 1) or when stdin closes; the promise never settles before.
 */
export function lspCommand(): Promise<number> {
  // stdout carries the protocol: anything a library prints goes to stderr instead.
  console.log = console.error;
  console.info = console.error;
  startServer(createConnection(process.stdin, process.stdout));
  return new Promise<number>(() => {});
}
