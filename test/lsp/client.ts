/**
 * A test client that drives `cep lsp --stdio` as an editor does: the real `bin/cep.js`
 * (built by `ensureBuilt`, run from a private copy so a concurrent build cannot break it)
 * spoken to over stdio with `vscode-languageserver-protocol`.
 *
 * ```ts
 * const client = await LspClient.start(folder);
 * client.open(uri, "pattern P { match a: A }");
 * const diagnostics = await client.diagnostics(uri, 1);
 * await client.shutdown();
 * ```
 */
import { type ChildProcess, spawn } from "node:child_process";
import { pathToFileURL } from "node:url";
import {
  type ClientCapabilities,
  createProtocolConnection,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node";
import { privateBin } from "../cli/dist.js";

let privateCopy: string | null = null;

/** The `bin/cep.js` tests spawn (built once per test file). */
export function cepBin(): string {
  privateCopy ??= privateBin();
  return privateCopy;
}

/** The `file://` URI of a path, as editors send it. */
export function uriOf(path: string): string {
  return pathToFileURL(path).href;
}

/** One incremental change: `range` replaced by `text`. */
export interface Change {
  readonly range: Range;
  readonly text: string;
}

interface Waiter {
  readonly uri: string;
  readonly version: number | undefined;
  readonly resolve: (d: PublishDiagnosticsParams) => void;
}

/** A language client over the real server process. */
export class LspClient {
  /** Every `publishDiagnostics` received, in order. */
  readonly published: PublishDiagnosticsParams[] = [];
  /** The latest diagnostics per URI. */
  readonly latest = new Map<string, Diagnostic[]>();
  /** What the server wrote to stderr (its log). */
  stderr = "";
  /** Set when the server process exits. */
  exitCode: number | null = null;
  readonly exited: Promise<number | null>;
  private readonly waiters: Waiter[] = [];
  private readonly versions = new Map<string, number>();

  private constructor(
    readonly process: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    this.exited = new Promise((resolve) => process.on("exit", (code) => resolve((this.exitCode = code))));
    // A write after the process ended (a test that killed it) is not the test's failure.
    process.stdin?.on("error", () => {});
    process.stderr?.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
      this.published.push(p);
      this.latest.set(p.uri, p.diagnostics);
      for (let i = 0; i < this.waiters.length; i++) {
        const w = this.waiters[i];
        if (w.uri === p.uri && (w.version === undefined || w.version === p.version)) {
          this.waiters.splice(i--, 1);
          w.resolve(p);
        }
      }
    });
    // The server's log (window/logMessage) is kept with stderr.
    connection.onNotification("window/logMessage", (p: { message: string }) => {
      this.stderr += `${p.message}\n`;
    });
    connection.onRequest("client/registerCapability", () => null);
    connection.listen();
  }

  /**
   * Starts `cep lsp --stdio` and initializes it with `folder` as the workspace folder
   * (null: no folder). `capabilities` are the client's (default: watched files by registration,
   * workspace folders); `bin` the `cep.js` to run (default: a private copy of the build).
   */
  static async start(
    folder: string | null,
    capabilities: ClientCapabilities = {
      workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true },
    },
    bin: string = cepBin(),
  ): Promise<LspClient & { initializeResult: InitializeResult }> {
    const child = spawn(process.execPath, [bin, "lsp", "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout),
      new StreamMessageWriter(child.stdin),
    );
    const client = new LspClient(child, connection);
    const initializeResult: InitializeResult = await connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri: folder === null ? null : uriOf(folder),
      workspaceFolders: folder === null ? null : [{ uri: uriOf(folder), name: "test" }],
      capabilities,
    });
    await connection.sendNotification("initialized", {});
    return Object.assign(client, { initializeResult });
  }

  /** `textDocument/didOpen`. */
  open(uri: string, text: string, version = 1): void {
    this.versions.set(uri, version);
    this.notify("textDocument/didOpen", {
      textDocument: { uri, languageId: "cep-pattern", version, text },
    });
  }

  /** `textDocument/didChange` with incremental changes; returns the new version. */
  change(uri: string, changes: readonly Change[]): number {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    this.notify("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: changes.map((c) => ({ range: c.range, text: c.text })),
    });
    return version;
  }

  /** `textDocument/didClose`. */
  close(uri: string): void {
    this.versions.delete(uri);
    this.notify("textDocument/didClose", { textDocument: { uri } });
  }

  /** `workspace/didChangeWatchedFiles` (type 1 created, 2 changed, 3 deleted). */
  filesChanged(changes: readonly { uri: string; type: 1 | 2 | 3 }[]): void {
    this.notify("workspace/didChangeWatchedFiles", { changes });
  }

  /**
   * The next `publishDiagnostics` for `uri` (for `version` when given), or one already
   * received for that version. Rejects after `timeoutMs`.
   */
  diagnostics(uri: string, version?: number, timeoutMs = 10_000): Promise<PublishDiagnosticsParams> {
    if (version !== undefined) {
      const had = this.published.findLast((p) => p.uri === uri && p.version === version);
      if (had !== undefined) return Promise.resolve(had);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { uri, version, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i < 0) return;
        this.waiters.splice(i, 1);
        reject(
          new Error(`no diagnostics for ${uri} version ${version} in ${timeoutMs} ms; log:\n${this.stderr}`),
        );
      }, timeoutMs);
    });
  }

  /** Sends a notification; one that cannot be written (the server ended) is the test's to notice, not an unhandled rejection. */
  private notify(method: string, params: unknown): void {
    this.connection.sendNotification(method, params).catch(() => {});
  }

  /** Any request. */
  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  /** `shutdown`, then `exit`; resolves to the process's exit code. */
  async shutdown(): Promise<number | null> {
    if (this.exitCode !== null) return this.exitCode;
    await this.connection.sendRequest("shutdown");
    await this.connection.sendNotification("exit");
    const code = await this.exited;
    this.connection.dispose();
    return code;
  }

  /** Ends the process without the protocol (after a failed test). */
  kill(): void {
    this.connection.dispose();
    if (this.exitCode === null) this.process.kill();
  }
}
